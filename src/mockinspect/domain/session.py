"""Sessions and what is recorded in them: the frozen script, responses, evidence,
document requests and findings.

Plain frozen dataclasses: the store returns these, services pass them on, the window and
the report read them. Nothing here knows about SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.engine import ScriptItem


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


# A session's frozen script is exactly what the engine drew: one type serves both.
ScriptEntry = ScriptItem


@dataclass(frozen=True)
class Response:
    id: int
    session_id: str
    question_id: str
    status: ResponseStatus
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
