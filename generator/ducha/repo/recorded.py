"""When each log entry entered the records: the main-line commit that brought it in.

A case's versions are walked oldest first; an entry is recorded by the version in which
it first appears at its place with its own date. The day is that of the main-line commit
(the merge that brought a branch in, else the commit itself), by its committer date: the
review server sets it when it merges or rebases, where an author date is the author's own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.errors import UsageError
from ducha.io.yamlfile import parse_yaml
from ducha.model.case import Case
from ducha.model.logs import LOG_KINDS
from ducha.model.office import Office
from ducha.repo.audit import AuditTrail, review_signers, trail_of
from ducha.repo.blobs import BlobReader, read_blobs
from ducha.repo.histories import read_histories
from ducha.repo.values import CaseHistory, Histories, Version
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


_TOP_KEY = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
_LOG_KEYS = frozenset(kind.key.encode() for kind in LOG_KINDS)


def _log_blocks(raw: bytes) -> bytes | None:
    """The text of the record's logs, for telling cheaply that a version left them alone.

    None when the file is not laid out as plain ``key:`` lines at the margin (quoted keys,
    flow style…): then only parsing can tell.
    """
    blocks: list[bytes] = []
    inside = False
    for line in raw.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t", b"#", b"\r", b"\n", b""):
            if inside:
                blocks.append(line)
            continue
        match = _TOP_KEY.match(line)
        if match is None:
            return None
        inside = match.group(1) in _LOG_KEYS
        if inside:
            blocks.append(line)
    return b"".join(blocks)


def recorded_in(history: CaseHistory, blobs: Mapping[str, bytes], since: dt.date | None = None) -> dict[EntryKey, RecordedAt]:
    """When each entry of the case's newest version was recorded.

    Each version is compared with the blob it replaced, so ``history`` may hold only the
    recent versions (``read_histories(since=…)``); with ``since``, only entries recorded
    on or after that day are found.
    """
    parsed: dict[str, dict[EntryKey, str]] = {}

    def raw(blob: str) -> bytes:
        return blobs.get(blob, b"")

    def entries(blob: str | None, name: str) -> dict[EntryKey, str]:
        if blob is None:
            return {}
        if blob not in parsed:
            doc, _ = parse_yaml(raw(blob), name)
            parsed[blob] = _entries(doc.data if doc is not None else None)
        return parsed[blob]

    recorded: dict[EntryKey, RecordedAt] = {}
    for version in history.versions:
        at = _recorded_at(version)
        if version.status == "D":
            recorded = {}
            continue
        if since is not None and at.day < since:
            continue
        if version.old_blob is not None and version.blob is not None:
            before = _log_blocks(raw(version.old_blob))
            if before is not None and before == _log_blocks(raw(version.blob)):
                continue  # the logs are as they were (a title, a note, a move): nothing recorded here
        old = entries(version.old_blob, version.old_path or version.path)
        new = entries(version.blob, version.path)
        recorded = {key: seen for key, seen in recorded.items() if new.get(key) == old.get(key)}
        recorded.update({key: at for key, day in new.items() if old.get(key) != day})
    return recorded


def recorded_entries(root: Path, histories: Histories | None = None, ids: Iterable[str] | None = None,
                     since: dt.date | None = None) -> Mapping[str, dict[EntryKey, RecordedAt]]:
    """For each case (all, or those in ``ids``), when each of its entries was recorded."""
    histories = histories or read_histories(root, since=since)
    wanted = set(ids) if ids is not None else None
    chosen = [h for h in histories.by_id.values() if wanted is None or h.case_id in wanted]
    blobs = _blobs_of(root, chosen)
    return {h.case_id: recorded_in(h, blobs, since) for h in chosen}


def _blobs_of(root: Path, histories: Iterable[CaseHistory]) -> dict[str, bytes]:
    return read_blobs(root, (blob for h in histories for v in h.versions for blob in (v.blob, v.old_blob) if blob))


@dataclass(frozen=True)
class CaseRecord:
    """What ``ducha history`` shows beside the record: its audit trail and its 补录 entries."""

    trail: AuditTrail
    recorded: dict[EntryKey, RecordedAt]

    def late(self, case: Case, office: Office) -> tuple[LateEntry, ...]:
        return late_entries(case, office, self.recorded)


def case_record(root: Path, case_id: str) -> CaseRecord:
    """One case's audit trail and the recording day of each entry, from one read of its history."""
    histories = read_histories(root, [case_id], review_signers(root))
    history = histories.for_id(case_id)
    if history is None:
        raise UsageError(f"提交历史中没有督查事项「{case_id}」。修改：检查编号；新建的记录要先提交（git commit）才有历史。")
    with BlobReader(root) as blobs:
        trail = trail_of(history, histories.head, blobs)
    return CaseRecord(trail, recorded_in(history, _blobs_of(root, [history])))
