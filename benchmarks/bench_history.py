"""Issues 4, 11, 16 and 20: audit trails on a repository of N cases and about 3N commits, in a fresh clone.

All cases at once (what the site and the archive read) against a bare `git log --name-status -z`
of the same repository (targets: at most 1.5× in wall-clock time and 2× in CPU time) and a loop of
per-file `git log --follow` (what per-page MkDocs git plugins do; timed on a sample and scaled;
target: at least 20× faster). One case (`ducha history ONE_ID`): the first run in a fresh clone,
as every CI run is (target: no slower than reading every trail, and a read-only clone answers
without writing anything), and later runs (target: under 0.5 s), for an ordinary case and for one
moved between folders, beside `git log --first-parent -- FILE` in the same clone.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from synthetic import NEXT, OFFICE, block, case_text, sentence
from timing import best_times, run_once, table

BIN = Path(sys.executable).parent
LATER_LOGS = ("urges", "extensions", "reports", "reviews")
TRAILS = (
    "from pathlib import Path\n"
    "from ducha.repo.audit import trails\n"
    "head, found = trails(Path('.'))\n"
    "print(len(found), sum(len(t.entries) for t in found.values()))\n"
)


def build_repo(target: Path, cases: int, updates: int, seed: int = 11) -> tuple[int, int, int, int]:
    """A repository via `git fast-import`, shaped like an office's: one 立项 commit per case, then
    `updates` changes, a third of them through a reviewed pull request (a branch commit and a merge
    with a Reviewed-by trailer, 1 in 50 of those merges editing the file itself), and 0.5 % of the
    cases filed in the wrong year folder, moved later in one commit that, for most, also adds so
    much that git's rename detection no longer pairs the paths.

    Returns (commits, cases, merges, moves)."""
    import datetime as dt

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    rng = random.Random(seed)
    stamp = int(dt.datetime(2025, 1, 2, 9, tzinfo=dt.UTC).timestamp())
    paths: list[str] = []
    contents: dict[str, str] = {}
    misfiled: dict[str, str] = {}  # wrong path → right path
    out: list[str] = []
    mark = 0
    commits = merges = moves = 0

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

    def followup(path: str, n: int) -> None:
        """A 办理进展 entry added at the end of the case's progress log: a real change, as offices make them."""
        lines = contents[path].splitlines(keepends=True)
        lead = next((line.split(": ", 1)[1].strip() for line in lines if line.startswith("lead_unit: ")), "市住建局")
        day = dt.date(2026, 4, 1) + dt.timedelta(days=contents[path].count("次进展："))
        entry = [f"  - date: {day.isoformat()}\n", f"    by: {lead}\n", "    summary: |\n",
                 f"      第{n}次进展：{sentence(rng)}\n", *(f"{line}\n" for line in block(rng, rng.randint(1, 2), "      ")),
                 f"      {rng.choice(NEXT)}\n"]
        if "progress:\n" in lines:
            at = lines.index("progress:\n") + 1
            while at < len(lines) and lines[at].startswith("  "):
                at += 1
        else:
            at = next((i for i, line in enumerate(lines) if line.split(":")[0] in LATER_LOGS), len(lines))
            entry.insert(0, "progress:\n")
        contents[path] = "".join(lines[:at] + entry + lines[at:])

    shutil.copy(OFFICE, target / "office.yaml")
    office = (target / "office.yaml").read_text(encoding="utf-8")
    head = commit("main", "初始化", [modify("office.yaml", office)], [])
    for i in range(cases):
        year = 2025 if i < cases // 2 else 2026
        case_id = f"DC-{year}-{i + 1:05d}"
        path = f"cases/{year}/{case_id}.yaml"
        if rng.random() < 0.005:  # filed in the wrong year folder
            misfiled[f"cases/{year - 1}/{case_id}.yaml"] = path
            path = f"cases/{year - 1}/{case_id}.yaml"
        text, _ = case_text(case_id, rng, dt.date(year, 3, 2))
        paths.append(path)
        contents[path] = text
        head = commit("main", f"立项 {case_id}", [modify(path, text)], [head])
    move_at = dict(zip(sorted(rng.sample(range(updates), len(misfiled))), misfiled, strict=True))
    for n in range(updates):
        if n in move_at:  # moved to the right folder, mostly with a batch of entries added
            old = move_at[n]
            new = misfiled[old]
            contents[new] = contents.pop(old)
            paths[paths.index(old)] = new
            for extra in range(15 if rng.random() < 0.6 else 0):
                followup(new, n * 100 + extra)
            head = commit("main", f"移动 {old}", [f"D {old}\n", modify(new, contents[new])], [head])
            moves += 1
            continue
        path = rng.choice(paths)
        while "assigned:" not in contents[path]:  # progress only once a case is assigned
            path = rng.choice(paths)
        followup(path, n)
        if n % 3 == 0:  # a pull request: a branch commit and a merge with the reviewer
            side = commit("pr", f"更新 {path}", [modify(path, contents[path])], [head])
            if n % 150 == 0:  # the merge edits the file itself
                followup(path, n + 1)
            head = commit("main", f"Merge pull request #{n}\n\nReviewed-by: 王晓峰 <wangxf@dcs.example.cn>",
                          [modify(path, contents[path])], [head, side])
            merges += 1
        else:
            head = commit("main", f"更新 {path}", [modify(path, contents[path])], [head])
    stream = "".join(out).encode("utf-8")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=target, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    return commits, len(paths), merges, moves


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
    parser.add_argument("--updates", type=int, default=None, help="default: 1.5 × cases (about 3 commits per case)")
    parser.add_argument("--sample", type=int, default=10, help="files timed for the --follow loop")
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "history")
    parser.add_argument("--reuse", action="store_true", help="time the repository already in --work")
    args = parser.parse_args()
    updates = args.updates if args.updates is not None else int(args.cases * 1.5)
    start = time.perf_counter()
    origin, repo = args.work / "origin", args.work / "clone"
    if args.reuse and (origin / ".git").is_dir():
        print(f"history: reusing {origin} ({git(origin, 'rev-list', '--count', 'HEAD').strip()} commits, "
              f"{git(origin, 'rev-list', '--count', '--merges', 'HEAD').strip()} merges)")
    else:
        commits, files, merges, moves = build_repo(origin, args.cases, updates)
        print(f"history: {files} cases, {commits} commits, {merges} reviewed merges, {moves} moved cases "
              f"(built in {time.perf_counter() - start:.1f} s)")
    fresh_clone(origin, repo)  # packed as a clone is, with nothing kept under .git yet
    tracked = git(repo, "ls-files", "cases").split()
    ducha = str(BIN / "ducha")
    moved = sorted(git(repo, "log", "--diff-filter=D", "--name-only", "--format=", "--", "cases").split())[0]
    moved_id = Path(moved).stem
    plain = tracked[len(tracked) // 3]
    plain_id = Path(plain).stem

    cold = []
    for _ in range(3):  # each the first run in a fresh clone
        forget(repo)
        cold.append(run_once([ducha, "history", plain_id], repo))
    first_trails = run_once([sys.executable, "-c", TRAILS], repo)
    bare, bare_cpu = best_times(["git", "log", "--name-status", "-z"], repo)
    trails, trails_cpu = best_times([sys.executable, "-c", TRAILS], repo)
    follow, sampled = follow_loop_seconds(repo, tracked, args.sample)
    print(f"all trails (fresh clone; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores): "
          "best of 3, wall-clock and CPU (user + system, git's included)")
    print(table([("git log --name-status -z (bare)", bare), ("ducha audit trails of all cases (the site's read)", trails),
                 (f"git log --follow per file ({sampled} timed, scaled)", follow)], "git log --name-status -z (bare)"))
    print(f"  CPU: bare {bare_cpu:.2f} s, all trails {trails_cpu:.2f} s; first run after the clone "
          f"{first_trails[0]:.2f} s wall, {first_trails[1]:.2f} s CPU, {first_trails[2]:.0f} MB")
    print(f"  all trails: {trails / bare:.2f}× the bare log in wall time (target ≤ 1.5×), {trails_cpu / bare_cpu:.2f}× "
          f"in CPU (target ≤ 2×); {follow / trails:.0f}× faster than the per-file loop (target ≥ 20×)")

    wall, cpu, rss = min(cold)
    log_one, log_one_cpu = best_times(["git", "log", "--first-parent", "--format=%H", "--", plain], repo)
    warm, warm_cpu = best_times([ducha, "history", plain_id], repo)
    warm_moved, warm_moved_cpu = best_times([ducha, "history", moved_id], repo)
    print(f"history of one case ({plain}; moved: {moved} → {next(p for p in tracked if p.endswith(f'/{moved_id}.yaml'))})")
    print(f"  first ducha history ID in a fresh clone: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MB "
          f"(all trails {trails:.2f} s wall, {trails_cpu:.2f} s CPU: target no slower)")
    print(f"  later runs: {warm:.2f} s ({warm_cpu:.2f} s CPU), moved case {warm_moved:.2f} s ({warm_moved_cpu:.2f} s CPU) "
          f"(target < 0.5 s); git log --first-parent -- FILE {log_one:.2f} s ({log_one_cpu:.2f} s CPU)")
    forget(repo)
    before = listing(repo)
    subprocess.run(["chmod", "-R", "a-w", str(repo)], check=True)
    try:
        wall, cpu, rss = run_once([ducha, "history", plain_id], repo)
        untouched = listing(repo) == before
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(repo)], check=True)
    print(f"  read-only fresh clone (chmod -R a-w): {wall:.2f} s wall, {cpu:.2f} s CPU; "
          f"{'nothing written' if untouched else 'WROTE INTO THE CLONE'}")


def fresh_clone(origin: Path, target: Path) -> None:
    if target.exists():
        subprocess.run(["chmod", "-R", "u+w", str(target)], check=True)
        shutil.rmtree(target)
    subprocess.run(["git", "clone", "-q", "--no-local", str(origin), str(target)], check=True)


def forget(repo: Path) -> None:
    """Back to a fresh clone's state: nothing kept under .git by ducha (nor git's commit-graph)."""
    shutil.rmtree(repo / ".git" / "ducha", ignore_errors=True)
    shutil.rmtree(repo / ".git" / "objects" / "info" / "commit-graphs", ignore_errors=True)
    (repo / ".git" / "objects" / "info" / "commit-graph").unlink(missing_ok=True)


def listing(repo: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in (repo / ".git").rglob("*")}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def run(repo: Path, *command: str) -> None:
    subprocess.run(list(command), cwd=repo, capture_output=True, check=True)


if __name__ == "__main__":
    main()
