"""Repositories: session data in and out of the tables, as domain objects.

Every write runs in one transaction with its audit-trail records (``Database.write``).
Core statements are used throughout: on the autosave path (record a response) they cost a
fraction of the ORM unit of work, and rows never need to be detached for the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, literal, select, update
from sqlalchemy.engine import Dialect

from mockinspect.domain.audit import TrailRecord, TrailReport
from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.session import (
    DocumentRequest,
    DocumentRequestStatus,
    EvidenceKind,
    EvidenceLink,
    Finding,
    FindingStatus,
    Mode,
    Participant,
    Response,
    ScriptEntry,
    Session,
    SessionCounts,
    SessionListItem,
    SessionState,
)
from mockinspect.store import audit as trail
from mockinspect.store.audit import AuditWriter
from mockinspect.store.database import Database
from mockinspect.store.errors import NotFoundError, StoreError
from mockinspect.store.prepared import Prepared
from mockinspect.store.tables import (
    DocumentRequestRow,
    EvidenceRow,
    FindingEvidenceRow,
    FindingResponseRow,
    FindingRow,
    ParticipantRow,
    ResponseRow,
    ScriptItemRow,
    SessionRow,
)

sessions_t = SessionRow.__table__
participants_t = ParticipantRow.__table__
script_t = ScriptItemRow.__table__
responses_t = ResponseRow.__table__
evidence_t = EvidenceRow.__table__
requests_t = DocumentRequestRow.__table__
findings_t = FindingRow.__table__
finding_responses_t = FindingResponseRow.__table__
finding_evidence_t = FindingEvidenceRow.__table__

RESPONSE_FIELDS = ("status", "text", "notes", "answered_by", "key_points_hit", "seconds_taken")
FINDING_FIELDS = (
    "title",
    "text",
    "grade",
    "severity",
    "occurrence",
    "detectability",
    "citations",
    "capa",
    "root_cause",
    "status",
    "repeat_of_id",
)
REQUEST_FIELDS = ("description", "status", "notes", "question_id", "due_at", "delivered_at")
SESSION_FIELDS = ("site", "address", "lead", "state", "finished_at")

# The autosave path: one lookup that says whether the question is in the script and
# returns the current response, if any.
_ANSWER_LOOKUP = (
    select(
        script_t.c.id.label("script_id"),
        trail.LAST_SEQ.label("trail_seq"),
        trail.LAST_HASH.label("trail_hash"),
        responses_t,
    )
    .select_from(
        script_t.outerjoin(
            responses_t,
            and_(
                responses_t.c.session_id == script_t.c.session_id, responses_t.c.question_id == script_t.c.question_id
            ),
        )
    )
    .where(script_t.c.session_id == bindparam("sid"), script_t.c.question_id == bindparam("qid"))
)
_RESPONSE_COLUMNS = tuple(c.name for c in responses_t.columns)
_RESPONSE_INSERT = insert(responses_t).returning(responses_t.c.id)
_RESPONSE_UPDATE = (
    update(responses_t)
    .where(responses_t.c.id == bindparam("_id"))
    .values({name: bindparam(name) for name in (*RESPONSE_FIELDS, "updated_at")})
)
_EVIDENCE_INSERT = insert(evidence_t).returning(evidence_t.c.id)


class _AutosaveStatements:
    """The statements of ``record_response``, compiled for one dialect (see ``prepared``)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        types = {c.name: c.type for c in responses_t.columns}
        self.lookup = Prepared(_ANSWER_LOOKUP, dialect, result_types=types)
        self.insert = Prepared(
            _RESPONSE_INSERT, dialect, column_keys=[c for c in _RESPONSE_COLUMNS if c != "id"], types=types
        )
        self.update = Prepared(_RESPONSE_UPDATE, dialect, types=types)


