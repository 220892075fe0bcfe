"""Issue 6: a yearly 通报 over N synthetic cases vs the status computation, in the same run.

Target: the report takes at most 2× `ducha status`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthetic import build
from timing import best_of, table

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "report")
    args = parser.parse_args()
    repo = build(args.work, args.count)
    today = "2027-12-31"  # after every synthetic event
    status = best_of([str(BIN / "ducha"), "status", "--today", today, "--format", "json"], repo)
    as_json = best_of([str(BIN / "ducha"), "report", "--period", "2026", "--today", today, "--format", "json"], repo)
    as_md = best_of([str(BIN / "ducha"), "report", "--period", "2026", "--today", today], repo)
    print(f"report: yearly 通报 over {args.count} synthetic cases")
    print(table([("ducha status --format json", status), ("ducha report --period 2026 (json)", as_json),
                 ("ducha report --period 2026 (md)", as_md)], "ducha status --format json"))
    print(f"  the yearly report is {max(as_json, as_md) / status:.2f}× the status computation (target ≤ 2×)")


if __name__ == "__main__":
    main()
