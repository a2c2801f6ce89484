"""Persona rules: the grading words an inspector uses and the indicative outcome.

Each persona (FDA, EU, MHRA, PIC/S, sponsor) is a data file under ``resources/personas/``
that a user can replace. The outcome is always *indicative*: the real one is decided by the
authority, so every outcome carries the persona's note saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mockinspect.domain.bank import FdaSystem, Grade, Turnaround


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayKind(StrEnum):
    BUSINESS = "business"
    CALENDAR = "calendar"


class ResponseDeadline(_Model):
    days: int = Field(ge=1, le=365)
    kind: DayKind
    note: str = ""


Condition = Literal["critical", "major", "minor", "recommendation", "repeat", "systemic-major", "cluster"]


@dataclass(frozen=True)
class FindingFacts:
    """What the rules need to know about one finding."""

    grade: Grade
    area: str = ""
    system: FdaSystem | None = None
    systemic: bool = False  # the lead marked it systemic (not isolated)
    repeat: bool = False  # the same finding was raised at an earlier inspection
    ref: str = ""  # how prompts name it, e.g. "F-3"


class OutcomeRule(_Model):
    """An outcome and when it applies.

    ``when`` (counts) is a list of alternatives; each maps grades to minimum counts and holds
    when every count is reached. ``if_any`` holds when any listed condition is met by any
    finding: a grade, ``repeat`` (a repeat finding), ``systemic-major`` (a major the lead
    marked systemic, limited to ``systems`` when given) or ``cluster`` (the cluster rule
    fired). A rule with neither always holds (put it last).
    """

    outcome: str
    label: str
    description: str = ""
    when: list[dict[Grade, int]] = Field(default_factory=list)
    if_any: list[Condition] = Field(default_factory=list)
    systems: list[FdaSystem] = Field(default_factory=list, description="For systemic-major: these systems only.")
    source: str = Field("", description="Where the rule comes from, or 'convention'.")

    def applies(self, counts: Mapping[Grade, int], findings: Sequence[FindingFacts] = (), cluster: bool = False) -> bool:
        if not self.when and not self.if_any:
            return True
        if self.when and any(all(counts.get(grade, 0) >= n for grade, n in alt.items()) for alt in self.when):
            return True
        return any(self._holds(c, counts, findings, cluster) for c in self.if_any)

    def _holds(self, c: str, counts: Mapping[Grade, int], findings: Sequence[FindingFacts], cluster: bool) -> bool:
        if c in Grade._value2member_map_:
            return counts.get(Grade(c), 0) > 0
        if c == "repeat":
            return any(f.repeat and f.grade is not Grade.RECOMMENDATION for f in findings)
        if c == "systemic-major":
            return any(
                f.systemic and f.grade in (Grade.MAJOR, Grade.CRITICAL) and (not self.systems or f.system in self.systems)
                for f in findings
            )
        return c == "cluster" and cluster


class ClusterRule(_Model):
    """Several minor findings in one area may together make a major: a prompt for the lead, not a count."""

    minors: int = Field(ge=2, le=20)
    prompt: str
    source: str


class RepeatRule(_Model):
    """A repeat of an earlier finding is a classic escalation."""

    prompt: str
    source: str


class TurnaroundRule(_Model):
    """How fast a kind of request is expected, and when 'late' becomes a concern."""

    minutes: int | None = Field(ge=0, le=7 * 24 * 60, description="None: planned before the inspection.")
    note: str = ""
    delaying_after: int | None = Field(
        None, ge=1, description="Minutes after which the persona may treat the delay as limiting the inspection."
    )


class RequestState(StrEnum):
    ON_TIME = "on-time"
    LATE = "late"
    SERIOUSLY_LATE = "seriously-late"
    DELAYING = "delaying"


@dataclass(frozen=True)
class Assessment:
    """The indicative outcome with the prompts the rules raise for the lead auditor."""

    outcome: Outcome
    prompts: list[str] = field(default_factory=list)
    pre_licence: Outcome | None = None


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
    response_deadlines: dict[Grade, ResponseDeadline] = Field(
        default_factory=dict, description="Per grade; a grade not listed uses response_deadline."
    )
    immediate_action: list[Grade] = Field(
        default_factory=list, description="Grades that need action before the inspector leaves (containment)."
    )
    outcomes: list[OutcomeRule] = Field(min_length=1, description="First match wins.")
    pre_licence_outcomes: list[OutcomeRule] = Field(
        default_factory=list, description="For a pre-licence inspection: first match wins."
    )
    ordering_note: str = Field("", description="How findings are listed, e.g. FDA lists, does not grade.")
    cluster: ClusterRule | None = None
    repeat: RepeatRule | None = None
    turnaround: dict[Turnaround, TurnaroundRule] = Field(default_factory=dict)
    sources: dict[str, str] = Field(
        default_factory=dict, description="Where each threshold comes from, or that it is a convention."
    )

    @model_validator(mode="after")
    def _check(self) -> PersonaRules:
        missing = [g.value for g in Grade if g not in self.grade_words]
        if missing:
            raise ValueError(f"grade_words lacks: {', '.join(missing)}")
        for name in ("outcomes", "pre_licence_outcomes"):
            rules = getattr(self, name)
            if rules and (rules[-1].when or rules[-1].if_any):
                raise ValueError(f"the last of {name} must have no 'when' or 'if_any' so some outcome always applies")
        return self

    def word(self, grade: Grade) -> str:
        return self.grade_words[grade]

    def outcome(self, findings_by_grade: Mapping[Grade | str, int]) -> Outcome:
        """The indicative outcome from counts alone (repeat and systemic flags unknown)."""
        counts = {Grade(g): n for g, n in findings_by_grade.items()}
        if self.minors_per_major:
            counts[Grade.MAJOR] = counts.get(Grade.MAJOR, 0) + counts.get(Grade.MINOR, 0) // self.minors_per_major
        return self._required(self._first(self.outcomes, counts, (), False))

    def assess(self, findings: Iterable[FindingFacts], *, pre_licence: bool = False) -> Assessment:
        """The indicative outcome from the findings themselves, with prompts for the lead.

        Prompts: each repeat finding (consider escalating it), each area whose minor findings
        reach the cluster rule (consider whether together they make a major), and each grade
        that needs immediate action.
        """
        items = list(findings)
        counts: dict[Grade, int] = {}
        for f in items:
            counts[f.grade] = counts.get(f.grade, 0) + 1
        prompts: list[str] = []
        if self.repeat is not None:
            prompts += [
                self.repeat.prompt.format(finding=f.ref or f.area, grade=self.word(f.grade))
                for f in items
                if f.repeat and f.grade is not Grade.RECOMMENDATION
            ]
        clustered = False
        if self.cluster is not None:
            minors: dict[str, int] = {}
            for f in items:
                if f.grade is Grade.MINOR:
                    minors[f.area] = minors.get(f.area, 0) + 1
            for area, n in sorted(minors.items()):
                if n >= self.cluster.minors:
                    clustered = True
                    prompts.append(self.cluster.prompt.format(area=area, n=n, word=self.word(Grade.MINOR)))
        for grade in self.immediate_action:
            if counts.get(grade):
                prompts.append(f"{self.word(grade)}: immediate containment is expected before the inspection closes.")
        outcome = self._required(self._first(self.outcomes, counts, items, clustered))
        pli = self._first(self.pre_licence_outcomes, counts, items, clustered) if pre_licence else None
        if pre_licence and pli is None:
            pli = outcome
        return Assessment(outcome, prompts, pli)

    def _first(
        self, rules: Sequence[OutcomeRule], counts: Mapping[Grade, int], items: Sequence[FindingFacts], cluster: bool
    ) -> Outcome | None:
        for rule in rules:
            if rule.applies(counts, items, cluster):
                return Outcome(rule.outcome, rule.label, rule.description, self.indicative_note)
        return None

    @staticmethod
    def _required(outcome: Outcome | None) -> Outcome:
        if outcome is None:  # the validator makes the last rule unconditional
            raise ValueError("no outcome rule applies")
        return outcome

    def deadline(self, grade: Grade | None = None) -> ResponseDeadline:
        return self.response_deadlines.get(grade, self.response_deadline) if grade else self.response_deadline

    def response_due(self, closing: date, grade: Grade | None = None) -> date:
        """The response date after ``closing``: for ``grade`` if the persona sets one for it."""
        deadline = self.deadline(grade)
        return add_days(closing, deadline.days, deadline.kind)

    def request_state(self, kind: Turnaround, minutes: float) -> RequestState:
        """How a request ``minutes`` old stands: late is a growing risk, not a score."""
        rule = self.turnaround.get(kind)
        if rule is None or rule.minutes is None:
            return RequestState.ON_TIME
        if rule.delaying_after is not None and minutes > rule.delaying_after:
            return RequestState.DELAYING
        if minutes > max(rule.minutes, 1) * 2:
            return RequestState.SERIOUSLY_LATE
        if minutes > rule.minutes:
            return RequestState.LATE
        return RequestState.ON_TIME


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
