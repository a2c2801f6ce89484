"""InspectionService against a real SQLite file: sessions, answers, evidence, requests, findings."""

from __future__ import annotations

import json
import sqlite3

import pytest

from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.frozen import canonical_json, content_key
from mockinspect.domain.session import (
    DocumentRequestStatus,
    EvidenceInput,
    EvidenceKind,
    EvidenceState,
    FindingPatch,
    FindingStatus,
    Participant,
    RequestPatch,
    ResponsePatch,
    SessionState,
)
from mockinspect.services.errors import UserError
from mockinspect.services.inspection import InspectionService, TrailService, parse_evidence_argument
from tests.store.factories import make_bank, make_scenario


def trail_count(db_path):
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT count(*) FROM audit_trail").fetchone()[0]
    finally:
        con.close()


def test_a_session_freezes_the_script_it_was_given(service, scenario, bank):
    session = service.create_session(
        scenario, [bank], site=" Cell Site ", seed=11, participants=[Participant("Bob", "QA head")]
    )
    script = service.script(session.id)
    assert session.site == "Cell Site" and session.seed == 11 and session.state is SessionState.OPEN
    assert session.persona == "fda" and session.participants[0].name == "Bob"
    assert [e.position for e in script] == list(range(1, len(bank.questions) + 1))
    by_id = {q.id: q for q in bank.questions}
    for entry in script:
        assert (entry.bank_id, entry.bank_version) == ("test-bank", "1.0.0")
        frozen_text = canonical_json(by_id[entry.question_id].model_dump(mode="json", exclude_defaults=True))
        assert entry.content_hash == content_key(frozen_text)  # keys the frozen content
        assert entry.prompt == by_id[entry.question_id].prompt


def test_a_later_bank_version_does_not_change_an_existing_session(service, scenario, bank):
    session = service.create_session(scenario, [bank], site="A")
    before = service.script(session.id)
    newer = make_bank(version="2.0.0")
    service.create_session(make_scenario(newer), [newer], site="B")
    assert service.script(session.id) == before


def test_record_response_inserts_then_updates_one_row(service, session):
    qid = service.script(session.id)[0].question_id
    first = service.record_response(session.id, qid, ResponsePatch(status="compliant", text="Yes, weekly.", answered_by="Bob"))
    second = service.record_response(session.id, qid, ResponsePatch(status=ResponseStatus.DEFICIENT, key_points_hit=("kp1",)))
    assert second.id == first.id
    assert (second.status, second.text, second.answered_by, second.key_points_hit) == (
        ResponseStatus.DEFICIENT,
        "Yes, weekly.",
        "Bob",
        ("kp1",),
    )
    assert second.updated_at >= first.updated_at and second.created_at == first.created_at
    assert service.responses(session.id) == [second]


def test_services_take_full_session_ids_only(service, session):
    assert service.session(session.id).id == session.id
    for bad in (session.id[:6], session.id.upper(), "f" * 32 if not session.id.startswith("f") else "e" * 32, ""):
        with pytest.raises(UserError, match="no session"):
            service.session(bad)
    assert service.session_ids_starting(session.id[:6].upper()) == [session.id]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"question_id": "NOPE", "status": "compliant"}, "not in the script"),
        ({"status": "perfect"}, "unknown status 'perfect'"),
        ({"status": "compliant", "evidence": [EvidenceInput(EvidenceKind.FILE, path="/no/such/file")]}, "not found"),
        ({"status": "compliant", "seconds_taken": -1}, "time taken"),
        ({"key_points_hit": "kp1"}, "list of key-point ids"),
    ],
)
def test_bad_answers_change_nothing(service, session, db_path, kwargs, message):
    qid = kwargs.pop("question_id", service.script(session.id)[0].question_id)
    before = trail_count(db_path)
    evidence = kwargs.pop("evidence", ())
    with pytest.raises(UserError, match=message):
        service.record_response(session.id, qid, ResponsePatch(**kwargs), evidence=evidence)
    assert service.responses(session.id) == []
    assert trail_count(db_path) == before


