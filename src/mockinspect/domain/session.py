"""Sessions and what is recorded in them: the frozen script, responses, evidence,
document requests and findings.

Plain frozen dataclasses: the store returns these, services pass them on, the window and
the report read them. Nothing here knows about SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, NewType

from mockinspect.domain.audit import TrailHead
from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.frozen import FrozenQuestion, FrozenQuestions, FrozenScenario

SessionId = NewType("SessionId", str)
"""A full session id (32 lower-case hex digits). Only the CLI accepts a shortened one."""


class Mode(StrEnum):
    AUDIT = "audit"
    TRAINING = "training"


class SessionState(StrEnum):
    OPEN = "open"
    FINISHED = "finished"


class EvidenceKind(StrEnum):
    FILE = "file"
    URL = "url"
    DOCUMENT = "document"


class DocumentRequestStatus(StrEnum):
    OPEN = "open"
    DELIVERED = "delivered"
    LATE = "late"
    NOT_PROVIDED = "not-provided"


class FindingStatus(StrEnum):
    OPEN = "open"
    CORRECTED = "corrected"  # corrected during the inspection
    CLOSED = "closed"


class EvidenceState(StrEnum):
    """What re-hashing a linked file found."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    MISSING = "missing"
    NOT_A_FILE = "not-a-file"  # URL or document reference: nothing to hash


@dataclass(frozen=True)
class Participant:
    name: str
    role: str | None = None
    organisation: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Session:
    """One run of a scenario at a site."""

    id: str
    site: str
    mode: Mode
    scenario_id: str
    scenario_version: str
    scenario_title: str
    persona: str
    lead: str | None
    seed: int
    state: SessionState
    started_at: datetime
    finished_at: datetime | None
    address: str | None = None
    participants: tuple[Participant, ...] = ()


@dataclass(frozen=True)
class ScriptEntry:
    """One question of a session's script, as frozen when it was drawn (or added as a probe)."""

    position: int
    section: int  # index into the frozen scenario's agenda
    area: str
    question_id: str
    bank_id: str
    bank_version: str
    content_hash: str  # keys the question's frozen content
    prompt: str
    id: int | None = None
    parent_question_id: str | None = None  # set for a follow-up probe: the question that triggered it

    @property
    def is_probe(self) -> bool:
        return self.parent_question_id is not None


@dataclass(frozen=True)
class Response:
    """The saved, audited answer to one question. ``status`` is None while only text was saved."""

    id: int
    session_id: str
    question_id: str
    status: ResponseStatus | None
    text: str | None
    notes: str | None
    answered_by: str | None
    key_points_hit: tuple[str, ...]
    seconds_taken: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class EvidenceLink:
    """A file (path, size and SHA-256 at link time), a URL or a document reference."""

    id: int
    session_id: str
    response_id: int | None
    kind: EvidenceKind
    description: str | None
    path: str | None = None
    size: int | None = None
    sha256: str | None = None
    url: str | None = None
    doc_id: str | None = None
    doc_title: str | None = None
    doc_version: str | None = None
    requested_at: datetime | None = None
    shown_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def label(self) -> str:
        if self.kind is EvidenceKind.FILE:
            return self.path or ""
        if self.kind is EvidenceKind.URL:
            return self.url or ""
        version = f" ({self.doc_version})" if self.doc_version else ""
        return f"{self.doc_id}{version}: {self.doc_title or ''}".rstrip(": ")


@dataclass(frozen=True)
class EvidenceInput:
    """What the caller gives to link evidence; the service fills in size and hash."""

    kind: EvidenceKind
    path: str | None = None
    url: str | None = None
    doc_id: str | None = None
    doc_title: str | None = None
    doc_version: str | None = None
    description: str | None = None
    requested_at: datetime | None = None
    shown_at: datetime | None = None
    size: int | None = None  # filled in by hashing the file (off the GUI thread)
    sha256: str | None = None


@dataclass(frozen=True)
class EvidenceCheck:
    link: EvidenceLink
    state: EvidenceState
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class DocumentRequest:
    id: int
    session_id: str
    description: str
    status: DocumentRequestStatus
    requested_at: datetime
    question_id: str | None = None
    due_at: datetime | None = None
    delivered_at: datetime | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Finding:
    id: int
    session_id: str
    title: str
    grade: Grade
    status: FindingStatus
    text: str | None = None
    severity: int | None = None
    occurrence: int | None = None
    detectability: int | None = None
    citations: tuple[str, ...] = ()
    capa: str | None = None
    root_cause: str | None = None
    repeat_of_id: int | None = None
    systemic: bool = False  # the lead marked it systemic, not isolated
    response_ids: tuple[int, ...] = ()
    evidence_ids: tuple[int, ...] = ()
    question_ids: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def priority(self) -> int | None:
        """The risk priority number: severity x occurrence x detectability."""
        if None in (self.severity, self.occurrence, self.detectability):
            return None
        return self.severity * self.occurrence * self.detectability  # type: ignore[operator]


