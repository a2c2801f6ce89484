from __future__ import annotations

import pytest

from mockinspect.services.inspection import InspectionService
from tests.store.factories import make_bank, make_scenario


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
