"""The key-point matcher on its own: table-driven cases in English, German and Japanese, and
properties that hold for any answer."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockinspect.domain import training as t
from mockinspect.domain.frozen import FrozenKeyPoint
from mockinspect.resources import resource

LEX = t.lexicon_from_data(json.loads(resource("training", "lexicon.json").read_text(encoding="utf-8")))


def kp(*groups: tuple[str, ...], text: str = "") -> FrozenKeyPoint:
    return FrozenKeyPoint("kp", text or "a key point", tuple(groups))


def credit(answer: str, point: FrozenKeyPoint) -> float:
    return t.match_key_point(t.tokenize(answer), point, LEX).credit


REVIEW = kp(("audit trail", "audit trails"), ("review", "reviewed"), ("before release", "before disposition"))
RETAIN = kp(("retain", "retained", "kept"), ("30 years", "thirty years"))
QA_APPROVAL = kp(("QA",), ("approve", "approval"))
GERMAN = kp(("Audit-Trail", "Prüfpfad"), ("geprüft", "überprüft"), ("vor der Freigabe",))
STRASSE = kp(("Straße",), ("gereinigt",))
JAPANESE = kp(("監査証跡",), ("レビュー", "確認"), ("出荷前",))


@pytest.mark.parametrize(
    ("answer", "point", "expected"),
    [
        ("QA reviews every audit trail before release.", REVIEW, 1),
        ("Audit trails are reviewed before disposition by QA.", REVIEW, 1),
        ("Audit-trail reviews happen before release.", REVIEW, 1),  # hyphenated, plural, inflected
        ("We REVIEWED the AUDIT TRAIL before release.", REVIEW, 1),  # shouted
        ("We don't review the audit trail before release.", REVIEW, 0),  # contraction expanded, negated
        ("The audit trail is never reviewed before release.", REVIEW, 0),
        ("Audit trails exist. Reviews are done by QA. Release is by the QP.", REVIEW, 0.5),  # all there, apart
        ("Audit trails are reviewed.", REVIEW, 0.5),  # two of three groups, together
        ("Batch records are kept for thirty years.", RETAIN, 1),  # number words read as digits
        ("Batch records are retained for 30 years.", RETAIN, 1),
        ("QC approves the method.", QA_APPROVAL, 0),  # acronyms are never fuzzy: QC is not QA
        ("QA's approval is needed.", QA_APPROVAL, 1),  # possessive
        ("Der Audit-Trail wird vor der Freigabe geprüft.", GERMAN, 1),
        ("Der Prüfpfad wird vor der Freigabe überprüft.", GERMAN, 1),
        ("Die STRASSE wird täglich gereinigt.", STRASSE, 1),  # ß and SS fold alike
        ("出荷前に監査証跡をレビューします。", JAPANESE, 1),  # no spaces: terms found inside the run
        ("監査証跡はあります。", JAPANESE, 0),  # one group of three
        # (Japanese negation, "確認していません", is a verb ending the lexicon does not read: not tested)
    ],
)
def test_table(answer, point, expected):
    assert credit(answer, point) == expected


def test_without_terms_the_key_points_own_words_are_the_fallback():
    point = FrozenKeyPoint("kp", "The reprint has a reason recorded at the time, by a named person.", ())
    assert credit("Every reprint gets a reason written down by the person who prints it.", point) == 1
    assert credit("We print labels in the morning.", point) == 0


WORDS = st.sampled_from(
    [
        "the",
        "a",
        "QA",
        "reviewer",
        "checks",
        "records",
        "logbook",
        "system",
        "batch",
        "lot",
        "sample",
        "data",
        "operator",
        "area",
        "cleanroom",
        "procedure",
        "form",
        "label",
        "deviation",
        "result",
        "training",
        "equipment",
        "every",
        "each",
        "week",
        "day",
        "site",
        "team",
    ]
)
SENTENCES = st.lists(WORDS, min_size=1, max_size=25).map(lambda ws: " ".join(ws) + ".")
BASE = "QA reviews every audit trail before release. Batch records are retained for 30 years. QA's approval is needed."


@settings(max_examples=60, deadline=None)
@given(extra=st.lists(SENTENCES, min_size=1, max_size=4))
def test_appending_a_neutral_sentence_never_removes_a_hit(extra):
    before = [credit(BASE, p) for p in (REVIEW, RETAIN, QA_APPROVAL)]
    after = [credit(BASE + " " + " ".join(extra), p) for p in (REVIEW, RETAIN, QA_APPROVAL)]
    assert before == [1, 1, 1]
    assert after == before


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=400))
def test_any_text_scores_without_error_and_spans_point_into_it(text):
    tokens = t.tokenize(text)
    for tok in tokens:
        assert 0 <= tok.start < tok.end <= len(text)
    point = t.match_key_point(tokens, REVIEW, LEX)
    assert point.credit in (0, 0.5, 1)
    for a, b in point.matched_spans:
        assert 0 <= a < b <= len(text)


def test_a_match_late_in_a_long_answer_is_found():
    chatter = "We review things. " * 60
    assert credit(chatter + "The audit trail is reviewed before release.", REVIEW) == 1
    assert credit(chatter, REVIEW) == 0
