"""Every session, finding, evidence, request and trail command, run in-process: exact JSON,
readable tables, and what each refuses."""

from __future__ import annotations

import os
import sqlite3

import pytest

from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.engine import follow_ups_for
from mockinspect.services.banks import BankService
from tests.cli.conftest import SCENARIO, db_path


def counts() -> tuple[int, ...]:
    con = sqlite3.connect(db_path())
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("audit_trail", "sessions", "responses", "evidence", "findings", "document_requests")
        )
    finally:
        con.close()


# -- session new | list | show | questions ----------------------------------------------------


def test_session_new_prints_the_id_and_json_gives_the_session(cli):
    made = cli("session", "new", "--scenario", SCENARIO, "--site", "Site A", "--mode", "training",
               "--lead", "Lee", "--seed", "3", "--address", "1 Main St", "--json").json()  # fmt: skip
    assert len(made["id"]) == 32
    assert (made["site"], made["address"], made["mode"], made["lead"], made["seed"], made["state"]) == (
        "Site A", "1 Main St", "training", "Lee", 3, "open",
    )  # fmt: skip
    assert made["scenario_id"] == SCENARIO and made["persona"] == "fda" and made["finished_at"] is None


def test_the_same_seed_draws_the_same_script(cli):
    ids = [cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--seed", "11").out.strip() for _ in range(2)]
    scripts = [[q["question_id"] for q in cli("session", "questions", i, "--json").json()] for i in ids]
    assert scripts[0] == scripts[1] and len(scripts[0]) == 15


def test_session_list_table_and_json(cli, sid):
    second = cli("session", "new", "--scenario", "eu-atmp-self-training", "--site", "Other site").out.strip()
    listed = cli("session", "list", "--json").json()
    assert {(s["id"], s["site"], s["answered"], s["findings"]) for s in listed} == {
        (sid, "Zell & Co <GmbH>", 0, 0),
        (second, "Other site", 0, 0),
    }
    lines = cli("session", "list").out.splitlines()
    assert lines[0].split() == ["ID", "STARTED", "MODE", "STATE", "SCENARIO", "ANSWERED", "FINDINGS", "SITE"]
    assert len(lines) == 3
    # aligned: every column starts at the same place on every line
    start = lines[0].index("SITE")
    assert {line[start:].split()[0] for line in lines[1:]} == {"Zell", "Other"}


def test_session_list_of_an_empty_database(cli, empty_db):
    assert cli("session", "list", "--json").json() == []
    assert cli("session", "list").out.split() == ["ID", "STARTED", "MODE", "STATE", "SCENARIO", "ANSWERED",
                                                  "FINDINGS", "SITE"]  # fmt: skip


def test_session_show_fields_and_json(cli, sid, first):
    shown = cli("session", "show", sid, "--json").json()
    assert shown["session"]["id"] == sid and shown["counts"]["answered"] == 0 and shown["drafts"] == 0
    assert shown["outcome"] == "NAI" and shown["findings"] == []
    text = cli("session", "show", sid[:6]).out
    fields = dict(line.split(None, 1) for line in text.splitlines() if line.strip() and not line.startswith("By"))
    assert fields["Session"] == sid and fields["Site"] == "Zell & Co <GmbH>" and fields["Lead"] == "Ann"
    assert fields["State"] == "open" and fields["Finished"] == "-"
    assert "NAI" in fields["Outcome"] and "(indicative)" in fields["Outcome"]
    # the values start in one column
    assert len({line.index(value) for line, value in zip(text.splitlines()[:3], (sid, "Zell", "FDA"), strict=True)}) == 1


def test_session_questions_in_order_with_status(cli, sid, script, first):
    assert [q["position"] for q in script] == list(range(1, len(script) + 1))
    assert all(q["status"] is None and q["parent_question_id"] is None for q in script)
    assert script[0]["bank_id"] == "data-integrity" and len(script[0]["content_hash"]) == 64
    cli("session", "answer", sid, first, "--status", "compliant")
    again = cli("session", "questions", sid, "--json").json()
    assert again[0]["status"] == "compliant" and again[1]["status"] is None
    lines = cli("session", "questions", sid).out.splitlines()
    assert lines[0].split() == ["#", "AREA", "QUESTION", "STATUS", "PROMPT"]
    assert lines[1].split()[2:4] == [first, "compliant"] and lines[2].split()[3] == "-"
    assert len(lines) == len(again) + 1


def test_a_short_id_is_resolved_and_a_bad_one_refused(cli, sid):
    assert cli("session", "show", sid[:4], "--json").json()["session"]["id"] == sid
    assert cli("session", "show", sid.upper(), "--json").json()["session"]["id"] == sid
    assert "at least 4" in cli("session", "show", sid[:3], code=1).error
    assert "no session 'ffff0000'" in cli("session", "show", "ffff0000", code=1).error


def test_an_ambiguous_short_id_is_refused(cli, monkeypatch):
    ids = iter(["abcd" + "0" * 28, "abcd" + "1" * 28])
    monkeypatch.setattr("mockinspect.store.sessions.uuid4", lambda: type("U", (), {"hex": next(ids)})())
    made = [cli("session", "new", "--scenario", SCENARIO, "--site", "S").out.strip() for _ in range(2)]
    assert made == ["abcd" + "0" * 28, "abcd" + "1" * 28]
    assert cli("session", "show", "abcd0", "--json").json()["session"]["id"] == made[0]
    assert "matches several sessions" in cli("session", "show", "abcd", code=1).error


# -- session answer ------------------------------------------------------------------------


def test_answer_saves_text_before_a_status(cli, sid, first):
    out = cli("session", "answer", sid, first, "--text", "We review them monthly").out
    assert out.strip().startswith(f"{first}: no status yet (response ")
    saved = cli("session", "export", sid).json()["responses"]
    assert [(r["question_id"], r["status"], r["text"]) for r in saved] == [(first, None, "We review them monthly")]
    assert cli("session", "questions", sid, "--json").json()[0]["status"] is None
    # a later status keeps the text
    cli("session", "answer", sid, first, "--status", "observation")
    saved = cli("session", "export", sid).json()["responses"]
    assert [(r["status"], r["text"]) for r in saved] == [("observation", "We review them monthly")]


def test_answer_json_and_every_field(cli, sid, first):
    got = cli("session", "answer", sid, first, "--status", "compliant", "--text", "Yes\nsecond line",
              "--notes", "Asked QA", "--answered-by", "QA head", "--seconds", "95", "--json").json()  # fmt: skip
    assert (got["question_id"], got["status"], got["text"], got["notes"], got["answered_by"], got["seconds_taken"]) == (
        first, "compliant", "Yes\nsecond line", "Asked QA", "QA head", 95,
    )  # fmt: skip
    assert "probes_added" in got


def test_answer_refuses_an_unknown_status_and_changes_nothing(cli, sid, first):
    before = counts()
    assert "unknown status 'great'" in cli("session", "answer", sid, first, "--status", "great", code=1).error
    assert "not in the script" in cli("session", "answer", sid, "NO-SUCH-Q", "--status", "compliant", code=1).error
    assert counts() == before


def deficient_probe(script: list[dict]) -> tuple[str, str]:
    """A question in the script whose follow-up is triggered by a deficient answer, and the probe.

    Read from the catalogue, not hard-coded: the bundled bank's format may change under us."""
    catalogue = BankService(include_user=False).catalogue()
    questions = {q.id: q for bank in catalogue.banks.values() for q in bank.questions}
    in_script = {q["question_id"] for q in script}
    for entry in script:
        question = questions.get(entry["question_id"])
        if question is None:
            continue
        every_point = [k.id for k in question.key_points]
        for probe in follow_ups_for(question, ResponseStatus.DEFICIENT, every_point):
            if probe not in in_script and probe not in follow_ups_for(question, ResponseStatus.COMPLIANT, every_point):
                return entry["question_id"], probe
    pytest.fail("no question in the FDA script has a probe triggered by a deficient answer")


def test_a_deficient_answer_adds_its_follow_up_probe(cli, sid, script):
    parent, probe = deficient_probe(script)
    answered = cli("session", "answer", sid, parent, "--status", "deficient", "--json").json()
    assert answered["probes_added"] == [probe]

    again = cli("session", "questions", sid, "--json").json()
    assert len(again) == len(script) + 1
    added = again[-1]
    assert (added["question_id"], added["parent_question_id"], added["position"]) == (probe, parent, len(script) + 1)
    table = cli("session", "questions", sid).out.splitlines()
    assert f"{probe} <- {parent}" in table[-1]

    exported = cli("session", "export", sid).json()
    entry = next(e for e in exported["script"] if e["question_id"] == probe)
    assert entry["parent_question_id"] == parent and entry["question"]["id"] == probe

    import json

    from mockinspect.services import Services

    with Services.open(db_path(), user_name="reader", mode="read") as services:
        created = [
            json.loads(r.new_value or "{}")
            for r in services.trail.history(session_id=sid, entity="script_item")
            if r.action.value == "create"
        ]
    [record] = [c for c in created if c.get("question_id") == probe]
    parent_item = next(c for c in created if c.get("question_id") == parent)
    assert record["parent_id"] == parent_item["id"] and record["position"] == len(script) + 1
    assert cli("trail", "verify", sid).out.startswith("audit trail ok")

    # answering the parent again does not add it twice, and the text form says what was added
    assert cli("session", "answer", sid, parent, "--status", "deficient", "--json").json()["probes_added"] == []
    assert len(cli("session", "questions", sid, "--json").json()) == len(script) + 1


def test_the_human_answer_line_names_the_probe(cli, sid, script):
    parent, probe = deficient_probe(script)
    out = cli("session", "answer", sid, parent, "--status", "deficient").out.splitlines()
    assert out[0].startswith(f"{parent}: deficient (response ")
    assert out[1].startswith(f"follow-up probe {probe} added to the script: ")
    assert len(out) == 2


def test_a_compliant_answer_that_covers_every_key_point_adds_no_probe(cli, sid, script):
    parent, probe = deficient_probe(script)
    catalogue = BankService(include_user=False).catalogue()
    question = next(q for bank in catalogue.banks.values() for q in bank.questions if q.id == parent)
    points = [arg for k in question.key_points for arg in ("--key-point", k.id)]
    answered = cli("session", "answer", sid, parent, "--status", "compliant", *points, "--json").json()
    assert answered["key_points_hit"] == [k.id for k in question.key_points] and answered["probes_added"] == []
    assert probe not in {q["question_id"] for q in cli("session", "questions", sid, "--json").json()}


# -- session export | finish | reopen ------------------------------------------------------


def test_session_export_has_everything(cli, sid, script, first, tmp_path):
    doc = tmp_path / "sop.pdf"
    doc.write_bytes(b"%PDF-1.4 sop")
    cli("session", "answer", sid, first, "--status", "deficient", "--text", "No", "--evidence", doc,
        "--evidence", "https://qms.example/SOP-1")  # fmt: skip
    cli("request", "add", sid, "Audit trail review records, lots 1-3", "--question", first, "--due-minutes", "30")
    finding = cli("finding", "add", sid, "--title", "No review", "--grade", "major", "--question", first).out.strip()
    data = cli("session", "export", sid).json()
    assert data["format"] == 1 and data["session"]["id"] == sid
    assert data["scenario"]["scenario"]["id"] == SCENARIO
    assert [e["question_id"] for e in data["script"][: len(script)]] == [q["question_id"] for q in script]
    assert all(e["question"]["id"] == e["question_id"] for e in data["script"])
    assert [(r["question_id"], r["status"], r["text"]) for r in data["responses"]] == [(first, "deficient", "No")]
    assert data["drafts"] == []
    assert sorted((e["kind"], e["state"]) for e in data["evidence"]) == [("file", "unchanged"), ("url", "not-a-file")]
    file_link = next(e for e in data["evidence"] if e["kind"] == "file")
    assert file_link["size"] == len(b"%PDF-1.4 sop") and len(file_link["sha256"]) == 64
    assert [(r["description"], r["question_id"], r["status"]) for r in data["document_requests"]] == [
        ("Audit trail review records, lots 1-3", first, "open")
    ]
    assert [(f["id"], f["title"], f["question_ids"]) for f in data["findings"]] == [(int(finding), "No review", [first])]
    assert data["counts"]["answered"] == 1 and data["outcome"]["id"] == "VAI-or-OAI"
    assert data["trail"]["records"] > 0 and len(data["trail"]["last"]) == 64
    # export is JSON with or without --json
    assert cli("session", "export", sid, "--json").json() == cli("session", "export", sid).json()


def test_finish_then_changes_need_a_reason_then_reopen(cli, sid, script):
    first, second = script[0]["question_id"], script[1]["question_id"]
    cli("session", "answer", sid, first, "--status", "compliant")
    assert cli("session", "finish", sid).out.strip() == f"session {sid} finished"
    shown = cli("session", "show", sid, "--json").json()
    assert shown["session"]["state"] == "finished" and shown["session"]["finished_at"]

    before = counts()
    refused = cli("session", "answer", sid, second, "--status", "compliant", code=1).error
    assert "finished" in refused and "reason" in refused
    assert "reason" in cli("finding", "add", sid, "--title", "Late", "--grade", "minor", code=1).error
    assert counts() == before

    cli("session", "answer", sid, second, "--status", "compliant", "--reason", "heard after the close-out")
    cli("finding", "add", sid, "--title", "Late", "--grade", "minor", "--reason", "raised at close-out")
    assert counts() != before
    assert cli("session", "show", sid, "--json").json()["counts"]["answered"] == 2

    reopened = cli("session", "reopen", sid, "--reason", "more to ask", "--json").json()
    assert reopened["state"] == "open" and reopened["finished_at"] is None
    cli("session", "answer", sid, script[2]["question_id"], "--status", "compliant")  # no reason needed now
    assert "required" in cli("session", "reopen", sid, code=1).error  # --reason is required


def test_finish_json_and_reason(cli, sid):
    done = cli("session", "finish", sid, "--reason", "close-out meeting held", "--json").json()
    assert done["id"] == sid and done["state"] == "finished"


# -- finding add | edit | close | list -----------------------------------------------------


def test_finding_add_edit_close_list(cli, sid, script):
    first, second = script[0]["question_id"], script[1]["question_id"]
    cli("session", "answer", sid, first, "--status", "deficient")
    cli("session", "answer", sid, second, "--status", "observation")
    fid = cli("finding", "add", sid, "--title", "Audit trails not reviewed", "--grade", "major", "--severity", "4",
              "--occurrence", "3", "--detectability", "2", "--question", first, "--text", "Specifically, lots 1-3.",
              "--citation", "21 CFR 211.192", "--capa", "Review before release", "--root-cause", "procedure").out  # fmt: skip
    fid = int(fid.strip())
    minor = cli("finding", "add", sid, "--title", "Label typo", "--grade", "minor", "--json").json()
    assert (minor["grade"], minor["status"], minor["severity"]) == ("minor", "open", None)

    listed = cli("finding", "list", sid, "--json").json()
    assert [(f["id"], f["grade"]) for f in listed] == [(fid, "major"), (minor["id"], "minor")]
    major = listed[0]
    assert (major["severity"], major["occurrence"], major["detectability"], major["citations"], major["question_ids"]) == (
        4, 3, 2, ["21 CFR 211.192"], [first],
    )  # fmt: skip
    table = cli("finding", "list", sid).out.splitlines()
    assert table[0].split() == ["ID", "GRADE", "RISK", "STATUS", "QUESTIONS", "TITLE"]
    assert table[1].split()[:2] == [str(fid), "major"] and "(24)" in table[1] and table[1].endswith("Audit trails not reviewed")
    assert table[2].split()[:2] == [str(minor["id"]), "minor"]

    edited = cli("finding", "edit", fid, "--title", "Audit trails never reviewed", "--grade", "critical",
                 "--question", second, "--citation", "EU GMP Annex 11 9", "--severity", "5", "--json").json()  # fmt: skip
    assert (edited["title"], edited["grade"], edited["question_ids"], edited["citations"]) == (
        "Audit trails never reviewed", "critical", [second], ["EU GMP Annex 11 9"],
    )  # fmt: skip
    assert (edited["severity"], edited["occurrence"], edited["detectability"]) == (5, 3, 2)
    assert edited["text"] == "Specifically, lots 1-3."  # left out: kept
    assert cli("finding", "edit", fid, "--text", "Lots 4-6").out.strip() == f"finding {fid} saved"

    assert cli("finding", "close", fid).out.strip() == f"finding {fid} closed"
    corrected = cli("finding", "close", minor["id"], "--status", "corrected", "--reason", "fixed on the spot", "--json")
    assert corrected.json()["status"] == "corrected"
    assert [f["status"] for f in cli("finding", "list", sid, "--json").json()] == ["closed", "corrected"]
    assert "invalid choice" in cli("finding", "close", fid, "--status", "open", code=1).error
    assert cli("finding", "edit", fid, "--status", "open", "--json").json()["status"] == "open"


def test_finding_errors_change_nothing(cli, sid, first):
    before = counts()
    for args, match in [
        (["finding", "add", sid, "--title", "T", "--grade", "awful"], "unknown grade 'awful'"),
        (["finding", "add", sid, "--title", "T", "--grade", "major", "--severity", "6", "--occurrence", "1",
          "--detectability", "1"], "severity must be a whole number from 1 to 5"),
        (["finding", "add", sid, "--title", "T", "--grade", "major", "--severity", "2"], "together"),
        (["finding", "add", sid, "--title", "T", "--grade", "major", "--severity", "x"], "is not a whole number"),
        (["finding", "add", sid, "--title", "T", "--grade", "minor", "--question", first], "no answer"),
        (["finding", "add", sid, "--title", "   ", "--grade", "minor"], "must not be empty"),
        (["finding", "edit", "4242", "--title", "x"], "no finding 4242"),
        (["finding", "close", "4242"], "no finding 4242"),
        (["finding", "list", "0000"], "no session"),
    ]:  # fmt: skip
        assert match in cli(*args, code=1).error, args
    assert counts() == before


def test_an_empty_finding_list(cli, sid):
    assert cli("finding", "list", sid, "--json").json() == []
    assert cli("finding", "list", sid).out.split() == ["ID", "GRADE", "RISK", "STATUS", "QUESTIONS", "TITLE"]


# -- evidence list | check -----------------------------------------------------------------


def test_evidence_list_and_check_detect_a_changed_and_a_deleted_file(cli, sid, script, tmp_path):
    kept, changed, deleted = (tmp_path / n for n in ("kept.pdf", "changed.pdf", "deleted.pdf"))
    for path in (kept, changed, deleted):
        path.write_bytes(b"%PDF-1.4 " + path.name.encode())
    cli("session", "answer", sid, script[0]["question_id"], "--status", "compliant", "--evidence", kept,
        "--evidence", changed, "--evidence", "doc:SOP-QA-012@3")  # fmt: skip
    cli("session", "answer", sid, script[1]["question_id"], "--status", "compliant", "--evidence", deleted,
        "--evidence", "https://qms.example/x")  # fmt: skip

    links = cli("evidence", "list", sid, "--json").json()
    assert [(e["kind"], e["path"] or e["url"] or e["doc_id"]) for e in links] == [
        ("file", str(kept)), ("file", str(changed)), ("document", "SOP-QA-012"), ("file", str(deleted)),
        ("url", "https://qms.example/x"),
    ]  # fmt: skip
    assert links[2]["doc_version"] == "3" and all(e["response_id"] for e in links)
    first, second = script[0]["question_id"], script[1]["question_id"]
    assert [e["question_id"] for e in links] == [first, first, first, second, second]
    table = cli("evidence", "list", sid).out.splitlines()
    assert table[0].split() == ["ID", "KIND", "QUESTION", "SIZE", "SHA-256", "WHAT"] and len(table) == 6
    assert table[1].split()[2:4] == [first, str(len(b"%PDF-1.4 kept.pdf"))] and table[1].endswith(str(kept))
    assert table[3].split()[1:5] == ["document", first, "-", "-"]

    good = cli("evidence", "check", sid, "--json").json()
    assert [c["state"] for c in good] == ["unchanged", "unchanged", "not-a-file", "unchanged", "not-a-file"]

    changed.write_bytes(b"%PDF-1.4 edited after it was shown")
    deleted.unlink()
    checked = cli("evidence", "check", sid, "--json", code=1).json()
    assert [c["state"] for c in checked] == ["unchanged", "changed", "not-a-file", "missing", "not-a-file"]
    assert checked[1]["sha256_now"] != checked[1]["sha256"] and checked[1]["size_now"] == changed.stat().st_size
    assert checked[3]["sha256_now"] is None
    run = cli("evidence", "check", sid, code=1)
    assert run.error == "mockinspect: 1 file(s) changed and 1 missing since they were linked"
    assert cli("evidence", "check", sid, "--json", code=1).err == ""
    text = run.out.splitlines()
    assert text[0].split() == ["ID", "STATE", "WHAT"]
    assert [line.split()[1] for line in text[1:]] == ["unchanged", "changed", "not-a-file", "missing", "not-a-file"]
    # and the export says the same
    assert [e["state"] for e in cli("session", "export", sid).json()["evidence"]] == [c["state"] for c in checked]


def test_evidence_of_a_session_without_any(cli, sid):
    assert cli("evidence", "list", sid, "--json").json() == []
    assert cli("evidence", "check", sid, "--json").json() == []
    assert cli("evidence", "check", sid).out.split() == ["ID", "STATE", "WHAT"]


def test_a_missing_evidence_file_is_refused(cli, sid, first, tmp_path):
    before = counts()
    line = cli("session", "answer", sid, first, "--status", "compliant", "--evidence", tmp_path / "nope.pdf", code=1)
    assert "evidence file not found" in line.error
    assert counts() == before


# -- request add | update | list -----------------------------------------------------------


def test_requests_add_update_list(cli, sid, first):
    rid = int(cli("request", "add", sid, "Batch record 123", "--question", first, "--due-minutes", "20").out.strip())
    other = cli("request", "add", sid, "Training file of J. Doe", "--json").json()
    assert other["status"] == "open" and other["due_at"] is None and other["question_id"] is None

    listed = cli("request", "list", sid, "--json").json()
    assert [(r["id"], r["description"], r["question_id"], r["status"]) for r in listed] == [
        (rid, "Batch record 123", first, "open"), (other["id"], "Training file of J. Doe", None, "open"),
    ]  # fmt: skip
    assert listed[0]["due_at"] > listed[0]["requested_at"]

    assert cli("request", "update", rid, "--status", "delivered").out.strip() == f"request {rid}: delivered"
    late = cli("request", "update", other["id"], "--status", "late", "--notes", "came after lunch", "--json").json()
    assert late["status"] == "late" and late["notes"] == "came after lunch" and late["delivered_at"]
    table = cli("request", "list", sid).out.splitlines()
    assert table[0].split() == ["ID", "STATUS", "REQUESTED", "DUE", "DELIVERED", "QUESTION", "WHAT"]
    assert table[1].split()[1] == "delivered" and table[1].endswith("Batch record 123")
    assert table[2].split()[1] == "late" and table[2].endswith("Training file of J. Doe")

    reopened = cli("request", "update", rid, "--status", "open", "--json").json()
    assert reopened["status"] == "open" and reopened["delivered_at"] is None


def test_an_overdue_request_says_so(cli, sid, monkeypatch):
    from datetime import UTC, datetime, timedelta

    rid = cli("request", "add", sid, "Deviation log", "--due-minutes", "1").out.strip()
    import mockinspect.cli.evidence as evidence_cli

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz or UTC) + timedelta(minutes=5)

    monkeypatch.setattr(evidence_cli, "datetime", Later)
    line = cli("request", "list", sid).out.splitlines()[1]
    assert line.split()[:3] == [rid, "open", "(overdue)"]


