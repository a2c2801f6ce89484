"""Printing helpers shared by the command groups: aligned tables, key/value lines, JSON.

Human-readable output shows control characters, escape sequences and bidirectional
overrides from user or bank text escaped (``\\x1b``, ``\\n``, ``\\u202e``), so no stored
text can forge a line of output or recolour the terminal. JSON output stays exact.
"""

from __future__ import annotations

import contextlib
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
        if (category in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch != "\u200d") or ord(ch) in _BIDI:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def echo(*parts: object, file: TextIO | None = None) -> None:
    """Print one line of human-readable output with every part escaped."""
    print(" ".join(safe(p) for p in parts), file=file or sys.stdout)


def print_json(value: Any) -> None:
    """Indented JSON; as ASCII escapes when stdout cannot carry every character (e.g. cp1252 on a
    Windows redirect), so the text a script parses is always exact."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=not _unicode_stream(sys.stdout), default=str)
    sys.stdout.write("\n")


def _unicode_stream(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8", "utf-16", "utf-32", "utf-8-sig")


def tolerant_streams() -> None:
    """Let stdout and stderr write what their encoding lacks as backslash escapes (a site name in
    Japanese on a cp1252 console) instead of failing the command after it did its work."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="backslashreplace")


def surrogates(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (decoded as lone surrogates)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide East Asian characters 2, combining marks 0."""
    if text.isascii():
        return len(text)
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me") or ch == "\u200d":
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Left-aligned columns; the last column is not padded, so long titles do not widen the rest."""
    text_rows = [[safe(c) for c in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in text_rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (w - width(c)) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    print(line(list(headers)))
    for r in text_rows:
        print(line(r))


def print_fields(lines: Sequence[tuple[str, object]]) -> None:
    """``Key  value`` lines, keys aligned, values escaped."""
    keys = max((width(k) for k, _ in lines), default=0)
    for key, value in lines:
        print(f"{key}{' ' * (keys - width(key))}  {safe(value)}")