def _session(row: Mapping[str, Any], participants: Sequence[Participant] = ()) -> Session:
    return Session(
        id=row["id"],
        site=row["site"],
        address=row["address"],
        mode=Mode(row["mode"]),
        scenario_id=row["scenario_id"],
        scenario_version=row["scenario_version"],
        scenario_title=row["scenario_title"],
        persona=row["persona"],
        lead=row["lead"],
        seed=row["seed"],
        state=SessionState(row["state"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        participants=tuple(participants),
    )


def _response(row: Mapping[str, Any]) -> Response:
    return Response(
        id=row["id"],
        session_id=row["session_id"],
        question_id=row["question_id"],
        status=ResponseStatus(row["status"]),
        text=row["text"],
        notes=row["notes"],
        answered_by=row["answered_by"],
        key_points_hit=tuple(row["key_points_hit"] or ()),
        seconds_taken=row["seconds_taken"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _evidence(row: Mapping[str, Any]) -> EvidenceLink:
    return EvidenceLink(
        id=row["id"],
        session_id=row["session_id"],
        response_id=row["response_id"],
        kind=EvidenceKind(row["kind"]),
        description=row["description"],
        path=row["path"],
        size=row["size"],
        sha256=row["sha256"],
        url=row["url"],
        doc_id=row["doc_id"],
        doc_title=row["doc_title"],
        doc_version=row["doc_version"],
        requested_at=row["requested_at"],
        shown_at=row["shown_at"],
        created_at=row["created_at"],
    )


def _request(row: Mapping[str, Any]) -> DocumentRequest:
    return DocumentRequest(
        id=row["id"],
        session_id=row["session_id"],
        description=row["description"],
        status=DocumentRequestStatus(row["status"]),
        requested_at=row["requested_at"],
        question_id=row["question_id"],
        due_at=row["due_at"],
        delivered_at=row["delivered_at"],
        notes=row["notes"],
    )


def _finding(row: Mapping[str, Any], response_links: Sequence[tuple[int, str]], evidence_ids: Sequence[int]) -> Finding:
    return Finding(
        id=row["id"],
        session_id=row["session_id"],
        title=row["title"],
        grade=Grade(row["grade"]),
        status=FindingStatus(row["status"]),
        text=row["text"],
        severity=row["severity"],
        occurrence=row["occurrence"],
        detectability=row["detectability"],
        citations=tuple(row["citations"] or ()),
        capa=row["capa"],
        root_cause=row["root_cause"],
        repeat_of_id=row["repeat_of_id"],
        response_ids=tuple(rid for rid, _ in response_links),
        question_ids=tuple(qid for _, qid in response_links),
        evidence_ids=tuple(evidence_ids),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class InspectionRepository:
    """Sessions and everything recorded in them. ``who`` and ``reason`` go to the audit trail."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._autosave: _AutosaveStatements | None = None

    # -- sessions -----------------------------------------------------------------------

    def create_session(
        self,
        values: Mapping[str, Any],
        script: Iterable[Mapping[str, Any]],
        participants: Iterable[Mapping[str, Any]],
        *,
        who: str,
        reason: str | None = None,
    ) -> Session:
        session_id = uuid4().hex
        with self.db.write(who, reason) as (conn, audit):
            row = {
                **{c: None for c in ("address", "lead", "finished_at")},
                **values,
                "id": session_id,
                "state": SessionState.OPEN.value,
                "started_at": values.get("started_at") or audit.moment,
            }
            conn.execute(insert(sessions_t), row)
            audit.created("session", session_id, row)
            for item in script:
                item_row = {**item, "session_id": session_id}
                item_row["id"] = conn.execute(insert(script_t).returning(script_t.c.id), item_row).scalar_one()
                audit.created("script_item", session_id, item_row)
            for person in participants:
                person_row = {"role": None, "organisation": None, **person, "session_id": session_id}
                person_row["id"] = conn.execute(
                    insert(participants_t).returning(participants_t.c.id), person_row
                ).scalar_one()
                audit.created("participant", session_id, person_row)
        return self.get_session(session_id)

    def update_session(
        self, session_id: str, changes: Mapping[str, Any], *, who: str, reason: str | None = None
    ) -> Session:
        unknown = set(changes) - set(SESSION_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a session")
        with self.db.write(who, reason) as (conn, audit):
            old = conn.execute(select(sessions_t).where(sessions_t.c.id == session_id)).mappings().first()
            if old is None:
                raise NotFoundError(f"no session {session_id}")
            new = {k: v for k, v in changes.items() if trail.jsonable(old[k]) != trail.jsonable(v)}
            if new:
                conn.execute(update(sessions_t).where(sessions_t.c.id == session_id).values(new))
                audit.updated("session", session_id, session_id, old, new)
        return self.get_session(session_id)

    def get_session(self, session_id: str) -> Session:
        with self.db.read() as conn:
            row = conn.execute(select(sessions_t).where(sessions_t.c.id == session_id)).mappings().first()
            if row is None:
                raise NotFoundError(f"no session {session_id}")
            people = [
                Participant(name=p["name"], role=p["role"], organisation=p["organisation"], id=p["id"])
                for p in conn.execute(
                    select(participants_t)
                    .where(participants_t.c.session_id == session_id)
                    .order_by(participants_t.c.id)
                ).mappings()
            ]
        return _session(row, people)

    def session_ids_starting(self, prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self.db.read() as conn:
            rows = conn.execute(
                select(sessions_t.c.id).where(sessions_t.c.id.like(escaped + "%", escape="\\")).limit(10)
            )
            return [r[0] for r in rows]

    def list_sessions(self) -> list[SessionListItem]:
        questions = select(func.count()).where(script_t.c.session_id == sessions_t.c.id).scalar_subquery()
        answered = select(func.count()).where(responses_t.c.session_id == sessions_t.c.id).scalar_subquery()
        findings = select(func.count()).where(findings_t.c.session_id == sessions_t.c.id).scalar_subquery()
        stmt = select(
            sessions_t,
            questions.label("n_questions"),
            answered.label("n_answered"),
            findings.label("n_findings"),
        ).order_by(sessions_t.c.started_at.desc(), sessions_t.c.id)
        with self.db.read() as conn:
            return [
                SessionListItem(
                    id=r["id"],
                    site=r["site"],
                    mode=Mode(r["mode"]),
                    scenario_id=r["scenario_id"],
                    persona=r["persona"],
                    state=SessionState(r["state"]),
                    started_at=r["started_at"],
                    questions=r["n_questions"],
                    answered=r["n_answered"],
                    findings=r["n_findings"],
                )
                for r in conn.execute(stmt).mappings()
            ]

    def script(self, session_id: str) -> list[ScriptEntry]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(script_t).where(script_t.c.session_id == session_id).order_by(script_t.c.position)
            ).mappings()
            return [
                ScriptEntry(
                    position=r["position"],
                    section=r["section"],
                    area=r["area"],
                    question_id=r["question_id"],
                    bank_id=r["bank_id"],
                    bank_version=r["bank_version"],
                    content_hash=r["content_hash"],
                    prompt=r["prompt"],
                )
                for r in rows
            ]

    # -- responses ----------------------------------------------------------------------

    def record_response(
        self,
        session_id: str,
        question_id: str,
        fields: Mapping[str, Any],
        evidence: Sequence[Mapping[str, Any]] = (),
        *,
        who: str,
        reason: str | None = None,
    ) -> tuple[Response, list[EvidenceLink]]:
        """Insert or update the answer to one question, with new evidence, in one transaction.

        ``fields`` holds the response fields to set; those left out keep their value.
        """
        with self.db.write(who, reason) as (conn, audit):
            fast = self._autosave_statements(conn)
            found = fast.lookup.first(conn, {"sid": session_id, "qid": question_id})
            if found is None:
                self._missing_session(conn, session_id)
                raise NotFoundError(f"question {question_id} is not in the script of session {session_id}")
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
                if row["status"] is None:
                    raise StoreError(f"a new answer to {question_id} needs a status")
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
            links = [self._add_evidence(conn, audit, session_id, row["id"], item) for item in evidence]
        return _response(row), links

    def _autosave_statements(self, conn: Connection) -> _AutosaveStatements:
        if self._autosave is None or self._autosave.dialect is not conn.dialect:
            self._autosave = _AutosaveStatements(conn.dialect)
        return self._autosave

    def responses(self, session_id: str) -> list[Response]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(responses_t)
                .join(
                    script_t,
                    and_(
                        script_t.c.session_id == responses_t.c.session_id,
                        script_t.c.question_id == responses_t.c.question_id,
                    ),
                )
                .where(responses_t.c.session_id == session_id)
                .order_by(script_t.c.position)
            ).mappings()
            return [_response(r) for r in rows]

    def response_ids(self, session_id: str, question_ids: Iterable[str]) -> dict[str, int]:
        wanted = list(question_ids)
        with self.db.read() as conn:
            rows = conn.execute(
                select(responses_t.c.question_id, responses_t.c.id).where(
                    responses_t.c.session_id == session_id, responses_t.c.question_id.in_(wanted)
                )
            )
            return {qid: rid for qid, rid in rows}

    # -- evidence -----------------------------------------------------------------------

    def _add_evidence(
        self, conn: Connection, audit: AuditWriter, session_id: str, response_id: int | None, item: Mapping[str, Any]
    ) -> EvidenceLink:
        row = {c.name: None for c in evidence_t.columns if c.name != "id"}
        row.update(item)
        row.update(session_id=session_id, response_id=response_id, created_at=audit.moment)
        row["id"] = conn.execute(_EVIDENCE_INSERT, row).scalar_one()
        audit.created("evidence", session_id, row)
        return _evidence(row)

    def add_evidence(
        self,
        session_id: str,
        response_id: int | None,
        item: Mapping[str, Any],
        *,
        who: str,
        reason: str | None = None,
    ) -> EvidenceLink:
        with self.db.write(who, reason) as (conn, audit):
            self._missing_session(conn, session_id)
            if response_id is not None:
                owner = conn.execute(
                    select(responses_t.c.session_id).where(responses_t.c.id == response_id)
                ).scalar_one_or_none()
                if owner != session_id:
                    raise NotFoundError(f"no response {response_id} in session {session_id}")
            return self._add_evidence(conn, audit, session_id, response_id, item)

    def remove_evidence(self, evidence_id: int, *, who: str, reason: str | None = None) -> EvidenceLink:
        with self.db.write(who, reason) as (conn, audit):
            row = conn.execute(select(evidence_t).where(evidence_t.c.id == evidence_id)).mappings().first()
            if row is None:
                raise NotFoundError(f"no evidence link {evidence_id}")
            for link in conn.execute(
                select(finding_evidence_t).where(finding_evidence_t.c.evidence_id == evidence_id)
            ).mappings():
                audit.deleted("finding_evidence", row["session_id"], link)
            conn.execute(delete(finding_evidence_t).where(finding_evidence_t.c.evidence_id == evidence_id))
            conn.execute(delete(evidence_t).where(evidence_t.c.id == evidence_id))
            audit.deleted("evidence", row["session_id"], row)
        return _evidence(row)

    def evidence(self, session_id: str | None = None) -> list[EvidenceLink]:
        stmt = select(evidence_t).order_by(evidence_t.c.id)
        if session_id is not None:
            stmt = stmt.where(evidence_t.c.session_id == session_id)
        with self.db.read() as conn:
            return [_evidence(r) for r in conn.execute(stmt).mappings()]

    # -- document requests --------------------------------------------------------------

    def add_document_request(
        self, session_id: str, values: Mapping[str, Any], *, who: str, reason: str | None = None
    ) -> DocumentRequest:
        with self.db.write(who, reason) as (conn, audit):
            self._missing_session(conn, session_id)
            row = {c.name: None for c in requests_t.columns if c.name != "id"}
            row.update(values)
            row["session_id"] = session_id
            row["status"] = row["status"] or DocumentRequestStatus.OPEN.value
            row["requested_at"] = row["requested_at"] or audit.moment
            row["id"] = conn.execute(insert(requests_t).returning(requests_t.c.id), row).scalar_one()
            audit.created("document_request", session_id, row)
        return _request(row)

    def update_document_request(
        self, request_id: int, changes: Mapping[str, Any], *, who: str, reason: str | None = None
    ) -> DocumentRequest:
        unknown = set(changes) - set(REQUEST_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a document request")
        with self.db.write(who, reason) as (conn, audit):
            old = conn.execute(select(requests_t).where(requests_t.c.id == request_id)).mappings().first()
            if old is None:
                raise NotFoundError(f"no document request {request_id}")
            new = {k: v for k, v in changes.items() if trail.jsonable(old[k]) != trail.jsonable(v)}
            if new:
                conn.execute(update(requests_t).where(requests_t.c.id == request_id).values(new))
                audit.updated("document_request", str(request_id), old["session_id"], old, new)
        return _request({**old, **new})

    def document_requests(self, session_id: str) -> list[DocumentRequest]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(requests_t).where(requests_t.c.session_id == session_id).order_by(requests_t.c.id)
            ).mappings()
            return [_request(r) for r in rows]

    # -- findings -----------------------------------------------------------------------

    def add_finding(
        self,
        session_id: str,
        values: Mapping[str, Any],
        response_ids: Sequence[int] = (),
        evidence_ids: Sequence[int] = (),
        *,
        who: str,
        reason: str | None = None,
    ) -> Finding:
        with self.db.write(who, reason) as (conn, audit):
            self._missing_session(conn, session_id)
            row = {c.name: None for c in findings_t.columns if c.name != "id"}
            row.update(values)
            row.update(
                session_id=session_id,
                citations=list(row["citations"] or []),
                status=row["status"] or FindingStatus.OPEN.value,
                created_at=audit.moment,
                updated_at=audit.moment,
            )
            if row["repeat_of_id"] is not None:
                self._check_finding_exists(conn, row["repeat_of_id"])
            row["id"] = conn.execute(insert(findings_t).returning(findings_t.c.id), row).scalar_one()
            audit.created("finding", session_id, row)
            self._link(conn, audit, session_id, row["id"], response_ids, evidence_ids)
            return self._load_finding(conn, row["id"])

    def update_finding(
        self,
        finding_id: int,
        changes: Mapping[str, Any],
        *,
        response_ids: Sequence[int] | None = None,
        evidence_ids: Sequence[int] | None = None,
        who: str,
        reason: str | None = None,
    ) -> Finding:
        unknown = set(changes) - set(FINDING_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a finding")
        with self.db.write(who, reason) as (conn, audit):
            old = conn.execute(select(findings_t).where(findings_t.c.id == finding_id)).mappings().first()
            if old is None:
                raise NotFoundError(f"no finding {finding_id}")
            session_id = old["session_id"]
            if changes.get("repeat_of_id") is not None:
                if changes["repeat_of_id"] == finding_id:
                    raise StoreError("a finding cannot be a repeat of itself")
                self._check_finding_exists(conn, changes["repeat_of_id"])
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
                self._link(conn, audit, session_id, finding_id, [r for r in response_ids if r not in current], ())
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
                self._link(conn, audit, session_id, finding_id, (), [e for e in evidence_ids if e not in current])
            return self._load_finding(conn, finding_id)

    def _link(
        self,
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

    def _check_finding_exists(self, conn: Connection, finding_id: int) -> None:
        if conn.execute(select(findings_t.c.id).where(findings_t.c.id == finding_id)).first() is None:
            raise NotFoundError(f"no finding {finding_id}")

    def _load_findings(self, conn: Connection, where: Any) -> list[Finding]:
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
        return [_finding(r, responses[r["id"]], evidence[r["id"]]) for r in rows]

    def _load_finding(self, conn: Connection, finding_id: int) -> Finding:
        found = self._load_findings(conn, findings_t.c.id == finding_id)
        if not found:
            raise NotFoundError(f"no finding {finding_id}")
        return found[0]

    def get_finding(self, finding_id: int) -> Finding:
        with self.db.read() as conn:
            return self._load_finding(conn, finding_id)

    def findings(self, session_id: str) -> list[Finding]:
        with self.db.read() as conn:
            return self._load_findings(conn, findings_t.c.session_id == session_id)

    # -- queries for the window and the report -------------------------------------------

    def counts(self, session_id: str) -> SessionCounts:
        """The aggregates of a summary, counted by SQLite (a few indexed queries)."""
        status = func.coalesce(responses_t.c.status, literal("unanswered"))
        by_area_stmt = (
            select(script_t.c.area, status.label("status"), func.count())
            .select_from(
                script_t.outerjoin(
                    responses_t,
                    and_(
                        responses_t.c.session_id == script_t.c.session_id,
                        responses_t.c.question_id == script_t.c.question_id,
                    ),
                )
            )
            .where(script_t.c.session_id == session_id)
            .group_by(script_t.c.area, status)
        )
        with self.db.read() as conn:
            self._missing_session(conn, session_id)
            by_area: dict[str, dict[str, int]] = {}
            by_status: dict[str, int] = {}
            questions = answered = 0
            for area, st, n in conn.execute(by_area_stmt):
                by_area.setdefault(area, {})[st] = n
                questions += n
                if st != "unanswered":
                    answered += n
                    by_status[st] = by_status.get(st, 0) + n
            grades: dict[str, int] = {}
            open_findings = 0
            for grade, n, n_open in conn.execute(
                select(
                    findings_t.c.grade,
                    func.count(),
                    func.sum(case((findings_t.c.status == FindingStatus.OPEN.value, 1), else_=0)),
                )
                .where(findings_t.c.session_id == session_id)
                .group_by(findings_t.c.grade)
            ):
                grades[grade] = n
                open_findings += n_open or 0
            requests = {
                st: n
                for st, n in conn.execute(
                    select(requests_t.c.status, func.count())
                    .where(requests_t.c.session_id == session_id)
                    .group_by(requests_t.c.status)
                )
            }
            n_evidence = conn.execute(select(func.count()).where(evidence_t.c.session_id == session_id)).scalar_one()
        return SessionCounts(
            questions=questions,
            answered=answered,
            by_status=by_status,
            by_area=by_area,
            findings_by_grade=grades,
            findings_open=open_findings,
            document_requests=requests,
            evidence=n_evidence,
        )

    # -- audit trail ----------------------------------------------------------------------

    def verify_trail(self, session_id: str | None = None) -> TrailReport:
        with self.db.read() as conn:
            if session_id is not None:
                self._missing_session(conn, session_id)
            return trail.verify(conn, session_id)

    def trail(
        self, *, session_id: str | None = None, entity: str | None = None, entity_id: str | None = None
    ) -> list[TrailRecord]:
        with self.db.read() as conn:
            return trail.trail_records(conn, session_id=session_id, entity=entity, entity_id=entity_id)

    # -- helpers ------------------------------------------------------------------------

    def _missing_session(self, conn: Connection, session_id: str) -> None:
        if conn.execute(select(sessions_t.c.id).where(sessions_t.c.id == session_id)).first() is None:
            raise NotFoundError(f"no session {session_id}")
