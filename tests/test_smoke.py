"""``mockinspect --smoke`` from source: the same self-check CI runs on the frozen build
(``make package-check``), here as a real child process with no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockinspect.ui.smoke import STEPS


def _run(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    user = tmp_path / "user"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINSPECT_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        MOCKINSPECT_DATA_DIR=str(user / "data"),
        MOCKINSPECT_CONFIG_DIR=str(user / "config"),
        MOCKINSPECT_CACHE_DIR=str(user / "cache"),
        **extra,
    )
    code = "import sys\nfrom mockinspect.app import main\nsys.exit(main(['--smoke']))\n"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_smoke_runs_every_step_offscreen_and_leaves_the_user_folders_alone(tmp_path):
    done = _run(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [*STEPS, "smoke"]
    assert lines[-1].startswith("smoke: ok")
    assert "3 questions answered" in done.stdout
    assert "trail: verified" in done.stdout
    assert not (tmp_path / "user").exists()  # the user's database, settings and caches are never touched


def test_a_failing_step_is_one_line_and_exit_1(qapp, monkeypatch):
    from mockinspect.services.banks import BankService
    from mockinspect.ui import smoke

    saved = dict(os.environ)  # run() points the user folders at its own temporary home
    monkeypatch.setattr(BankService, "validate", lambda self, paths: ["banks/x.yaml:3:5: a problem"])
    lines: list[str] = []
    try:
        assert smoke.run(lines.append) == 1
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert lines[-1] == "smoke: FAILED at banks: RuntimeError: the bundled banks have 1 problem(s); the first: banks/x.yaml:3:5: a problem"
    assert lines[0].startswith("window: ")
