"""Training records as stored: trainee profiles, which trainee a training session is for,
each scored attempt, each override of a key point's credit, and the review schedule.

Plain frozen dataclasses the store returns. The scores themselves are the scorer's
``ItemScore`` (``domain.training``) kept as JSON with the scorer and lexicon versions, so a
record shows what was scored then, and the answer text is kept beside it so a later scorer
can recompute it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Trainee:
    """A member of staff who rehearses being interviewed."""

    id: int
    name: str
    employee_id: str | None = None
    department: str | None = None
    role: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class TrainingLink:
    """Which trainee a training session is for, the inspection it prepares for (the review
    schedule's cap), and the assessor who reviews the scores."""

    session_id: str
    trainee_id: int
    inspection_date: date | None = None
    assessor: str | None = None
    silence_seconds: int | None = None  # the inspector waits this long after each answer (None: off)
    trainer_rating: int | None = None  # the assessor's optional global rating, 1-5 (training brief §2)
    trainer_comment: str | None = None
    rated_by: str | None = None
    rated_at: datetime | None = None


@dataclass(frozen=True)
class ScoredAttempt:
    """One scored answer. ``attempt`` counts from 1 per question in a session (a "rewind and
    retry" is attempt 2); ``score`` is the ItemScore's JSON as the scorer wrote it, with any
    confirmed or overridden key-point credit already applied."""

    id: int
    session_id: str
    question_id: str
    attempt: int
    text: str
    seconds: float | None
    score: Mapping[str, Any] = field(repr=False)
    scorer_version: str
    lexicon_version: str
    scored_at: datetime
    confirmed: Mapping[str, float] = field(default_factory=dict)  # key point -> credit set by a person
    self_rating: int | None = None  # the trainee's own 1-5 before the key points were shown (None: skipped)


@dataclass(frozen=True)
class KeyPointOverride:
    """A person confirmed or changed the credit the matcher suggested for one key point."""

    id: int
    session_id: str
    question_id: str
    attempt: int
    key_point_id: str
    from_credit: float
    to_credit: float
    reason: str | None
    who: str
    at: datetime


@dataclass(frozen=True)
class StoredSchedule:
    """A trainee's review schedule for one question (SM-2), and the state before the last
    review so an override of that review can be applied again from where it started."""

    trainee_id: int
    question_id: str
    ease: float
    interval_days: int
    repetitions: int
    due: date
    last_quality: int
    reviewed_at: datetime
    session_id: str | None = None  # the training session of the last review
    attempt: int | None = None
    previous: Mapping[str, Any] | None = None  # ease, interval_days, repetitions, due, last_quality; None: first


__all__ = ["KeyPointOverride", "ScoredAttempt", "StoredSchedule", "Trainee", "TrainingLink"]
