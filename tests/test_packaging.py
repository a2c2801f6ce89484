"""A real, non-editable wheel carries resources/ and question_banks/, and the app finds them there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check", "-w", out, ROOT],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("mockinspect-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_data_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for tracked in ("question_banks/banks", "question_banks/scenarios", "question_banks/schema", "resources"):
        expected = [
            f"mockinspect/_data/{p.relative_to(ROOT).as_posix()}"
            for p in (ROOT / tracked).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ]
        missing = sorted(set(expected) - set(names))
        assert not missing, missing


@pytest.mark.slow
def test_installed_wheel_finds_its_banks(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check", "--target", target, wheel],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}  # the installed copy shadows the editable one
    code = "import json, mockinspect.resources as r; print(json.dumps([str(r.question_banks_dir()), str(r.resources_dir())]))"
    found = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert all(Path(p).is_relative_to(target) for p in found), found
    listing = subprocess.run(
        [sys.executable, "-m", "mockinspect", "scenario", "list", "--json"], env=env, capture_output=True, text=True
    )
    assert listing.returncode == 0, listing.stderr
    assert {row["id"] for row in json.loads(listing.stdout)} >= {"fda-cgt-data-integrity"}
