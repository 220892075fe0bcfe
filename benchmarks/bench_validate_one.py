"""Issue 16: `ducha validate ONE_FILE` (the pre-commit check) must not grow with the archive.

Times the one-file check on repositories of 1,000 / 10,000 / 30,000 synthetic cases, with
Python's own start-up and the `ducha` start-up (`ducha --help`) as peers.
Target: under 0.15 s at 30,000 cases. The check's CPU time (user + system, best run) is printed
beside its wall-clock time: on a shared machine it is the figure the other sessions move least.

Python runs with its bytecode cache, as an installed package does (pip writes the .pyc files;
an editable install writes them on first use), kept under the work folder. A shell with
PYTHONDONTWRITEBYTECODE set compiles every module without a .pyc from source on every run
instead (here: ducha's own, from a fresh checkout): that figure is printed too (``no .pyc``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from synthetic import build
from timing import best_of, timed_runs

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 30_000])
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "validate-one")
    args = parser.parse_args()
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str((args.work / "pycache").resolve())
    uncached = {**{k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}, "PYTHONDONTWRITEBYTECODE": "1"}
    print("validate one file: the pre-commit check, as the archive grows")
    rows = []
    for size in args.sizes:
        repo = build(args.work / str(size), size)
        one = sorted((repo / "cases" / "2026").glob("*.yaml"))[-1].relative_to(repo)
        check = [str(BIN / "ducha"), "validate", "--today", "2027-12-31", str(one)]
        best_of(check, repo, runs=1, env=cached)  # writes the bytecode cache
        python = best_of([sys.executable, "-c", "pass"], repo, runs=5, env=cached)
        started = best_of([str(BIN / "ducha"), "--help"], repo, runs=5, env=cached)
        runs = timed_runs(check, repo, runs=5, env=cached)
        ducha, cpu = min(wall for wall, _ in runs), min(cpu for _, cpu in runs)
        compiled = best_of(check, repo, runs=3, env=uncached)
        rows.append((size, ducha))
        print(f"  {size:6d} cases  python -c pass {python:5.2f} s   ducha --help {started:5.2f} s   "
              f"ducha validate {one.name} {ducha:5.2f} s (CPU {cpu:5.2f} s; no .pyc {compiled:5.2f} s)")
    largest, seconds = rows[-1]
    print(f"  one-file validate at {largest} cases: {seconds:.2f} s (target < 0.15 s); "
          f"{seconds / rows[0][1]:.2f}× the time at {rows[0][0]} cases")


if __name__ == "__main__":
    main()
