"""Saving answers: the draft save and the audited save vs a raw sqlite3 INSERT + COMMIT.

All sides run in the same process and the same run, interleaved in blocks, on database
files in the same folder with the same pragmas (WAL, synchronous=FULL, foreign keys on):

  draft    InspectionService.save_draft: what the window calls within a second of typing.
           Checks the session is open and the question in the script, upserts the draft,
           commits; no trail record. The text grows as if typed.
  audited  InspectionService.record_response: the commit point. Looks up the script item
           and current answer, inserts or updates the response, drops the draft, chains and
           inserts the audit-trail records, commits. Cycles over 200 questions.
  raw      sqlite3: BEGIN IMMEDIATE; INSERT of the same columns; COMMIT.

Targets: draft p50 <= 3x raw, audited p50 <= 4x raw, p99 <= 20 ms for both. Then the trail
written for one 1,280-character answer typed with a save every second (the window's way:
drafts while typing, audited records at the commit points), against the old way (an audited
save every second). Then the summary of a session with 5,000 answers: target <= 100 ms.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, p99, result
from mockinspect.domain.bank import Bank
from mockinspect.domain.scenario import Scenario
from mockinspect.domain.session import DraftPatch, ResponsePatch
from mockinspect.services.inspection import InspectionService

SAVES = 2000
BLOCK = 100
WARMUP = 50
QUESTIONS = 200
SUMMARY_ANSWERS = 5000
SUMMARY_REPEAT = 50
PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000")
STATUSES = ("compliant", "observation", "deficient", "not-applicable", "deferred")


def make_bank(areas: int, per_area: int) -> Bank:
    ids = [f"area-{a:02d}" for a in range(areas)]
    return Bank.model_validate(
        {
            "kind": "bank",
            "id": "bench",
            "title": "Benchmark bank",
            "version": "1.0.0",
            "areas": [{"id": a, "title": a} for a in ids],
            "questions": [
                {
                    "id": f"Q-{a}-{q:04d}",
                    "area": a,
                    "prompt": f"Show me the review of record {q} in {a}.",
                    "intent": "Checks reviews are real.",
                    "guidance": "A trained reviewer checks the record and its audit trail.",
                    "default_grade": "major",
                }
                for a in ids
                for q in range(per_area)
            ],
        }
    )


def make_scenario(bank: Bank, per_area: int) -> Scenario:
    return Scenario.model_validate(
        {
            "kind": "scenario",
            "id": "bench",
            "title": "Benchmark",
            "version": "1.0.0",
            "persona": "fda",
            "agenda": [{"title": a.id, "areas": [a.id], "minutes": 60} for a in bank.areas],
            "draw": {"per_area": per_area},
        }
    )


def raw_connection(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(f"PRAGMA {pragma}")
    con.execute(
        "CREATE TABLE IF NOT EXISTS responses (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, "
        "question_id TEXT NOT NULL, status TEXT, text TEXT, notes TEXT, answered_by TEXT, "
        "key_points_hit TEXT NOT NULL, seconds_taken INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    return con


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.3f} ms"


def bench_saves(work: Path) -> dict[str, tuple[float, float]]:
    bank = make_bank(4, QUESTIONS // 4)
    service = InspectionService.open(work / "ours.db", user_name="bench")
    session = service.create_session(make_scenario(bank, QUESTIONS // 4), [bank], site="Bench site")
    qids = [e.question_id for e in service.script(session.id)]
    raw = raw_connection(work / "raw.db")
    counter = {"draft": 0, "audited": 0, "raw": 0}
    typed = "The audit trail of the HPLC is reviewed by QA before each batch is released. " * 20

    def draft_once() -> float:
        n = counter["draft"]
        counter["draft"] += 1
        patch = DraftPatch(text=typed[: 2 + n % 1200])
        start = time.perf_counter()
        service.save_draft(session.id, qids[n % len(qids)], patch)
        return time.perf_counter() - start

    def audited_once() -> float:
        n = counter["audited"]
        counter["audited"] += 1
        patch = ResponsePatch(status=STATUSES[n % 5], text=f"answer {n}")
        start = time.perf_counter()
        service.record_response(session.id, qids[n % len(qids)], patch)
        return time.perf_counter() - start

    def raw_once() -> float:
        n = counter["raw"]
        counter["raw"] += 1
        now = "2025-01-01 10:00:00.000000"
        start = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(
            "INSERT INTO responses (session_id, question_id, status, text, notes, answered_by, key_points_hit, "
            "seconds_taken, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, NULL, '[]', NULL, ?, ?)",
            (session.id, qids[n % len(qids)], STATUSES[n % 5], f"answer {n}", now, now),
        )
        raw.execute("COMMIT")
        return time.perf_counter() - start

    for _ in range(WARMUP):
        raw_once()
        draft_once()
        audited_once()
    times: dict[str, list[float]] = {"draft": [], "audited": [], "raw": []}
    while len(times["raw"]) < SAVES:
        times["raw"] += [raw_once() for _ in range(BLOCK)]
        times["draft"] += [draft_once() for _ in range(BLOCK)]
        times["audited"] += [audited_once() for _ in range(BLOCK)]
    report = service.repo.verify_trail(session.id)
    assert report.ok, report.problem
    service.close()
    raw.close()
    return {k: (median(v), p99(v)) for k, v in times.items()}


def trail_bytes(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT count(*), coalesce(sum(length(CAST(coalesce(old_value, '') AS BLOB)) + "
            "length(CAST(coalesce(new_value, '') AS BLOB)) + length(hash) + length(prev_hash) + length(at) + "
            "length(who) + length(entity) + length(entity_id) + length(coalesce(field, ''))), 0) FROM audit_trail"
        ).fetchone()
    finally:
        con.close()


def bench_trail_per_answer(work: Path) -> dict[str, tuple[int, int]]:
    """Trail records and bytes written for one answer of 1,280 characters typed over 10 minutes,
    saved every second (about 2 characters a save)."""
    answer = ("Batch records are reviewed by QA against the audit trail before release; " * 20)[:1280]
    saves = [answer[: max(1, round(len(answer) * i / 600))] for i in range(1, 601)]
    bank = make_bank(1, 4)
    out = {}
    for way in ("drafts", "audited-every-second"):
        path = work / f"typing-{way}.db"
        with InspectionService.open(path, user_name="bench") as service:
            session = service.create_session(make_scenario(bank, 4), [bank], site="Site")
            qid = service.script(session.id)[0].question_id
            before = trail_bytes(path)
            if way == "drafts":
                for n, text in enumerate(saves):
                    service.save_draft(session.id, qid, DraftPatch(text=text))
                    if n == 300:  # the auditor picks a status half-way: a commit point
                        service.record_response(session.id, qid, ResponsePatch(text=text, status="observation"))
                service.record_response(session.id, qid, ResponsePatch(text=saves[-1]))  # leaving the question
            else:
                for text in saves:
                    service.record_response(session.id, qid, ResponsePatch(text=text, status="observation"))
            after = trail_bytes(path)
        out[way] = (after[0] - before[0], after[1] - before[1])
    return out


BARE_SUMMARY = [
    (
        "SELECT s.area, coalesce(r.status, 'unanswered'), count(*) FROM script_items s "
        "LEFT OUTER JOIN responses r ON r.session_id = s.session_id AND r.question_id = s.question_id "
        "WHERE s.session_id = ? GROUP BY s.area, coalesce(r.status, 'unanswered')"
    ),
    (
        "SELECT grade, count(*), sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END) FROM findings "
        "WHERE session_id = ? GROUP BY grade"
    ),
    "SELECT status, count(*) FROM document_requests WHERE session_id = ? GROUP BY status",
    "SELECT count(*) FROM evidence WHERE session_id = ?",
    "SELECT * FROM sessions WHERE id = ?",
    "SELECT * FROM participants WHERE session_id = ? ORDER BY id",
    "SELECT * FROM findings WHERE session_id = ? ORDER BY id",
    (
        "SELECT fr.finding_id, r.id, r.question_id FROM finding_responses fr JOIN responses r ON r.id = fr.response_id "
        "WHERE fr.finding_id IN (SELECT id FROM findings WHERE session_id = ?) ORDER BY fr.finding_id, r.id"
    ),
    (
        "SELECT finding_id, evidence_id FROM finding_evidence "
        "WHERE finding_id IN (SELECT id FROM findings WHERE session_id = ?) ORDER BY finding_id, evidence_id"
    ),
]


def bench_summary(work: Path) -> tuple[float, float, float, float, float]:
    path = work / "summary.db"
    bank = make_bank(25, SUMMARY_ANSWERS // 25)  # a scenario draws at most 200 per area
    with InspectionService.open(path, user_name="bench") as service:
        session = service.create_session(make_scenario(bank, SUMMARY_ANSWERS // 25), [bank], site="Big site")
        script = service.script(session.id)
        for n, entry in enumerate(script):
            service.record_response(
                session.id, entry.question_id, ResponsePatch(status=STATUSES[n % 5], text=f"answer {n}")
            )
        for n in range(40):
            service.raise_finding(
                session.id,
                title=f"Finding {n}",
                grade=("critical", "major", "minor", "recommendation")[n % 4],
                severity=1 + n % 5,
                occurrence=1 + (n // 5) % 5,
                detectability=1 + n % 3,
                question_ids=[script[n * 7].question_id],
            )
        for n in range(20):
            service.request_document(session.id, f"Record {n}")

    start = time.perf_counter()
    with InspectionService.open(path, mode="read", user_name="bench") as service:
        summary = service.summary(session.id)
        cold = time.perf_counter() - start
        assert summary.counts.answered == SUMMARY_ANSWERS, summary.counts
        warm = []
        for _ in range(SUMMARY_REPEAT):
            start = time.perf_counter()
            service.summary(session.id)
            warm.append(time.perf_counter() - start)
        snaps = []
        for _ in range(5):
            start = time.perf_counter()
            snap = service.snapshot(session.id)
            snaps.append(time.perf_counter() - start)
        assert len(snap.responses) == SUMMARY_ANSWERS
        print(f"  snapshot of the whole session (5 runs): p50 {ms(median(snaps))} (everything the screens read)")

    con = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(f"PRAGMA {pragma}")
    bare = []
    for _ in range(SUMMARY_REPEAT):
        start = time.perf_counter()
        con.execute("BEGIN")
        for sql in BARE_SUMMARY:
            con.execute(sql, (session.id,)).fetchall()
        con.execute("COMMIT")
        bare.append(time.perf_counter() - start)
    con.close()
    return cold, median(warm), p99(warm), median(bare), p99(bare)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="mockinspect-autosave-", dir=os.environ.get("BENCH_DIR")) as tmp:
        work = Path(tmp)
        os.environ.setdefault("MOCKINSPECT_CONFIG_DIR", str(work / "config"))

        cold, warm50, warm99, bare50, bare99 = bench_summary(work)
        print(f"summary of a {SUMMARY_ANSWERS:,}-answer session ({SUMMARY_REPEAT} runs):")
        print(f"  ours  p50 {ms(warm50)}  p99 {ms(warm99)}  (InspectionService.summary, database open)")
        print(f"  ours  cold {ms(cold)}          (open the database read-only + first summary)")
        print(f"  bare  p50 {ms(bare50)}  p99 {ms(bare99)}  (the same queries on sqlite3)")
        verdict = "PASS" if max(warm50, cold) <= 0.100 else "FAIL"
        print(f"  target <= 100 ms: {verdict} (p50 {warm50 * 1e3:.1f} ms, cold {cold * 1e3:.1f} ms)")
        result("summary5000", warm50 / bare50, 4.0, p50_ms=f"{warm50 * 1e3:.2f}", cold_ms=f"{cold * 1e3:.2f}")

        figures = bench_saves(work)
        raw50, raw99 = figures["raw"]
        print(f"saving answers ({SAVES} saves each, interleaved in blocks of {BLOCK}):")
        for name, what in (("draft", "save_draft, no trail record"), ("audited", "record_response, audit trail")):
            p50, p99_ = figures[name]
            print(f"  {name:<8} p50 {ms(p50)}  p99 {ms(p99_)}  x{p50 / raw50:.2f} raw  ({what})")
        print(f"  raw      p50 {ms(raw50)}  p99 {ms(raw99)}  (sqlite3 INSERT + COMMIT, same pragmas)")
        worst99 = max(figures["draft"][1], figures["audited"][1])
        print(f"  p99 target <= 20 ms: {'PASS' if worst99 <= 0.020 else 'FAIL'} ({worst99 * 1e3:.2f} ms)")

        typing = bench_trail_per_answer(work)
        print("trail written for one 1,280-character answer saved every second for 10 minutes:")
        for way, (records, size) in typing.items():
            print(f"  {way:<21} {records:5d} records  {size / 1024:9.1f} KiB")
        result("autosave_draft", figures["draft"][0] / raw50, 3.0, p99_ms=f"{figures['draft'][1] * 1e3:.2f}")
        result(
            "autosave_audited",
            figures["audited"][0] / raw50,
            4.0,
            p99_ms=f"{figures['audited'][1] * 1e3:.2f}",
            trail_bytes_per_answer=typing["drafts"][1],
        )

if __name__ == "__main__":
    main()
