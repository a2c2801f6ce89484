"""The interview engine: same inputs, same script; probes on the right answers."""

from __future__ import annotations

import subprocess
import sys

from mockinspect.domain.bank import Bank, ResponseStatus
from mockinspect.domain.engine import build_script, follow_ups_for, probe_chain
from mockinspect.domain.scenario import Scenario


def make_bank(n_per_area: int = 12) -> Bank:
    questions = []
    for area in ("a1", "a2"):
        for i in range(n_per_area):
            questions.append(
                {
                    "id": f"{area}-{i:02d}",
                    "area": area,
                    "prompt": f"Question {i} about {area}?",
                    "intent": "why",
                    "guidance": "what good looks like",
                    "default_grade": "major",
                    "tags": ["even"] if i % 2 == 0 else ["odd"],
                    "applicability": ["sterile"] if i == 0 else [],
                    "key_points": [{"id": "kp1", "text": "one"}, {"id": "kp2", "text": "two"}],
                    "follow_ups": [{"ask": f"{area}-probe", "when": {"status": ["deficient"]}}] if i == 1 else [],
                }
            )
        questions.append(
            {
                "id": f"{area}-probe",
                "area": area,
                "prompt": "And then?",
                "intent": "i",
                "guidance": "g",
                "default_grade": "minor",
                "follow_up_only": True,
            }
        )
    return Bank.model_validate(
        {
            "kind": "bank",
            "id": "b",
            "title": "B",
            "version": "2.0.1",
            "areas": [{"id": "a1", "title": "A1"}, {"id": "a2", "title": "A2"}],
            "questions": questions,
        }
    )


def make_scenario(**draw) -> Scenario:
    return Scenario.model_validate(
        {
            "kind": "scenario",
            "id": "s",
            "title": "S",
            "version": "1.0.0",
            "persona": "eu",
            "applicability": ["cell-therapy"],
            "agenda": [
                {"title": "Day 1", "areas": ["a2"], "minutes": 60},
                {"title": "Day 2", "day": 2, "areas": ["a1", "a2"], "minutes": 60},
            ],
            "draw": {"per_area": 4, **draw},
        }
    )


def test_script_follows_the_agenda_and_draws_per_area():
    script = build_script(make_scenario(), [make_bank()], seed=3)
    assert [item.area for item in script] == ["a2"] * 4 + ["a1"] * 4  # a2 on day 2 is not drawn twice
    assert [item.position for item in script] == list(range(1, 9))
    assert all(not item.question_id.endswith("probe") for item in script)
    assert all(item.bank_version == "2.0.1" and len(item.content_hash) == 64 for item in script)


def test_same_seed_same_script_other_seed_other_script():
    bank, scenario = make_bank(), make_scenario()
    first = build_script(scenario, [bank], seed=11)
    assert build_script(scenario, [bank], seed=11) == first
    others = {tuple(i.question_id for i in build_script(scenario, [bank], seed=s)) for s in range(20)}
    assert len(others) > 1


def test_same_script_in_another_process():
    """String seeds do not depend on PYTHONHASHSEED, so a reopened session draws the same."""
    code = (
        "from tests.domain.test_engine import make_bank, make_scenario\n"
        "from mockinspect.domain.engine import build_script\n"
        "print([i.question_id for i in build_script(make_scenario(), [make_bank()], seed=5)])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": h}
        ).stdout
        for h in ("1", "2")
    }
    assert len(outputs) == 1
    assert outputs.pop().strip() == str([i.question_id for i in build_script(make_scenario(), [make_bank()], seed=5)])


def test_include_first_exclude_never_tags_and_applicability_filter():
    scenario = make_scenario(include=["a1-05"], exclude=["a1-03"], tags=["odd"])
    script = build_script(scenario, [make_bank()], seed=1)
    a1 = [i.question_id for i in script if i.area == "a1"]
    assert a1[0] == "a1-05"
    assert "a1-03" not in a1
    assert all(int(q.split("-")[1]) % 2 == 1 for q in a1)
    # a1-00 applies only to sterile products; the site makes cell therapy
    assert all(i.question_id != "a1-00" for i in build_script(make_scenario(per_area=50), [make_bank()]))


def test_fewer_eligible_than_asked_takes_them_all():
    script = build_script(make_scenario(per_area=50), [make_bank(3)])
    assert sorted(i.question_id for i in script if i.area == "a1") == ["a1-01", "a1-02"]  # a1-00 is sterile-only


def test_follow_ups_trigger_on_status_or_missed_key_points():
    bank = make_bank()
    q = next(q for q in bank.questions if q.id == "a1-01")
    assert follow_ups_for(q, ResponseStatus.DEFICIENT) == ["a1-probe"]
    assert follow_ups_for(q, ResponseStatus.COMPLIANT) == []
    q2 = type(q).model_validate(
        {**q.model_dump(), "follow_ups": [{"ask": "a1-probe", "when": {"missed_key_points": ["kp2"]}}]}
    )
    assert follow_ups_for(q2, ResponseStatus.COMPLIANT, ["kp1"]) == ["a1-probe"]
    assert follow_ups_for(q2, ResponseStatus.COMPLIANT, ["kp1", "kp2"]) == []
    questions = {x.id: x for x in bank.questions}
    assert probe_chain(q, questions) == ["a1-probe"]
