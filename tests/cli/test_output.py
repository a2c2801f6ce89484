"""The printing helpers: what is escaped, how tables align."""

from __future__ import annotations

import json

import pytest

from mockinspect.cli.output import echo, print_fields, print_json, print_table, safe, width


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, äöü, 監査", "plain text, äöü, 監査"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("bell\x07 del\x7f nel\x85", "bell\\x07 del\\x7f nel\\x85"),
        ("\u202eevil\u202c \u2066iso\u2069 \u200e\u200f\u061c", "\\u202eevil\\u202c \\u2066iso\\u2069 \\u200e\\u200f\\u061c"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("bom\ufeff zw\u200b", "bom\\ufeff zw\\u200b"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone\udcff", "lone\\udcff"),
        ("family 👨\u200d👩\u200d👧 e\u0301 nbsp\u00a0", "family 👨\u200d👩\u200d👧 e\u0301 nbsp\u00a0"),
        (42, "42"),
    ],
)
def test_safe_escapes_what_could_forge_or_recolour(text, shown):
    assert safe(text) == shown


def test_echo_escapes_every_part_and_prints_one_line(capsys):
    echo("ok:", "a\nb", 3)
    assert capsys.readouterr().out == "ok: a\\nb 3\n"


def test_width_counts_terminal_columns():
    assert width("abc") == 3
    assert width("監査") == 4
    assert width("e\u0301") == 1
    assert width("Ｆｕｌｌ") == 8


def test_a_table_aligns_on_terminal_columns(capsys):
    print_table(["ID", "SITE", "NOTE"], [(1, "監査サイト", "x"), (22, "Zell", "second\nline")])
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "ID  SITE        NOTE",
        "1   監査サイト  x",
        "22  Zell        second\\nline",
    ]


def test_a_table_does_not_pad_its_last_column(capsys):
    print_table(["A", "B"], [("x", ""), ("yyyy", "z")])
    assert capsys.readouterr().out.splitlines() == ["A     B", "x", "yyyy  z"]


def test_fields_align_their_values(capsys):
    print_fields([("Site", "Zell\x1b[31m"), ("Findings", "-")])
    assert capsys.readouterr().out.splitlines() == ["Site      Zell\\x1b[31m", "Findings  -"]


def test_json_is_exact(capsys):
    value = {"site": "Zell\x1b[31m\n\u202e監査"}
    print_json(value)
    out = capsys.readouterr().out
    assert json.loads(out) == value and out.endswith("}\n")
