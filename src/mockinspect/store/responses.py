"""Answers: drafts (unaudited typing), saved responses (audited), and evidence links.

The two save paths are the hot ones (the window saves a draft within a second of typing and
commits at commit points), so their statements are compiled once per dialect and run on the
DBAPI cursor (see ``prepared``); everything else uses plain Core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, exists, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect

from mockinspect.domain.session import Draft, EvidenceLink, Response
from mockinspect.store import audit as trail
from mockinspect.store.audit import AuditWriter
from mockinspect.store.database import Database
from mockinspect.store.errors import NotFoundError
from mockinspect.store.prepared import Prepared
from mockinspect.store.rows import (
    draft_from,
    evidence_from,
    load_drafts,
    load_evidence,
    load_responses,
    require_session,
    response_from,
)
from mockinspect.store.sessions import check_open
from mockinspect.store.tables import (
    drafts_t,
    evidence_t,
    finding_evidence_t,
    finding_responses_t,
    responses_t,
    script_t,
    sessions_t,
)

RESPONSE_FIELDS = ("status", "text", "notes", "answered_by", "key_points_hit", "seconds_taken")
DRAFT_FIELDS = ("text", "notes", "answered_by")
_RESPONSE_COLUMNS = tuple(c.name for c in responses_t.columns)

# The commit path: one lookup says whether the question is in the script, whether the session
# is open, what the current response is, and where the trail ends.
_ANSWER_LOOKUP = (
    select(
        script_t.c.id.label("script_id"),
        sessions_t.c.state.label("session_state"),
        trail.LAST_SEQ.label("trail_seq"),
        trail.LAST_HASH.label("trail_hash"),
        responses_t,
    )
    .select_from(
        script_t.join(sessions_t, sessions_t.c.id == script_t.c.session_id).outerjoin(
            responses_t,
            and_(
                responses_t.c.session_id == script_t.c.session_id, responses_t.c.question_id == script_t.c.question_id
            ),
        )
    )
    .where(script_t.c.session_id == bindparam("sid"), script_t.c.question_id == bindparam("qid"))
)
_RESPONSE_INSERT = insert(responses_t).returning(responses_t.c.id)
_RESPONSE_UPDATE = (
    update(responses_t)
    .where(responses_t.c.id == bindparam("_id"))
    .values({name: bindparam(name) for name in (*RESPONSE_FIELDS, "updated_at")})
)
_DRAFT_DELETE = delete(drafts_t).where(
    drafts_t.c.session_id == bindparam("sid"), drafts_t.c.question_id == bindparam("qid")
)
# The draft path: is the question in the script, is the session open, what is drafted so far.
_DRAFT_LOOKUP = (
    select(
        sessions_t.c.state.label("session_state"),
        exists()
        .where(script_t.c.session_id == sessions_t.c.id, script_t.c.question_id == bindparam("qid"))
        .label("in_script"),
        drafts_t.c.text,
        drafts_t.c.notes,
        drafts_t.c.answered_by,
    )
    .select_from(
        sessions_t.outerjoin(
            drafts_t, and_(drafts_t.c.session_id == sessions_t.c.id, drafts_t.c.question_id == bindparam("qid"))
        )
    )
    .where(sessions_t.c.id == bindparam("sid"))
)
_DRAFT_UPSERT = sqlite_insert(drafts_t)
_DRAFT_UPSERT = _DRAFT_UPSERT.on_conflict_do_update(
    index_elements=["session_id", "question_id"],
    set_={name: _DRAFT_UPSERT.excluded[name] for name in (*DRAFT_FIELDS, "saved_at")},
)


class _HotStatements:
    """The statements of the two save paths, compiled for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        types = {c.name: c.type for c in responses_t.columns}
        self.lookup = Prepared(_ANSWER_LOOKUP, dialect, result_types=types)
        self.insert = Prepared(
            _RESPONSE_INSERT, dialect, column_keys=[c for c in _RESPONSE_COLUMNS if c != "id"], types=types
        )
        self.update = Prepared(_RESPONSE_UPDATE, dialect, types=types)
        self.drop_draft = Prepared(_DRAFT_DELETE, dialect)
        self.draft_lookup = Prepared(_DRAFT_LOOKUP, dialect)
        draft_types = {c.name: c.type for c in drafts_t.columns}
        self.draft_upsert = Prepared(
            _DRAFT_UPSERT, dialect, column_keys=[c.name for c in drafts_t.columns], types=draft_types
        )


