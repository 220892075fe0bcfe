"""The audit trail: every version of a case, who made it, who approved it, what it changed.

``trails`` is the one place a trail is made: ``ducha history`` asks it for one case, the
site and the archive export for all of them, and each gets the same entries for a case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.errors import UsageError
from ducha.io.collector import collector_paused
from ducha.io.yamldata import DataReader
from ducha.model.redaction import Disclosure
from ducha.repo.blobs import BlobReader
from ducha.repo.changes import Change, compare, describe, field_name, merge_compare
from ducha.repo.histories import read_histories
from ducha.repo.values import (
    SIGNATURE_NONE,
    SIGNATURE_UNCHECKED,
    SIGNATURE_UNTRUSTED,
    SIGNATURE_VERIFIED,
    CaseHistory,
    Histories,
    Version,
)

#: How a 审核 stands: checked against the review server's keys office.yaml lists, or not checked at all.
SIGNATURE_LABELS = {SIGNATURE_VERIFIED: "签名已验证", SIGNATURE_NONE: "未签名",
                    SIGNATURE_UNTRUSTED: "签名未通过验证", SIGNATURE_UNCHECKED: "未经平台签名核验"}


@dataclass(frozen=True)
class AuditEntry:
    """One line of a case's audit trail."""

    date: dt.datetime
    commit: str
    author: str
    subject: str
    reviewers: tuple[str, ...]
    merged_in: str | None  # short id of the merge commit that brought the change into the main line
    change: str
    path: str
    changes: tuple[Change, ...] = ()  # what ``change`` says, one by one (for redaction)
    old_path: str | None = None  # a move: where the record was before
    signature: str | None = None  # how the 审核 stands (SIGNATURE_LABELS); with no reviewers, why they are withheld

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(), "commit": self.commit, "author": self.author, "subject": self.subject,
            "reviewers": list(self.reviewers), "signature": self.signature, "merged_in": self.merged_in,
            "change": self.change, "path": self.path, "old_path": self.old_path,
        }


@dataclass(frozen=True)
class AuditTrail:
    """A case's audit trail, oldest first, as of ``head``."""

    case_id: str
    head: str
    entries: tuple[AuditEntry, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.case_id, "head": self.head, "entries": [e.as_json() for e in self.entries]}


class _Contents:
    """Each blob read and parsed once, however many versions point at it."""

    #: Contents read together: versions of one record share most of their text, and each part of
    #: it is parsed once (``DataReader``), the new parts of a batch in one go (a few dozen: larger
    #: batches are slower again).
    BATCH = 32

    def __init__(self) -> None:
        self._parsed: dict[str, dict[str, Any]] = {}
        self._read = DataReader()
        self._pending: list[tuple[str, bytes]] = []
        self.blobs: BlobReader | None = None  # for what was not fed while the log was read

    def feed(self, blob: str, raw: bytes) -> None:
        self._pending.append((blob, raw))
        if len(self._pending) >= self.BATCH:
            self._parse()

    def _parse(self) -> None:
        pending, self._pending = self._pending, []
        for (blob, _), data in zip(pending, self._read.read_many([raw for _, raw in pending]), strict=True):
            self._parsed[blob] = data if isinstance(data, dict) else {}

    def __call__(self, blob: str | None, name: str) -> dict[str, Any] | None:
        if blob is None:
            return None
        if blob not in self._parsed:
            self._parse()
        if blob not in self._parsed:
            assert self.blobs is not None
            self.feed(blob, self.blobs.read(blob))
            self._parse()
        return self._parsed[blob]


def _change(version: Version, data: _Contents) -> tuple[str, list[Change]] | None:
    """The version in the office's words, and the changes they name; None for a merge that only joined its parents."""
    old_name = version.old_path or version.path
    if version.by_merge:
        own = merge_compare(data(version.old_blob, old_name), [data(b, version.path) for b in version.other_blobs],
                            data(version.blob, version.path))
        return ("合并时直接改动：" + describe(own), own) if own else None
    if version.status == "A" and version.old_path is None:
        changes = compare(None, {})  # 立项: nothing to read
        return describe(changes), changes
    if version.status == "C":
        return f"另建同编号的记录文件 {version.path}（{version.old_path} 仍在）", []
    changes = compare(data(version.old_blob, old_name), data(version.blob, version.path))
    if version.status == "A":
        note = ("恢复此前删除的记录文件" if version.old_path == version.path
                else f"移动：{version.old_path} → {version.path}（原文件在此前的提交中删除）")
    elif version.status == "R":
        note = f"移动：{version.old_path} → {version.path}"
    else:
        return describe(changes), changes
    return (note if not changes else f"{describe(changes)}（{note}）"), changes


