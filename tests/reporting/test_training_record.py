"""The training record (training brief §7) of a real training session: built from the scores the
training service stored, printed as its own controlled form, and read back from the PDF."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from mockinspect.reporting.pdf import build_pdf
from mockinspect.services import Services
from mockinspect.services.banks import BankService
from mockinspect.services.report import ReportService
from tests.reporting.conftest import flat, pdf_text

SCENARIO = "fda-cgt-data-integrity"
GOOD = (
    "Our procedure SOP-QA-014 lists the audit trails of each system and the events that matter: changes, "
    "deletions and reprocessing. A trained QA reviewer, independent of the analyst, completes the review before "
    "batch release and records what was reviewed and the outcome on a checklist. Any unexplained entry is raised "
    "as a deviation and investigated before release. I can show you the review records for the last three lots."
)
SHARED = "On nights the operators all use the same login because it is quicker, I think."
HONEST = "I don't know which correction rule applies here; I'll check SOP-QA-003 and show you the page."
TRAINEE = "Jonas <Brandt> & Co"


@pytest.fixture(scope="module")
def catalogue():
    return BankService(include_user=False).catalogue()


@pytest.fixture
def services(tmp_path):
    with Services.open(tmp_path / "inspect.db", user_name="Dr. Anna Weber") as opened:
        yield opened


@pytest.fixture
def drill(services, catalogue):
    """A trainee's second drill: three answers (good, critical, honest gap), one N/A, an override."""
    scenario = catalogue.scenario(SCENARIO)
    banks = catalogue.banks_for(scenario)
    available = {q.id: q for bank in catalogue.banks.values() for q in bank.questions}
    kw = {"trainee": TRAINEE, "employee_id": "E-1042", "department": "QC", "role": "Analyst", "seed": 7}
    kw |= {"assessor": "Dr. Anna Weber", "inspection_date": date(2027, 3, 1)}
    first = services.training.start_session(scenario, banks, question_ids=("DI-001",), **kw)
    services.training.answer(first.id, "DI-001", "I think QA checks it, usually.", today=date(2027, 1, 4))
    session = services.training.start_session(
        scenario, banks, question_ids=("DI-001", "DI-003", "DI-008", "DI-005"), **kw
    )
    t = services.training
    t.answer(session.id, "DI-001", GOOD, seconds=95, available=available, today=date(2027, 1, 11))
    t.answer(session.id, "DI-003", SHARED, seconds=20, today=date(2027, 1, 11))
    t.answer(session.id, "DI-008", HONEST, seconds=30, today=date(2027, 1, 11))
    t.not_applicable(session.id, "DI-005", reason="no paper forms in this trainee's area")
    t.set_credit(session.id, "DI-001", {"independent-reviewer": 0.5}, reason="independence not shown <in the SOP>")
    return session.id


def test_the_record_carries_the_briefs_fields(services, drill):
    model = ReportService(services.inspection, company="Northbridge GMP").build(drill)
    r = model.training
    assert r is not None and r.scores_stored
    assert (r.trainee, r.employee_id, r.department, r.role) == (TRAINEE, "E-1042", "QC", "Analyst")
    assert r.form_id and r.form_version and r.record_id.startswith("TR-")
    assert r.assessor == "Dr. Anna Weber" and "trainer-led" in r.training_type
    assert r.inspection_date == "01 March 2027"
    assert [(i.number, i.question_id) for i in r.items] == [
        ("1", "DI-001"),
        ("1.1", "DI-001-P1"),  # the probe DI-001 always raises, under its question, not answered
        ("2", "DI-003"),
        ("3", "DI-008"),
        ("4", "DI-005"),
    ]
    by_id = {i.question_id: i for i in r.items}
    assert by_id["DI-001"].result == "Pass" and by_id["DI-001"].overridden
    assert by_id["DI-003"].result == "Fail (critical)" and by_id["DI-003"].critical
    assert by_id["DI-005"].result == "Not applicable"
    assert any("honest" in n for n in by_id["DI-008"].notes)
    assert r.not_applicable == 1 and r.critical == 1 and r.outcome == "Further practice required"
    assert r.mean_score is not None and r.scored == 3
    assert "SOP-QA-014" in r.sops and "SOP-QA-003" in r.sops
    assert any(b.startswith("data-integrity ") for b in r.banks)
    assert [(o.question_id, o.key_point, o.reason) for o in r.overrides] == [
        ("DI-001", "independent-reviewer", "independence not shown <in the SOP>")
    ]
    assert r.effectiveness and "previous session" in r.effectiveness[0]
    asked = {"DI-001", "DI-003", "DI-008"}
    first_due = min(s.due for s in services.training.schedule(TRAINEE) if s.question_id in asked)
    assert r.next_review.startswith(f"{first_due:%d %B %Y}") and "inspection of 01 March 2027" in r.next_review
    assert any(x.startswith("DI-003") for x in r.remedial)
    versions = {f.label: f.value for f in r.versions}
    assert versions["Scorer"] and versions["Lexicon"] == services.training.lexicon.version and versions["Rubric"]
    assert [s.role for s in r.signatures] == ["Trainee", "Assessor", "QA review"]
    assert len(r.rubric) == 5 and any("70" in c for c in r.pass_criteria)


