"""Read one bank or scenario file into a domain object, or list every problem in it.

The fast path is one C-parser pass plus pydantic validation. Positions come from the
node tree that pass already built, so an error costs nothing extra on a good file.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import Node

from mockinspect.banks import yaml12
from mockinspect.banks.format2 import BankFile, DocumentRegistry, LocMap, convert
from mockinspect.banks.problems import BankFileError, Problem
from mockinspect.domain.bank import ID_PATTERN, LANGUAGE_PATTERN, VERSION_PATTERN, Bank
from mockinspect.domain.scenario import Scenario
from mockinspect.i18n import tr

MAX_FILE_BYTES = 10 * 1024 * 1024
Doc = Bank | Scenario | DocumentRegistry
FileModel = Bank | Scenario | DocumentRegistry | BankFile
# What a file is validated against, by the tag the cache stores it under.
MODELS: dict[str, type[Bank] | type[Scenario] | type[DocumentRegistry] | type[BankFile]] = {
    "bank": Bank,
    "bank2": BankFile,
    "scenario": Scenario,
    "documents": DocumentRegistry,
}
KINDS = MODELS  # the name older code imports


def model_tag(data: dict[str, Any]) -> str | None:
    """Which model a file's top level asks for: its ``kind``, and ``format: 2`` for banks."""
    kind = data.get("kind")
    if kind == "bank" and data.get("format") == 2:
        return "bank2"
    return kind if isinstance(kind, str) and kind in MODELS else None


