"""Errors a user can fix. The CLI prints them as one line; the window shows them in a message."""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user asked for or gave us; its message is shown as it is."""