def test_request_errors_change_nothing(cli, sid):
    before = counts()
    for args, match in [
        (["request", "add", sid, "  "], "must not be empty"),
        (["request", "add", sid, "X", "--question", "NO-Q"], "not in the script"),
        (["request", "add", sid, "X", "--due-minutes", "0"], "minutes from 1 to 43200"),
        (["request", "update", "4242", "--status", "delivered"], "4242"),
        (["request", "update", "1", "--status", "lost"], "invalid choice"),
        (["request", "list", "zzzz"], "no session"),
    ]:
        assert match in cli(*args, code=1).error, args
    assert counts() == before


# -- trail verify | head -------------------------------------------------------------------


def test_trail_head_and_verify_with_an_anchor(cli, sid, first):
    cli("session", "answer", sid, first, "--status", "deficient")
    head = cli("trail", "head", "--json").json()
    assert set(head) == {"records", "hash"} and head["records"] > 0 and len(head["hash"]) == 64
    assert cli("trail", "head").out.strip() == f"{head['records']} records, head {head['hash']}"

    ok = cli("trail", "verify").out.strip()
    assert ok.startswith(f"audit trail ok: {head['records']} records, chain unbroken;")
    assert cli("trail", "verify", sid[:8]).out.startswith("audit trail ok")
    report = cli("trail", "verify", sid, "--json").json()
    assert report["ok"] is True and report["problem"] is None
    assert cli("trail", "verify", "--anchor", head["hash"]).out.startswith("audit trail ok")
    assert cli("trail", "verify", "--anchor", head["hash"][:16].upper()).out.startswith("audit trail ok")

    missing = cli("trail", "verify", "--anchor", "ab" * 32, code=1)
    assert "no audit trail record has the hash" in missing.error and missing.out == ""
    assert cli("trail", "verify", "--anchor", "ab" * 32, "--json", code=1).json()["ok"] is False
    assert "12 to 64 hex digits" in cli("trail", "verify", "--anchor", "xyz", code=1).error


