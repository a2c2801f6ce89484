"""The tables, as SQLAlchemy Core ``Table`` definitions.

Portable types only (String, Text, Integer, JSON, a UTC DateTime), so PostgreSQL can
follow. Repositories use these tables through Core statements and hand out domain
objects; rows never leave the store. Core rather than declarative classes: nothing uses
the ORM, and not importing it saves about a sixth of a second at every start. Every change
to these tables goes through the audit trail (``audit_trail``), except the trail itself,
``meta``, ``frozen_content`` (checked by re-hashing), ``drafts`` (unaudited typing) and
Alembic's version table.

This module describes the schema at the newest migration; ``migrations/versions`` holds
how each older schema becomes it. A test checks that both agree.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
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
metadata = MetaData(naming_convention=NAMING)


def _session_fk() -> ForeignKey:
    return ForeignKey("sessions.id", ondelete="CASCADE")


def _one_of(column: str, values: type[Enum]) -> str:
    """A CHECK that ``column`` holds one of an enum's values (the enum is the one source)."""
    return f"{column} IN ({', '.join(repr(m.value) for m in values)})"


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _req(name: str, kind: object, *args: object) -> Column[object]:
    return Column(name, kind, *args, nullable=False)  # type: ignore[arg-type]


def _opt(name: str, kind: object, *args: object) -> Column[object]:
    return Column(name, kind, *args, nullable=True)  # type: ignore[arg-type]


T = UTCDateTime

