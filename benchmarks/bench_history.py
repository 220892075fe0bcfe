"""Issues 4, 11, 16 and 20: audit trails on a repository of N cases and about 3N commits, in a fresh clone.

All cases at once (what the site and the archive read) against a bare `git log --name-status -z`
of the same repository (targets: at most 1.5× in wall-clock time and 2× in CPU time) and a loop of
per-file `git log --follow` (what per-page MkDocs git plugins do; timed on a sample and scaled;
target: at least 20× faster). One case (`ducha history ONE_ID`): the first run in a fresh clone,
as every CI run is (target: no slower than reading every trail, and a read-only clone answers
without writing anything), and later runs (target: under 0.5 s), for an ordinary case and for one
moved between folders, beside `git log --first-parent -- FILE` in the same clone. With
``--before REF`` an older commit is timed beside this checkout on the same clone (see builds.py).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import time
from pathlib import Path

from builds import add_option, builds
from synthetic import build_history
from timing import best_times, run_once

TRAILS = (
    "from pathlib import Path\n"
    "from ducha.repo.audit import trails\n"
    "head, found = trails(Path('.'))\n"
    "print(len(found), sum(len(t.entries) for t in found.values()))\n"
)


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
    add_option(parser)
    args = parser.parse_args()
    updates = args.updates if args.updates is not None else int(args.cases * 1.5)
    start = time.perf_counter()
    origin, repo = args.work / "origin", args.work / "clone"
    if args.reuse and (origin / ".git").is_dir():
        print(f"history: reusing {origin} ({git(origin, 'rev-list', '--count', 'HEAD').strip()} commits, "
              f"{git(origin, 'rev-list', '--count', '--merges', 'HEAD').strip()} merges)")
    else:
        commits, files, merges, moves = build_history(origin, args.cases, updates)
        print(f"history: {files} cases, {commits} commits, {merges} reviewed merges, {moves} moved cases "
              f"(built in {time.perf_counter() - start:.1f} s)")
    fresh_clone(origin, repo)  # packed as a clone is, with nothing kept under .git yet
    tracked = git(repo, "ls-files", "cases").split()
    moved = sorted(git(repo, "log", "--diff-filter=D", "--name-only", "--format=", "--", "cases").split())[0]
    moved_id = Path(moved).stem
    plain = tracked[len(tracked) // 3]
    plain_id = Path(plain).stem
    versions = builds(args.before, args.work)

    bare, bare_cpu = best_times(["git", "log", "--name-status", "-z"], repo)
    log_one, log_one_cpu = best_times(["git", "log", "--first-parent", "--format=%H", "--", plain], repo)
    follow, sampled = follow_loop_seconds(repo, tracked, args.sample)
    print(f"fresh clone; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; wall-clock best of 3, "
          "CPU (user + system, git's included) least of 3")
    print(f"  peers: git log --name-status -z (bare) {bare:.2f} s wall, {bare_cpu:.2f} s CPU; "
          f"git log --first-parent -- FILE {log_one:.2f} s ({log_one_cpu:.2f} s CPU); "
          f"git log --follow per file ({sampled} timed, scaled) {follow:.1f} s")
    for version in versions:
        forget(repo)
        first_trails = run_once(version.python(TRAILS), repo)
        trails, trails_cpu = best_times(version.python(TRAILS), repo)
        cold = []
        for _ in range(3):  # each the first run in a fresh clone
            forget(repo)
            cold.append(run_once(version.ducha("history", plain_id), repo))
        wall, cpu, rss = min(cold)
        warm, warm_cpu = best_times(version.ducha("history", plain_id), repo)
        warm_moved, warm_moved_cpu = best_times(version.ducha("history", moved_id), repo)
        print(f"{version.name}")
        print(f"  all trails (the site's read): {trails:.2f} s wall, {trails_cpu:.2f} s CPU = {trails / bare:.2f}× the bare "
              f"log in wall time (target ≤ 1.5×), {trails_cpu / bare_cpu:.2f}× in CPU (target ≤ 2×); first run after "
              f"the clone {first_trails[0]:.2f} s wall, {first_trails[1]:.2f} s CPU, {first_trails[2]:.0f} MB; "
              f"{follow / trails:.0f}× faster than the per-file loop (target ≥ 20×)")
        print(f"  first ducha history ID in a fresh clone (cold): {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MB "
              f"(target: no slower than all trails, {trails:.2f} s wall, {trails_cpu:.2f} s CPU)")
        print(f"  later runs (warm): {warm:.2f} s ({warm_cpu:.2f} s CPU), moved case {warm_moved:.2f} s "
              f"({warm_moved_cpu:.2f} s CPU) (target < 0.5 s)")
        forget(repo)
        before = listing(repo)
        subprocess.run(["chmod", "-R", "a-w", str(repo)], check=True)
        try:
            wall, cpu, rss = run_once(version.ducha("history", plain_id), repo)
            outcome = "nothing written" if listing(repo) == before else "WROTE INTO THE CLONE"
        except SystemExit as failed:
            wall = cpu = 0.0
            outcome = "FAILED: " + str(failed).strip().splitlines()[-1][:120]
        finally:
            subprocess.run(["chmod", "-R", "u+w", str(repo)], check=True)
        print(f"  read-only fresh clone (chmod -R a-w): {wall:.2f} s wall, {cpu:.2f} s CPU; {outcome}")
    print(f"history of one case: {plain}; moved: {moved} → "
          f"{next(p for p in tracked if p.endswith(f'/{moved_id}.yaml'))}")


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
