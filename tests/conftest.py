"""Shared test set-up: every test runs with its own user folders and database."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point the user data, cache and config folders and the database into a temp folder."""
    home = tmp_path_factory.mktemp("home")
    for name in ("DATA", "CACHE", "CONFIG"):
        folder = home / name.lower()
        folder.mkdir()
        monkeypatch.setenv(f"MOCKINSPECT_{name}_DIR", str(folder))
    monkeypatch.setenv("MOCKINSPECT_DB", str(home / "data" / "mockinspect.db"))
    return home


def pytest_collection_modifyitems(items):
    """Tests that use a QApplication are GUI tests (qutebrowser's auto-marker)."""
    for item in items:
        if {"qtbot", "qapp", "qtmodeltester"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
