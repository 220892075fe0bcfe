"""Issue 2: `ducha validate` on N synthetic cases vs check-jsonschema and a bare PyYAML C-loader parse.

Targets: at least 5× faster than check-jsonschema; at most 2× the parse-only floor.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from synthetic import build
from timing import best_times, table

BIN = Path(sys.executable).parent
PARSE_ONLY = (
    "import sys, yaml, pathlib\n"
    "for f in sorted(pathlib.Path('cases').rglob('*.yaml')):\n"
    "    yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "validate")
    args = parser.parse_args()
    repo = build(args.work, args.count)
    files = sorted(str(p.relative_to(repo)) for p in (repo / "cases").rglob("*.yaml"))
    today = "2027-12-31"  # after every synthetic event
    floor, floor_cpu = best_times([sys.executable, "-c", PARSE_ONLY], repo)
    ducha, ducha_cpu = best_times([str(BIN / "ducha"), "validate", "--today", today], repo)
    cjs, cjs_cpu = best_times([str(BIN / "check-jsonschema"), "--schemafile", "schema/case.schema.json", *files], repo,
                              runs=1)
    print(f"validate: {len(files)} synthetic cases (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    print("wall clock:")
    print(table([("parse only (PyYAML CSafeLoader)", floor), ("ducha validate", ducha),
                 ("check-jsonschema", cjs)], "parse only (PyYAML CSafeLoader)"))
    print("CPU (user + system):")
    print(table([("parse only (PyYAML CSafeLoader)", floor_cpu), ("ducha validate", ducha_cpu),
                 ("check-jsonschema", cjs_cpu)], "parse only (PyYAML CSafeLoader)"))
    print(f"  ducha is {cjs / ducha:.1f}× faster than check-jsonschema (target ≥ 5×) "
          f"and {ducha / floor:.2f}× the parse-only floor (target ≤ 2×) in wall time; "
          f"{cjs_cpu / ducha_cpu:.1f}× and {ducha_cpu / floor_cpu:.2f}× in CPU time")


if __name__ == "__main__":
    main()
