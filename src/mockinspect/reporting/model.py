"""The report as plain data: what a findings report (or a training record) says, already
decided, ranked, rated and worded. ``ReportService.build`` fills it from one snapshot;
``reporting.pdf.build_pdf`` lays it out and decides nothing.

Frozen dataclasses only; imports the domain only (no reportlab, no store). Every text here is
shown exactly as typed: the layout escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Field:
    """A label/value pair of an identification grid."""

    label: str
    value: str


@dataclass(frozen=True)
class GradeCount:
    grade: str  # critical, major, minor, recommendation
    word: str  # in the persona's words
    count: int
    definition: str = ""


@dataclass(frozen=True)
class ReportEvidence:
    label: str  # path, URL or "DOC-ID (version): title"
    kind: str  # file, url, document
    state: str  # unchanged, changed, missing, not-a-file
    state_text: str  # what the state means, for the reader
    description: str = ""
    sha256: str = ""
    shown_at: datetime | None = None
    question_id: str = ""
    thumbnail: bytes | None = None  # a downscaled JPEG for image evidence
    thumbnail_size: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class LinkedAnswer:
    question_id: str
    prompt: str
    status: str
    answer: str
    answered_by: str = ""


@dataclass(frozen=True)
class ReportFinding:
    number: int  # once, in order of significance; the same in every table
    ref: str  # "1", shown as "Finding 1" / "Observation 1"
    title: str
    text: str  # "Specifically, ..."
    grade: str
    grade_word: str
    status: str  # open, corrected during inspection, closed
    area: str  # area title ("" when no answer is linked)
    citations: tuple[str, ...] = ()
    severity: int | None = None
    occurrence: int | None = None
    detectability: int | None = None
    priority: int | None = None
    level: str = ""  # risk level label
    level_colour: str = ""  # "#rrggbb"
    grade_warning: str = ""
    repeat: str = ""  # "Repeat of finding ... raised on ..." or ""
    systemic: bool = False
    capa: str = ""
    root_cause: str = ""
    response_due: date | None = None
    answers: tuple[LinkedAnswer, ...] = ()
    evidence: tuple[ReportEvidence, ...] = ()

    @property
    def is_recommendation(self) -> bool:
        return self.grade == "recommendation"


@dataclass(frozen=True)
class HeatCell:
    severity: int
    occurrence: int
    level: str
    colour: str
    findings: tuple[int, ...] = ()  # finding numbers in this cell


@dataclass(frozen=True)
class ScaleRow:
    value: int
    severity: str
    occurrence: str
    detectability: str


@dataclass(frozen=True)
class RiskPicture:
    method: str
    matrix_name: str
    severity_label: str
    occurrence_label: str
    detectability_label: str
    cells: tuple[HeatCell, ...]  # 25 cells, severity 5..1 by occurrence 1..5
    scales: tuple[ScaleRow, ...]
    levels: tuple[tuple[str, str, str], ...]  # (label, colour, description), lowest first
    unrated: tuple[int, ...] = ()  # finding numbers with no rating
    by_area: tuple[tuple[str, tuple[int, ...]], ...] = ()  # area title -> count per grade (grades order)


@dataclass(frozen=True)
class AreaCoverage:
    area: str
    title: str
    asked: int
    answered: int
    by_status: tuple[tuple[str, int], ...]  # status -> count, in a fixed order
    findings: int
    covered: bool


@dataclass(frozen=True)
class DocumentCoverage:
    document: str  # the citation's document
    questions: int
    answered: int
    findings: int
    covered: bool


@dataclass(frozen=True)
class NotCovered:
    what: str
    why: str


@dataclass(frozen=True)
class AgendaRow:
    day: int
    title: str
    areas: str
    minutes: int


@dataclass(frozen=True)
class RequestRow:
    number: int
    description: str
    question_id: str
    status: str
    requested_at: datetime
    due_at: datetime | None
    delivered_at: datetime | None
    lateness: str  # "on time", "late by 25 min", "not provided", "open"
    late: bool
    notes: str = ""


@dataclass(frozen=True)
class QuestionRow:
    number: str  # "12" or "12.1" for a probe
    question_id: str
    area: str
    prompt: str
    status: str
    answer: str
    answered_by: str
    notes: str = ""
    probe_of: str = ""
    evidence: tuple[str, ...] = ()
    findings: tuple[int, ...] = ()


@dataclass(frozen=True)
class SignOff:
    name: str
    role: str
    organisation: str = ""


@dataclass(frozen=True)
class TrainingArea:
    area: str
    questions: int
    key_points: int
    hit: int
    seconds: int
    missed: tuple[str, ...] = ()
    mean_score: float | None = None  # S over the area's scored items (None: nothing scored)
    passed: int = 0
    scored: int = 0  # items scored (not-applicable and unanswered left out)
    critical: int = 0


@dataclass(frozen=True)
class TrainingItem:
    """One question of a training record with its latest scored answer."""

    number: str  # "3", or "3.1" for a probe under question 3
    question_id: str
    area: str
    prompt: str
    result: str  # Pass, Fail, Fail (critical), Not applicable, Not answered
    passed: bool
    score: float | None = None
    dimensions: tuple[int, ...] = ()  # A..E, each 0..3
    attempts: int = 0
    seconds: float | None = None
    key_points: tuple[tuple[str, float, str], ...] = ()  # (text, credit, matched words)
    critical: tuple[str, ...] = ()  # the critical flags' reasons
    notes: tuple[str, ...] = ()  # other flags an assessor reads: hedges, bluffing, honest gap...
    answer: str = ""
    overridden: bool = False
    state: str = ""  # pass, fail, critical, not-applicable, not-answered, not-scored (the layout's colour)
    self_rating: str = ""  # "Self-rating 5/5, earned 2/5: over-confident" ("": not given)


@dataclass(frozen=True)
class TrainingOverride:
    question_id: str
    key_point: str
    change: str  # "0 -> 1"
    reason: str
    who: str
    at: datetime


@dataclass(frozen=True)
class TrainingRecord:
    trainee: str
    trainer: str
    areas: tuple[TrainingArea, ...]
    total_seconds: int
    seconds_per_question: int | None = None
    # The fields of a GMP training record (training brief §7): the form, the person, the training,
    # what was asked and how it was assessed, the result, and who reviews and signs it.
    form_id: str = ""
    form_version: str = ""
    record_id: str = ""
    employee_id: str = ""
    department: str = ""
    role: str = ""
    title: str = ""
    training_type: str = ""
    date: str = ""
    times: str = ""
    duration: str = ""
    inspection_date: str = ""
    banks: tuple[str, ...] = ()  # "id version: title"
    question_ids: tuple[str, ...] = ()
    sops: tuple[str, ...] = ()  # site documents the trainee named
    references: tuple[str, ...] = ()  # regulations and guidance the questions cite
    assessor: str = ""
    assessor_qualification: str = ""
    rubric: tuple[Field, ...] = ()  # dimension: weight and what 3 means
    pass_criteria: tuple[str, ...] = ()
    items: tuple[TrainingItem, ...] = ()
    scored: int = 0
    passed: int = 0
    not_applicable: int = 0
    unanswered: int = 0
    mean_score: float | None = None
    pass_rate: float | None = None
    critical: int = 0
    outcome: str = ""  # "Competent" / "Further practice required" / "Incomplete" / "Not assessed"
    outcome_state: str = ""  # competent, further-practice, incomplete, not-assessed
    outcome_reasons: tuple[str, ...] = ()
    overrides: tuple[TrainingOverride, ...] = ()
    effectiveness: tuple[str, ...] = ()  # the trainee's earlier sessions: the trend
    next_review: str = ""
    remedial: tuple[str, ...] = ()
    versions: tuple[Field, ...] = ()  # app, scorer, lexicon, rubric
    review_note: str = ""
    signatures: tuple[SignOff, ...] = ()  # role is the meaning of the signature
    alcoa: tuple[Field, ...] = ()
    scores_stored: bool = True  # False: an older session without stored scores (key points hit only)
    trainer_rating: int | None = None  # the assessor's optional global rating, 1-5
    trainer_comment: str = ""
    rated_by: str = ""  # "Dr. Anna Weber, 07 Dec 2026 09:12 UTC"
    self_assessment: str = ""  # the self-ratings summed up: how well the trainee judged their answers


@dataclass(frozen=True)
class Summary:
    scope: str
    counts: tuple[GradeCount, ...]
    verdict: str  # on the stated scale
    verdict_scale: str
    verdict_reason: str
    outcome_label: str
    outcome_description: str
    outcome_note: str  # "indicative": always printed
    strengths: tuple[str, ...]
    top_risks: tuple[str, ...]
    prompts: tuple[str, ...] = ()
    questions: int = 0
    answered: int = 0


@dataclass(frozen=True)
class ReportModel:
    """Everything the PDF prints, decided."""

    reference: str
    status: str  # "Draft" or "Final"
    title: str
    subtitle: str
    site: str
    mode: str  # audit or training
    persona: str
    persona_title: str
    scenario_title: str
    issued: date
    created: datetime  # the PDF's creation date (the session's finish, else its last change)
    app_version: str
    company: str
    identification: tuple[Field, ...]
    disclaimer: str
    confidentiality: str
    summary: Summary
    findings: tuple[ReportFinding, ...]
    grade_definitions: tuple[GradeCount, ...]
    ordering_note: str
    risk: RiskPicture
    agenda: tuple[AgendaRow, ...]
    areas: tuple[AreaCoverage, ...]
    documents: tuple[DocumentCoverage, ...]
    not_covered: tuple[NotCovered, ...]
    requests: tuple[RequestRow, ...]
    questions: tuple[QuestionRow, ...]
    response_deadline: str  # "15 business days: by 2026-12-18 (...)"
    signatories: tuple[SignOff, ...]
    distribution: tuple[str, ...]
    trail_records: int
    trail_head: str
    session_trail_records: int
    session_id: str
    form483: bool = False  # FDA persona: print the Form 483-style list
    training: TrainingRecord | None = None
    notes: tuple[str, ...] = ()  # caveats about the data (an old session without frozen content)
    keywords: tuple[str, ...] = field(default_factory=tuple)
    company_logo: bytes | None = None  # a downscaled JPEG from the settings, printed on the cover
    company_logo_size: tuple[int, int] = (0, 0)

    @property
    def deficiencies(self) -> tuple[ReportFinding, ...]:
        return tuple(f for f in self.findings if not f.is_recommendation)

    @property
    def recommendations(self) -> tuple[ReportFinding, ...]:
        return tuple(f for f in self.findings if f.is_recommendation)