meta_t = Table(
    "meta",
    metadata,
    Column("key", String(40), primary_key=True),
    _req("value", Text),
)
frozen_t = Table(
    "frozen_content",
    metadata,
    Column("hash", String(64), primary_key=True),
    _req("kind", String(20)),
    _req("json", Text),
)
sessions_t = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    _req("site", String(300)),
    _opt("address", Text),
    _req("mode", String(20)),
    _req("scenario_id", String(80)),
    _req("scenario_version", String(20)),
    _req("scenario_title", String(300)),
    _req("persona", String(40)),
    _opt("lead", String(200)),
    _req("seed", Integer),
    _req("state", String(20)),
    _req("started_at", T()),
    _opt("finished_at", T()),
    _opt("scenario_hash", String(64)),  # frozen_content: the scenario as run
    CheckConstraint(_one_of("mode", Mode), name="mode"),
    CheckConstraint(_one_of("state", SessionState), name="state"),
)
drafts_t = Table(
    "drafts",
    metadata,
    _req("session_id", String(32), _session_fk()),
    _req("question_id", String(80)),
    _opt("text", Text),
    _opt("notes", Text),
    _opt("answered_by", String(200)),
    _req("saved_at", T()),
    PrimaryKeyConstraint("session_id", "question_id"),
)
participants_t = Table(
    "participants",
    metadata,
    _id(),
    Column("session_id", String(32), _session_fk(), nullable=False, index=True),
    _req("name", String(200)),
    _opt("role", String(200)),
    _opt("organisation", String(200)),
)
# The frozen interview script: the exact question version asked, in order. ``content_hash``
# keys the question's frozen content. A follow-up probe added during the interview has
# ``parent_id`` (the item that triggered it) and comes after the questions drawn at the start.
script_t = Table(
    "script_items",
    metadata,
    _id(),
    _req("session_id", String(32), _session_fk()),
    _req("position", Integer),
    _req("section", Integer),
    _req("area", String(80)),
    _req("question_id", String(80)),
    _req("bank_id", String(80)),
    _req("bank_version", String(20)),
    _req("content_hash", String(64)),
    _req("prompt", Text),
    _opt("parent_id", Integer, ForeignKey("script_items.id", ondelete="CASCADE")),
    UniqueConstraint("session_id", "question_id"),
    UniqueConstraint("session_id", "position"),
)
responses_t = Table(
    "responses",
    metadata,
    _id(),
    _req("session_id", String(32), _session_fk()),
    _req("question_id", String(80)),
    _opt("status", String(20)),  # None: text saved before a status was chosen
    _opt("text", Text),
    _opt("notes", Text),
    _opt("answered_by", String(200)),
    _req("key_points_hit", JSON),
    _opt("seconds_taken", Integer),
    _req("created_at", T()),
    _req("updated_at", T()),
    UniqueConstraint("session_id", "question_id"),
    CheckConstraint(_one_of("status", ResponseStatus), name="status"),
)
evidence_t = Table(
    "evidence",
    metadata,
    _id(),
    Column("session_id", String(32), _session_fk(), nullable=False, index=True),
    Column("response_id", Integer, ForeignKey("responses.id", ondelete="SET NULL"), nullable=True, index=True),
    _req("kind", String(20)),
    _opt("description", Text),
    _opt("path", Text),
    _opt("size", Integer),
    _opt("sha256", String(64)),
    _opt("url", Text),
    _opt("doc_id", String(200)),
    _opt("doc_title", Text),
    _opt("doc_version", String(100)),
    _opt("requested_at", T()),
    _opt("shown_at", T()),
    _req("created_at", T()),
)
requests_t = Table(
    "document_requests",
    metadata,
    _id(),
    Column("session_id", String(32), _session_fk(), nullable=False, index=True),
    _opt("question_id", String(80)),
    _req("description", Text),
    _req("status", String(20)),
    _opt("notes", Text),
    _req("requested_at", T()),
    _opt("due_at", T()),
    _opt("delivered_at", T()),
)
findings_t = Table(
    "findings",
    metadata,
    _id(),
    Column("session_id", String(32), _session_fk(), nullable=False, index=True),
    _req("title", Text),
    _opt("text", Text),
    _req("grade", String(20)),
    _opt("severity", Integer),
    _opt("occurrence", Integer),
    _opt("detectability", Integer),
    _req("citations", JSON),
    _opt("capa", Text),
    _opt("root_cause", String(200)),
    _req("status", String(20)),
    _opt("repeat_of_id", Integer, ForeignKey("findings.id", ondelete="SET NULL")),
    _opt("systemic", Boolean),  # marked systemic, not isolated (None on rows from before 0004: not marked)
    _req("created_at", T()),
    _req("updated_at", T()),
)
finding_responses_t = Table(
    "finding_responses",
    metadata,
    Column("finding_id", Integer, ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column("response_id", Integer, ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True),
)
finding_evidence_t = Table(
    "finding_evidence",
    metadata,
    Column("finding_id", Integer, ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column("evidence_id", Integer, ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
)
# Training mode: trainee profiles; which trainee a training session is for (and the inspection
# date that caps the review schedule); each scored attempt (the scorer's ItemScore as JSON, with
# the answer text so a later scorer can recompute it); each confirmed or overridden key point;
# and the review schedule per trainee per question. Dates are ISO 8601 text (YYYY-MM-DD).
trainees_t = Table(
    "trainees",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    _opt("employee_id", String(80)),
    _opt("department", String(200)),
    _opt("role", String(200)),
    _req("created_at", T()),
)
training_sessions_t = Table(
    "training_sessions",
    metadata,
    Column("session_id", String(32), _session_fk(), primary_key=True),
    Column("trainee_id", Integer, ForeignKey("trainees.id"), nullable=False, index=True),
    _opt("inspection_date", String(10)),
    _opt("assessor", String(200)),
    _opt("silence_seconds", Integer),  # the inspector's silence after each answer (None: off)
    _opt("trainer_rating", Integer),  # the assessor's optional global rating, 1-5
    _opt("trainer_comment", Text),
    _opt("rated_by", String(200)),
    _opt("rated_at", T()),
    CheckConstraint("silence_seconds BETWEEN 1 AND 30", name="silence_seconds"),
    CheckConstraint("trainer_rating BETWEEN 1 AND 5", name="trainer_rating"),
)
training_scores_t = Table(
    "training_scores",
    metadata,
    _id(),
    _req("session_id", String(32), _session_fk()),
    _req("question_id", String(80)),
    _req("attempt", Integer),
    _req("text", Text),
    _opt("seconds", Float),
    _req("score", JSON),
    _req("confirmed", JSON),
    _req("scorer_version", String(40)),
    _req("lexicon_version", String(40)),
    _req("scored_at", T()),
    _opt("self_rating", Integer),  # the trainee's own 1-5 before the reveal (None: skipped)
    UniqueConstraint("session_id", "question_id", "attempt"),
    CheckConstraint("attempt >= 1", name="attempt"),
    CheckConstraint("self_rating BETWEEN 1 AND 5", name="self_rating"),
)
training_overrides_t = Table(
    "training_overrides",
    metadata,
    _id(),
    Column("session_id", String(32), _session_fk(), nullable=False, index=True),
    _req("question_id", String(80)),
    _req("attempt", Integer),
    _req("key_point_id", String(80)),
    _req("from_credit", Float),
    _req("to_credit", Float),
    _opt("reason", Text),
    _req("who", String(200)),
    _req("at", T()),
)
training_schedule_t = Table(
    "training_schedule",
    metadata,
    Column("trainee_id", Integer, ForeignKey("trainees.id", ondelete="CASCADE"), nullable=False),
    _req("question_id", String(80)),
    _req("ease", Float),
    _req("interval_days", Integer),
    _req("repetitions", Integer),
    _req("due", String(10)),
    _req("last_quality", Integer),
    _req("reviewed_at", T()),
    _opt("last_session_id", String(32)),  # no foreign key: the schedule outlives a session
    _opt("attempt", Integer),
    _opt("previous", JSON),  # the schedule before the last review (None: the first review)
    PrimaryKeyConstraint("trainee_id", "question_id"),
)

# The append-only audit trail; each record carries the hash of the one before.
trail_t = Table(
    "audit_trail",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    _req("at", String(32)),  # ISO 8601 UTC, hashed exactly as stored
    _req("who", String(200)),
    _req("action", String(10)),
    _req("entity", String(40)),
    _req("entity_id", String(80)),
    _opt("session_id", String(32)),
    _opt("field", String(64)),
    _opt("old_value", Text),
    _opt("new_value", Text),
    _opt("reason", Text),
    _req("prev_hash", String(64)),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_trail_entity", "entity", "entity_id"),
    Index("ix_audit_trail_session_id", "session_id"),
)

# What the trail records for each audited table: the entity name, the key columns that make
# its id, and the columns whose values it keeps (``updated_at`` is the trail's own ``at``).
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
    "trainee": (trainees_t, ("id",)),
    "training_session": (training_sessions_t, ("session_id",)),
    "training_score": (training_scores_t, ("id",)),
    "training_override": (training_overrides_t, ("id",)),
    "training_schedule": (training_schedule_t, ("trainee_id", "question_id")),
}
NOT_AUDITED_COLUMNS = frozenset({"updated_at"})


def audited_columns(entity: str) -> list[str]:
    table, _ = AUDITED[entity]
    return [c.name for c in table.columns if c.name not in NOT_AUDITED_COLUMNS]
