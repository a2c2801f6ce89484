"""Bank file format 2: the authoring format, converted into the domain's ``Bank``.

What format 2 adds over format 1 (docs/banks.md teaches it):
- ``sections`` with defaults (``area``, ``regions`` and the other applicability lists) for
  the questions under them, so no question repeats them;
- documents in a shared registry (``documents.yaml``); a bank may still declare its own;
- one-line citations ``"21-CFR-211 211.192"`` beside the mapping form with ``role``/``regions``/``note``;
- compact key points ``id: text`` (or ``id: {text, terms, regions}``);
- structured evidence (plain text, or ``{what, type, sample, turnaround, regions}``);
- inline ``probes`` under their question, ids derived from it (``DI-003-P1``), each with an
  explicit trigger: ``when: always``, ``{on: compliant}``, ``{any: [...]}`` or ``{all: [...]}``;
- grading (``grade``, ``escalate``, ``observation``), ALCOA+ and FDA-system tags, time,
  respondent, location, sampling and governance (``review``).

The conversion keeps a map from the domain's locations (``questions.4.citations.1``) to the
file's (``sections.0.questions.2.cite.1``), so every meaning-level problem found on the
domain bank is reported where the author wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from mockinspect.domain.bank import (
    Alcoa,
    Applicability,
    Area,
    Bank,
    Citation,
    Difficulty,
    Document,
    Evidence,
    FdaSystem,
    FollowUp,
    FollowUpWhen,
    Governance,
    Grade,
    Identifier,
    InspectionType,
    KeyPoint,
    Language,
    Location,
    Modality,
    Phase,
    Process,
    Question,
    Region,
    ResponseStatus,
    SiteType,
    StrictInt,
    StrictModel,
    Text,
    Version,
    short_forms,
)

# ---------------------------------------------------------------------------- file models


class Missed(StrictModel):
    """A trigger condition: this key point was missed."""

    missed: Identifier


Condition = ResponseStatus | Missed


class Trigger(StrictModel):
    """When a probe is asked: exactly one of ``on``, ``any`` or ``all``."""

    on: ResponseStatus | list[ResponseStatus] | None = Field(
        None, description="Asked when the answer has this status (or one of these), e.g. on: compliant to verify it."
    )
    any: list[Condition] | None = Field(None, min_length=1, description="Asked when any condition holds.")
    all: list[Condition] | None = Field(None, min_length=1, description="Asked when every condition holds.")

    @model_validator(mode="after")
    def _one(self) -> Trigger:
        given = [name for name in ("on", "any", "all") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'on', 'any' or 'all'")
        if self.all is not None and sum(1 for c in self.all if isinstance(c, ResponseStatus)) > 1:
            raise ValueError("'all' lists two statuses, but an answer has one status; use 'any'")
        return self


When = Literal["always"] | Trigger


class KeyPointBody(StrictModel):
    text: Text
    terms: list[list[Text]] = Field(default_factory=list, description="Optional term groups for scoring.")
    regions: list[Region] = Field(default_factory=list)


class FollowUpFile(StrictModel):
    """A follow-up to a question defined elsewhere (in this bank or, by full id, another bank)."""

    ask: Identifier
    when: When = "always"


_APPLIES = ("regions", "modality", "process", "site", "phase", "inspection")


class _Body(StrictModel):
    prompt: Text = Field(description="The question in the inspector's words.")
    guidance: Text = Field(description="What a good answer and good practice look like.")
    key_points: dict[Identifier, Text | KeyPointBody] = Field(
        default_factory=dict, description="What a good answer covers: id: text (or id: {text, terms, regions})."
    )
    terms: dict[Identifier, list[list[Text]]] = Field(
        default_factory=dict,
        description="Optional scoring terms per key point id: groups of alternatives, one word of every group "
        "must be in the answer. Without them the key point's own words are the matcher's fallback.",
    )
    evidence: list[Evidence] = Field(default_factory=list, description="Records to request (text or mapping).")
    cite: list[Citation] = Field(default_factory=list, description='Citations: "DOC clause" or a mapping.')
    escalate: dict[Grade, Text] = Field(default_factory=dict)
    observation: Text | None = None
    tags: list[Identifier] = Field(default_factory=list)
    alcoa: list[Alcoa] = Field(default_factory=list)
    fda_system: FdaSystem | None = None
    time_minutes: StrictInt | None = Field(None, ge=1, le=480)
    respondent: list[Identifier] = Field(default_factory=list)
    location: Location | None = None
    sampling: Text | None = None
    difficulty: Difficulty | None = None
    regions: list[Region] = Field(default_factory=list)
    modality: list[Modality] = Field(default_factory=list)
    process: list[Process] = Field(default_factory=list)
    site: list[SiteType] = Field(default_factory=list)
    requires: list[Identifier] = Field(default_factory=list)
    phase: list[Phase] = Field(default_factory=list)
    inspection: list[InspectionType] = Field(default_factory=list)
    applicability: list[Applicability] = Field(
        default_factory=list, description="Product types (format 1's list; prefer modality and process)."
    )
    review: Governance | None = None
    follow_ups: list[FollowUpFile] = Field(default_factory=list)

    @field_validator("cite", mode="before")
    @classmethod
    def _short_citations(cls, value: Any) -> Any:
        return short_forms(citations=value)[0]

    @field_validator("evidence", mode="before")
    @classmethod
    def _plain_evidence(cls, value: Any) -> Any:
        return short_forms(evidence=value)[1]


class ProbeFile(_Body):
    """A probe asked after its question; its id is the parent's plus -P1, -P2... unless given."""

    id: Identifier | None = None
    when: When
    intent: Text | None = Field(None, description="Left out: the parent's intent.")
    grade: Grade | None = Field(None, description="Left out: the parent's grade.")
    probes: list[ProbeFile] = Field(default_factory=list)


