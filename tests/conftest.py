"""Shared test set-up: every test runs with its own user folders and database."""

from __future__ import annotations

import os

import pytest

from mockinspect.services.inspection import InspectionService
from tests.store.factories import make_bank, make_scenario

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


# Store and service fixtures: a real SQLite file in tmp_path, a bank and scenario made in code.
@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "inspect.db"


@pytest.fixture
def bank():
    return make_bank()


@pytest.fixture
def scenario(bank):
    return make_scenario(bank)


@pytest.fixture
def service(db_path):
    with InspectionService.open(db_path, user_name="Ann Auditor") as svc:
        yield svc


@pytest.fixture
def session(service, scenario, bank):
    return service.create_session(scenario, [bank], site="Cell Site GmbH", lead="Ann Auditor")
