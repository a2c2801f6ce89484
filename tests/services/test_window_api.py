"""The service API the window uses: drafts and commit points, probes, finished sessions,
audited deletes and undo, change notification, the snapshot, evidence hashed off the write."""

from __future__ import annotations

import sqlite3

import pytest

from mockinspect.domain.audit import Changes
from mockinspect.domain.bank import Bank, ResponseStatus
from mockinspect.domain.session import (
    UNSET,
    DraftPatch,
    EvidenceInput,
    EvidenceKind,
    FindingPatch,
    RequestPatch,
    ResponsePatch,
    SessionPatch,
)
from mockinspect.errors import UserError
from mockinspect.services import Services
from tests.store.factories import make_scenario


def trail_rows(db_path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT count(*) FROM audit_trail").fetchone()[0]
    finally:
        con.close()


def test_drafts_are_unaudited_and_promoted_at_the_commit_point(service, session, db_path):
    qid = service.script(session.id)[0].question_id
    before = trail_rows(db_path)
    text = ""
    for word in ["The", "audit", "trail", "is", "reviewed", "weekly", "by", "QA", "before", "every", "release"]:
        text += word + " "
        draft = service.save_draft(session.id, qid, DraftPatch(text=text))
    service.save_draft(session.id, qid, DraftPatch(notes="ask for the SOP"))
    assert trail_rows(db_path) == before  # typing writes no trail records
    assert draft.text == text and service.drafts(session.id)[0].notes == "ask for the SOP"
    assert service.response(session.id, qid) is None

    response = service.record_response(session.id, qid, ResponsePatch(text=text, notes="ask for the SOP"))
    assert response.status is None  # text may be saved before a status is chosen
    assert service.drafts(session.id) == []  # promoted in the same transaction
    assert trail_rows(db_path) == before + 1
    answered = service.record_response(session.id, qid, ResponsePatch(status=ResponseStatus.COMPLIANT))
    assert (answered.status, answered.text) == (ResponseStatus.COMPLIANT, text)
    assert service.summary(session.id).counts.answered == 1


def test_a_draft_left_behind_is_offered_back_after_reopening(db_path, session):
    qid = "Q-1-001"
    with Services.open(db_path, user_name="Ann") as first:
        first.inspection.save_draft(session.id, qid, DraftPatch(text="half an answer", answered_by="Bob"))
    with Services.open(db_path, user_name="Ann") as again:
        (draft,) = again.inspection.drafts(session.id)
        assert (draft.question_id, draft.text, draft.answered_by) == (qid, "half an answer", "Bob")
        assert again.inspection.snapshot(session.id).drafts[qid] == draft
        assert again.inspection.discard_draft(session.id, qid)
        assert again.inspection.drafts(session.id) == []


def test_drafts_refuse_questions_outside_the_script_and_unknown_sessions(service, session):
    with pytest.raises(UserError, match="not in the script"):
        service.save_draft(session.id, "NOPE", DraftPatch(text="x"))
    with pytest.raises(UserError, match="no session"):
        service.save_draft("0" * 32, "Q-1-001", DraftPatch(text="x"))


def test_a_finished_session_refuses_changes_without_a_reason(service, session, db_path):
    qid = service.script(session.id)[0].question_id
    service.record_response(session.id, qid, ResponsePatch(status="compliant"))
    service.finish_session(session.id)
    before = trail_rows(db_path)
    attempts = [
        lambda reason: service.record_response(session.id, qid, ResponsePatch(status="deficient"), reason=reason),
        lambda reason: service.raise_finding(session.id, title="Late finding", grade="minor", reason=reason),
        lambda reason: service.request_document(session.id, "SOP", reason=reason),
        lambda reason: service.update_session(session.id, SessionPatch(lead="Someone"), reason=reason),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="finished; give a reason"):
            attempt(None)
    with pytest.raises(UserError, match="finished"):
        service.save_draft(session.id, qid, DraftPatch(text="x"))
    assert trail_rows(db_path) == before
    for attempt in attempts:
        attempt("client sent the record after the closing meeting")
    assert service.response(session.id, qid).status is ResponseStatus.DEFICIENT  # type: ignore[union-attr]


def _with_probe(bank: Bank) -> Bank:
    """The first question asks a follow-up-only probe when the answer is deficient."""
    data = bank.model_dump(mode="json", by_alias=True, exclude_none=True)
    questions = data["questions"]
    probe = {**questions[1], "id": "Q-1-PROBE", "prompt": "Pick one lot and show me its review.", "follow_up_only": True}
    questions[0]["follow_ups"] = [{"ask": "Q-1-PROBE", "when": {"status": ["deficient"]}}]
    return Bank.model_validate({**data, "questions": [*questions, probe]})


def test_a_triggered_probe_is_recorded_with_its_parent_and_audited(service, bank):
    probing = _with_probe(bank)
    session = service.create_session(make_scenario(probing), [probing], site="Site")
    available = {q.id: q for q in probing.questions}
    parent = service.script(session.id)[0]
    assert "Q-1-PROBE" not in {e.question_id for e in service.script(session.id)}
    service.record_response(session.id, parent.question_id, ResponsePatch(status="compliant"))
    assert service.add_triggered_probes(session.id, parent.question_id, available) == []
    service.record_response(session.id, parent.question_id, ResponsePatch(status="deficient"))
    (added,) = service.add_triggered_probes(session.id, parent.question_id, available)
    assert (added.question_id, added.parent_question_id, added.is_probe) == ("Q-1-PROBE", parent.question_id, True)
    script = service.script(session.id)
    assert script[-1] == added and added.position == len(script) and added.section == parent.section
    assert service.add_triggered_probes(session.id, parent.question_id, available) == []  # asked once
    answered = service.record_response(session.id, "Q-1-PROBE", ResponsePatch(status="deficient", text="No"))
    assert answered.question_id == "Q-1-PROBE"
    snap = service.snapshot(session.id)
    assert snap.question(added).prompt == "Pick one lot and show me its review."  # type: ignore[union-attr]
    with Services.open(service.db.path, mode="read", user_name="r") as reader:
        creates = [r for r in reader.trail.history(session_id=session.id, entity="script_item")]
        assert '"parent_id"' in creates[-1].new_value and reader.trail.verify().ok


def test_deletes_are_audited_and_undo_is_a_compensating_change(service, session, db_path):
    qid = service.script(session.id)[0].question_id
    response = service.record_response(
        session.id, qid, ResponsePatch(status="deficient", text="No"),
        evidence=[EvidenceInput(EvidenceKind.URL, url="https://qms.example/sop/1")],
    )  # fmt: skip
    finding = service.raise_finding(session.id, title="T", grade="major", question_ids=[qid])
    request = service.request_document(session.id, "SOP-1")
    service.delete_finding(finding.id, reason="raised twice")
    service.delete_document_request(request.id, reason="not needed")
    removed = service.delete_response(session.id, qid, reason="wrong question")
    assert removed.id == response.id and service.response(session.id, qid) is None
    assert service.evidence(session.id)[0].response_id is None  # evidence stays with the session
    # undo: record the answer again, as a new audited create
    service.record_response(session.id, qid, ResponsePatch(status=removed.status, text=removed.text), reason="undo")
    with Services.open(db_path, mode="read", user_name="r") as reader:
        history = reader.trail.history(session_id=session.id)
        assert [r.action for r in history if r.entity == "response"][-2:] == ["delete", "create"]
        assert {r.reason for r in history if r.action == "delete"} >= {"raised twice", "not needed", "wrong question"}
        assert reader.trail.verify().ok


def test_patches_keep_unset_fields_and_clear_none(service, session):
    qid = service.script(session.id)[0].question_id
    service.record_response(session.id, qid, ResponsePatch(status="observation", text="Partly", notes="n"))
    kept = service.record_response(session.id, qid, ResponsePatch(notes=None))
    assert (kept.status, kept.text, kept.notes) == (ResponseStatus.OBSERVATION, "Partly", None)
    assert not ResponsePatch() and ResponsePatch(text=None).changes() == {"text": None}
    assert FindingPatch().title is UNSET
    finding = service.raise_finding(session.id, title="T", grade="minor", capa="Fix", severity=2, occurrence=2, detectability=2)
    edited = service.edit_finding(finding.id, FindingPatch(capa=None, severity=4))
    assert (edited.capa, edited.severity, edited.occurrence) == (None, 4, 2)
    request = service.request_document(session.id, "SOP")
    delivered = service.update_document_request(request.id, RequestPatch(status="delivered"))
    assert delivered.delivered_at is not None
    reopened = service.update_document_request(request.id, RequestPatch(status="open"))
    assert reopened.delivered_at is None


def test_listeners_hear_what_each_commit_changed(service, session):
    heard: list[Changes] = []
    stop = service.listen(heard.append)
    qid = service.script(session.id)[0].question_id
    service.save_draft(session.id, qid, DraftPatch(text="typing"), origin="editor")
    service.record_response(session.id, qid, ResponsePatch(status="compliant"), origin="editor")
    finding = service.raise_finding(session.id, title="T", grade="minor")
    stop()
    service.delete_finding(finding.id)
    assert [c.origin for c in heard] == ["editor", "editor", None]
    assert heard[0].touches("draft", qid) and heard[0].session_ids == {session.id}
    assert heard[1].entities == {"response", "draft"}
    assert heard[2].touches("finding", str(finding.id))
    assert len(heard) == 3  # nothing after stop()


def test_a_failed_write_tells_no_one(service, session):
    heard: list[Changes] = []
    service.listen(heard.append)
    with pytest.raises(UserError):
        service.record_response(session.id, "NOPE", ResponsePatch(status="compliant"))
    assert heard == []


def test_the_snapshot_holds_everything_the_screens_need(service, session):
    qid = service.script(session.id)[0].question_id
    service.record_response(session.id, qid, ResponsePatch(status="deficient"))
    service.save_draft(session.id, "Q-1-002", DraftPatch(text="typing"))
    service.raise_finding(session.id, title="T", grade="major", question_ids=[qid])
    service.request_document(session.id, "SOP", question_id=qid, due_minutes=30)
    snap = service.snapshot(session.id)
    assert snap.session == service.session(session.id)
    assert snap.scenario is not None and snap.scenario.title == "Test scenario"
    assert snap.scenario.area_title("area-1") == "Area-1" and snap.scenario.agenda[0].minutes == 60
    question = snap.question(snap.script[0])
    assert question is not None and question.intent == "To see the record."
    assert [k.id for k in question.key_points] == ["kp1"] and question.citations == ("EU-GMP-Annex-11 9",)
    assert set(snap.responses) == {qid} and set(snap.drafts) == {"Q-1-002"}
    assert len(snap.findings) == 1 and len(snap.requests) == 1
    assert snap.counts.answered == 1 and snap.trail_head.records > 0


def test_evidence_is_hashed_apart_from_the_write(service, session, tmp_path):
    big = tmp_path / "batch-record.pdf"
    big.write_bytes(b"%PDF" + b"x" * 3_000_000)
    hashed = service.hash_evidence(EvidenceInput(EvidenceKind.FILE, path=str(big)))
    assert hashed.size == big.stat().st_size and hashed.sha256 is not None and len(hashed.sha256) == 64
    big.write_bytes(b"changed after hashing")
    link = service.attach_evidence(session.id, hashed)  # uses the hash taken, does not read again
    assert link.sha256 == hashed.sha256
    assert service.check_evidence(session.id)[0].state.value == "changed"


def test_services_share_one_database(db_path, scenario, bank):
    with Services.open(db_path, user_name="Ann") as services:
        assert services.inspection.db is services.trail.db
        session = services.inspection.create_session(scenario, [bank], site="Site")
        assert services.trail.verify(session.id).ok
        assert services.trail.head().records == len(services.trail.history())


def test_a_probe_records_the_bank_it_came_from(service, bank):
    probing = _with_probe(bank)
    session = service.create_session(make_scenario(probing), [probing], site="Site")
    parent = service.script(session.id)[0]
    service.record_response(session.id, parent.question_id, ResponsePatch(status="deficient"))
    (added,) = service.add_triggered_probes(
        session.id, parent.question_id, {q.id: q for q in probing.questions}, banks=[probing]
    )
    assert (added.bank_id, added.bank_version) == (probing.id, probing.version)


def test_a_probe_given_without_its_bank_takes_its_parents(service, bank):
    probing = _with_probe(bank)
    session = service.create_session(make_scenario(probing), [probing], site="Site")
    parent = service.script(session.id)[0]
    probe = next(q for q in probing.questions if q.id == "Q-1-PROBE")
    added = service.add_probe(session.id, parent.question_id, probe)
    assert (added.bank_id, added.bank_version) == (parent.bank_id, parent.bank_version)


def test_every_write_the_window_makes_carries_its_origin(service, session):
    from mockinspect.domain.session import EvidenceInput, EvidenceKind, FindingPatch, RequestPatch

    qid = service.script(session.id)[0].question_id
    service.record_response(session.id, qid, ResponsePatch(status="deficient"))
    heard: list[Changes] = []
    service.listen(heard.append)
    link = service.attach_evidence(
        session.id, EvidenceInput(kind=EvidenceKind.URL, url="https://qms.example/d/1"), question_id=qid, origin="w"
    )
    request = service.request_document(session.id, "SOP-QA-014", origin="w")
    service.update_document_request(request.id, RequestPatch(status="delivered"), origin="w")
    finding = service.raise_finding(session.id, title="T", grade="minor", question_ids=[qid], origin="w")
    service.edit_finding(finding.id, FindingPatch(title="T2"), origin="w")
    service.delete_finding(finding.id, origin="w")
    service.delete_document_request(request.id, origin="w")
    service.detach_evidence(link.id, origin="w")
    assert [c.origin for c in heard] == ["w"] * 8
    entities = [next(iter(sorted(c.entities))) for c in heard]
    assert entities[:3] == ["evidence", "document_request", "document_request"]
