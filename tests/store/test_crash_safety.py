"""Crash safety: SIGKILL a process that is saving answers and drafts; nothing it acknowledged is lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mockinspect.services.inspection import InspectionService, TrailService
from tests.store.factories import new_session

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
KILLS = 24


def _run_and_kill(
    db_path: Path, session_id: str, first: int, rng: random.Random, *, early: bool
) -> list[tuple[int, str, str]]:
    """Start the child, SIGKILL it at a random moment, return the lines it acknowledged."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db_path), session_id, str(first)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    lines: list[bytes] = []
    first_ack = threading.Event()

    def read() -> None:
        for line in child.stdout:  # type: ignore[union-attr]
            lines.append(line)
            first_ack.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if early:  # anywhere from start-up and opening the database to the first saves
        time.sleep(rng.uniform(0.0, 1.0))
    else:
        if not first_ack.wait(timeout=60):
            child.kill()
            raise AssertionError(f"the child never acknowledged a save: {child.stderr.read().decode()}")  # type: ignore[union-attr]
        time.sleep(rng.uniform(0.0, 0.25))
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    reader.join(timeout=30)
    child.stdout.close()  # type: ignore[union-attr]
    stderr = child.stderr.read().decode()  # type: ignore[union-attr]
    child.stderr.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL, stderr
    acked = []
    for raw in lines:
        if raw.endswith(b"\n"):  # a line cut by the kill was never acknowledged
            n, kind, qid = raw.decode().split()
            acked.append((int(n), kind, qid))
    return acked


def test_acknowledged_answers_survive_sigkill(tmp_path):
    db_path = tmp_path / "crash.db"
    session_id = new_session(db_path, areas=4, per_area=50)
    rng = random.Random(20240301)
    newest: dict[tuple[str, str], int] = {}  # (kind, question) -> highest acknowledged n
    total_acked = 0
    next_n = 0
    for round_no in range(KILLS):
        acked = _run_and_kill(db_path, session_id, next_n, rng, early=round_no % 6 == 5)
        total_acked += len(acked)
        for n, kind, qid in acked:
            newest[kind, qid] = max(newest.get((kind, qid), -1), n)
            next_n = max(next_n, n + 1)
        next_n += 1  # the save in flight may or may not have committed; start past it

        con = sqlite3.connect(db_path)
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        con.close()
        with InspectionService.open(db_path, mode="read", user_name="checker") as service:
            stored = {r.question_id: r.text for r in service.responses(session_id)}
            drafts = {d.question_id: d.text for d in service.drafts(session_id)}
        for (kind, qid), n in newest.items():
            kept = (stored if kind == "answer" else drafts).get(qid)
            assert kept is not None, f"round {round_no}: acknowledged {kind} of {qid} is gone"
            assert int(kept.split()[1]) >= n, f"round {round_no}: the {kind} of {qid} went back to an older one"

    assert total_acked >= KILLS  # the kills landed while answers were being saved
    assert {kind for kind, _ in newest} == {"answer", "draft"}
    with TrailService.open(db_path, mode="read", user_name="checker") as trail:
        report = trail.verify()
    assert report.ok, report.problem
    print(f"crash test: {KILLS} kills, {total_acked} acknowledged saves, {len(newest)} answers and drafts checked")
