"""Bring a database file to the newest schema, safely.

* A new database: ``create_all`` and stamp the head revision, in one transaction.
* An older one: back it up with SQLite's backup API (the last few backups are kept), then
  run the Alembic migrations on a connection with foreign keys OFF (a batch "move and copy"
  of a parent table with foreign keys ON silently deletes its ON DELETE CASCADE children),
  all in one BEGIN IMMEDIATE transaction, and check ``PRAGMA foreign_key_check`` before
  committing. Any failure rolls the whole upgrade back and leaves the file as it was.

Alembic is imported only when an upgrade is needed, so opening a current database is quick.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, text

from mockinspect.store.engine import make_engine
from mockinspect.store.errors import StoreError
from mockinspect.store.tables import metadata

HEAD_REVISION = "0006"  # a test checks this is Alembic's head
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
KEEP_BACKUPS = 5
_VERSION_TABLE_DDL = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


class MigrationError(StoreError):
    """The database could not be brought to the current schema; it was left as it was."""


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _tables(conn: Connection) -> set[str]:
    rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows}


def current_revision(conn: Connection) -> str | None:
    if "alembic_version" not in _tables(conn):
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def schema_state(path: Path) -> tuple[bool, str | None]:
    """(whether the file has any tables, its revision), read without a lock and without
    changing the file: SQLite opens it read-only and none of our pragmas run, so a file
    that turns out not to be ours is left exactly as it was."""
    if not path.exists() or path.stat().st_size == 0:
        return False, None
    # With no -wal or -shm beside the file, no other connection has it open and nothing
    # waits in a WAL: read it as immutable, so SQLite creates no -wal/-shm beside a file
    # that may turn out to be damaged or not ours. Otherwise they exist already.
    in_use = any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-shm"))
    uri = f"file:{quote(str(path))}?mode=ro" + ("" if in_use else "&immutable=1")
    con = sqlite3.connect(uri, uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return bool(tables), revision
    finally:
        con.close()


def backup(path: Path, dest_dir: Path, label: str, keep: int = KEEP_BACKUPS) -> Path:
    """Copy the database with SQLite's backup API; keep the newest ``keep`` backups of it."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = dest_dir / f"{path.stem}-{stamp}-{label}.db"
    partial = target.with_suffix(".partial")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise MigrationError(f"the backup of {path} failed its integrity check: {check}")
    partial.replace(target)
    old = sorted(dest_dir.glob(f"{path.stem}-*.db"))
    for stale in old[:-keep] if keep > 0 else []:
        stale.unlink(missing_ok=True)
    return target


def backups_dir(path: Path) -> Path:
    return path.parent / "backups"


def prepare(path: Path, *, target: str = "head", foreign_keys: bool = False) -> Path | None:
    """Create or upgrade the database at ``path``; return the backup made, if any.

    The caller holds the writer lock. ``foreign_keys=True`` exists only so a test can show
    the data loss it prevents.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    has_tables, revision = schema_state(path)
    if not has_tables:
        engine = make_engine(path, foreign_keys=foreign_keys)
        try:
            with engine.begin() as conn:
                if target == "head":
                    metadata.create_all(conn)
                    conn.exec_driver_sql(_VERSION_TABLE_DDL)
                    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD_REVISION})
                    conn.execute(
                        text("INSERT INTO meta (key, value) VALUES ('database_id', :id), ('created_at', :at)"),
                        {"id": uuid.uuid4().hex, "at": datetime.now(UTC).isoformat(timespec="seconds")},
                    )
                else:
                    _upgrade(conn, target)
        finally:
            engine.dispose()
        return None
    if revision == HEAD_REVISION and target == "head":
        return None
    if revision is None:
        raise MigrationError(f"{path} is not a mockinspect database (it has tables but no schema version)")
    if target == "head" and not _known(revision):
        raise MigrationError(
            f"{path} was written by a newer mockinspect (schema {revision}); update mockinspect to open it"
        )
    made = backup(path, backups_dir(path), f"rev{revision}")
    engine = make_engine(path, foreign_keys=foreign_keys)
    try:
        with engine.begin() as conn:
            _upgrade(conn, target)
    except MigrationError:
        raise
    except Exception as exc:
        detail = str(exc).splitlines()[0]
        raise MigrationError(
            f"upgrading {path} from schema {revision} failed and was undone ({detail}); a backup is at {made}"
        ) from exc
    finally:
        engine.dispose()
    return made


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises several types for an unknown revision
        return False


def _upgrade(conn: Connection, target: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(conn), target)
    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        first = problems[0]
        raise MigrationError(
            f"the upgrade left {len(problems)} broken references (first: table {first[0]} row {first[1]} "
            f"-> {first[2]}); nothing was changed"
        )
