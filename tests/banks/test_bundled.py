"""The banks and scenarios we ship: valid, substantial, and they give a real interview."""

from __future__ import annotations

from collections import Counter

from mockinspect.resources import question_banks_dir
from mockinspect.services.banks import BankService


def test_bundled_folder_validates_clean():
    assert BankService(include_user=False).validate([question_banks_dir()]) == []


def test_starter_bank_has_real_questions_in_every_area():
    catalogue = BankService(include_user=False).catalogue()
    bank = catalogue.banks["data-integrity"]
    primary = [q for q in bank.questions if not q.follow_up_only]
    assert len(primary) >= 15
    per_area = Counter(q.area for q in primary)
    assert set(per_area) == {a.id for a in bank.areas}
    for q in primary:
        assert q.citations, q.id
        assert q.key_points and q.expected_evidence, q.id
        assert q.prompt.rstrip().endswith(("?", ".")), q.id


def test_every_bundled_scenario_draws_for_every_area_the_same_way_twice():
    catalogue = BankService(include_user=False).catalogue()
    assert catalogue.scenarios
    for scenario in catalogue.scenarios.values():
        script = catalogue.script(scenario)
        assert {item.area for item in script} == set(scenario.areas), scenario.id
        assert catalogue.script(scenario) == script
        assert len({item.question_id for item in script}) == len(script)
        for area in scenario.areas:
            asked = [i.question_id for i in script if i.area == area]
            wanted = [q for q in scenario.draw.include if q in asked]
            assert asked[: len(wanted)] == wanted, (scenario.id, area)  # always-asked questions lead their area


def test_every_bundled_area_is_on_some_scenario_agenda():
    """A bank area no scenario visits is content nobody can rehearse in a mock inspection."""
    catalogue = BankService(include_user=False).catalogue()
    areas = {a.id for bank in catalogue.banks.values() for a in bank.areas}
    visited = {area for scenario in catalogue.scenarios.values() for area in scenario.areas}
    assert areas - visited == set()
