"""Run commands side by side and print their wall-clock times (best of N) and ratios."""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def best_of(command: Sequence[str], cwd: Path, runs: int = 3, expect: int = 0,
            env: Mapping[str, str] | None = None) -> float:
    """Fastest wall-clock time of ``runs`` runs (in ``env`` when given); the command must exit with ``expect``."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False,
                              env=None if env is None else dict(env))
        elapsed = time.perf_counter() - start
        if done.returncode != expect:
            raise SystemExit(f"{command[0]} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        best = min(best, elapsed)
    return best


def peak_child_rss_mb() -> float:
    """Peak resident memory of any child process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def table(rows: Sequence[tuple[str, float]], baseline: str) -> str:
    base = dict(rows)[baseline]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {seconds:8.2f} s  {seconds / base:6.2f}× {baseline}" for name, seconds in rows)
