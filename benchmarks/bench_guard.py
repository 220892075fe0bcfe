"""Issue 11: `ducha guard` on a pull request against a repository of N cases, side by side with `ducha status`.

Two pull requests, each on its own branch off main:
- records: a correction appended to 100 cases (the guard reads each one's base version and
  computes its due date before and after, besides validating every case);
- system: office.yaml gains the holiday notice of a year no case reaches (the guard computes
  every case's due date and light under the base's office.yaml and under the head's).

Target: the guard within 3× of `ducha status`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from synthetic import build
from timing import best_of, table

BIN = Path(sys.executable).parent
TODAY = "2027-12-31"  # after every synthetic event
TOUCHED = 100
CORRECTION = ("corrections:\n  - date: 2027-12-01\n    field: owner\n    old: 张明\n    new: 李华\n"
              "    reason: 责任人调整，登记时未更新。\n    approved_by: 督查室主任 周敏\n")
HOLIDAYS = "holiday_overrides:\n  \"2030\":\n    holidays: [2030-01-01]\n"


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "张三", "GIT_AUTHOR_EMAIL": "zhangsan@dcs.example.cn",
           "GIT_COMMITTER_NAME": "张三", "GIT_COMMITTER_EMAIL": "zhangsan@dcs.example.cn",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def branch(repo: Path, name: str, edit: dict[Path, str]) -> None:
    """A branch off main with ``edit`` (file → text to append) committed."""
    git(repo, "checkout", "-q", "-B", name, "main")
    for path, text in edit.items():
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    git(repo, "commit", "-q", "-am", name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "guard")
    args = parser.parse_args()
    repo = build(args.work, args.count)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "立项")
    assigned = [p for p in sorted((repo / "cases").rglob("*.yaml")) if "owner: 张明" in p.read_text(encoding="utf-8")]
    guard = [str(BIN / "ducha"), "guard", "--base", "main", "--today", TODAY]
    status = best_of([str(BIN / "ducha"), "status", "--today", TODAY, "--format", "json"], repo)
    validate = best_of([str(BIN / "ducha"), "validate", "--today", TODAY], repo)
    branch(repo, "records", dict.fromkeys(assigned[:TOUCHED], CORRECTION))
    records = best_of(guard, repo)
    branch(repo, "system", {repo / "office.yaml": HOLIDAYS})
    system = best_of(guard, repo)
    print(f"guard: {args.count} synthetic cases")
    print(table([("ducha status --format json", status), ("ducha validate", validate),
                 (f"ducha guard (PR: corrections on {TOUCHED} cases)", records),
                 ("ducha guard (PR: office.yaml, every due date twice)", system)], "ducha status --format json"))
    worst = max(records, system) / status
    print(f"  the guard is {records / status:.2f}× (records PR) and {system / status:.2f}× (office.yaml PR) "
          f"`ducha status` (target ≤ 3×){'' if worst <= 3 else ' — OVER TARGET'}")


if __name__ == "__main__":
    main()
