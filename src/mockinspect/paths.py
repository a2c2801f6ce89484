"""The user's own folders: data (database, user banks), cache and config.

platformdirs gives the right place on Windows, macOS and Linux. Each folder can be
moved with an environment variable, which the tests use to stay inside ``tmp_path``:
``MOCKINSPECT_DATA_DIR``, ``MOCKINSPECT_CACHE_DIR``, ``MOCKINSPECT_CONFIG_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mockinspect"


def _dir(env: str, default: str) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser() if value else Path(default)


def user_data_dir() -> Path:
    return _dir("MOCKINSPECT_DATA_DIR", platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_cache_dir() -> Path:
    return _dir("MOCKINSPECT_CACHE_DIR", platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return _dir("MOCKINSPECT_CONFIG_DIR", platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    """Error logs of the window and the command line, in one place (Help > About shows it)."""
    return user_data_dir() / "logs"


def user_bank_dir() -> Path:
    """Where a user keeps banks and scenarios of their own (``banks/`` and ``scenarios/`` inside)."""
    return user_data_dir() / "question_banks"


def default_db_path() -> Path:
    """``MOCKINSPECT_DB`` if set, else ``mockinspect.db`` in the user data folder."""
    value = os.environ.get("MOCKINSPECT_DB")
    return Path(value).expanduser() if value else user_data_dir() / "mockinspect.db"