def test_trail_head_of_an_empty_database(cli, empty_db):
    head = cli("trail", "head", "--json").json()
    assert head["records"] == 0
    assert cli("trail", "verify").out.startswith("audit trail ok: 0 records")


@pytest.mark.parametrize(
    "args",
    [["trail", "verify"], ["trail", "head", "--json"], ["session", "list"], ["session", "show", "abcd"],
     ["session", "export", "abcd"], ["evidence", "check", "abcd"], ["finding", "list", "abcd"],
     ["request", "list", "abcd"]],
)  # fmt: skip
def test_a_read_never_creates_a_database_at_a_mistyped_path(cli, tmp_path, args):
    typo = tmp_path / "no-such-folder" / "inspect.db"
    line = cli(*args, "--db", typo, code=1).error
    assert line == f"mockinspect: no database at {typo}: nothing has been saved there (check --db or MOCKINSPECT_DB)"
    assert not typo.parent.exists()
    assert "no database at" in cli(*args, code=1).error  # the default path too
    assert not db_path().exists()


def test_verify_fails_when_data_is_changed_behind_the_apps_back(cli, sid, first):
    cli("session", "answer", sid, first, "--status", "deficient", "--text", "No review")
    con = sqlite3.connect(db_path())
    con.execute("UPDATE responses SET status = 'compliant'")
    con.commit()
    con.close()
    run = cli("trail", "verify", code=1)
    assert run.out == ""
    assert '"compliant" in the database but the audit trail last recorded "deficient"' in run.error
    assert "field status" in cli("trail", "verify", sid, code=1).error


