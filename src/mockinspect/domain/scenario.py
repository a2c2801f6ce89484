"""Scenarios: a scripted mock inspection — who inspects, the agenda, which questions to draw."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from mockinspect.domain.bank import (
    Applicability,
    Identifier,
    Question,
    Region,
    StrictBool,
    StrictInt,
    StrictModel,
    Text,
    Version,
    Where,
)


class Persona(StrEnum):
    """Who is inspecting; sets the grading words, the tone and the outcome rules."""

    FDA = "fda"
    EU = "eu"
    MHRA = "mhra"
    PICS = "pics"
    SPONSOR = "sponsor"


PERSONA_TITLES = {
    Persona.FDA: "FDA investigator (CBER)",
    Persona.EU: "EU/EMA GMP inspector",
    Persona.MHRA: "MHRA GMP inspector",
    Persona.PICS: "PIC/S participating authority inspector (e.g. TGA, Health Canada, Swissmedic)",
    Persona.SPONSOR: "Sponsor or QP auditor",
}


# Whose rules a persona inspects against; a question limited to other regions is not drawn.
PERSONA_REGIONS: dict[Persona, tuple[Region, ...]] = {
    Persona.FDA: (Region.US,),
    Persona.EU: (Region.EU,),
    Persona.MHRA: (Region.UK,),
    Persona.PICS: (Region.PICS,),
    Persona.SPONSOR: (),
}


class AgendaSection(StrictModel):
    """One block of the inspection agenda: a day, a title, the areas covered and a time box."""

    title: Text
    day: StrictInt = Field(1, ge=1, le=30)
    areas: list[Identifier] = Field(min_length=1)
    minutes: StrictInt = Field(ge=5, le=600, description="Time box for this section.")


class DrawRules(StrictModel):
    """Which questions to draw for each agenda area."""

    banks: list[Identifier] = Field(default_factory=list, description="Bank ids; empty: every bank.")
    tags: list[Identifier] = Field(default_factory=list, description="Only questions with any of these tags.")
    per_area: StrictInt = Field(5, ge=1, le=200, description="How many questions to draw per area.")
    include: list[Identifier] = Field(default_factory=list, description="Questions always asked.")
    exclude: list[Identifier] = Field(default_factory=list, description="Questions never asked.")
    seed: StrictInt = Field(
        0, ge=0, le=2**63 - 1, description="The default random seed (fits in 64 bits); a session may give its own."
    )


class DocumentRequestDrill(StrictModel):
    """How fast the persona expects requested records to be produced."""

    enabled: StrictBool = True
    expected_minutes: StrictInt = Field(30, ge=1, le=1440)


class TrainingSettings(StrictModel):
    seconds_per_question: StrictInt = Field(120, ge=10, le=3600)
    think_seconds: StrictInt = Field(3, ge=0, le=60)


class Scenario(StrictModel):
    schema_ref: str | None = Field(None, alias="$schema")
    kind: Literal["scenario"]
    format: Literal[1, 2] = Field(1, description="The file format's version (1 if left out).")
    id: Identifier
    title: Text
    version: Version
    description: Text | None = None
    persona: Persona
    applicability: list[Applicability] = Field(
        default_factory=list, description="The site's product types; questions for other types are not drawn."
    )
    where: Where = Field(
        default_factory=Where,
        description="The site and inspection: questions that apply elsewhere are not drawn. "
        "regions left empty: the persona's own (fda: us, eu: eu, mhra: uk, pics: pics).",
    )
    agenda: list[AgendaSection] = Field(min_length=1)
    draw: DrawRules = Field(default_factory=DrawRules)
    document_requests: DocumentRequestDrill = Field(default_factory=DocumentRequestDrill)
    training: TrainingSettings = Field(default_factory=TrainingSettings)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def site(self) -> Where:
        """``where`` with the persona's regions filled in when it lists none."""
        if self.where.regions:
            return self.where
        return self.where.model_copy(update={"regions": list(PERSONA_REGIONS[self.persona])})

    def admits(self, question: Question) -> bool:
        """Whether a question may be drawn: product types (format 1) and ``where`` (format 2)."""
        return question.applies_to(frozenset(self.applicability)) and self.site().admits(question)

    @property
    def areas(self) -> list[str]:
        """Agenda areas in order, each once."""
        return list(dict.fromkeys(area for section in self.agenda for area in section.areas))
