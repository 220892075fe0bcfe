"""A throwaway repository that borrows another's objects: to check out a commit that is in no working tree.

The guard judges what a pull request would land (the base branch merged with it), and the
server's hook judges commits that are not in any repository yet: they wait in the push's
quarantine, where ``git worktree add`` is refused. Both check the commit out here instead: a
repository in a temporary folder whose ``objects/info/alternates`` lists the object stores
to read from, so nothing is copied and nothing is written into them. Files come out as git
stores them (no filters, no line-ending conversion): a Git LFS attachment is its pointer,
which names the SHA-256 the record registers.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ducha.repo.gitprocess import run

#: Every path checked out byte for byte: no clean or smudge filter (Git LFS would fetch), no conversion.
_AS_STORED = "* -filter -text -ident -working-tree-encoding\n"
#: Whoever "makes" the scratch commits (a merge result, a snapshot of the working tree): never pushed anywhere.
IDENTITY = {"GIT_AUTHOR_NAME": "ducha", "GIT_AUTHOR_EMAIL": "ducha@localhost", "GIT_COMMITTER_NAME": "ducha",
            "GIT_COMMITTER_EMAIL": "ducha@localhost", "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+00:00",
            "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+00:00"}


@contextlib.contextmanager
def scratch_repository(objects: Sequence[Path]) -> Iterator[Path]:
    """A new repository (its top folder) that reads every object of the stores ``objects``; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ducha-") as folder:
        root = Path(folder) / "scratch"
        root.mkdir()
        run(root, "init", "-q")
        git_dir = root / ".git"
        for setting, value in (("core.autocrlf", "false"), ("gc.auto", "0")):
            run(root, "config", setting, value, check=False)
        (git_dir / "objects" / "info" / "alternates").write_text(
            "".join(f"{os.path.abspath(store)}\n" for store in dict.fromkeys(objects)), encoding="utf-8")
        (git_dir / "info").mkdir(exist_ok=True)
        (git_dir / "info" / "attributes").write_text(_AS_STORED, encoding="utf-8")
        yield root


def check_out(root: Path, commit: str) -> None:
    """The scratch repository's working tree and HEAD set to ``commit`` (only what differs is rewritten)."""
    run(root, "-c", "advice.detachedHead=false", "checkout", "-q", "-f", "--detach", commit)
    run(root, "clean", "-q", "-f", "-d", "-x")
