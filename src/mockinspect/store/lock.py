"""One writer per database: an OS lock on ``<database>.lock``, held while the store is open.

The operating system drops the lock when the process ends, however it ends (even SIGKILL),
so a crash never leaves a stale lock behind. The file also holds who has it (pid, user,
host, since), so a second process can say who is writing. Within one process the lock is
shared (counted), so opening the same database twice in one app does not lock itself out.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

_FAR = 1 << 30  # Windows: lock a byte far from the text, so others can still read who holds it


@dataclass
class _Held:
    handle: IO[str]
    count: int


_held: dict[str, _Held] = {}
_guard = threading.Lock()


class LockedByOther(Exception):
    def __init__(self, holder: dict[str, Any]) -> None:
        super().__init__(holder)
        self.holder = holder


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import msvcrt

        handle.seek(_FAR)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import msvcrt

        handle.seek(_FAR)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_holder(db_path: Path) -> dict[str, Any]:
    try:
        text = lock_path(db_path).read_text(encoding="utf-8").split("\n", 1)[0]
        holder = json.loads(text)
        return holder if isinstance(holder, dict) else {}
    except (OSError, ValueError):
        return {}


def acquire(db_path: Path) -> str:
    """Take the writer lock; raise ``LockedByOther`` naming the holder if another process has it."""
    key = os.path.realpath(lock_path(db_path))
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return key
        handle = open(key, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while the lock is held
        if not _try_lock(handle):
            handle.close()
            raise LockedByOther(read_holder(db_path))
        holder = {
            "pid": os.getpid(),
            "user": os.environ.get("USER") or os.environ.get("USERNAME") or "",
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder) + "\n")
        handle.flush()
        _held[key] = _Held(handle, 1)
        return key


def release(key: str) -> None:
    with _guard:
        held = _held.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count:
            return
        del _held[key]
        try:
            held.handle.seek(0)
            held.handle.truncate()
            held.handle.flush()
        finally:
            _unlock(held.handle)
            held.handle.close()
