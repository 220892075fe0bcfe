"""Issues 4, 11 and 16: audit trails on a repository of N cases and about 3N commits.

All cases at once (what the site and the archive read) against a bare `git log --name-status`
of the same repository (target: at most 1.5×) and a loop of per-file `git log --follow` (what
per-page MkDocs git plugins do; timed on a sample and scaled; target: at least 20× faster).
One case (`ducha history ONE_ID`) against `git log -- FILE` with and without git's changed-path
Bloom filters (target: under 0.5 s), for an ordinary case and for one moved between folders.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from synthetic import build_history
from timing import best_of, table

BIN = Path(sys.executable).parent
TRAILS = (
    "from pathlib import Path\n"
    "from ducha.repo.audit import trails\n"
    "head, found = trails(Path('.'))\n"
    "print(len(found), sum(len(t.entries) for t in found.values()))\n"
)
EXTRACT = (
    "from pathlib import Path\n"
    "from ducha.repo.histories import read_histories\n"
    "h = read_histories(Path('.'))\n"
    "print(len(h.by_id), sum(len(x.versions) for x in h.by_id.values()))\n"
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
    args = parser.parse_args()
    updates = args.updates if args.updates is not None else int(args.cases * 1.5)
    start = time.perf_counter()
    repo = args.work
    if args.reuse and (repo / ".git").is_dir():
        print(f"history: reusing {repo} ({git(repo, 'rev-list', '--count', 'HEAD').strip()} commits, "
              f"{git(repo, 'rev-list', '--count', '--merges', 'HEAD').strip()} merges)")
    else:
        commits, files, merges, moves = build_history(repo, args.cases, updates)
        print(f"history: {files} cases, {commits} commits, {merges} reviewed merges, {moves} moved cases "
              f"(built in {time.perf_counter() - start:.1f} s)")
    tracked = git(repo, "ls-files", "cases").split()
    bare = best_of(["git", "log", "--name-status"], repo)
    histories = best_of([sys.executable, "-c", EXTRACT], repo)
    trails = best_of([sys.executable, "-c", TRAILS], repo)
    follow, sampled = follow_loop_seconds(repo, tracked, args.sample)
    print(table([("git log --name-status (bare)", bare), ("ducha read_histories (all cases)", histories),
                 ("ducha audit trails of all cases (the site's read)", trails),
                 (f"git log --follow per file ({sampled} timed, scaled)", follow)], "git log --name-status (bare)"))
    print(f"  all trails: {trails / bare:.2f}× the bare log (target ≤ 1.5×); "
          f"{follow / trails:.0f}× faster than the per-file loop (target ≥ 20×)")

    moved = sorted(git(repo, "log", "--diff-filter=D", "--name-only", "--format=", "--", "cases").split())[0]
    case_id = Path(moved).stem
    path = next(p for p in tracked if p.endswith(f"/{case_id}.yaml"))
    plain = tracked[len(tracked) // 3]
    shutil.rmtree(repo / ".git" / "ducha", ignore_errors=True)  # as a fresh clone: no index, no commit-graph
    shutil.rmtree(repo / ".git" / "objects" / "info" / "commit-graphs", ignore_errors=True)
    (repo / ".git" / "objects" / "info" / "commit-graph").unlink(missing_ok=True)
    no_graph = best_of(["git", "log", "--format=%H", "--", plain], repo, runs=1)
    started = time.perf_counter()
    run(repo, str(BIN / "ducha"), "history", Path(plain).stem)
    cold = time.perf_counter() - started  # reads the whole log once, writes the index and the commit-graph
    with_graph = best_of(["git", "log", "--format=%H", "--", plain], repo)
    one = best_of([str(BIN / "ducha"), "history", Path(plain).stem], repo)
    one_moved = best_of([str(BIN / "ducha"), "history", case_id], repo)
    print(f"history of one case ({plain}; moved: {moved} → {path})")
    print(table([("git log -- FILE (no commit-graph)", no_graph), ("git log -- FILE (changed-path filters)", with_graph),
                 ("ducha history ID, first run (writes index, commit-graph)", cold),
                 ("ducha history ID", one), ("ducha history ID of a moved case", one_moved)],
                "git log -- FILE (changed-path filters)"))
    print(f"  ducha history ONE_ID: {one:.2f} s, moved case {one_moved:.2f} s (target < 0.5 s)")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def run(repo: Path, *command: str) -> None:
    subprocess.run(list(command), cwd=repo, capture_output=True, check=True)


if __name__ == "__main__":
    main()
