"""When each log entry entered the records: the main-line commit that brought it in.

A case's versions are walked oldest first; an entry is recorded by the version in which
it first appears at its place with its own date. The day is that of the main-line commit
(the merge that brought a branch in, else the commit itself), by its committer date: the
review server sets it when it merges or rebases, where an author date is the author's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.errors import UsageError
from ducha.io.yamlfile import parse_yaml
from ducha.model.case import Case
from ducha.model.logs import LOG_KINDS
from ducha.model.office import Office
from ducha.repo.audit import AuditTrail, trail_of
from ducha.repo.git import BlobReader, CaseHistory, Histories, Version, read_histories
from ducha.rules.late import EntryKey, LateEntry, RecordedAt, late_entries


def _recorded_at(version: Version) -> RecordedAt:
    commit = version.merged_by or version.commit
    return RecordedAt((commit.committed or commit.date).date(), commit.short)


def _entries(data: Any) -> dict[EntryKey, str]:
    """Each entry's place and its own date, as written."""
    found: dict[EntryKey, str] = {}
    if not isinstance(data, dict):
        return found
    for kind in LOG_KINDS:
        entries = data.get(kind.key)
        if isinstance(entries, list):
            for index, entry in enumerate(entries):
                found[(kind.key, index)] = str(entry.get(kind.date_field, "")) if isinstance(entry, dict) else ""
    return found


def recorded_in(history: CaseHistory, blobs: BlobReader, since: dt.date | None = None) -> dict[EntryKey, RecordedAt]:
    """When each entry of the case's newest version was recorded.

    With ``since``, only entries recorded on or after that day are found (and only the
    versions around them are read): what a period's report needs, at a fraction of the cost.
    """
    parsed: dict[str, dict[EntryKey, str]] = {}

    def entries(version: Version | None, blob: str | None) -> dict[EntryKey, str]:
        if version is None or blob is None:
            return {}
        if blob not in parsed:
            doc, _ = parse_yaml(blobs.read(blob), version.path)
            parsed[blob] = _entries(doc.data if doc is not None else None)
        return parsed[blob]

    recorded: dict[EntryKey, RecordedAt] = {}
    before: Version | None = None
    for version in history.versions:
        at = _recorded_at(version)
        if version.status == "D":
            recorded, before = {}, None
            continue
        if since is not None and at.day < since:
            before = version
            continue
        old = entries(before, before.blob if before is not None else None)
        new = entries(version, version.blob)
        recorded = {key: seen for key, seen in recorded.items() if key in new and new[key] == old.get(key)}
        for key, day in new.items():
            if old.get(key) != day:
                recorded[key] = at
        before = version
    return recorded


def recorded_entries(root: Path, histories: Histories | None = None, ids: Iterable[str] | None = None,
                     since: dt.date | None = None) -> Mapping[str, dict[EntryKey, RecordedAt]]:
    """For each case (all, or those in ``ids``), when each of its entries was recorded."""
    histories = histories or read_histories(root)
    wanted = set(ids) if ids is not None else None
    blobs = BlobReader(root)
    return {h.case_id: recorded_in(h, blobs, since) for h in histories.by_path.values()
            if wanted is None or h.case_id in wanted}


@dataclass(frozen=True)
class CaseRecord:
    """What ``ducha history`` shows beside the record: its audit trail and its 补录 entries."""

    trail: AuditTrail
    recorded: dict[EntryKey, RecordedAt]

    def late(self, case: Case, office: Office) -> tuple[LateEntry, ...]:
        return late_entries(case, office, self.recorded)


def case_record(root: Path, case_id: str) -> CaseRecord:
    """One case's audit trail and the recording day of each entry, from one read of the history."""
    histories = read_histories(root)
    history = histories.for_id(case_id)
    if history is None:
        raise UsageError(f"提交历史中没有督查事项「{case_id}」。修改：检查编号；新建的记录要先提交（git commit）才有历史。")
    blobs = BlobReader(root)
    return CaseRecord(trail_of(history, histories.head, blobs), recorded_in(history, blobs))