class QuestionFile(_Body):
    id: Identifier
    area: Identifier | None = Field(None, description="Left out: the section's area.")
    intent: Text = Field(description="Why inspectors ask it.")
    grade: Grade = Field(description="The grade a finding raised here usually takes.")
    probes: list[ProbeFile] = Field(default_factory=list)


class Section(StrictModel):
    """Questions sharing defaults: an area and where they apply."""

    title: Text | None = None
    area: Identifier | None = None
    regions: list[Region] = Field(default_factory=list)
    modality: list[Modality] = Field(default_factory=list)
    process: list[Process] = Field(default_factory=list)
    site: list[SiteType] = Field(default_factory=list)
    phase: list[Phase] = Field(default_factory=list)
    inspection: list[InspectionType] = Field(default_factory=list)
    fda_system: FdaSystem | None = None
    questions: list[QuestionFile] = Field(min_length=1)


class BankFile(StrictModel):
    """A question bank, format 2."""

    schema_ref: str | None = Field(None, alias="$schema", description="Optional link to the JSON Schema.")
    kind: Literal["bank"]
    format: Literal[2] = Field(description="2 for this format; files without it are read as format 1.")
    id: Identifier
    title: Text
    version: Version = Field(description="major.minor.patch; the newest version of a bank id is used.")
    description: Text | None = None
    language: Language = "en"
    documents: list[Document] = Field(
        default_factory=list, description="Documents only this bank cites; shared ones go in documents.yaml."
    )
    areas: list[Area] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DocumentRegistry(StrictModel):
    """``documents.yaml``: the documents every bank in a folder may cite by id."""

    schema_ref: str | None = Field(None, alias="$schema")
    kind: Literal["documents"]
    format: Literal[2] = 2
    documents: list[Document] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---------------------------------------------------------------------------- conversion

Loc = tuple[object, ...]

_RENAMED = {"citations": "cite", "expected_evidence": "evidence", "default_grade": "grade"}


@dataclass
class LocMap:
    """Where each domain question and follow-up was written in a format-2 file."""

    questions: list[Loc] = field(default_factory=list)
    areas: list[Loc] = field(default_factory=list)
    key_points: list[list[str]] = field(default_factory=list)
    follow_ups: dict[tuple[int, int], tuple[Loc, bool]] = field(default_factory=dict)  # (qi, fi) -> (loc, is_probe)

    def translate(self, loc: Loc) -> tuple[Loc, bool]:
        """The file location of a domain location, and whether to point at the key."""
        if len(loc) < 2 or loc[0] != "questions" or not isinstance(loc[1], int) or loc[1] >= len(self.questions):
            return loc, False
        qi = loc[1]
        prefix, rest = self.questions[qi], loc[2:]
        if not rest:
            return prefix, False
        name, tail = rest[0], rest[1:]
        if name == "area":
            return self.areas[qi], False
        if name == "key_points" and tail and isinstance(tail[0], int):
            ids = self.key_points[qi]
            kp = ids[tail[0]] if tail[0] < len(ids) else None
            return ((*prefix, "key_points", kp), True) if kp is not None else ((*prefix, "key_points"), False)
        if name == "follow_ups" and tail and isinstance(tail[0], int):
            where, is_probe = self.follow_ups.get((qi, tail[0]), ((*prefix, "follow_ups"), False))
            if is_probe:
                return ((*where, "when"), False) if tail[1:2] == ("when",) else (where, False)
            return (*where, *tail[1:]), False
        if name == "follow_up_only":
            return prefix, False
        return (*prefix, _RENAMED.get(str(name), name), *tail), False


