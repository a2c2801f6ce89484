"""Errors a user can fix (kept here too, where the services and their callers look for it)."""

from __future__ import annotations

from mockinspect.errors import UserError

__all__ = ["UserError"]
