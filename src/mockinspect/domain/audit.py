"""The audit trail as the rest of the app sees it: records, and what verifying found."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TrailAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class TrailRecord:
    """One audit-trail record: when (UTC, ISO 8601), who, what, old and new value, why.

    A create or delete records the whole entity as a JSON object with ``field`` empty;
    an update records one field, old and new value as JSON.
    """

    seq: int
    at: str
    who: str
    action: TrailAction
    entity: str
    entity_id: str
    session_id: str | None
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class TrailProblem:
    """The first thing verification found wrong, in words a user can act on."""

    kind: str  # "chain" (a trail record was changed, removed or inserted) or "data"
    message: str
    seq: int | None = None
    entity: str | None = None
    entity_id: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class TrailReport:
    records: int
    entities: int
    problem: TrailProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None
