"""Run the real command line in a child process, as a script or a user would."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(*args: str, cwd=None, env=None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mockinspect", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=merged,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
