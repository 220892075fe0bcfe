"""Issue 21: `ducha verify` with the review server's signature on every main-line commit, on a repository of
N cases and about 3N commits, side by side with a bare `git log --show-signature` of the same range.

The history comes from synthetic.build_history with office.yaml listing the server's key from the first
commit on; synthetic.sign_main_line then signs every main-line commit as Gitea/Forgejo signs its merges.
`ducha verify` is timed cold (no verdicts kept in .git/ducha, as in CI's fresh clone) and warm; beside it,
`ducha anchor` and `ducha verify --anchor`. Target: verify (cold) ≤ 3× the bare signature log.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import build_history, server_key, sign_main_line
from timing import best_times

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--cases", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=None, help="default: 1.5 × cases (about 3 commits per case)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "verify")
    args = parser.parse_args()
    updates = args.updates if args.updates is not None else int(args.cases * 1.5)
    started = time.perf_counter()
    key, signer = server_key()
    commits, cases, merges, _ = build_history(args.work, args.cases, updates, signers=[signer])
    signed = sign_main_line(args.work, key)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=args.work, check=True)
    print(f"verify: {cases} cases, {commits} commits ({merges} merges), {signed} signed main-line commits "
          f"(built in {time.perf_counter() - started:.1f} s)")
    with tempfile.TemporaryDirectory() as folder:
        allowed = Path(folder) / "allowed_signers"
        allowed.write_text(signer + "\n", encoding="utf-8")
        bare = ["git", "-c", "gpg.ssh.allowedSignersFile=" + str(allowed), "log", "--show-signature", "--first-parent",
                "--format=%H", "main"]
        rows = [("git log --show-signature --first-parent (bare)", best_times(bare, args.work, args.runs))]
        cold = [sys.executable, "-c", ("import shutil, sys; shutil.rmtree('.git/ducha', ignore_errors=True); "
                                       "from ducha.cli import main; sys.argv = ['ducha', 'verify']; main()")]
        rows.append(("ducha verify, cold (no verdicts kept)", best_times(cold, args.work, args.runs)))
        rows.append(("ducha verify, warm", best_times([str(BIN / "ducha"), "verify"], args.work, args.runs)))
        anchor = Path(folder) / "anchor.txt"
        rows.append(("ducha anchor", best_times([str(BIN / "ducha"), "anchor", "-o", str(anchor)], args.work, args.runs)))
        rows.append(("ducha verify --anchor (warm)", best_times([str(BIN / "ducha"), "verify", "--anchor", str(anchor)],
                                                                args.work, args.runs)))
    base_wall, base_cpu = rows[0][1]
    width = max(len(name) for name, _ in rows)
    for name, (wall, cpu) in rows:
        print(f"  {name:<{width}}  {wall:8.2f} s wall {wall / base_wall:6.2f}×  {cpu:8.2f} s CPU {cpu / base_cpu:6.2f}×")
    ratio = rows[1][1][0] / base_wall
    print(f"  ducha verify (cold) is {ratio:.2f}× the bare signature log (target ≤ 3×){'' if ratio <= 3 else ' — OVER TARGET'}")
    shutil.rmtree(args.work / ".git" / "ducha", ignore_errors=True)


if __name__ == "__main__":
    main()
