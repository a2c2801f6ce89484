"""A few real child processes, as a user or a script runs the command line: a whole session,
one user error, and the second writer. Everything else runs in-process (test_cli_*.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli

SCENARIO = "fda-cgt-data-integrity"


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result


def user_error(*args: str, match: str) -> str:
    result = run_cli(*args)
    assert result.returncode == 1, result.stdout + result.stderr
    # commands that read banks may add "notice: ..." lines; ours are the "mockinspect:" ones
    lines = [line for line in result.stderr.splitlines() if not line.startswith("notice:")]
    assert len(lines) == 1 and lines[0].startswith("mockinspect: "), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert match in lines[0], lines[0]
    return lines[0]


def db_path() -> Path:
    return Path(os.environ["MOCKINSPECT_DB"])


def snapshot(path: Path | None = None) -> tuple[int, int, int, int]:
    con = sqlite3.connect(path or db_path())
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("audit_trail", "responses", "evidence", "findings")
        )  # type: ignore[return-value]
    finally:
        con.close()


@pytest.fixture
def session_id():
    sid = ok("session", "new", "--scenario", SCENARIO, "--site", "Zell & Co <GmbH>", "--lead", "Ann").stdout.strip()
    assert len(sid) == 32
    return sid


@pytest.fixture
def questions(session_id):
    return json.loads(ok("session", "questions", session_id, "--json").stdout)


def test_a_whole_session_from_the_command_line(session_id, questions, tmp_path):
    listed = json.loads(ok("session", "list", "--json").stdout)
    assert [(s["id"], s["site"], s["answered"]) for s in listed] == [(session_id, "Zell & Co <GmbH>", 0)]
    assert questions[0]["position"] == 1 and questions[0]["status"] is None
    assert len(questions[0]["content_hash"]) == 64 and questions[0]["bank_id"] == "data-integrity"
    q1, q2 = questions[0]["question_id"], questions[1]["question_id"]

    evidence = tmp_path / "audit-trail-review.pdf"
    evidence.write_bytes(b"%PDF-1.4 review")
    out = ok("session", "answer", session_id[:8], q1, "--status", "deficient", "--text", "Keine Prüfung 監査",
             "--evidence", str(evidence), "--evidence", "https://qms.example/SOP-12").stdout  # fmt: skip
    assert f"{q1}: deficient" in out
    ok("session", "answer", session_id, q2, "--status", "compliant")
    finding_id = ok(
        "finding", "add", session_id, "--title", "Audit trails are not reviewed before release", "--grade", "major",
        "--severity", "4", "--occurrence", "3", "--detectability", "2", "--question", q1,
        "--text", "Specifically, lots 101-103.", "--citation", "21 CFR 211.192",
    ).stdout.strip()  # fmt: skip
    assert finding_id.isdigit()

    shown = json.loads(ok("session", "show", session_id, "--json").stdout)
    assert shown["session"]["site"] == "Zell & Co <GmbH>"
    assert shown["counts"]["answered"] == 2 and shown["counts"]["by_status"] == {"compliant": 1, "deficient": 1}
    assert shown["outcome"] == "VAI-or-OAI" and shown["risk_levels"] == {finding_id: "high"}
    assert shown["findings"][0]["question_ids"] == [q1]
    text = ok("session", "show", session_id).stdout
    assert "VAI-or-OAI - VAI or OAI, depending on the 483 response (indicative)" in text
    assert "Audit trails are not reviewed" in text
    answered = json.loads(ok("session", "questions", session_id, "--json").stdout)
    assert [q["status"] for q in answered[:2]] == ["deficient", "compliant"]

    assert ok("request", "add", session_id, "Batch record 101").stdout.strip().isdigit()
    assert "unchanged" in ok("evidence", "check", session_id).stdout
    ok("session", "finish", session_id)
    exported = json.loads(ok("session", "export", session_id).stdout)
    assert exported["session"]["state"] == "finished" and len(exported["responses"]) == 2

    verified = ok("trail", "verify")
    assert "audit trail ok" in verified.stdout
    head = json.loads(ok("trail", "head", "--json").stdout)
    assert json.loads(ok("trail", "verify", session_id, "--anchor", head["hash"], "--json").stdout)["ok"] is True


def test_a_user_error_is_one_line_exit_1_and_writes_nothing(session_id, questions):
    before = snapshot()
    user_error("session", "answer", session_id[:8], questions[0]["question_id"], "--status", "great",
               match="mockinspect: unknown status 'great'")  # fmt: skip
    assert snapshot() == before
    line = user_error("session", "new", "--scenario", SCENARIO, match="mockinspect: session new: ")
    assert line.count("mockinspect") == 1


HOLDER = textwrap.dedent(
    """
    import sys
    from mockinspect.services.inspection import InspectionService
    service = InspectionService.open(__import__("pathlib").Path(sys.argv[1]), user_name="window")
    print("ready", flush=True)
    sys.stdin.readline()
    service.close()
    """
)


def test_a_second_writer_is_told_who_has_the_database(session_id, questions):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path())], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        before = snapshot()
        user_error("session", "answer", session_id, questions[0]["question_id"], "--status", "compliant",
                   match=f"open for writing in another mockinspect (process {holder.pid}")  # fmt: skip
        assert snapshot() == before
        assert session_id in ok("session", "list").stdout  # reading still works
        ok("trail", "verify")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
    ok("session", "answer", session_id, questions[0]["question_id"], "--status", "compliant")
