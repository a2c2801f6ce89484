"""The store's one entry point for services: a facade over the repositories by aggregate.

Every write runs in one transaction with its audit-trail records (``Database.write``);
reads run on their own connections (``Database.read``). What comes back is domain objects,
never rows. The work is split by aggregate: ``sessions`` (sessions, frozen content, the
script and probes), ``responses`` (drafts, answers, evidence), ``findings`` (findings and
document requests) and ``queries`` (counts, the snapshot, the audit trail).
"""

from __future__ import annotations

from mockinspect.store.database import Database
from mockinspect.store.findings import FindingRepository
from mockinspect.store.queries import QueryRepository
from mockinspect.store.responses import ResponseRepository
from mockinspect.store.sessions import SessionRepository


class InspectionRepository(SessionRepository, ResponseRepository, FindingRepository, QueryRepository):
    """Sessions and everything recorded in them. ``who`` and ``reason`` go to the audit trail."""

    def __init__(self, db: Database) -> None:
        self.db = db
