"""Issue 3: `ducha status` on N synthetic cases vs merely parsing them with PyYAML's C loader.

Target: at most 1.5× the parse-only floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench_validate import PARSE_ONLY
from synthetic import build
from timing import best_of, table

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "status")
    args = parser.parse_args()
    repo = build(args.work, args.count)
    today = "2027-12-31"  # after every synthetic event
    floor = best_of([sys.executable, "-c", PARSE_ONLY], repo)
    as_json = best_of([str(BIN / "ducha"), "status", "--today", today, "--format", "json"], repo)
    as_table = best_of([str(BIN / "ducha"), "status", "--today", today], repo)
    print(f"status: {args.count} synthetic cases")
    print(table([("parse only (PyYAML CSafeLoader)", floor), ("ducha status --format json", as_json),
                 ("ducha status (table)", as_table)], "parse only (PyYAML CSafeLoader)"))
    print(f"  ducha status is {as_json / floor:.2f}× (json) and {as_table / floor:.2f}× (table) "
          "the parse-only floor (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
