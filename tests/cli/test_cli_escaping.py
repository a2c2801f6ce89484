"""Text a user typed (or a bank carries) is shown escaped in human-readable output, so it can
neither forge a line nor recolour the terminal; ``--json`` keeps it exactly."""

from __future__ import annotations

import pytest

from tests.cli.conftest import SCENARIO

EVIL = "Evil\x1b[31m site\naudit trail ok: 0 records, chain unbroken\r\u202eXYZ\x07\u2028end"
ESCAPED = "Evil\\x1b[31m site\\naudit trail ok: 0 records, chain unbroken\\r\\u202eXYZ\\x07\\u2028end"
RAW = ("\x1b", "\r", "\u202e", "\x07", "\u2028")


def assert_clean(text: str, lines: int | None = None) -> None:
    """No raw control or bidi character, and no line a forger wrote."""
    for ch in RAW:
        assert ch not in text, repr(ch)
    assert not any(line.startswith("audit trail ok") for line in text.splitlines())
    if lines is not None:
        assert len(text.splitlines()) == lines, text


@pytest.fixture
def evil_session(cli, tmp_path):
    sid = cli("session", "new", "--scenario", SCENARIO, "--site", EVIL, "--lead", EVIL, "--address", EVIL).out.strip()
    script = cli("session", "questions", sid, "--json").json()
    first = script[0]["question_id"]
    evidence = tmp_path / "scan\x1b[2J\nok.pdf"
    evidence.write_bytes(b"%PDF-1.4")
    cli("session", "answer", sid, first, "--status", "deficient", "--text", EVIL, "--notes", EVIL,
        "--answered-by", EVIL, "--evidence", evidence)  # fmt: skip
    cli("finding", "add", sid, "--title", EVIL, "--grade", "major", "--question", first, "--text", EVIL)
    cli("request", "add", sid, EVIL, "--question", first)
    return sid, first, evidence


def test_json_keeps_the_exact_text(cli, evil_session):
    sid, _, evidence = evil_session
    shown = cli("session", "show", sid, "--json").json()
    assert shown["session"]["site"] == EVIL and shown["session"]["lead"] == EVIL
    assert shown["findings"][0]["title"] == EVIL
    exported = cli("session", "export", sid).json()
    response = exported["responses"][0]
    assert (response["text"], response["notes"], response["answered_by"]) == (EVIL, EVIL, EVIL)
    assert exported["document_requests"][0]["description"] == EVIL
    assert exported["evidence"][0]["path"] == str(evidence)
    assert cli("session", "list", "--json").json()[0]["site"] == EVIL
    assert cli("finding", "list", sid, "--json").json()[0]["text"] == EVIL
    assert cli("request", "list", sid, "--json").json()[0]["description"] == EVIL
    assert cli("evidence", "list", sid, "--json").json()[0]["path"] == str(evidence)


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (["session", "list"], 2),
        (["session", "show", "{sid}"], None),
        (["finding", "list", "{sid}"], 2),
        (["request", "list", "{sid}"], 2),
        (["evidence", "list", "{sid}"], 2),
        (["evidence", "check", "{sid}"], 2),
    ],
)
def test_human_output_shows_it_escaped(cli, evil_session, args, lines):
    sid, _, _ = evil_session
    out = cli(*[a.format(sid=sid) for a in args]).out
    assert_clean(out, lines)
    if args[0] in ("session", "finding", "request"):
        assert ESCAPED in out
    if args[0] == "evidence":
        assert "scan\\x1b[2J\\nok.pdf" in out


