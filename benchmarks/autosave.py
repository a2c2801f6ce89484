"""Autosave: recording a response through the service vs a raw sqlite3 INSERT + COMMIT.

Both sides run in the same process and the same run, interleaved in blocks, on database
files in the same folder with the same pragmas (WAL, synchronous=FULL, foreign keys on):

  ours  InspectionService.record_response: look up the script item and current answer,
        insert or update the response, chain and insert the audit-trail records, commit
        (BEGIN IMMEDIATE ... COMMIT) and return a domain object. Cycles over 200 questions,
        so the first 200 saves insert and the rest update a changed text.
  raw   sqlite3: BEGIN IMMEDIATE; INSERT of the same columns; COMMIT.

Targets: p50 ratio <= 4.00 and p99 <= 20 ms. Then the summary of a session with 5,000
answers (counts by area and status, findings, requests, outcome): target <= 100 ms, shown
against the same aggregate queries on bare sqlite3.
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
        "question_id TEXT NOT NULL, status TEXT NOT NULL, text TEXT, notes TEXT, answered_by TEXT, "
        "key_points_hit TEXT NOT NULL, seconds_taken INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    return con


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.3f} ms"


def bench_autosave(work: Path) -> tuple[float, float, float, float]:
    bank = make_bank(4, QUESTIONS // 4)
    service = InspectionService.open(work / "ours.db", user_name="bench")
    session = service.create_session(make_scenario(bank, QUESTIONS // 4), [bank], site="Bench site")
    qids = [e.question_id for e in service.script(session.id)]
    raw = raw_connection(work / "raw.db")
    counter = {"ours": 0, "raw": 0}

    def ours_once() -> float:
        n = counter["ours"]
        counter["ours"] += 1
        start = time.perf_counter()
        service.record_response(session.id, qids[n % len(qids)], status=STATUSES[n % 5], text=f"answer {n}")
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
    ours_times: list[float] = []
    raw_times: list[float] = []
    while len(ours_times) < SAVES:
        raw_times += [raw_once() for _ in range(BLOCK)]
        ours_times += [ours_once() for _ in range(BLOCK)]
    report = service.repo.verify_trail(session.id)
    assert report.ok, report.problem
    service.close()
    raw.close()
    return median(ours_times), p99(ours_times), median(raw_times), p99(raw_times)


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
            service.record_response(session.id, entry.question_id, status=STATUSES[n % 5], text=f"answer {n}")
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

        ours50, ours99, raw50, raw99 = bench_autosave(work)
        print(f"autosave ({SAVES} saves each, interleaved in blocks of {BLOCK}):")
        print(f"  ours  p50 {ms(ours50)}  p99 {ms(ours99)}  (record_response, audit trail included)")
        print(f"  raw   p50 {ms(raw50)}  p99 {ms(raw99)}  (sqlite3 INSERT + COMMIT, same pragmas)")
        print(f"  p99 target <= 20 ms: {'PASS' if ours99 <= 0.020 else 'FAIL'}")
        result("autosave", ours50 / raw50, 4.0)


if __name__ == "__main__":
    main()
