"""Due dates and 红黄绿灯: the ``Status`` of one case on one day.

Rules (seeds 003, 004 and 《民法典》第二百零一至二百零三条): the day of 交办 is not
counted; ``N个工作日`` is the N-th working day after it; ``N日`` and ``N个月`` land on
the corresponding day, moved to the next working day when that is a day off; an
approved extension either sets a new date or counts a further time limit from the
due date it extends. Everything here is pure: ``today`` is always passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from ducha.model.case import Case, Stage
from ducha.model.logs import Extension
from ducha.model.office import CategoryRule, Office
from ducha.model.timelimit import TimeLimit, TimeUnit
from ducha.rules.calendar import Calendar, Dated, add_months, calendar_for


class Light(Enum):
    """红黄绿灯 for open items; done/late for reported ones; none without a due date."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    DONE = "done"
    LATE = "late"
    NONE = "none"

    @property
    def label(self) -> str:
        return _LIGHT_LABELS[self]


_LIGHT_LABELS = {
    Light.GREEN: "绿灯", Light.YELLOW: "黄灯", Light.RED: "红灯",
    Light.DONE: "按期办结", Light.LATE: "超期办结", Light.NONE: "—",
}


def count_from(start: dt.date, limit: TimeLimit, calendar: Calendar) -> Dated:
    """The due date of ``limit`` counted from the day after ``start``."""
    if limit.date is not None:
        return Dated(limit.date)
    if limit.unit is TimeUnit.WORKDAYS:
        return calendar.add_workdays(start, limit.count)
    target = start + dt.timedelta(days=limit.count) if limit.unit is TimeUnit.DAYS else add_months(start, limit.count)
    return calendar.roll_forward(target, start)


def category_rule(case: Case, office: Office) -> CategoryRule:
    """The category's rules as in force when ``case`` was assigned (registered, before 交办)."""
    return office.rule(case.category, case.assigned or case.registered, case.source.level)


def effective_time_limit(case: Case, office: Office) -> TimeLimit | None:
    """The case's own 办理时限, else its category's default from office.yaml."""
    return case.time_limit or category_rule(case, office).time_limit


def extension_counts(extension: Extension, today: dt.date | None) -> bool:
    """An extension moves the due date only once approved, and only from its approval on."""
    return extension.approved is not None and (today is None or extension.approved <= today)


@dataclass(frozen=True)
class DueStep:
    """The due date before and after one approved extension."""

    extension: Extension
    index: int
    before: Dated
    after: Dated


@dataclass(frozen=True)
class Schedule:
    """The original due date and how each approved extension moved it."""

    original: Dated
    steps: tuple[DueStep, ...]

    @property
    def due(self) -> Dated:
        return self.steps[-1].after if self.steps else self.original


def schedule(case: Case, office: Office, today: dt.date | None = None,
             calendar: Calendar | None = None) -> Schedule | None:
    """The due dates of ``case``; None before 交办 or when no time limit applies."""
    limit = effective_time_limit(case, office)
    if case.assigned is None or limit is None:
        return None
    calendar = calendar or calendar_for(office.holiday_overrides)
    original = count_from(case.assigned, limit, calendar)
    due = original
    steps: list[DueStep] = []
    for index, extension in enumerate(case.extensions):
        if not extension_counts(extension, today):
            continue
        if extension.until is not None:
            after = Dated(extension.until, due.provisional)
        elif extension.time_limit is not None:
            moved = count_from(due.date, extension.time_limit, calendar)
            after = Dated(moved.date, moved.provisional or due.provisional)
        else:
            continue
        steps.append(DueStep(extension, index, due, after))
        due = after
    return Schedule(original, tuple(steps))


