"""Question banks: the inspector's questions, grouped by inspection area.

These pydantic models are the domain types, and also the format-1 file format (kept
loading so users' own banks do not break). Format 2 (``banks/format2.py``) is the
authoring format; it is converted into these same types. ``extra="forbid"`` makes a
mistyped key an error. Models are frozen; a loaded bank never changes.

A question frozen by a session (``Question.model_dump(mode="json")``) reads back with
``Question.model_validate``; format-1 JSON (evidence as plain text, two-key citations)
still validates, and ``content_hash`` ignores the format-2 fields while they are empty,
so a format-1 question keeps the hash it had.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    Strict,
    StringConstraints,
    field_validator,
    model_serializer,
)
from pydantic.json_schema import JsonSchemaValue

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+){0,2}$"
LANGUAGE_PATTERN = r"^[a-z]{2}(-[A-Z]{2})?$"
CITATION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*( .+)?$"

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
# The published schema says boolean and integer: a quoted "true" or "60" is refused, not coerced.
StrictBool = Annotated[bool, Strict()]
StrictInt = Annotated[int, Strict()]


class Grade(StrEnum):
    """How serious a deficiency is, in our own words; personas print their own terms."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    RECOMMENDATION = "recommendation"


class ResponseStatus(StrEnum):
    COMPLIANT = "compliant"
    OBSERVATION = "observation"
    DEFICIENT = "deficient"
    NOT_APPLICABLE = "not-applicable"
    DEFERRED = "deferred"


class Applicability(StrEnum):
    """The product types a question applies to (none listed: it applies to all)."""

    CELL_THERAPY = "cell-therapy"
    GENE_THERAPY = "gene-therapy"
    VIRAL_VECTOR = "viral-vector"
    TISSUE_ENGINEERED = "tissue-engineered"
    BIOLOGIC = "biologic"
    STERILE = "sterile"


class Region(StrEnum):
    """Whose rules a requirement, key point, evidence item or citation belongs to."""

    US = "us"
    EU = "eu"
    UK = "uk"
    PICS = "pics"
    ICH = "ich"
    WHO = "who"
    ISO = "iso"


class Modality(StrEnum):
    AUTOLOGOUS_CELL = "autologous-cell"
    ALLOGENEIC_CELL = "allogeneic-cell"
    EX_VIVO_GENE_MODIFIED = "ex-vivo-gene-modified-cell"
    IN_VIVO_VIRAL_VECTOR = "in-vivo-viral-vector"
    VECTOR_STARTING_MATERIAL = "viral-vector-starting-material"
    PLASMID_MRNA = "plasmid-or-mrna"
    TISSUE_ENGINEERED = "tissue-engineered"
    MONOCLONAL_ANTIBODY = "monoclonal-antibody"
    VACCINE = "vaccine"
    OTHER_BIOLOGIC = "other-biologic"


class Process(StrEnum):
    OPEN = "open"
    FUNCTIONALLY_CLOSED = "functionally-closed"
    CLOSED = "closed"
    ISOLATOR = "isolator"
    CRYOPRESERVED = "cryopreserved"
    FRESH = "fresh"


class SiteType(StrEnum):
    IN_HOUSE = "in-house"
    CDMO = "cdmo"
    QC_LAB_ONLY = "qc-lab-only"
    COLLECTION_CENTRE = "collection-centre"
    IMPORTER_QP = "importer-qp-site"
    POINT_OF_CARE = "point-of-care"


class Phase(StrEnum):
    EARLY_CLINICAL = "early-clinical"
    LATE_CLINICAL = "late-clinical"
    COMMERCIAL = "commercial"


class InspectionType(StrEnum):
    PRE_LICENCE = "pre-licence"
    SURVEILLANCE = "surveillance"
    FOR_CAUSE = "for-cause"
    FOLLOW_UP = "follow-up"


class Alcoa(StrEnum):
    ATTRIBUTABLE = "attributable"
    LEGIBLE = "legible"
    CONTEMPORANEOUS = "contemporaneous"
    ORIGINAL = "original"
    ACCURATE = "accurate"
    COMPLETE = "complete"
    CONSISTENT = "consistent"
    ENDURING = "enduring"
    AVAILABLE = "available"