@dataclass
class LoadedFile:
    """A file that loaded: its object, its content hash and (when parsed now) its node tree.

    ``doc`` is the domain object. For a format-2 bank, ``locmap`` maps the domain's
    locations to the file's, so ``problem()`` points where the author wrote the value;
    ``source`` is the validated file model (what the cache stores). ``notices`` are
    remarks that are not problems (a format-1 bank: migrate it).
    """

    path: Path
    doc: Doc
    sha256: str
    _root: Node | None = field(default=None, repr=False)
    _root_parsed: bool = field(default=False, repr=False)
    source: FileModel | None = field(default=None, repr=False)
    locmap: LocMap | None = field(default=None, repr=False)
    notices: list[str] = field(default_factory=list)
    tag: str = ""

    def position(self, loc: tuple[object, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``loc`` in the file; parses again only if the tree is not kept.

        A file re-read for positions must be the content that was loaded (same SHA-256);
        if it changed since, positions would point into other text, so they fall back to 1:1.
        """
        if not self._root_parsed:
            self._root = None
            try:
                text, raw = read_text(self.path)
                if hashlib.sha256(raw).hexdigest() == self.sha256:
                    self._root = yaml12.parse(text).root
            except (BankFileError, yaml12.YamlProblem):
                pass
            self._root_parsed = True
        return yaml12.locate(self._root, loc, key=key)

    def problem_at(self, loc: tuple[object, ...], message: str, *, key: bool = False) -> Problem:
        """A problem at a location in the file itself (no translation)."""
        line, col = self.position(loc, key=key)
        return Problem(str(self.path), line, col, message)

    def location_map(self) -> LocMap | None:
        """The format-2 location map; on a cache hit it is rebuilt from the file, only when needed."""
        if self.locmap is None and self.tag == "bank2":
            try:
                text, raw = read_text(self.path)
                if hashlib.sha256(raw).hexdigest() == self.sha256:
                    parsed = yaml12.parse(text)
                    self.locmap = convert(BankFile.model_validate(parsed.data))[1]
                    self._root, self._root_parsed = parsed.root, True
            except (BankFileError, yaml12.YamlProblem, ValidationError):
                pass
        return self.locmap

    def position_of(self, loc: tuple[object, ...]) -> tuple[int, int]:
        """Line and column of a domain location (translated to the file's for format 2)."""
        locmap = self.location_map()
        key = False
        if locmap is not None:
            loc, key = locmap.translate(loc)
        return self.position(loc, key=key)

    def problem(self, loc: tuple[object, ...], message: str, *, key: bool = False) -> Problem:
        """A problem at a domain location (translated to the file's for format 2)."""
        locmap = self.location_map()
        if locmap is not None:
            loc, at_key = locmap.translate(loc)
            key = key or at_key
        line, col = self.position(loc, key=key)
        return Problem(str(self.path), line, col, message)


def build(path: Path, tag: str, model: FileModel, sha256: str, root: Node | None = None) -> LoadedFile:
    """The LoadedFile for a validated file model (format-2 banks are converted here)."""
    if isinstance(model, BankFile):
        bank, locmap, problems = convert(model)
        loaded = LoadedFile(path, bank, sha256, root, root is not None, model, locmap, tag=tag)
        if problems:
            raise BankFileError(
                sorted(loaded.problem_at(loc, msg, key=len(loc) > 1 and loc[-2] == "terms") for loc, msg in problems)
            )
        return loaded
    loaded = LoadedFile(path, model, sha256, root, root is not None, model, tag=tag)
    if tag == "bank":
        loaded.notices.append(
            tr("notice: {path}: bank format 1 still loads; run: mockinspect bank migrate {path}", path=path)
        )
    return loaded


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def read_text(path: Path) -> tuple[str, bytes]:
    """The file as text, refusing empty, binary, oversized and unreadable files in one line.

    A FIFO, device or socket is refused before a byte is read: it is opened without
    blocking and checked with ``fstat`` (reading a FIFO would wait for a writer forever,
    and ``/dev/zero`` never ends). At most 10 MB + 1 byte is ever read.
    """

    def refuse(message: str) -> BankFileError:
        return BankFileError([Problem(str(path), 1, 1, message)])

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise refuse(tr("cannot read the file: {reason}", reason=exc.strerror or exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = next((tr(name) for test, name in _NOT_REGULAR if test(mode)), tr("a special file"))
            raise refuse(tr("not a regular file ({what}); banks are read from regular files", what=what))
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            raise refuse(tr("file is {size:.1f} MB; banks are limited to 10 MB", size=size / 1_048_576))
        chunks: list[bytes] = []
        total = 0
        while total <= MAX_FILE_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise refuse(tr("file is over 10 MB; banks are limited to 10 MB"))
        raw = b"".join(chunks)
    except OSError as exc:
        raise refuse(tr("cannot read the file: {reason}", reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if not raw.strip():
        raise refuse(tr("file is empty"))
    if b"\x00" in raw[:8192]:
        raise refuse(tr("file is binary, not YAML text"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BankFileError(
            [Problem(str(path), line, col, tr("not UTF-8 text (byte 0x{b:02x})", b=raw[exc.start]))]
        ) from None
    return text, raw


def load_file(path: Path) -> LoadedFile:
    """Load and validate one file on its own; raise BankFileError listing every problem."""
    text, raw = read_text(path)
    return load_text(path, text, hashlib.sha256(raw).hexdigest())


def load_text(path: Path, text: str, sha256: str) -> LoadedFile:
    name = str(path)
    try:
        parsed = yaml12.parse(text)
    except yaml12.YamlProblem as exc:
        raise BankFileError([Problem(name, exc.line, exc.col, exc.message)]) from None

    problems = [
        Problem(
            name,
            *yaml12.node_position(dup),
            tr("duplicate key '{key}' (first at line {line})", key=dup.value, line=first.start_mark.line + 1),
        )
        for dup, first in parsed.duplicate_keys
    ]
    data = parsed.data
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, 1, tr("expected a mapping with 'kind: bank' or 'kind: scenario' at the top")))
        raise BankFileError(problems)
    kind = data.get("kind")
    tag = model_tag(data)
    if tag is None:
        line, col = yaml12.locate(parsed.root, ("kind",))
        found = tr("missing") if kind is None else tr("{kind} is not one", kind=shown(kind))
        problems.append(
            Problem(name, line, col, tr("'kind' must be 'bank', 'scenario' or 'documents' ({found})", found=found))
        )
        raise BankFileError(problems)
    try:
        doc = MODELS[tag].model_validate(data)
    except ValidationError as exc:
        problems.extend(_positioned(name, parsed.root, exc, data))
        raise BankFileError(sorted(problems)) from None
    if problems:
        raise BankFileError(problems)
    return build(path, tag, doc, sha256, parsed.root)


def shown(value: object, limit: int = 60) -> str:
    """A value quoted on one line, shortened, for a message that must stay one line."""
    text = repr(value) if isinstance(value, str) else repr(str(value))
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _positioned(name: str, root: Node | None, exc: ValidationError, data: Any) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        is_key = err["type"] == "extra_forbidden"
        line, col = yaml12.locate(root, loc, key=is_key)
        where = ".".join(str(p) for p in loc)
        message = _message(err)
        problems.append(Problem(name, line, col, f"{where}: {message}" if where else message))
    return problems


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return tr("unknown key (a typo?)")
    if kind == "missing":
        return tr("required key is missing")
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        return tr("must be one of {expected}", expected=expected)
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern == VERSION_PATTERN:
            return tr("must be a version like 1.2.0")
        if pattern == LANGUAGE_PATTERN:
            return tr("must be a language code like en, de or fr-CA")
        if pattern == ID_PATTERN:
            return tr("must be an id of letters, digits, '.', '_' or '-' (no spaces), starting with a letter or digit")
        return tr("must match the pattern {pattern}", pattern=pattern)
    if kind == "bool_type":
        return tr("must be true or false")
    if kind == "int_type":
        return tr("must be a whole number")
    if kind == "string_type":
        number = isinstance(err.get("input"), int | float)
        return tr("must be text (put the value in quotes)") if number else tr("must be text")
    return " ".join(str(err["msg"]).split())