def test_verify_fails_when_the_trail_is_changed(cli, sid, first):
    cli("session", "answer", sid, first, "--status", "deficient")
    con = sqlite3.connect(db_path())
    con.execute("UPDATE audit_trail SET who = 'someone else' WHERE seq = 3")
    con.commit()
    con.close()
    assert "record #3 was changed after it was written" in cli("trail", "verify", code=1).error
    report = cli("trail", "verify", "--json", code=1)
    assert report.json()["problem"]["seq"] == 3 and report.json()["ok"] is False and report.errors == []


def test_commands_without_a_subcommand_print_their_help(cli):
    for group in ("session", "finding", "evidence", "request", "trail"):
        run = cli(group)
        assert run.out.startswith(f"usage: mockinspect {group}") and run.err == ""


def test_version_and_help_return_0_in_process(cli):
    assert cli("--version").out.startswith("mockinspect ")
    assert "session" in cli("--help").out
    assert cli().out.startswith("usage: mockinspect")


def test_an_unknown_key_point_is_refused(cli, sid, first):
    before = counts()
    line = cli("session", "answer", sid, first, "--status", "compliant", "--key-point", "no-such-point", code=1).error
    assert f"question {first} has no key point 'no-such-point'" in line
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["session", "answer", "{sid}", "{q}", "--status", "great"], "unknown status 'great'"),
        (["session", "answer", "{sid}", "NO-SUCH-Q", "--status", "compliant"], "not in the script"),
        (["session", "answer", "{sid}", "NO-SUCH-Q", "--key-point", "kp"], "not in the script"),
        (["session", "answer", "nosuchsession", "{q}", "--status", "compliant"], "no session 'nosuchsession'"),
        (["session", "answer", "{sid}", "{q}", "--status", "compliant", "--evidence", "/no/such/file.pdf"],
         "evidence file not found"),
        (["session", "answer", "{sid}", "{q}", "--evidence", "doc:"], "doc:"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "major", "--severity", "6", "--occurrence", "1",
          "--detectability", "1"], "severity must be a whole number from 1 to 5"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "major", "--severity", "x"], "is not a whole number"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "awful"], "unknown grade 'awful'"),
        (["finding", "add", "{sid}", "--title", "T", "--grade", "minor", "--question", "{q}"], "no answer"),
        (["session", "show", "0000000"], "no session"),
        (["session", "export", "0000000"], "no session"),
        (["session", "finish", "0000000"], "no session"),
        (["trail", "verify", "0000000"], "no session"),
        (["session", "new", "--scenario", "nope", "--site", "S"], "unknown scenario 'nope'"),
        (["session", "new", "--scenario", SCENARIO, "--site", "  "], "must not be empty"),
        (["session", "new", "--scenario", SCENARIO, "--site", "S", "--mode", "exam"], "invalid choice"),
        (["session", "new", "--scenario", SCENARIO, "--site", "S", "--bank-dir", "/no/such/folder"], "not a folder"),
    ],
)  # fmt: skip
def test_user_errors_are_one_line_exit_1_and_write_nothing(cli, sid, first, args, match):
    before = counts()
    assert match in cli(*[a.format(sid=sid, q=first) for a in args], code=1).error
    assert counts() == before


