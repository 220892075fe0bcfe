"""Issue 25: `ducha score` (量化考核) on N synthetic cases beside `ducha status` on the same records.

The records are the synthetic office's with what it issued (quarterly 通报, monthly 督办令 and
约谈, 督查专报 adopting units' material). Target: scoring at most 1.3× status, in wall and CPU time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from synthetic import build
from timing import best_times, table

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "score")
    args = parser.parse_args()
    repo = build(args.work, args.count, issued=True)
    today = "2026-12-31"  # the end of the year scored: every 2026 event, the same day for both
    runs = [("ducha status --format json", ["status", "--today", today, "--format", "json"]),
            ("ducha score --period 2026 --format json", ["score", "--period", "2026", "--today", today, "--format", "json"]),
            ("ducha score --period 2026 (text)", ["score", "--period", "2026", "--today", today])]
    times = {name: best_times([str(BIN / "ducha"), *command], repo) for name, command in runs}
    print(f"score: {args.count} synthetic cases (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    base = runs[0][0]
    print("wall clock:")
    print(table([(name, wall) for name, (wall, _) in times.items()], base))
    print("CPU (user + system):")
    print(table([(name, cpu) for name, (_, cpu) in times.items()], base))
    wall, cpu = times[runs[1][0]]
    print(f"  ducha score is {wall / times[base][0]:.2f}× ducha status in wall time and {cpu / times[base][1]:.2f}× "
          "in CPU time (target ≤ 1.3×)")


if __name__ == "__main__":
    main()
