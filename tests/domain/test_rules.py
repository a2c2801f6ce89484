"""The inspector rules of issue 7: worked examples for each persona and the risk matrix,
read from the bundled rule files in resources/."""

from __future__ import annotations

from datetime import date

import pytest

from mockinspect.domain.bank import FdaSystem, Grade, Turnaround
from mockinspect.domain.outcome import FindingFacts, PersonaRules, RequestState
from mockinspect.domain.risk import RiskMatrix
from mockinspect.resources import resource

DATA = resource("personas").parent


def persona(name: str) -> PersonaRules:
    return PersonaRules.model_validate_json((DATA / "personas" / f"{name}.json").read_bytes())


def matrix() -> RiskMatrix:
    return RiskMatrix.model_validate_json((DATA / "risk" / "matrix.json").read_bytes())


F = FindingFacts


def test_fda_never_counts_findings():
    fda = persona("fda")
    ten_majors = [F(Grade.MAJOR, area=f"a{i}", system=FdaSystem.PRODUCTION) for i in range(10)]
    assert fda.assess(ten_majors).outcome.outcome == "VAI-or-OAI"
    assert fda.outcome({Grade.MAJOR: 3}).outcome == "VAI-or-OAI"  # "3 majors => OAI" is gone
    assert fda.assess([F(Grade.CRITICAL)]).outcome.outcome == "OAI"
    assert fda.assess([F(Grade.MAJOR, system=FdaSystem.LABORATORY, systemic=True)]).outcome.outcome == "OAI"
    assert fda.assess([F(Grade.MAJOR, system=FdaSystem.PRODUCTION, systemic=True)]).outcome.outcome == "VAI-or-OAI"
    assert fda.assess([F(Grade.MINOR, repeat=True, ref="F-2")]).outcome.outcome == "OAI"
    assert fda.assess([F(Grade.RECOMMENDATION)]).outcome.outcome == "NAI"
    assert fda.assess([]).outcome.outcome == "NAI"
    assert "internal rating" in fda.word(Grade.MAJOR) and "does not grade" in fda.ordering_note


def test_fda_pre_licence_outcome_set():
    fda = persona("fda")
    assert fda.assess([F(Grade.MAJOR)], pre_licence=True).pre_licence.outcome == "withhold"
    assert fda.assess([F(Grade.MINOR)], pre_licence=True).pre_licence.outcome == "approval-recommended"
    assert fda.assess([F(Grade.MINOR)]).pre_licence is None


@pytest.mark.parametrize("name", ["fda", "eu", "mhra", "pics", "sponsor"])
def test_every_persona_escalates_repeats_and_sources_its_thresholds(name):
    rules = persona(name)
    result = rules.assess([F(Grade.MAJOR, area="qc", repeat=True, ref="F-1")])
    assert any("F-1 repeats an earlier finding" in p for p in result.prompts)
    assert rules.sources and all(rule.source for rule in rules.outcomes)
    assert rules.turnaround


@pytest.mark.parametrize("name", ["eu", "mhra", "pics", "sponsor"])
def test_cluster_rule_prompts_the_lead_per_area(name):
    rules = persona(name)
    spread = [F(Grade.MINOR, area=a) for a in ("a", "b", "c")]
    assert not any("consider whether together" in p for p in rules.assess(spread).prompts)
    together = [F(Grade.MINOR, area="qc-laboratory-data") for _ in range(3)]
    prompts = rules.assess(together).prompts
    assert any("3" in p and "qc-laboratory-data" in p and "one major" in p for p in prompts)


def test_mhra_deadline_depends_on_the_grade():
    mhra = persona("mhra")
    closing = date(2026, 3, 2)
    assert mhra.response_due(closing, Grade.CRITICAL) == date(2026, 3, 16)
    assert mhra.response_due(closing, Grade.MAJOR) == date(2026, 3, 30)
    assert "containment" in mhra.deadline(Grade.CRITICAL).note
    assert mhra.assess([F(Grade.CRITICAL)]).outcome.outcome == "iag-referral"
    assert any("immediate containment" in p for p in mhra.assess([F(Grade.CRITICAL)]).prompts)


def test_fda_483_deadline_is_15_business_days():
    assert persona("fda").response_due(date(2026, 3, 6)) == date(2026, 3, 27)


def test_turnaround_late_is_a_growing_risk():
    fda = persona("fda")
    assert fda.request_state(Turnaround.CONTROLLED_DOCUMENT, 10) is RequestState.ON_TIME
    assert fda.request_state(Turnaround.CONTROLLED_DOCUMENT, 20) is RequestState.LATE
    assert fda.request_state(Turnaround.CONTROLLED_DOCUMENT, 45) is RequestState.SERIOUSLY_LATE
    assert fda.request_state(Turnaround.CONTROLLED_DOCUMENT, 150) is RequestState.DELAYING
    assert persona("eu").request_state(Turnaround.LIST, 500) is RequestState.ON_TIME  # requested beforehand


def test_severity_floor():
    m = matrix()
    assert m.level(5, 1).id == "high"  # was medium: a single wrong-patient event never ranks medium
    assert m.level(4, 1).id == "medium"
    assert m.level(3, 1).id == "low"
    assert m.level(5, 5).id == "very-high"
    rating = m.rate(5, 1, 1)
    assert rating.level.id == "high" and rating.priority == 5


def test_relabelled_scales_and_grade_risk_warning():
    m = matrix()
    assert m.label("occurrence") == "Extent"
    assert m.occurrence[0].label == "Isolated" and m.occurrence[4].label == "Systemic"
    assert "before release or administration" in m.detectability[0].description
    assert m.grade_warning(Grade.CRITICAL, m.level(1, 1)) is not None
    assert m.grade_warning(Grade.MINOR, m.level(5, 5)) is not None
    assert m.grade_warning(Grade.MAJOR, m.level(4, 3)) is None
    assert set(m.sources) >= {"bands", "severity_floor", "grade_levels"}
