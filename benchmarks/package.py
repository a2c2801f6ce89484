"""The frozen build (``make package``): folder size, and start-up to the main window shown
(offscreen) against the same app run from source, interleaved in the same run.

Run after ``make package``; it measures ``dist/mockinspect/mockinspect``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, p99, result

RUNS = 10
ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "dist" / "mockinspect"
FROZEN = FOLDER / ("mockinspect.exe" if sys.platform == "win32" else "mockinspect")
SOURCE = [sys.executable, "-c", "import sys\nfrom mockinspect.app import main\nsys.exit(main([]))\n"]


def shown(command: list[str], env: dict[str, str], what: str) -> float:
    """Seconds from spawning the process to the moment it prints (``shown`` or ``ready``)."""
    start = time.time()
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    marks = {line.split()[0]: float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith(("shown ", "ready "))}
    return marks[what] - start


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]  # symlinked libraries once
    return len(files), sum(p.stat().st_size for p in files)


def compressed_size(folder: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "build.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(folder, arcname=folder.name)
        return archive.stat().st_size


def main() -> None:
    if not FROZEN.exists():
        raise SystemExit(f"no frozen build at {FROZEN}: run make package first")
    count, size = folder_size(FOLDER)
    print(f"folder build: {count} files, {size / 2**20:.0f} MiB; as .tar.gz {compressed_size(FOLDER) / 2**20:.0f} MiB")
    home = Path(tempfile.mkdtemp(prefix="mockinspect-bench-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MOCKINSPECT_QUIT_WHEN_SHOWN="1")
    for name in ("DATA", "CACHE", "CONFIG"):
        (home / name.lower()).mkdir()
        env[f"MOCKINSPECT_{name}_DIR"] = str(home / name.lower())
    env["MOCKINSPECT_DB"] = str(home / "data" / "mockinspect.db")
    for command in (SOURCE, [str(FROZEN)]):  # the first start creates the database; warm both once
        shown(command, env, "ready")
    source: list[float] = []
    frozen: list[float] = []
    frozen_ready: list[float] = []
    for _ in range(RUNS):
        source.append(shown(SOURCE, env, "shown"))
        frozen.append(shown([str(FROZEN)], env, "shown"))
        frozen_ready.append(shown([str(FROZEN)], env, "ready"))
    print(f"from source, window shown: median {median(source) * 1000:.0f} ms, p99 {p99(source) * 1000:.0f} ms")
    print(f"frozen, window shown:      median {median(frozen) * 1000:.0f} ms, p99 {p99(frozen) * 1000:.0f} ms")
    print(f"frozen, sessions listed:   median {median(frozen_ready) * 1000:.0f} ms")
    result("frozen startup vs source", median(frozen) / median(source), 1.5)


if __name__ == "__main__":
    main()