class FdaSystem(StrEnum):
    """The six systems of FDA's systems-based inspection model."""

    QUALITY = "quality"
    FACILITIES_EQUIPMENT = "facilities-equipment"
    MATERIALS = "materials"
    PRODUCTION = "production"
    PACKAGING_LABELING = "packaging-labeling"
    LABORATORY = "laboratory"


class EvidenceType(StrEnum):
    PROCEDURE = "procedure"
    RECORD = "record"
    LIST = "list"
    LIVE_DEMO = "live-demo"
    INTERVIEW = "interview"


class Turnaround(StrEnum):
    """How fast a requested item is expected; the persona turns this into minutes."""

    IMMEDIATE = "immediate"
    CONTROLLED_DOCUMENT = "controlled-document"
    ON_SITE_RECORD = "on-site-record"
    LIST = "list"
    SYSTEM_REPORT = "system-report"
    ARCHIVED = "archived"


class CitationRole(StrEnum):
    REQUIREMENT = "requirement"
    EXPECTATION = "expectation"
    GRADING = "grading"


class Location(StrEnum):
    FLOOR = "floor"
    OFFICE = "office"
    TERMINAL = "terminal"
    LABORATORY = "laboratory"
    WAREHOUSE = "warehouse"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    RETIRED = "retired"


class Difficulty(StrEnum):
    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Jurisdiction(StrEnum):
    US = "us"
    EU = "eu"
    UK = "uk"
    PICS = "pics"
    ICH = "ich"
    WHO = "who"
    ISO = "iso"


class DocumentKind(StrEnum):
    REGULATION = "regulation"
    GUIDELINE = "guideline"
    GUIDANCE = "guidance"
    STANDARD = "standard"
    QA = "q-and-a"


class Verified(StrictModel):
    """Which edition of a document was checked, and when (ISO date)."""

    edition: Text
    on: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")]
    by: Text | None = None


class Document(StrictModel):
    """A document the questions cite: a regulation, guideline or standard."""

    id: Identifier = Field(description="Short stable id used in citations, e.g. EU-GMP-Annex-11.")
    title: Text
    issuer: Text | None = Field(None, description="Who publishes it, e.g. European Commission, FDA, PIC/S.")
    reference: Text | None = Field(None, description="The official identifier, e.g. 21 CFR Part 11, PE 009-17.")
    edition: Text | None = Field(None, description="The edition or date in force, e.g. 'Rev 1, March 2018'.")
    jurisdiction: Jurisdiction | None = None
    kind: DocumentKind | None = None
    binding: StrictBool | None = Field(None, description="true for law (regulations, binding GMP texts).")
    superseded_by: Identifier | None = None
    verified: Verified | None = None
    note: Text | None = None


class Area(StrictModel):
    """An inspection area: the part of the site or quality system being looked at."""

    id: Identifier
    title: Text
    description: Text | None = None


def split_citation(text: str) -> dict[str, str]:
    """``"21-CFR-211 211.192"`` -> ``{"doc": "21-CFR-211", "clause": "211.192"}`` (clause optional)."""
    doc, _, clause = text.strip().partition(" ")
    out = {"doc": doc}
    if clause.strip():
        out["clause"] = clause.strip()
    return out


def short_forms(citations: Any = None, evidence: Any = None) -> tuple[Any, Any]:
    """The one-line forms as mappings: ``"DOC clause"`` citations and plain-text evidence.

    Done once per list (a field validator) rather than per item, which keeps loading a
    10,000-question bank from paying a Python call for every citation and record.
    """
    if isinstance(citations, list):
        citations = [split_citation(c) if isinstance(c, str) else c for c in citations]
    if isinstance(evidence, list):
        evidence = [{"what": e} if isinstance(e, str) else e for e in evidence]
    return citations, evidence


class Citation(StrictModel):
    """A document and clause; in a question's list the one-line form ``"DOC-ID clause"`` is accepted too."""

    doc: Identifier = Field(description="The id of a document in the registry or under 'documents'.")
    clause: Text | None = Field(None, description="Section, clause or paragraph, at the depth you are sure of.")
    role: CitationRole | None = Field(None, description="requirement, expectation or grading (basis for the grade).")
    regions: list[Region] = Field(default_factory=list, description="Whose rules; empty: everyone's.")
    note: Text | None = None

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        short = {"type": "string", "pattern": CITATION_PATTERN, "description": 'One line: "DOC-ID clause".'}
        return {"anyOf": [short, handler(core_schema)]}

    def short(self) -> str:
        return f"{self.doc} {self.clause}" if self.clause else self.doc


