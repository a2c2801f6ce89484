"""Rows to domain objects: one generic mapper, and the loaders every repository shares.

A stored value that cannot become its domain type (an unknown grade, a date that is not
one) raises ``CorruptDatabaseError`` naming the table, row and column, never a bare
``ValueError`` from deep inside a mapper.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, select

from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.session import (
    DocumentRequest,
    DocumentRequestStatus,
    Draft,
    EvidenceKind,
    EvidenceLink,
    Finding,
    FindingStatus,
    Mode,
    Participant,
    Response,
    ScriptEntry,
    Session,
    SessionState,
)
from mockinspect.store.errors import CorruptDatabaseError, NotFoundError
from mockinspect.store.tables import (
    drafts_t,
    evidence_t,
    finding_evidence_t,
    finding_responses_t,
    findings_t,
    participants_t,
    requests_t,
    responses_t,
    script_t,
    sessions_t,
)

T = TypeVar("T")
Converter = Callable[[Any], Any]


def _tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list, found {type(value).__name__}")
    return tuple(value)


def _optional(kind: Callable[[Any], T]) -> Callable[[Any], T | None]:
    return lambda value: None if value is None else kind(value)


def constant(value: Any) -> Converter:
    """A converter that gives ``value`` whatever the row holds (for fields not in the row)."""
    return lambda _: value


def row_to(cls: type[T], row: Mapping[Any, Any], what: str, /, **convert: Converter) -> T:
    """A ``cls`` dataclass from the row's columns of the same names, with ``convert`` applied.

    A field the row does not hold gets its value from ``constant(value)``.
    """
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in convert:
            source = row.get(f.name)
            try:
                values[f.name] = convert[f.name](source)
            except (ValueError, TypeError) as exc:
                raise CorruptDatabaseError(
                    f"the database holds an unreadable {f.name} {source!r} in {what} ({exc})"
                ) from exc
        elif f.name in row:
            values[f.name] = row[f.name]
    return cls(**values)


def session_from(row: Mapping[Any, Any], participants: Sequence[Participant] = ()) -> Session:
    return row_to(
        Session,
        row,
        f"session {row.get('id')}",
        mode=Mode,
        state=SessionState,
        participants=constant(tuple(participants)),
    )


def response_from(row: Mapping[Any, Any]) -> Response:
    return row_to(
        Response,
        row,
        f"response {row.get('id')}",
        status=_optional(ResponseStatus),
        key_points_hit=lambda v: tuple(str(x) for x in _tuple(v)),
    )


def evidence_from(row: Mapping[Any, Any]) -> EvidenceLink:
    return row_to(EvidenceLink, row, f"evidence link {row.get('id')}", kind=EvidenceKind)


def request_from(row: Mapping[Any, Any]) -> DocumentRequest:
    return row_to(DocumentRequest, row, f"document request {row.get('id')}", status=DocumentRequestStatus)


def draft_from(row: Mapping[Any, Any]) -> Draft:
    return row_to(Draft, row, f"the draft of {row.get('question_id')}")


def finding_from(row: Mapping[Any, Any], links: Sequence[tuple[int, str]], evidence_ids: Sequence[int]) -> Finding:
    return row_to(
        Finding,
        row,
        f"finding {row.get('id')}",
        grade=Grade,
        status=FindingStatus,
        systemic=bool,
        citations=lambda v: tuple(str(x) for x in _tuple(v)),
        response_ids=constant(tuple(rid for rid, _ in links)),
        question_ids=constant(tuple(qid for _, qid in links)),
        evidence_ids=constant(tuple(evidence_ids)),
    )


# -- loaders on an open connection (so a snapshot reads everything in one transaction) ----------


def require_session(conn: Connection, session_id: str) -> Mapping[Any, Any]:
    row = conn.execute(select(sessions_t).where(sessions_t.c.id == session_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no session {session_id}")
    return row


def load_session(conn: Connection, session_id: str) -> Session:
    row = require_session(conn, session_id)
    people = [
        Participant(name=p["name"], role=p["role"], organisation=p["organisation"], id=p["id"])
        for p in conn.execute(
            select(participants_t).where(participants_t.c.session_id == session_id).order_by(participants_t.c.id)
        ).mappings()
    ]
    return session_from(row, people)


def load_script(conn: Connection, session_id: str) -> list[ScriptEntry]:
    parent = script_t.alias("parent")
    stmt = (
        select(script_t, parent.c.question_id.label("parent_question_id"))
        .select_from(script_t.outerjoin(parent, parent.c.id == script_t.c.parent_id))
        .where(script_t.c.session_id == session_id)
        .order_by(script_t.c.position)
    )
    return [row_to(ScriptEntry, r, f"script item {r['id']}") for r in conn.execute(stmt).mappings()]


def load_responses(conn: Connection, session_id: str) -> list[Response]:
    rows = conn.execute(
        select(responses_t).where(responses_t.c.session_id == session_id).order_by(responses_t.c.id)
    ).mappings()
    return [response_from(r) for r in rows]


def load_drafts(conn: Connection, session_id: str) -> list[Draft]:
    rows = conn.execute(
        select(drafts_t).where(drafts_t.c.session_id == session_id).order_by(drafts_t.c.question_id)
    ).mappings()
    return [draft_from(r) for r in rows]


def load_evidence(conn: Connection, where: ColumnElement[bool] | None) -> list[EvidenceLink]:
    stmt = select(evidence_t).order_by(evidence_t.c.id)
    if where is not None:
        stmt = stmt.where(where)
    return [evidence_from(r) for r in conn.execute(stmt).mappings()]


def load_requests(conn: Connection, where: ColumnElement[bool]) -> list[DocumentRequest]:
    rows = conn.execute(select(requests_t).where(where).order_by(requests_t.c.id)).mappings()
    return [request_from(r) for r in rows]


def load_findings(conn: Connection, where: ColumnElement[bool]) -> list[Finding]:
    rows = list(conn.execute(select(findings_t).where(where).order_by(findings_t.c.id)).mappings())
    ids = [r["id"] for r in rows]
    responses: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    evidence: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for fid, rid, qid in conn.execute(
            select(finding_responses_t.c.finding_id, responses_t.c.id, responses_t.c.question_id)
            .join(responses_t, responses_t.c.id == finding_responses_t.c.response_id)
            .where(finding_responses_t.c.finding_id.in_(ids))
            .order_by(finding_responses_t.c.finding_id, responses_t.c.id)
        ):
            responses[fid].append((rid, qid))
        for fid, eid in conn.execute(
            select(finding_evidence_t.c.finding_id, finding_evidence_t.c.evidence_id)
            .where(finding_evidence_t.c.finding_id.in_(ids))
            .order_by(finding_evidence_t.c.finding_id, finding_evidence_t.c.evidence_id)
        ):
            evidence[fid].append(eid)
    return [finding_from(r, responses[r["id"]], evidence[r["id"]]) for r in rows]


def load_finding(conn: Connection, finding_id: int) -> Finding:
    found = load_findings(conn, findings_t.c.id == finding_id)
    if not found:
        raise NotFoundError(f"no finding {finding_id}")
    return found[0]