def test_finishing_a_finished_session_changes_nothing(cli, sid):
    done = cli("session", "finish", sid, "--json").json()
    head = cli("trail", "head", "--json").json()
    again = cli("session", "finish", sid, "--json").json()
    assert again["finished_at"] == done["finished_at"]
    assert cli("trail", "head", "--json").json() == head


def test_reopening_an_open_session_changes_nothing(cli, sid):
    head = cli("trail", "head", "--json").json()
    assert cli("session", "reopen", sid, "--reason", "x", "--json").json()["state"] == "open"
    assert cli("trail", "head", "--json").json() == head


def test_a_finished_session_refuses_every_change_without_a_reason(cli, sid, first):
    cli("session", "answer", sid, first, "--status", "deficient")
    finding = cli("finding", "add", sid, "--title", "T", "--grade", "minor").out.strip()
    request = cli("request", "add", sid, "Batch record").out.strip()
    cli("session", "finish", sid)
    before = counts()
    head = cli("trail", "head", "--json").json()
    for args in (
        ["session", "answer", sid, first, "--text", "more"],
        ["finding", "add", sid, "--title", "T2", "--grade", "minor"],
        ["finding", "edit", finding, "--title", "T3"],
        ["finding", "close", finding],
        ["request", "add", sid, "Another record"],
        ["request", "update", request, "--status", "delivered"],
    ):
        assert "is finished; give a reason" in cli(*args, code=1).error, args
    assert counts() == before and cli("trail", "head", "--json").json() == head


