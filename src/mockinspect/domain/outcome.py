"""Persona rules: the grading words an inspector uses and the indicative outcome.

Each persona (FDA, EU, MHRA, PIC/S, sponsor) is a data file under ``resources/personas/``
that a user can replace. The outcome is always *indicative*: the real one is decided by the
authority, so every outcome carries the persona's note saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mockinspect.domain.bank import Grade


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayKind(StrEnum):
    BUSINESS = "business"
    CALENDAR = "calendar"


class ResponseDeadline(_Model):
    days: int = Field(ge=1, le=365)
    kind: DayKind
    note: str = ""


class OutcomeRule(_Model):
    """An outcome and when it applies.

    ``when`` is a list of alternatives; each alternative maps grades to minimum counts and
    holds when every count is reached. An empty ``when`` always holds (put it last).
    """

    outcome: str
    label: str
    description: str = ""
    when: list[dict[Grade, int]] = Field(default_factory=list)

    def applies(self, counts: Mapping[Grade, int]) -> bool:
        if not self.when:
            return True
        return any(all(counts.get(grade, 0) >= n for grade, n in alt.items()) for alt in self.when)


class PersonaRules(_Model):
    persona: str
    title: str
    indicative_note: str = Field(min_length=1, description="Printed with every outcome.")
    grade_words: dict[Grade, str]
    grade_definitions: dict[Grade, str] = Field(default_factory=dict)
    minors_per_major: int = Field(
        0, ge=0, description="This many minor findings count as one more major for the outcome (0: never)."
    )
    response_deadline: ResponseDeadline
    outcomes: list[OutcomeRule] = Field(min_length=1, description="First match wins.")

    @model_validator(mode="after")
    def _check(self) -> PersonaRules:
        missing = [g.value for g in Grade if g not in self.grade_words]
        if missing:
            raise ValueError(f"grade_words lacks: {', '.join(missing)}")
        if self.outcomes[-1].when:
            raise ValueError("the last outcome must have an empty 'when' so some outcome always applies")
        return self

    def word(self, grade: Grade) -> str:
        return self.grade_words[grade]

    def outcome(self, findings_by_grade: Mapping[Grade | str, int]) -> Outcome:
        counts = {Grade(g): n for g, n in findings_by_grade.items()}
        if self.minors_per_major:
            counts[Grade.MAJOR] = counts.get(Grade.MAJOR, 0) + counts.get(Grade.MINOR, 0) // self.minors_per_major
        rule = next(r for r in self.outcomes if r.applies(counts))
        return Outcome(rule.outcome, rule.label, rule.description, self.indicative_note)

    def response_due(self, closing: date) -> date:
        return add_days(closing, self.response_deadline.days, self.response_deadline.kind)


@dataclass(frozen=True)
class Outcome:
    outcome: str
    label: str
    description: str
    indicative_note: str


def add_days(start: date, days: int, kind: DayKind) -> date:
    """``start`` plus ``days`` calendar days, or business days (Monday to Friday; holidays not known)."""
    if kind is DayKind.CALENDAR:
        return start + timedelta(days=days)
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current
