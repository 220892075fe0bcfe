"""What a pull request would land: the base branch's tip merged with the branch, as the server would merge it.

The guard judges this, not the branch: a branch that forked before main sealed a record or
issued a notice carries the old version, and judged on its own it looks innocent, yet merged
it would undo what main did. ``landed`` merges the base tip with the branch (and with what
is not committed yet, so a record is checked before it is pushed) using
``git merge-tree --write-tree``, and checks the result out in a scratch repository; when the
two conflict, it names the files instead.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ducha.repo.filechanges import changed_files
from ducha.repo.gitprocess import Repository, call, open_repository, run
from ducha.repo.scratch import IDENTITY, check_out, scratch_repository
from ducha.rules.layout import RECORD_DIRS


@dataclass(frozen=True)
class Landing:
    """The merge result checked out (``root``), or the files on which base and branch conflict."""

    root: Path | None
    conflicts: tuple[str, ...] = ()


def _snapshot(repo: Repository) -> str:
    """HEAD, or a commit of the working tree on top of it (tracked edits, new files under the record folders).

    Written through a copy of the index, so the user's own index and branch stay as they are.
    """
    if not changed_files(repo.root, "HEAD", None, untracked_in=RECORD_DIRS):
        return repo.head
    with tempfile.TemporaryDirectory(prefix="ducha-index-") as folder:
        index = Path(folder) / "index"
        env = {**IDENTITY, "GIT_INDEX_FILE": str(index)}
        own = repo.root / repo.run("rev-parse", "--git-path", "index").strip()  # a linked worktree has its own
        if own.is_file():
            shutil.copyfile(own, index)  # its file times spare hashing what did not change
        else:
            repo.run("read-tree", repo.head, env=env)
        repo.run("add", "-u", env=env)
        present = [folder for folder in RECORD_DIRS if (repo.root / folder).is_dir()]
        if present:
            repo.run("add", "-A", "--", *present, env=env)
        tree = repo.run("write-tree", env=env).strip()
        return repo.run("commit-tree", tree, "-p", repo.head, "-m", "ducha：工作区中尚未提交的改动", env=env).strip()


@contextlib.contextmanager
def landed(root: Path, tip: str) -> Iterator[Landing]:
    """``tip`` (the base branch) merged with the branch at ``root`` and its uncommitted changes, checked out."""
    repo = open_repository(root)
    head = _snapshot(repo)
    with scratch_repository([repo.common_dir / "objects"]) as place:
        done = call(place, "merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", tip, head)
        if done.returncode not in (0, 1):
            run(place, "merge-tree", "--write-tree", tip, head)  # raises with git's own message
        tree, *conflicted = done.stdout.decode("utf-8", "replace").split("\0")
        if done.returncode == 1:
            yield Landing(None, tuple(sorted({path for path in conflicted if path})))
            return
        merged = run(place, "commit-tree", tree.strip(), "-p", tip, "-p", head, "-m", "ducha：合并后的结果",
                     env=IDENTITY).strip()
        check_out(place, merged)
        yield Landing(place)