def test_a_prefix_with_like_wildcards_matches_nothing(cli, sid):
    for text in ("%%%%", "____", sid[:4] + "%", "\\\\\\\\"):
        assert "no session" in cli("session", "show", text, code=1).error, text


def test_evidence_check_does_not_hang_on_a_fifo(cli, sid, first, tmp_path):
    import threading

    from mockinspect.cli import main

    linked = tmp_path / "record.pdf"
    linked.write_bytes(b"%PDF-1.4")
    cli("session", "answer", sid, first, "--status", "compliant", "--evidence", linked)
    linked.unlink()
    os.mkfifo(linked)
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(["evidence", "check", sid, "--json"])), daemon=True)
    worker.start()
    worker.join(5)
    hung = worker.is_alive()
    if hung:  # let the blocked open() return (it sees a writer come and go) so the thread ends
        os.close(os.open(linked, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
    assert not hung and codes == [1]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["session", "answer", "{sid}", "{q}"], "mockinspect: session answer: give at least one of --status, --text, "
         "--notes, --answered-by, --seconds, --key-point, --evidence"),
        (["finding", "edit", "1"], "mockinspect: finding edit: nothing to change; give at least one option (see --help)"),
        (["request", "update", "1"], "mockinspect: request update: nothing to change; give --status or --notes"),
    ],
)  # fmt: skip
def test_a_change_with_nothing_to_change_is_a_usage_error(cli, sid, first, args, line):
    before = counts()
    assert cli(*[a.format(sid=sid, q=first) for a in args], code=1).error == line
    assert counts() == before


