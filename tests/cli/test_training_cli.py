"""The training command line: a training session for a trainee, scored answers with their
reasons (text and JSON), the scores in ``session show``, overrides, what is due, progress and
the next drill. Errors are one line and exit 1."""

from __future__ import annotations

import pytest

from mockinspect.settings import Settings
from tests.cli.conftest import SCENARIO

MODEL = (
    "Our SOP-QA-031 defines which audit trails are reviewed based on risk: changes, deletions and reprocessing "
    "events. The review is completed and documented before release or QP certification. The reviewer is QA, "
    "trained, and independent of the analyst who generated the data. The review record shows what was reviewed "
    "and the findings, not only a signature. Any unexplained entry or anomaly is raised as a deviation and "
    "investigated before release. I can show you the review records for the last three lots."
)
HEDGED = "I think QA usually looks at the audit trail before release, probably for the main systems."


@pytest.fixture
def tsid(cli) -> str:
    made = cli(
        "session", "new", "--mode", "training", "--trainee", "Jonas <Brandt> & Co", "--scenario", SCENARIO,
        "--seed", "7", "--inspection-date", "2027-03-01", "--department", "QC", "--lead", "Dr. Weber",
    )  # fmt: skip
    value = made.out.strip()
    assert len(value) == 32 and made.errors == []
    return value


def test_a_training_answer_is_scored_with_its_reasons(cli, tsid):
    out = cli("session", "answer", tsid[:8], "DI-001", "--text", HEDGED, "--seconds", "40").out
    lines = out.splitlines()
    assert lines[0].startswith("DI-001: ") and "not passed" in lines[0]
    assert any(line.strip().startswith("C Certainty and honesty 1/3") for line in lines)
    assert 'hedge "I think"' in out and 'hedge "usually"' in out
    assert "before-release 0: not covered" in out
    assert "follow-up probe DI-001-P1 added to the script" in out
    assert "next review: " in out
    data = cli("session", "answer", tsid, "DI-003", "--text", MODEL, "--seconds", "90", "--json").json()
    assert data["question_id"] == "DI-003" and data["attempt"] == 1 and data["scorer_version"]
    assert {d["key"] for d in data["score"]["dimensions"]} == set("ABCDE")
    assert data["response"]["text"] == MODEL and data["response"]["seconds_taken"] == 90


def test_session_show_carries_scores_by_question_area_and_overall(cli, tsid):
    cli("session", "answer", tsid, "DI-001", "--text", MODEL)
    cli("session", "answer", tsid, "DI-003", "--text", HEDGED)
    data = cli("session", "show", tsid, "--json").json()
    training = data["training"]
    assert training["trainee"] == {"name": "Jonas <Brandt> & Co", "employee_id": None, "department": "QC", "role": None}
    assert training["inspection_date"] == "2027-03-01" and training["assessor"] == "Dr. Weber"
    assert {q["question_id"]: q["passed"] for q in training["questions"]} == {"DI-001": True, "DI-003": False}
    assert training["areas"][0]["area"] == "data-integrity" and training["areas"][0]["items"] == 2
    assert training["overall"]["passed"] == 1 and training["result"] == "further-practice"
    text = cli("session", "show", tsid).out
    fields = {line.split("  ")[0]: line.split("  ", 1)[1].strip() for line in text.splitlines() if "  " in line}
    assert fields["Trainee"] == "Jonas <Brandt> & Co" and fields["Result"] == "further-practice"
    assert "DI-001" in text.split("QUESTION")[-1]


