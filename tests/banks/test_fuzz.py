"""Random damage to a valid bank: the validator answers with positions, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockinspect.banks import yaml12
from mockinspect.services.banks import BankService

from .conftest import VALID_BANK, VALID_BANK2

LINES = VALID_BANK.splitlines(keepends=True)
LINES2 = VALID_BANK2.splitlines(keepends=True)
NOISE = st.text(
    alphabet=st.sampled_from(list(":-[]{}&*!|>#'\"\t ,%@`?\n") + list("abcXYZ019") + ["ü", "語"]), max_size=12
)


@st.composite
def damaged_bank(draw, source: list[str] = LINES) -> str:
    lines = list(source)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "splice", "indent", "dedent", "swap", "value"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "insert":
            lines.insert(i, draw(NOISE) + "\n")
        elif action == "splice":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(NOISE) + lines[i][pos:]
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            value = draw(
                st.sampled_from(["", "[]", "{}", "null", "3", "-1", "yes", "DI-001", "*x", "&y z", '"unclosed'])
            )
            lines[i] = f"{key}: {value}\n"
        if not lines:
            lines = ["\n"]
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(damaged_bank(), damaged_bank(LINES2)))
def test_damaged_banks_get_positioned_messages(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        path.write_text(text, encoding="utf-8")
        problems = BankService(include_user=False).validate([path])
    n_lines = text.count("\n") + 1
    for p in problems:
        assert p.path == str(path)
        assert 1 <= p.line <= n_lines + 1, (p, text)
        assert p.col >= 1
        assert p.message and "\n" not in p.message and "Traceback" not in p.message
    if not problems:  # then the damage was harmless and the file really is a bank
        assert yaml12.parse(text).data["kind"] == "bank"
