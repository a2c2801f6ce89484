"""What goes wrong on the command line is one line on stderr, exit 1 (2 for a bug of ours,
with a log file), never a traceback, and changes nothing: usage errors, every kind of bad
``--db``, numbers too large to store."""

from __future__ import annotations

import io
import os
import random
import shutil
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import SCENARIO, db_path

# -- usage errors: "mockinspect: ..." once ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["session", "new", "--scenario", SCENARIO],
         "mockinspect: session new: the following arguments are required: --site"),
        (["session", "answer"], "mockinspect: session answer: the following arguments are required: ID, QUESTION_ID"),
        (["session", "new", "--scenario", SCENARIO, "--site", "S", "--mode", "exam"],
         "mockinspect: session new: argument --mode: invalid choice: 'exam' (choose from 'audit', 'training')"),
        (["session", "new", "--scenario", SCENARIO, "--site", "S", "--seed", "-1"],
         "mockinspect: session new: argument --seed: '-1' must be 0 or more"),
        (["finding", "edit", "x"], "mockinspect: finding edit: argument FINDING_ID: 'x' is not a whole number"),
        (["trail", "verify", "a", "b"], "mockinspect: trail verify: unrecognized arguments: b"),
        (["--nope"], "mockinspect: unrecognized arguments: --nope"),
        (["session", "reopen", "abcd"], "mockinspect: session reopen: the following arguments are required: --reason"),
    ],
)  # fmt: skip
def test_a_usage_error_is_one_line_naming_the_command_once(cli, args, line):
    run = cli(*args, code=1)
    assert run.err.splitlines() == [line] and run.out == ""
    assert not db_path().exists()


@pytest.mark.parametrize("args", [["sesion"], ["session", "bogus"], ["trail", "verfy"]])
def test_an_unknown_command_is_one_line(cli, args):
    line = cli(*args, code=1).error
    assert line.count("mockinspect") == 1 and "invalid choice" in line and f"'{args[-1]}'" in line


# -- bad --db values ------------------------------------------------------------------------


def listing(folder: Path) -> dict[str, bytes | None]:
    return {p.name: (p.read_bytes() if p.is_file() else None) for p in sorted(folder.iterdir())}


COMMANDS = [
    ["session", "list"],
    ["session", "list", "--json"],
    ["session", "show", "abcd1234"],
    ["session", "new", "--scenario", SCENARIO, "--site", "S"],
    ["session", "answer", "abcd1234", "DI-001", "--status", "compliant"],
    ["finding", "add", "abcd1234", "--title", "T", "--grade", "minor"],
    ["evidence", "check", "abcd1234"],
    ["request", "list", "abcd1234"],
    ["trail", "verify"],
    ["trail", "verify", "--json"],
    ["trail", "head"],
]


def refused(cli, db: object, match: str) -> None:
    for args in COMMANDS:
        run = cli(*args, "--db", db, code=1)
        assert match in run.error, (args, run.err)
        assert run.out == "", args


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("notes.txt", b"hello, not a database\n", "is not a mockinspect database (it is not an SQLite file)"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "not an SQLite file"),
        ("other.sqlite", None, "has tables of another program"),
    ],
)
def test_a_file_that_is_not_ours_is_refused_and_left_alone(cli, tmp_path, name, content, match):
    folder = tmp_path / "theirs"
    folder.mkdir()
    target = folder / name
    if content is None:  # another program's SQLite database
        import sqlite3

        con = sqlite3.connect(target)
        con.execute("CREATE TABLE contacts (name TEXT)")
        con.execute("INSERT INTO contacts VALUES ('Ann')")
        con.commit()
        con.close()
    else:
        target.write_bytes(content)
    before = listing(folder)
    refused(cli, target, match)
    assert listing(folder) == before  # the same bytes, and nothing created beside it


