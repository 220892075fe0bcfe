"""Run commands side by side and print their wall-clock times (best of N) and ratios."""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def best_of(command: Sequence[str], cwd: Path, runs: int = 3, expect: int = 0) -> float:
    """Fastest wall-clock time of ``runs`` runs; the command must exit with ``expect``."""
    return best_times(command, cwd, runs, expect)[0]


def best_times(command: Sequence[str], cwd: Path, runs: int = 3, expect: int = 0) -> tuple[float, float]:
    """Fastest wall-clock time and least user CPU time of ``runs`` runs. On a machine shared with
    other work, the CPU time is the steadier figure: waiting for a core does not count."""
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        start = time.perf_counter()
        done = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != expect:
            raise SystemExit(f"{command[0]} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        best_wall = min(best_wall, elapsed)
        best_cpu = min(best_cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before)
    return best_wall, best_cpu


def peak_child_rss_mb() -> float:
    """Peak resident memory of any child process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def table(rows: Sequence[tuple[str, float]], baseline: str) -> str:
    base = dict(rows)[baseline]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {seconds:8.2f} s  {seconds / base:6.2f}× {baseline}" for name, seconds in rows)
