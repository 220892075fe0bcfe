"""Run commands side by side and print their wall-clock times (best of N) and ratios."""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def timed_runs(command: Sequence[str], cwd: Path, runs: int = 3, expect: int = 0,
               env: Mapping[str, str] | None = None) -> list[tuple[float, float]]:
    """Wall-clock and CPU (user + system) seconds of each of ``runs`` runs (in ``env`` when given);
    the command must exit with ``expect``."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False,
                              env=None if env is None else dict(env))
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != expect:
            raise SystemExit(f"{command[0]} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        times.append((elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))
    return times


def best_of(command: Sequence[str], cwd: Path, runs: int = 3, expect: int = 0,
            env: Mapping[str, str] | None = None) -> float:
    """Fastest wall-clock time of ``runs`` runs (in ``env`` when given); the command must exit with ``expect``."""
    return min(wall for wall, _ in timed_runs(command, cwd, runs, expect, env))


def best_times(command: Sequence[str], cwd: Path, runs: int = 3, expect: int = 0,
               env: Mapping[str, str] | None = None) -> tuple[float, float]:
    """Fastest wall-clock time and least CPU time of ``runs`` runs (in ``env`` when given). On a machine
    shared with other work, the CPU time is the steadier figure: waiting for a core does not count."""
    times = timed_runs(command, cwd, runs, expect, env)
    return min(wall for wall, _ in times), min(cpu for _, cpu in times)


def run_once(command: Sequence[str], cwd: Path, expect: int = 0) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds (user + system) and peak resident memory (MB) of one run of ``command``,
    its children included (the git processes a ``ducha`` command starts)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != expect:
            errors.seek(0)
            raise SystemExit(f"{command[0]} exited {process.returncode}:\n{errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def peak_child_rss_mb() -> float:
    """Peak resident memory of any child process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def table(rows: Sequence[tuple[str, float]], baseline: str) -> str:
    base = dict(rows)[baseline]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {seconds:8.2f} s  {seconds / base:6.2f}× {baseline}" for name, seconds in rows)
