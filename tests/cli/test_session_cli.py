"""The session, finding and trail commands, run as a user would run them (a real subprocess)."""

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
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
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
    assert shown["outcome"] == "VAI" and shown["risk_levels"] == {finding_id: "high"}
    assert shown["findings"][0]["question_ids"] == [q1]
    text = ok("session", "show", session_id).stdout
    assert "VAI - Voluntary Action Indicated (indicative)" in text and "Audit trails are not reviewed" in text
    answered = json.loads(ok("session", "questions", session_id, "--json").stdout)
    assert [q["status"] for q in answered[:2]] == ["deficient", "compliant"]

    verified = ok("trail", "verify")
    assert "audit trail ok" in verified.stdout
    assert json.loads(ok("trail", "verify", session_id, "--json").stdout)["ok"] is True


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    """One database with a session for the many error cases (made in-process, to save start-ups)."""
    from mockinspect.services.banks import BankService
    from mockinspect.services.inspection import InspectionService

    path = tmp_path_factory.mktemp("shared") / "shared.db"
    catalogue = BankService(include_user=False).catalogue()
    scenario = catalogue.scenario(SCENARIO)
    with InspectionService.open(path, user_name="setup") as service:
        session = service.create_session(scenario, catalogue.banks_for(scenario), site="Shared site")
        first = service.script(session.id)[0].question_id
    return path, session.id, first


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["session", "answer", "{sid}", "{q}", "--status", "great"], "unknown status 'great'"),
        (["session", "answer", "{sid}", "NO-SUCH-Q", "--status", "compliant"], "not in the script"),
        (["session", "answer", "nosuchsession", "{q}", "--status", "compliant"], "no session 'nosuchsession'"),
        (["session", "answer", "{sid}", "{q}", "--status", "compliant", "--evidence", "/no/such/file.pdf"],
         "evidence file not found"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "major", "--severity", "6", "--occurrence", "1",
          "--detectability", "1"], "severity must be a whole number from 1 to 5"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "major", "--severity", "x"], "is not a whole number"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "awful"], "unknown grade 'awful'"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "minor", "--question", "{q}"], "no answer"),
        (["session", "show", "0000000"], "no session"),
        (["trail", "verify", "0000000"], "no session"),
        (["session", "new", "--scenario", "nope", "--site", "S"], "unknown scenario 'nope'"),
        (["session", "new", "--scenario", SCENARIO, "--site", "S", "--mode", "exam"], "invalid choice"),
    ],
)  # fmt: skip
def test_user_errors_are_one_line_exit_1_and_write_nothing(shared_db, args, match):
    path, session_id, first = shared_db
    before = snapshot(path)
    filled = [a.format(sid=session_id, q=first) for a in args]
    user_error(*filled, "--db", str(path), match=match)
    assert snapshot(path) == before


def test_verify_fails_when_data_is_changed_behind_the_apps_back(session_id, questions):
    ok("session", "answer", session_id, questions[0]["question_id"], "--status", "deficient", "--text", "No review")
    con = sqlite3.connect(db_path())
    con.execute("UPDATE responses SET status = 'compliant'")
    con.commit()
    con.close()
    line = user_error("trail", "verify", match="field status")
    assert '"compliant" in the database but the audit trail last recorded "deficient"' in line
    user_error("trail", "verify", session_id, match="field status")


def test_verify_fails_when_the_trail_is_changed(session_id, questions):
    ok("session", "answer", session_id, questions[0]["question_id"], "--status", "deficient")
    con = sqlite3.connect(db_path())
    con.execute("UPDATE audit_trail SET who = 'someone else' WHERE seq = 3")
    con.commit()
    con.close()
    user_error("trail", "verify", match="record #3 was changed after it was written")
    report = run_cli("trail", "verify", "--json")
    assert report.returncode == 1 and json.loads(report.stdout)["problem"]["seq"] == 3


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
