"""Due times of document requests come from the persona's turnaround for the kind of record."""

from __future__ import annotations

import json

import pytest

from mockinspect.services.rules import request_due_minutes


@pytest.mark.parametrize(
    ("evidence", "fallback", "minutes"),
    [
        ({"what": "Audit-trail extract", "turnaround": "system-report"}, 30, 240),
        ({"what": "SOP-QA-014", "type": "procedure"}, None, 15),
        ({"what": "SOP-QA-014", "type": "procedure"}, 10, 10),  # the scenario's drill time beats the kind
        ({"what": "Deviation log", "turnaround": "list"}, 30, 60),
        ({"what": "Show the audit trail on screen", "type": "live-demo"}, None, 1),
        ("Executed batch record", 45, 45),  # nothing said about the record: the scenario's drill time
        ("Executed batch record", None, 30),  # nor by the scenario: the persona's on-site record time
    ],
)
def test_the_fda_investigator_expects_each_kind_of_record_in_its_time(evidence, fallback, minutes):
    assert request_due_minutes("fda", evidence, fallback) == minutes


def test_a_persona_with_its_own_rules_file_sets_the_times(isolated_user_dirs):
    from mockinspect.resources import resource

    rules = json.loads(resource("personas", "eu.json").read_text(encoding="utf-8"))
    rules["turnaround"]["list"]["minutes"] = 90
    own = isolated_user_dirs / "config" / "personas"
    own.mkdir(parents=True)
    (own / "eu.json").write_text(json.dumps(rules), encoding="utf-8")
    assert request_due_minutes("eu", {"what": "CAPA list", "turnaround": "list"}, 30) == 90


def test_an_unknown_persona_falls_back_to_the_scenario():
    assert request_due_minutes("no-such-persona", {"turnaround": "list"}, 30) == 30
    assert request_due_minutes("no-such-persona", None, None) is None
