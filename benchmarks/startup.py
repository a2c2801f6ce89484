"""Start-up: process start to the main window shown (offscreen), against a bare PySide6 script
that shows an empty QMainWindow; runs interleaved in the same run."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, p99, result

RUNS = 12
BARE = (
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\nw = QMainWindow()\nw.resize(1360, 840)\nw.show()\n"
    "app.processEvents()\nimport time\nprint(f'shown {time.time()}', flush=True)\n"
    "QTimer.singleShot(0, w.close)\napp.exec()\n"
)
OURS = "import sys\nfrom mockinspect.app import main\nsys.exit(main([]))\n"


def run(code: str, env: dict[str, str], what: str = "shown") -> float:
    """Seconds from spawning the process to its window shown, or to the sessions listed
    (``ready``); the child prints the moment."""
    start = time.time()
    done = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    lines = {line.split()[0]: float(line.split()[1]) for line in done.stdout.splitlines() if line.split()[0] in ("shown", "ready")}
    return lines.get(what, lines["shown"]) - start


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="mockinspect-bench-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MOCKINSPECT_QUIT_WHEN_SHOWN="1")
    for name in ("DATA", "CACHE", "CONFIG"):
        (home / name.lower()).mkdir()
        env[f"MOCKINSPECT_{name}_DIR"] = str(home / name.lower())
    env["MOCKINSPECT_DB"] = str(home / "data" / "mockinspect.db")
    run(OURS, env)  # the first start creates the database; warm both once
    run(BARE, env)
    bare, ours, ready = [], [], []
    for _ in range(RUNS):
        bare.append(run(BARE, env))
        ours.append(run(OURS, env))
        ready.append(run(OURS, env, "ready"))
    print(f"bare PySide6 window:        median {median(bare) * 1000:.0f} ms, p99 {p99(bare) * 1000:.0f} ms")
    print(f"mockinspect window shown:   median {median(ours) * 1000:.0f} ms, p99 {p99(ours) * 1000:.0f} ms")
    print(f"mockinspect sessions shown: median {median(ready) * 1000:.0f} ms, p99 {p99(ready) * 1000:.0f} ms"
          f" ({median(ready) / median(bare):.2f}x the bare window)")
    result("startup", median(ours) / median(bare), 2.0)


if __name__ == "__main__":
    main()
