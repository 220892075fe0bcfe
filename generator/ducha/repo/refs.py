"""Commits by name and by ancestry: which commit a name means, where two histories meet, what HEAD reaches."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ducha.repo.gitprocess import HistoryError, open_repository

_COMMIT_ID = re.compile(r"[0-9a-fA-F]{4,40}")


def resolve(root: Path, rev: str) -> str:
    """The full commit id of ``rev``; a clear error when it does not exist."""
    commit = open_repository(root).answer("rev-parse", "--verify", f"{rev}^{{commit}}")
    if commit is None:
        raise HistoryError(f"找不到提交「{rev}」。修改：检查分支名或提交号；CI 中请用 fetch-depth: 0 取得完整历史。")
    return commit.strip()


def merge_base(root: Path, base: str, head: str = "HEAD") -> str | None:
    """The newest commit both ``base`` and ``head`` descend from; None when they share no history."""
    found = open_repository(root).answer("merge-base", base, head)
    return (found.strip() or None) if found is not None else None


def reachable_commits(root: Path) -> frozenset[str]:
    """Every commit in the current history (reachable from HEAD); empty before the first commit."""
    commits = open_repository(root).answer("rev-list", "HEAD")
    return frozenset(commits.split()) if commits is not None else frozenset()


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    """Whether ``ancestor`` is ``descendant`` or lies in its history (False when either is unknown)."""
    if not _COMMIT_ID.fullmatch(ancestor):
        return False  # only commit ids: a value from a record must never reach git as an option
    return open_repository(root).ok("merge-base", "--is-ancestor", ancestor, descendant)


def commits_in(root: Path, head: str, commits: Iterable[str]) -> frozenset[str]:
    """Which of ``commits`` the history of ``head`` holds (one no longer held: that history was rewritten)."""
    wanted = frozenset(commits)
    if not wanted or not _COMMIT_ID.fullmatch(head):
        return frozenset()
    listed = open_repository(root).answer("rev-list", head)
    return wanted & frozenset((listed or "").split())