def test_text_saved_before_a_status_triggers_no_probe_until_the_status(cli, sid, script):
    parent, probe = deficient_probe(script)
    assert cli("session", "answer", sid, parent, "--text", "typing...", "--json").json()["probes_added"] == []
    assert len(cli("session", "questions", sid, "--json").json()) == len(script)
    assert cli("session", "answer", sid, parent, "--status", "deficient", "--json").json()["probes_added"] == [probe]


def test_common_options_go_before_or_after_the_command(cli, tmp_path):
    path = tmp_path / "placed.db"
    sid = cli("--db", path, "session", "new", "--scenario", SCENARIO, "--site", "S").out.strip()
    for args in (
        ["--db", path, "--json", "session", "list"],
        ["session", "--db", path, "--json", "list"],
        ["session", "list", "--db", path, "--json"],
        ["--json", "session", "list", "--db", path],
    ):
        assert [s["id"] for s in cli(*args).json()] == [sid], args
    assert not db_path().exists()


def test_a_relative_evidence_path_is_kept_absolute(cli, sid, first, tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "sop.pdf").write_bytes(b"%PDF")
    monkeypatch.chdir(tmp_path / "work")
    cli("session", "answer", sid, first, "--status", "compliant", "--evidence", "sop.pdf")
    monkeypatch.chdir(tmp_path)
    [link] = cli("evidence", "list", sid, "--json").json()
    assert link["path"] == str((tmp_path / "work" / "sop.pdf").resolve())
    assert [c["state"] for c in cli("evidence", "check", sid, "--json").json()] == ["unchanged"]


