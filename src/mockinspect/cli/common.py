"""What the session, finding, evidence, request and trail commands share: opening the
database as the settings' user, resolving shortened session ids, and printing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from mockinspect.cli import extra_bank_dirs, resolve_db, wants_json
from mockinspect.cli.output import echo, print_json
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.services import Services
from mockinspect.services.base import OpenMode
from mockinspect.services.inspection import plain
from mockinspect.services.validation import SEED_MAX, SESSION_ID

MIN_ID_PREFIX = 4


@contextmanager
def open_services(args: argparse.Namespace, mode: OpenMode) -> Iterator[Services]:
    from mockinspect.settings import Settings

    path = resolve_db(args)
    if mode == "read":
        _must_exist(path)
    services = Services.open(path, user_name=Settings.load().user_name, mode=mode)
    try:
        for notice in services.inspection.notices:
            echo(f"mockinspect: {notice}", file=sys.stderr)
        yield services
    finally:
        services.close()


def _must_exist(path: Path) -> None:
    """A command that only reads never creates a database: a mistyped --db would otherwise
    become a new empty file (and folders) that `trail verify` calls ok."""
    try:
        path.expanduser().stat()
    except FileNotFoundError:
        raise UserError(
            tr("no database at {path}: nothing has been saved there (check --db or MOCKINSPECT_DB)", path=path)
        ) from None
    except OSError:
        pass  # not a folder on the way, no permission...: opening says what is wrong


def session_help() -> str:
    return tr("the session: its id, or the first {n} or more characters of it", n=MIN_ID_PREFIX)


def resolve_session(services: Services, text: str) -> str:
    """A full session id from a full one or a unique prefix of at least 4 characters."""
    value = text.strip().lower()
    if SESSION_ID.match(value):
        return value
    if len(value) < MIN_ID_PREFIX:
        raise UserError(tr("no session '{id}' (give at least {n} characters of its id)", id=text, n=MIN_ID_PREFIX))
    found = services.inspection.session_ids_starting(value)
    if not found:
        raise UserError(tr("no session '{id}'", id=text))
    if len(found) > 1:
        raise UserError(tr("'{id}' matches several sessions; give more of the id", id=text))
    return found[0]


def catalogue(args: argparse.Namespace) -> Any:
    """The available banks and scenarios; broken files among them are warned about on stderr."""
    from mockinspect.services.banks import BankService

    found = BankService(extra_bank_dirs(args)).catalogue()
    for line in getattr(found.registry, "warnings", ()):
        echo(line, file=sys.stderr)
    return found


def emit(args: argparse.Namespace, value: Any, text: str) -> None:
    """JSON of ``value`` with --json, else the one line ``text``."""
    if wants_json(args):
        print_json(plain(value))
    else:
        echo(text)


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def positive_int(text: str) -> int:
    """A whole number from 0 to what SQLite stores (a signed 64-bit integer)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("'{v}' is not a whole number", v=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(tr("'{v}' must be 0 or more", v=text))
    if value > SEED_MAX:
        raise argparse.ArgumentTypeError(tr("'{v}' is too large (at most {max})", v=text, max=SEED_MAX))
    return value