def test_the_pdf_reads_back_with_every_page_numbered_and_user_text_as_typed(services, drill):
    model = ReportService(services.inspection, company="Northbridge GMP").build(drill)
    out = BytesIO()
    build_pdf(model, out)
    data = out.getvalue()
    reader = PdfReader(BytesIO(data))
    pages = len(reader.pages)
    text = pdf_text(data)
    r = model.training
    assert r is not None
    for n in range(1, pages + 1):
        assert f"Page {n} of {pages}" in reader.pages[n - 1].extract_text()
        assert r.record_id in reader.pages[n - 1].extract_text()  # the record id on every page
    squashed = flat(text)
    for needle in (
        TRAINEE,  # escaped, printed as typed
        "independence not shown <in the SOP>",
        r.form_id,
        "Further practice required",
        "E-1042",
        "Dr. Anna Weber",
        "Critical:",
        "Remedial actions",
        "MEANING OF THE SIGNATURE",
        "I reviewed the scores",
    ):
        assert flat(needle) in squashed, needle
    assert "Executive summary" not in text  # the record, not the findings report
    again = BytesIO()
    build_pdf(model, again)
    assert again.getvalue() == data  # the same model gives the same bytes


def test_an_audit_session_still_prints_the_findings_report(services, catalogue):
    scenario = catalogue.scenario(SCENARIO)
    sid = services.inspection.create_session(scenario, catalogue.banks_for(scenario), site="Site").id
    model = ReportService(services.inspection).build(sid)
    assert model.training is None
    out = BytesIO()
    build_pdf(model, out)
    assert "Executive summary" in pdf_text(out.getvalue())


def test_a_drill_half_done_is_incomplete_not_competent(services, catalogue):
    scenario = catalogue.scenario(SCENARIO)
    session = services.training.start_session(
        scenario, catalogue.banks_for(scenario), trainee="Ann", seed=7, question_ids=("DI-001", "DI-003")
    )
    services.training.answer(session.id, "DI-001", GOOD)
    model = ReportService(services.inspection).build(session.id)
    r = model.training
    assert r is not None and r.passed == r.scored == 1  # everything answered so far passed...
    assert r.outcome == "Incomplete" and "1 of 2 questions not answered" in r.outcome_reasons[0]
    out = BytesIO()
    build_pdf(model, out)
    text = pdf_text(out.getvalue())
    assert "Incomplete" in text and "DRAFT" in text  # the session is not finished


def test_the_record_prints_the_self_ratings_and_the_assessors_rating_and_comment(services, catalogue, tmp_path):
    scenario = catalogue.scenario(SCENARIO)
    session = services.training.start_session(
        scenario, catalogue.banks_for(scenario), trainee=TRAINEE, seed=7, question_ids=("DI-001", "DI-003"),
        assessor="Dr. Anna Weber",
    )  # fmt: skip
    services.training.answer(session.id, "DI-001", GOOD, self_rating=4)
    services.training.answer(session.id, "DI-003", SHARED, self_rating=5)  # a critical flag, rated 5: over-confident
    services.inspection.finish_session(session.id)
    unrated = ReportService(services.inspection).build(session.id).training
    assert unrated is not None and unrated.trainer_rating is None and not unrated.trainer_comment
    services.training.rate_session(session.id, 2, comment="Calm, but <guessed> at the login rule & argued.")
    model = ReportService(services.inspection).build(session.id)
    r = model.training
    assert r is not None and r.trainer_rating == 2 and r.rated_by.startswith("Dr. Anna Weber, ")
    by_id = {i.question_id: i for i in r.items}
    assert by_id["DI-003"].self_rating.endswith("over-confident")
    assert "rated 2 of 2 scored answers" in r.self_assessment and "1 rated higher" in r.self_assessment
    out = tmp_path / "record.pdf"
    with out.open("wb") as fh:
        build_pdf(model, fh)
    text = pdf_text(out)
    squashed = flat(text)
    for needle in (
        "Calm, but <guessed> at the login rule & argued.",  # escaped, printed as typed
        "Self-rating 5/5 before the reveal, earned 2/5: over-confident",
        "Rated in the app by Dr. Anna Weber",
        "\u2612 2",  # the rating's box is ticked...
        "\u2610 1",  # ...the others are not
        "\u2610 3",
    ):
        assert flat(needle) in squashed, needle
    assert flat("\u2612 1") not in squashed and flat("\u2612 3") not in squashed
