"""The tables, as SQLAlchemy 2 declarative classes with typed ``Mapped[...]`` columns.

Portable types only (String, Text, Integer, JSON, a UTC DateTime), so PostgreSQL can
follow. Repositories use these tables through Core statements and hand out domain
objects; ORM rows never leave the store. Every change to these tables goes through
the audit trail (``audit_trail``), except the trail itself and Alembic's version table.

This module describes the schema at the newest migration; ``migrations/versions`` holds
how each older schema becomes it. A test checks that both agree.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.session import Mode, SessionState
from mockinspect.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}  # noqa: RUF012


metadata = Base.metadata


def _session_fk() -> ForeignKey:
    return ForeignKey("sessions.id", ondelete="CASCADE")


def _one_of(column: str, values: type[Enum]) -> str:
    """A CHECK that ``column`` holds one of an enum's values (the enum is the one source)."""
    return f"{column} IN ({', '.join(repr(m.value) for m in values)})"


class MetaRow(Base):
    """Facts about the database file itself: its id (which keys its trail anchor), when created."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FrozenRow(Base):
    """Content a session asked, frozen by the SHA-256 of its canonical JSON (deduplicated).

    ``kind`` is ``question`` (the whole question with its area and bank) or ``scenario``
    (agenda, persona, draw rules, training settings, area titles). The key is the hash of
    ``json``, so a changed row is found by re-hashing it.
    """

    __tablename__ = "frozen_content"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    json: Mapped[str] = mapped_column(Text)


class DraftRow(Base):
    """Typing not yet committed: saved within a second, unaudited, promoted at commit points."""

    __tablename__ = "drafts"
    __table_args__ = (PrimaryKeyConstraint("session_id", "question_id"),)

    session_id: Mapped[str] = mapped_column(_session_fk())
    question_id: Mapped[str] = mapped_column(String(80))
    text: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    saved_at: Mapped[datetime]


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint(_one_of("mode", Mode), name="mode"),
        CheckConstraint(_one_of("state", SessionState), name="state"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    site: Mapped[str] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20))
    scenario_id: Mapped[str] = mapped_column(String(80))
    scenario_version: Mapped[str] = mapped_column(String(20))
    scenario_title: Mapped[str] = mapped_column(String(300))
    persona: Mapped[str] = mapped_column(String(40))
    lead: Mapped[str | None] = mapped_column(String(200))
    seed: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    scenario_hash: Mapped[str | None] = mapped_column(String(64))  # frozen_content: the scenario as run


class ParticipantRow(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(_session_fk(), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))


class ScriptItemRow(Base):
    """The frozen interview script: the exact question version asked, in order.

    ``content_hash`` keys the question's frozen content. A follow-up probe added during the
    interview has ``parent_id`` (the script item that triggered it) and comes after the
    questions drawn at the start, in the order probes were added.
    """

    __tablename__ = "script_items"
    __table_args__ = (
        UniqueConstraint("session_id", "question_id"),
        UniqueConstraint("session_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(_session_fk())
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str] = mapped_column(String(80))
    bank_id: Mapped[str] = mapped_column(String(80))
    bank_version: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    prompt: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("script_items.id", ondelete="CASCADE"))


class ResponseRow(Base):
    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("session_id", "question_id"),
        CheckConstraint(_one_of("status", ResponseStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(_session_fk())
    question_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str | None] = mapped_column(String(20))  # None: text saved before a status was chosen
    text: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    key_points_hit: Mapped[list[str]]
    seconds_taken: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EvidenceRow(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(_session_fk(), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    doc_id: Mapped[str | None] = mapped_column(String(200))
    doc_title: Mapped[str | None] = mapped_column(Text)
    doc_version: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[datetime | None]
    shown_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class DocumentRequestRow(Base):
    __tablename__ = "document_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(_session_fk(), index=True)
    question_id: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(_session_fk(), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    grade: Mapped[str] = mapped_column(String(20))
    severity: Mapped[int | None] = mapped_column(Integer)
    occurrence: Mapped[int | None] = mapped_column(Integer)
    detectability: Mapped[int | None] = mapped_column(Integer)
    citations: Mapped[list[str]]
    capa: Mapped[str | None] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FindingResponseRow(Base):
    __tablename__ = "finding_responses"

    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)


class FindingEvidenceRow(Base):
    __tablename__ = "finding_evidence"

    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True)


class TrailRow(Base):
    """The append-only audit trail; each record carries the hash of the one before."""

    __tablename__ = "audit_trail"
    __table_args__ = (
        Index("ix_audit_trail_entity", "entity", "entity_id"),
        Index("ix_audit_trail_session_id", "session_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, hashed exactly as stored
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    session_id: Mapped[str | None] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# What the trail records for each audited table: the entity name, the key columns that make
# its id, and the columns whose values it keeps (``updated_at`` is the trail's own ``at``).
def table(row: type[Base]) -> Table:
    """The Core table of a declarative class, typed as one (``__table__`` is typed ``FromClause``)."""
    return cast(Table, row.__table__)


sessions_t = table(SessionRow)
participants_t = table(ParticipantRow)
script_t = table(ScriptItemRow)
responses_t = table(ResponseRow)
evidence_t = table(EvidenceRow)
requests_t = table(DocumentRequestRow)
findings_t = table(FindingRow)
finding_responses_t = table(FindingResponseRow)
finding_evidence_t = table(FindingEvidenceRow)
trail_t = table(TrailRow)
meta_t = table(MetaRow)
frozen_t = table(FrozenRow)
drafts_t = table(DraftRow)

AUDITED: dict[str, tuple[Table, tuple[str, ...]]] = {
    "session": (sessions_t, ("id",)),
    "participant": (participants_t, ("id",)),
    "script_item": (script_t, ("id",)),
    "response": (responses_t, ("id",)),
    "evidence": (evidence_t, ("id",)),
    "document_request": (requests_t, ("id",)),
    "finding": (findings_t, ("id",)),
    "finding_response": (finding_responses_t, ("finding_id", "response_id")),
    "finding_evidence": (finding_evidence_t, ("finding_id", "evidence_id")),
}
NOT_AUDITED_COLUMNS = frozenset({"updated_at"})


def audited_columns(entity: str) -> list[str]:
    table, _ = AUDITED[entity]
    return [c.name for c in table.columns if c.name not in NOT_AUDITED_COLUMNS]