def test_evidence_is_hashed_when_linked_and_checked_later(service, session, tmp_path):
    qid = service.script(session.id)[0].question_id
    kept, edited, removed = (tmp_path / n for n in ("kept.pdf", "edited.txt", "removed.txt"))
    for f in (kept, edited, removed):
        f.write_bytes(b"original " + f.name.encode())
    service.record_response(
        session.id,
        qid,
        ResponsePatch(status="observation"),
        evidence=[parse_evidence_argument(str(f)) for f in (kept, edited, removed)]
        + [parse_evidence_argument("https://qms.example/sop/12"), parse_evidence_argument("doc:SOP-12@4")],
    )
    links = service.evidence(session.id)
    assert [link.kind for link in links] == [EvidenceKind.FILE] * 3 + [EvidenceKind.URL, EvidenceKind.DOCUMENT]
    assert links[0].size == len(b"original kept.pdf") and len(links[0].sha256) == 64
    assert (links[4].doc_id, links[4].doc_version) == ("SOP-12", "4")
    edited.write_bytes(b"changed")
    removed.unlink()
    states = {c.link.id: c.state for c in service.check_evidence(session.id)}
    assert list(states.values()) == [
        EvidenceState.UNCHANGED,
        EvidenceState.CHANGED,
        EvidenceState.MISSING,
        EvidenceState.NOT_A_FILE,
        EvidenceState.NOT_A_FILE,
    ]


def test_evidence_can_be_detached_and_the_trail_still_verifies(service, session, db_path):
    link = service.attach_evidence(session.id, EvidenceInput(EvidenceKind.URL, url="https://x.test/a"))
    finding = service.raise_finding(session.id, title="T", grade="minor", evidence_ids=[link.id])
    assert finding.evidence_ids == (link.id,)
    service.detach_evidence(link.id, reason="wrong document")
    assert service.evidence(session.id) == []
    assert service.findings(session.id)[0].evidence_ids == ()
    with TrailService.open(db_path, mode="read", user_name="x") as trail:
        assert trail.verify().ok


def test_document_requests_move_through_their_states(service, session):
    qid = service.script(session.id)[0].question_id
    request = service.request_document(
        session.id, "Audit-trail review records, last 3 lots", question_id=qid, due_minutes=30
    )
    assert request.status is DocumentRequestStatus.OPEN and request.due_at > request.requested_at
    late = service.update_document_request(
        request.id, RequestPatch(status="late", notes="came after 50 minutes")
    )
    assert late.status is DocumentRequestStatus.LATE and late.delivered_at is not None
    with pytest.raises(UserError, match="unknown document request status"):
        service.update_document_request(request.id, RequestPatch(status="lost"))
    assert service.document_requests(session.id) == [late]


def test_findings_are_raised_edited_and_closed(service, session):
    qids = [e.question_id for e in service.script(session.id)[:2]]
    for q in qids:
        service.record_response(session.id, q, ResponsePatch(status="deficient"))
    finding = service.raise_finding(
        session.id,
        title="Audit trails are not reviewed before release",
        grade="major",
        text="Specifically, lots 1-3 were released without review.",
        severity=4,
        occurrence=3,
        detectability=2,
        citations=["EU GMP Annex 11 §9", " "],
        question_ids=qids,
    )
    assert finding.priority == 24 and finding.citations == ("EU GMP Annex 11 §9",)
    assert finding.question_ids == tuple(qids) and finding.status is FindingStatus.OPEN
    edited = service.edit_finding(
        finding.id, FindingPatch(grade="critical", severity=5), question_ids=qids[:1], reason="patient risk"
    )
    assert (edited.grade, edited.severity, edited.priority, edited.question_ids) == (Grade.CRITICAL, 5, 30, (qids[0],))
    closed = service.set_finding_status(finding.id, "corrected")
    assert closed.status is FindingStatus.CORRECTED


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grade": "serious"}, "unknown grade"),
        ({"severity": 6, "occurrence": 1, "detectability": 1}, "severity must be a whole number from 1 to 5"),
        ({"severity": 0, "occurrence": 1, "detectability": 1}, "from 1 to 5"),
        ({"severity": 3}, "together"),
        ({"title": "  "}, "must not be empty"),
        ({"question_ids": ["NOPE"]}, "not in the script"),
        ({"question_ids": ["Q-1-001"]}, "no answer in this session yet"),
        ({"repeat_of": 999}, "no finding 999"),
    ],
)
def test_bad_findings_change_nothing(service, session, db_path, kwargs, message):
    args = {"title": "A finding", "grade": "major", **kwargs}
    before = trail_count(db_path)
    with pytest.raises(UserError, match=message):
        service.raise_finding(session.id, **args)
    assert service.findings(session.id) == []
    assert trail_count(db_path) == before


def test_a_repeat_finding_links_to_the_earlier_session(service, scenario, bank):
    first = service.create_session(scenario, [bank], site="Site")
    earlier = service.raise_finding(first.id, title="No audit-trail review", grade="major")
    second = service.create_session(scenario, [bank], site="Site")
    repeat = service.raise_finding(second.id, title="No audit-trail review", grade="major", repeat_of=earlier.id)
    assert repeat.repeat_of_id == earlier.id
    with pytest.raises(UserError, match="repeat of itself"):
        service.edit_finding(repeat.id, FindingPatch(repeat_of_id=repeat.id))


