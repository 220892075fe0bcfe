"""The audit trail: every version of a case, who made it, who approved it, what it changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.errors import UsageError
from ducha.io.yamlfile import parse_yaml
from ducha.model.redaction import Disclosure
from ducha.repo.changes import UNCHANGED, Change, compare, describe, field_name
from ducha.repo.git import BlobReader, CaseHistory, Histories, Version, read_histories


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

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(), "commit": self.commit, "author": self.author, "subject": self.subject,
            "reviewers": list(self.reviewers), "merged_in": self.merged_in, "change": self.change, "path": self.path,
        }


@dataclass(frozen=True)
class AuditTrail:
    """A case's audit trail, oldest first, as of ``head``."""

    case_id: str
    head: str
    entries: tuple[AuditEntry, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.case_id, "head": self.head, "entries": [e.as_json() for e in self.entries]}


def _data(blobs: BlobReader, blob: str | None, name: str) -> dict[str, Any] | None:
    if blob is None:
        return None
    doc, _ = parse_yaml(blobs.read(blob), name)
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def _entry(version: Version, change: str, changes: tuple[Change, ...] = ()) -> AuditEntry:
    commit = version.commit
    if version.status == "R" and version.old_path:
        moved = f"移动：{version.old_path} → {version.path}"
        change = moved if change == UNCHANGED else f"{change}（{moved}）"
    return AuditEntry(
        date=commit.date, commit=commit.short, author=commit.author, subject=commit.subject,
        reviewers=version.reviewers, merged_in=version.merged_by.short if version.merged_by else None,
        change=change, path=version.path, changes=changes,
    )


def trail_of(history: CaseHistory, head: str, blobs: BlobReader) -> AuditTrail:
    """Describe each version against the one before it, reading and parsing each blob once."""
    parsed: dict[str, dict[str, Any] | None] = {}

    def data(blob: str | None, name: str) -> dict[str, Any] | None:
        if blob is not None and blob not in parsed:
            parsed[blob] = _data(blobs, blob, name)
        return parsed[blob] if blob is not None else None

    entries = []
    for version in history.versions:
        if version.status == "A":
            changes = compare(None, {})  # 立项: nothing to read
        else:
            changes = compare(data(version.old_blob, version.old_path or version.path), data(version.blob, version.path))
        entries.append(_entry(version, describe(changes), tuple(changes)))
    return AuditTrail(history.case_id, head, tuple(entries))


def disclosed(trail: AuditTrail, disclosure: Disclosure) -> AuditTrail:
    """``trail`` as the audience may see it: a change to a field withheld from it names the field, not its values."""
    entries = []
    for entry in trail.entries:
        hidden = [c for c in entry.changes if c.path and isinstance(c.path[0], str) and disclosure.hides_field(c.path[0])]
        if hidden:
            texts = [f"修改了{field_name(str(c.path[0]))}（内部信息，不公开）" if c in hidden else c.text for c in entry.changes]
            changes = tuple(c for c in entry.changes if c not in hidden)
            entry = dataclasses.replace(entry, change="；".join(dict.fromkeys(texts)), changes=changes)
        entries.append(entry)
    return AuditTrail(trail.case_id, trail.head, tuple(entries))


def audit_trail(root: Path, case_id: str) -> AuditTrail:
    """The audit trail of one case (``ducha history ID``)."""
    histories = read_histories(root)
    history = histories.for_id(case_id)
    if history is None:
        raise UsageError(f"提交历史中没有督查事项「{case_id}」。修改：检查编号；新建的记录要先提交（git commit）才有历史。")
    return trail_of(history, histories.head, BlobReader(root))


def all_trails(root: Path, histories: Histories | None = None) -> dict[str, AuditTrail]:
    """Every case's audit trail, keyed by case id (for the site and the archive export)."""
    histories = histories or read_histories(root)
    blobs = BlobReader(root)
    return {h.case_id: trail_of(h, histories.head, blobs) for h in histories.by_path.values()}
