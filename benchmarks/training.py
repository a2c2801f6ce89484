"""Scoring a typed answer: domain.training.score_answer vs a bare substring matcher.

Both run in the same process and the same run, interleaved, over the 30 answers of the training
regression set (tests/data/training/answers.yaml) and the questions they answer, frozen as a
session freezes them:

  scorer  score_answer: normalisation, stems, term windows, fuzzy long words, negation, the
          lexicon's flags, the rubric. What the window and the CLI call when an answer is submitted.
  bare    for each key point, every term group has a term that is a substring of the lower-cased
          answer: the least a key-point check can do, with no reasons, flags or rubric.

Target: scorer p50 <= 400x bare (the bare check does none of the work a trainee reads: ~0.02 ms).
Reported beside it: the scorer's p99 per answer (it runs when the trainee submits) and one
2,700-word pasted answer, for which a window would use a worker.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, p99, result
from mockinspect.banks.loader import load_file
from mockinspect.domain import training
from mockinspect.domain.frozen import FrozenQuestion, canonical_json
from mockinspect.resources import question_banks_dir, resource

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 20
TARGET = 400.0
LONG = "QA reviews the audit trail records and changes before release, and any deviation is investigated. " * 180


def bare(question: FrozenQuestion, text: str) -> int:
    low = text.lower()
    return sum(all(any(term.lower() in low for term in group) for group in kp.terms) for kp in question.key_points)


def main() -> int:
    bank = load_file(question_banks_dir() / "banks" / "data-integrity.yaml").doc
    questions = {
        q.id: FrozenQuestion.from_json(q.content_hash(), canonical_json(q.model_dump(mode="json")))
        for q in bank.questions
    }
    lexicon = training.lexicon_from_data(json.loads(resource("training", "lexicon.json").read_text(encoding="utf-8")))
    answers = yaml.safe_load((ROOT / "tests" / "data" / "training" / "answers.yaml").read_text(encoding="utf-8"))[
        "answers"
    ]
    work = [(questions[a["question"]], a["text"]) for a in answers]
    for q, text in work:  # warm the caches (stems, term tokens, phrase indexes) as a running app has them
        training.score_answer(q, text, lexicon=lexicon)
    scorer: list[float] = []
    baseline: list[float] = []
    for _ in range(ROUNDS):
        for q, text in work:
            start = time.perf_counter()
            training.score_answer(q, text, lexicon=lexicon)
            scorer.append(time.perf_counter() - start)
            start = time.perf_counter()
            bare(q, text)
            baseline.append(time.perf_counter() - start)
    start = time.perf_counter()
    training.score_answer(questions["DI-001"], LONG, lexicon=lexicon)
    long_ms = (time.perf_counter() - start) * 1000
    ratio = median(scorer) / median(baseline)
    print(
        f"scorer p50 {median(scorer) * 1000:.2f} ms, p99 {p99(scorer) * 1000:.2f} ms; "
        f"bare p50 {median(baseline) * 1000:.3f} ms; {len(LONG.split())}-word answer {long_ms:.0f} ms"
    )
    result("training-score", ratio, TARGET, p99_ms=round(p99(scorer) * 1000, 2), long_ms=round(long_ms))
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
