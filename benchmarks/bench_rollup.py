"""Issue 22: one superior office with 100 subordinate repositories of 1,000 cases each (100,000 cases, 10 of
each taken in from the superior's), side by side with their floors.

- Fetch: ducha's fetch of 100 unchanged remotes (what ``ducha rollup`` does first) vs a plain ``git fetch`` loop
  into refs of its own. Target: ≤ 2×.
- Read: ``ducha rollup --no-fetch`` (every subordinate read at the commit fetched, from git objects: which
  files link to the superior, each parsed and its status computed under the subordinate's own rules) vs
  parsing the same files read from the object store with ``git cat-file --batch`` and PyYAML's CSafeLoader
  (the linked case files and each office.yaml), and vs the same for every file of every subordinate.
  Targets: ≤ 60 s, ≤ 1.5× the floor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from synthetic import build_federation, subordinate_name
from timing import best_times, table

BIN = Path(sys.executable).parent
TODAY = "2027-12-31"  # after every synthetic event

#: ducha's own fetch of every subordinate (``ducha rollup`` without its reading): one process, as the command runs it.
DUCHA_FETCH = (
    "import datetime as dt, pathlib\n"
    "from ducha.load.office import load_office\n"
    "from ducha.repo.offices import fetch_neighbours\n"
    "root = pathlib.Path('.')\n"
    "office = load_office(root)\n"
    "found = fetch_neighbours(root, office.subordinates, dt.datetime(2027, 12, 31, 9, 0))\n"
    "assert all(r.commit and not r.error for r in found), [r.error for r in found if r.error]\n"
)
#: The floor of reading: cat-file --batch of the files, each parsed with the C loader. ``NAMES`` is a file of
#: object names (``<commit>:<path>``), one a line.
CAT_AND_PARSE = (
    "import subprocess, sys, yaml\n"
    "names = open(sys.argv[1], 'rb').read()\n"
    "out = subprocess.run(['git', 'cat-file', '--batch'], input=names, capture_output=True, check=True).stdout\n"
    "at = 0\n"
    "while at < len(out):\n"
    "    end = out.index(b'\\n', at)\n"
    "    size = int(out[at:end].split()[2])\n"
    "    yaml.load(out[end + 1:end + 1 + size], Loader=yaml.CSafeLoader)\n"
    "    at = end + 1 + size + 1\n"
)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=100)
    parser.add_argument("--cases", type=int, default=1000, help="cases per subordinate office")
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "rollup")
    parser.add_argument("--reuse", action="store_true", help="use the offices a previous run built and fetched")
    args = parser.parse_args()
    reuse = args.reuse and (args.work / "superior" / ".git").is_dir()
    superior = args.work / "superior" if reuse else build_federation(args.work, args.offices, args.cases)
    names = [subordinate_name(n) for n in range(1, args.offices + 1)]
    ducha = str(BIN / "ducha")
    cold = cold_cpu = 0.0
    if not reuse:  # the first fetch brings everything
        cold, cold_cpu = best_times([ducha, "rollup", "--today", TODAY], superior, runs=1)
    loop = "; ".join(f"git fetch -q --no-tags ../remotes/{name}.git +main:refs/bench/{name}" for name in names)
    subprocess.run(["bash", "-c", loop], cwd=superior, check=True)  # the plain loop's own first fetch
    plain, plain_cpu = best_times(["bash", "-c", loop], superior)
    fetch, fetch_cpu = best_times([sys.executable, "-c", DUCHA_FETCH], superior)

    heads = dict(line.split()[::-1] for line in _git(superior, "for-each-ref", "--format=%(objectname) %(refname)",
                                                       "refs/ducha/offices/").splitlines())
    commits = [heads[f"refs/ducha/offices/{name}/head"] for name in names]
    linked = _git(superior, "grep", "-l", "-F", "-e", "upstream:", *commits, "--", "cases/").split()
    every = [f"{c}:{path}" for c in commits for path in _git(superior, "ls-tree", "-r", "--name-only", c, "cases/").split()]
    same = linked + [f"{c}:office.yaml" for c in commits]
    lists = args.work / "lists"
    lists.mkdir(exist_ok=True)
    (lists / "same").write_text("\n".join(same) + "\n", encoding="utf-8")
    (lists / "every").write_text("\n".join(every) + "\n", encoding="utf-8")
    floor, floor_cpu = best_times([sys.executable, "-c", CAT_AND_PARSE, str(lists / "same")], superior)
    all_floor, all_floor_cpu = best_times([sys.executable, "-c", CAT_AND_PARSE, str(lists / "every")], superior, runs=1)
    # The superior's own 1,000 cases alone (JSON: the table would also show 下级办理情况).
    own, own_cpu = best_times([ducha, "status", "--today", TODAY, "--format", "json"], superior)
    read, read_cpu = best_times([ducha, "rollup", "--no-fetch", "--today", TODAY, "--format", "json"], superior)
    offices, offices_cpu = best_times([ducha, "status", "--offices", "--today", TODAY], superior)
    print(f"rollup: 1 superior, {args.offices} subordinate repositories × {args.cases} cases "
          f"({args.offices * args.cases} cases, {len(linked)} linked to the superior); "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if cold:
        print(f"first `ducha rollup` (fetches every repository for the first time, then reads): {cold:.2f} s wall, "
              f"{cold_cpu:.2f} s CPU")
    print("fetch of unchanged remotes, wall clock:")
    print(table([("plain git fetch loop", plain), ("ducha's fetch", fetch)], "plain git fetch loop"))
    print("CPU (user + system):")
    print(table([("plain git fetch loop", plain_cpu), ("ducha's fetch", fetch_cpu)], "plain git fetch loop"))
    rows = [(f"cat-file + CSafeLoader, the {len(same)} files read", floor),
            (f"cat-file + CSafeLoader, all {len(every)} case files", all_floor),
            ("ducha status (the superior's own records, for reference)", own),
            ("ducha rollup --no-fetch", read), ("ducha status --offices", offices)]
    cpu_rows = [(name, value) for (name, _), value in zip(rows, (floor_cpu, all_floor_cpu, own_cpu, read_cpu, offices_cpu),
                                                          strict=True)]
    print("reading every subordinate, wall clock:")
    print(table(rows, rows[0][0]))
    print("CPU (user + system):")
    print(table(cpu_rows, cpu_rows[0][0]))
    print(f"  ducha's fetch is {fetch / plain:.2f}× the plain loop (target ≤ 2×); ducha rollup --no-fetch takes "
          f"{read:.2f} s (target ≤ 60 s), {read / floor:.2f}× the floor of the files it reads and "
          f"{read / all_floor:.2f}× the floor of every file (target ≤ 1.5×); CPU {read_cpu / floor_cpu:.2f}× and "
          f"{read_cpu / all_floor_cpu:.2f}×; beyond reading its own records (rollup − status), reading the subordinates "
          f"costs {read - own:.2f} s wall ({(read - own) / floor:.2f}× the floor), {read_cpu - own_cpu:.2f} s CPU "
          f"({(read_cpu - own_cpu) / floor_cpu:.2f}×)")


if __name__ == "__main__":
    main()
