"""What ducha keeps under ``.git/ducha`` so that reading one case need not read the whole log.

Derived data, written whole or not at all, and only where it may be written: a read-only
repository (no write permission on its ``.git``, as ``chmod -R a-w`` leaves a checkout, which
even root is taken at its word on) just goes without, and reads the log as if nothing were
kept. Kept here: the case index (each case path and the main-line commits that changed it,
what ``git log --first-parent -- PATH`` would answer) and, in ``signatures``, signature verdicts.
Nothing is written anywhere else in ``.git``: not git's commit-graph either, whose changed-path
filters would cost a fresh clone more than the whole log they spare.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ducha.repo.gitprocess import Repository
from ducha.repo.log import MAIN_LINE, parse_main_line

_INDEX = "case-index"
_INDEX_HEADER = "ducha case-index 1"


def read_cached(repo: Repository, name: str) -> list[str]:
    """The lines of ``.git/ducha/<name>``; none when it is missing or unreadable."""
    try:
        return (repo.common_dir / "ducha" / name).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def _read_only(folder: Path) -> bool:
    """Whether nobody may write into ``folder`` by its permissions (root is not stopped by them, but told)."""
    try:
        return not os.stat(folder).st_mode & 0o222
    except OSError:
        return True


def write_cached(repo: Repository, name: str, text: str) -> None:
    """``.git/ducha/<name>`` written whole or not at all; a read-only repository just goes without."""
    path = repo.common_dir / "ducha" / name
    if _read_only(path.parent if path.parent.is_dir() else repo.common_dir):
        return
    try:
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        pass


# --- the case index -----------------------------------------------------------------------


@dataclass
class CaseIndex:
    """Each case path, and the main-line commits up to ``head`` that changed it against their first parent.

    A commit is named with its depth: how many first parents lie behind it (the first commit
    is 0). Depths stay as they are when later commits are added, and order the commits of
    several paths. Each path's commits are kept as written, oldest first, and read when asked for.
    """

    head: str
    depth: int
    entries: dict[str, str] = field(default_factory=dict)

    def commits(self, path: str) -> list[tuple[int, str]]:
        """The main-line commits that changed ``path``, oldest first: (depth, commit)."""
        found = []
        for entry in self.entries.get(path, "").split():
            depth, _, sha = entry.partition(":")
            found.append((int(depth), sha))
        return found

    def extended(self, newer: list[tuple[str, Iterable[str]]]) -> CaseIndex:
        """The index brought forward over ``newer``: the main-line commits after ``head``, newest first, with their paths."""
        entries = dict(self.entries)
        for offset, (sha, paths) in enumerate(reversed(newer), start=1):
            for path in paths:
                entry = f"{self.depth + offset}:{sha}"
                entries[path] = f"{entries[path]} {entry}" if path in entries else entry
        return CaseIndex(newer[0][0], self.depth + len(newer), entries) if newer else self

    def text(self) -> str:
        return "\n".join([f"{_INDEX_HEADER} {self.head} {self.depth}",
                          *(f"{path}\t{self.entries[path]}" for path in sorted(self.entries))]) + "\n"


#: Before the first commit: extended by the whole main line, it is the index of HEAD.
_EMPTY = CaseIndex("", -1)


def index_of(main_line: list[tuple[str, Iterable[str]]]) -> CaseIndex:
    """The index of a main line (newest first, each commit with the case paths it changed against its first parent)."""
    return _EMPTY.extended(main_line)


def _read_index(repo: Repository) -> CaseIndex | None:
    lines = read_cached(repo, _INDEX)
    header = lines[0].split() if lines else []
    if len(header) != 5 or " ".join(header[:3]) != _INDEX_HEADER or not header[4].isdigit():
        return None
    entries = {}
    for line in lines[1:]:
        path, tab, commits = line.partition("\t")
        if tab:
            entries[path] = commits
    return CaseIndex(header[3], int(header[4]), entries)


def keep_index(repo: Repository, index: CaseIndex) -> None:
    """Keep ``index`` under ``.git/ducha`` unless the one there is already at its HEAD."""
    lines = read_cached(repo, _INDEX)
    if not lines or lines[0].split()[3:4] != [index.head]:
        write_cached(repo, _INDEX, index.text())


def case_index(repo: Repository) -> CaseIndex:
    """The index at HEAD: the one kept, brought forward over the commits added since; else read from the main line.

    Brought forward only when the commit it was made at is on HEAD's main line: after a
    history was rewritten, or HEAD moved to another branch, it is made again.
    """
    index = _read_index(repo)
    if index is not None and index.head == repo.head:
        return index
    if index is not None:
        newer = repo.answer(*MAIN_LINE, f"{index.head}..{repo.head}")
        line = parse_main_line(newer) if newer is not None else []
        if line and line[-1][1] in (index.head, None):  # HEAD's main line runs through it (or was read whole)
            index = (index if line[-1][1] else _EMPTY).extended([(sha, paths) for sha, _, paths in line])
            keep_index(repo, index)
            return index
    index = index_of([(sha, paths) for sha, _, paths in parse_main_line(repo.run(*MAIN_LINE, repo.head))])
    keep_index(repo, index)
    return index
