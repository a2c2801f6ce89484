"""InspectionService and TrailService: the use cases of a mock inspection.

What the window, the CLI and the tests call. Each method is one user action, checks its
input first (a ``UserError`` changes nothing), then makes one store call, which is one
transaction with its audit-trail records. Everything returned is a domain object.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Literal, TypeVar

from mockinspect.domain.audit import TrailRecord, TrailReport
from mockinspect.domain.bank import Bank, Grade, ResponseStatus
from mockinspect.domain.engine import build_script
from mockinspect.domain.risk import RATING_MAX, RATING_MIN
from mockinspect.domain.scenario import Scenario
from mockinspect.domain.session import (
    DocumentRequest,
    DocumentRequestStatus,
    EvidenceCheck,
    EvidenceInput,
    EvidenceKind,
    EvidenceLink,
    EvidenceState,
    Finding,
    FindingStatus,
    Mode,
    Participant,
    Response,
    ScriptEntry,
    Session,
    SessionListItem,
    SessionState,
    SessionSummary,
)
from mockinspect.i18n import tr
from mockinspect.services import rules
from mockinspect.services.errors import UserError
from mockinspect.store import Database, InspectionRepository, StoreError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_CHUNK = 1 << 20
_UNSET: Any = object()
MIN_ID_PREFIX = 4
E = TypeVar("E", bound=Enum)


def _enum(kind: type[E], value: Any, what: str) -> E:
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        allowed = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
        raise UserError(
            tr("unknown {what} '{value}' (use one of: {allowed})", what=what, value=value, allowed=allowed)
        ) from None


def _text(value: str | None, what: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise UserError(tr("{what} is required", what=what))
        return None
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise UserError(tr("{what} must not be empty", what=what))
        return None
    return cleaned


def _rating(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise UserError(
            tr(
                "{name} must be a whole number from {lo} to {hi}, not {value}",
                name=name,
                lo=RATING_MIN,
                hi=RATING_MAX,
                value=value,
            )
        )
    return value


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def parse_evidence_argument(text: str, description: str | None = None) -> EvidenceInput:
    """``https://...`` (any ``scheme://``) is a URL; ``doc:ID`` or ``doc:ID@VERSION`` a document
    reference; anything else a file path."""
    value = text.strip()
    if not value:
        raise UserError(tr("an evidence argument is empty"))
    if _URL.match(value):
        return EvidenceInput(EvidenceKind.URL, url=value, description=description)
    if value.startswith("doc:"):
        ref, _, version = value[4:].partition("@")
        if not ref.strip():
            raise UserError(tr("a document reference needs an id: doc:ID or doc:ID@VERSION"))
        return EvidenceInput(
            EvidenceKind.DOCUMENT, doc_id=ref.strip(), doc_version=version.strip() or None, description=description
        )
    return EvidenceInput(EvidenceKind.FILE, path=value, description=description)


class _Base:
    def __init__(self, db: Database, *, user_name: str | None = None) -> None:
        self.db = db
        self.repo = InspectionRepository(db)
        if user_name is None:
            from mockinspect.settings import Settings

            user_name = Settings.load().user_name
        self.user_name = user_name

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        mode: Literal["write", "read"] = "write",
        user_name: str | None = None,
        backup_on_open: bool = False,
    ):  # -> Self
        """Open the database at ``path`` (creating or upgrading it) and a service on it."""
        try:
            db = Database(path, mode=mode, backup_on_open=backup_on_open)
        except StoreError as exc:
            raise UserError(str(exc)) from exc
        try:
            return cls(db, user_name=user_name)
        except BaseException:
            db.close()
            raise

    @property
    def notices(self) -> list[str]:
        """Warnings for the user about the database (e.g. it is on a network share)."""
        return list(self.db.notices)

    def close(self) -> None:
        self.db.close()

    def __enter__(self):  # -> Self
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except StoreError as exc:
            raise UserError(str(exc)) from exc

    def resolve_session_id(self, text: str) -> str:
        """A full session id, or a unique prefix of one (at least 4 characters)."""
        value = text.strip().lower()
        if len(value) < MIN_ID_PREFIX:
            raise UserError(tr("no session '{id}' (give at least {n} characters of its id)", id=text, n=MIN_ID_PREFIX))
        with self._errors():
            found = self.repo.session_ids_starting(value)
        if value in found:
            return value
        if not found:
            raise UserError(tr("no session '{id}'", id=text))
        if len(found) > 1:
            raise UserError(tr("'{id}' matches several sessions; give more of the id", id=text))
        return found[0]


class InspectionService(_Base):
    """Run a mock inspection: sessions, answers, evidence, document requests, findings."""

    # -- sessions -----------------------------------------------------------------------

    def create_session(
        self,
        scenario: Scenario,
        banks: Sequence[Bank],
        *,
        site: str,
        mode: Mode | str = Mode.AUDIT,
        lead: str | None = None,
        seed: int | None = None,
        address: str | None = None,
        participants: Sequence[Participant] = (),
        reason: str | None = None,
    ) -> Session:
        site_name = _text(site, tr("the site name"), required=True)
        mode = _enum(Mode, mode, tr("mode"))
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise UserError(tr("the seed must be a whole number of 0 or more, not {seed}", seed=seed))
        script = build_script(scenario, banks, seed)
        if not script:
            raise UserError(tr("scenario '{id}' draws no questions from the banks given", id=scenario.id))
        people = []
        for person in participants:
            name = _text(person.name, tr("a participant's name"), required=True)
            people.append(
                {
                    "name": name,
                    "role": _text(person.role, "role"),
                    "organisation": _text(person.organisation, "organisation"),
                }
            )
        values = {
            "site": site_name,
            "address": _text(address, "address"),
            "mode": mode.value,
            "scenario_id": scenario.id,
            "scenario_version": scenario.version,
            "scenario_title": scenario.title,
            "persona": scenario.persona.value,
            "lead": _text(lead, "lead"),
            "seed": scenario.draw.seed if seed is None else seed,
        }
        items = [
            {
                "position": item.position,
                "section": item.section,
                "area": item.area,
                "question_id": item.question_id,
                "bank_id": item.bank_id,
                "bank_version": item.bank_version,
                "content_hash": item.content_hash,
                "prompt": item.prompt,
            }
            for item in script
        ]
        with self._errors():
            return self.repo.create_session(values, items, people, who=self.user_name, reason=reason)

    def sessions(self) -> list[SessionListItem]:
        with self._errors():
            return self.repo.list_sessions()

    def session(self, session_id: str) -> Session:
        sid = self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.get_session(sid)

    def script(self, session_id: str) -> list[ScriptEntry]:
        sid = self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.script(sid)

    def finish_session(self, session_id: str, *, reason: str | None = None) -> Session:
        sid = self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.update_session(
                sid,
                {"state": SessionState.FINISHED.value, "finished_at": datetime.now(UTC)},
                who=self.user_name,
                reason=reason,
            )

    def reopen_session(self, session_id: str, *, reason: str) -> Session:
        sid = self.resolve_session_id(session_id)
        reason_text = _text(reason, tr("a reason for reopening"), required=True)
        with self._errors():
            return self.repo.update_session(
                sid, {"state": SessionState.OPEN.value, "finished_at": None}, who=self.user_name, reason=reason_text
            )

    def update_session(
        self,
        session_id: str,
        *,
        site: str = _UNSET,
        address: str | None = _UNSET,
        lead: str | None = _UNSET,
        reason: str | None = None,
    ) -> Session:
        sid = self.resolve_session_id(session_id)
        changes: dict[str, Any] = {}
        if site is not _UNSET:
            changes["site"] = _text(site, tr("the site name"), required=True)
        if address is not _UNSET:
            changes["address"] = _text(address, "address")
        if lead is not _UNSET:
            changes["lead"] = _text(lead, "lead")
        with self._errors():
            return self.repo.update_session(sid, changes, who=self.user_name, reason=reason)

    # -- responses ----------------------------------------------------------------------

    def record_response(
        self,
        session_id: str,
        question_id: str,
        *,
        status: ResponseStatus | str | None = None,
        text: str | None = _UNSET,
        notes: str | None = _UNSET,
        answered_by: str | None = _UNSET,
        key_points_hit: Sequence[str] = _UNSET,
        seconds_taken: int | None = _UNSET,
        evidence: Sequence[EvidenceInput] = (),
        reason: str | None = None,
    ) -> Response:
        """Insert or update the answer to one question (the autosave path).

        Fields left out keep their current value; a new answer needs a status. Evidence
        given here is linked to the response in the same transaction.
        """
        fields: dict[str, Any] = {}
        if status is not None:
            fields["status"] = _enum(ResponseStatus, status, tr("status")).value
        if text is not _UNSET:
            fields["text"] = text if text else None
        if notes is not _UNSET:
            fields["notes"] = notes if notes else None
        if answered_by is not _UNSET:
            fields["answered_by"] = _text(answered_by, "answered by")
        if key_points_hit is not _UNSET:
            fields["key_points_hit"] = list(dict.fromkeys(key_points_hit))
        if seconds_taken is not _UNSET:
            if seconds_taken is not None and (not isinstance(seconds_taken, int) or seconds_taken < 0):
                raise UserError(tr("the time taken must be a whole number of seconds, 0 or more"))
            fields["seconds_taken"] = seconds_taken
        links = [self._evidence_values(item) for item in evidence]
        sid = session_id if len(session_id) == 32 else self.resolve_session_id(session_id)
        with self._errors():
            response, _ = self.repo.record_response(sid, question_id, fields, links, who=self.user_name, reason=reason)
        return response

    def responses(self, session_id: str) -> list[Response]:
        sid = self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.responses(sid)

    # -- evidence -----------------------------------------------------------------------

    def _evidence_values(self, item: EvidenceInput) -> dict[str, Any]:
        values: dict[str, Any] = {
            "kind": item.kind.value,
            "description": _text(item.description, "description"),
            "requested_at": item.requested_at,
            "shown_at": item.shown_at,
        }
        if item.kind is EvidenceKind.FILE:
            if not item.path:
                raise UserError(tr("a file evidence link needs a path"))
            path = Path(item.path).expanduser()
            if not path.is_file():
                raise UserError(tr("evidence file not found: {path}", path=item.path))
            try:
                size, sha = file_digest(path)
            except OSError as exc:
                raise UserError(
                    tr("cannot read evidence file {path}: {error}", path=item.path, error=exc.strerror or exc)
                ) from exc
            values.update(path=str(path.resolve()), size=size, sha256=sha)
        elif item.kind is EvidenceKind.URL:
            url = _text(item.url, "URL", required=True)
            if not _URL.match(url or ""):
                raise UserError(tr("not a URL: {url}", url=item.url))
            values["url"] = url
        else:
            values.update(
                doc_id=_text(item.doc_id, tr("the document id"), required=True),
                doc_title=_text(item.doc_title, "title"),
                doc_version=_text(item.doc_version, "version"),
            )
        return values

    def attach_evidence(
        self, session_id: str, item: EvidenceInput, *, question_id: str | None = None, reason: str | None = None
    ) -> EvidenceLink:
        """Link evidence to the session, or to the answer to ``question_id``."""
        sid = self.resolve_session_id(session_id)
        values = self._evidence_values(item)
        with self._errors():
            response_id = None
            if question_id is not None:
                response_id = self.repo.response_ids(sid, [question_id]).get(question_id)
                if response_id is None:
                    raise UserError(tr("question {qid} has no answer in this session yet", qid=question_id))
            return self.repo.add_evidence(sid, response_id, values, who=self.user_name, reason=reason)

    def detach_evidence(self, evidence_id: int, *, reason: str | None = None) -> EvidenceLink:
        with self._errors():
            return self.repo.remove_evidence(evidence_id, who=self.user_name, reason=reason)

    def evidence(self, session_id: str) -> list[EvidenceLink]:
        sid = self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.evidence(sid)

    def check_evidence(self, session_id: str | None = None) -> list[EvidenceCheck]:
        """Re-hash every linked file: which are unchanged, changed or gone since they were linked."""
        sid = None if session_id is None else self.resolve_session_id(session_id)
        with self._errors():
            links = self.repo.evidence(sid)
        checks = []
        for link in links:
            if link.kind is not EvidenceKind.FILE or not link.path:
                checks.append(EvidenceCheck(link, EvidenceState.NOT_A_FILE))
                continue
            try:
                size, sha = file_digest(Path(link.path))
            except FileNotFoundError:
                checks.append(EvidenceCheck(link, EvidenceState.MISSING))
                continue
            except OSError:  # a folder now, or unreadable: it is not the file that was linked
                checks.append(EvidenceCheck(link, EvidenceState.MISSING))
                continue
            same = size == link.size and sha == link.sha256
            checks.append(EvidenceCheck(link, EvidenceState.UNCHANGED if same else EvidenceState.CHANGED, size, sha))
        return checks

    # -- document requests --------------------------------------------------------------

    def request_document(
        self,
        session_id: str,
        description: str,
        *,
        question_id: str | None = None,
        due_minutes: int | None = None,
        reason: str | None = None,
    ) -> DocumentRequest:
        sid = self.resolve_session_id(session_id)
        what = _text(description, tr("what is requested"), required=True)
        if question_id is not None and question_id not in {e.question_id for e in self.script(sid)}:
            raise UserError(tr("question {qid} is not in the script of this session", qid=question_id))
        now = datetime.now(UTC)
        due = None
        if due_minutes is not None:
            if due_minutes < 1:
                raise UserError(tr("the time allowed must be at least one minute"))
            due = now + timedelta(minutes=due_minutes)
        values = {"description": what, "question_id": question_id, "requested_at": now, "due_at": due}
        with self._errors():
            return self.repo.add_document_request(sid, values, who=self.user_name, reason=reason)

    def update_document_request(
        self,
        request_id: int,
        *,
        status: DocumentRequestStatus | str | None = None,
        notes: str | None = _UNSET,
        delivered_at: datetime | None = _UNSET,
        reason: str | None = None,
    ) -> DocumentRequest:
        changes: dict[str, Any] = {}
        if status is not None:
            state = _enum(DocumentRequestStatus, status, tr("document request status"))
            changes["status"] = state.value
            if state in (DocumentRequestStatus.DELIVERED, DocumentRequestStatus.LATE) and delivered_at is _UNSET:
                changes["delivered_at"] = datetime.now(UTC)
        if notes is not _UNSET:
            changes["notes"] = notes or None
        if delivered_at is not _UNSET:
            changes["delivered_at"] = delivered_at
        with self._errors():
            return self.repo.update_document_request(request_id, changes, who=self.user_name, reason=reason)

    def document_requests(self, session_id: str) -> list[DocumentRequest]:
        sid = self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.document_requests(sid)

    # -- findings -----------------------------------------------------------------------

    def _ratings(
        self, severity: int | None, occurrence: int | None, detectability: int | None
    ) -> dict[str, int | None]:
        values = {
            "severity": _rating(tr("severity"), severity),
            "occurrence": _rating(tr("occurrence"), occurrence),
            "detectability": _rating(tr("detectability"), detectability),
        }
        given = [v is not None for v in values.values()]
        if any(given) and not all(given):
            raise UserError(tr("give severity, occurrence and detectability together (each 1-5), or none of them"))
        return values

    def _response_links(self, sid: str, question_ids: Sequence[str]) -> list[int]:
        if not question_ids:
            return []
        in_script = {e.question_id for e in self.repo.script(sid)}
        unknown = [q for q in question_ids if q not in in_script]
        if unknown:
            raise UserError(tr("question {qid} is not in the script of this session", qid=unknown[0]))
        found = self.repo.response_ids(sid, question_ids)
        unanswered = [q for q in question_ids if q not in found]
        if unanswered:
            raise UserError(tr("question {qid} has no answer in this session yet; answer it first", qid=unanswered[0]))
        return [found[q] for q in dict.fromkeys(question_ids)]

    def raise_finding(
        self,
        session_id: str,
        *,
        title: str,
        grade: Grade | str,
        text: str | None = None,
        severity: int | None = None,
        occurrence: int | None = None,
        detectability: int | None = None,
        citations: Sequence[str] = (),
        capa: str | None = None,
        root_cause: str | None = None,
        question_ids: Sequence[str] = (),
        evidence_ids: Sequence[int] = (),
        repeat_of: int | None = None,
        reason: str | None = None,
    ) -> Finding:
        sid = self.resolve_session_id(session_id)
        values = {
            "title": _text(title, tr("the finding's title"), required=True),
            "grade": _enum(Grade, grade, tr("grade")).value,
            "text": _text(text, "text"),
            **self._ratings(severity, occurrence, detectability),
            "citations": [c.strip() for c in citations if c.strip()],
            "capa": _text(capa, "CAPA"),
            "root_cause": _text(root_cause, tr("root-cause category")),
            "repeat_of_id": repeat_of,
        }
        with self._errors():
            response_ids = self._response_links(sid, question_ids)
            return self.repo.add_finding(
                sid, values, response_ids, list(evidence_ids), who=self.user_name, reason=reason
            )

    def edit_finding(
        self,
        finding_id: int,
        *,
        reason: str | None = None,
        question_ids: Sequence[str] | None = None,
        evidence_ids: Sequence[int] | None = None,
        **changes: Any,
    ) -> Finding:
        """Change any of title, grade, text, severity/occurrence/detectability, citations,
        capa, root_cause, status, repeat_of_id; and, if given, the linked questions/evidence."""
        with self._errors():
            current = self.repo.get_finding(finding_id)
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "title":
                clean[key] = _text(value, tr("the finding's title"), required=True)
            elif key == "grade":
                clean[key] = _enum(Grade, value, tr("grade")).value
            elif key == "status":
                clean[key] = _enum(FindingStatus, value, tr("finding status")).value
            elif key in ("text", "capa", "root_cause"):
                clean[key] = _text(value, key)
            elif key == "citations":
                clean[key] = [c.strip() for c in value if c.strip()]
            elif key in ("severity", "occurrence", "detectability", "repeat_of_id"):
                clean[key] = value
            else:
                raise UserError(tr("a finding has no field '{name}'", name=key))
        rating_keys = ("severity", "occurrence", "detectability")
        if any(k in clean for k in rating_keys):
            merged = {k: clean.get(k, getattr(current, k)) for k in rating_keys}
            clean.update(self._ratings(**merged))
        with self._errors():
            response_ids = None if question_ids is None else self._response_links(current.session_id, question_ids)
            return self.repo.update_finding(
                finding_id,
                clean,
                response_ids=response_ids,
                evidence_ids=None if evidence_ids is None else list(evidence_ids),
                who=self.user_name,
                reason=reason,
            )

    def close_finding(
        self, finding_id: int, *, status: FindingStatus | str = FindingStatus.CLOSED, reason: str | None = None
    ) -> Finding:
        return self.edit_finding(finding_id, status=status, reason=reason)

    def findings(self, session_id: str) -> list[Finding]:
        """The session's findings in order of significance: grade, then risk priority, then id."""
        sid = self.resolve_session_id(session_id)
        with self._errors():
            found = self.repo.findings(sid)
        return sort_by_significance(found)

    # -- summary ----------------------------------------------------------------------------

    def summary(self, session_id: str) -> SessionSummary:
        """What the window's session header and the report's executive summary show."""
        sid = self.resolve_session_id(session_id)
        with self._errors():
            session = self.repo.get_session(sid)
            counts = self.repo.counts(sid)
            found = sort_by_significance(self.repo.findings(sid))
        matrix = rules.risk_matrix()
        levels = {
            f.id: matrix.level(f.severity, f.occurrence).id
            for f in found
            if f.severity is not None and f.occurrence is not None
        }
        persona = rules.persona_rules(session.persona)
        outcome = persona.outcome({Grade(g): n for g, n in counts.findings_by_grade.items()})
        return SessionSummary(
            session=session,
            counts=counts,
            findings=tuple(found),
            outcome=outcome.outcome,
            outcome_label=outcome.label,
            outcome_note=outcome.indicative_note,
            risk_levels=levels,
        )


_GRADE_ORDER = {g: i for i, g in enumerate((Grade.CRITICAL, Grade.MAJOR, Grade.MINOR, Grade.RECOMMENDATION))}


def sort_by_significance(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (_GRADE_ORDER[f.grade], -(f.priority or 0), f.id))


class TrailService(_Base):
    """Read and verify the audit trail."""

    def verify(self, session_id: str | None = None) -> TrailReport:
        """Check the hash chain and that the data (of one session, if given) is what the trail last recorded."""
        sid = None if session_id is None else self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.verify_trail(sid)

    def history(
        self, *, session_id: str | None = None, entity: str | None = None, entity_id: str | None = None
    ) -> list[TrailRecord]:
        sid = None if session_id is None else self.resolve_session_id(session_id)
        with self._errors():
            return self.repo.trail(session_id=sid, entity=entity, entity_id=entity_id)


__all__ = [
    "InspectionService",
    "TrailService",
    "file_digest",
    "parse_evidence_argument",
    "sort_by_significance",
]
