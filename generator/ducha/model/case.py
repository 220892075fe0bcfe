"""A 督查事项 as a frozen ``Case``, read from a record's plain data, and the stage derived from its facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, TypeVar

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path
from ducha.model.corrections import corrected_document, written_path
from ducha.model.links import LINK_KEYS, Link
from ducha.model.logs import (
    LOG_KINDS,
    Attachment,
    Correction,
    Extension,
    Feedback,
    Followup,
    LogKind,
    Progress,
    Reading,
    Receipt,
    Report,
    Review,
    Step,
    Submission,
    UpstreamChange,
    Urge,
)
from ducha.model.timelimit import TimeLimit, parse_date, parse_time_limit

CASES_DIR = "cases"
#: Where a case's attached files live: ``attachments/<year>/<id>/<file>``.
ATTACHMENTS_DIR = "attachments"
#: Each year folder's archive manifest (归档清单), the one file there that is not a case.
MANIFEST_NAME = "ARCHIVE.sha256"


class Stage(Enum):
    """Where a case stands. Derived from the record's facts, never stored."""

    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    PENDING_REVIEW = "pending_review"
    RETURNED = "returned"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in (Stage.IN_PROGRESS, Stage.RETURNED)


_STAGE_LABELS = {
    Stage.REGISTERED: "立项", Stage.IN_PROGRESS: "办理中", Stage.PENDING_REVIEW: "待审核",
    Stage.RETURNED: "已退回", Stage.CLOSED: "已办结", Stage.CANCELLED: "已撤销", Stage.ARCHIVED: "已归档",
}


@dataclass(frozen=True)
class Source:
    """依据: what the item was set up on."""

    doc_no: str = ""
    meeting: str = ""
    leader: str = ""
    instruction: str = ""
    level: str = ""  # 来源层级 within the category (中央批办, 国务院批示…), when office.yaml sets levels
    upstream: Link | None = None  # 上级交办: the superior office's case it was taken in from (``ducha intake``)


@dataclass(frozen=True)
class Approval:
    """立项审批: the leader who agreed to take the item up, and when."""

    date: dt.date
    by: str
    note: str = ""


@dataclass(frozen=True)
class Cancellation:
    """撤销 of the item, with who approved it."""

    date: dt.date
    reason: str
    approved_by: str


@dataclass(frozen=True)
class Archive:
    """归档: 档号 and 保管期限."""

    date: dt.date
    number: str
    retention: str


@dataclass(frozen=True)
class Milestone:
    """节点: a stage of a long task with its own due date (or a time limit counted from 交办)."""

    name: str
    due: dt.date | None = None
    time_limit: TimeLimit | None = None
    requirement: str = ""


@dataclass(frozen=True)
class Round:
    """One round of handling: the first from 交办, each later one from a 再督查 or 重新办理 that reopened the case."""

    number: int
    start: dt.date
    kind: str  # 交办, 再督查, 重新办理
    time_limit: TimeLimit | None  # None in the first round: the case's own, or its category's default
    reason: str = ""
    opened_by: tuple[str, int] | None = None  # the log entry (key, index) that reopened the case


