"""Meaning-level checks across a bank, several files, and scenarios."""

from __future__ import annotations

import os
from pathlib import Path

from mockinspect.services.banks import BankService

from .conftest import VALID_BANK, VALID_SCENARIO


def validate(*paths):
    return BankService(include_user=False).validate(list(paths))


def line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, s in enumerate(text.splitlines(), 1) if needle in s]
    return hits[nth - 1]


def test_valid_files_have_no_problems(write):
    assert validate(write("b.yaml", VALID_BANK), write("s.yaml", VALID_SCENARIO)) == []


def test_duplicate_question_id_within_a_bank(write):
    text = VALID_BANK.replace("id: SMP-002", "id: SMP-001").replace("ask: SMP-002", "ask: SMP-003")
    problems = validate(write("b.yaml", text))
    dup = [p for p in problems if "duplicate question id 'SMP-001'" in p.message]
    assert len(dup) == 1
    assert dup[0].line == line_of(text, "id: SMP-001", 2)
    assert f"first at line {line_of(text, 'id: SMP-001')}" in dup[0].message


def test_duplicate_question_id_across_banks(write):
    other = VALID_BANK.replace("id: sample", "id: other")
    a, b = write("a.yaml", VALID_BANK), write("b.yaml", other)
    problems = validate(a, b)
    assert len(problems) == 2  # SMP-001 and SMP-002 both clash
    assert all(p.path == str(b) for p in problems)
    assert f"also used by bank 'sample' ({a}:" in problems[0].message


def test_same_bank_version_twice_is_an_error_but_two_versions_are_fine(write):
    a = write("a.yaml", VALID_BANK)
    assert validate(a, write("b.yaml", VALID_BANK.replace("version: 1.0.0", "version: 1.1.0"))) == []
    problems = validate(a, write("c.yaml", VALID_BANK))
    assert len(problems) == 1 and "version 1.0.0 is also in" in problems[0].message


def test_follow_up_to_unknown_question(write):
    text = VALID_BANK.replace("ask: SMP-002", "ask: SMP-099").replace("    follow_up_only: true\n", "")
    [problem] = validate(write("b.yaml", text))
    assert problem.line == line_of(text, "ask: SMP-099")
    assert problem.col == len("      - ask: ") + 1
    assert "follow-up 'SMP-099' is not a question in this bank" in problem.message


def test_follow_up_cycle_is_reported_once(write):
    text = VALID_BANK.replace(
        "    default_grade: minor\n", "    default_grade: minor\n    follow_ups:\n      - ask: SMP-001\n"
    )
    [problem] = validate(write("b.yaml", text))
    assert "follow-up cycle: SMP-001 -> SMP-002 -> SMP-001" in problem.message
    assert problem.line == line_of(text, "ask: SMP-001")


def test_self_follow_up(write):
    text = VALID_BANK.replace("ask: SMP-002", "ask: SMP-001").replace("    follow_up_only: true\n", "")
    [problem] = validate(write("b.yaml", text))
    assert "cannot follow up on itself" in problem.message


def test_unreachable_follow_up_only_question(write):
    text = VALID_BANK.replace(
        "    follow_ups:\n      - ask: SMP-002\n        when:\n          status: [deficient]\n"
        "          missed_key_points: [before-release]\n",
        "",
    )
    [problem] = validate(write("b.yaml", text))
    assert "follow-up-only but no question follows up with it" in problem.message


def test_undeclared_document_area_and_key_point(write):
    text = (
        VALID_BANK.replace("doc: EU-GMP-Annex-11", "doc: EU-GMP-Annex-99")
        .replace("area: data-integrity\n    prompt: Who", "area: qc-lab\n    prompt: Who")
        .replace("missed_key_points: [before-release]", "missed_key_points: [before-release, after]")
    )
    problems = validate(write("b.yaml", text))
    messages = [p.message for p in problems]
    assert any("document 'EU-GMP-Annex-99' is not in documents.yaml" in m for m in messages)
    assert any("area 'qc-lab' is not declared" in m for m in messages)
    assert any("'after' is not one of this question's key points" in m for m in messages)
    assert len(problems) == 3


def test_scenario_pointing_at_unknown_things(write):
    bank = write("b.yaml", VALID_BANK)
    text = (
        VALID_SCENARIO.replace("banks: [sample]", "banks: [sample, nosuch]").replace(
            "areas: [data-integrity]", "areas: [data-integrity, sterility]"
        )
        + "  include: [DI-404]\n"
    )
    problems = validate(bank, write("s.yaml", text))
    messages = [p.message for p in problems]
    assert "unknown bank 'nosuch'" in messages
    assert "no drawn bank has an area 'sterility'" in messages
    assert "question 'DI-404' is not in the drawn banks" in messages
    include = next(p for p in problems if "DI-404" in p.message)
    assert include.line == line_of(text, "include:")


def test_scenario_alone_resolves_against_available_banks(write):
    """A scenario validated on its own may draw on bundled or user banks."""
    user_banks = BankService().sources()[1].root / "banks"
    user_banks.mkdir(parents=True)
    (user_banks / "sample.yaml").write_text(VALID_BANK, encoding="utf-8")
    assert BankService().validate([write("s.yaml", VALID_SCENARIO)]) == []


def test_missing_path_and_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    problems = validate(tmp_path / "nope.yaml", tmp_path / "empty")
    assert [p.message for p in problems] == ["no .yaml or .yml files in this folder", "no such file or folder"]


def test_a_path_that_is_not_a_regular_file_is_not_silently_ok():
    [problem] = validate(Path(os.devnull))
    assert problem.message == "not a regular file (a character device); banks are read from regular files"


def test_problems_from_many_files_are_all_reported(write):
    paths = [
        write(f"bad{i}.yaml", VALID_BANK.replace("default_grade: major", f"default_grade: x{i}")) for i in range(5)
    ]
    problems = validate(*paths)
    assert sorted({p.path for p in problems}) == sorted(str(p) for p in paths)