def test_a_key_point_override_needs_a_reason_and_is_listed(cli, tsid):
    cli("session", "answer", tsid, "DI-001", "--text", HEDGED)
    failed = cli("training", "credit", tsid, "DI-001", "before-release", "1", code=1)
    assert "give a reason" in failed.error
    assert "0, 0.5 or 1" in cli("training", "credit", tsid, "DI-001", "before-release", "0.7", code=1).error
    done = cli("training", "credit", tsid, "DI-001", "before-release", "1", "--reason", "said 'checked before QP'")
    assert done.out.startswith("DI-001: before-release credit 1; now ")
    overrides = cli("session", "show", tsid, "--json").json()["training"]["overrides"]
    assert [(o["key_point_id"], o["from"], o["to"], o["reason"]) for o in overrides] == [
        ("before-release", 0.0, 1.0, "said 'checked before QP'")
    ]
    assert cli("trail", "verify").code == 0


def test_due_progress_drill_and_trainees(cli, tsid):
    cli("session", "answer", tsid, "DI-001", "--text", HEDGED)
    assert cli("training", "due", "--trainee", "jonas <brandt> & co").out.strip() == "nothing is due"
    due = cli("training", "due", "--trainee", "Jonas <Brandt> & Co", "--today", "2099-01-01", "--json").json()
    assert [d["question_id"] for d in due] == ["DI-001"] and due[0]["last_quality"] <= 2
    table = cli("training", "due", "--trainee", "Jonas <Brandt> & Co", "--today", "2099-01-01").out
    assert table.splitlines()[1].split()[:2] == ["DI-001", "data-integrity"]
    progress = cli("training", "progress", "--trainee", "Jonas <Brandt> & Co", "--json").json()
    assert progress["sessions"][0]["session_id"] == tsid and progress["areas"][0]["area"] == "data-integrity"
    drill = cli("training", "drill", "--trainee", "Jonas <Brandt> & Co", "--today", "2099-01-01", "--start", "--json")
    plan = drill.json()
    assert plan["question_ids"][0] == "DI-001" and len(plan["session_id"]) == 32
    script = cli("session", "questions", plan["session_id"], "--json").json()
    assert [e["question_id"] for e in script] == plan["question_ids"]
    people = cli("training", "trainees", "--json").json()
    assert [(p["name"], p["department"]) for p in people] == [("Jonas <Brandt> & Co", "QC")]


def test_training_errors_are_one_line(cli, tsid, sid):
    assert "--site" in cli("session", "new", "--mode", "training", "--scenario", SCENARIO, code=1).error
    assert "--site" in cli("session", "new", "--scenario", SCENARIO, code=1).error
    assert (
        "is for a training session"
        in cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--trainee", "X", code=1).error
    )
    assert "not given a status" in cli("session", "answer", tsid, "DI-001", "--status", "compliant", code=1).error
    assert "scores --text" in cli("session", "answer", tsid, "DI-001", "--seconds", "3", code=1).error
    assert "type an answer" in cli("session", "answer", tsid, "DI-001", "--text", "  ", code=1).error
    assert "no trainee called 'Nobody'" in cli("training", "due", "--trainee", "Nobody", code=1).error
    assert "not a date" in cli("training", "due", "--trainee", "X", "--today", "tomorrow", code=1).error
    assert (
        "not a training session" in cli("training", "credit", sid, "DI-001", "kp", "1", "--reason", "r", code=1).error
    )
    # an audit answer is not scored and prints as before
    assert cli("session", "answer", sid, "DI-001", "--status", "compliant").out.startswith("DI-001: compliant")


def test_a_training_session_started_without_a_trainee_is_assigned_later(cli):
    sid = cli("session", "new", "--mode", "training", "--scenario", SCENARIO, "--site", "S", "--seed", "7").out.strip()
    first = cli("session", "answer", sid, "DI-001", "--text", HEDGED, "--json").json()
    assert first["schedule"] is None  # scored, but no one's schedule to move
    assert cli("session", "show", sid, "--json").json()["training"]["trainee"] is None
    assert cli("training", "assign", sid[:6], "--trainee", "Mia Wong").out.strip().endswith("is Mia Wong's training")
    assert "already has a trainee" in cli("training", "assign", sid, "--trainee", "Bo", code=1).error
    second = cli("session", "answer", sid, "DI-003", "--text", HEDGED, "--json").json()
    assert second["schedule"]["interval_days"] == 1
    assert cli("session", "show", sid, "--json").json()["training"]["trainee"]["name"] == "Mia Wong"


