"""补录: log entries recorded well after the day they are dated.

An entry's own date says when something happened; the commit that brought it into the
records says when the office learned of it. More than ``office.late_entry_workdays``
working days between the two makes it a 补录: allowed (paper arrives late), but it must
carry a ``late_reason`` and is marked wherever it is shown, so a report dated before its
due date but written in weeks later cannot pass unseen as 按期. Pure: the recording
days come from ``repo.recorded`` (git) or, for a pull request, are the guard's today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ducha.errors import Problem
from ducha.io.yamlfile import YamlDocument, format_path
from ducha.model.case import Case, log
from ducha.model.logs import LOG_KINDS, LOGS, LogKind
from ducha.model.office import Office
from ducha.model.timelimit import parse_date
from ducha.rules.calendar import Calendar, calendar_for

#: A log entry's place in its record: (log key, index), e.g. ("reports", 0).
EntryKey = tuple[str, int]


@dataclass(frozen=True)
class RecordedAt:
    """The day an entry entered the records: the main-line commit that brought it in."""

    day: dt.date
    commit: str  # short id


@dataclass(frozen=True)
class LateEntry:
    """One 补录 entry of a case."""

    case_id: str
    key: str
    index: int
    date: dt.date  # the entry's own date
    reason: str  # its late_reason; empty when git shows it late but nobody said why
    recorded: RecordedAt | None = None  # None: known late only from its late_reason
    workdays: int | None = None  # working days from its date to its recording

    @property
    def label(self) -> str:
        return LOGS[self.key].label

    def as_json(self) -> dict[str, object]:
        return {"log": self.key, "index": self.index, "date": self.date.isoformat(), "reason": self.reason,
                "recorded": self.recorded.day.isoformat() if self.recorded else None,
                "commit": self.recorded.commit if self.recorded else None, "workdays": self.workdays}

    def text(self, with_commit: bool = False) -> str:
        """E.g. ``办理报告（2026-03-06）2026-03-20 登记，晚10个工作日；补录理由：……``."""
        when = ""
        if self.recorded is not None:
            commit = f"（提交 {self.recorded.commit}）" if with_commit else ""
            when = f"{self.recorded.day} 登记{commit}，晚{self.workdays}个工作日"
        why = f"补录理由：{self.reason}" if self.reason else "未写补录理由"
        return f"{self.label}（{self.date}）{when}；{why}" if when else f"{self.label}（{self.date}）{why}"


def _own_date(kind: LogKind, entry: Any) -> dt.date:
    day: dt.date = getattr(entry, kind.date_field)
    return day


def late_entries(case: Case, office: Office, recorded: Mapping[EntryKey, RecordedAt] | None = None,
                 calendar: Calendar | None = None) -> tuple[LateEntry, ...]:
    """The 补录 entries of ``case``: those with a late_reason, and those ``recorded`` too late."""
    calendar = calendar or calendar_for(office.holiday_overrides)
    found = []
    for kind in LOG_KINDS:
        for index, entry in enumerate(log(case, kind)):
            own = _own_date(kind, entry)
            at = (recorded or {}).get((kind.key, index))
            if at is not None and office.adopted_on is not None and at.day <= office.adopted_on:
                at = None  # migrated with the old 台账 when the office adopted ducha
            late_by = calendar.workdays_between(own, at.day) if at is not None else None
            if entry.late_reason or (late_by is not None and late_by > office.late_entry_workdays):
                found.append(LateEntry(case.id, kind.key, index, own, entry.late_reason, at, late_by))
    return tuple(found)


def _new_entries(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> Iterator[tuple[LogKind, int, Any]]:
    for kind in LOG_KINDS:
        entries = new.get(kind.key)
        before = old.get(kind.key) if old is not None else None
        start = len(before) if isinstance(before, list) else 0
        if isinstance(entries, list):
            for index in range(start, len(entries)):
                yield kind, index, entries[index]


def unexplained_late(path: str, old: Mapping[str, Any] | None, new: YamlDocument, office: Office,
                     today: dt.date) -> list[Problem]:
    """Entries a pull request appends (to ``old``, None for a new record) that are 补录 without a reason.

    In a pull request an entry is recorded the day the guard judges it: commit dates are
    the author's to set, the guard's clock is not.
    """
    if not isinstance(new.data, dict) or (office.adopted_on is not None and today <= office.adopted_on):
        return []
    calendar = calendar_for(office.holiday_overrides)
    limit = office.late_entry_workdays
    problems = []
    for kind, index, entry in _new_entries(old, new.data):
        if not isinstance(entry, dict) or entry.get("late_reason"):
            continue
        own = parse_date(str(entry.get(kind.date_field, "")))
        if own is None or own > today:
            continue  # validation reports dates that do not exist or lie ahead
        late_by = calendar.workdays_between(own, today)
        if late_by > limit:
            line, column = new.mark((kind.key, index, kind.date_field))
            problems.append(Problem(
                path, line, column, format_path((kind.key, index, kind.date_field)),
                f"{kind.label}第{index + 1}条的日期是 {own}，今天（{today}）才登记，晚了{late_by}个工作日："
                f"超过{limit}个工作日登记的是补录，补录须写明理由。",
                "在这一条里加一行 `late_reason: 补录原因`（如「纸质报告3月16日才送达」），它会在办理经过和通报中标明「补录」；"
                "如是日期写错，改正日期。"))
    return problems
