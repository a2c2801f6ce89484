"""Training records: trainees, training sessions, scored attempts, key-point overrides and the
review schedule. Every write goes through the audit trail like every other change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from mockinspect.domain.session import ScriptEntry
from mockinspect.domain.trainee import KeyPointOverride, ScoredAttempt, StoredSchedule, Trainee, TrainingLink
from mockinspect.store import audit as trail
from mockinspect.store.audit import AuditWriter
from mockinspect.store.database import Database
from mockinspect.store.errors import ConflictError, NotFoundError
from mockinspect.store.rows import constant, require_session, row_to
from mockinspect.store.sessions import check_open
from mockinspect.store.tables import (
    script_t,
    sessions_t,
    trainees_t,
    training_overrides_t,
    training_schedule_t,
    training_scores_t,
    training_sessions_t,
)

TRAINEE_FIELDS = ("name", "employee_id", "department", "role")
SCHEDULE_FIELDS = (
    "ease",
    "interval_days",
    "repetitions",
    "due",
    "last_quality",
    "reviewed_at",
    "last_session_id",
    "attempt",
    "previous",
)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _optional_date(value: Any) -> date | None:
    return None if value is None else _date(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a JSON object, found {type(value).__name__}")
    return dict(value)


def _credits(value: Any) -> Mapping[str, float]:
    return {str(k): float(v) for k, v in _mapping(value or {}).items()}


def trainee_from(row: Mapping[Any, Any]) -> Trainee:
    return row_to(Trainee, row, f"trainee {row.get('id')}")


def link_from(row: Mapping[Any, Any]) -> TrainingLink:
    return row_to(TrainingLink, row, f"training session {row.get('session_id')}", inspection_date=_optional_date)


def attempt_from(row: Mapping[Any, Any]) -> ScoredAttempt:
    return row_to(ScoredAttempt, row, f"training score {row.get('id')}", score=_mapping, confirmed=_credits)


def override_from(row: Mapping[Any, Any]) -> KeyPointOverride:
    return row_to(KeyPointOverride, row, f"training override {row.get('id')}")


def schedule_from(row: Mapping[Any, Any]) -> StoredSchedule:
    return row_to(
        StoredSchedule,
        row,
        f"review schedule {row.get('trainee_id')}:{row.get('question_id')}",
        due=_date,
        session_id=constant(row.get("last_session_id")),
        previous=lambda v: None if v is None else _mapping(v),
    )


def _require_trainee(conn: Connection, trainee_id: int) -> Mapping[Any, Any]:
    row = conn.execute(select(trainees_t).where(trainees_t.c.id == trainee_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no trainee {trainee_id}")
    return row


def _require_score(conn: Connection, score_id: int) -> Mapping[Any, Any]:
    row = conn.execute(select(training_scores_t).where(training_scores_t.c.id == score_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no training score {score_id}")
    return row


def _same_name(conn: Connection, name: str, but: int | None = None) -> int | None:
    """The id of another trainee whose name is ``name`` ignoring case (Unicode case folding,
    which SQLite's ``lower`` does not do), if any."""
    key = " ".join(name.split()).casefold()
    for trainee_id, other in conn.execute(select(trainees_t.c.id, trainees_t.c.name)):
        if trainee_id != but and " ".join(other.split()).casefold() == key:
            return int(trainee_id)
    return None


def _save_schedule(conn: Connection, audit: AuditWriter, session_id: str | None, values: Mapping[str, Any]) -> None:
    key = (training_schedule_t.c.trainee_id == values["trainee_id"]) & (
        training_schedule_t.c.question_id == values["question_id"]
    )
    old = conn.execute(select(training_schedule_t).where(key)).mappings().first()
    row = {k: values.get(k) for k in ("trainee_id", "question_id", *SCHEDULE_FIELDS)}
    if isinstance(row["due"], date):
        row["due"] = row["due"].isoformat()
    if old is None:
        conn.execute(insert(training_schedule_t), row)
        audit.created("training_schedule", session_id, row)
        return
    new = {k: row[k] for k in SCHEDULE_FIELDS if trail.jsonable(old[k]) != trail.jsonable(row[k])}
    if new:
        conn.execute(update(training_schedule_t).where(key).values(new))
        audit.updated("training_schedule", f"{row['trainee_id']}:{row['question_id']}", session_id, old, new)


class TrainingRepository:
    """Training records on a shared ``Database``. ``who`` and ``reason`` go to the audit trail."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- trainees ---------------------------------------------------------------------------

    def add_trainee(self, values: Mapping[str, Any], *, who: str, reason: str | None = None) -> Trainee:
        with self.db.write(who, reason) as (conn, audit):
            if _same_name(conn, values["name"]) is not None:
                raise ConflictError(f"there is already a trainee called {values['name']}")
            row = {**{k: None for k in TRAINEE_FIELDS}, **values, "created_at": audit.moment}
            row["id"] = conn.execute(insert(trainees_t).returning(trainees_t.c.id), row).scalar_one()
            audit.created("trainee", None, row)
            return trainee_from(row)

    def update_trainee(
        self, trainee_id: int, changes: Mapping[str, Any], *, who: str, reason: str | None = None
    ) -> Trainee:
        unknown = set(changes) - set(TRAINEE_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a trainee")
        with self.db.write(who, reason) as (conn, audit):
            old = _require_trainee(conn, trainee_id)
            if "name" in changes and _same_name(conn, changes["name"], but=trainee_id) is not None:
                raise ConflictError(f"there is already a trainee called {changes['name']}")
            new = {k: v for k, v in changes.items() if old[k] != v}
            if new:
                conn.execute(update(trainees_t).where(trainees_t.c.id == trainee_id).values(new))
                audit.updated("trainee", str(trainee_id), None, old, new)
            return trainee_from(_require_trainee(conn, trainee_id))

    def trainees(self) -> list[Trainee]:
        with self.db.read() as conn:
            rows = conn.execute(select(trainees_t).order_by(trainees_t.c.id))
            found = [trainee_from(r) for r in rows.mappings()]
            return sorted(found, key=lambda t: (t.name.casefold(), t.id))

    def get_trainee(self, trainee_id: int) -> Trainee:
        with self.db.read() as conn:
            return trainee_from(_require_trainee(conn, trainee_id))

    def find_trainee(self, name: str) -> Trainee | None:
        """The trainee called ``name`` (ignoring case), or None."""
        with self.db.read() as conn:
            found = _same_name(conn, name)
            return None if found is None else trainee_from(_require_trainee(conn, found))

    # -- training sessions -----------------------------------------------------------------

    def link_session(
        self, session_id: str, trainee_id: int, values: Mapping[str, Any], *, who: str, reason: str | None = None
    ) -> TrainingLink:
        """Record which trainee a training session is for (once per session)."""
        with self.db.write(who, reason) as (conn, audit):
            require_session(conn, session_id)
            _require_trainee(conn, trainee_id)
            existing = (
                conn.execute(select(training_sessions_t).where(training_sessions_t.c.session_id == session_id))
                .mappings()
                .first()
            )
            if existing is not None:
                raise ConflictError(f"session {session_id} already has a trainee")
            when = values.get("inspection_date")
            row = {
                "session_id": session_id,
                "trainee_id": trainee_id,
                "inspection_date": when.isoformat() if isinstance(when, date) else when,
                "assessor": values.get("assessor"),
                "silence_seconds": values.get("silence_seconds"),
            }
            conn.execute(insert(training_sessions_t), row)
            audit.created("training_session", session_id, row)
            return link_from(row)

    def update_link(
        self, session_id: str, changes: Mapping[str, Any], *, who: str, reason: str | None = None
    ) -> TrainingLink:
        """Change a training session's silence or the assessor's global rating and comment
        (``rated_by``/``rated_at`` follow a rating or comment change); audited. The rating is
        given when the drill is over, so a finished session takes it; the silence is a setting
        of a drill still running (a finished one needs a reason, as every change does)."""
        allowed = {"silence_seconds", "trainer_rating", "trainer_comment"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a training session")
        with self.db.write(who, reason) as (conn, audit):
            session = require_session(conn, session_id)
            if "silence_seconds" in changes:
                check_open(session, reason)
            key = training_sessions_t.c.session_id == session_id
            old = conn.execute(select(training_sessions_t).where(key)).mappings().first()
            if old is None:
                raise NotFoundError(f"session {session_id} has no trainee")
            new = {k: v for k, v in changes.items() if trail.jsonable(old[k]) != trail.jsonable(v)}
            if {"trainer_rating", "trainer_comment"} & set(new):
                new["rated_by"] = who
                new["rated_at"] = audit.moment
            if new:
                conn.execute(update(training_sessions_t).where(key).values(new))
                audit.updated("training_session", session_id, session_id, old, new)
            row = conn.execute(select(training_sessions_t).where(key)).mappings().one()
            return link_from(row)

    def training_link(self, session_id: str) -> TrainingLink | None:
        with self.db.read() as conn:
            row = (
                conn.execute(select(training_sessions_t).where(training_sessions_t.c.session_id == session_id))
                .mappings()
                .first()
            )
            return None if row is None else link_from(row)

    def trainee_sessions(self, trainee_id: int) -> list[TrainingLink]:
        """The trainee's training sessions, oldest first."""
        with self.db.read() as conn:
            _require_trainee(conn, trainee_id)
            rows = conn.execute(
                select(training_sessions_t)
                .join(sessions_t, sessions_t.c.id == training_sessions_t.c.session_id)
                .where(training_sessions_t.c.trainee_id == trainee_id)
                .order_by(sessions_t.c.started_at, sessions_t.c.id)
            ).mappings()
            return [link_from(r) for r in rows]

    def trainee_questions(self, trainee_id: int) -> dict[str, ScriptEntry]:
        """Every question asked in the trainee's training sessions, as most recently asked."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(script_t)
                .join(training_sessions_t, training_sessions_t.c.session_id == script_t.c.session_id)
                .join(sessions_t, sessions_t.c.id == script_t.c.session_id)
                .where(training_sessions_t.c.trainee_id == trainee_id)
                .order_by(sessions_t.c.started_at, script_t.c.position)
            ).mappings()
            return {r["question_id"]: row_to(ScriptEntry, r, f"script item {r['id']}") for r in rows}

    # -- scored attempts and overrides -------------------------------------------------------

    def add_score(
        self,
        session_id: str,
        question_id: str,
        values: Mapping[str, Any],
        *,
        schedule: Mapping[str, Any] | None = None,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> ScoredAttempt:
        """Store a scored answer as the question's next attempt, and the review schedule it
        leads to, in one transaction."""
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            check_open(require_session(conn, session_id), reason)
            last = conn.execute(
                select(func.max(training_scores_t.c.attempt)).where(
                    training_scores_t.c.session_id == session_id, training_scores_t.c.question_id == question_id
                )
            ).scalar_one()
            row = {
                "seconds": None,
                "confirmed": {},
                **values,
                "session_id": session_id,
                "question_id": question_id,
                "attempt": (last or 0) + 1,
                "scored_at": audit.moment,
            }
            row["id"] = conn.execute(insert(training_scores_t).returning(training_scores_t.c.id), row).scalar_one()
            audit.created("training_score", session_id, row)
            if schedule is not None:
                _save_schedule(
                    conn, audit, session_id, {**schedule, "reviewed_at": audit.moment, "attempt": row["attempt"]}
                )
            return attempt_from(row)

    def override_score(
        self,
        score_id: int,
        changes: Mapping[str, Any],
        overrides: Sequence[Mapping[str, Any]],
        *,
        schedule: Mapping[str, Any] | None = None,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> tuple[ScoredAttempt, list[KeyPointOverride]]:
        """Replace an attempt's score and confirmed credit, keep each key point's override
        (from, to, who, when, why), and the review schedule redone from the same start."""
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            old = _require_score(conn, score_id)
            check_open(require_session(conn, old["session_id"]), reason)
            # a rescored attempt says which scorer and lexicon made its score now
            new = {k: v for k, v in changes.items() if k in ("score", "confirmed", "scorer_version", "lexicon_version")}
            new = {k: v for k, v in new.items() if trail.jsonable(old[k]) != trail.jsonable(v)}
            if new:
                conn.execute(update(training_scores_t).where(training_scores_t.c.id == score_id).values(new))
                audit.updated("training_score", str(score_id), old["session_id"], old, new)
            made = []
            for item in overrides:
                row = {
                    "reason": reason,
                    **item,
                    "session_id": old["session_id"],
                    "question_id": old["question_id"],
                    "attempt": old["attempt"],
                    "who": who,
                    "at": audit.moment,
                }
                row["id"] = conn.execute(
                    insert(training_overrides_t).returning(training_overrides_t.c.id), row
                ).scalar_one()
                audit.created("training_override", old["session_id"], row)
                made.append(override_from(row))
            if schedule is not None:
                _save_schedule(
                    conn,
                    audit,
                    old["session_id"],
                    {**schedule, "reviewed_at": audit.moment, "attempt": old["attempt"]},
                )
            return attempt_from(_require_score(conn, score_id)), made

    def scores(self, session_id: str) -> list[ScoredAttempt]:
        """Every scored attempt of a session, by question then attempt."""
        with self.db.read() as conn:
            require_session(conn, session_id)
            rows = conn.execute(
                select(training_scores_t)
                .where(training_scores_t.c.session_id == session_id)
                .order_by(training_scores_t.c.id)
            ).mappings()
            return [attempt_from(r) for r in rows]

    def trainee_scores(self, trainee_id: int) -> list[ScoredAttempt]:
        """Every attempt in every training session of a trainee, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(training_scores_t)
                .join(training_sessions_t, training_sessions_t.c.session_id == training_scores_t.c.session_id)
                .where(training_sessions_t.c.trainee_id == trainee_id)
                .order_by(training_scores_t.c.scored_at, training_scores_t.c.id)
            ).mappings()
            return [attempt_from(r) for r in rows]

    def overrides(self, session_id: str) -> list[KeyPointOverride]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(training_overrides_t)
                .where(training_overrides_t.c.session_id == session_id)
                .order_by(training_overrides_t.c.id)
            ).mappings()
            return [override_from(r) for r in rows]

    # -- the review schedule -------------------------------------------------------------------

    def schedule(self, trainee_id: int) -> list[StoredSchedule]:
        """The trainee's schedule, soonest due first."""
        with self.db.read() as conn:
            _require_trainee(conn, trainee_id)
            rows = conn.execute(
                select(training_schedule_t)
                .where(training_schedule_t.c.trainee_id == trainee_id)
                .order_by(training_schedule_t.c.due, training_schedule_t.c.question_id)
            ).mappings()
            return [schedule_from(r) for r in rows]

    def schedule_entry(self, trainee_id: int, question_id: str) -> StoredSchedule | None:
        with self.db.read() as conn:
            row = (
                conn.execute(
                    select(training_schedule_t).where(
                        training_schedule_t.c.trainee_id == trainee_id, training_schedule_t.c.question_id == question_id
                    )
                )
                .mappings()
                .first()
            )
            return None if row is None else schedule_from(row)


__all__ = ["TrainingRepository"]