def convert(file: BankFile) -> tuple[Bank, LocMap, list[tuple[Loc, str]]]:
    """The domain bank of a format-2 file, its location map, and (location, message) problems."""
    locs = LocMap()
    problems: list[tuple[Loc, str]] = []
    questions: list[Question] = []

    def add(
        body: QuestionFile | ProbeFile,
        at: Loc,
        qid: str,
        area: str,
        area_at: Loc,
        inherited: dict[str, Any],
        parent: Question | None,
    ) -> None:
        index = len(questions)
        questions.append(None)  # type: ignore[arg-type]  # placeholder, keeps depth-first order
        locs.questions.append(at)
        locs.areas.append(area_at)
        kp_ids = list(body.key_points)
        locs.key_points.append(kp_ids)
        key_points = [
            KeyPoint.model_construct(id=k, text=v, terms=body.terms.get(k, []), regions=[])
            if isinstance(v, str)
            else KeyPoint.model_construct(id=k, text=v.text, terms=v.terms or body.terms.get(k, []), regions=v.regions)
            for k, v in body.key_points.items()
        ]
        for k in body.terms:
            if k not in body.key_points:
                problems.append(((*at, "terms", k), f"{_dotted((*at, 'terms', k))}: '{k}' is not a key point here"))
        applies: dict[str, Any] = {
            name: list(getattr(body, name)) or list(inherited.get(name, [])) for name in _APPLIES
        }
        requires = list(body.requires) or list(inherited.get("requires", []))
        fda_system = body.fda_system or inherited.get("fda_system")
        if isinstance(body, QuestionFile):
            intent, grade = body.intent, body.grade
        else:
            assert parent is not None
            intent = body.intent or parent.intent
            grade = body.grade or parent.default_grade
        follow_ups: list[FollowUp] = []
        children: list[tuple[ProbeFile, str, Loc]] = []
        for pi, probe in enumerate(body.probes):
            pid = probe.id or f"{qid}-P{pi + 1}"
            follow_ups.append(FollowUp.model_construct(ask=pid, when=_when(probe.when)))
            locs.follow_ups[(index, len(follow_ups) - 1)] = ((*at, "probes", pi), True)
            children.append((probe, pid, (*at, "probes", pi)))
        for fi, fu in enumerate(body.follow_ups):
            follow_ups.append(FollowUp.model_construct(ask=fu.ask, when=_when(fu.when)))
            locs.follow_ups[(index, len(follow_ups) - 1)] = ((*at, "follow_ups", fi), False)
        question = Question.model_construct(
            id=qid,
            area=area,
            prompt=body.prompt,
            intent=intent,
            guidance=body.guidance,
            key_points=key_points,
            expected_evidence=list(body.evidence),
            follow_ups=follow_ups,
            citations=list(body.cite),
            default_grade=grade,
            tags=list(body.tags),
            applicability=list(body.applicability) or list(parent.applicability if parent else []),
            difficulty=body.difficulty or (parent.difficulty if parent else Difficulty.INTERMEDIATE),
            follow_up_only=parent is not None,
            requires=requires,
            escalate=dict(body.escalate),
            observation=body.observation,
            alcoa=list(body.alcoa),
            fda_system=fda_system,
            time_minutes=body.time_minutes,
            respondent=list(body.respondent),
            location=body.location,
            sampling=body.sampling,
            parent=parent.id if parent else None,
            governance=body.review,
            **applies,
        )
        questions[index] = question
        child_inherited = {**applies, "requires": requires, "fda_system": fda_system}
        for probe, pid, probe_at in children:
            add(probe, probe_at, pid, area, area_at, child_inherited, question)

    for si, section in enumerate(file.sections):
        inherited: dict[str, Any] = {name: getattr(section, name) for name in _APPLIES}
        inherited["fda_system"] = section.fda_system
        for qj, q in enumerate(section.questions):
            at: Loc = ("sections", si, "questions", qj)
            if q.area is not None:
                area, area_at = q.area, (*at, "area")
            elif section.area is not None:
                area, area_at = section.area, ("sections", si, "area")
            else:
                problems.append((at, f"{_dotted(at)}: no area (give 'area' here or on the section)"))
                continue
            add(q, at, q.id, area, area_at, inherited, None)

    bank = Bank.model_construct(
        schema_ref=None,
        kind="bank",
        format=2,
        id=file.id,
        title=file.title,
        version=file.version,
        description=file.description,
        language=file.language,
        documents=list(file.documents),
        areas=list(file.areas),
        questions=questions,
    )
    return bank, locs, problems


def _dotted(loc: Loc) -> str:
    return ".".join(str(p) for p in loc)


def _when(when: When) -> FollowUpWhen | None:
    if when == "always" or not isinstance(when, Trigger):
        return None
    if when.on is not None:
        statuses = [when.on] if isinstance(when.on, ResponseStatus) else list(when.on)
        return FollowUpWhen.model_construct(status=statuses, missed_key_points=[], match="any")
    conditions: Sequence[Condition] = when.any if when.any is not None else (when.all or [])
    return FollowUpWhen.model_construct(
        status=[c for c in conditions if isinstance(c, ResponseStatus)],
        missed_key_points=[c.missed for c in conditions if isinstance(c, Missed)],
        match="any" if when.any is not None else "all",
    )
