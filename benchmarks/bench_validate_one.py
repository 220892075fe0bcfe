"""Issues 16 and 20: `ducha validate ONE_FILE` (the pre-commit check) and `ducha --help`.

Times the one-file check on repositories of 1,000 / 10,000 / 30,000 synthetic cases, with
Python's own start-up (`python -c pass`, `import click`) as peers, for this checkout and, with
``--before REF``, an older commit beside it. Target (issue 20): `ducha --help` and the one-file
check at most 0.10 s with bytecode, however large the archive. The check's CPU time (user + system, best run) is printed
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

from builds import add_option, builds
from synthetic import build
from timing import best_times, timed_runs


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The fastest wall-clock time and the least CPU time of some runs."""
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 30_000])
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "validate-one")
    add_option(parser)
    args = parser.parse_args()
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str((args.work / "pycache").resolve())
    uncached = {**{k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}, "PYTHONDONTWRITEBYTECODE": "1"}
    versions = builds(args.before, args.work)
    print("validate one file: the pre-commit check, as the archive grows "
          "(best of 10, no .pyc best of 5, the builds in turn; CPU = user + system, least)")
    for size in args.sizes:
        repo = build(args.work / str(size), size)
        one = sorted((repo / "cases" / "2026").glob("*.yaml"))[-1].relative_to(repo)
        python = best_times([sys.executable, "-c", "pass"], repo, runs=5, env=cached)
        click = best_times([sys.executable, "-c", "import click"], repo, runs=5, env=cached)
        print(f"  {size:6d} cases ({one.name})   python -c pass {python[0]:.3f} s (CPU {python[1]:.3f} s)   "
              f"python -c 'import click' {click[0]:.3f} s (CPU {click[1]:.3f} s)")
        commands = {}
        for version in versions:
            check = version.ducha("validate", "--today", "2027-12-31", str(one))
            timed_runs(check, repo, runs=1, env=cached)  # writes the bytecode cache
            commands[version.name] = {"help": version.ducha("--help"), "validate": check}
        times: dict[tuple[str, str, bool], list[tuple[float, float]]] = {}
        for turn in range(10):  # the builds' runs taken in turn: a shared machine's load falls on both alike
            for name, runs in commands.items():
                for what, command in runs.items():
                    times.setdefault((name, what, True), []).extend(timed_runs(command, repo, runs=1, env=cached))
                    if turn < 5:
                        times.setdefault((name, what, False), []).extend(timed_runs(command, repo, runs=1, env=uncached))
        for name in commands:
            (started, ducha, bare_help, compiled) = (best(times[name, what, pyc]) for what, pyc in (
                ("help", True), ("validate", True), ("help", False), ("validate", False)))
            print(f"    {name:<24} ducha --help {started[0]:.3f} s (CPU {started[1]:.3f} s)   "
                  f"validate {ducha[0]:.3f} s (CPU {ducha[1]:.3f} s)   "
                  f"no .pyc: --help {bare_help[0]:.3f} s (CPU {bare_help[1]:.3f} s), validate {compiled[0]:.3f} s "
                  f"(CPU {compiled[1]:.3f} s)")
    print("  targets: ducha --help and one-file validate ≤ 0.10 s with bytecode")


if __name__ == "__main__":
    main()
