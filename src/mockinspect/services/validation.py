"""Checking what a caller gives before anything is written: a ``UserError`` changes nothing.

Also the file work that must not run in a database transaction (hashing evidence), so a
window can do it on a worker thread and hand the result to a service call.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from mockinspect.domain.risk import RATING_MAX, RATING_MIN
from mockinspect.domain.session import EvidenceInput, EvidenceKind
from mockinspect.errors import UserError
from mockinspect.i18n import tr

URL_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
SEED_MAX = (1 << 63) - 1  # SQLite stores a signed 64-bit integer
_CHUNK = 1 << 20
E = TypeVar("E", bound=Enum)


def enum_value(kind: type[E], value: Any, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise UserError(
            tr("unknown {what} '{value}' (use one of: {allowed})", what=what, value=value, allowed=allowed)
        ) from None


def _utf8(value: str, what: str) -> str:
    """Refuse text that cannot be stored as UTF-8 (lone surrogates: bytes that were not UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(tr("{what} holds bytes that are not UTF-8 text", what=what)) from None
    return value


def clean_text(value: str | None, what: str, *, required: bool = False) -> str | None:
    """Stripped text, or None for empty; ``required`` refuses None and empty."""
    if value is None:
        if required:
            raise UserError(tr("{what} is required", what=what))
        return None
    if not isinstance(value, str):
        raise UserError(tr("{what} must be text", what=what))
    _utf8(value, what)
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise UserError(tr("{what} must not be empty", what=what))
        return None
    return cleaned


def kept_text(value: str | None) -> str | None:
    """An answer or note as typed (leading spaces and line breaks kept); empty is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise UserError(tr("an answer must be text"))
    _utf8(value, tr("the text"))
    return value if value.strip() else None


def rating(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise UserError(
            tr(
                "{name} must be a whole number from {lo} to {hi}, not {value}",
                name=name,
                lo=RATING_MIN,
                hi=RATING_MAX,
                value=value,
            )
        )
    return value


def seed_value(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise UserError(tr("the seed must be a whole number from 0 to {max}, not {seed}", max=SEED_MAX, seed=seed))
    return seed


def citations(values: object) -> list[str]:
    """A list of citation texts; a bare string is refused (it would be stored letter by letter)."""
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise UserError(tr("citations must be a list of texts, not {value!r}", value=values))
    out = []
    for value in values:
        if not isinstance(value, str):
            raise UserError(tr("a citation must be text, not {value!r}", value=value))
        _utf8(value, tr("a citation"))
        if value.strip():
            out.append(value.strip())
    return list(dict.fromkeys(out))


def session_id(value: object) -> str:
    """A full session id; a shortened one is resolved by the CLI, never here."""
    if not isinstance(value, str) or not SESSION_ID.match(value):
        raise UserError(tr("no session '{id}'", id=value))
    return value


def question_id(value: object) -> str:
    """A question id as given (it is looked up in the session's script)."""
    if not isinstance(value, str) or not value:
        raise UserError(tr("a question id is needed"))
    return _utf8(value, tr("the question id"))


def regular_file(path: Path) -> bool:
    """Whether ``path`` is (or links to) a regular file: never open a FIFO or a device,
    which would block or never end."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks (a 2 GB file never sits in memory)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def hash_evidence(item: EvidenceInput) -> EvidenceInput:
    """A file link with its absolute path, size and SHA-256 filled in; other links as given.

    Pure file work, no database: the window runs it on a worker thread and passes the
    result to ``attach_evidence`` or ``record_response``, which then do not hash again.
    """
    if item.kind is not EvidenceKind.FILE or item.sha256 is not None:
        return item
    if not item.path:
        raise UserError(tr("a file evidence link needs a path"))
    path = Path(_utf8(item.path, tr("the evidence path"))).expanduser()
    if not regular_file(path):
        raise UserError(tr("evidence file not found: {path}", path=item.path))
    try:
        size, sha = file_digest(path)
    except OSError as exc:
        raise UserError(
            tr("cannot read evidence file {path}: {error}", path=item.path, error=exc.strerror or exc)
        ) from exc
    return replace(item, path=str(path.resolve()), size=size, sha256=sha)


def evidence_values(item: EvidenceInput) -> dict[str, Any]:
    """The stored columns of an evidence link (hashing a file first if that was not done)."""
    values: dict[str, Any] = {
        "kind": item.kind.value,
        "description": clean_text(item.description, tr("the description")),
        "requested_at": item.requested_at,
        "shown_at": item.shown_at,
    }
    if item.kind is EvidenceKind.FILE:
        done = hash_evidence(item)
        values.update(path=done.path, size=done.size, sha256=done.sha256)
    elif item.kind is EvidenceKind.URL:
        url = clean_text(item.url, tr("the URL"), required=True)
        if not URL_PATTERN.match(url or ""):
            raise UserError(tr("not a URL: {url}", url=item.url))
        values["url"] = url
    else:
        values.update(
            doc_id=clean_text(item.doc_id, tr("the document id"), required=True),
            doc_title=clean_text(item.doc_title, tr("the document title")),
            doc_version=clean_text(item.doc_version, tr("the document version")),
        )
    for moment in ("requested_at", "shown_at"):
        if values[moment] is not None and values[moment].tzinfo is None:
            raise UserError(tr("{what} needs a time zone", what=moment))
    return values


def parse_evidence_argument(text: str, description: str | None = None) -> EvidenceInput:
    """``https://...`` (any ``scheme://``) is a URL; ``doc:ID`` or ``doc:ID@VERSION`` a document
    reference; anything else a file path."""
    value = text.strip()
    if not value:
        raise UserError(tr("an evidence argument is empty"))
    if URL_PATTERN.match(value):
        return EvidenceInput(EvidenceKind.URL, url=value, description=description)
    if value.startswith("doc:"):
        ref, _, version = value[4:].partition("@")
        if not ref.strip():
            raise UserError(tr("a document reference needs an id: doc:ID or doc:ID@VERSION"))
        return EvidenceInput(
            EvidenceKind.DOCUMENT, doc_id=ref.strip(), doc_version=version.strip() or None, description=description
        )
    return EvidenceInput(EvidenceKind.FILE, path=value, description=description)
