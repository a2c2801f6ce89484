"""What can go wrong in the store, as exceptions the services turn into messages.

Every driver and OS error that leaves the store is one of these (``translated`` wraps the
store's entry points), so callers handle one family: never ``sqlalchemy.exc.*`` or a raw
``sqlite3`` error, and never a traceback for a damaged, foreign, locked or full database.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import exc as sa_exc


class StoreError(Exception):
    """A problem with the database that the user can act on; the message says what."""


class DatabaseInUseError(StoreError):
    def __init__(self, path: Path, holder: dict[str, Any], *, purpose: str = "writing") -> None:
        who = ", ".join(
            part
            for part in (
                f"process {holder['pid']}" if holder.get("pid") else "",
                f"user {holder['user']}" if holder.get("user") else "",
                f"on {holder['host']}" if holder.get("host") else "",
                f"since {holder['since']}" if holder.get("since") else "",
            )
            if part
        )
        super().__init__(
            f"the database {path} is open for {purpose} in another mockinspect"
            + (f" ({who})" if who else "")
            + "; close it there first (reading still works)"
        )
        self.holder = holder


class ReadOnlyError(StoreError):
    """This process may not write (another one is the writer, or the file is read-only)."""


class NotFoundError(StoreError):
    pass


class NotADatabaseError(StoreError):
    """The path is not a mockinspect database (a text file, a PDF, a folder, a device...)."""


class CorruptDatabaseError(StoreError):
    """The file is a damaged SQLite database (truncated, overwritten) or holds unreadable values."""


class DatabaseBusyError(StoreError):
    """Another connection held the database longer than the busy timeout."""


class DiskFullError(StoreError):
    pass


class ConflictError(StoreError):
    """A write would break a rule of the data (a duplicate, a broken reference)."""


def describe(exc: BaseException, path: Path | str) -> StoreError:
    """The store error for a driver or OS error met while using the database at ``path``."""
    if isinstance(exc, StoreError):
        return exc
    original: BaseException = exc.orig if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None else exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    low = text.lower()
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(original, OSError):
        if original.errno == errno.ENOSPC:
            return DiskFullError(f"the disk holding {path} is full; free some space and try again")
        if original.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return ReadOnlyError(f"cannot write beside the database {path}: {original.strerror or text}")
        return StoreError(f"cannot use the database {path}: {original.strerror or text}")
    if isinstance(original, UnicodeError):
        return StoreError(f"text that is not valid UTF-8 cannot be kept in {path} ({text})")
    if isinstance(original, OverflowError):
        return StoreError(f"a number is too large to store in {path} ({text})")
    if "file is not a database" in low or code == sqlite3.SQLITE_NOTADB:
        return NotADatabaseError(f"{path} is not a mockinspect database (it is not an SQLite file)")
    if "malformed" in low or "disk image" in low or code == sqlite3.SQLITE_CORRUPT:
        return CorruptDatabaseError(
            f"the database {path} is damaged ({text}); restore the newest copy from its backups folder"
        )
    if "database or disk is full" in low or code == sqlite3.SQLITE_FULL:
        return DiskFullError(f"the database {path} cannot grow: the disk is full; free some space and try again")
    if "readonly" in low or "read-only" in low or code == sqlite3.SQLITE_READONLY:
        return ReadOnlyError(f"the database {path} is read-only here ({text})")
    if "locked" in low or "busy" in low or code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseBusyError(
            f"the database {path} stayed busy (another program held it too long); your last change was not saved, "
            "try again"
        )
    if "unable to open" in low or code == sqlite3.SQLITE_CANTOPEN:
        return StoreError(f"cannot open the database {path}: the file or its folder cannot be opened")
    if isinstance(original, sqlite3.IntegrityError) or isinstance(exc, sa_exc.IntegrityError):
        return ConflictError(f"the change breaks a rule of the database ({text})")
    if isinstance(original, sqlite3.Error | sa_exc.SQLAlchemyError):
        return StoreError(f"the database {path} could not be used ({text})")
    if isinstance(original, ValueError | TypeError | KeyError):
        return CorruptDatabaseError(f"the database {path} holds a value that cannot be read ({text})")
    return StoreError(f"the database {path} could not be used ({text})")


# What ``translated`` converts: the driver's errors, SQLAlchemy's, the OS's, and the value
# errors SQLAlchemy's type processors raise for a stored date or number that is not one.
TRANSLATED = (sa_exc.SQLAlchemyError, sqlite3.Error, OSError, OverflowError, UnicodeError)


@contextmanager
def translated(path: Path | str, *, values: bool = False) -> Iterator[None]:
    """Run a block that uses the database; any driver, OS (or, with ``values``, value) error
    comes out as a ``StoreError`` with a one-line message."""
    kinds: tuple[type[BaseException], ...] = (*TRANSLATED, ValueError, TypeError) if values else TRANSLATED
    try:
        yield
    except StoreError:
        raise
    except kinds as exc:
        raise describe(exc, path) from exc
