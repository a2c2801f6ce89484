"""The risk matrix and persona outcome rules: bundled data, the user's own copies, the rules."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mockinspect.domain.bank import Grade
from mockinspect.domain.outcome import DayKind, add_days
from mockinspect.paths import user_config_dir
from mockinspect.resources import resource
from mockinspect.services import rules
from mockinspect.services.errors import UserError


def test_the_default_matrix_uses_the_documented_bands_and_the_severity_floor():
    matrix = rules.risk_matrix()
    bands = {"low": range(1, 5), "medium": range(5, 10), "high": range(10, 17), "very-high": range(20, 26)}
    order = ["low", "medium", "high", "very-high"]
    floor = {5: "high", 4: "medium"}  # severity 5 is never below high, 4 never below medium
    for s in range(1, 6):
        for o in range(1, 6):
            level = matrix.level(s, o).id
            by_band = next(k for k, r in bands.items() if s * o in r)
            expected = max(by_band, floor.get(s, "low"), key=order.index)
            assert level == expected, (s, o, level)
    rating = matrix.rate(4, 3, 5)
    assert (rating.score, rating.priority, rating.level.id) == (12, 60, "high")
    with pytest.raises(ValueError, match="1 to 5"):
        matrix.rate(6, 1, 1)


def test_a_users_own_matrix_replaces_the_bundled_one():
    data = json.loads(resource("risk", "matrix.json").read_text(encoding="utf-8"))
    data["cells"] = [["low"] * 5 for _ in range(5)]
    data.pop("severity_floor", None)
    own = user_config_dir() / "risk" / "matrix.json"
    own.parent.mkdir(parents=True)
    own.write_text(json.dumps(data), encoding="utf-8")
    assert rules.risk_matrix().level(5, 5).id == "low"
    data["cells"][0][0] = "nonsense"
    own.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UserError, match=r"matrix\.json.*unknown levels: nonsense"):
        rules.risk_matrix()


@pytest.mark.parametrize(
    ("persona", "counts", "outcome"),
    [
        ("fda", {}, "NAI"),
        ("fda", {Grade.RECOMMENDATION: 3}, "NAI"),
        ("fda", {Grade.MINOR: 1}, "VAI-or-OAI"),  # FDA counts nothing: the 483 response decides
        ("fda", {Grade.MAJOR: 2}, "VAI-or-OAI"),
        ("fda", {Grade.MAJOR: 3}, "VAI-or-OAI"),
        ("fda", {Grade.CRITICAL: 1}, "OAI"),
        ("eu", {Grade.MINOR: 9}, "compliant"),
        ("eu", {Grade.MAJOR: 1}, "compliant-subject-to-capa"),
        ("eu", {Grade.CRITICAL: 1}, "non-compliant"),
        ("mhra", {Grade.MAJOR: 6}, "compliant-subject-to-capa"),
        ("pics", {Grade.MAJOR: 1}, "compliant-subject-to-capa"),
        ("sponsor", {Grade.CRITICAL: 1, Grade.MINOR: 2}, "not-approved"),
    ],
)
def test_persona_outcomes(persona, counts, outcome):
    rules_ = rules.persona_rules(persona)
    result = rules_.outcome(counts)
    assert result.outcome == outcome
    assert result.indicative_note.lower().startswith("indicative")
    assert all(rules_.word(g) for g in Grade)


def test_eu_words_and_fda_deadline():
    assert rules.persona_rules("eu").word(Grade.MINOR) == "Other deficiency"
    fda = rules.persona_rules("fda")
    assert (fda.response_deadline.days, fda.response_deadline.kind) == (15, DayKind.BUSINESS)
    assert fda.response_due(date(2025, 3, 7)) == date(2025, 3, 28)  # a Friday + 15 business days


def test_minors_can_be_configured_to_add_up_to_a_major():
    data = json.loads(resource("personas", "eu.json").read_text(encoding="utf-8"))
    data["minors_per_major"] = 4
    own = user_config_dir() / "personas" / "eu.json"
    own.parent.mkdir(parents=True)
    own.write_text(json.dumps(data), encoding="utf-8")
    assert rules.persona_rules("eu").outcome({Grade.MINOR: 4}).outcome == "compliant-subject-to-capa"
    assert rules.persona_rules("eu").outcome({Grade.MINOR: 3}).outcome == "compliant"


def test_unknown_persona_is_a_user_error():
    with pytest.raises(UserError, match="no outcome rules for persona 'martian'"):
        rules.persona_rules("martian")


def test_calendar_days():
    assert add_days(date(2025, 1, 30), 14, DayKind.CALENDAR) == date(2025, 2, 13)
