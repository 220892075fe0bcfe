"""Which review trailers are 审核: the one rule for the audit trail, the guard and the server's hook.

审核 is what the platform wrote. Gitea/Forgejo write ``Reviewed-by:`` and ``Reviewed-on:`` into
the merge commit they make, or into the one commit a squash-merge makes: a commit on main's
first-parent line (the main line). So:

- only a main-line commit's trailers count; a commit a merge brought in is reviewed by that
  merge, whatever its own message says, a merge its author made on the branch included;
- from the commit on which office.yaml first lists the platform's signing keys
  (``review_signers``) on, a main-line commit's trailers count only when it is signed with one
  of them; where no key is listed (or before that commit) a merge's count, shown as
  未经平台签名核验, and a plain commit's (a squash-merge) only when it is signed;
- a pull request's own commits carry no review trailer at all (``review_trailers``): the guard
  and the pre-receive hook refuse them, so no trailer an author typed reaches the main line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ducha.repo.gitprocess import open_repository
from ducha.repo.values import SIGNATURE_UNCHECKED, SIGNATURE_VERIFIED, Commit

#: Any line of a message that claims a review or an approval, as a trailer would (refused in a pull request).
_CLAIM = re.compile(r"^[ \t]*(?:Reviewed-by|Reviewed-on|Approved-by|Acked-by|审核人|审核|审批人|审批|批准人)[ \t]*[:：].*$",
                    re.M | re.I)
#: The trailers that name a reviewer: Gitea/Forgejo's ``Reviewed-by`` and the office's own Chinese ones.
_REVIEWER = re.compile(r"^(?:Reviewed-by|审核人|审核)\s*[:：]\s*(.+?)\s*$", re.M | re.I)


def reviewers_in(message: str) -> tuple[str, ...]:
    """The reviewers a commit message names, as written (trusted or not: see ``review_of``)."""
    return tuple(dict.fromkeys(m.group(1) for m in _REVIEWER.finditer(message)))


def review_trailers(message: str) -> tuple[str, ...]:
    """Every line of ``message`` that claims a review: what a pull request's own commits may not carry."""
    return tuple(m.group(0).strip() for m in _CLAIM.finditer(message))


def review_commit(commit: Commit, merged_by: Commit | None) -> Commit:
    """The main-line commit whose trailers review ``commit``: the merge that brought it in, else itself."""
    return merged_by if merged_by is not None else commit


@dataclass(frozen=True)
class Review:
    """The 审核 of one version: the names shown, and how they stand (``values.SIGNATURE_*``)."""

    reviewers: tuple[str, ...]
    signature: str | None


def review_of(commit: Commit, signature: str | None, must_be_signed: bool) -> Review:
    """What a main-line commit's trailers are worth.

    ``signature``: git's verdict on ``commit`` against the keys office.yaml lists (None without
    keys). ``must_be_signed``: the commit comes on or after the one that listed them; then only
    a verified signature lets the names through, and otherwise the verdict says why they are
    withheld. Before that (or without keys), a merge's names count, unverified; a plain commit
    (a squash) counts only when signed, since nothing else tells the server's from one typed by hand.
    """
    if not commit.reviewers:
        return Review((), None)
    if signature == SIGNATURE_VERIFIED:
        return Review(commit.reviewers, SIGNATURE_VERIFIED)
    if must_be_signed:
        return Review((), signature)
    if commit.is_merge:
        return Review(commit.reviewers, SIGNATURE_UNCHECKED)
    return Review((), None)


@dataclass(frozen=True)
class ClaimedReview:
    """A pull request's own commit whose message claims a review (a trailer only the platform may write)."""

    sha: str
    subject: str
    lines: tuple[str, ...]


def claimed_reviews(root: Path, base: str, head: str = "HEAD") -> list[ClaimedReview]:
    """The commits in ``base..head`` (what a pull request brings, merges included) that claim a review."""
    output = open_repository(root).run("log", "--format=%x1e%H%x1f%s%x1f%B", f"{base}..{head}", "--")
    found = []
    for chunk in output.split("\x1e")[1:]:
        sha, subject, body = chunk.split("\x1f", 2)
        lines = review_trailers(body)
        if lines:
            found.append(ClaimedReview(sha, subject, lines))
    return found
