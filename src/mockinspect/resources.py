"""Find the bundled ``resources/`` and ``question_banks/`` folders.

One module answers "where is it?" for the three ways the app runs:

* a frozen app (PyInstaller puts data beside the code under ``sys._MEIPASS``),
* an installed wheel (``setup.py`` copies both folders to ``mockinspect/_data/``),
* a checkout or editable install (the folders sit at the top of the repository).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates(name: str) -> list[Path]:
    found = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        found.append(Path(frozen_root) / "mockinspect" / "_data" / name)
    found.append(_PACKAGE_DIR / "_data" / name)
    found.append(_PACKAGE_DIR.parent.parent / name)  # src/mockinspect -> repository root
    return found


@cache
def _find(name: str) -> Path:
    for candidate in _candidates(name):
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in _candidates(name))
    raise FileNotFoundError(f"the bundled folder '{name}' is missing (looked in {tried})")


def resources_dir() -> Path:
    """The folder of icons, fonts, risk matrices and report assets."""
    return _find("resources")


def question_banks_dir() -> Path:
    """The folder of bundled banks (``banks/``), scenarios (``scenarios/``) and ``schema/``."""
    return _find("question_banks")


def resource(*parts: str) -> Path:
    """The path of one file under ``resources/``."""
    return resources_dir().joinpath(*parts)