_hot: dict[str, _HotStatements] = {}


def hot_statements(conn: Connection) -> _HotStatements:
    found = _hot.get(conn.dialect.name)
    if found is None:
        found = _hot[conn.dialect.name] = _HotStatements(conn.dialect)
    return found


class ResponseRepository:
    db: Database

    # -- drafts -----------------------------------------------------------------------------

    def save_draft(
        self, session_id: str, question_id: str, fields: Mapping[Any, Any], *, origin: object | None = None
    ) -> Draft:
        """Upsert the draft of one answer (unaudited; fields left out keep their value)."""
        with self.db.write("", None, origin=origin) as (conn, audit):
            fast = hot_statements(conn)
            found = fast.draft_lookup.first(conn, {"sid": session_id, "qid": question_id})
            if found is None:
                raise NotFoundError(f"no session {session_id}")
            if not found["in_script"]:
                raise NotFoundError(f"question {question_id} is not in the script of session {session_id}")
            check_open({"id": session_id, "state": found["session_state"]}, None)
            row = {
                "session_id": session_id,
                "question_id": question_id,
                **{name: found[name] for name in DRAFT_FIELDS},
                **fields,
                "saved_at": audit.moment,
            }
            fast.draft_upsert.execute(conn, row).close()
            audit.touch("draft", question_id, session_id)
        return draft_from(row)

    def discard_draft(self, session_id: str, question_id: str) -> bool:
        with self.db.write("", None) as (conn, audit):
            removed = conn.execute(
                delete(drafts_t).where(drafts_t.c.session_id == session_id, drafts_t.c.question_id == question_id)
            ).rowcount
            if removed:
                audit.touch("draft", question_id, session_id, "delete")
        return bool(removed)

    def drafts(self, session_id: str) -> list[Draft]:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_drafts(conn, session_id)

    # -- responses --------------------------------------------------------------------------

    def record_response(
        self,
        session_id: str,
        question_id: str,
        fields: Mapping[Any, Any],
        evidence: Sequence[Mapping[Any, Any]] = (),
        *,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> tuple[Response, list[EvidenceLink]]:
        """Insert or update the answer to one question, with new evidence, in one transaction.

        ``fields`` holds the response fields to set; those left out keep their value. The
        question's draft, if any, is dropped in the same transaction: it has been committed.
        """
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            fast = hot_statements(conn)
            found = fast.lookup.first(conn, {"sid": session_id, "qid": question_id})
            if found is None:
                require_session(conn, session_id)
                raise NotFoundError(f"question {question_id} is not in the script of session {session_id}")
            check_open({"id": session_id, "state": found["session_state"]}, reason)
            audit.last = (found["trail_seq"], found["trail_hash"])
            now = audit.moment
            if found["id"] is None:
                row = {
                    "session_id": session_id,
                    "question_id": question_id,
                    "status": None,
                    "text": None,
                    "notes": None,
                    "answered_by": None,
                    "key_points_hit": [],
                    "seconds_taken": None,
                    **fields,
                    "created_at": now,
                    "updated_at": now,
                }
                cursor = fast.insert.execute(conn, row)
                row["id"] = cursor.fetchone()[0]
                cursor.close()
                audit.created("response", session_id, row)
            else:
                old = {c: found[c] for c in _RESPONSE_COLUMNS}
                row = {**old, **fields}
                if any(trail.jsonable(old[k]) != trail.jsonable(row[k]) for k in fields):
                    row["updated_at"] = now
                    fast.update.execute(conn, {**row, "_id": row["id"]}).close()
                    audit.updated("response", str(row["id"]), session_id, old, fields)
            dropped = fast.drop_draft.execute(conn, {"sid": session_id, "qid": question_id})
            if dropped.rowcount:
                audit.touch("draft", question_id, session_id, "delete")
            dropped.close()
            links = [add_evidence_row(conn, audit, session_id, row["id"], item) for item in evidence]
        return response_from(row), links

    def get_response(self, session_id: str, question_id: str) -> Response | None:
        with self.db.read() as conn:
            require_session(conn, session_id)
            row = conn.execute(
                select(responses_t).where(
                    responses_t.c.session_id == session_id, responses_t.c.question_id == question_id
                )
            ).mappings().first()
            return None if row is None else response_from(row)

    def delete_response(
        self, session_id: str, question_id: str, *, who: str, reason: str | None = None
    ) -> Response:
        """Remove an answer (audited): its finding links go, its evidence stays with the session."""
        with self.db.write(who, reason) as (conn, audit):
            check_open(require_session(conn, session_id), reason)
            row = conn.execute(
                select(responses_t).where(
                    responses_t.c.session_id == session_id, responses_t.c.question_id == question_id
                )
            ).mappings().first()
            if row is None:
                raise NotFoundError(f"question {question_id} has no answer in session {session_id}")
            for link in conn.execute(
                select(finding_responses_t).where(finding_responses_t.c.response_id == row["id"])
            ).mappings():
                audit.deleted("finding_response", session_id, link)
            conn.execute(delete(finding_responses_t).where(finding_responses_t.c.response_id == row["id"]))
            for ev in conn.execute(select(evidence_t).where(evidence_t.c.response_id == row["id"])).mappings():
                audit.updated("evidence", str(ev["id"]), session_id, ev, {"response_id": None})
            conn.execute(update(evidence_t).where(evidence_t.c.response_id == row["id"]).values(response_id=None))
            conn.execute(delete(responses_t).where(responses_t.c.id == row["id"]))
            audit.deleted("response", session_id, row)
        return response_from(row)

    def responses(self, session_id: str) -> list[Response]:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_responses(conn, session_id)

    def response_ids(self, session_id: str, question_ids: Sequence[str]) -> dict[str, int]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(responses_t.c.question_id, responses_t.c.id).where(
                    responses_t.c.session_id == session_id, responses_t.c.question_id.in_(list(question_ids))
                )
            )
            return {qid: rid for qid, rid in rows}

    # -- evidence ---------------------------------------------------------------------------

    def add_evidence(
        self,
        session_id: str,
        response_id: int | None,
        item: Mapping[Any, Any],
        *,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> EvidenceLink:
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            check_open(require_session(conn, session_id), reason)
            if response_id is not None:
                owner = conn.execute(
                    select(responses_t.c.session_id).where(responses_t.c.id == response_id)
                ).scalar_one_or_none()
                if owner != session_id:
                    raise NotFoundError(f"no response {response_id} in session {session_id}")
            return add_evidence_row(conn, audit, session_id, response_id, item)

    def remove_evidence(
        self, evidence_id: int, *, who: str, reason: str | None = None, origin: object | None = None
    ) -> EvidenceLink:
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            row = conn.execute(select(evidence_t).where(evidence_t.c.id == evidence_id)).mappings().first()
            if row is None:
                raise NotFoundError(f"no evidence link {evidence_id}")
            check_open(require_session(conn, row["session_id"]), reason)
            for link in conn.execute(
                select(finding_evidence_t).where(finding_evidence_t.c.evidence_id == evidence_id)
            ).mappings():
                audit.deleted("finding_evidence", row["session_id"], link)
            conn.execute(delete(finding_evidence_t).where(finding_evidence_t.c.evidence_id == evidence_id))
            conn.execute(delete(evidence_t).where(evidence_t.c.id == evidence_id))
            audit.deleted("evidence", row["session_id"], row)
        return evidence_from(row)

    def get_evidence(self, evidence_id: int) -> EvidenceLink:
        with self.db.read() as conn:
            found = load_evidence(conn, evidence_t.c.id == evidence_id)
        if not found:
            raise NotFoundError(f"no evidence link {evidence_id}")
        return found[0]

    def evidence(self, session_id: str | None = None) -> list[EvidenceLink]:
        with self.db.read() as conn:
            if session_id is not None:
                require_session(conn, session_id)
            return load_evidence(conn, None if session_id is None else evidence_t.c.session_id == session_id)


def add_evidence_row(
    conn: Connection, audit: AuditWriter, session_id: str, response_id: int | None, item: Mapping[Any, Any]
) -> EvidenceLink:
    row: dict[str, Any] = {c.name: None for c in evidence_t.columns if c.name != "id"}
    row.update(item)
    row.update(session_id=session_id, response_id=response_id, created_at=audit.moment)
    row["id"] = conn.execute(insert(evidence_t).returning(evidence_t.c.id), row).scalar_one()
    audit.created("evidence", session_id, row)
    return evidence_from(row)
