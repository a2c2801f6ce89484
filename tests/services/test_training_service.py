"""TrainingService over a real database and the bundled data-integrity bank: answers are saved,
scored against the frozen question, stored with their versions, probes for missed key points
come next, overrides are audited, the review schedule moves once per session, and progress
(history, weakest areas, what is due, the next drill) reads back what was stored."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest

from mockinspect.domain import training as scoring
from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.session import Mode
from mockinspect.errors import UserError
from mockinspect.services import Services
from mockinspect.services.banks import BankService
from mockinspect.services.training import scores_json

SCENARIO = "fda-cgt-data-integrity"
MODEL_DI_001 = (
    "Our SOP-QA-031 defines which audit trails are reviewed based on risk: changes, deletions and reprocessing "
    "events. The review is completed and documented before release or QP certification. The reviewer is QA, "
    "trained, and independent of the analyst who generated the data. The review record shows what was reviewed "
    "and the findings, not only a signature. Any unexplained entry or anomaly is raised as a deviation and "
    "investigated before release. I can show you the review records for the last three lots."
)
WEAK_DI_001 = "I think QA usually looks at the audit trail before release, probably for the main systems."
DAY = date(2027, 1, 4)


@pytest.fixture(scope="module")
def catalogue():
    return BankService().catalogue()


@pytest.fixture
def services(db_path):
    with Services.open(db_path, user_name="Dr. Anna Weber") as opened:
        yield opened


@pytest.fixture
def available(catalogue):
    return {q.id: q for bank in catalogue.banks.values() for q in bank.questions}


DRILL = ("DI-001", "DI-003", "DI-008", "DI-002")  # a fixed script, whatever the scenario draws today


def start(services, catalogue, trainee="Jonas Brandt", question_ids=DRILL, **kw):
    scenario = catalogue.scenario(SCENARIO)
    banks = catalogue.banks_for(scenario)
    return services.training.start_session(scenario, banks, trainee=trainee, seed=7, question_ids=question_ids, **kw)


def test_a_training_session_is_for_a_trainee_added_once(services, catalogue):
    first = start(services, catalogue, department="QC", employee_id="E-1042", assessor="Dr. Anna Weber",
                  inspection_date=date(2027, 3, 1))  # fmt: skip
    second = start(services, catalogue, trainee="  jonas   BRANDT ")
    assert first.mode is Mode.TRAINING and first.lead == "Dr. Anna Weber"
    assert [(p.name, p.role) for p in first.participants] == [("Jonas Brandt", "trainee")]
    people = services.training.trainees()
    assert [(p.name, p.department, p.employee_id) for p in people] == [("Jonas Brandt", "QC", "E-1042")]
    link = services.training.link(first.id)
    assert link is not None and link.trainee_id == people[0].id and link.inspection_date == date(2027, 3, 1)
    assert services.training.latest_link("Jonas Brandt").session_id == second.id
    with pytest.raises(UserError, match="no trainee called 'Nobody'"):
        services.training.trainee("Nobody")


def test_a_model_answer_is_saved_scored_and_scheduled(services, catalogue, available):
    session = start(services, catalogue, inspection_date=date(2027, 6, 1))
    result = services.training.answer(session.id, "DI-001", MODEL_DI_001, seconds=95.5, available=available, today=DAY)
    assert result.score.passed and result.score.score >= 85 and result.score.quality == 5
    assert result.response.status is ResponseStatus.COMPLIANT
    assert set(result.response.key_points_hit) == {k.key_point_id for k in result.score.key_points}
    assert result.response.seconds_taken == 96 and result.response.text == MODEL_DI_001
    stored = services.training.attempts(session.id, "DI-001")
    assert [(a.attempt, a.seconds, a.text) for a in stored] == [(1, 95.5, MODEL_DI_001)]
    assert stored[0].scorer_version == scoring.SCORER_VERSION and stored[0].lexicon_version
    assert scoring.ItemScore.from_json(stored[0].score) == result.score
    assert result.schedule == scoring.schedule_next(None, 5, DAY, date(2027, 6, 1))
    assert [s.due for s in services.training.schedule("Jonas Brandt")] == [DAY + timedelta(days=1)]


def test_a_weak_answer_brings_its_probes_next_and_comes_back_for_a_retry(services, catalogue, available):
    session = start(services, catalogue)
    result = services.training.answer(session.id, "DI-001", WEAK_DI_001, available=available, today=DAY)
    assert not result.score.passed and result.response.status is ResponseStatus.DEFICIENT
    assert {f.kind for f in result.score.flags} >= {"hedge"}
    assert [p.question_id for p in result.probes_added] == ["DI-001-P1"]
    assert services.training.next_question(session.id).question_id == "DI-001-P1"
    services.training.answer(session.id, "DI-001-P1", "I don't know; I will find out and show you SOP-QA-031.")
    for entry in services.inspection.script(session.id):  # answer the rest well enough to leave no gaps
        if entry.question_id not in ("DI-001", "DI-001-P1"):
            services.training.not_applicable(session.id, entry.question_id)
    retry = services.training.next_question(session.id)
    assert retry is not None and retry.question_id == "DI-001"  # "rewind and retry"
    again = services.training.answer(session.id, "DI-001", MODEL_DI_001, available=available, today=DAY)
    assert again.attempt.attempt == 2 and again.schedule is None  # a retry does not move the schedule
    entry = next(s for s in services.training.schedule("Jonas Brandt") if s.question_id == "DI-001")
    assert entry.last_quality == result.score.quality and entry.due == DAY + timedelta(days=1)
    scores = services.training.scores(session.id)
    assert scores.question("DI-001").score.passed and scores.question("DI-001").attempts == 2
    retried = services.training.next_question(session.id)
    assert retried is None or retried.question_id == "DI-001-P1"


def test_not_applicable_never_lowers_the_score(services, catalogue, available):
    session = start(services, catalogue)
    services.training.answer(session.id, "DI-001", MODEL_DI_001, available=available, today=DAY)
    before = services.training.scores(session.id).result
    na = services.training.not_applicable(session.id, "DI-003")
    assert na.response.status is ResponseStatus.NOT_APPLICABLE and na.score.not_applicable
    after = services.training.scores(session.id).result
    assert (after.mean_score, after.pass_rate, after.items) == (before.mean_score, before.pass_rate, before.items)
    assert after.not_applicable == 1


def test_an_override_is_audited_and_the_schedule_is_redone_from_the_same_start(services, catalogue):
    session = start(services, catalogue, inspection_date=date(2027, 6, 1))
    first = services.training.answer(session.id, "DI-001", WEAK_DI_001, today=DAY)
    point = first.score.key_points[1].key_point_id
    with pytest.raises(UserError, match="give a reason"):
        services.training.set_credit(session.id, "DI-001", {point: 1.0})
    with pytest.raises(UserError, match="no key point 'nope'"):
        services.training.set_credit(session.id, "DI-001", {"nope": 1.0}, reason="x")
    with pytest.raises(UserError, match=r"0, 0\.5 or 1"):
        services.training.set_credit(session.id, "DI-001", {point: 0.7}, reason="x")
    credits = {k.key_point_id: 1.0 for k in first.score.key_points}
    row = services.training.set_credit(session.id, "DI-001", credits, reason="all said in other words")
    assert row.score.coverage == 1.0 and row.attempt.confirmed == credits
    assert all(k.overridden for k in row.score.key_points)
    assert services.inspection.response(session.id, "DI-001").key_points_hit == tuple(credits)
    overrides = services.training.overrides(session.id)
    assert {(o.key_point_id, o.from_credit, o.to_credit, o.who, o.reason) for o in overrides} == {
        (k, 0.0, 1.0, "Dr. Anna Weber", "all said in other words") for k in credits
    }
    (entry,) = services.training.schedule("Jonas Brandt")
    assert entry.last_quality == row.score.quality  # redone from the same start, not advanced twice
    expected = scoring.schedule_next(None, row.score.quality, DAY, date(2027, 6, 1))  # the day answer() was given
    assert (entry.ease, entry.interval_days, entry.repetitions, entry.due) == (
        expected.ease,
        expected.interval_days,
        expected.repetitions,
        expected.due,
    )
    confirmed = services.training.set_credit(session.id, "DI-001", {point: 1.0})  # confirming needs no reason
    assert confirmed.score.score == row.score.score
    trail = services.trail.history(session_id=session.id, entity="training_override")
    assert len(trail) == len(credits) + 1 and {r.who for r in trail} == {"Dr. Anna Weber"}
    assert services.trail.verify().problem is None


def test_the_inspection_date_caps_the_review_interval(services, catalogue):
    near = DAY + timedelta(days=30)  # 0.2 x the days left, rounded down: 5 days between reviews at most
    days = [DAY, DAY + timedelta(days=1), DAY + timedelta(days=3)]
    intervals = []
    for day in days:
        session = start(services, catalogue, inspection_date=near)
        intervals.append(services.training.answer(session.id, "DI-001", MODEL_DI_001, today=day).schedule.interval_days)
    assert intervals == [1, 5, 5]  # not 1, 6, 16


def test_progress_due_and_the_next_drill(services, catalogue, available):
    old = start(services, catalogue)
    services.training.answer(old.id, "DI-001", WEAK_DI_001, available=available, today=DAY)
    services.training.answer(old.id, "DI-003", MODEL_DI_001, today=DAY)
    services.training.answer(old.id, "DI-008", "We do not review the audit trail.", today=DAY + timedelta(days=5))
    assert services.training.due("Jonas Brandt", DAY) == []
    due = services.training.due("Jonas Brandt", DAY + timedelta(days=2))
    assert [d.question_id for d in due] == ["DI-001", "DI-003"] and due[0].days_overdue == 1
    assert due[0].prompt.startswith("Walk me through how audit trails")
    plan = services.training.next_drill("Jonas Brandt", DAY + timedelta(days=2), size=3)
    assert plan.question_ids[:2] == ("DI-001", "DI-003") and plan.question_ids[2] == "DI-008"
    assert "due" in plan.reasons["DI-001"] and "missed" in plan.reasons["DI-008"]
    assert plan.scenario_id == SCENARIO
    scenario = catalogue.scenario(SCENARIO)
    drill = services.training.start_session(
        scenario, list(catalogue.banks.values()), trainee="Jonas Brandt", question_ids=plan.question_ids
    )
    assert [e.question_id for e in services.inspection.script(drill.id)] == list(plan.question_ids)
    assert services.training.history("Jonas Brandt", scenario_id="no-such-scenario") == []
    history = services.training.history("Jonas Brandt", scenario_id=SCENARIO)
    assert [h.session_id for h in history] == [drill.id, old.id]
    assert history[1].answered == 3 and history[1].result == "further-practice" and history[0].mean_score is None
    (area,) = services.training.weakest_areas("Jonas Brandt")
    assert area.area == "data-integrity" and area.title == "Data integrity" and area.attempts == 3


def test_scores_by_question_area_and_overall_as_json(services, catalogue):
    session = start(services, catalogue, question_ids=("DI-003", "DI-001"))
    services.training.answer(session.id, "DI-001", MODEL_DI_001, today=DAY)
    services.training.answer(session.id, "DI-003", WEAK_DI_001, today=DAY)
    data = scores_json(services.training.scores(session.id))
    assert [q["question_id"] for q in data["questions"]] == ["DI-003", "DI-001"]  # script order
    assert data["trainee"]["name"] == "Jonas Brandt" and data["result"] == "further-practice"
    assert data["overall"]["items"] == 2 and data["overall"]["passed"] == 1
    assert data["areas"][0]["area"] == "data-integrity" and data["areas"][0]["title"] == "Data integrity"
    assert all(q["scorer_version"] and q["key_points"] for q in data["questions"])


def test_an_audit_session_is_not_scored_and_bad_input_changes_nothing(services, catalogue):
    scenario = catalogue.scenario(SCENARIO)
    audit = services.inspection.create_session(scenario, catalogue.banks_for(scenario), site="Site", seed=7)
    with pytest.raises(UserError, match="not a training session"):
        services.training.answer(audit.id, "DI-001", MODEL_DI_001)
    session = start(services, catalogue)
    for text, seconds, match in (("   ", None, "type an answer"), ("ok", -1, "0 or more"), ("ok", True, "0 or more")):
        with pytest.raises(UserError, match=match):
            services.training.answer(session.id, "DI-001", text, seconds=seconds)
    with pytest.raises(UserError, match="not in the script"):
        services.training.answer(session.id, "NOPE-1", MODEL_DI_001)
    assert services.training.attempts(session.id) == [] and services.inspection.responses(session.id) == []
    with pytest.raises(UserError, match="no scored answer"):
        services.training.set_credit(session.id, "DI-001", {"before-release": 1.0}, reason="x")


def test_a_stored_score_that_cannot_be_read_is_one_line(services, catalogue, db_path):
    import sqlite3

    session = start(services, catalogue)
    services.training.answer(session.id, "DI-001", WEAK_DI_001, today=DAY)
    con = sqlite3.connect(db_path)
    con.execute("UPDATE training_scores SET score = '{\"score\": 1}'")
    con.commit()
    con.close()
    with pytest.raises(UserError, match=r"the stored score of DI-001 \(attempt 1\) cannot be read"):
        services.training.scores(session.id)


def test_an_override_redoes_the_review_on_the_day_it_was_made_for(services, catalogue, available):
    session = start(services, catalogue, inspection_date=date(2027, 6, 1))
    later = date(2027, 1, 11)  # not today's date: the review was made for this day
    result = services.training.answer(session.id, "DI-001", WEAK_DI_001, available=available, today=later)
    assert result.schedule is not None and result.schedule.due == later + timedelta(days=1)
    services.training.set_credit(session.id, "DI-001", {"documented-evidence": 1.0}, reason="shown the record")
    (entry,) = [s for s in services.training.schedule("Jonas Brandt") if s.question_id == "DI-001"]
    assert entry.due - timedelta(days=entry.interval_days) == later


def test_a_drill_with_questions_still_open_is_incomplete_not_competent(services, catalogue, available):
    session = start(services, catalogue)
    services.training.answer(session.id, "DI-001", MODEL_DI_001, available=available, today=DAY)
    scores = services.training.scores(session.id)
    assert scores.result.competent and scores.unanswered  # the one answer passes, three questions are open
    assert scores.outcome == "incomplete"
    assert scores_json(scores)["result"] == "incomplete"
    assert services.training.history("Jonas Brandt")[0].result == "incomplete"
    empty = services.training.scores(start(services, catalogue).id)
    assert empty.outcome == "not-assessed"


def test_self_rating_is_stored_with_the_attempt_and_calibrated(services, catalogue, available):
    session = start(services, catalogue)
    weak = services.training.answer(session.id, "DI-001", WEAK_DI_001, today=DAY, self_rating=5)
    assert weak.attempt.self_rating == 5
    good = services.training.answer(session.id, "DI-003", MODEL_DI_001, today=DAY, self_rating=None)
    assert good.attempt.self_rating is None
    for bad in (0, 6, 2.5, True, "4"):
        with pytest.raises(UserError, match="1 to 5"):
            services.training.answer(session.id, "DI-008", WEAK_DI_001, self_rating=bad)
    assert [a.question_id for a in services.training.attempts(session.id)] == ["DI-001", "DI-003"]  # none stored
    scores = services.training.scores(session.id)
    cal = scores.question("DI-001").calibration
    assert cal is not None and cal.kind == "over-confident" and cal.earned == scoring.earned_rating(weak.score)
    assert scores.question("DI-003").calibration is None  # skipped
    # an override rescoring the attempt keeps the self-rating given before the reveal
    point = weak.score.key_points[0].key_point_id
    services.training.set_credit(session.id, "DI-001", {point: 1.0}, reason="said it in other words")
    assert services.training.scores(session.id).question("DI-001").attempt.self_rating == 5
    data = scores_json(services.training.scores(session.id))
    row = next(q for q in data["questions"] if q["question_id"] == "DI-001")
    assert row["self_rating"] == 5 and row["calibration"]["kind"] in ("over-confident", "calibrated")


def test_calibration_bands():
    model = scoring.ItemScore("Q", (), (), (), 90.0, True, False, 5, None, ())
    weak = scoring.ItemScore("Q", (), (), (), 40.0, False, False, 2, None, ())
    critical = scoring.ItemScore("Q", (), (), (), 88.0, False, True, 1, None, ())
    assert [scoring.calibration(r, model).kind for r in (1, 2, 3, 4, 5)] == [
        "under-confident", "under-confident", "under-confident", "calibrated", "calibrated"
    ]  # fmt: skip
    assert [scoring.calibration(r, weak).kind for r in (1, 2, 3, 4, 5)] == [
        "calibrated", "calibrated", "calibrated", "over-confident", "over-confident"
    ]  # fmt: skip
    assert scoring.earned_rating(critical) == 2 and scoring.calibration(4, critical).kind == "over-confident"
    with pytest.raises(ValueError, match="1 to 5"):
        scoring.calibration(0, model)


def test_the_trainers_rating_and_comment_are_audited_and_allowed_after_the_drill(services, catalogue):
    session = start(services, catalogue)
    services.training.answer(session.id, "DI-001", MODEL_DI_001, today=DAY)
    services.inspection.finish_session(session.id)
    link = services.training.rate_session(session.id, 4, comment="  Calm under silence; <b>named</b> the SOP.  ")
    assert (link.trainer_rating, link.trainer_comment, link.rated_by) == (
        4, "Calm under silence; <b>named</b> the SOP.", "Dr. Anna Weber"
    )  # fmt: skip
    again = services.training.rate_session(session.id, 3)  # the comment stays
    assert again.trainer_comment == link.trainer_comment and again.trainer_rating == 3
    for bad in (0, 6, 3.5, True):
        with pytest.raises(UserError, match="1 to 5"):
            services.training.rate_session(session.id, bad)
    history = [r for r in services.trail.history(session_id=session.id) if r.entity == "training_session" and r.field]
    assert [(r.field, r.who) for r in history if r.field == "trainer_rating"] == [
        ("trainer_rating", "Dr. Anna Weber"), ("trainer_rating", "Dr. Anna Weber")
    ]  # fmt: skip
    assert services.trail.verify().problem is None
    # a drill still without a trainee, or an audit, takes no rating
    audit = services.inspection.create_session(catalogue.scenario(SCENARIO), catalogue.banks_for(
        catalogue.scenario(SCENARIO)), site="S")  # fmt: skip
    with pytest.raises(UserError, match="not a training session"):
        services.training.rate_session(audit.id, 3)


def test_the_inspectors_silence_is_set_per_drill(services, catalogue):
    session = start(services, catalogue, silence_seconds=7)
    assert services.training.link(session.id).silence_seconds == 7
    assert services.training.set_silence(session.id, 0).silence_seconds is None
    assert services.training.set_silence(session.id, 8).silence_seconds == 8
    for bad in (31, -1, 7.5):
        with pytest.raises(UserError, match="0 \\(off\\) to 30"):
            services.training.set_silence(session.id, bad)
    assert (
        start(services, catalogue).id and services.training.link(start(services, catalogue).id).silence_seconds is None
    )


def test_a_stored_score_keeps_the_scorer_version_that_made_it(services, catalogue, db_path):
    assert scoring.SCORER_VERSION == "1.1.0"
    session = start(services, catalogue)
    first = services.training.answer(session.id, "DI-001", WEAK_DI_001, today=DAY)
    con = sqlite3.connect(db_path)  # as a 1.0.0 scorer stored it
    stored = {**first.attempt.score, "scorer_version": "1.0.0"}
    con.execute("UPDATE training_scores SET score = ?, scorer_version = '1.0.0'", (json.dumps(stored),))
    con.commit()
    con.close()
    row = services.training.scores(session.id).question("DI-001")
    assert row.score.scorer_version == "1.0.0" and row.attempt.scorer_version == "1.0.0"
    ((_, now),) = services.training.rescore(session.id)
    assert now.scorer_version == "1.1.0"
    # an override scores the attempt again: the row then says which scorer made its score
    point = first.score.key_points[0].key_point_id
    services.training.set_credit(session.id, "DI-001", {point: 1.0}, reason="said it")
    again = services.training.scores(session.id).question("DI-001")
    assert again.score.scorer_version == again.attempt.scorer_version == "1.1.0"
