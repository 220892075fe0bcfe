"""Which files changed: since a base commit up to the working tree (a case moved by its id), and when each was added."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ducha.model.case import CASES_DIR
from ducha.repo.casepaths import case_id_of, is_case_path
from ducha.repo.gitprocess import open_repository
from ducha.repo.values import FileChange


def changed_files(root: Path, base: str, folder: str | None = CASES_DIR,
                  untracked_in: tuple[str, ...] | None = None) -> list[FileChange]:
    """Files under ``folder`` (None: anywhere) that differ between ``base`` and the working tree (moves detected).

    Files git does not track yet count as added when they lie under ``untracked_in`` (default: ``folder``):
    a record written but not yet committed is checked before it is pushed. Besides git's rename
    detection, a case file deleted in one folder and added in another under the same name is a
    move (R) however much it was edited: the id says so, as in the trail.
    """
    repo = open_repository(root)
    where = [folder] if folder is not None else []
    output = repo.run("diff", "--name-status", "-z", "-M", base, "--", *where)
    tokens = output.split("\0")
    changes: list[FileChange] = []
    i = 0
    while i < len(tokens) and tokens[i]:
        status = tokens[i][0]
        if status in "RC":
            changes.append(FileChange(status, tokens[i + 2], tokens[i + 1]))
            i += 3
        else:
            changes.append(FileChange(status, tokens[i + 1], None))
            i += 2
    untracked = repo.run("ls-files", "--others", "--exclude-standard", "-z", "--",
                         *(untracked_in if untracked_in is not None else where))
    changes += [FileChange("A", path, None) for path in untracked.split("\0") if path]
    return _pair_moves(changes)


def _pair_moves(changes: list[FileChange]) -> list[FileChange]:
    deleted: dict[str, list[FileChange]] = defaultdict(list)
    for change in changes:
        if change.status == "D" and is_case_path(change.path):
            deleted[case_id_of(change.path)].append(change)
    paired: list[FileChange] = []
    moved: set[str] = set()
    for change in changes:
        sources = deleted.get(case_id_of(change.path)) if change.status == "A" and is_case_path(change.path) else None
        if sources:
            source = sources.pop(0)
            moved.add(source.path)
            paired.append(FileChange("R", change.path, source.path))
        else:
            paired.append(change)
    return [c for c in paired if not (c.status == "D" and c.path in moved)]


def commits_adding(root: Path, folder: str) -> dict[str, str]:
    """For each file under ``folder`` in the current history, the commit that first added it."""
    output = open_repository(root).answer("log", "--diff-filter=A", "--name-only", "-z", "--format=%x1e%H", "HEAD",
                                          "--", folder)
    if output is None:
        return {}
    added: dict[str, str] = {}
    for chunk in output.split("\x1e")[1:]:  # newest first: the oldest adding commit wins
        sha, _, names = chunk.partition("\0")
        for name in names.strip("\n\0").split("\0"):
            if name:
                added[name] = sha
    return added
