"""The plain values the repo room hands upward: commits, a case's versions and histories, changed files.

Frozen dataclasses only (``CaseHistory`` is filled in as it is assembled); nothing above
``repo/`` ever sees a git process or its output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Commit:
    """One commit, as the audit trail shows it."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: dt.datetime  # author date, Asia/Shanghai
    subject: str
    reviewers: tuple[str, ...]  # this commit's own review trailers, as written (trusted or not: repo.reviews)
    committed: dt.datetime | None = None  # committer date: set by the server when it merges or rebases

    @property
    def short(self) -> str:
        return self.sha[:8]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


#: What ``git verify-commit`` (``%G?``) says of a commit's signature, reduced to three answers; and a
#: fourth for a 审核 no key could check (office.yaml lists none, or not yet when it was made).
SIGNATURE_VERIFIED, SIGNATURE_NONE, SIGNATURE_UNTRUSTED = "verified", "unsigned", "untrusted"
SIGNATURE_UNCHECKED = "unchecked"


@dataclass(frozen=True)
class Version:
    """One commit's change to one case file (or a move between two of its paths)."""

    commit: Commit
    status: str  # A added, M modified, D deleted, R moved (old_path → path), C a second file with the same id
    path: str
    old_path: str | None  # R, C, and an A that brings back a deleted record: the path it came from
    blob: str | None  # the file's content after this commit (None when deleted)
    old_blob: str | None  # before it (on a merge: in its first parent)
    other_blobs: tuple[str | None, ...]  # a merge's own edit: the file in its other parents
    reviewers: tuple[str, ...]  # the 审核 (repo.reviews): its main-line commit's trailers, as far as they are trusted
    merged_by: Commit | None  # the main-line merge that brought it in, if any
    review_commit: Commit | None = None  # the main-line commit whose trailers were read
    signature: str | None = None  # how the 审核 stands (SIGNATURE_*), when that commit carries review trailers

    @property
    def by_merge(self) -> bool:
        """The change was made in the merge commit itself, not by a commit it brought in."""
        return self.commit.is_merge


@dataclass
class CaseHistory:
    """Every version of one case, oldest first, whatever paths it had."""

    case_id: str
    path: str  # the newest path
    versions: list[Version] = field(default_factory=list)


@dataclass(frozen=True)
class Histories:
    """The histories of the cases asked for (all of them by default) at ``head``."""

    head: str
    by_id: dict[str, CaseHistory]

    def for_id(self, case_id: str) -> CaseHistory | None:
        return self.by_id.get(case_id)


@dataclass(frozen=True)
class FileChange:
    """A file changed between a base commit and the working tree."""

    status: str  # A, M, D, R
    path: str
    old_path: str | None