@dataclass(frozen=True)
class Status:
    """Where one case stands on ``today``: stage, due date, light and what needs chasing."""

    case: Case
    today: dt.date
    stage: Stage
    due: dt.date | None
    light: Light
    working_days_left: int | None
    days_overdue: int  # calendar days, for people who count them; rules use ``workdays_overdue``
    workdays_overdue: int
    provisional: bool
    extended: bool
    progress_overdue: bool
    followup_due: bool

    @property
    def is_open(self) -> bool:
        return self.stage.is_open

    def as_json(self) -> dict[str, object]:
        """The machine-readable form promised to other tools (keys are a contract)."""
        case = self.case
        return {
            "id": case.id, "title": case.title, "category": case.category,
            "lead_unit": case.lead_unit, "co_units": list(case.co_units),
            "stage": self.stage.value, "due": self.due.isoformat() if self.due else None,
            "light": self.light.value, "working_days_left": self.working_days_left,
            "days_overdue": self.days_overdue, "workdays_overdue": self.workdays_overdue,
            "provisional": self.provisional,
            "extended": self.extended, "progress_overdue": self.progress_overdue,
            "followup_due": self.followup_due,
        }


def deadline(case: Case, office: Office, today: dt.date, calendar: Calendar | None = None) -> Status:
    """The Status of ``case`` on ``today``, from the facts dated on or before it."""
    calendar = calendar or calendar_for(office.holiday_overrides)
    stage = case.stage_on(today)
    plan = schedule(case, office, today, calendar)
    due = plan.due if plan is not None else None
    light, left, overdue, late_workdays, provisional = Light.NONE, None, 0, 0, bool(due and due.provisional)
    closing = case.closing_report(today)
    if due is None or stage is Stage.CANCELLED or (stage is Stage.ARCHIVED and case.cancelled is not None):
        light = Light.NONE
    elif closing is not None:
        late_by = (closing.date - due.date).days
        light, overdue = (Light.LATE, late_by) if late_by > 0 else (Light.DONE, 0)
        late_workdays = calendar.workdays_between(due.date, closing.date)
    elif stage.is_open:
        if today > due.date:
            light, overdue = Light.RED, (today - due.date).days
            late_workdays = calendar.workdays_between(due.date, today)
        else:
            left = calendar.workdays_between(today, due.date)
            provisional = provisional or calendar.provisional_between(today, due.date)
            light = Light.YELLOW if left <= office.yellow_days else Light.GREEN
    return Status(
        case=case, today=today, stage=stage, due=due.date if due else None, light=light,
        working_days_left=left, days_overdue=overdue, workdays_overdue=late_workdays, provisional=provisional,
        extended=bool(plan and plan.steps),
        progress_overdue=_progress_overdue(case, office, stage, today),
        followup_due=stage is Stage.CLOSED and _followup_due(case, office, today),
    )


def _progress_overdue(case: Case, office: Office, stage: Stage, today: dt.date) -> bool:
    """续报: an open item whose last progress (or 交办) is older than the interval."""
    interval = office.progress_interval_days
    if interval is None or not stage.is_open or case.assigned is None:
        return False
    dates = [p.date for p in case.progress if p.date <= today]
    last = max(dates, default=case.assigned)
    return (today - last).days > interval


def _followup_due(case: Case, office: Office, today: dt.date) -> bool:
    """回头看: closed more than M days ago with no 回访复核 since closing."""
    after = office.followup_after_days
    closed = case.closed_on(today)
    if after is None or closed is None:
        return False
    if any(closed <= f.date <= today for f in case.followups):
        return False
    return (today - closed).days > after


_LIGHT_ORDER = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2, Light.LATE: 3, Light.DONE: 4, Light.NONE: 5}


def urgency(status: Status) -> tuple[int, int, int, str, str]:
    """Sort key: red by most overdue, then yellow and green by fewest days left."""
    left = status.working_days_left if status.working_days_left is not None else 0
    due = status.due.isoformat() if status.due else "9999"
    return (_LIGHT_ORDER[status.light], -status.days_overdue, left, due, status.case.id)


def status_board(office: Office, cases: Iterable[Case], today: dt.date, unit: str | None = None,
                 category: str | None = None, light: Light | None = None) -> list[Status]:
    """The Status of every case that passes the filters, most urgent first.

    ``unit`` matches the lead unit or a co-unit: both answer for the item.
    """
    calendar = calendar_for(office.holiday_overrides)
    board = []
    for case in cases:
        if unit is not None and unit != case.lead_unit and unit not in case.co_units:
            continue
        if category is not None and case.category != category:
            continue
        status = deadline(case, office, today, calendar)
        if light is None or status.light is light:
            board.append(status)
    return sorted(board, key=urgency)
