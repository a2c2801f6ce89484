"""The SQLite engine: pragmas on this engine only, and transactions that work on Python 3.11.

pysqlite's own transaction handling is switched off (``isolation_level = None``) and we
emit BEGIN ourselves: ``BEGIN IMMEDIATE`` for a writer, so the write lock is taken up
front and two writers wait (``busy_timeout``) instead of failing half-way; a plain BEGIN
for a reader. A writing process has both: its reads run on their own connections with a
deferred BEGIN, so a long read on a worker thread never holds the write lock, and WAL lets
it run beside a commit; ``synchronous=FULL`` makes
every commit durable, so a killed process or a power cut loses nothing acknowledged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL

BUSY_TIMEOUT_MS = 5000
NETWORK_FS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "9p", "ceph", "glusterfs", "fuse.sshfs",
     "sshfs", "davfs", "fuse.davfs2", "webdav", "ncpfs", "lustre", "gpfs", "fuse.glusterfs", "fuse.rclone"}
)  # fmt: skip


def make_engine(path: Path, *, foreign_keys: bool = True, writer: bool = True) -> Engine:
    """An engine for the database file at ``path`` with our pragmas on every connection."""
    # Pooled connections may be used by one thread, then another (never two at once).
    engine = create_engine(URL.create("sqlite", database=str(path)), connect_args={"check_same_thread": False})
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
    pragmas = (
        "journal_mode=WAL",
        "synchronous=FULL",
        f"foreign_keys={'ON' if foreign_keys else 'OFF'}",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        for pragma in pragmas:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def network_share_reason(path: Path, *, mounts: str | None = None) -> str | None:
    """Why ``path`` looks like it is on a network share (where WAL does not work), or None."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "a UNC path"
    if sys.platform == "win32":
        return _windows_remote(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    return _mounted_on_network(path, mounts)


def _mounted_on_network(path: Path, mounts: str) -> str | None:
    target = os.path.realpath(path)
    best, best_type = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, parts[2]
    if best_type in NETWORK_FS or best_type.startswith(("nfs", "smb", "cifs")):
        return f"a {best_type} network file system mounted at {best}"
    return None


def _windows_remote(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(path))[0]
    if not drive:
        return None
    drive_remote = 4
    if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote:  # type: ignore[attr-defined]
        return f"the network drive {drive}"
    return None
