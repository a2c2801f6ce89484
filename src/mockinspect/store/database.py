"""Opening a database: checking the path, the writer lock, schema creation or upgrade, the
engines, change notification and the trail anchor."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine

from mockinspect.domain.audit import Changes, TrailHead
from mockinspect.store import lock, migrate
from mockinspect.store.audit import AuditWriter, database_id, head
from mockinspect.store.engine import make_engine, network_share_reason
from mockinspect.store.errors import (
    DatabaseInUseError,
    NotADatabaseError,
    ReadOnlyError,
    StoreError,
    translated,
)

OpenMode = Literal["write", "read"]
Listener = Callable[[Changes], None]
SQLITE_HEADER = b"SQLite format 3\x00"
ANCHOR_INTERVAL_S = 1.0


def check_database_path(path: Path) -> None:
    """Refuse a path that is not (or cannot become) a database file of ours, before touching it.

    Nothing is created beside a path that is not ours (no ``/dev/null.lock``), and a file
    that is not an SQLite database is never opened by SQLite, so it is never modified.
    """
    try:
        info = path.stat()
    except NotADirectoryError:
        raise NotADatabaseError(f"cannot use the database {path}: a part of the path is a file, not a folder") from None
    except FileNotFoundError:
        parent = path.parent
        if parent.exists() and not parent.is_dir():
            raise NotADatabaseError(f"cannot create the database {path}: {parent} is not a folder") from None
        return
    except OSError as exc:
        raise StoreError(f"cannot open the database {path}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise NotADatabaseError(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise NotADatabaseError(f"{path} is not a regular file (a device or pipe), so it cannot be a database")
    if info.st_size == 0:
        return  # an empty file becomes a new database
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read the database {path}: {exc.strerror or exc}") from exc
    if header != SQLITE_HEADER:
        raise NotADatabaseError(f"{path} is not a mockinspect database (it is not an SQLite file); it was not changed")


class Database:
    """An open database file.

    ``mode="write"``: this process becomes the one writer (an OS lock on ``<db>.lock``);
    another writer gets ``DatabaseInUseError`` naming who holds it. ``mode="read"``: no lock
    is kept, so it works while another process writes; the schema is still created or
    upgraded first if needed (briefly taking the lock for that).

    Reads (``read()``) run on their own pooled connections with a deferred BEGIN, so a long
    read on a worker thread never delays a save; writes (``write()``) run on one connection
    with BEGIN IMMEDIATE. After a write commits, every listener (``listen``) is told what
    changed, and the trail head is written to a small anchor file outside the database
    (at most once a second, and on close), keyed by the database's id.

    ``notices`` lists warnings for the user, e.g. a database on a network share.
    """

    def __init__(
        self,
        path: Path,
        *,
        mode: OpenMode = "write",
        backup_on_open: bool = False,
        anchor_dir: Path | None = None,
    ) -> None:
        check_database_path(Path(path).expanduser())
        self.path = Path(path).expanduser().absolute()
        self.mode = mode
        self.notices: list[str] = []
        self.backup_made: Path | None = None
        self._lock_key: str | None = None
        self._writer: Connection | None = None
        self._write_lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._head: TrailHead | None = None
        self._anchored: TrailHead | None = None
        self._anchor_time = 0.0
        self.id: str | None = None
        self.reader: Engine | None = None
        self.writer: Engine | None = None
        if anchor_dir is None:
            from mockinspect.paths import user_data_dir

            anchor_dir = user_data_dir() / "anchors"
        self.anchor_dir = anchor_dir
        reason = network_share_reason(self.path)
        if reason:
            self.notices.append(
                f"warning: the database {self.path} is on {reason}; SQLite's WAL mode does not work over a "
                "network file system and the file can be damaged. Keep it on a local disk."
            )
        try:
            with translated(self.path, values=True):
                self._open(mode, backup_on_open)
        except BaseException:
            self.close()
            raise

    def _open(self, mode: OpenMode, backup_on_open: bool) -> None:
        has_tables, revision = migrate.schema_state(self.path)
        if has_tables and revision is None:  # before any lock file is made beside it
            raise NotADatabaseError(f"{self.path} is not a mockinspect database (it has tables of another program)")
        if mode == "write":
            if self.path.exists() and not os.access(self.path, os.W_OK):
                raise ReadOnlyError(f"the database {self.path} is a read-only file; open it read-only")
            self._lock_key = self._acquire("writing")
            self.backup_made = migrate.prepare(self.path)
            if backup_on_open and self.backup_made is None and self.path.exists():
                self.backup_made = migrate.backup(self.path, migrate.backups_dir(self.path), "open")
        else:
            if not has_tables or revision != migrate.HEAD_REVISION:
                key = self._acquire("writing (it is being created or upgraded)")
                try:
                    self.backup_made = migrate.prepare(self.path)
                finally:
                    lock.release(key)
        self.reader = make_engine(self.path, writer=False)
        self.writer = make_engine(self.path, writer=True) if mode == "write" else None
        with self.read() as conn:
            self.id = database_id(conn)

    @property
    def engine(self) -> Engine:
        """The reading engine (kept for tools and tests that inspect the connection)."""
        assert self.reader is not None, "the database is closed"
        return self.reader

    def _acquire(self, purpose: str) -> str:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return lock.acquire(self.path)
        except lock.LockedByOther as exc:
            raise DatabaseInUseError(self.path, exc.holder, purpose=purpose) from None

    def _release(self) -> None:
        if self._lock_key is not None:
            lock.release(self._lock_key)
            self._lock_key = None

    @property
    def writable(self) -> bool:
        return self._lock_key is not None

    # -- change notification -------------------------------------------------------------

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(changes)`` after every commit; returns a function that stops it."""
        self._listeners.append(listener)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def _notify(self, changes: Changes) -> None:
        for listener in list(self._listeners):
            listener(changes)

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction on a connection of its own (never the writer's lock)."""
        if self.reader is None:
            raise StoreError(f"the database {self.path} is closed")
        with translated(self.path, values=True), self.reader.begin() as conn:
            yield conn

    @contextmanager
    def write(
        self, who: str, reason: str | None = None, *, origin: object | None = None
    ) -> Iterator[tuple[Connection, AuditWriter]]:
        """One transaction (BEGIN IMMEDIATE) whose audit records are chained in before COMMIT.

        Listeners hear what changed after the commit; ``origin`` is passed on to them, so the
        view that made a change can skip it.
        """
        if self.writer is None or not self.writable:
            raise ReadOnlyError(
                f"the database {self.path} is open read-only here (another mockinspect is writing to it)"
            )
        with self._write_lock:
            with translated(self.path):
                if self._writer is None:
                    self._writer = self.writer.connect()
                conn = self._writer
                with conn.begin():
                    audit = AuditWriter(who, datetime.now(UTC), reason)
                    yield conn, audit
                    audit.flush(conn, audit.last)
            if audit.head is not None:
                self._head = audit.head
                self._maybe_anchor()
        if audit.changes:
            self._notify(Changes(tuple(audit.changes), origin))

    # -- the anchor ------------------------------------------------------------------------

    def anchor_path(self) -> Path | None:
        return None if self.id is None else self.anchor_dir / f"{self.id}.json"

    def read_anchor(self) -> TrailHead | None:
        """The trail head this laptop last recorded for this database, if any."""
        path = self.anchor_path()
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return TrailHead(int(data["records"]), str(data["hash"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _maybe_anchor(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self._head is None or self._head == self._anchored:
            return
        if not force and now - self._anchor_time < ANCHOR_INTERVAL_S:
            return
        self._anchor_time = now
        self.write_anchor(self._head)

    def write_anchor(self, trail_head: TrailHead) -> None:
        """Record the trail head outside the database (atomically; a failure only loses the anchor)."""
        path = self.anchor_path()
        if path is None:
            return
        data = {"records": trail_head.records, "hash": trail_head.hash, "database": str(self.path),
                "at": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data) + "\n", encoding="utf-8")
            os.replace(tmp, path)
            self._anchored = trail_head
        except OSError as exc:
            message = f"warning: cannot write the trail anchor {path}: {exc.strerror or exc}"
            if message not in self.notices:
                self.notices.append(message)

    def trail_head(self) -> TrailHead:
        with self.read() as conn:
            return head(conn)

    # -- closing ---------------------------------------------------------------------------

    def close(self) -> None:
        if self._head is not None:
            self._maybe_anchor(force=True)
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for engine in (self.writer, self.reader):
            if engine is not None:
                engine.dispose()
        self.writer = self.reader = None
        self._release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backup(self, label: str = "manual") -> Path:
        with translated(self.path):
            return migrate.backup(self.path, migrate.backups_dir(self.path), label)
