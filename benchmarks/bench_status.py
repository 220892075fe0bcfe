"""Issue 3: `ducha status` on N synthetic cases vs merely parsing them with PyYAML's C loader.

Target: at most 1.5× the parse-only floor.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench_validate import PARSE_ONLY
from synthetic import build
from timing import best_times, table

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "status")
    args = parser.parse_args()
    repo = build(args.work, args.count)
    today = "2027-12-31"  # after every synthetic event
    floor, floor_cpu = best_times([sys.executable, "-c", PARSE_ONLY], repo)
    as_json, json_cpu = best_times([str(BIN / "ducha"), "status", "--today", today, "--format", "json"], repo)
    as_table, table_cpu = best_times([str(BIN / "ducha"), "status", "--today", today], repo)
    print(f"status: {args.count} synthetic cases (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    print("wall clock:")
    print(table([("parse only (PyYAML CSafeLoader)", floor), ("ducha status --format json", as_json),
                 ("ducha status (table)", as_table)], "parse only (PyYAML CSafeLoader)"))
    print("CPU (user + system):")
    print(table([("parse only (PyYAML CSafeLoader)", floor_cpu), ("ducha status --format json", json_cpu),
                 ("ducha status (table)", table_cpu)], "parse only (PyYAML CSafeLoader)"))
    print(f"  ducha status is {as_json / floor:.2f}× (json) and {as_table / floor:.2f}× (table) "
          f"the parse-only floor in wall time, {json_cpu / floor_cpu:.2f}× and {table_cpu / floor_cpu:.2f}× "
          "in CPU time (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
