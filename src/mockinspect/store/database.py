"""Opening a database: the writer lock, schema creation or upgrade, and the engine."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine

from mockinspect.store import lock, migrate
from mockinspect.store.audit import AuditWriter
from mockinspect.store.engine import make_engine, network_share_reason
from mockinspect.store.errors import DatabaseInUseError, ReadOnlyError, StoreError

Mode = Literal["write", "read"]


class Database:
    """An open database file.

    ``mode="write"``: this process becomes the one writer (an OS lock on ``<db>.lock``);
    another writer gets ``DatabaseInUseError`` naming who holds it. ``mode="read"``: no lock
    is kept, so it works while another process writes; the schema is still created or
    upgraded first if needed (briefly taking the lock for that).

    ``notices`` lists warnings for the user, e.g. a database on a network share.
    """

    def __init__(self, path: Path, *, mode: Mode = "write", backup_on_open: bool = False) -> None:
        self.path = Path(path).expanduser().absolute()
        self.mode = mode
        self.notices: list[str] = []
        self.backup_made: Path | None = None
        reason = network_share_reason(self.path)
        if reason:
            self.notices.append(
                f"warning: the database {self.path} is on {reason}; SQLite's WAL mode does not work over a "
                "network file system and the file can be damaged. Keep it on a local disk."
            )
        self._lock_key: str | None = None
        if mode == "write":
            self._lock_key = self._acquire("writing")
            try:
                self.backup_made = migrate.prepare(self.path)
                if backup_on_open and self.backup_made is None and self.path.exists():
                    self.backup_made = migrate.backup(self.path, migrate.backups_dir(self.path), "open")
            except BaseException:
                self._release()
                raise
        else:
            has_tables, revision = migrate.schema_state(self.path)
            if not has_tables or revision != migrate.HEAD_REVISION:
                key = self._acquire("writing (it is being created or upgraded)")
                try:
                    self.backup_made = migrate.prepare(self.path)
                finally:
                    lock.release(key)
        self.engine: Engine = make_engine(self.path, writer=mode == "write")
        # The writer keeps one connection: no pool check-out per save on the autosave path.
        self._writer: Connection | None = None
        self._write_lock = threading.Lock()

    def _acquire(self, purpose: str) -> str:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return lock.acquire(self.path)
        except lock.LockedByOther as exc:
            raise DatabaseInUseError(self.path, exc.holder, purpose=purpose) from None
        except OSError as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from exc

    def _release(self) -> None:
        if self._lock_key is not None:
            lock.release(self._lock_key)
            self._lock_key = None

    @property
    def writable(self) -> bool:
        return self._lock_key is not None

    def close(self) -> None:
        writer = getattr(self, "_writer", None)
        if writer is not None:
            writer.close()
            self._writer = None
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.dispose()
        self._release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def write(self, who: str, reason: str | None = None) -> Iterator[tuple[Connection, AuditWriter]]:
        """One transaction (BEGIN IMMEDIATE) whose audit records are chained in before COMMIT."""
        if not self.writable:
            raise ReadOnlyError(
                f"the database {self.path} is open read-only here (another mockinspect is writing to it)"
            )
        with self._write_lock:
            if self._writer is None:
                self._writer = self.engine.connect()
            conn = self._writer
            with conn.begin():
                audit = AuditWriter(who, datetime.now(UTC), reason)
                yield conn, audit
                audit.flush(conn, audit.last)

    def backup(self, label: str = "manual") -> Path:
        return migrate.backup(self.path, migrate.backups_dir(self.path), label)
