"""Issue 2: `ducha validate` on N synthetic cases vs check-jsonschema and a bare PyYAML C-loader parse.

Targets: at least 5× faster than check-jsonschema; at most 2× the parse-only floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthetic import build
from timing import best_of, table

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
    floor = best_of([sys.executable, "-c", PARSE_ONLY], repo)
    ducha = best_of([str(BIN / "ducha"), "validate", "--today", today], repo)
    cjs = best_of([str(BIN / "check-jsonschema"), "--schemafile", "schema/case.schema.json", *files], repo, runs=1)
    print(f"validate: {len(files)} synthetic cases")
    print(table([("parse only (PyYAML CSafeLoader)", floor), ("ducha validate", ducha),
                 ("check-jsonschema", cjs)], "parse only (PyYAML CSafeLoader)"))
    print(f"  ducha is {cjs / ducha:.1f}× faster than check-jsonschema (target ≥ 5×) "
          f"and {ducha / floor:.2f}× the parse-only floor (target ≤ 2×)")


if __name__ == "__main__":
    main()