class KeyPoint(StrictModel):
    """One thing a good answer covers; training mode scores answers against these."""

    id: Identifier
    text: Text
    terms: list[list[Text]] = Field(
        default_factory=list,
        description="Groups of alternative words; the point is found when one word of every group is in the answer. "
        "Left out: the words of the text are the matcher's fallback.",
    )
    regions: list[Region] = Field(default_factory=list)


class Evidence(StrictModel):
    """A record the inspector asks to see; in a question's list plain text is the same as ``{what: text}``."""

    what: Text
    type: EvidenceType | None = None
    sample: Text | None = Field(None, description="Which ones, e.g. 'last 3 released lots, one with a deviation'.")
    turnaround: Turnaround | None = None
    regions: list[Region] = Field(default_factory=list)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"anyOf": [{"type": "string", "minLength": 1}, handler(core_schema)]}

    @model_serializer(mode="wrap")
    def _compact(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict) and not any(v not in (None, []) for k, v in data.items() if k != "what"):
            return data["what"]
        return data

    def __str__(self) -> str:
        return self.what


class FollowUpWhen(StrictModel):
    """When a probe is asked. ``match: any`` (the default): a listed status, or any listed key
    point missed. ``match: all``: the status is the listed one and every listed key point was missed."""

    status: list[ResponseStatus] = Field(default_factory=list)
    missed_key_points: list[Identifier] = Field(default_factory=list)
    match: Literal["any", "all"] = "any"


class FollowUp(StrictModel):
    ask: Identifier = Field(description="The id of the question to ask next.")
    when: FollowUpWhen | None = Field(None, description="Left out: always asked after this question.")


class Governance(StrictModel):
    """Who wrote and reviewed a question, and its state."""

    author: Text | None = None
    reviewer: Text | None = None
    status: ReviewStatus = ReviewStatus.DRAFT
    last_reviewed: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | None = None


# Format-2 fields of Question; left out of the content hash while empty, so a format-1
# question keeps the hash a session recorded for it.
FORMAT2_FIELDS = (
    "regions",
    "modality",
    "process",
    "site",
    "requires",
    "phase",
    "inspection",
    "escalate",
    "observation",
    "alcoa",
    "fda_system",
    "time_minutes",
    "respondent",
    "location",
    "sampling",
    "parent",
    "governance",
)
_NESTED_FORMAT2 = ("role", "regions", "note", "match")


