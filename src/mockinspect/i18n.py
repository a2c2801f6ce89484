"""The one translation function every user-facing string goes through.

Today it only fills in placeholders; a later language is a catalogue looked up here,
so no call site changes when one is added.
"""

from __future__ import annotations


def tr(text: str, /, **values: object) -> str:
    """Translate ``text`` and fill its ``{placeholders}`` from ``values``."""
    return text.format(**values) if values else text