def test_a_folder_is_refused(cli, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("x")
    refused(cli, folder, "is a folder, not a database file")
    assert listing(folder) == {"inside.txt": b"x"} and listing(tmp_path) == {"a-folder": None}


def test_an_empty_db_is_refused(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused(cli, "", "--db is empty")
    refused(cli, "   ", "--db is empty")
    assert listing(tmp_path) == {}


def test_dev_null_is_refused_and_no_lock_is_made_beside_it(cli):
    lock = Path("/dev/null.lock")
    existed = lock.exists()
    refused(cli, "/dev/null", "is not a regular file")
    assert existed or not lock.exists()


def test_a_path_under_a_file_is_refused(cli, tmp_path):
    (tmp_path / "file").write_text("x")
    refused(cli, tmp_path / "file" / "db.sqlite", "is a file, not a folder")
    assert listing(tmp_path) == {"file": b"x"}


@pytest.fixture
def real_db(cli, tmp_path) -> Path:
    """A database of ours with a session and answers in it."""
    path = tmp_path / "real" / "inspect.db"
    sid = cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--db", path).out.strip()
    for entry in cli("session", "questions", sid, "--json", "--db", path).json()[:5]:
        cli("session", "answer", sid, entry["question_id"], "--status", "compliant", "--text", "x" * 2000, "--db", path)
    return path


def damaged_copy(real: Path, folder: Path, damage) -> Path:
    folder.mkdir()
    copy = folder / "copy.db"
    data = bytearray(real.read_bytes())
    damage(data)
    copy.write_bytes(bytes(data))
    return copy


def truncate(data: bytearray) -> None:
    del data[4096:]


def overwrite_pages(data: bytearray) -> None:
    junk = random.Random(6)
    for offset in range(4096, len(data), 4096):
        data[offset : offset + 4096] = junk.randbytes(4096)


@pytest.mark.parametrize("damage", [truncate, overwrite_pages])
def test_a_damaged_database_is_refused_and_not_changed(cli, real_db, tmp_path, damage):
    copy = damaged_copy(real_db, tmp_path / "damaged", damage)
    before = copy.read_bytes()
    refused(cli, copy, "is damaged")
    assert copy.read_bytes() == before


@pytest.mark.parametrize("damage", [truncate, overwrite_pages])
def test_nothing_is_created_beside_a_damaged_database(cli, real_db, tmp_path, damage):
    copy = damaged_copy(real_db, tmp_path / "damaged", damage)
    cli("session", "list", "--db", copy, code=1)
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]


def test_the_real_database_still_works_after_all_that(cli, real_db):
    assert cli("trail", "verify", "--db", real_db).out.startswith("audit trail ok")


def test_a_db_path_with_control_characters_is_one_escaped_line(cli, tmp_path):
    evil = tmp_path / "x\x1b[31m\naudit trail ok\r.txt"
    evil.write_text("not a database")
    run = cli("session", "list", "--db", evil, code=1)
    assert len(run.err.splitlines()) == 1 and "\x1b" not in run.err
    assert "x\\x1b[31m\\naudit trail ok\\r.txt is not a mockinspect database" in run.error


# -- numbers too large to store --------------------------------------------------------------

HUGE = "99999999999999999999999"


def test_a_seed_larger_than_64_bits_is_refused_before_anything_is_made(cli):
    line = cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--seed", HUGE, code=1).error
    assert line == f"mockinspect: session new: argument --seed: '{HUGE}' is too large (at most 9223372036854775807)"
    assert not db_path().exists()
    largest = cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--seed", "9223372036854775807", "--json")
    assert largest.json()["seed"] == 9223372036854775807


@pytest.mark.parametrize(
    "args",
    [
        ["finding", "edit", HUGE, "--title", "x"],
        ["finding", "close", HUGE],
        ["request", "update", HUGE, "--status", "delivered"],
        ["session", "answer", "{sid}", "{q}", "--seconds", HUGE],
        ["finding", "add", "{sid}", "--title", "t", "--grade", "minor", "--repeat-of", HUGE],
        ["request", "add", "{sid}", "what", "--due-minutes", HUGE],
    ],
)
def test_other_numbers_too_large_are_usage_errors(cli, sid, first, args):
    line = cli(*[a.format(sid=sid, q=first) for a in args], code=1).error
    assert f"'{HUGE}' is too large" in line


# -- a bug of ours: one line, exit 2, the details in a log ---------------------------------


def test_an_unexpected_error_is_one_line_exit_2_and_a_log(cli, monkeypatch, isolated_user_dirs, empty_db):
    from mockinspect.services.inspection import InspectionService

    def broken(self):
        raise RuntimeError("boom \x1b[31m\nsecond line")

    monkeypatch.setattr(InspectionService, "sessions", broken)
    run = cli("session", "list", code=2)
    assert run.out == "" and len(run.err.splitlines()) == 1
    line = run.error
    assert line.startswith("mockinspect: unexpected error: boom \\x1b[31m (details in ")
    logs = list((isolated_user_dirs / "data" / "logs").iterdir())  # beside the window's log
    assert len(logs) == 1 and str(logs[0]) in line
    detail = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in detail and "RuntimeError: boom" in detail and "def broken" not in line


def test_an_unexpected_error_without_a_log_folder_is_still_one_line(cli, monkeypatch, tmp_path, empty_db):
    from mockinspect.paths import user_log_dir
    from mockinspect.services.inspection import InspectionService

    user_log_dir().parent.mkdir(parents=True, exist_ok=True)
    user_log_dir().write_text("x")  # a file where the log folder should be
    monkeypatch.setattr(InspectionService, "sessions", lambda self: 1 / 0)
    run = cli("session", "list", code=2)
    assert run.err.splitlines() == ["mockinspect: unexpected error: division by zero"]


def test_an_interrupt_is_one_line_exit_130(cli, monkeypatch, empty_db):
    from mockinspect.services.inspection import InspectionService

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(InspectionService, "sessions", interrupted)
    assert cli("session", "list", code=130).err.splitlines() == ["mockinspect: interrupted"]


def test_a_copy_of_a_database_opens_read_only_when_the_file_is_read_only(cli, real_db, tmp_path):
    copy = tmp_path / "ro" / "copy.db"
    copy.parent.mkdir()
    shutil.copy(real_db, copy)
    copy.chmod(0o444)
    try:
        assert len(cli("session", "list", "--json", "--db", copy).json()) == 1
        run = cli("session", "new", "--scenario", SCENARIO, "--site", "S", "--db", copy, code=None)
        if run.code == 0:
            pytest.skip("running as a user who can write read-only files (root)")
        assert run.code == 1 and "read-only" in run.error
    finally:
        copy.chmod(0o644)


# -- the settings, the pipe, the window --------------------------------------------------------


def test_the_trail_records_the_settings_user_name(cli, isolated_user_dirs):
    (isolated_user_dirs / "config" / "settings.json").write_text('{"user_name": "Dr. Quinn"}', encoding="utf-8")
    cli("session", "new", "--scenario", SCENARIO, "--site", "S")
    import sqlite3

    con = sqlite3.connect(db_path())
    try:
        assert {r[0] for r in con.execute("SELECT who FROM audit_trail")} == {"Dr. Quinn"}
    finally:
        con.close()


@pytest.mark.parametrize("content", ["{not json", '{"user_name": ""}', '{"user_name": "   "}', "[]"])
def test_a_broken_settings_file_is_one_line(cli, isolated_user_dirs, content, empty_db):
    (isolated_user_dirs / "config" / "settings.json").write_text(content, encoding="utf-8")
    run = cli("session", "new", "--scenario", SCENARIO, "--site", "S", code=1)
    assert "settings" in run.error or "user name" in run.error
    assert cli("session", "list", code=1).error == run.error


class ClosedPipe:
    """A stdout whose reader went away (``mockinspect ... | head -1``)."""

    def __init__(self, sink: Path) -> None:
        self.sink = sink

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return os.open(self.sink, os.O_WRONLY | os.O_CREAT)


def test_a_closed_pipe_is_quiet_exit_0(sid, monkeypatch, capsys, tmp_path):
    saved = os.dup(1)
    try:
        monkeypatch.setattr(sys, "stdout", ClosedPipe(tmp_path / "sink"))
        from mockinspect.cli import main

        assert main(["session", "questions", sid]) == 0
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    assert capsys.readouterr().err == ""


def test_a_closed_pipe_without_a_file_descriptor_is_still_quiet(sid, monkeypatch, capsys):
    class NoDescriptor(ClosedPipe):
        def fileno(self) -> int:
            raise io.UnsupportedOperation("fileno")

    monkeypatch.setattr(sys, "stdout", NoDescriptor(Path("unused")))
    from mockinspect.cli import main

    assert main(["session", "list"]) == 0
    assert capsys.readouterr().err == ""


def test_no_arguments_start_the_window_and_gui_too(capsys):
    from mockinspect.cli import main

    started: list[list[str]] = []
    assert main([], gui=lambda argv: started.append(argv) or 0) == 0
    assert main(["gui"], gui=lambda argv: started.append(argv) or 5) == 5
    assert started == [[], ["gui"]]


def test_options_without_a_command_print_the_help(cli):
    assert cli("--json").out.startswith("usage: mockinspect")


def test_the_app_entry_point_runs_the_command_line(capsys):
    from mockinspect.app import main

    assert main(["session", "new", "--scenario", SCENARIO, "--site", "S"]) == 0
    assert len(capsys.readouterr().out.strip()) == 32


def test_a_scenario_seed_larger_than_64_bits_is_one_line_and_makes_nothing(cli, tmp_path):
    from mockinspect.resources import question_banks_dir

    bundled = (question_banks_dir() / "scenarios" / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    assert f"id: {SCENARIO}\n" in bundled and "  seed: " in bundled
    lines = [
        "  seed: " + HUGE if line.startswith("  seed: ") else line.replace(f"id: {SCENARIO}", "id: huge-seed")
        for line in bundled.splitlines()
    ]
    (tmp_path / "more" / "scenarios").mkdir(parents=True)
    (tmp_path / "more" / "scenarios" / "huge.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli("session", "new", "--scenario", "huge-seed", "--site", "S", "--bank-dir", tmp_path / "more", code=1)
    assert "huge-seed" in run.error
    assert not db_path().exists()


@pytest.mark.parametrize(
    ("sql", "commands"),
    [
        ("UPDATE sessions SET started_at = 'last Tuesday'", [["session", "list"], ["session", "show", "{sid}"]]),
        ("UPDATE sessions SET mode = 'exam'", [["session", "list"], ["session", "show", "{sid}"]]),
        ("UPDATE findings SET grade = 'awful'", [["finding", "list", "{sid}"], ["session", "show", "{sid}"],
                                                ["session", "export", "{sid}"]]),
        ("UPDATE responses SET status = 'great'", [["session", "questions", "{sid}"], ["session", "export", "{sid}"]]),
        ("UPDATE document_requests SET due_at = '2026-13-45'", [["request", "list", "{sid}"]]),
    ],
)  # fmt: skip
def test_a_stored_row_that_cannot_be_read_is_one_line(cli, sid, first, sql, commands):
    import sqlite3

    cli("session", "answer", sid, first, "--status", "deficient")
    cli("finding", "add", sid, "--title", "T", "--grade", "major")
    cli("request", "add", sid, "Batch record", "--due-minutes", "30")
    con = sqlite3.connect(db_path())
    con.execute("PRAGMA ignore_check_constraints = ON")  # as another tool could write it
    con.execute(sql)
    con.commit()
    con.close()
    for args in commands:
        run = cli(*[a.format(sid=sid) for a in args], code=None)
        assert run.code == 1, (args, run.err)
        assert run.error and run.out == ""
    assert cli("trail", "verify", code=1).error


def test_a_symlink_loop_and_a_link_to_a_device_are_refused(cli, tmp_path):
    (tmp_path / "loop.db").symlink_to(tmp_path / "loop.db")
    refused(cli, tmp_path / "loop.db", "loop.db")
    (tmp_path / "null.db").symlink_to("/dev/null")
    refused(cli, tmp_path / "null.db", "is not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.db", "null.db"]


def test_a_long_unexpected_error_is_cut_short_on_its_line(cli, monkeypatch, empty_db):
    from mockinspect.services.inspection import InspectionService

    def broken(self):
        raise RuntimeError("SELECT " + "x, " * 5000)

    monkeypatch.setattr(InspectionService, "sessions", broken)
    line = cli("session", "list", code=2).error
    assert "SELECT x, x, " in line and "... (details in " in line and len(line) < 300 + 200
