"""TrailService: read, verify and anchor the audit trail."""

from __future__ import annotations

import re

from mockinspect.domain.audit import TrailHead, TrailProblem, TrailRecord, TrailReport
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.services.base import ServiceBase, user_errors
from mockinspect.services.validation import session_id as check_session_id

_HASH = re.compile(r"^[0-9a-f]{12,64}$")


class TrailService(ServiceBase):
    """The audit trail: verify it, read its head (printed on reports), read its history."""

    def verify(self, session_id: str | None = None, *, anchor: str | None = None) -> TrailReport:
        """SQLite's integrity check, the hash chain, the data against the trail, the frozen
        content, this laptop's anchor for the database, and ``anchor`` if given (a head hash
        printed on a report: the trail must still hold that record)."""
        sid = None if session_id is None else check_session_id(session_id)
        anchors: list[tuple[TrailHead, str]] = []
        kept = self.db.read_anchor()
        if kept is not None:
            anchors.append((kept, tr("this computer")))
        with user_errors():
            if anchor is not None:
                value = anchor.strip().lower()
                if not _HASH.match(value):
                    raise UserError(tr("--anchor must be a trail hash of 12 to 64 hex digits, not '{v}'", v=anchor))
                found = self.repo.find_trail_hash(value)
                if found is None:
                    report = self.repo.verify_trail(sid, anchors=tuple(anchors))
                    return TrailReport(
                        report.records,
                        report.entities,
                        report.problem
                        or TrailProblem(
                            "anchor",
                            tr(
                                "no audit trail record has the hash {h}: the database no longer holds what was "
                                "recorded then",
                                h=value,
                            ),
                        ),
                    )
                anchors.append((found, tr("the anchor {h}", h=value[:16])))
            return self.repo.verify_trail(sid, anchors=tuple(anchors))

    def head(self) -> TrailHead:
        """The number of trail records and the newest hash, as a report prints them."""
        with user_errors():
            return self.repo.trail_head()

    def history(
        self, *, session_id: str | None = None, entity: str | None = None, entity_id: str | None = None
    ) -> list[TrailRecord]:
        sid = None if session_id is None else check_session_id(session_id)
        with user_errors():
            return self.repo.trail(session_id=sid, entity=entity, entity_id=entity_id)
