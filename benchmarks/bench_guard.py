"""Issues 11 and 21: `ducha guard` on a pull request against a repository of N cases, side by side with `ducha status`.

Pull requests, each on its own branch off main:
- records: a correction appended to 100 cases (the guard reads each one's base version and
  computes its due date before and after, besides validating every case);
- the same branch once main has moved on (another case changed after it forked): the guard merges
  the two (git merge-tree) and checks the result out in a scratch repository before judging it;
- system: office.yaml gains the holiday notice of a year no case reaches (the guard computes
  every case's due date and light under the base's office.yaml and under the head's).

Wall and CPU time (user + system of ducha and the git it runs), best of three.
Target (issue 21): the guard on the records pull request within 1.5× of `ducha status`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from synthetic import build
from timing import best_times

BIN = Path(sys.executable).parent
TODAY = "2027-12-31"  # after every synthetic event
TOUCHED = 100
#: Dated two working days before the guard runs: recorded in time, not a 补录.
CORRECTION = ("corrections:\n  - date: 2027-12-29\n    field: owner\n    old: 张明\n    new: 李华\n"
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
    status = best_times([str(BIN / "ducha"), "status", "--today", TODAY, "--format", "json"], repo)
    validate = best_times([str(BIN / "ducha"), "validate", "--today", TODAY], repo)
    branch(repo, "records", dict.fromkeys(assigned[:TOUCHED], CORRECTION))
    records = best_times(guard, repo)
    branch(repo, "moved-on", {assigned[-1]: "notes: main 上另一个事项的改动。\n"})
    git(repo, "branch", "-f", "main", "moved-on")
    git(repo, "checkout", "-q", "records")
    behind = best_times(guard, repo)
    git(repo, "branch", "-f", "main", "moved-on~1")
    branch(repo, "system", {repo / "office.yaml": HOLIDAYS})
    system = best_times(guard, repo)
    rows = [("ducha status --format json", status), ("ducha validate", validate),
            (f"ducha guard (PR: corrections on {TOUCHED} cases)", records),
            ("ducha guard (the same PR, behind main: merged first)", behind),
            ("ducha guard (PR: office.yaml, every due date twice)", system)]
    print(f"guard: {args.count} synthetic cases")
    width = max(len(name) for name, _ in rows)
    for name, (wall, cpu) in rows:
        print(f"  {name:<{width}}  {wall:7.2f} s wall {wall / status[0]:5.2f}×  {cpu:7.2f} s CPU {cpu / status[1]:5.2f}×")
    print(f"  the guard on {TOUCHED} cases is {records[0] / status[0]:.2f}× `ducha status` in wall time, "
          f"{records[1] / status[1]:.2f}× in CPU time (target ≤ 1.5×)"
          f"{'' if records[0] / status[0] <= 1.5 else ' — OVER TARGET'}")

if __name__ == "__main__":
    main()
