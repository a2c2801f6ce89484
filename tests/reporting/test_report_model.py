"""What ReportService decides (order, numbers, words, coverage, lateness, hash states,
thumbnails, training records, old sessions), checked on the model and in the PDF."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

from PIL import Image
from pypdf import PdfReader

from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.session import EvidenceInput, EvidenceKind, Participant, ResponsePatch
from mockinspect.reporting.images import thumbnail
from mockinspect.reporting.pdf import build_pdf
from mockinspect.services.report import build_model
from tests.reporting.conftest import SCENARIO, pdf_text


def test_findings_are_numbered_once_in_order_of_significance(make_session, reports, services):
    sid = make_session(finish=False)
    services.inspection.raise_finding(sid, title="Critical one.", grade="critical", severity=5, occurrence=2, detectability=2)
    services.inspection.raise_finding(sid, title="Minor one.", grade="minor")
    model = reports.build(sid)
    assert [f.grade for f in model.findings] == ["critical", "major", "minor", "recommendation"]
    assert [f.number for f in model.findings] == [1, 2, 3, 4]
    assert model.findings[0].grade_word.startswith("483 observation")
    assert model.findings[0].level and model.findings[0].priority == 20
    assert [f.number for f in model.recommendations] == [4]
    assert model.form483
    cell = next(c for c in model.risk.cells if c.severity == 5 and c.occurrence == 2)
    assert cell.findings == (1,)
    assert model.summary.verdict == "Unsatisfactory"
    assert model.summary.outcome_note  # always labelled indicative


def test_evidence_hash_states_and_request_lateness(make_session, reports, services, tmp_path):
    from datetime import timedelta

    from mockinspect.domain.session import DocumentRequestStatus, RequestPatch

    sid = make_session(finish=False)
    (tmp_path / "evidence.txt").write_text("changed after linking\n", "utf-8")
    request = services.inspection.document_requests(sid)[0]
    services.inspection.update_document_request(
        request.id, RequestPatch(status=DocumentRequestStatus.DELIVERED, delivered_at=request.requested_at + timedelta(minutes=95))
    )
    model = reports.build(sid)
    (evidence,) = model.findings[0].evidence
    assert evidence.state == "changed"
    (row,) = model.requests
    assert row.late and row.lateness == "Late by 1 h 05 min"


def test_coverage_lists_what_was_not_covered_and_why(make_session, reports):
    model = reports.build(make_session(answers=3))
    assert sum(a.asked for a in model.areas) == len(model.questions)
    reasons = {n.why for n in model.not_covered}
    assert "Asked but not answered before the session closed." in reasons
    assert any(d.covered for d in model.documents) and any(not d.covered for d in model.documents)


def test_a_session_recorded_before_frozen_content_still_reports_and_says_so(make_session, services):
    sid = make_session()
    snap = replace(services.inspection.snapshot(sid), scenario=None)
    model = build_model(snap)
    assert model.notes and "before mockinspect froze" in model.notes[0]
    assert model.agenda == ()
    assert {a.title for a in model.areas} == {e.area for e in snap.script}
    out = BytesIO()
    build_pdf(model, out)
    assert "before mockinspect froze" in pdf_text(out.getvalue()).replace("\n", " ")


def _photo_with_exif_rotation(path):
    img = Image.new("RGB", (400, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    img.save(path, "JPEG", exif=exif.tobytes())


def test_photos_become_upright_downscaled_thumbnails(tmp_path, make_session, reports, services):
    photo = tmp_path / "photo.jpg"
    _photo_with_exif_rotation(photo)
    data, size = thumbnail(photo)
    assert data.startswith(b"\xff\xd8")
    assert size == (200, 400)  # EXIF orientation applied
    big = tmp_path / "big.png"
    Image.new("RGB", (4000, 3000), "white").save(big)
    assert max(thumbnail(big)[1]) == 900
    (tmp_path / "not-an-image.jpg").write_text("no", "utf-8")
    assert thumbnail(tmp_path / "not-an-image.jpg") is None

    sid = make_session(finish=False)
    link = services.inspection.attach_evidence(
        sid, services.inspection.hash_evidence(EvidenceInput(EvidenceKind.FILE, path=str(photo), description="Label photo"))
    )
    services.inspection.raise_finding(sid, title="With a photo.", grade="minor", evidence_ids=[link.id])
    model = reports.build(sid)
    shown = [e for f in model.findings for e in f.evidence if e.thumbnail]
    assert shown and shown[0].thumbnail_size == (200, 400)
    out = BytesIO()
    build_pdf(model, out)
    images = [p for p in PdfReader(BytesIO(out.getvalue())).pages if "/XObject" in p["/Resources"]]
    assert images


def test_a_training_session_prints_a_training_record(services, catalogue, reports):
    scenario = catalogue.scenario(SCENARIO)
    banks = catalogue.banks_for(scenario)
    sid = services.inspection.create_session(
        scenario, banks, site="Site", mode="training", lead="Trainer T", participants=[Participant("Trainee Ümit", "trainee")]
    ).id
    snap = services.inspection.snapshot(sid)
    entry = snap.script[0]
    points = [kp.id for kp in snap.question(entry).key_points]
    services.inspection.record_response(
        sid, entry.question_id, ResponsePatch(status=ResponseStatus.COMPLIANT, key_points_hit=tuple(points[:1]), seconds_taken=95)
    )
    model = reports.build(sid)
    assert model.training is not None and model.training.trainee == "Trainee Ümit"
    first = model.training.areas[0]
    assert first.hit == 1 and first.key_points > 1 and first.missed
    out = BytesIO()
    build_pdf(model, out)
    text = pdf_text(out.getvalue())
    assert "Training record" in text and "Trainee Ümit" in text


def test_a_session_with_nothing_recorded_yet_still_builds(services, catalogue, reports):
    scenario = catalogue.scenario(SCENARIO)
    sid = services.inspection.create_session(scenario, catalogue.banks_for(scenario), site="Empty site").id
    model = reports.build(sid)
    assert model.status == "Draft" and model.findings == () and model.requests == ()
    assert model.summary.verdict == "Good" and model.summary.top_risks == ()
    out = BytesIO()
    build_pdf(model, out)
    text = pdf_text(out.getvalue())
    assert "No deficiencies were raised." in text and "No documents were requested." in text
