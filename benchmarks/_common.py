"""Shared helpers for benchmarks: timing, medians and the RESULT line scripts read."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def result(name: str, ratio: float, target: float, **extra: object) -> str:
    tail = "".join(f" {k}={v}" for k, v in extra.items())
    line = f"RESULT {name} ratio={ratio:.2f} target={target:.2f}{tail}"
    print(line)
    return line
