"""``mockinspect bank coverage`` (table, --json, --markdown, -o) and escaped ``bank validate`` output."""

from __future__ import annotations

from mockinspect.banks.coverage import markdown
from mockinspect.services.banks import BankService
from tests.banks.conftest import VALID_BANK2

from .conftest import CLI

# VALID_BANK2 with a clause that carries an escape sequence and a line break.
EVIL_CLAUSE = "§9\x1b[31m\nrow: forged"


def _own_bank(tmp_path, clause: str = "§9"):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "sample2.yaml").write_text(
        VALID_BANK2.replace(
            '"EU-GMP-Annex-11 §9"',
            '{doc: EU-GMP-Annex-11, clause: "' + clause.replace("\x1b", "\\e").replace("\n", "\\n") + '"}',
        ),
        encoding="utf-8",
    )
    return folder


def test_table_lists_every_bank_area_with_counts_and_clauses(cli: CLI, tmp_path):
    run = cli("bank", "coverage", "--bank-dir", _own_bank(tmp_path))
    lines = run.out.splitlines()
    assert lines[0].split() == [
        "BANK", "AREA", "QUESTIONS", "PROBES", "WITH", "PROBES", "DOCS", "CLAUSES", "JURISDICTIONS", "REGION", "LABELS"
    ]  # fmt: skip
    row = next(line.split() for line in lines if line.startswith("sample2 "))
    # one primary question, two probes, one question with probes, 3 documents (4 with the probe's own SOP)
    assert row[:7] == ["sample2", "data-integrity", "1", "2", "1", "4", "4"]
    assert row[7:] == ["eu,pics,us", "eu,us"]
    assert "sample2 / data-integrity: documents and clauses cited" in lines
    assert "  EU-GMP-Annex-11: §9" in lines and "  PRIVATE-SOP: (whole document)" in lines
    bundled = len(BankService(include_user=False).catalogue().banks)
    assert lines[-1].startswith(f"{bundled + 1} bank(s), ")  # the bundled banks and this one


def test_json_is_the_service_coverage(cli: CLI, tmp_path):
    folder = _own_bank(tmp_path)
    data = cli("bank", "coverage", "--bank-dir", folder, "--json").json()
    assert data == BankService([folder]).coverage().to_json()
    row = next(r for r in data["rows"] if r["bank"] == "sample2")
    assert row["documents"][0] == {"id": "21-CFR-211", "clauses": ["211.192"]}
    assert row["questions"] == 1 and row["probes"] == 2 and row["questions_with_probes"] == 1
    docs = {d["id"]: d for d in data["documents"]}
    assert docs["PRIVATE-SOP"]["banks"] == ["sample2"] and docs["PRIVATE-SOP"]["citations"] == 1


def test_bundled_leaves_out_other_folders(cli: CLI, tmp_path):
    data = cli("bank", "coverage", "--bundled", "--bank-dir", _own_bank(tmp_path), "--json").json()
    assert "sample2" not in {r["bank"] for r in data["rows"]}
    assert data == BankService(include_user=False).coverage().to_json()


def test_markdown_printed_and_written_are_the_same_page(cli: CLI, tmp_path):
    printed = cli("bank", "coverage", "--bundled", "--markdown").out
    out = tmp_path / "coverage.md"
    run = cli("bank", "coverage", "--bundled", "--markdown", "-o", out)
    assert run.out == "" and f"wrote {out}" in run.err
    assert out.read_text(encoding="utf-8") == printed
    assert printed == markdown(
        BankService(include_user=False).coverage(), "mockinspect bank coverage --bundled --markdown"
    )
    assert (
        printed.startswith("# Question bank coverage\n")
        and "`mockinspect bank coverage --bundled --markdown`" in printed
    )


def test_clause_text_is_escaped_in_the_table_and_a_markdown_cell(cli: CLI, tmp_path):
    folder = _own_bank(tmp_path, EVIL_CLAUSE)
    run = cli("bank", "coverage", "--bank-dir", folder)
    assert "\x1b" not in run.out and "\nrow: forged" not in run.out
    assert "  EU-GMP-Annex-11: §9\\x1b[31m\\nrow: forged" in run.out.splitlines()
    page = cli("bank", "coverage", "--bank-dir", folder, "--markdown").out
    line = next(
        line for line in page.splitlines() if "EU-GMP-Annex-11" in line and "sample2" not in line and "forged" in line
    )
    assert line.count("|") == 4  # one row, three cells: the line break did not split it
    data = cli("bank", "coverage", "--bank-dir", folder, "--json").json()
    row = next(r for r in data["rows"] if r["bank"] == "sample2")
    assert EVIL_CLAUSE in next(d["clauses"] for d in row["documents"] if d["id"] == "EU-GMP-Annex-11")


def test_json_and_markdown_together_is_one_error_line(cli: CLI):
    assert "choose --json or --markdown" in cli("bank", "coverage", "--json", "--markdown", code=1).error


def test_an_unwritable_output_is_one_error_line(cli: CLI, tmp_path):
    run = cli("bank", "coverage", "--markdown", "-o", tmp_path / "missing" / "coverage.md", code=1)
    assert "cannot write" in run.error and "Traceback" not in run.err


def test_validate_prints_a_problem_in_a_strange_file_name_escaped(cli: CLI, tmp_path):
    bad = tmp_path / "bad\x1b[2J\nok.yaml"
    bad.write_text("kind: nope\n", encoding="utf-8")
    run = cli("bank", "validate", bad, code=1)
    assert run.out.splitlines() == [
        f"{tmp_path}/bad\\x1b[2J\\nok.yaml:1:7: 'kind' must be 'bank', 'scenario' or 'documents' ('nope' is not one)"
    ]
