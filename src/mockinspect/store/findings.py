"""Findings and document requests, with their audited creates, changes and deletes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from mockinspect.domain.session import DocumentRequest, DocumentRequestStatus, Finding, FindingStatus
from mockinspect.store import audit as trail
from mockinspect.store.audit import AuditWriter
from mockinspect.store.database import Database
from mockinspect.store.errors import NotFoundError
from mockinspect.store.rows import load_finding, load_findings, load_requests, request_from, require_session
from mockinspect.store.sessions import check_open
from mockinspect.store.tables import (
    evidence_t,
    finding_evidence_t,
    finding_responses_t,
    findings_t,
    requests_t,
    responses_t,
)

FINDING_FIELDS = tuple(
    c.name for c in findings_t.columns if c.name not in ("id", "session_id", "created_at", "updated_at")
)
REQUEST_FIELDS = ("description", "status", "notes", "question_id", "due_at", "delivered_at")


class FindingRepository:
    db: Database

    # -- document requests --------------------------------------------------------------

    def add_document_request(
        self,
        session_id: str,
        values: Mapping[Any, Any],
        *,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> DocumentRequest:
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            check_open(require_session(conn, session_id), reason)
            row: dict[str, Any] = {c.name: None for c in requests_t.columns if c.name != "id"}
            row.update(values)
            row["session_id"] = session_id
            row["status"] = row["status"] or DocumentRequestStatus.OPEN.value
            row["requested_at"] = row["requested_at"] or audit.moment
            row["id"] = conn.execute(insert(requests_t).returning(requests_t.c.id), row).scalar_one()
            audit.created("document_request", session_id, row)
        return request_from(row)

    def update_document_request(
        self,
        request_id: int,
        changes: Mapping[Any, Any],
        *,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> DocumentRequest:
        unknown = set(changes) - set(REQUEST_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a document request")
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            old = conn.execute(select(requests_t).where(requests_t.c.id == request_id)).mappings().first()
            if old is None:
                raise NotFoundError(f"no document request {request_id}")
            check_open(require_session(conn, old["session_id"]), reason)
            new = {k: v for k, v in changes.items() if trail.jsonable(old[k]) != trail.jsonable(v)}
            if new:
                conn.execute(update(requests_t).where(requests_t.c.id == request_id).values(new))
                audit.updated("document_request", str(request_id), old["session_id"], old, new)
        return request_from({**old, **new})

    def delete_document_request(
        self, request_id: int, *, who: str, reason: str | None = None, origin: object | None = None
    ) -> DocumentRequest:
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            old = conn.execute(select(requests_t).where(requests_t.c.id == request_id)).mappings().first()
            if old is None:
                raise NotFoundError(f"no document request {request_id}")
            check_open(require_session(conn, old["session_id"]), reason)
            conn.execute(delete(requests_t).where(requests_t.c.id == request_id))
            audit.deleted("document_request", old["session_id"], old)
        return request_from(old)

    def get_document_request(self, request_id: int) -> DocumentRequest:
        with self.db.read() as conn:
            found = load_requests(conn, requests_t.c.id == request_id)
        if not found:
            raise NotFoundError(f"no document request {request_id}")
        return found[0]

    def document_requests(self, session_id: str) -> list[DocumentRequest]:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_requests(conn, requests_t.c.session_id == session_id)

    # -- findings -----------------------------------------------------------------------

    def add_finding(
        self,
        session_id: str,
        values: Mapping[Any, Any],
        response_ids: Sequence[int] = (),
        evidence_ids: Sequence[int] = (),
        *,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> Finding:
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            check_open(require_session(conn, session_id), reason)
            row: dict[str, Any] = {c.name: None for c in findings_t.columns if c.name != "id"}
            row.update(values)
            row.update(
                session_id=session_id,
                citations=list(row["citations"] or []),
                status=row["status"] or FindingStatus.OPEN.value,
                created_at=audit.moment,
                updated_at=audit.moment,
            )
            if row["repeat_of_id"] is not None:
                _check_finding_exists(conn, row["repeat_of_id"])
            row["id"] = conn.execute(insert(findings_t).returning(findings_t.c.id), row).scalar_one()
            audit.created("finding", session_id, row)
            _link(conn, audit, session_id, row["id"], response_ids, evidence_ids)
            return load_finding(conn, row["id"])

    def update_finding(
        self,
        finding_id: int,
        changes: Mapping[Any, Any],
        *,
        response_ids: Sequence[int] | None = None,
        evidence_ids: Sequence[int] | None = None,
        who: str,
        reason: str | None = None,
        origin: object | None = None,
    ) -> Finding:
        unknown = set(changes) - set(FINDING_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a finding")
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            old = conn.execute(select(findings_t).where(findings_t.c.id == finding_id)).mappings().first()
            if old is None:
                raise NotFoundError(f"no finding {finding_id}")
            session_id = old["session_id"]
            check_open(require_session(conn, session_id), reason)
            if changes.get("repeat_of_id") is not None:
                _check_finding_exists(conn, changes["repeat_of_id"])
            new = {k: v for k, v in changes.items() if trail.jsonable(old[k]) != trail.jsonable(v)}
            if "citations" in new:
                new["citations"] = list(new["citations"])
            if new:
                conn.execute(
                    update(findings_t).where(findings_t.c.id == finding_id).values({**new, "updated_at": audit.moment})
                )
                audit.updated("finding", str(finding_id), session_id, old, new)
            if response_ids is not None:
                current = set(
                    conn.execute(
                        select(finding_responses_t.c.response_id).where(finding_responses_t.c.finding_id == finding_id)
                    ).scalars()
                )
                for rid in sorted(current - set(response_ids)):
                    link = {"finding_id": finding_id, "response_id": rid}
                    conn.execute(delete(finding_responses_t).filter_by(**link))
                    audit.deleted("finding_response", session_id, link)
                _link(conn, audit, session_id, finding_id, [r for r in response_ids if r not in current], ())
            if evidence_ids is not None:
                current = set(
                    conn.execute(
                        select(finding_evidence_t.c.evidence_id).where(finding_evidence_t.c.finding_id == finding_id)
                    ).scalars()
                )
                for eid in sorted(current - set(evidence_ids)):
                    link = {"finding_id": finding_id, "evidence_id": eid}
                    conn.execute(delete(finding_evidence_t).filter_by(**link))
                    audit.deleted("finding_evidence", session_id, link)
                _link(conn, audit, session_id, finding_id, (), [e for e in evidence_ids if e not in current])
            return load_finding(conn, finding_id)

    def delete_finding(
        self, finding_id: int, *, who: str, reason: str | None = None, origin: object | None = None
    ) -> Finding:
        """Remove a finding and its links (audited); a later finding that repeated it keeps no link."""
        with self.db.write(who, reason, origin=origin) as (conn, audit):
            finding = load_finding(conn, finding_id)
            row = conn.execute(select(findings_t).where(findings_t.c.id == finding_id)).mappings().one()
            check_open(require_session(conn, finding.session_id), reason)
            for table, entity in ((finding_responses_t, "finding_response"), (finding_evidence_t, "finding_evidence")):
                for link in conn.execute(select(table).where(table.c.finding_id == finding_id)).mappings():
                    audit.deleted(entity, finding.session_id, link)
                conn.execute(delete(table).where(table.c.finding_id == finding_id))
            for later in conn.execute(select(findings_t).where(findings_t.c.repeat_of_id == finding_id)).mappings():
                audit.updated("finding", str(later["id"]), later["session_id"], later, {"repeat_of_id": None})
            conn.execute(update(findings_t).where(findings_t.c.repeat_of_id == finding_id).values(repeat_of_id=None))
            conn.execute(delete(findings_t).where(findings_t.c.id == finding_id))
            audit.deleted("finding", finding.session_id, row)
        return finding

    def get_finding(self, finding_id: int) -> Finding:
        with self.db.read() as conn:
            return load_finding(conn, finding_id)

    def findings(self, session_id: str) -> list[Finding]:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_findings(conn, findings_t.c.session_id == session_id)


def _link(
    conn: Connection,
    audit: AuditWriter,
    session_id: str,
    finding_id: int,
    response_ids: Iterable[int],
    evidence_ids: Iterable[int],
) -> None:
    for rid in dict.fromkeys(response_ids):
        owner = conn.execute(select(responses_t.c.session_id).where(responses_t.c.id == rid)).scalar_one_or_none()
        if owner != session_id:
            raise NotFoundError(f"no response {rid} in session {session_id}")
        link = {"finding_id": finding_id, "response_id": rid}
        conn.execute(insert(finding_responses_t), link)
        audit.created("finding_response", session_id, link)
    for eid in dict.fromkeys(evidence_ids):
        owner = conn.execute(select(evidence_t.c.session_id).where(evidence_t.c.id == eid)).scalar_one_or_none()
        if owner != session_id:
            raise NotFoundError(f"no evidence link {eid} in session {session_id}")
        link = {"finding_id": finding_id, "evidence_id": eid}
        conn.execute(insert(finding_evidence_t), link)
        audit.created("finding_evidence", session_id, link)


def _check_finding_exists(conn: Connection, finding_id: int) -> None:
    if conn.execute(select(findings_t.c.id).where(findings_t.c.id == finding_id)).first() is None:
        raise NotFoundError(f"no finding {finding_id}")
