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

    kind: str  # "chain" (a record changed, removed or inserted), "data", "integrity", "anchor" or "frozen"
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


@dataclass(frozen=True)
class TrailHead:
    """The trail's length and newest hash: printed on a report, kept in the anchor file.

    ``verify --anchor HASH`` later proves the database still holds the record with that hash.
    """

    records: int
    hash: str


@dataclass(frozen=True)
class Change:
    """One entity a committed transaction created, changed or deleted (or a draft saved)."""

    entity: str  # "session", "response", "finding", ..., or "draft" (unaudited)
    entity_id: str
    session_id: str | None
    action: str  # "create", "update", "delete", or "save" for a draft


@dataclass(frozen=True)
class Changes:
    """What one commit changed; the store tells its listeners after the commit.

    Plain Python: the window turns it into one app-wide signal, so views refresh only what
    changed and can skip the change they made themselves (``origin``).
    """

    items: tuple[Change, ...]
    origin: object | None = None

    @property
    def session_ids(self) -> frozenset[str]:
        return frozenset(c.session_id for c in self.items if c.session_id is not None)

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(c.entity for c in self.items)

    def touches(self, entity: str, entity_id: str | None = None) -> bool:
        return any(c.entity == entity and (entity_id is None or c.entity_id == entity_id) for c in self.items)
