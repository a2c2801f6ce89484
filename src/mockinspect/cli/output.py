"""Printing helpers shared by the command groups: aligned tables, key/value lines, JSON.

Human-readable output shows control characters, escape sequences and bidirectional
overrides from user or bank text escaped (``\\x1b``, ``\\n``, ``\\u202e``), so no stored
text can forge a line of output or recolour the terminal. JSON output stays exact.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch == "\r":
        return "\\r"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def safe(value: object) -> str:
    """Text fit for one terminal line: control and format characters escaped, the rest as is."""
    text = str(value)
    if text.isprintable() and not any(ord(c) in _BIDI for c in text):
        return text
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if (category in ("Cc", "Cf", "Zl", "Zp") and ch != "\u200d") or ord(ch) in _BIDI:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def echo(*parts: object, file: TextIO | None = None) -> None:
    """Print one line of human-readable output with every part escaped."""
    print(" ".join(safe(p) for p in parts), file=file or sys.stdout)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Left-aligned columns; the last column is not padded, so long titles do not widen the rest."""
    text_rows = [[safe(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in text_rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    print(line(list(headers)))
    for r in text_rows:
        print(line(r))


def print_fields(lines: Sequence[tuple[str, object]]) -> None:
    """``Key  value`` lines, keys aligned, values escaped."""
    width = max((len(k) for k, _ in lines), default=0)
    for key, value in lines:
        print(f"{key.ljust(width)}  {safe(value)}")
