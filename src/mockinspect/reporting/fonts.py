"""Embedded TrueType fonts and the run-splitter that gives every character a font that has it.

reportlab has no font fallback: a character missing from the paragraph's font prints as an
empty box. ``markup(text)`` escapes user text (so ``<``, ``&`` and markup-like text print as
typed and ``<img>`` never reaches the parser) and wraps each run of characters in the first
font of ``FALLBACK`` that has their glyphs: Noto Sans (Latin, Greek, Cyrillic), IPAGothic
(Japanese), NanumGothic (Korean), Symbola (symbols and emoji, monochrome).
A character no font has (an emoji newer than Unicode 8) prints as U+FFFD, never a blank box.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from mockinspect.resources import resource

BASE = "NotoSans"
BOLD = "NotoSans-Bold"
ITALIC = "NotoSans-Italic"
BOLD_ITALIC = "NotoSans-BoldItalic"
FILES = {
    BASE: "NotoSans-Regular.ttf",
    BOLD: "NotoSans-Bold.ttf",
    ITALIC: "NotoSans-Italic.ttf",
    BOLD_ITALIC: "NotoSans-BoldItalic.ttf",
    "IPAGothic": "ipag.ttf",
    "NanumGothic": "NanumGothic.ttf",
    "Symbola": "Symbola.ttf",
}
FALLBACK = ("IPAGothic", "NanumGothic", "Symbola")  # after the base font, in this order
# Invisible format characters that no font draws and reportlab would print as a box.
_DROP = {0x200B, 0x200C, 0x200D, 0x2060, 0xFE0E, 0xFE0F, 0xFEFF}


class _Font(TTFont):
    """A TrueType font that remembers the width of each string it measured: reportlab's line
    breaking measures the same words and the same space many times per paragraph."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._widths: dict[tuple[str, float, str], float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        key = (text, size, encoding)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) >= 200_000:  # a long-running window: forget, never grow without end
                self._widths.clear()
            width = self._widths[key] = super().stringWidth(text, size, encoding)
        return width


@cache
def register() -> None:
    """Register the fonts once per process (bold/italic of fallbacks map to themselves)."""
    for name, file in FILES.items():
        pdfmetrics.registerFont(_Font(name, str(resource("fonts", file))))
    addMapping(BASE, 0, 0, BASE)
    addMapping(BASE, 1, 0, BOLD)
    addMapping(BASE, 0, 1, ITALIC)
    addMapping(BASE, 1, 1, BOLD_ITALIC)
    faces: dict[tuple[Literal[0, 1], Literal[0, 1]], str] = {(0, 0): BASE, (1, 0): BOLD, (0, 1): ITALIC, (1, 1): BOLD_ITALIC}
    for name in (BOLD, ITALIC, BOLD_ITALIC):
        for (bold, italic), face in faces.items():
            addMapping(name, bold, italic, face)
    for name in FALLBACK:
        for bold, italic in faces:
            addMapping(name, bold, italic, name)


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\t\r]")


@cache
def _cmap(name: str) -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


@lru_cache(maxsize=65536)
def font_for(ch: str) -> str | None:
    """None: the paragraph's own font (Noto Sans) has it; else the fallback font's name."""
    code = ord(ch)
    if code in _cmap(BASE) or ch in "\n\t ":
        return None
    for name in FALLBACK:
        if code in _cmap(name):
            return name
    return None  # nowhere: ``markup`` prints U+FFFD instead


def clean(text: str) -> str:
    """Text reportlab can lay out: no control characters, no lone surrogates, no invisible
    format characters; tabs as spaces; CR LF as LF."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append("    ")
        elif code in _DROP or 0xD800 <= code <= 0xDFFF:
            continue
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and code not in (0x0A,):
            if unicodedata.category(ch) == "Co":
                out.append("\ufffd")
            continue
        else:
            out.append(ch)
    return "".join(out)


def markup(text: str | None) -> str:
    """``text`` escaped for a reportlab Paragraph, each run in a font that has its glyphs,
    line breaks kept."""
    if not text:
        return ""
    if text.isascii() and (text.isprintable() or not _ASCII_CONTROL.search(text)):
        return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")  # the fast path: Noto Sans has all of ASCII
    parts: list[str] = []
    run: list[str] = []
    current: str | None = None

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run)).replace("\n", "<br/>")
        parts.append(chunk if current is None else f'<font name="{current}">{chunk}</font>')
        run.clear()

    for ch in clean(text):
        font = font_for(ch)
        if font is None and ord(ch) not in _cmap(BASE) and ch not in "\n\t ":
            ch = "\ufffd"  # no font has it (an emoji newer than Symbola): a visible mark, not an empty box
        if font != current:
            flush()
            current = font
        run.append(ch)
    flush()
    return "".join(parts)
