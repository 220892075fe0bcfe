"""Issue 4: full history extraction on a repository of N cases and ≥3N commits.

Compared in the same run with (a) a loop of per-file `git log --follow` (what per-page MkDocs
git plugins do; timed on a sample of files and scaled to all of them, because the full loop
takes many minutes) and (b) a bare `git log --name-status` of the same repository.
Targets: at least 20× faster than (a), at most 3× (b).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from synthetic import OFFICE, case_text
from timing import best_of, table

EXTRACT = (
    "from pathlib import Path\n"
    "from ducha.repo.git import read_histories\n"
    "h = read_histories(Path('.'))\n"
    "print(len(h.by_path), sum(len(x.versions) for x in h.by_path.values()))\n"
)


def build_repo(target: Path, cases: int, updates: int, seed: int = 11) -> tuple[int, int]:
    """A repository via `git fast-import`: one 立项 commit per case, then `updates` changes,
    every tenth through a branch merged with a Reviewed-by trailer, and some moves."""
    import datetime as dt

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    rng = random.Random(seed)
    stamp = int(dt.datetime(2025, 1, 2, 9, tzinfo=dt.UTC).timestamp())
    paths: list[str] = []
    contents: dict[str, str] = {}
    out: list[str] = []
    mark = 0
    commits = 0

    def commit(branch: str, message: str, ops: list[str], parents: list[int]) -> int:
        nonlocal mark, stamp, commits
        mark += 1
        stamp += 600
        commits += 1
        body = message.encode("utf-8")
        out.append(f"commit refs/heads/{branch}\nmark :{mark}\n"
                   f"author 张三 <zhangsan@dcs.example.cn> {stamp} +0800\n"
                   f"committer 张三 <zhangsan@dcs.example.cn> {stamp} +0800\n"
                   f"data {len(body)}\n{message}\n")
        if parents:
            out.append(f"from :{parents[0]}\n")
            out.extend(f"merge :{p}\n" for p in parents[1:])
        out.extend(ops)
        out.append("\n")
        return mark

    def modify(path: str, text: str) -> str:
        data = text.encode("utf-8")
        return f"M 100644 inline {path}\ndata {len(data)}\n{text}\n"

    shutil.copy(OFFICE, target / "office.yaml")
    office = (target / "office.yaml").read_text(encoding="utf-8")
    head = commit("main", "初始化", [modify("office.yaml", office)], [])
    for i in range(cases):
        year = 2025 if i < cases // 2 else 2026
        case_id = f"DC-{year}-{i + 1:05d}"
        path = f"cases/{year}/{case_id}.yaml"
        text, _ = case_text(case_id, rng, dt.date(year, 3, 2))
        paths.append(path)
        contents[path] = text
        head = commit("main", f"立项 {case_id}", [modify(path, text)], [head])
    for n in range(updates):
        path = rng.choice(paths)
        contents[path] += f"notes: 第{n}次更新\n" if "notes:" not in contents[path] else ""
        contents[path] = contents[path].replace("notes: 第", f"notes: 更新{n}，第", 1)
        if n % 50 == 0:  # a move between year folders
            folder = path.split("/")[1]
            new = path.replace(f"cases/{folder}/", f"cases/{int(folder) + 1}/")
            contents[new] = contents.pop(path)
            paths[paths.index(path)] = new
            head = commit("main", f"移动 {path}", [f"R {path} {new}\n"], [head])
        elif n % 10 == 0:  # a pull request: a branch commit and a merge with the reviewer
            side = commit("pr", f"更新 {path}", [modify(path, contents[path])], [head])
            head = commit("main", f"Merge pull request #{n}\n\nReviewed-by: 王晓峰 <wangxf@dcs.example.cn>", [],
                          [head, side])
        else:
            head = commit("main", f"更新 {path}", [modify(path, contents[path])], [head])
    stream = "".join(out).encode("utf-8")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=target, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    return commits, len(paths)


def follow_loop_seconds(repo: Path, files: list[str], sample: int) -> tuple[float, int]:
    """Seconds for `git log --follow` on every file, scaled from a random sample."""
    chosen = random.Random(3).sample(files, min(sample, len(files)))
    start = time.perf_counter()
    for path in chosen:
        subprocess.run(["git", "log", "--follow", "--format=%H %an %at %s", "--", path], cwd=repo,
                       capture_output=True, check=True)
    return (time.perf_counter() - start) * len(files) / len(chosen), len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--cases", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=None, help="default: 2.1 × cases")
    parser.add_argument("--sample", type=int, default=20, help="files timed for the --follow loop")
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "history")
    args = parser.parse_args()
    updates = args.updates if args.updates is not None else int(args.cases * 2.1)
    start = time.perf_counter()
    commits, files = build_repo(args.work, args.cases, updates)
    print(f"history: {files} cases, {commits} commits (built in {time.perf_counter() - start:.1f} s)")
    tracked = subprocess.run(["git", "ls-files", "cases"], cwd=args.work, capture_output=True, text=True,
                             check=True).stdout.split()
    bare = best_of(["git", "log", "--name-status"], args.work)
    ours = best_of([sys.executable, "-c", EXTRACT], args.work)
    follow, sampled = follow_loop_seconds(args.work, tracked, args.sample)
    print(table([("git log --name-status (bare)", bare), ("ducha read_histories", ours),
                 (f"git log --follow per file ({sampled} timed, scaled)", follow)], "git log --name-status (bare)"))
    print(f"  ducha is {follow / ours:.0f}× faster than the per-file loop (target ≥ 20×) "
          f"and {ours / bare:.2f}× the bare log (target ≤ 3×)")


if __name__ == "__main__":
    main()
