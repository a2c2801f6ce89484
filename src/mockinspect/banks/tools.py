"""Authoring tools behind ``bank migrate`` and ``bank new-id``."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from mockinspect.banks.loader import load_file, load_text
from mockinspect.banks.migrate import MigrationError, bank_text, same_meaning
from mockinspect.banks.problems import BankFileError
from mockinspect.domain.bank import Bank
from mockinspect.i18n import tr


class ToolError(Exception):
    """A one-line reason an authoring tool cannot do what was asked (the CLI prints it)."""


def migrate_file(path: Path, registry_ids: Iterable[str] = ()) -> str:
    """The format-2 text of a format-1 bank file, checked to say the same thing."""
    try:
        loaded = load_file(path)
    except BankFileError as exc:
        first = exc.problems[0]
        more = len(exc.problems) - 1
        raise ToolError(
            tr("{problem} (and {n} more); fix the file first", problem=first, n=more) if more else str(first)
        ) from None
    bank = loaded.doc
    if not isinstance(bank, Bank):
        raise ToolError(tr("{path}: not a bank", path=path))
    if loaded.tag != "bank":
        raise ToolError(tr("{path}: already format 2", path=path))
    try:
        text = bank_text(bank, registry_ids=registry_ids)
    except MigrationError as exc:
        raise ToolError(f"{path}: {exc}") from None
    try:
        again = load_text(path, text, "").doc
    except BankFileError as exc:  # pragma: no cover - the writer and the reader disagree
        raise ToolError(tr("{path}: the converted text does not load: {p}", path=path, p=exc.problems[0])) from None
    if not isinstance(again, Bank):  # pragma: no cover
        raise ToolError(tr("{path}: the converted text is not a bank", path=path))
    diffs = same_meaning(bank, again)
    if diffs:
        raise ToolError(tr("{path}: conversion would change the bank: {d}", path=path, d="; ".join(diffs[:3])))
    return text


def load_bank(path: Path) -> Bank:
    """A bank file of either format, or ToolError naming its first problem."""
    try:
        doc = load_file(path).doc
    except BankFileError as exc:
        more = len(exc.problems) - 1
        first = exc.problems[0]
        raise ToolError(
            tr("{problem} (and {n} more); run: mockinspect bank validate {path}", problem=first, n=more, path=path)
            if more
            else str(first)
        ) from None
    if not isinstance(doc, Bank):
        raise ToolError(tr("{path}: not a bank", path=path))
    return doc


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise ToolError(tr("cannot write {path}: {reason}", path=path, reason=exc.strerror or exc)) from None


_NUMBERED = re.compile(r"^(?P<prefix>.*?)(?P<number>[0-9]+)$")


def next_question_id(area: str, banks: Iterable[Bank]) -> str:
    """The next free id in an area: its questions' usual prefix plus the next number, same width.

    Probe ids (``DI-003-P1``) are not counted; an id used by any bank is never offered.
    """
    bank_list = list(banks)
    if not any(a.id == area for b in bank_list for a in b.areas):
        known = ", ".join(sorted({a.id for b in bank_list for a in b.areas})) or tr("none")
        raise ToolError(tr("no bank has an area '{area}' (known: {known})", area=area, known=known))
    used = {q.id for b in bank_list for q in b.questions}
    numbered = [
        m
        for b in bank_list
        for q in b.questions
        if q.area == area and q.parent is None and not q.follow_up_only and (m := _NUMBERED.match(q.id))
    ]
    if numbered:
        prefix = Counter(m["prefix"] for m in numbered).most_common(1)[0][0]
        width = max(len(m["number"]) for m in numbered if m["prefix"] == prefix)
        start = max(int(m["number"]) for m in numbered if m["prefix"] == prefix) + 1
    else:
        prefix = "".join(part[0] for part in area.split("-") if part).upper() + "-"
        width, start = 3, 1
    n = start
    while f"{prefix}{n:0{width}d}" in used:
        n += 1
    return f"{prefix}{n:0{width}d}"
