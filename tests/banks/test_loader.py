"""One file at a time: parse, shape, and the position of every problem."""

from __future__ import annotations

import pytest

from mockinspect.banks.loader import MAX_FILE_BYTES, load_file
from mockinspect.banks.problems import BankFileError
from mockinspect.domain.bank import Bank

from .conftest import VALID_BANK, VALID_SCENARIO


def problems_of(path):
    with pytest.raises(BankFileError) as info:
        load_file(path)
    return info.value.problems


def test_valid_bank_loads(write):
    loaded = load_file(write("b.yaml", VALID_BANK))
    assert isinstance(loaded.doc, Bank)
    assert [q.id for q in loaded.doc.questions] == ["SMP-001", "SMP-002"]
    assert loaded.doc.questions[0].citations[0].clause == "9"
    assert len(loaded.sha256) == 64


def test_valid_scenario_loads(write):
    loaded = load_file(write("s.yaml", VALID_SCENARIO))
    assert loaded.doc.kind == "scenario"
    assert loaded.doc.areas == ["data-integrity"]


def test_yaml_12_words_stay_text(write):
    text = VALID_BANK.replace("Show me the audit trail review for the last released batch.", "no").replace(
        "tags: [audit-trail]", "tags: [yes, 'NO', on, off]"
    )
    bank = load_file(write("b.yaml", text)).doc
    assert bank.questions[0].prompt == "no"
    assert bank.questions[0].tags == ["yes", "NO", "on", "off"]


def test_unknown_key_points_at_the_key(write):
    text = VALID_BANK.replace("    default_grade: minor\n", "    default_grade: minor\n    defualt_grade: minor\n")
    [problem] = problems_of(write("b.yaml", text))
    line = text.splitlines().index("    defualt_grade: minor") + 1
    assert (problem.line, problem.col) == (line, 5)
    assert "questions.1.defualt_grade: unknown key" in problem.message


def test_wrong_value_points_at_the_value(write):
    text = VALID_BANK.replace("default_grade: major", "default_grade: severe")
    [problem] = problems_of(write("b.yaml", text))
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "severe" in s)
    assert (problem.line, problem.col) == (line, 20)
    assert "questions.0.default_grade" in problem.message and "'critical'" in problem.message


def test_missing_key_points_at_the_mapping_lacking_it(write):
    text = VALID_BANK.replace("    intent: Checks the review is owned and proceduralised.\n", "")
    [problem] = problems_of(write("b.yaml", text))
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "id: SMP-002" in s)
    assert problem.line == line
    assert problem.message == "questions.1.intent: required key is missing"


def test_every_problem_is_listed_at_once(write):
    text = (
        VALID_BANK.replace("version: 1.0.0", "version: one")
        .replace("default_grade: major", "default_grade: huge")
        .replace("status: [deficient]", "status: [broken]")
        .replace("id: SMP-002", "id: DI 002")
    )
    problems = problems_of(write("b.yaml", text))
    messages = " | ".join(p.message for p in problems)
    assert len(problems) == 4, messages
    assert "version: must be a version" in messages
    assert "questions.1.id: must be an id" in messages
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_duplicate_keys_are_errors_not_silently_overwritten(write):
    text = VALID_BANK.replace("title: Sample bank\n", "title: Sample bank\ntitle: Other\n")
    [problem] = problems_of(write("b.yaml", text))
    assert (problem.line, problem.col) == (4, 1)
    assert "duplicate key 'title' (first at line 3)" in problem.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "file is empty"),
        ("   \n\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file is binary"),
        (b"kind: bank\ntitle: caf\xe9\n", "not UTF-8"),
        ("- just\n- a list\n", "expected a mapping"),
        ("plain text\n", "expected a mapping"),
        ("kind: recipe\n", "'kind' must be 'bank', 'scenario' or 'documents'"),
        ("title: no kind\n", "'kind' must be 'bank', 'scenario' or 'documents' (missing)"),
        ("kind: bank\nid: [unclosed\n", "YAML syntax"),
        ("kind: bank\n  bad: indent\n", "YAML syntax"),
        ("kind: bank\nid: *nowhere\n", "YAML syntax"),
        ("kind: bank\ntext: !!python/object:os.system ls\n", "YAML syntax"),
        ("---\nkind: bank\n---\nkind: bank\n", "YAML syntax"),
    ],
)
def test_unusable_files_get_one_clear_line(write, content, expected):
    problems = problems_of(write("bad.yaml", content))
    assert any(expected in p.message for p in problems), problems
    for p in problems:
        assert p.line >= 1 and p.col >= 1
        assert str(p).startswith(f"{p.path}:{p.line}:{p.col}: ")


def test_not_utf8_points_at_the_byte(write):
    [problem] = problems_of(write("b.yaml", b"kind: bank\ntitle: caf\xe9\n"))
    assert (problem.line, problem.col) == (2, 11)


def test_oversized_file_is_refused_without_parsing(write):
    path = write("huge.yaml", "")
    with path.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)
    [problem] = problems_of(path)
    assert "limited to 10 MB" in problem.message


def test_billion_laughs_is_refused(write):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 9)}]")
    [problem] = problems_of(write("bomb.yaml", "kind: bank\n" + "\n".join(lines) + "\n"))
    assert "alias bomb" in problem.message


def test_small_aliases_are_fine(write):
    text = VALID_BANK.replace("tags: [audit-trail]", "tags: &t [audit-trail]").replace(
        "    follow_up_only: true", "    follow_up_only: true\n    tags: *t"
    )
    bank = load_file(write("b.yaml", text)).doc
    assert bank.questions[1].tags == ["audit-trail"]


def test_missing_file_is_one_line(tmp_path):
    [problem] = problems_of(tmp_path / "nope.yaml")
    assert "cannot read the file" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    follow_up_only: true", "    follow_up_only: 'true'", "questions.1.follow_up_only"),
        ("    follow_up_only: true", "    follow_up_only: 1", "questions.1.follow_up_only"),
    ],
)
def test_booleans_are_not_coerced_from_strings_or_numbers(write, old, new, where):
    [problem] = problems_of(write("b.yaml", VALID_BANK.replace(old, new)))
    assert problem.message == f"{where}: must be true or false"


@pytest.mark.parametrize("value", ["'60'", "60.0", "true"])
def test_numbers_are_not_coerced(write, value):
    [problem] = problems_of(write("s.yaml", VALID_SCENARIO.replace("minutes: 60", f"minutes: {value}")))
    assert problem.message == "agenda.0.minutes: must be a whole number"


def test_language_has_its_own_message(write):
    [problem] = problems_of(write("b.yaml", VALID_BANK.replace("version: 1.0.0", "version: 1.0.0\nlanguage: english")))
    assert problem.message == "language: must be a language code like en, de or fr-CA"


def test_format_field_is_optional_and_checked(write):
    assert load_file(write("a.yaml", "format: 1\n" + VALID_BANK)).doc.format == 1
    assert load_file(write("b.yaml", VALID_BANK)).doc.format == 1
    [problem] = problems_of(write("c.yaml", "format: 9\n" + VALID_BANK))
    assert problem.message.startswith("format: must be one of")