def test_summary_counts_ranks_and_gives_the_indicative_outcome(service, session):
    script = service.script(session.id)
    for entry, status in zip(script, ["compliant", "compliant", "deficient", "observation"], strict=False):
        service.record_response(session.id, entry.question_id, ResponsePatch(status=status))
    service.raise_finding(session.id, title="minor one", grade="minor")
    service.raise_finding(session.id, title="major low", grade="major", severity=2, occurrence=2, detectability=1)
    service.raise_finding(session.id, title="major high", grade="major", severity=5, occurrence=4, detectability=3)
    service.request_document(session.id, "SOP")
    summary = service.summary(session.id)
    c = summary.counts
    assert (c.questions, c.answered) == (len(script), 4)
    assert c.by_status == {"compliant": 2, "deficient": 1, "observation": 1}
    assert sum(sum(v.values()) for v in c.by_area.values()) == len(script)
    assert c.findings_by_grade == {"major": 2, "minor": 1} and c.findings_open == 3
    assert c.document_requests == {"open": 1}
    assert [f.title for f in summary.findings] == ["major high", "major low", "minor one"]
    levels = {f.title: summary.risk_levels.get(f.id) for f in summary.findings}
    assert levels == {"major high": "very-high", "major low": "low", "minor one": None}
    # the FDA counts nothing: without a critical, a systemic major or a repeat, the 483 response decides
    assert summary.outcome == "VAI-or-OAI" and "Indicative" in summary.outcome_note


def test_a_critical_finding_means_oai_for_the_fda(service, session):
    service.raise_finding(session.id, title="Falsified results", grade="critical")
    assert service.summary(session.id).outcome == "OAI"


def test_the_outcome_weighs_systemic_and_repeat_findings_and_prompts_the_lead(service, scenario, bank):
    earlier = service.create_session(scenario, [bank], site="Site")
    first = service.raise_finding(earlier.id, title="No audit-trail review", grade="major")
    session = service.create_session(scenario, [bank], site="Site")
    qid = service.script(session.id)[0].question_id
    service.record_response(session.id, qid, ResponsePatch(status="deficient"))
    major = service.raise_finding(session.id, title="Isolated", grade="major", question_ids=[qid])
    assert service.summary(session.id).outcome == "VAI-or-OAI"
    service.edit_finding(major.id, FindingPatch(repeat_of_id=first.id))
    repeat = service.summary(session.id)
    assert repeat.outcome == "OAI" and any("F-1" in p for p in repeat.outcome_prompts)
    service.edit_finding(major.id, FindingPatch(repeat_of_id=None, systemic=True))
    assert service.finding(major.id).systemic is True
    assert service.summary(session.id).outcome == service.export(session.id)["outcome"]["id"]


def test_finish_and_reopen_are_recorded(service, session, db_path):
    finished = service.finish_session(session.id)
    assert finished.state is SessionState.FINISHED and finished.finished_at is not None
    with pytest.raises(UserError, match="reason"):
        service.reopen_session(session.id, reason=" ")
    reopened = service.reopen_session(session.id, reason="client sent more records")
    assert reopened.state is SessionState.OPEN and reopened.finished_at is None
    with TrailService.open(db_path, mode="read", user_name="x") as trail:
        changes = [r for r in trail.history(entity="session") if r.field == "state"]
        assert [json.loads(r.new_value) for r in changes] == ["finished", "open"]
        assert changes[-1].reason == "client sent more records"


def test_the_trail_records_the_user_the_service_was_given(db_path, scenario, bank):
    with InspectionService.open(db_path, user_name=" Dr. Jana Nováková ") as service:
        service.create_session(scenario, [bank], site="Site")
    with TrailService.open(db_path, mode="read", user_name="reader") as trail:
        assert {r.who for r in trail.history()} == {"Dr. Jana Nováková"}
    with pytest.raises(UserError, match="user name"):
        InspectionService.open(db_path, user_name=" ")


def test_a_writer_and_a_reader_see_the_same_data(service, session, db_path):
    qid = service.script(session.id)[0].question_id
    with InspectionService.open(db_path, mode="read", user_name="reader") as reader:
        service.record_response(session.id, qid, ResponsePatch(status="compliant", text="visible"))
        assert reader.responses(session.id)[0].text == "visible"
