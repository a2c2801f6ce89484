"""The interview engine: a scenario and a seed become an ordered script; answers trigger probes.

Pure functions over domain types, so the same scenario, banks and seed always give the
same script — on any machine, in any process (string seeds are hashed with SHA-512 by
``random.Random``, independent of ``PYTHONHASHSEED``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mockinspect.domain.bank import Bank, FollowUpWhen, Question, ResponseStatus
from mockinspect.domain.scenario import Scenario


@dataclass(frozen=True)
class ScriptItem:
    """One question as it will be asked, frozen with the bank it came from."""

    position: int
    section: int  # index into scenario.agenda
    area: str
    question_id: str
    bank_id: str
    bank_version: str
    content_hash: str
    prompt: str


@dataclass(frozen=True)
class QuestionSource:
    question: Question
    bank: Bank


def index_questions(banks: Iterable[Bank]) -> dict[str, QuestionSource]:
    """Every question of the given banks by id (banks must already be validated)."""
    return {q.id: QuestionSource(q, bank) for bank in banks for q in bank.questions}


def build_script(scenario: Scenario, banks: Iterable[Bank], seed: int | None = None) -> list[ScriptItem]:
    """Draw the scenario's questions, area by area in agenda order.

    Per area: questions listed in ``draw.include`` come first (in the order listed), then a
    seeded random sample of the remaining eligible ones, up to ``draw.per_area``. A question
    is eligible if it is in a drawn bank, in the area, not follow-up-only, not excluded,
    has one of the tags (when tags are given) and applies to the site (product types, and the
    scenario's ``where``: regions, modality, process, site type, capabilities, phase, inspection).
    """
    rules = scenario.draw
    use_seed = rules.seed if seed is None else seed
    bank_list = [b for b in banks if not rules.banks or b.id in rules.banks]
    excluded = set(rules.exclude)
    tags = set(rules.tags)
    rng = random.Random(f"{scenario.id}:{use_seed}")

    items: list[ScriptItem] = []
    asked: set[str] = set()
    sources = index_questions(bank_list)
    for section_index, section in enumerate(scenario.agenda):
        for area in section.areas:
            if any(item.area == area for item in items):
                continue  # an area on two agenda days is drawn once, where it first appears
            chosen = [sources[qid] for qid in rules.include if qid in sources and sources[qid].question.area == area]
            pool = sorted(
                (
                    src
                    for src in sources.values()
                    if src.question.area == area
                    and not src.question.follow_up_only
                    and src.question.id not in excluded
                    and src.question.id not in rules.include
                    and (not tags or tags & set(src.question.tags))
                    and scenario.admits(src.question)
                ),
                key=lambda src: src.question.id,
            )
            room = max(rules.per_area - len(chosen), 0)
            chosen += rng.sample(pool, min(room, len(pool)))
            for src in chosen:
                if src.question.id in asked:
                    continue
                asked.add(src.question.id)
                items.append(
                    ScriptItem(
                        position=len(items) + 1,
                        section=section_index,
                        area=area,
                        question_id=src.question.id,
                        bank_id=src.bank.id,
                        bank_version=src.bank.version,
                        content_hash=src.question.content_hash(),
                        prompt=src.question.prompt,
                    )
                )
    return items


def follow_ups_for(
    question: Question,
    status: ResponseStatus | None,
    key_points_hit: Iterable[str] = (),
) -> list[str]:
    """The ids of the probes an answer triggers, in the order the bank lists them."""
    hit = set(key_points_hit)
    triggered = []
    for follow_up in question.follow_ups:
        if _triggers(follow_up.when, status, hit):
            triggered.append(follow_up.ask)
    return triggered


def _triggers(when: FollowUpWhen | None, status: ResponseStatus | None, hit: set[str]) -> bool:
    """``any``: a listed status or any listed key point missed; ``all``: every listed condition holds."""
    if when is None:
        return True
    if when.match == "all":
        status_ok = not when.status or (status is not None and status in when.status)
        return status_ok and all(kp not in hit for kp in when.missed_key_points)
    by_status = status is not None and status in when.status
    return by_status or any(kp not in hit for kp in when.missed_key_points)


def probe_chain(start: Question, questions: Mapping[str, Question]) -> list[str]:
    """Every question reachable from ``start`` through follow-ups (validation rules out cycles)."""
    seen: list[str] = []
    stack = [f.ask for f in reversed(start.follow_ups)]
    while stack:
        qid = stack.pop()
        if qid in seen or qid not in questions:
            continue
        seen.append(qid)
        stack.extend(f.ask for f in reversed(questions[qid].follow_ups))
    return seen
