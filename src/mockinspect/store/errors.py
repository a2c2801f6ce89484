"""What can go wrong in the store, as exceptions the services turn into messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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
    pass


class NotFoundError(StoreError):
    pass