def _drop_empty(value: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {
            k: _drop_empty(v, keys)
            for k, v in value.items()
            if not (k in keys and (v in (None, [], {}) or (k == "match" and v == "any")))
        }
    if isinstance(value, list):
        return [_drop_empty(v, keys) for v in value]
    return value


class Question(StrictModel):
    id: Identifier
    area: Identifier = Field(description="The id of an area listed under 'areas'.")
    prompt: Text = Field(description="The question in the inspector's words.")
    intent: Text = Field(description="Why inspectors ask it.")
    guidance: Text = Field(description="What a good answer and good practice look like.")
    key_points: list[KeyPoint] = Field(default_factory=list)
    expected_evidence: list[Evidence] = Field(default_factory=list, description="Records the inspector asks to see.")
    follow_ups: list[FollowUp] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    default_grade: Grade = Field(description="The grade a finding raised here usually takes.")
    tags: list[Identifier] = Field(default_factory=list)
    applicability: list[Applicability] = Field(default_factory=list)
    difficulty: Difficulty = Difficulty.INTERMEDIATE
    follow_up_only: StrictBool = Field(False, description="Asked only as a follow-up probe, never drawn on its own.")
    # Format 2: where it applies (empty: everywhere), grading, the report, the interview.
    regions: list[Region] = Field(default_factory=list)
    modality: list[Modality] = Field(default_factory=list)
    process: list[Process] = Field(default_factory=list)
    site: list[SiteType] = Field(default_factory=list)
    requires: list[Identifier] = Field(default_factory=list, description="Site capabilities, e.g. cds, ebr.")
    phase: list[Phase] = Field(default_factory=list)
    inspection: list[InspectionType] = Field(default_factory=list)
    escalate: dict[Grade, Text] = Field(default_factory=dict, description="Grade -> when a finding takes it.")
    observation: Text | None = Field(None, description="A finding's wording in report style, with [placeholders].")
    alcoa: list[Alcoa] = Field(default_factory=list)
    fda_system: FdaSystem | None = None
    time_minutes: StrictInt | None = Field(None, ge=1, le=480)
    respondent: list[Identifier] = Field(default_factory=list)
    location: Location | None = None
    sampling: Text | None = Field(None, description="How the inspector picks the sample.")
    parent: Identifier | None = Field(None, description="For an inline probe: the question it belongs to.")
    governance: Governance | None = None

    @field_validator("citations", mode="before")
    @classmethod
    def _short_citations(cls, value: Any) -> Any:
        return short_forms(citations=value)[0]

    @field_validator("expected_evidence", mode="before")
    @classmethod
    def _plain_evidence(cls, value: Any) -> Any:
        return short_forms(evidence=value)[1]

    def content_hash(self) -> str:
        """SHA-256 of the question's content; a session freezes it with the script."""
        data = self.model_dump(mode="json")
        for name in FORMAT2_FIELDS:
            if data.get(name) in (None, [], {}):
                data.pop(name, None)
        data = _drop_empty(data, _NESTED_FORMAT2)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def applies_to(self, products: set[Applicability] | frozenset[Applicability]) -> bool:
        return not self.applicability or not products or bool(products & set(self.applicability))

    def for_regions(
        self, regions: Sequence[Region | str], documents: Mapping[str, Document] | None = None
    ) -> Question:
        """The question as an inspector of ``regions`` shows it.

        Key points and evidence limited to other regions are left out; citations are kept
        but ordered: the inspector's own jurisdiction first, then international texts
        (ICH, WHO, ISO, or no jurisdiction known), then other regions'. A citation's region
        is its own ``regions``, else its document's jurisdiction. No regions: unchanged.
        """
        wanted = {Region(r) for r in regions}
        if not wanted:
            return self
        docs = documents or {}

        def rank(c: Citation) -> int:
            own = set(c.regions)
            document = docs.get(c.doc)
            if not own and document is not None and document.jurisdiction is not None:
                own = {Region(document.jurisdiction.value)}
            if own & wanted:
                return 0
            return 1 if not own or own <= {Region.ICH, Region.WHO, Region.ISO} else 2

        return self.model_copy(
            update={
                "key_points": [k for k in self.key_points if not k.regions or wanted & set(k.regions)],
                "expected_evidence": [e for e in self.expected_evidence if not e.regions or wanted & set(e.regions)],
                "citations": sorted(self.citations, key=rank),
            }
        )

    def fits(self, where: Where) -> bool:
        """Whether the question applies to a site and inspection described by ``where``."""
        return where.admits(self)


class Where(StrictModel):
    """A site and an inspection, for filtering questions: an empty list means 'any'.

    A question is kept when, for every attribute both sides list, they share a value;
    ``requires`` is different: every capability the question requires must be listed.
    """

    regions: list[Region] = Field(default_factory=list)
    modality: list[Modality] = Field(default_factory=list)
    process: list[Process] = Field(default_factory=list)
    site: list[SiteType] = Field(default_factory=list)
    capabilities: list[Identifier] = Field(default_factory=list)
    phase: list[Phase] = Field(default_factory=list)
    inspection: list[InspectionType] = Field(default_factory=list)

    def admits(self, q: Question) -> bool:
        for name in ("regions", "modality", "process", "site", "phase", "inspection"):
            mine, theirs = getattr(self, name), getattr(q, name)
            if mine and theirs and not set(mine) & set(theirs):
                return False
        return not (self.capabilities and q.requires and not set(q.requires) <= set(self.capabilities))


class Bank(StrictModel):
    """A versioned question bank."""

    schema_ref: str | None = Field(None, alias="$schema", description="Optional link to the JSON Schema.")
    kind: Literal["bank"]
    format: Literal[1, 2] = Field(1, description="The file format's version (1 if left out).")
    id: Identifier
    title: Text
    version: Version = Field(description="major.minor.patch; the newest version of a bank id is used.")
    description: Text | None = None
    language: Language = "en"
    documents: list[Document] = Field(default_factory=list)
    areas: list[Area] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def version_key(version: str) -> tuple[int, int, int]:
    """Sortable form of a ``major.minor.patch`` version (missing parts count as 0)."""
    parts = [int(p) for p in re.findall(r"\d+", version)][:3]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]