COMMANDS = {
    "session": ["new", "list", "show", "questions", "answer", "export", "finish", "reopen"],
    "finding": ["add", "edit", "close", "list"],
    "evidence": ["list", "check"],
    "request": ["add", "update", "list"],
    "trail": ["verify", "head"],
}


@pytest.mark.parametrize(("group", "command"), [(g, c) for g, cs in COMMANDS.items() for c in cs])
def test_every_command_has_help_for_each_argument(cli, group, command):
    out = cli(group, command, "--help").out
    assert out.startswith(f"usage: mockinspect {group} {command}")
    if "positional arguments:" in out:
        block = out.split("positional arguments:\n", 1)[1].split("\n\n", 1)[0]
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("  ") and not line.startswith("   "):  # an argument, not a wrapped help line
                described = len(line.split()) > 1 or (i + 1 < len(lines) and lines[i + 1].startswith("   "))
                assert described, f"{group} {command}: no help for {line.strip()}"


def test_a_database_on_a_network_share_is_warned_about_and_still_used(cli, sid, monkeypatch):
    monkeypatch.setattr("mockinspect.store.database.network_share_reason", lambda path: "an NFS share")
    run = cli("session", "list", "--json")
    assert [s["id"] for s in run.json()] == [sid]
    [warning] = run.errors
    assert warning.startswith("mockinspect: warning: the database ") and "is on an NFS share" in warning
