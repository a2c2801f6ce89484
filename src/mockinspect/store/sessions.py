"""Sessions, their frozen script and content, and follow-up probes added during an interview."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mockinspect.domain.frozen import FrozenQuestions, FrozenScenario
from mockinspect.domain.session import Mode, ScriptEntry, Session, SessionListItem, SessionState
from mockinspect.store import audit as trail
from mockinspect.store.audit import AuditWriter
from mockinspect.store.database import Database
from mockinspect.store.errors import NotFoundError, ReadOnlyError
from mockinspect.store.rows import constant, load_script, load_session, require_session, row_to
from mockinspect.store.tables import (
    findings_t,
    frozen_t,
    participants_t,
    responses_t,
    script_t,
    sessions_t,
)

SESSION_FIELDS = ("site", "address", "lead", "state", "finished_at")


def check_open(row: Mapping[Any, Any], reason: str | None) -> None:
    """A finished session refuses changes unless a reason is given (kept in the trail)."""
    if row["state"] == SessionState.FINISHED.value and not (reason and reason.strip()):
        raise ReadOnlyError(
            f"session {row['id']} is finished; give a reason for the change (it is kept in the audit trail) "
            "or reopen the session"
        )


def store_frozen(conn: Connection, frozen: Mapping[str, tuple[str, str]]) -> None:
    """Add content by hash (kind, canonical JSON); content already stored is kept as it is."""
    if not frozen:
        return
    rows = [{"hash": key, "kind": kind, "json": text} for key, (kind, text) in frozen.items()]
    conn.execute(sqlite_insert(frozen_t).on_conflict_do_nothing(index_elements=["hash"]), rows)


def load_frozen_questions(conn: Connection, session_id: str) -> FrozenQuestions:
    hashes = select(script_t.c.content_hash).where(script_t.c.session_id == session_id)
    rows = conn.execute(
        select(frozen_t.c.hash, frozen_t.c.json).where(frozen_t.c.hash.in_(hashes), frozen_t.c.kind == "question")
    )
    return FrozenQuestions({key: text for key, text in rows})


def load_frozen_scenario(conn: Connection, session_id: str) -> FrozenScenario | None:
    key = conn.execute(select(sessions_t.c.scenario_hash).where(sessions_t.c.id == session_id)).scalar_one_or_none()
    if key is None:
        return None
    text = conn.execute(select(frozen_t.c.json).where(frozen_t.c.hash == key)).scalar_one_or_none()
    if text is None:
        return None
    try:
        return FrozenScenario.from_json(key, text)
    except ValueError:
        return None


class SessionRepository:
    """Sessions and their scripts. ``who`` and ``reason`` go to the audit trail."""

    db: Database

    def create_session(
        self,
        values: Mapping[Any, Any],
        script: Iterable[Mapping[Any, Any]],
        participants: Iterable[Mapping[Any, Any]],
        frozen: Mapping[str, tuple[str, str]],
        *,
        who: str,
        reason: str | None = None,
    ) -> Session:
        session_id = uuid4().hex
        with self.db.write(who, reason) as (conn, audit):
            store_frozen(conn, frozen)
            row = {
                **{c: None for c in ("address", "lead", "finished_at", "scenario_hash")},
                **values,
                "id": session_id,
                "state": SessionState.OPEN.value,
                "started_at": values.get("started_at") or audit.moment,
            }
            conn.execute(insert(sessions_t), row)
            audit.created("session", session_id, row)
            for item in script:
                self._insert_script_item(conn, audit, {**item, "session_id": session_id, "parent_id": None})
            for person in participants:
                person_row = {"role": None, "organisation": None, **person, "session_id": session_id}
                person_row["id"] = conn.execute(
                    insert(participants_t).returning(participants_t.c.id), person_row
                ).scalar_one()
                audit.created("participant", session_id, person_row)
            return load_session(conn, session_id)

    @staticmethod
    def _insert_script_item(conn: Connection, audit: AuditWriter, item_row: dict[str, Any]) -> int:
        item_row["id"] = conn.execute(insert(script_t).returning(script_t.c.id), item_row).scalar_one()
        audit.created("script_item", item_row["session_id"], item_row)
        return int(item_row["id"])

    def add_probe(
        self,
        session_id: str,
        parent_question_id: str,
        item: Mapping[Any, Any],
        frozen: Mapping[str, tuple[str, str]],
        *,
        who: str,
        reason: str | None = None,
    ) -> tuple[ScriptEntry, bool]:
        """Add a triggered follow-up probe after the script, linked to the item that triggered it.

        Returns the entry and whether it was added (False: the question was already asked).
        """
        with self.db.write(who, reason) as (conn, audit):
            check_open(require_session(conn, session_id), reason)
            parent = conn.execute(
                select(script_t).where(script_t.c.session_id == session_id, script_t.c.question_id == parent_question_id)
            ).mappings().first()
            if parent is None:
                raise NotFoundError(f"question {parent_question_id} is not in the script of session {session_id}")
            existing = [e for e in load_script(conn, session_id) if e.question_id == item["question_id"]]
            if existing:
                return existing[0], False
            store_frozen(conn, frozen)
            last = conn.execute(
                select(func.max(script_t.c.position)).where(script_t.c.session_id == session_id)
            ).scalar_one()
            row = {
                **item,
                "bank_id": item.get("bank_id") or parent["bank_id"],
                "bank_version": item.get("bank_version") or parent["bank_version"],
                "session_id": session_id,
                "position": (last or 0) + 1,
                "section": parent["section"],
                "parent_id": parent["id"],
            }
            self._insert_script_item(conn, audit, row)
            entry = next(e for e in load_script(conn, session_id) if e.question_id == item["question_id"])
            return entry, True

    def update_session(
        self, session_id: str, changes: Mapping[Any, Any], *, who: str, reason: str | None = None
    ) -> Session:
        unknown = set(changes) - set(SESSION_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a session")
        with self.db.write(who, reason) as (conn, audit):
            old = require_session(conn, session_id)
            if set(changes) - {"state", "finished_at"}:
                check_open(old, reason)
            new = {k: v for k, v in changes.items() if trail.jsonable(old[k]) != trail.jsonable(v)}
            if new:
                conn.execute(update(sessions_t).where(sessions_t.c.id == session_id).values(new))
                audit.updated("session", session_id, session_id, old, new)
            return load_session(conn, session_id)

    def get_session(self, session_id: str) -> Session:
        with self.db.read() as conn:
            return load_session(conn, session_id)

    def session_ids_starting(self, prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self.db.read() as conn:
            rows = conn.execute(
                select(sessions_t.c.id).where(sessions_t.c.id.like(escaped + "%", escape="\\")).limit(10)
            )
            return [r[0] for r in rows]

    def list_sessions(self) -> list[SessionListItem]:
        questions = select(func.count()).where(script_t.c.session_id == sessions_t.c.id).scalar_subquery()
        answered = (
            select(func.count())
            .where(responses_t.c.session_id == sessions_t.c.id, responses_t.c.status.is_not(None))
            .scalar_subquery()
        )
        findings = select(func.count()).where(findings_t.c.session_id == sessions_t.c.id).scalar_subquery()
        stmt = select(
            sessions_t,
            questions.label("questions"),
            answered.label("answered"),
            findings.label("findings"),
        ).order_by(sessions_t.c.started_at.desc(), sessions_t.c.id)
        with self.db.read() as conn:
            grades: dict[str, dict[str, int]] = {}
            for sid, grade, n in conn.execute(
                select(findings_t.c.session_id, findings_t.c.grade, func.count()).group_by(
                    findings_t.c.session_id, findings_t.c.grade
                )
            ):
                grades.setdefault(sid, {})[grade] = n
            return [
                row_to(
                    SessionListItem,
                    r,
                    f"session {r['id']}",
                    mode=Mode,
                    state=SessionState,
                    findings_by_grade=constant(grades.get(r["id"], {})),
                )
                for r in conn.execute(stmt).mappings()
            ]

    def script(self, session_id: str) -> list[ScriptEntry]:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_script(conn, session_id)

    def frozen_questions(self, session_id: str) -> FrozenQuestions:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_frozen_questions(conn, session_id)

    def frozen_scenario(self, session_id: str) -> FrozenScenario | None:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_frozen_scenario(conn, session_id)


__all__ = ["SessionRepository", "check_open", "store_frozen"]
