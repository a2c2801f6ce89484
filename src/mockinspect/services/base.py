"""What every service shares: one open ``Database``, the user the trail records, and the
one place store errors become ``UserError`` messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from mockinspect.domain.audit import Changes
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.store import Database, InspectionRepository, OpenMode, StoreError

__all__ = ["OpenMode", "ServiceBase", "open_database", "user_errors"]


@contextmanager
def user_errors() -> Iterator[None]:
    """Store errors (damaged, locked, full, not found...) as one-line ``UserError``s."""
    try:
        yield
    except StoreError as exc:
        raise UserError(str(exc)) from exc


def open_database(path: Path, *, mode: OpenMode = "write", backup_on_open: bool = False) -> Database:
    with user_errors():
        return Database(path, mode=mode, backup_on_open=backup_on_open)


class ServiceBase:
    """A service on a shared ``Database``; ``user_name`` is who the audit trail records."""

    def __init__(self, db: Database, *, user_name: str) -> None:
        if not user_name or not user_name.strip():
            raise UserError(tr("a user name is needed for the audit trail"))
        self.db = db
        self.repo = InspectionRepository(db)
        self.user_name = user_name.strip()

    @classmethod
    def open(
        cls, path: Path, *, user_name: str, mode: OpenMode = "write", backup_on_open: bool = False
    ) -> Self:
        """Open the database at ``path`` (creating or upgrading it) and a service on it that owns it."""
        db = open_database(path, mode=mode, backup_on_open=backup_on_open)
        try:
            return cls(db, user_name=user_name)
        except BaseException:
            db.close()
            raise

    @property
    def notices(self) -> list[str]:
        """Warnings for the user about the database (e.g. it is on a network share)."""
        return list(self.db.notices)

    @property
    def writable(self) -> bool:
        return self.db.writable

    def listen(self, listener: Callable[[Changes], None]) -> Callable[[], None]:
        """Call ``listener`` after each commit with what changed; returns a function that stops it."""
        return self.db.listen(listener)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
