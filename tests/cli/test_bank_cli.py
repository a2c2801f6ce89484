"""``mockinspect --version``, ``bank validate|list|schema``, ``scenario list`` through a real process."""

from __future__ import annotations

import json

from mockinspect import __version__
from mockinspect.resources import question_banks_dir
from tests.banks.conftest import VALID_BANK, VALID_SCENARIO

from .helpers import run_cli


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mockinspect {__version__}"


def test_validate_bundled_banks_is_clean():
    result = run_cli("bank", "validate", question_banks_dir())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout


def test_validate_reports_every_problem_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        VALID_BANK.replace("default_grade: major", "default_grade: huge").replace("version: 1.0.0", "version: x")
    )
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    result = run_cli("bank", "validate", bad, empty)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        f"{bad}:4:10: version: must be a version like 1.2.0",
        f"{bad}:29:20: questions.0.default_grade: must be one of 'critical', 'major', 'minor' or 'recommendation'",
        f"{empty}:1:1: file is empty",
    ]
    assert "3 problem(s) in 2 file(s)" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_json(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: nope\n")
    result = run_cli("bank", "validate", bad, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"path": str(bad), "line": 1, "col": 7, "message": "'kind' must be 'bank', 'scenario' or 'documents' ('nope' is not one)"}
    ]


def test_list_shows_both_versions_and_which_is_used(tmp_path):
    (tmp_path / "v1.yaml").write_text(VALID_BANK)
    (tmp_path / "v2.yaml").write_text(VALID_BANK.replace("version: 1.0.0", "version: 2.0.0"))
    result = run_cli("bank", "list", "--bank-dir", tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    rows = {(r["id"], r["version"]): r for r in json.loads(result.stdout)}
    assert rows[("sample", "2.0.0")]["used"] is True
    assert rows[("sample", "1.0.0")]["used"] is False
    assert "2.0.0 from bank-dir" in rows[("sample", "1.0.0")]["note"]
    assert any(r["source"] == "bundled" for r in rows.values())

    table = run_cli("bank", "list", "--bank-dir", tmp_path)
    assert table.stdout.splitlines()[0].split() == ["ID", "VERSION", "QUESTIONS", "SOURCE", "USED", "NOTE", "TITLE"]


def test_list_warns_about_broken_files_but_still_lists(tmp_path):
    (tmp_path / "good.yaml").write_text(VALID_BANK)
    (tmp_path / "broken.yaml").write_text("kind: bank\nid: [\n")
    result = run_cli("bank", "list", "--bank-dir", tmp_path)
    assert result.returncode == 0
    assert "sample" in result.stdout
    assert f"warning: {tmp_path / 'broken.yaml'}: 1 problem(s), not used" in result.stderr


def test_schema_prints_the_published_schema():
    result = run_cli("bank", "schema")
    assert result.returncode == 0
    assert result.stdout == (question_banks_dir() / "schema" / "bank.schema.json").read_text(encoding="utf-8")


def test_scenario_list(tmp_path):
    (tmp_path / "b.yaml").write_text(VALID_BANK)
    (tmp_path / "s.yaml").write_text(VALID_SCENARIO)
    result = run_cli("scenario", "list", "--json", "--bank-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["sample-scenario"]["persona"] == "fda"
    assert rows["sample-scenario"]["questions"] == 1


def test_user_errors_are_one_line_exit_1(tmp_path):
    for args in (
        ("bank", "frobnicate"),
        ("bank", "validate"),
        ("--no-such-option",),
        ("bank", "list", "--bank-dir", tmp_path / "missing"),
    ):
        result = run_cli(*args)
        assert result.returncode == 1, args
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert result.stderr.startswith("mockinspect: ")


def test_migrate_prints_or_writes_format_2(tmp_path):
    from tests.banks.conftest import VALID_BANK as OLD

    src = tmp_path / "old.yaml"
    src.write_text(OLD)
    printed = run_cli("bank", "migrate", src)
    assert printed.returncode == 0, printed.stderr
    assert "format: 2" in printed.stdout and "probes:" in printed.stdout
    out = tmp_path / "new.yaml"
    written = run_cli("bank", "migrate", src, "-o", out)
    assert written.returncode == 0 and out.read_text() == printed.stdout
    again = run_cli("bank", "migrate", out)
    assert again.returncode == 1 and again.stderr == f"mockinspect: {out}: already format 2\n"


def test_new_id(tmp_path):
    from mockinspect.services.banks import BankService

    bank = BankService(include_user=False).catalogue().banks["data-integrity"]
    numbers = [int(q.id.split("-")[1]) for q in bank.questions if q.area == "qc-laboratory-data" and not q.parent]
    result = run_cli("bank", "new-id", "qc-laboratory-data")
    assert (result.returncode, result.stdout) == (0, f"QCD-{max(numbers) + 1:03d}\n")  # the bank grows
    unknown = run_cli("bank", "new-id", "nowhere")
    assert unknown.returncode == 1 and unknown.stderr.startswith("mockinspect: no bank has an area 'nowhere'")


def test_every_command_that_reads_banks_warns_about_a_broken_bank_dir_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("kind: bank\nid: [\n")
    line = f"warning: {tmp_path / 'broken.yaml'}: 1 problem(s), not used; run: mockinspect bank validate"
    for args in (
        ("bank", "list"),
        ("scenario", "list"),
        ("bank", "new-id", "data-integrity"),
        ("bank", "validate", question_banks_dir()),
    ):
        result = run_cli(*args, "--bank-dir", tmp_path)
        assert result.returncode == 0, (args, result.stderr)
        assert line in result.stderr, (args, result.stderr)


def test_a_format1_bank_in_use_gets_a_notice(tmp_path):
    (tmp_path / "b.yaml").write_text(VALID_BANK)
    result = run_cli("bank", "list", "--bank-dir", tmp_path)
    assert result.returncode == 0
    assert f"notice: {tmp_path / 'b.yaml'}: bank format 1 still loads; run: mockinspect bank migrate" in result.stderr
