"""Training-mode scoring on real questions from the bundled data-integrity bank."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from mockinspect.banks.loader import load_file
from mockinspect.domain import training as t
from mockinspect.domain.engine import follow_ups_for
from mockinspect.domain.frozen import FrozenQuestion, canonical_json
from mockinspect.domain.matching import _fuzzy
from mockinspect.resources import question_banks_dir, resource


@pytest.fixture(scope="module")
def bank():
    return load_file(question_banks_dir() / "banks" / "data-integrity.yaml").doc


@pytest.fixture(scope="module")
def questions(bank):
    """The questions as a session freezes them (the JSON a session stores)."""
    return {
        q.id: FrozenQuestion.from_json(q.content_hash(), canonical_json(q.model_dump(mode="json")))
        for q in bank.questions
    }


@pytest.fixture(scope="module")
def lexicon():
    return t.lexicon_from_data(json.loads(resource("training", "lexicon.json").read_text(encoding="utf-8")))


def score(questions, lexicon, qid, text, **kw):
    return t.score_answer(questions[qid], text, lexicon=lexicon, **kw)


def kinds(item):
    return [f.kind for f in item.flags]


def credit(item, kp):
    return next(k.credit for k in item.key_points if k.key_point_id == kp)


MODEL_DI001 = (
    "Our procedure SOP-QA-014 lists the audit trails of each system and the events that matter: changes, "
    "deletions and reprocessing. A trained QA reviewer, independent of the analyst, completes the review before "
    "batch release and records what was reviewed and the outcome on a checklist. Any unexplained entry is raised "
    "as a deviation and investigated before release. I can show you the review records for the last three lots."
)


def test_frozen_question_carries_the_term_groups(questions):
    kp = questions["DI-001"].key_points[0]
    assert kp.id == "risk-based-scope"
    assert ("audit trail", "audit trails", "audit-trail") in kp.terms


def test_frozen_question_without_terms_reads_back_with_none():
    q = FrozenQuestion.from_json("h", json.dumps({"id": "Q", "key_points": [{"id": "a", "text": "A point"}]}))
    assert q.key_points[0].terms == ()


def test_a_model_answer_scores_high_with_its_reasons(questions, lexicon):
    item = score(questions, lexicon, "DI-001", MODEL_DI001)
    assert item.passed and item.score >= 85 and item.quality == 5
    assert credit(item, "before-release") == 1 and credit(item, "escalate-anomalies") == 1
    found = next(k for k in item.key_points if k.key_point_id == "escalate-anomalies")
    assert set(found.matched_words) == {"unexplained", "deviation"}
    for a, b in found.matched_spans:  # the spans point at the words in the text as typed
        assert MODEL_DI001[a:b].lower() in {"unexplained", "deviation"}
    assert "sop-cited" in kinds(item) and "show-offer" in kinds(item)
    assert item.dimension("D").score == 3


def test_a_hedged_answer_is_flagged_and_loses_certainty(questions, lexicon):
    text = (
        "I think the audit trail is probably reviewed by QA before release; they usually check changes and "
        "deletions and record the review on a form."
    )
    item = score(questions, lexicon, "DI-001", text)
    hedges = [f.phrase for f in item.flags if f.kind == "hedge"]
    assert hedges == ["I think", "probably", "usually"]
    assert item.dimension("C").score == 1
    plain = score(
        questions, lexicon, "DI-001", text.replace("I think ", "").replace("probably ", "").replace("usually ", "")
    )
    assert plain.dimension("C").score == 3 and plain.score > item.score


def test_may_the_month_is_not_a_hedge_but_may_the_modal_is(questions, lexicon):
    month = score(
        questions,
        lexicon,
        "DI-001",
        "The last review was done in May before release of lot 12 and recorded on the checklist.",
    )
    modal = score(
        questions, lexicon, "DI-001", "The review may be done before release and recorded on the checklist by QA staff."
    )
    assert "hedge" not in kinds(month)
    assert [f.phrase for f in modal.flags if f.kind == "hedge"] == ["may"]


def test_a_negated_key_point_earns_nothing(questions, lexicon):
    said = score(questions, lexicon, "DI-001", "We review the audit trail before release.")
    denied = score(questions, lexicon, "DI-001", "We do not review the audit trail before release.")
    assert credit(said, "before-release") == 1
    assert credit(denied, "before-release") == 0
    kp = next(k for k in denied.key_points if k.key_point_id == "before-release")
    assert kp.negated and "not" in kp.reason


@pytest.mark.parametrize(
    "text",
    [
        "No lot is released without the audit trail review being completed.",  # two triggers cancel
        "The audit trail review is completed no later than the day before release.",  # pseudo-negation
        "A lot is not released until the audit trail has been reviewed.",  # not ... until
    ],
)
def test_double_negatives_and_pseudo_negations_still_count(questions, lexicon, text):
    assert credit(score(questions, lexicon, "DI-001", text), "before-release") == 1


def test_negation_stops_at_but(questions, lexicon):
    item = score(questions, lexicon, "DI-001", "It is not done by the analyst, but QA reviews it before release.")
    assert credit(item, "before-release") == 1


def test_a_one_word_answer_loses_scope_and_coverage(questions, lexicon):
    item = score(questions, lexicon, "DI-003", "Everyone.")
    assert "too-terse" in kinds(item)
    assert item.dimension("B").score == 0 and item.dimension("A").score == 0
    assert not item.passed


RAMBLE = (
    "Well, we are a very busy site and the team works really hard. Last year we moved into the new building and "
    "the canteen is much better now. The operators like the new suites and the lighting is brighter. We have a lot "
    "of visitors and everyone is friendly and helpful. The car park was resurfaced in the summer and the access "
    "road is wider. Our manager has been here for twenty years and knows everybody by name. We have quarterly "
    "town halls where the site director talks about the business and the pipeline. There are new products coming "
    "and we are hiring more people in every department, which is exciting for the team. The training room has "
    "new screens and there is free coffee in the mornings. The gardens are looked after by a contractor and the "
    "windows are cleaned every month. We also sponsor the local football team and run a charity day each spring. "
    "People stay here a long time because they enjoy it and the atmosphere is good."
)


def test_a_rambling_off_topic_answer_is_bluffing_and_loses_scope(questions, lexicon):
    item = score(questions, lexicon, "DI-003", RAMBLE)
    assert "bluffing" in kinds(item)
    assert item.dimension("B").score == 0 and item.dimension("A").score == 0
    assert item.dimension("C").score == 3  # it is not the certainty that is wrong
    assert not item.passed


def test_a_weak_answer_triggers_the_probes_for_what_it_missed(bank, questions, lexicon):
    source = next(q for q in bank.questions if q.id == "DI-002")
    weak = score(
        questions,
        lexicon,
        "DI-002",
        "The operator scans the patient identifier barcode at each step, at the time of the step, and a second "
        "person verifies it. Corrections are made with a single line, reason, date and signature.",
    )
    assert "label-reconciliation" in t.missed_key_points(weak)
    assert follow_ups_for(source, None, t.key_points_hit(weak)) == ["DI-002-P1"]
    strong = score(
        questions,
        lexicon,
        "DI-002",
        "The patient identifiers are verified by barcode scan at each transfer, at the time of the step. Labels "
        "are issued from a controlled source and reconciled; unused labels are destroyed and recorded.",
    )
    assert "label-reconciliation" not in t.missed_key_points(strong)
    assert follow_ups_for(source, None, t.key_points_hit(strong)) == []


def test_honest_i_dont_know_earns_honesty_but_the_gap_still_counts(questions, lexicon):
    item = score(
        questions,
        lexicon,
        "QCD-001",
        "I don't know the exact rule, but I'll find out and show you SOP-QC-021 this afternoon.",
    )
    assert "honest-gap" in kinds(item)
    assert item.dimension("C").score == 3 and item.dimension("D").score == 3 and item.dimension("A").score == 0
    assert not item.passed and item.quality <= 2  # it comes back the next day


def test_a_wrong_figure_is_a_critical_flag(questions, lexicon):
    item = score(
        questions,
        lexicon,
        "DI-002",
        "Traceability records are retained for 5 years in the archive, and every correction is signed and dated.",
    )
    assert "wrong-figure" in kinds(item) and item.critical and not item.passed and item.quality == 1


def test_admitting_an_unapproved_practice_fails_the_item_but_a_denial_does_not(questions, lexicon):
    admit = score(questions, lexicon, "DI-003", "On nights the operators all use the same login because it is quicker.")
    deny = score(
        questions,
        lexicon,
        "DI-003",
        "Every operator has an individual account; we never share passwords and admin rights sit with IT.",
    )
    assert "unapproved-practice" in kinds(admit) and admit.critical
    assert "unapproved-practice" not in kinds(deny) and not deny.critical


def test_blame_and_red_flags_lose_composure(questions, lexicon):
    item = score(
        questions,
        lexicon,
        "DI-001",
        "That review was the night shift's mistake, honestly it's not my job, QA should catch it before release.",
    )
    assert "red-flag" in kinds(item)
    assert item.dimension("E").score <= 1


def test_a_typo_in_a_long_word_matches_but_acronyms_never_fuzzy(questions, lexicon):
    typo = score(
        questions, lexicon, "DI-001", "Unexplained entries become a deviaton and are investigated before release."
    )
    assert credit(typo, "escalate-anomalies") == 1
    assert _fuzzy("deviaton", "deviation") and not _fuzzy("QA", "QC") and not _fuzzy("process", "progress")


def test_stemming_leaves_acronyms_and_codes_alone():
    words = {tok.raw: tok for tok in t.tokenize("LIMS records reviewed under SOP-QA-014 at 2-8 °C")}
    assert words["LIMS"].stem == "lims" and words["LIMS"].exact
    assert words["reviewed"].stem == "review"
    assert words["SOP-QA-014"].norm == "sop-qa-014"
    assert [tok.norm for tok in t.tokenize("2–8°C and −150 °C")] == ["2", "8", "°c", "and", "-150", "°c"]


def test_contractions_are_expanded_with_spans_of_the_typed_word():
    toks = t.tokenize("We don't, I'll check.")
    assert [tok.norm for tok in toks] == ["we", "do", "not", "i", "will", "check"]
    assert toks[1].raw == toks[2].raw == "don't"


def test_over_time_is_recorded_not_scored(questions, lexicon):
    quick = score(questions, lexicon, "DI-001", MODEL_DI001, seconds=30, time_limit=120)
    slow = score(questions, lexicon, "DI-001", MODEL_DI001, seconds=200, time_limit=120)
    assert "over-time" in kinds(slow) and "over-time" not in kinds(quick)
    assert slow.score == quick.score and slow.seconds == 200


def test_confirmed_credit_replaces_the_matchers_and_rescores(questions, lexicon):
    text = "QA reviews the audit trail before release."
    before = score(questions, lexicon, "DI-001", text)
    after = score(questions, lexicon, "DI-001", text, confirmed={"documented-evidence": 1, "before-release": 0.5})
    kp = next(k for k in after.key_points if k.key_point_id == "documented-evidence")
    assert kp.credit == 1 and kp.overridden and kp.matcher_credit == 0
    assert credit(after, "before-release") == 0.5
    assert after.coverage == pytest.approx(before.coverage + 0.5 / 5)
    with pytest.raises(ValueError):
        score(questions, lexicon, "DI-001", text, confirmed={"before-release": 0.7})


def test_an_empty_answer_is_quality_zero(questions, lexicon):
    item = score(questions, lexicon, "DI-001", "   ")
    assert item.score == 0 and item.quality == 0 and not item.passed


def test_item_score_json_round_trip(questions, lexicon):
    item = score(questions, lexicon, "DI-001", MODEL_DI001 + " I think it is about 3 lots.", seconds=42.5)
    data = json.loads(json.dumps(item.to_json()))
    assert t.ItemScore.from_json(data) == item
    assert data["scorer_version"] == t.SCORER_VERSION and data["lexicon_version"] == lexicon.version
    with pytest.raises(ValueError):
        t.ItemScore.from_json({"question_id": "x"})


def test_not_applicable_never_lowers_a_score(questions, lexicon):
    good = score(questions, lexicon, "DI-001", MODEL_DI001)
    items = {"DI-001": good}
    with_na = {**items, "DI-003": t.not_applicable_score("DI-003")}
    areas = {"DI-001": "data-integrity", "DI-003": "data-integrity"}
    a, b = t.session_result(items, areas), t.session_result(with_na, areas)
    assert (
        (a.mean_score, a.pass_rate, a.result) == (b.mean_score, b.pass_rate, b.result) == (good.score, 1.0, "competent")
    )
    assert b.not_applicable == 1


def test_session_result_needs_pass_rate_mean_and_no_critical(questions, lexicon):
    good = score(questions, lexicon, "DI-001", MODEL_DI001)
    bad = score(questions, lexicon, "DI-003", "On nights the operators all use the same login because it is quicker.")
    result = t.session_result({"DI-001": good, "DI-003": bad}, {"DI-001": "data-integrity", "DI-003": "access"})
    assert result.result == "further-practice" and result.critical == 1 and result.pass_rate == 0.5
    assert any("critical" in r for r in result.reasons)
    assert [r.area for r in result.areas] == ["access", "data-integrity"]  # weakest first
    assert t.session_result({}, {}).result == "further-practice"


def test_sm2_follows_the_briefs_example():
    today = date(2026, 1, 1)
    intervals = []
    sched = None
    for _ in range(4):
        sched = t.schedule_next(sched, 4, today, None)
        intervals.append(sched.interval_days)
        today = sched.due
    assert intervals == [1, 6, 15, 30]  # 38 capped to 30
    assert sched.ease == 2.5


def test_sm2_failure_resets_but_keeps_ease_and_the_inspection_caps_the_interval():
    today = date(2026, 1, 1)
    s = t.schedule_next(None, 5, today, None)
    s = t.schedule_next(s, 5, today, None)
    assert s.ease == pytest.approx(2.7) and s.interval_days == 6
    failed = t.schedule_next(s, 2, today, None)
    assert (failed.repetitions, failed.interval_days, failed.ease) == (0, 1, s.ease)
    capped = t.schedule_next(t.schedule_next(s, 5, today, None), 5, today, today + timedelta(days=40))
    assert capped.interval_days == 8  # 0.2 x 40 days
    assert t.interval_cap(today, today - timedelta(days=3)) == 30  # a past inspection does not cap at a day
    assert t.Schedule.from_json(capped.to_json()) == capped
    with pytest.raises(ValueError):
        t.schedule_next(None, 6, today, None)


def test_quality_from_the_rubric():
    assert t.quality_from(90, False, 3) == 5
    assert t.quality_from(75, False, 2) == 4
    assert t.quality_from(60, False, 2) == 3
    assert t.quality_from(60, False, 1) == 2  # good manners alone never advance an item
    assert t.quality_from(95, True, 3) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "kind"),
        ({"kind": "training-lexicon"}, "version"),
        ({"kind": "training-lexicon", "version": "1", "hedges": {"opinion": "I think"}}, "hedges.opinion"),
    ],
)
def test_a_bad_lexicon_is_refused_with_a_clear_message(lexicon, data, message):
    with pytest.raises(ValueError, match=message):
        t.lexicon_from_data(data)


def test_a_bad_document_pattern_is_refused():
    data = json.loads(resource("training", "lexicon.json").read_text(encoding="utf-8"))
    data["document_id_patterns"] = ["(unclosed"]
    with pytest.raises(ValueError, match="document_id_patterns"):
        t.lexicon_from_data(data)
