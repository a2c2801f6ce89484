"""Question banks: the inspector's questions, grouped by inspection area.

These pydantic models are both the domain types and the file format: ``extra="forbid"``
makes a mistyped key an error, and the JSON Schema published for authors is generated
from them (``mockinspect bank schema``). Models are frozen; a loaded bank never changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+){0,2}$"
LANGUAGE_PATTERN = r"^[a-z]{2}(-[A-Z]{2})?$"

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


class Difficulty(StrEnum):
    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Document(StrictModel):
    """A document the bank cites: a regulation, guideline or standard."""

    id: Identifier = Field(description="Short stable id used in citations, e.g. EU-GMP-Annex-11.")
    title: Text
    issuer: Text | None = Field(None, description="Who publishes it, e.g. European Commission, FDA, PIC/S.")
    reference: Text | None = Field(None, description="The official identifier, e.g. 21 CFR Part 11, PE 009-17.")


class Area(StrictModel):
    """An inspection area: the part of the site or quality system being looked at."""

    id: Identifier
    title: Text
    description: Text | None = None


class Citation(StrictModel):
    doc: Identifier = Field(description="The id of a document listed under 'documents'.")
    clause: Text | None = Field(None, description="Section, clause or paragraph, at the depth you are sure of.")


class KeyPoint(StrictModel):
    """One thing a good answer covers; training mode scores answers against these."""

    id: Identifier
    text: Text
    terms: list[list[Text]] = Field(
        default_factory=list,
        description="Groups of alternative words; the point is found when one word of every group is in the answer.",
    )


class FollowUpWhen(StrictModel):
    """When a follow-up probe is asked: any listed status, or any listed key point missed."""

    status: list[ResponseStatus] = Field(default_factory=list)
    missed_key_points: list[Identifier] = Field(default_factory=list)


class FollowUp(StrictModel):
    ask: Identifier = Field(description="The id of the question to ask next.")
    when: FollowUpWhen | None = Field(None, description="Left out: always asked after this question.")


class Question(StrictModel):
    id: Identifier
    area: Identifier = Field(description="The id of an area listed under 'areas'.")
    prompt: Text = Field(description="The question in the inspector's words.")
    intent: Text = Field(description="Why inspectors ask it.")
    guidance: Text = Field(description="What a good answer and good practice look like.")
    key_points: list[KeyPoint] = Field(default_factory=list)
    expected_evidence: list[Text] = Field(default_factory=list, description="Records the inspector asks to see.")
    follow_ups: list[FollowUp] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    default_grade: Grade = Field(description="The grade a finding raised here usually takes.")
    tags: list[Identifier] = Field(default_factory=list)
    applicability: list[Applicability] = Field(default_factory=list)
    difficulty: Difficulty = Difficulty.INTERMEDIATE
    follow_up_only: StrictBool = Field(False, description="Asked only as a follow-up probe, never drawn on its own.")

    def content_hash(self) -> str:
        """SHA-256 of the question's content; a session freezes it with the script."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def applies_to(self, products: set[Applicability] | frozenset[Applicability]) -> bool:
        return not self.applicability or not products or bool(products & set(self.applicability))


class Bank(StrictModel):
    """A versioned question bank."""

    schema_ref: str | None = Field(None, alias="$schema", description="Optional link to the JSON Schema.")
    kind: Literal["bank"]
    format: Literal[1] = Field(1, description="The file format's version (1 if left out).")
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
