"""Run the command line in-process (``mockinspect.cli.main``), so coverage sees it.

Each test has its own database (``MOCKINSPECT_DB``, set per test by tests/conftest.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mockinspect.cli import main

SCENARIO = "fda-cgt-data-integrity"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def errors(self) -> list[str]:
        """Our own stderr lines (``mockinspect: ...``); ``notice:`` lines from bank loading are left out."""
        return [line for line in self.err.splitlines() if line.startswith("mockinspect:")]

    @property
    def error(self) -> str:
        """The one error line a failing command prints, checked to be exactly one."""
        assert len(self.errors) == 1, self.err
        assert "Traceback" not in self.err, self.err
        others = [line for line in self.err.splitlines() if not line.startswith("mockinspect:")]
        assert all(line.startswith(("notice:", "warning:")) for line in others), self.err
        return self.errors[0]

    def json(self) -> Any:
        return json.loads(self.out)


CLI = Callable[..., Run]


@pytest.fixture
def cli(capsys) -> CLI:
    """``cli("session", "list", code=0)``: run the command line, check its exit status."""

    def run(*args: object, code: int | None = 0) -> Run:
        capsys.readouterr()
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        result = Run(status, out, err)
        if code is not None:
            assert status == code, f"{args}: exit {status}\nstdout: {out}\nstderr: {err}"
        return result

    return run


def db_path() -> Path:
    return Path(os.environ["MOCKINSPECT_DB"])


@pytest.fixture
def empty_db() -> Path:
    """The test's database, with its tables and nothing in them."""
    from mockinspect.services import Services

    Services.open(db_path(), user_name="setup").close()
    return db_path()


@pytest.fixture
def sid(cli) -> str:
    """A new session of the FDA scenario (seeded, so its script is the same every run)."""
    made = cli("session", "new", "--scenario", SCENARIO, "--site", "Zell & Co <GmbH>", "--lead", "Ann", "--seed", "7")
    value = made.out.strip()
    assert len(value) == 32 and made.errors == []
    return value


@pytest.fixture
def script(cli, sid) -> list[dict[str, Any]]:
    return cli("session", "questions", sid, "--json").json()


@pytest.fixture
def first(script) -> str:
    return script[0]["question_id"]