def test_show_prints_each_field_on_its_own_line(cli, evil_session):
    sid, _, _ = evil_session
    out = cli("session", "show", sid).out
    assert_clean(out)
    keys = [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert keys[:5] == ["Session", "Site", "Scenario", "Persona", "Mode"]
    site = next(line for line in out.splitlines() if line.startswith("Site"))
    assert site.split(None, 1)[1] == f"{ESCAPED}, {ESCAPED}"


def test_a_table_stays_aligned_with_escaped_text(cli, evil_session):
    sid, _, _ = evil_session
    cli("finding", "add", sid, "--title", "Plain title", "--grade", "minor")
    lines = cli("finding", "list", sid).out.splitlines()
    assert len(lines) == 3
    column = lines[0].index("TITLE")
    assert lines[1][column:] == ESCAPED and lines[2][column:] == "Plain title"


def test_an_error_quoting_user_text_is_one_escaped_line(cli, evil_session):
    sid, _, _ = evil_session
    # commands that read banks may add "notice: ..." lines; ours are the "mockinspect:" ones
    run = cli("session", "answer", sid, "Q\x1b[31m\naudit trail ok", "--status", "compliant", code=1)
    assert_clean(run.err)
    assert "question Q\\x1b[31m\\naudit trail ok is not in the script" in run.error
    run = cli("session", "show", "abcd\n\x1b[0m", code=1)
    assert_clean(run.err, 1)
    run = cli("session", "new", "--scenario", "x\u202e\naudit trail ok", "--site", "S", code=1)
    assert_clean(run.err)
    assert "x\\u202e\\naudit trail ok" in run.error


def test_a_usage_error_quoting_an_argument_is_one_escaped_line(cli):
    run = cli("session", "list", "--bogus\n\x1b[31maudit trail ok", code=1)
    assert_clean(run.err, 1)
    assert run.error == "mockinspect: session list: unrecognized arguments: --bogus\\n\\x1b[31maudit trail ok"
    run = cli("finding", "close", "1", "--status", "x\naudit trail ok", code=1)
    assert_clean(run.err, 1)


def test_answer_and_probe_lines_are_escaped(cli, evil_session):
    sid, first, _ = evil_session
    out = cli("session", "answer", sid, first, "--text", EVIL).out
    assert_clean(out, 1)
    assert out.startswith(f"{first}: deficient (response ")


def test_a_finished_session_warns_about_drafts_on_one_line(cli, evil_session):
    from mockinspect.domain.session import DraftPatch
    from mockinspect.services import Services
    from tests.cli.conftest import db_path

    sid, first, _ = evil_session
    with Services.open(db_path(), user_name="window") as services:
        services.inspection.save_draft(sid, first, DraftPatch(text=EVIL))
        second = services.inspection.script(sid)[1].question_id
        services.inspection.save_draft(sid, second, DraftPatch(text="half typed"))
    assert cli("session", "show", sid, "--json").json()["drafts"] == 2
    shown = cli("session", "show", sid).out
    assert "Drafts" in shown and "2 answer(s) typed but not saved" in shown
    run = cli("session", "finish", sid)
    assert run.out.strip() == f"session {sid} finished"
    named = ", ".join(sorted([first, second]))
    assert run.errors == [f"mockinspect: warning: 2 answer(s) were typed but never saved: {named}"]
    questions = cli("session", "questions", sid).out
    assert_clean(questions)
    rows = {line.split()[2]: line.split()[3] for line in questions.splitlines()[1:]}
    assert (rows[first], rows[second]) == ("deficient", "draft")
    listed = cli("session", "questions", sid, "--json").json()
    assert {q["question_id"] for q in listed if q["draft"]} == {first, second}
    exported = cli("session", "export", sid).json()
    assert sorted((d["question_id"], d["text"]) for d in exported["drafts"]) == sorted(
        [(first, EVIL), (second, "half typed")]
    )


def test_a_broken_bank_file_is_one_escaped_warning_and_the_command_still_runs(cli, tmp_path):
    folder = tmp_path / "more-banks"
    folder.mkdir()
    (folder / "broken\x1b[31m\naudit trail ok.yaml").write_text("kind: bank\nid: [unclosed\n", encoding="utf-8")
    run = cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--bank-dir", folder)
    assert len(run.out.strip()) == 32
    warnings = [line for line in run.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "broken\\x1b[31m\\naudit trail ok.yaml" in warnings[0]
    assert_clean(run.err)


# -- encodings: arguments that are not UTF-8, a console that is not UTF-8 -----------------------


@pytest.mark.parametrize(
    "args",
    [
        ["session", "new", "--scenario", SCENARIO, "--site", "Caf\udce9"],
        ["session", "list", "--db", "/tmp/caf\udce9.db"],
        ["session", "show", "\udcff\udcff\udcff\udcff"],
    ],
)
def test_an_argument_that_is_not_utf8_is_one_line(cli, args):
    from tests.cli.conftest import db_path

    line = cli(*args, code=1).error
    assert "is not UTF-8 text" in line and "\\udc" in line
    assert not db_path().exists()


def test_a_file_name_that_is_not_utf8_is_refused_as_evidence(cli, sid, first, tmp_path):
    import os

    name = os.fsdecode(b"scan\xff.pdf")
    (tmp_path / name).write_bytes(b"%PDF")
    line = cli("session", "answer", sid, first, "--status", "compliant", "--evidence", tmp_path / name, code=1).error
    assert "scan\\udcff.pdf' is not UTF-8 text; if it names a file or folder, rename it" in line


def console(monkeypatch, encoding: str):
    import io
    import sys

    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding=encoding, errors="strict", newline="\n")
    monkeypatch.setattr(sys, "stdout", stream)
    return lambda: (stream.flush(), buffer.getvalue())[1]


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_console_that_is_not_utf8_gets_escapes_not_a_crash(cli, monkeypatch, encoding):
    import json

    from mockinspect.cli import main

    site = "Zell 監査 😀 Café"
    sid = cli("session", "new", "--scenario", SCENARIO, "--site", site).out.strip()
    written = console(monkeypatch, encoding)
    assert main(["session", "list", "--json"]) == 0
    raw = written()
    raw.decode("ascii")  # only ASCII escapes, whatever the console lacked
    assert json.loads(raw)[0]["site"] == site
    written = console(monkeypatch, encoding)
    assert main(["session", "show", sid]) == 0
    assert "Zell \\u76e3\\u67fb \\U0001f600" in written().decode(encoding)


def test_the_services_refuse_text_that_is_not_utf8(tmp_path):
    from mockinspect.errors import UserError
    from mockinspect.services import Services
    from mockinspect.services.banks import BankService

    catalogue = BankService(include_user=False).catalogue()
    scenario = catalogue.scenario(SCENARIO)
    with Services.open(tmp_path / "s.db", user_name="x") as services, pytest.raises(UserError):
        services.inspection.create_session(scenario, catalogue.banks_for(scenario), site="Caf\udce9")
