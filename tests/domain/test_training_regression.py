"""The scorer against a human rater: 30 hand-graded answers (tests/data/training/answers.yaml),
which the matcher was tuned on, and 10 held-out ones (holdout.yaml) graded before the scorer saw them.

Run ``python -m tests.domain.test_training_regression`` to print the figures and every disagreement.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockinspect.banks.loader import load_file
from mockinspect.domain import training as t
from mockinspect.domain.frozen import FrozenQuestion, canonical_json
from mockinspect.resources import question_banks_dir, resource

DATA = Path(__file__).resolve().parents[1] / "data" / "training"
SETS = ("answers", "holdout")
QUALITIES = {"good", "partial", "hedged", "wrong", "bluffing", "honest"}


@dataclass(frozen=True)
class Figures:
    key_points: int
    key_points_agree: int
    key_points_within_half: int
    items: int
    items_agree: int
    kappa: float  # Cohen's kappa on the three credit levels
    disagreements: tuple[str, ...]
    by_quality: dict[str, tuple[int, int]]  # quality -> (items agreeing, items)

    @property
    def key_point_agreement(self) -> float:
        return self.key_points_agree / self.key_points

    @property
    def item_agreement(self) -> float:
        return self.items_agree / self.items


@cache
def load_answers(name: str = "answers") -> list[dict[str, Any]]:
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))["answers"]


@cache
def frozen_questions() -> dict[str, FrozenQuestion]:
    bank = load_file(question_banks_dir() / "banks" / "data-integrity.yaml").doc
    return {
        q.id: FrozenQuestion.from_json(q.content_hash(), canonical_json(q.model_dump(mode="json")))
        for q in bank.questions
    }


@cache
def bundled_lexicon() -> t.Lexicon:
    return t.lexicon_from_data(json.loads(resource("training", "lexicon.json").read_text(encoding="utf-8")))


def _kappa(pairs: list[tuple[float, float]]) -> float:
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    hand, machine = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(hand[c] * machine[c] for c in (0.0, 0.5, 1.0)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


@cache
def agreement(name: str = "answers") -> Figures:
    questions, lexicon = frozen_questions(), bundled_lexicon()
    pairs: list[tuple[float, float]] = []
    items_agree = 0
    notes = []
    by_quality: dict[str, list[int]] = {}
    answers = load_answers(name)
    for a in answers:
        item = t.score_answer(questions[a["question"]], a["text"], lexicon=lexicon)
        got = {k.key_point_id: k for k in item.key_points}
        for kp, hand in a["key_points"].items():
            machine = got[kp].credit
            pairs.append((float(hand), machine))
            if float(hand) != machine:
                notes.append(f"{a['id']} {a['question']} {kp}: hand {hand}, scorer {machine} ({got[kp].reason})")
        same = item.passed == a["pass"]
        items_agree += same
        row = by_quality.setdefault(a["quality"], [0, 0])
        row[0] += same
        row[1] += 1
        if not same:
            notes.append(
                f"{a['id']} {a['question']} item: hand {'pass' if a['pass'] else 'fail'}, scorer S={item.score}"
            )
    return Figures(
        key_points=len(pairs),
        key_points_agree=sum(h == m for h, m in pairs),
        key_points_within_half=sum(abs(h - m) <= 0.5 for h, m in pairs),
        items=len(answers),
        items_agree=items_agree,
        kappa=round(_kappa(pairs), 3),
        disagreements=tuple(notes),
        by_quality={k: (v[0], v[1]) for k, v in by_quality.items()},
    )


def test_the_regression_set_is_well_formed():
    answers, holdout, questions = load_answers(), load_answers("holdout"), frozen_questions()
    assert len(answers) == 30
    assert {a["quality"] for a in answers} == QUALITIES
    assert len({a["id"] for a in answers + holdout}) == len(answers + holdout)
    for a in answers + holdout:
        q = questions[a["question"]]
        assert set(a["key_points"]) == {k.id for k in q.key_points}, a["id"]  # every point graded
        assert set(a["key_points"].values()) <= {0, 0.5, 1}, a["id"]
        assert isinstance(a["pass"], bool)


def test_the_scorer_agrees_with_the_hand_grades():
    figures = agreement()
    assert figures.key_point_agreement >= 0.85, "\n".join(figures.disagreements)
    assert figures.item_agreement >= 0.85, "\n".join(figures.disagreements)


def test_the_scorer_agrees_on_answers_it_was_not_tuned_on():
    """A lower floor: the held-out set is small, and the matcher was never fitted to it."""
    figures = agreement("holdout")
    assert figures.key_point_agreement >= 0.75, "\n".join(figures.disagreements)
    assert figures.item_agreement >= 0.8, "\n".join(figures.disagreements)


@pytest.mark.parametrize("quality", sorted(QUALITIES - {"good"}))
def test_no_weak_answer_passes(quality):
    """Whatever the per-point figures, the scorer passes no weak answer of the tuned set that the rater
    failed (the held-out set's one such miss, H10, is counted in its item agreement instead)."""
    questions, lexicon = frozen_questions(), bundled_lexicon()
    weak = [a for a in load_answers() if a["quality"] == quality and not a["pass"]]
    assert weak
    for a in weak:
        assert not t.score_answer(questions[a["question"]], a["text"], lexicon=lexicon).passed, a["id"]


def main() -> None:
    for name in SETS:
        f = agreement(name)
        print(f"== {name}.yaml")
        print(
            f"key points: {f.key_points_agree}/{f.key_points} agree exactly ({f.key_point_agreement:.1%}), "
            f"{f.key_points_within_half}/{f.key_points} within half a point; Cohen's kappa {f.kappa}"
        )
        print(f"items pass/fail: {f.items_agree}/{f.items} agree ({f.item_agreement:.1%})")
        for quality, (agree, n) in sorted(f.by_quality.items()):
            print(f"  {quality:9} {agree}/{n}")
        print("disagreements:")
        for line in f.disagreements:
            print("  " + line)


if __name__ == "__main__":
    main()
