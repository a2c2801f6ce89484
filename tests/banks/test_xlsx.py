"""The Excel round trip: export then import gives the same bank; a bad workbook writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
load_workbook = openpyxl.load_workbook

from mockinspect.banks.loader import load_file, load_text  # noqa: E402
from mockinspect.banks.migrate import same_meaning  # noqa: E402
from mockinspect.banks.xlsx import MAX_ROWS, WorkbookError, export_workbook, import_workbook  # noqa: E402
from mockinspect.resources import question_banks_dir  # noqa: E402
from tests.cli.helpers import run_cli  # noqa: E402

from .conftest import VALID_BANK, VALID_BANK2  # noqa: E402

STARTER = question_banks_dir() / "banks" / "data-integrity.yaml"


def round_trip(bank_path: Path, tmp_path: Path) -> tuple[str, Path]:
    book = tmp_path / "bank.xlsx"
    export_workbook(load_file(bank_path).doc, book)
    return import_workbook(book), book


def test_starter_bank_round_trips_exactly(tmp_path):
    text, _ = round_trip(STARTER, tmp_path)
    original = load_file(STARTER).doc
    again = load_text(tmp_path / "again.yaml", text, "").doc
    assert same_meaning(original, again) == []
    body = STARTER.read_text(encoding="utf-8").split("kind: bank", 1)[1]
    assert text.split("kind: bank", 1)[1] == body  # the same text, comments at the top aside


@pytest.mark.parametrize("source", [VALID_BANK, VALID_BANK2])
def test_both_formats_export_and_import(write, tmp_path, source):
    path = write("b.yaml", source)
    text, _ = round_trip(path, tmp_path)
    assert same_meaning(load_file(path).doc, load_text(path, text, "").doc) == []


def damaged(tmp_path: Path, change) -> Path:
    book = tmp_path / "bank.xlsx"
    export_workbook(load_file(STARTER).doc, book)
    wb = load_workbook(book)
    change(wb)
    wb.save(book)
    return book


def problems(book: Path) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        import_workbook(book)
    return [str(p) for p in info.value.problems]


def test_missing_sheet(tmp_path):
    book = damaged(tmp_path, lambda wb: wb.remove(wb["Questions"]))
    assert problems(book) == [f"{book}!Questions: sheet is missing"]


def test_merged_cells(tmp_path):
    book = damaged(tmp_path, lambda wb: wb["Questions"].merge_cells("D3:E3"))
    assert problems(book) == [f"{book}!Questions!D3:E3: merged cells are not allowed; unmerge them"]


def test_a_formula(tmp_path):
    def change(wb):
        wb["Questions"]["O2"] = "=10+5"

    book = damaged(tmp_path, change)
    assert problems(book) == [f"{book}!Questions!O2: a formula; type the value itself"]


def test_wrong_types(tmp_path):
    def change(wb):
        wb["Bank"]["B4"] = 2.0  # version typed as a number
        wb["Questions"]["O2"] = "fifteen"  # time_minutes
        wb["Questions"]["G3"] = "severe"  # grade

    book = damaged(tmp_path, change)
    found = problems(book)
    assert f"{book}!Bank!B4: must be text, not a number or date; format the cell as Text" in found
    assert f"{book}!Questions!O2: must be a whole number of minutes" in found


def test_invalid_values_point_at_their_cell(tmp_path):
    def change(wb):
        wb["Questions"]["G3"] = "severe"

    book = damaged(tmp_path, change)
    [found] = problems(book)
    assert found.startswith(f"{book}!Questions!G3: ") and "must be one of" in found


def test_an_unknown_document_points_at_its_citation(tmp_path):
    def change(wb):
        wb["Citations"]["B2"] = "EU-GMP-Annex-99"

    book = damaged(tmp_path, change)
    [found] = problems(book)
    assert found.startswith(f"{book}!Citations!B2: ") and "'EU-GMP-Annex-99' is not in documents.yaml" in found


def test_meaning_problems_point_at_their_cell(tmp_path):
    def change(wb):
        wb["Probes"]["C2"] = "any: deficient, missed:no-such-point"

    book = damaged(tmp_path, change)
    found = problems(book)
    assert any(p.startswith(f"{book}!Probes!C2: ") and "'no-such-point' is not one of" in p for p in found), found


def test_unknown_and_missing_columns(tmp_path):
    def change(wb):
        wb["KeyPoints"]["C1"] = "txet"

    book = damaged(tmp_path, change)
    found = problems(book)
    assert any(p.startswith(f"{book}!KeyPoints!C1: unknown column 'txet'") for p in found), found
    assert any("column 'text' is missing" in p for p in found), found


def test_ten_thousand_rows_are_refused(tmp_path):
    def change(wb):
        ws = wb["Evidence"]
        for i in range(10_000):
            ws.append(["DI-001", f"Record {i}"])

    book = damaged(tmp_path, change)
    assert problems(book) == [f"{book}!Evidence!A{MAX_ROWS + 2}: more than {MAX_ROWS:,} rows; split the bank"]


def test_not_a_workbook(tmp_path):
    book = tmp_path / "bank.xlsx"
    book.write_text("kind: bank\n")
    [problem] = problems(book)
    assert problem.startswith(f"{book}: not an Excel workbook")


def test_cli_import_writes_nothing_on_a_problem(tmp_path):
    book = damaged(tmp_path, lambda wb: wb["Questions"].merge_cells("D3:E3"))
    out = tmp_path / "out.yaml"
    result = run_cli("bank", "import", "--xlsx", book, "-o", out)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{book}!Questions!D3:E3: merged cells are not allowed; unmerge them"]
    assert "nothing written" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_export_then_import(tmp_path):
    book, out = tmp_path / "b.xlsx", tmp_path / "b.yaml"
    assert run_cli("bank", "export", STARTER, "--xlsx", book).returncode == 0
    result = run_cli("bank", "import", "--xlsx", book, "-o", out)
    assert result.returncode == 0, result.stderr
    assert same_meaning(load_file(STARTER).doc, load_file(out).doc) == []


VALUES = [
    None,
    "",
    " ",
    "=SUM(A1:A2)",
    0,
    -1,
    3.5,
    True,
    "critical",
    "DI-001",
    "any: deficient",
    "on:",
    "ü語",
    "a, b | c",
]


@pytest.mark.parametrize("seed", range(25))
def test_damaged_workbooks_never_raise_anything_else(tmp_path, seed):
    import random

    rng = random.Random(seed)
    book = tmp_path / "bank.xlsx"
    export_workbook(load_file(STARTER).doc, book)
    wb = load_workbook(book)
    for _ in range(rng.randint(1, 4)):
        ws = wb[rng.choice(wb.sheetnames)]
        row, col = rng.randint(1, max(ws.max_row, 1) + 1), rng.randint(1, max(ws.max_column, 1) + 1)
        ws.cell(row, col, rng.choice(VALUES))
    wb.save(book)
    try:
        text = import_workbook(book)
    except WorkbookError as exc:
        assert exc.problems
        for p in exc.problems:
            assert str(p).startswith(f"{book}") and "\n" not in p.message
    else:
        assert load_text(tmp_path / "b.yaml", text, "").doc.id == "data-integrity"