def _entry(version: Version, change: str, changes: tuple[Change, ...] = ()) -> AuditEntry:
    commit = version.commit
    return AuditEntry(
        date=commit.date, commit=commit.short, author=commit.author, subject=commit.subject,
        reviewers=version.reviewers, merged_in=version.merged_by.short if version.merged_by else None,
        change=change, path=version.path, changes=changes, old_path=version.old_path,
        signature=SIGNATURE_LABELS.get(version.signature) if version.signature else None,
    )


def trail_of(history: CaseHistory, head: str, blobs: BlobReader, contents: _Contents | None = None) -> AuditTrail:
    """Describe each version against the one before it, reading and parsing each blob once."""
    data = contents or _Contents()
    data.blobs = blobs
    entries = []
    for version in history.versions:
        described = _change(version, data)
        if described is not None:
            entries.append(_entry(version, described[0], tuple(described[1])))
    return AuditTrail(history.case_id, head, tuple(entries))


def disclosed(trail: AuditTrail, disclosure: Disclosure) -> AuditTrail:
    """``trail`` as the audience may see it: a change to a field withheld from it names the field, not its values."""
    entries = []
    for entry in trail.entries:
        hidden = [c for c in entry.changes if c.path and isinstance(c.path[0], str) and disclosure.hides_field(c.path[0])]
        if hidden:
            texts = [f"修改了{field_name(str(c.path[0]))}（内部信息，不公开）" if c in hidden else c.text for c in entry.changes]
            changes = tuple(c for c in entry.changes if c not in hidden)
            # Only the changes' own words are replaced: a move's or a merge's note around them stays.
            change = entry.change.replace(describe(entry.changes), "；".join(dict.fromkeys(texts)), 1)
            entry = dataclasses.replace(entry, change=change, changes=changes)
        entries.append(entry)
    return AuditTrail(trail.case_id, trail.head, tuple(entries))


def review_signers(root: Path) -> tuple[str, ...]:
    """The review server's keys, from office.yaml: the 审核 of every trail is checked against them."""
    from ducha.load.office import load_office

    return load_office(root).review_signers


def trails(root: Path, case_ids: Collection[str] | None = None,
           signers: Sequence[str] | None = None) -> tuple[str, dict[str, AuditTrail]]:
    """HEAD and the audit trails of ``case_ids`` (every case by default), keyed by case id.

    The one function every trail comes from. ``signers`` defaults to office.yaml's ``review_signers``.
    """
    signers = review_signers(root) if signers is None else signers
    # Every version of every case stays alive until the trails are made, and none of it forms a
    # cycle: each collection pass would walk all of it again (a tenth of the read at 10,000 cases).
    with collector_paused():
        contents = _Contents()
        histories = read_histories(root, case_ids, signers, contents.feed)
        return histories.head, _trails_of(root, histories, contents)


def _trails_of(root: Path, histories: Histories, contents: _Contents) -> dict[str, AuditTrail]:
    with BlobReader(root) as blobs:
        return {case_id: trail_of(h, histories.head, blobs, contents) for case_id, h in histories.by_id.items()}


def audit_trail(root: Path, case_id: str, signers: Sequence[str] | None = None) -> AuditTrail:
    """The audit trail of one case (``ducha history ID``)."""
    _, found = trails(root, [case_id], signers)
    if case_id not in found:
        raise UsageError(f"提交历史中没有督查事项「{case_id}」。修改：检查编号；新建的记录要先提交（git commit）才有历史。")
    return found[case_id]


def all_trails(root: Path, histories: Histories | None = None) -> dict[str, AuditTrail]:
    """Every case's audit trail, keyed by case id (for the site and the archive export)."""
    if histories is not None:
        return _trails_of(root, histories, _Contents())
    return trails(root)[1]
