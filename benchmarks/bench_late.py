"""Issue 11 (补录): the yearly 通报, which now reads when each entry was recorded, on N cases and ~3N commits.

Side by side in one run: `ducha status`; the same report with the 补录 lookup switched off;
the report as shipped; and the bare `git log` of the main line that the lookup starts from.
The repository: N 立项 commits, then 2N commits each appending a progress entry (some dated
well before their commit), every tenth through a branch merged with a Reviewed-by trailer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
from pathlib import Path

from ducha.io.yamltext import append_entry
from synthetic import OFFICE, case_text
from timing import best_of, table

BIN = Path(sys.executable).parent
PERIOD, TODAY = "2026", "2026-10-31"  # before the real date: records only say what has happened
WITHOUT_LATE = ("import sys\nimport ducha.repo.snapshot as s\ns.recorded_entries = lambda *a, **k: {}\n"
                "from ducha.cli import main\nsys.argv = ['ducha', 'report', '--period', '2026', '--today', '2026-10-31',"
                " '--format', 'json']\nmain()\n")


def build_repo(target: Path, cases: int, updates: int, seed: int = 5) -> int:
    """The repository via `git fast-import`; returns how many commits it has."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    step = (dt.datetime(2026, 10, 20, tzinfo=start.tzinfo) - start) / (cases + updates * 1.1 + 1)
    clock = start
    out: list[str] = []
    marks = 0

    def commit(branch: str, message: str, ops: list[str], parents: list[int]) -> int:
        nonlocal marks, clock
        marks += 1
        clock += step
        stamp = int(clock.timestamp())
        body = message.encode("utf-8")
        out.append(f"commit refs/heads/{branch}\nmark :{marks}\nauthor 张三 <zs@dcs.example.cn> {stamp} +0800\n"
                   f"committer 张三 <zs@dcs.example.cn> {stamp} +0800\ndata {len(body)}\n{message}\n")
        if parents:
            out.append(f"from :{parents[0]}\n" + "".join(f"merge :{p}\n" for p in parents[1:]))
        out.extend(ops)
        out.append("\n")
        return marks

    def modify(path: str, text: str) -> str:
        data = text.encode("utf-8")
        return f"M 100644 inline {path}\ndata {len(data)}\n{text}\n"

    office = "".join(line for line in OFFICE.read_text(encoding="utf-8").splitlines(keepends=True)
                     if not line.startswith("adopted_on:"))  # every commit here counts
    head = commit("main", "初始化", [modify("office.yaml", office)], [])
    texts: dict[str, str] = {}
    last: dict[str, dt.date] = {}
    for i in range(cases):
        case_id = f"DC-2025-{i + 1:05d}"
        path = f"cases/2025/{case_id}.yaml"
        texts[path], _ = case_text(case_id, rng, dt.date(2025, 1, 2))
        head = commit("main", f"立项 {case_id}", [modify(path, texts[path])], [head])
    open_cases = [p for p, text in texts.items() if "assigned:" in text]
    for n in range(updates):
        path = rng.choice(open_cases)
        day = max((clock + step).date() - dt.timedelta(days=rng.choice([0, 0, 1, 2, 3, 12])), dt.date(2025, 2, 1))
        day = max(day, last.get(path, day))
        last[path] = day
        texts[path] = append_entry(texts[path], "progress", {"date": day.isoformat(), "summary": f"第{n}次进展。"})
        if n % 10 == 0:
            side = commit("pr", f"进展 {path}", [modify(path, texts[path])], [head])
            head = commit("main", f"Merge pull request #{n}\n\nReviewed-by: 王晓峰", [], [head, side])
        else:
            head = commit("main", f"进展 {path}", [modify(path, texts[path])], [head])
    subprocess.run(["git", "fast-import", "--quiet"], cwd=target, input="".join(out).encode("utf-8"), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--cases", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "late")
    args = parser.parse_args()
    commits = build_repo(args.work, args.cases, args.cases * 2)
    status = best_of([str(BIN / "ducha"), "status", "--today", TODAY, "--format", "json"], args.work)
    bare = best_of(["git", "log", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-abbrev",
                    "--since=2026-01-01T00:00:00+08:00"], args.work)
    without = best_of([sys.executable, "-c", WITHOUT_LATE], args.work)
    shipped = best_of([str(BIN / "ducha"), "report", "--period", PERIOD, "--today", TODAY, "--format", "json"], args.work)
    print(f"补录: yearly 通报 over {args.cases} cases, {commits} commits")
    print(table([("ducha status --format json", status), ("git log --first-parent --raw --since (bare)", bare),
                 ("ducha report, 补录 lookup off", without), ("ducha report (as shipped)", shipped)],
                "ducha status --format json"))
    print(f"  the 补录 lookup adds {shipped - without:.2f} s ({(shipped - without) / bare:.2f}× the bare log it reads); "
          f"the report is {shipped / status:.2f}× the status computation")


if __name__ == "__main__":
    main()
