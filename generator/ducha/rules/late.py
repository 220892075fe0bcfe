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
from ducha.io.yamlfile import PathKey, YamlDocument, format_path
from ducha.model.case import Case, log
from ducha.model.logs import LOG_KINDS, LOGS, Extension, LogKind
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
    what: str = ""  # what was late when not the entry itself (批准延期: an approval added to it later)

    @property
    def label(self) -> str:
        return self.what or LOGS[self.key].label

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
            if isinstance(entry, Extension) and entry.approved is not None and entry.approved_late_reason:
                found.append(LateEntry(case.id, kind.key, index, entry.approved, entry.approved_late_reason, what="批准延期"))
    return tuple(found)


#: Dates that name a day ahead (a due date): never written late.
_AHEAD = frozenset({"until"})
#: How each kind of date is named in a message.
_DATE_NAMES = {"date": "日期", "requested": "申请日期", "approved": "批准日期"}
#: Top-level dates and one-time blocks, with their names: (path of the date, name).
_RECORD_DATES: tuple[tuple[PathKey, str], ...] = ((("registered",), "立项日期"), (("assigned",), "交办日期"),
                                                  (("approval", "date"), "立项审批日期"), (("cancelled", "date"), "撤销日期"))


@dataclass(frozen=True)
class WrittenDate:
    """A date a change writes into a record, and where the reason goes should it be written late."""

    path: PathKey
    text: str
    name: str  # e.g. 办理进展第2条的日期, 延期第1条的批准日期, 交办日期
    reason: PathKey  # a ``late_reason`` in the mapping written with it, or ``<field>_late_reason`` beside it


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def written_dates(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> Iterator[WrittenDate]:
    """Every date that is in ``new`` and was not in ``old`` (None: a new record), wherever it stands.

    A date written together with the mapping that holds it (a new entry, a new block, a new record)
    is explained by that mapping's ``late_reason``; a date added to a mapping already recorded (an
    approval added to a pending extension, 交办 filled into a registered case) by a
    ``<field>_late_reason`` beside it, since the mapping's own reason, if any, was about its first date.
    """
    for path, name in _RECORD_DATES:
        holder = path[:-1]
        if _at(new, path) is None or (old is not None and _at(old, path) is not None):
            continue
        if holder and (old is None or _at(old, holder) is None):  # a new block
            yield WrittenDate(path, str(_at(new, path)), name, (*holder, "late_reason"))
        elif old is None:  # the record itself is new
            yield WrittenDate(path, str(_at(new, path)), name, ("late_reason",))
        else:
            yield WrittenDate(path, str(_at(new, path)), name, (f"{path[-1]}_late_reason",))
    for kind in LOG_KINDS:
        entries = new.get(kind.key)
        before = old.get(kind.key) if old is not None else None
        if not isinstance(entries, list):
            continue
        recorded = len(before) if isinstance(before, list) else 0
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            was = before[index] if index < recorded and isinstance(before[index], dict) else None  # type: ignore[index]
            if index < recorded and was is None:
                continue  # rewritten: the guard refuses that by itself
            for field in kind.date_fields:
                if field in _AHEAD or field not in entry or (was is not None and field in was):
                    continue
                name = f"{kind.label}第{index + 1}条的{_DATE_NAMES.get(field, '日期')}"
                reason = "late_reason" if was is None else f"{field}_late_reason"
                yield WrittenDate((kind.key, index, field), str(entry[field]), name, (kind.key, index, reason))


def unexplained_late(path: str, old: Mapping[str, Any] | None, new: YamlDocument, office: Office,
                     today: dt.date) -> list[Problem]:
    """Dates a pull request writes into a record (a new one when ``old`` is None) more than
    ``late_entry_workdays`` before they are written, without the reason a 补录 owes.

    In a pull request a date is written the day the guard judges it: commit dates are the
    author's to set, the guard's clock is not.
    """
    if not isinstance(new.data, dict) or (office.adopted_on is not None and today <= office.adopted_on):
        return []
    calendar = calendar_for(office.holiday_overrides)
    limit = office.late_entry_workdays
    problems = []
    for written in written_dates(old, new.data):
        own = parse_date(written.text)
        if own is None or own > today or _at(new.data, written.reason):
            continue  # validation reports dates that do not exist or lie ahead
        late_by = calendar.workdays_between(own, today)
        if late_by <= limit:
            continue
        line, column = new.mark(written.path)
        key = written.reason[-1]
        where = "记录中" if len(written.reason) == 1 else "这一条里" if written.reason[0] in LOGS else f" {written.reason[0]} 下"
        problems.append(Problem(
            path, line, column, format_path(written.path),
            f"{written.name}是 {own}，今天（{today}）才登记，晚了{late_by}个工作日："
            f"超过{limit}个工作日登记的是补录，补录须写明理由。",
            f"在{where}加一行 `{key}: 补录原因`（如「纸质报告3月16日才送达」），它会在办理经过和通报中标明「补录」；"
            "如是日期写错，改正日期。"))
    return problems
