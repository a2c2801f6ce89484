"""Read models: counts, the one-transaction snapshot of a session, and the audit trail."""

from __future__ import annotations

import json

from sqlalchemy import Connection, and_, case, func, literal, select

from mockinspect.domain.audit import TrailHead, TrailProblem, TrailRecord, TrailReport
from mockinspect.domain.session import Finding, FindingStatus, Session, SessionCounts, SessionSnapshot
from mockinspect.store import audit as trail
from mockinspect.store.database import Database
from mockinspect.store.rows import (
    load_drafts,
    load_evidence,
    load_findings,
    load_requests,
    load_responses,
    load_script,
    load_session,
    require_session,
)
from mockinspect.store.sessions import load_frozen_questions, load_frozen_scenario
from mockinspect.store.tables import evidence_t, findings_t, frozen_t, requests_t, responses_t, script_t


def load_counts(conn: Connection, session_id: str) -> SessionCounts:
    """The aggregates of a summary, counted by SQLite (a few indexed queries).

    An answer saved without a status yet counts as unanswered.
    """
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


class QueryRepository:
    db: Database

    def counts(self, session_id: str) -> SessionCounts:
        with self.db.read() as conn:
            require_session(conn, session_id)
            return load_counts(conn, session_id)

    def summary_parts(
        self, session_id: str
    ) -> tuple[Session, SessionCounts, list[Finding], dict[str, tuple[str, str | None]]]:
        """What a summary needs, in one transaction: the session, its counts, its findings, and
        for each question a finding links, its area and FDA system (from the frozen content)."""
        with self.db.read() as conn:
            session = load_session(conn, session_id)
            counts = load_counts(conn, session_id)
            found = load_findings(conn, findings_t.c.session_id == session_id)
            linked = {q for f in found for q in f.question_ids}
            where: dict[str, tuple[str, str | None]] = {}
            if linked:
                rows = conn.execute(
                    select(script_t.c.question_id, script_t.c.area, frozen_t.c.json)
                    .select_from(script_t.outerjoin(frozen_t, frozen_t.c.hash == script_t.c.content_hash))
                    .where(script_t.c.session_id == session_id, script_t.c.question_id.in_(sorted(linked)))
                )
                for qid, area, text in rows:
                    system = None
                    if text:
                        try:
                            system = json.loads(text).get("fda_system")
                        except (ValueError, AttributeError):
                            system = None
                    where[qid] = (area, system if isinstance(system, str) else None)
            return session, counts, found, where

    def snapshot(self, session_id: str) -> SessionSnapshot:
        """Everything about one session, read in one transaction (one consistent moment)."""
        with self.db.read() as conn:
            session = load_session(conn, session_id)
            return SessionSnapshot(
                session=session,
                scenario=load_frozen_scenario(conn, session_id),
                script=tuple(load_script(conn, session_id)),
                questions=load_frozen_questions(conn, session_id),
                responses={r.question_id: r for r in load_responses(conn, session_id)},
                drafts={d.question_id: d for d in load_drafts(conn, session_id)},
                evidence=tuple(load_evidence(conn, evidence_t.c.session_id == session_id)),
                requests=tuple(load_requests(conn, requests_t.c.session_id == session_id)),
                findings=tuple(load_findings(conn, findings_t.c.session_id == session_id)),
                counts=load_counts(conn, session_id),
                trail_head=trail.head(conn),
                session_trail=trail.head(conn, session_id),
            )

    # -- audit trail ----------------------------------------------------------------------

    def verify_trail(
        self, session_id: str | None = None, *, anchors: tuple[tuple[TrailHead, str], ...] = ()
    ) -> TrailReport:
        """SQLite's integrity check, the chain, the data against the chain, the frozen content,
        then each ``(head, what)`` anchor: the trail still holds that record with that hash."""
        with self.db.read() as conn:
            problem = trail.integrity_problem(conn)
            if problem is not None:
                return TrailReport(0, 0, problem)
            if session_id is not None:
                require_session(conn, session_id)
            report = trail.verify(conn, session_id)
            if not report.ok:
                return report
            if trail.database_id(conn) is None:
                return TrailReport(
                    report.records,
                    report.entities,
                    TrailProblem("integrity", "the database has lost its identity record (table meta)"),
                )
            problem = trail.frozen_problem(conn)
            for expected, what in anchors:
                if problem is None:
                    problem = trail.anchor_problem(conn, report.records, expected, what)
            return TrailReport(report.records, report.entities, problem)

    def find_trail_hash(self, value: str) -> TrailHead | None:
        with self.db.read() as conn:
            return trail.find_hash(conn, value)

    def trail(
        self, *, session_id: str | None = None, entity: str | None = None, entity_id: str | None = None
    ) -> list[TrailRecord]:
        with self.db.read() as conn:
            return trail.trail_records(conn, session_id=session_id, entity=entity, entity_id=entity_id)

    def trail_head(self) -> TrailHead:
        with self.db.read() as conn:
            return trail.head(conn)
