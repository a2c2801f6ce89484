"""The hash-chained audit trail: what it records, and verify catching tampering done with raw sqlite3."""

from __future__ import annotations

import json
import sqlite3

import pytest

from mockinspect.domain.session import EvidenceInput, EvidenceKind, RequestPatch, ResponsePatch
from mockinspect.services.inspection import TrailService
from mockinspect.store.audit import record_hash


@pytest.fixture
def busy_session(service, session):
    """A session with answers, an edit, evidence, a document request and a linked finding."""
    qids = [e.question_id for e in service.script(session.id)]
    service.record_response(session.id, qids[0], ResponsePatch(status="compliant", text="Reviewed weekly"))
    service.record_response(session.id, qids[0], ResponsePatch(status="deficient", text="Not reviewed"), reason="corrected")
    service.record_response(session.id, qids[1], ResponsePatch(status="observation", text="Partly"))
    link = service.attach_evidence(
        session.id, EvidenceInput(EvidenceKind.URL, url="https://x.test/sop"), question_id=qids[0]
    )
    request = service.request_document(session.id, "SOP-12 rev 4")
    service.update_document_request(request.id, RequestPatch(status="delivered"))
    service.raise_finding(
        session.id,
        title="Audit trails not reviewed",
        grade="major",
        severity=4,
        occurrence=3,
        detectability=2,
        question_ids=[qids[0]],
        evidence_ids=[link.id],
    )
    return session


def _raw(db_path):
    con = sqlite3.connect(db_path, isolation_level=None)
    return con


def test_updates_record_who_when_field_old_new_and_reason(service, session, db_path):
    qid = service.script(session.id)[0].question_id
    first = service.record_response(session.id, qid, ResponsePatch(status="compliant", text="yes"))
    service.record_response(session.id, qid, ResponsePatch(status="deficient", text="yes"), reason="evidence was missing")
    with service_trail(db_path) as trail:
        create, update = trail.history(entity="response", entity_id=str(first.id))
    assert create.action == "create" and create.who == "Ann Auditor" and create.field is None
    assert json.loads(create.new_value)["status"] == "compliant"
    assert update.action == "update" and update.field == "status"
    assert (json.loads(update.old_value), json.loads(update.new_value)) == ("compliant", "deficient")
    assert update.reason == "evidence was missing"
    assert update.at.endswith("Z") and update.at >= create.at
    assert (update.seq, update.prev_hash) == (create.seq + 1, create.hash)


def service_trail(db_path):
    return TrailService.open(db_path, mode="read", user_name="reader")


def test_an_unchanged_save_writes_nothing(service, session, db_path):
    qid = service.script(session.id)[0].question_id
    service.record_response(session.id, qid, ResponsePatch(status="compliant", text="same"))
    with service_trail(db_path) as trail:
        before = len(trail.history())
    service.record_response(session.id, qid, ResponsePatch(status="compliant", text="same"))
    with service_trail(db_path) as trail:
        assert len(trail.history()) == before


def test_verify_passes_on_untouched_data(busy_session, db_path):
    with service_trail(db_path) as trail:
        report = trail.verify()
        assert report.ok, report.problem
        # 1 session + 8 script items + 2 answers (+2 field changes) + evidence + request (+2) + finding + 2 links
        assert (report.records, report.entities) == (20, 16)
        assert trail.verify(busy_session.id).ok


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE responses SET text = 'Reviewed daily' WHERE text = 'Not reviewed'", 'field text is "Reviewed daily"'),
        ("UPDATE findings SET grade = 'minor'", "finding 1 field grade"),
        ("UPDATE evidence SET url = 'https://evil.test'", "evidence 1 field url"),
        ("UPDATE sessions SET site = 'Other site'", "field site"),
        ("DELETE FROM finding_responses", "finding_response 1:1 is in the audit trail"),
        (
            "INSERT INTO participants (session_id, name) SELECT id, 'Ghost' FROM sessions",
            "no record of it being created",
        ),
    ],
)
def test_verify_names_data_changed_behind_the_apps_back(busy_session, db_path, sql, expected):
    con = _raw(db_path)
    con.execute(sql)
    con.close()
    with service_trail(db_path) as trail:
        report = trail.verify()
    assert not report.ok and report.problem.kind == "data"
    assert expected in report.problem.message


def test_verify_finds_an_edited_trail_record(busy_session, db_path):
    con = _raw(db_path)
    con.execute("UPDATE audit_trail SET new_value = '\"compliant\"' WHERE seq = (SELECT max(seq) - 3 FROM audit_trail)")
    seq = con.execute("SELECT max(seq) - 3 FROM audit_trail").fetchone()[0]
    con.close()
    with service_trail(db_path) as trail:
        report = trail.verify()
    assert report.problem.kind == "chain" and report.problem.seq == seq
    assert f"record #{seq} was changed" in report.problem.message


def test_verify_finds_a_record_rewritten_with_a_fresh_hash(busy_session, db_path):
    con = _raw(db_path)
    con.row_factory = sqlite3.Row
    row = dict(con.execute("SELECT * FROM audit_trail WHERE seq = 5").fetchone())
    row["who"] = "Mallory"
    new_hash = record_hash(row)
    con.execute("UPDATE audit_trail SET who = 'Mallory', hash = ? WHERE seq = 5", (new_hash,))
    con.close()
    with service_trail(db_path) as trail:
        report = trail.verify()
    assert report.problem.kind == "chain" and report.problem.seq == 6
    assert "does not follow record #5" in report.problem.message


def test_verify_finds_a_removed_record(busy_session, db_path):
    con = _raw(db_path)
    con.execute("DELETE FROM audit_trail WHERE seq = 7")
    con.close()
    with service_trail(db_path) as trail:
        report = trail.verify()
    assert "record #7 is missing" in report.problem.message


def test_verify_of_one_session_ignores_another_sessions_data(service, scenario, bank, busy_session, db_path):
    other = service.create_session(scenario, [bank], site="Second site")
    con = _raw(db_path)
    con.execute("UPDATE sessions SET lead = 'Changed' WHERE id = ?", (other.id,))
    con.close()
    with service_trail(db_path) as trail:
        assert trail.verify(busy_session.id).ok
        assert "field lead" in trail.verify(other.id).problem.message
        assert not trail.verify().ok