@dataclass(frozen=True)
class Draft:
    """Typing saved within a second but not yet committed (unaudited); offered back on reopening."""

    session_id: str
    question_id: str
    text: str | None
    notes: str | None
    answered_by: str | None
    saved_at: datetime


class Unset(Enum):
    """A patch field left out (keep the current value), as opposed to None (clear it)."""

    UNSET = "unset"


UNSET = Unset.UNSET


class _Patch:
    """A typed set of changes: fields left as ``UNSET`` are not changed."""

    def changes(self) -> dict[str, Any]:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not UNSET}  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self.changes())


@dataclass(frozen=True)
class ResponsePatch(_Patch):
    status: ResponseStatus | Unset | None = UNSET
    text: str | Unset | None = UNSET
    notes: str | Unset | None = UNSET
    answered_by: str | Unset | None = UNSET
    key_points_hit: tuple[str, ...] | Unset = UNSET
    seconds_taken: int | Unset | None = UNSET


@dataclass(frozen=True)
class DraftPatch(_Patch):
    text: str | Unset | None = UNSET
    notes: str | Unset | None = UNSET
    answered_by: str | Unset | None = UNSET


@dataclass(frozen=True)
class SessionPatch(_Patch):
    site: str | Unset = UNSET
    address: str | Unset | None = UNSET
    lead: str | Unset | None = UNSET


@dataclass(frozen=True)
class RequestPatch(_Patch):
    description: str | Unset = UNSET
    status: DocumentRequestStatus | Unset = UNSET
    notes: str | Unset | None = UNSET
    due_at: datetime | Unset | None = UNSET
    delivered_at: datetime | Unset | None = UNSET


@dataclass(frozen=True)
class FindingPatch(_Patch):
    title: str | Unset = UNSET
    text: str | Unset | None = UNSET
    grade: Grade | Unset = UNSET
    severity: int | Unset | None = UNSET
    occurrence: int | Unset | None = UNSET
    detectability: int | Unset | None = UNSET
    citations: tuple[str, ...] | Unset = UNSET
    capa: str | Unset | None = UNSET
    root_cause: str | Unset | None = UNSET
    status: FindingStatus | Unset = UNSET
    repeat_of_id: int | Unset | None = UNSET
    systemic: bool | Unset = UNSET


@dataclass(frozen=True)
class SessionListItem:
    id: str
    site: str
    mode: Mode
    scenario_id: str
    persona: str
    state: SessionState
    started_at: datetime
    questions: int
    answered: int
    findings: int
    finished_at: datetime | None = None
    scenario_title: str = ""
    findings_by_grade: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionCounts:
    """The aggregates a summary needs, as the store counts them."""

    questions: int
    answered: int
    by_status: dict[str, int]
    by_area: dict[str, dict[str, int]]  # area -> status (or "unanswered") -> count
    findings_by_grade: dict[str, int]
    findings_open: int
    document_requests: dict[str, int]
    evidence: int


@dataclass(frozen=True)
class SessionSummary:
    session: Session
    counts: SessionCounts
    findings: tuple[Finding, ...]
    outcome: str | None = None
    outcome_label: str | None = None
    outcome_note: str | None = None
    risk_levels: dict[int, str] = field(default_factory=dict)  # finding id -> level id
    outcome_prompts: tuple[str, ...] = ()  # what the persona's rules ask the lead to consider


@dataclass(frozen=True)
class SessionSnapshot:
    """Everything the interview screen, its header and the report need, read in one transaction.

    ``questions`` maps a script entry's ``content_hash`` to the frozen question; ``scenario``
    is None only for a session recorded before content was frozen (schema 0002 and older).
    """

    session: Session
    scenario: FrozenScenario | None
    script: tuple[ScriptEntry, ...]
    questions: FrozenQuestions  # by content hash, parsed on first look-up
    responses: Mapping[str, Response]  # by question id
    drafts: Mapping[str, Draft]  # by question id: typing not yet committed
    evidence: tuple[EvidenceLink, ...]
    requests: tuple[DocumentRequest, ...]
    findings: tuple[Finding, ...]
    counts: SessionCounts
    trail_head: TrailHead  # of the whole database: what a report prints as its anchor
    session_trail: TrailHead  # this session's own records: how many, and the newest hash

    def question(self, entry: ScriptEntry) -> FrozenQuestion | None:
        return self.questions.get(entry.content_hash)

    def entry(self, question_id: str) -> ScriptEntry | None:
        return next((e for e in self.script if e.question_id == question_id), None)
