"""Errors a user can fix. The CLI prints them as one line; the window shows them in a message.

It sits at the top of the package, below every layer, so settings, services, the CLI and the
window share one exception type without importing each other.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user asked for or gave us; its message is shown as it is."""