def test_rescore_compares_the_stored_score_with_todays_scorer(cli, tsid):
    cli("session", "answer", tsid, "DI-001", "--text", HEDGED)
    cli("training", "credit", tsid, "DI-001", "before-release", "1", "--reason", "said it")
    (row,) = cli("training", "rescore", tsid, "--json").json()
    assert row["question_id"] == "DI-001" and row["now"] == row["stored"]  # same scorer, same confirmed credit
    assert cli("training", "rescore", tsid).out.splitlines()[1].split()[5] == "+0"


def test_self_rating_and_the_trainers_rating_are_kept_and_shown(cli, tsid, sid):
    hedged = cli("session", "answer", tsid, "DI-001", "--text", HEDGED, "--self-rating", "5").out
    assert "Self-rating: 5/5 (over-confident)" in hedged
    data = cli("session", "answer", tsid, "DI-003", "--text", MODEL, "--self-rating", "2", "--json").json()
    assert data["self_rating"] == 2 and data["calibration"]["kind"] in ("under-confident", "calibrated")
    assert "not a self-rating" in cli("session", "answer", tsid, "DI-002", "--text", MODEL, "--self-rating", "0",
                                      code=None).err  # fmt: skip
    assert "for a training session" in cli("session", "answer", sid, "DI-001", "--status", "compliant",
                                           "--self-rating", "3", code=1).error  # fmt: skip

    who = Settings.load().user_name  # the trail's user, who rated it
    assert cli("training", "rate", tsid[:8], "4", "--comment", "Calm; named SOP-QA-031 <unprompted>").out.strip() == (
        f"session {tsid}: rated 4/5 by {who}"
    )
    cli("training", "rate", tsid, "3")  # no --comment: the comment stays
    training = cli("session", "show", tsid, "--json").json()["training"]
    by_q = {q["question_id"]: q for q in training["questions"]}
    assert by_q["DI-001"]["self_rating"] == 5 and by_q["DI-001"]["calibration"]["kind"] == "over-confident"
    assert by_q["DI-001"]["calibration"]["earned"] < 5
    rating = training["trainer_rating"]
    assert (rating["rating"], rating["comment"], rating["by"]) == (3, "Calm; named SOP-QA-031 <unprompted>", who)
    shown = cli("session", "show", tsid).out
    assert f"Trainer's rating  3/5 by {who}: Calm; named SOP-QA-031 <unprompted>" in shown
    table = shown.split("QUESTION")[-1].splitlines()
    assert table[0].split()[5] == "SELF" and {r.split()[0]: r.split()[6] for r in table[1:] if r.strip()} == {
        "DI-001": "5/5", "DI-003": "2/5"
    }  # fmt: skip
    assert "not a rating" in cli("training", "rate", tsid, "6", code=None).err
    assert "not a training session" in cli("training", "rate", sid, "3", code=1).error
    cli("training", "rate", tsid, "0", "--comment", "")  # cleared, and the clearing is in the trail too
    assert cli("session", "show", tsid, "--json").json()["training"]["trainer_rating"] is None
    assert cli("trail", "verify").code == 0


def test_the_inspectors_silence_is_a_drill_option(cli):
    made = cli(
        "session", "new", "--mode", "training", "--trainee", "Mia Wong", "--scenario", SCENARIO, "--seed", "7",
        "--silence", "7",
    ).out.strip()  # fmt: skip
    assert cli("session", "show", made, "--json").json()["training"]["silence_seconds"] == 7
    assert cli("training", "silence", made, "0").out.strip().endswith("does not wait in silence")
    assert cli("session", "show", made, "--json").json()["training"]["silence_seconds"] is None
    assert "0 (off) to 30 seconds" in cli("training", "silence", made, "45", code=None).err
    assert (
        "--silence is for a training session"
        in cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--silence", "7", code=1).error
    )