@dataclass(frozen=True)
class Case:
    """One 督查事项 as recorded in ``cases/<year>/<id>.yaml``."""

    id: str
    title: str
    category: str
    registered: dt.date
    path: str
    priority: str = ""  # 急, 重点, or empty for an ordinary item
    source: Source = Source()
    requirements: str = ""
    parent: str | None = None
    approval: Approval | None = None
    assigned: dt.date | None = None
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    owner: str = ""
    time_limit: TimeLimit | None = None
    milestones: tuple[Milestone, ...] = ()
    receipts: tuple[Receipt, ...] = ()
    progress: tuple[Progress, ...] = ()
    urges: tuple[Urge, ...] = ()
    extensions: tuple[Extension, ...] = ()
    reports: tuple[Report, ...] = ()
    reviews: tuple[Review, ...] = ()
    followups: tuple[Followup, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    readings: tuple[Reading, ...] = ()
    submissions: tuple[Submission, ...] = ()
    upstream_changes: tuple[UpstreamChange, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    corrections: tuple[Correction, ...] = ()
    cancelled: Cancellation | None = None
    archive: Archive | None = None
    visibility: str = "公开"
    notes: str = ""

    @property
    def units(self) -> tuple[str, ...]:
        """The lead unit and the co-units: every unit the item is assigned to."""
        return (self.lead_unit, *self.co_units) if self.lead_unit else self.co_units

    @property
    def upstream_link(self) -> Link | None:
        """The superior's version of the task this office last recorded: its last 上级变更, or what intake wrote."""
        link = self.source.upstream
        if link is None or not self.upstream_changes:
            return link
        last = self.upstream_changes[-1]
        return dataclasses.replace(link, commit=last.commit, sha256=last.sha256)

    @property
    def attachment_folder(self) -> str:
        """The folder of the case's attached files, relative to the repository."""
        return f"{ATTACHMENTS_DIR}/{self.year}/{self.id}"

    @property
    def year(self) -> int:
        return int(self.id.split("-")[-2])

    @functools.cached_property
    def _all_rounds(self) -> tuple[Round, ...]:
        """Every round, worked out once per case (a frozen case never changes): statuses ask many times a day."""
        if self.assigned is None:
            return ()
        found = [Round(1, self.assigned, "交办", self.time_limit)]
        reopenings = sorted(((e.date, kind, index, e) for kind in _REOPENING_KINDS
                             for index, e in enumerate(log(self, kind)) if e.reopens), key=lambda item: item[0])
        for number, (day, kind, index, entry) in enumerate(reopenings, start=2):
            found.append(Round(number, day, kind.reopening, entry.time_limit, _reason(entry), (kind.key, index)))
        return tuple(found)

    def rounds(self, today: dt.date | None = None) -> tuple[Round, ...]:
        """The rounds begun on or before ``today`` (all when None): 交办, then each reopening in date order."""
        every = self._all_rounds
        if today is None or not every or every[-1].start <= today:
            return every
        return tuple(r for r in every if r.start <= today)

    def round_on(self, today: dt.date | None = None) -> Round | None:
        """The round in progress (or last finished) on ``today``."""
        rounds = self.rounds(today)
        return rounds[-1] if rounds else None
    def as_of(self, day: dt.date) -> Case:
        """The record as it stood at the end of ``day``: every fact dated later left out.

        An extension approved later was still only requested; a case 交办 later was not yet
        assigned. Callers drop cases registered after ``day`` altogether.
        """
        logs: dict[str, Any] = {}
        for kind in LOG_KINDS:
            entries = log(self, kind)
            if not entries:
                continue
            kept = tuple(e for e in entries if getattr(e, kind.date_field) <= day)
            if kind.key == "extensions":
                kept = tuple(e if e.approved is None or e.approved <= day
                             else dataclasses.replace(e, approved=None, approved_by="") for e in kept)
            if kept != entries:
                logs[kind.key] = kept
        later = [fact for fact in (self.assigned, *(b.date for b in (self.cancelled, self.approval, self.archive) if b))
                 if fact is not None and fact > day]
        if not logs and not later:
            return self  # nothing happened after ``day``: the record as it stands
        return dataclasses.replace(
            self, **logs,
            assigned=self.assigned if self.assigned is not None and self.assigned <= day else None,
            cancelled=self.cancelled if self.cancelled is not None and self.cancelled.date <= day else None,
            approval=self.approval if self.approval is not None and self.approval.date <= day else None,
            archive=self.archive if self.archive is not None and self.archive.date <= day else None)

    def stage_on(self, today: dt.date | None = None) -> Stage:
        """The stage from the facts dated on or before ``today`` (all facts when None)."""
        def known(day: dt.date | None) -> bool:
            return day is not None and (today is None or day <= today)

        if self.archive is not None and known(self.archive.date):
            return Stage.ARCHIVED
        if self.cancelled is not None and known(self.cancelled.date):
            return Stage.CANCELLED
        # Reports and reviews alternate (validation enforces it): report 1, review 1, report 2…
        reports = _count_on(self.reports, today)
        reviews = _count_on(self.reviews, today)
        if reports > reviews:
            return Stage.PENDING_REVIEW
        if reviews:
            if not self.reviews[reviews - 1].passed:
                return Stage.RETURNED
            return Stage.IN_PROGRESS if self._reopened_after(self.reviews[reviews - 1].date, today) else Stage.CLOSED
        if known(self.assigned):
            return Stage.IN_PROGRESS
        return Stage.REGISTERED

    def closing_report(self, today: dt.date | None = None) -> Report | None:
        """The report that closed the item (passed review), or the one awaiting review."""
        stage = self.stage_on(today)
        if stage in (Stage.CLOSED, Stage.PENDING_REVIEW, Stage.ARCHIVED):
            return last_on(self.reports, today)
        return None

    def passed_on(self, today: dt.date | None = None) -> dt.date | None:
        """The day the last report passed review, whatever happened after (撤销, 归档)."""
        reports, reviews = _count_on(self.reports, today), _count_on(self.reviews, today)
        if reviews and reviews >= reports and self.reviews[reviews - 1].passed:
            return self.reviews[reviews - 1].date
        return None

    def finished_on(self, today: dt.date | None = None) -> dt.date | None:
        """The day of the passing review, unless a 再督查 or 重新办理 has reopened the case since."""
        passed = self.passed_on(today)
        return None if passed is None or self._reopened_after(passed, today) else passed

    def closed_on(self, today: dt.date | None = None) -> dt.date | None:
        """The day of the passing review, when the item is closed (and perhaps archived)."""
        if self.cancelled is not None and (today is None or self.cancelled.date <= today):
            return None
        return self.finished_on(today)

    def _reopened_after(self, day: dt.date, today: dt.date | None) -> bool:
        """Whether a round began on or after ``day`` (a passing review), by ``today``."""
        current = self.round_on(today)
        return current is not None and current.number > 1 and current.start >= day


#: The log kinds whose entries may open another round (回访复核, 满意度).
_REOPENING_KINDS = tuple(kind for kind in LOG_KINDS if kind.reopening)


def _reason(entry: Any) -> str:
    """Why a round was opened, from the entry that opened it (its finding or note)."""
    return str(getattr(entry, "finding", "") or getattr(entry, "note", ""))


def log(case: Case, kind: LogKind) -> tuple[Any, ...]:
    """The entries of one dated log of ``case``."""
    entries: tuple[Any, ...] = getattr(case, kind.key)
    return entries


def events(case: Case) -> list[Step]:
    """The case's own facts in date order: 立项, 交办, then every log's steps, 撤销, 归档."""
    out = [Step(case.registered, "立项", case.title)]
    if case.approval is not None:
        note = f"：{case.approval.note}" if case.approval.note else ""
        out.append(Step(case.approval.date, "立项审批", f"{case.approval.by}同意立项{note}"))
    if case.assigned is not None:
        co = f"，协办：{'、'.join(case.co_units)}" if case.co_units else ""
        out.append(Step(case.assigned, "交办", f"主办：{case.lead_unit}{co}"))
    for kind in LOG_KINDS:
        for entry in log(case, kind):
            out += kind.entry_steps(entry)
    if case.cancelled is not None:
        out.append(Step(case.cancelled.date, "撤销", f"{case.cancelled.reason}（{case.cancelled.approved_by}）"))
    if case.archive is not None:
        out.append(Step(case.archive.date, "归档", f"档号 {case.archive.number}，保管期限 {case.archive.retention}"))
    return sorted(out, key=lambda step: step.date)  # stable: same-day steps keep their order


def _count_on(entries: tuple[Any, ...], today: dt.date | None) -> int:
    if today is None:
        return len(entries)
    return sum(1 for entry in entries if entry.date <= today)


class _HasDate(Protocol):
    @property
    def date(self) -> dt.date: ...


_Entry = TypeVar("_Entry", bound=_HasDate)


def last_on(entries: Iterable[_Entry], today: dt.date | None) -> _Entry | None:
    """The last entry of a date-sorted log dated on or before ``today``."""
    found = None
    for entry in entries:
        if today is not None and entry.date > today:
            break
        found = entry
    return found


class _Reader:
    """Turns a schema-valid document into a Case, collecting date problems on the way."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = corrected_document(doc)
        self.problems: list[Problem] = []
        self.data = self.doc.data

    def date(self, value: str | None, path: PathKey) -> dt.date | None:
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            path = written_path(self.doc, path)
            line, column = self.doc.mark(path)
            self.problems.append(Problem(self.doc.path, line, column, format_path(path),
                                         f"日期「{value}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD，如 2026-03-05。"))
        return day

    def limit(self, value: str | None, path: PathKey) -> TimeLimit | None:
        if value is None:
            return None
        parsed = parse_time_limit(value)
        if parsed is None:
            path = written_path(self.doc, path)
            line, column = self.doc.mark(path)
            self.problems.append(Problem(self.doc.path, line, column, format_path(path),
                                         f"办理时限「{value}」中的日期不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。"))
        return parsed

    def entries(self, kind: LogKind) -> Iterator[Any]:
        date_fields, limit_fields, make = kind.date_fields, kind.limit_fields, kind.entry
        for index, entry in enumerate(self.data.get(kind.key, [])):
            values: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in entry.items()}
            for name in date_fields:
                text = entry.get(name)
                day = parse_date(text) if text is not None else None
                if day is None and text is not None:  # where it stands is looked up only for a problem
                    self.date(text, (kind.key, index, name))
                values[name] = day
            for name in limit_fields:
                values[name] = self.limit(entry.get(name), (kind.key, index, name))
            for name in kind.link_fields:
                values[name] = read_link(entry.get(name))
            yield make(**values)

    def at(self, name: str) -> PathKey:
        """Where the value of ``name`` in force is written: its own line, or the correction that set it."""
        return written_path(self.doc, (name,))

    def case(self) -> Case | None:
        data = self.data
        d = self.date
        logs = {kind.key: tuple(self.entries(kind)) for kind in LOG_KINDS if kind.key in data}
        cancelled = archive = approval = None
        if "approval" in data:
            a = data["approval"]
            approval = Approval(d(a["date"], ("approval", "date")), a["by"], a.get("note", ""))  # type: ignore[arg-type]
        if "cancelled" in data:
            c = data["cancelled"]
            cancelled = Cancellation(d(c["date"], ("cancelled", "date")), c["reason"], c["approved_by"])  # type: ignore[arg-type]
        if "archive" in data:
            a = data["archive"]
            archive = Archive(d(a["date"], ("archive", "date")), a["number"], a["retention"])  # type: ignore[arg-type]
        milestones = tuple(
            Milestone(m["name"], d(m.get("due"), ("milestones", i, "due")),
                      self.limit(m.get("time_limit"), ("milestones", i, "time_limit")), m.get("requirement", ""))
            for i, m in enumerate(data.get("milestones", ())))
        registered = d(data["registered"], self.at("registered"))
        assigned = d(data.get("assigned"), self.at("assigned"))
        time_limit = self.limit(data.get("time_limit"), self.at("time_limit"))
        if self.problems or registered is None:
            return None
        src = data.get("source", {})
        return Case(
            id=data["id"], title=data["title"], category=data["category"], registered=registered,
            priority=data.get("priority", ""),
            path=self.doc.path,
            source=Source(src.get("doc_no", ""), src.get("meeting", ""), src.get("leader", ""),
                          src.get("instruction", ""), src.get("level", ""), read_link(src.get("upstream"))),
            requirements=data.get("requirements", ""), parent=data.get("parent"), assigned=assigned,
            lead_unit=data.get("lead_unit"), co_units=tuple(data.get("co_units", ())),
            owner=data.get("owner", ""), time_limit=time_limit, milestones=milestones, **logs,
            cancelled=cancelled, archive=archive, approval=approval, visibility=data.get("visibility", "公开"),
            notes=data.get("notes", ""),
        )


def read_link(data: Any) -> Link | None:
    """A link as a schema-valid record writes it (None where there is none)."""
    return Link(*(data[key] for key in LINK_KEYS)) if isinstance(data, dict) else None


def build_case(doc: YamlDocument) -> tuple[Case | None, list[Problem]]:
    """A Case from a schema-valid document, or the dates that do not exist."""
    reader = _Reader(doc)
    case = reader.case()
    return case, reader.problems
