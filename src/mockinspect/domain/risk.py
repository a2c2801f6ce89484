"""ICH Q9(R1)-style risk rating of findings.

Severity, occurrence and detectability are each rated 1-5. For a finding, "occurrence" is
shown as its *extent* (isolated, several records, systemic) and detectability as "would the
quality system catch it before release or administration?"; the field names stay. The
priority number is their product (1-125, used to rank findings). The risk level comes from
a severity x occurrence matrix, raised to a severity floor (a severity-5 finding is never
below high); matrix, floor and grade consistency are data (``resources/risk/matrix.json``,
replaceable by the user), because ICH Q9 prescribes no scale: this is a convention.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mockinspect.domain.bank import Grade

RATING_MIN = 1
RATING_MAX = 5


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleStep(_Model):
    value: int = Field(ge=RATING_MIN, le=RATING_MAX)
    label: str
    description: str = ""


class RiskLevel(_Model):
    id: str
    label: str
    colour: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    description: str = ""


class RiskMatrix(_Model):
    """A 5x5 severity x occurrence matrix; ``cells[s-1][o-1]`` is the level id."""

    name: str
    method: str = Field(description="How ratings are made, printed with the heat map.")
    severity: list[ScaleStep] = Field(min_length=RATING_MAX, max_length=RATING_MAX)
    occurrence: list[ScaleStep] = Field(min_length=RATING_MAX, max_length=RATING_MAX)
    detectability: list[ScaleStep] = Field(min_length=RATING_MAX, max_length=RATING_MAX)
    levels: list[RiskLevel] = Field(min_length=1, description="From lowest to highest.")
    cells: list[list[str]] = Field(description="Rows: severity 1..5; columns: occurrence 1..5.")
    labels: dict[str, str] = Field(
        default_factory=dict, description="Shown names of the scales, e.g. occurrence -> Extent."
    )
    severity_floor: dict[int, str] = Field(
        default_factory=dict, description="Severity -> the lowest level a finding of that severity can have."
    )
    grade_levels: dict[Grade, list[str]] = Field(
        default_factory=dict, description="Grade -> the levels consistent with it; others raise a warning."
    )
    sources: dict[str, str] = Field(default_factory=dict, description="Where each threshold comes from.")

    @model_validator(mode="after")
    def _check(self) -> RiskMatrix:
        ids = [level.id for level in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError("level ids must be unique")
        if len(self.cells) != RATING_MAX or any(len(row) != RATING_MAX for row in self.cells):
            raise ValueError(f"cells must be {RATING_MAX} rows of {RATING_MAX} level ids")
        unknown = sorted({cell for row in self.cells for cell in row} - set(ids))
        if unknown:
            raise ValueError(f"cells name unknown levels: {', '.join(unknown)}")
        for scale_name in ("severity", "occurrence", "detectability"):
            values = [step.value for step in getattr(self, scale_name)]
            if sorted(values) != list(range(RATING_MIN, RATING_MAX + 1)):
                raise ValueError(f"{scale_name} must describe each value 1-5 once")
        named = set(self.severity_floor.values()) | {lv for lvs in self.grade_levels.values() for lv in lvs}
        if named - set(ids):
            raise ValueError(f"unknown levels: {', '.join(sorted(named - set(ids)))}")
        if any(not RATING_MIN <= s <= RATING_MAX for s in self.severity_floor):
            raise ValueError("severity_floor keys must be severities 1-5")
        return self

    def level(self, severity: int, occurrence: int) -> RiskLevel:
        """The matrix cell, raised to the severity floor when the cell is lower."""
        check_rating("severity", severity)
        check_rating("occurrence", occurrence)
        level_id = self.cells[severity - 1][occurrence - 1]
        floor = self.severity_floor.get(severity)
        if floor is not None and self.rank(floor) > self.rank(level_id):
            level_id = floor
        return next(level for level in self.levels if level.id == level_id)

    def label(self, scale: str) -> str:
        """The shown name of a scale (``occurrence`` is shown as its relabelled name)."""
        return self.labels.get(scale, scale.capitalize())

    def grade_warning(self, grade: Grade | str, level: RiskLevel | str) -> str | None:
        """A warning when a grade and a risk level contradict each other (e.g. critical but low)."""
        allowed = self.grade_levels.get(Grade(grade))
        level_id = level if isinstance(level, str) else level.id
        if not allowed or level_id in allowed:
            return None
        label = next((lv.label for lv in self.levels if lv.id == level_id), level_id)
        return (
            f"A {Grade(grade).value} finding rated {label} risk: grade and risk disagree; "
            "check the ratings or the grade."
        )

    def rank(self, level_id: str) -> int:
        """0 for the lowest level; higher is worse."""
        return [level.id for level in self.levels].index(level_id)

    def rate(self, severity: int, occurrence: int, detectability: int) -> RiskRating:
        check_rating("detectability", detectability)
        return RiskRating(
            severity=severity,
            occurrence=occurrence,
            detectability=detectability,
            level=self.level(severity, occurrence),
        )


@dataclass(frozen=True)
class RiskRating:
    severity: int
    occurrence: int
    detectability: int
    level: RiskLevel

    @property
    def score(self) -> int:
        """The matrix score, severity x occurrence (1-25)."""
        return self.severity * self.occurrence

    @property
    def priority(self) -> int:
        """The risk priority number, severity x occurrence x detectability (1-125)."""
        return self.severity * self.occurrence * self.detectability


def check_rating(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise ValueError(f"{name} must be a whole number from {RATING_MIN} to {RATING_MAX}, not {value!r}")
