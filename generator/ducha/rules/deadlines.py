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

from ducha.model.case import Case, Milestone, Round, Stage
from ducha.model.logs import Extension
from ducha.model.office import CategoryRule, Office
from ducha.model.timelimit import TimeLimit, TimeUnit
from ducha.rules.approvals import owed_after_closing
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
    """The due dates of the round in progress on ``today`` (the last round when None); None before 交办
    or when no time limit applies."""
    current = case.round_on(today)
    if current is None:
        return None
    return round_schedule(case, office, current, today, calendar)


def round_schedule(case: Case, office: Office, round_: Round, today: dt.date | None = None,
                   calendar: Calendar | None = None) -> Schedule | None:
    """The due dates of one round: its time limit counted from its start, moved by the extensions asked
    for within it. A later round (再督查, 重新办理) counts its own time limit from the day it was opened."""
    limit = effective_time_limit(case, office) if round_.number == 1 else round_.time_limit
    if limit is None:
        return None
    calendar = calendar or calendar_for(office.holiday_overrides)
    original = count_from(round_.start, limit, calendar)
    due = original
    steps: list[DueStep] = []
    every = case.rounds()
    following = [every[round_.number].start] if round_.number < len(every) else []
    for index, extension in enumerate(case.extensions):
        if extension.requested < round_.start and round_.number > 1:
            continue
        if following and extension.requested >= following[0]:
            break
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
class MilestoneStatus:
    """One 节点 of a case on one day: its due date, when it was reported done, and its own light."""

    milestone: Milestone
    due: dt.date
    done: dt.date | None
    light: Light
    working_days_left: int | None
    workdays_overdue: int  # working days past the due date: until done (red), or by which it was done late

    @property
    def name(self) -> str:
        return self.milestone.name


def milestone_due(case: Case, milestone: Milestone, calendar: Calendar) -> dt.date | None:
    """A 节点's due date: as written, or its time limit counted from 交办."""
    if milestone.due is not None:
        return milestone.due
    if milestone.time_limit is None or case.assigned is None:
        return None
    return count_from(case.assigned, milestone.time_limit, calendar).date


def milestone_states(case: Case, office: Office, stage: Stage, today: dt.date, calendar: Calendar,
                     yellow_days: int) -> tuple[MilestoneStatus, ...]:
    """Each 节点 as of ``today``: done on time or late, or (while the case is open) red, yellow or green."""
    if not case.milestones or case.assigned is None or case.assigned > today:
        return ()
    done = {p.milestone: p.date for p in case.progress if p.milestone and p.date <= today}
    found = []
    for milestone in case.milestones:
        due = milestone_due(case, milestone, calendar)
        if due is None:
            continue
        finished = done.get(milestone.name)
        light, left, overdue = Light.NONE, None, 0
        if finished is not None:
            late_by = calendar.workdays_between(due, finished)
            light, overdue = (Light.LATE, late_by) if finished > due else (Light.DONE, 0)
        elif stage.is_open:
            if today > due:
                light, overdue = Light.RED, calendar.workdays_between(due, today)
            else:
                left = calendar.workdays_between(today, due)
                light = Light.YELLOW if left <= yellow_days else Light.GREEN
        found.append(MilestoneStatus(milestone, due, finished, light, left, overdue))
    return tuple(found)


class ReceiptLight(Enum):
    """签收灯: whether every 承办单位 signed for the 交办, and in time."""

    SIGNED = "signed"
    PENDING = "pending"
    OVERDUE = "overdue"
    LATE = "late"

    @property
    def label(self) -> str:
        return _RECEIPT_LABELS[self]


_RECEIPT_LABELS = {ReceiptLight.SIGNED: "已签收", ReceiptLight.PENDING: "待签收", ReceiptLight.OVERDUE: "超时未签收",
                   ReceiptLight.LATE: "超时签收"}


@dataclass(frozen=True)
class ReceiptState:
    """签收 of one case on one day: by when, who has not signed yet, who signed late."""

    due: dt.date
    pending: tuple[str, ...]
    late: tuple[str, ...]
    light: ReceiptLight


def receipt_state(case: Case, office: Office, today: dt.date, calendar: Calendar) -> ReceiptState | None:
    """签收 as of ``today``; None when the office asks for none, or before 交办."""
    rule = office.receipt
    if rule is None or rule.time_limit is None or case.assigned is None or case.assigned > today \
            or not rule.binds(case.assigned):
        return None
    due = count_from(case.assigned, rule.time_limit, calendar).date
    signed = {r.unit: r.date for r in case.receipts if r.date <= today}
    pending = tuple(u for u in case.units if u not in signed)
    late = tuple(u for u in case.units if u in signed and signed[u] > due)
    if pending:
        light = ReceiptLight.OVERDUE if today > due else ReceiptLight.PENDING
    else:
        light = ReceiptLight.LATE if late else ReceiptLight.SIGNED
    return ReceiptState(due, pending, late, light)


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
    receipt: ReceiptState | None = None
    round: int = 0  # 0 before 交办; 2 and up once 再督查 or 重新办理 reopened the case
    milestones: tuple[MilestoneStatus, ...] = ()
    due_light: Light = Light.NONE  # from the case's own due date alone, before its 节点 are taken in
    awaiting: tuple[str, ...] = ()  # 待领导审阅, 待上报结果: approvals office.yaml asks for once it closed

    @property
    def behind(self) -> tuple[MilestoneStatus, ...]:
        """未达到序时进度: 节点 past their due date and not reported done, while the case is open."""
        return tuple(m for m in self.milestones if m.light is Light.RED)

    @property
    def milestones_due_soon(self) -> tuple[MilestoneStatus, ...]:
        """节点 falling due within the yellow threshold."""
        return tuple(m for m in self.milestones if m.light is Light.YELLOW)

    @property
    def is_open(self) -> bool:
        return self.stage.is_open

    @property
    def unreceived(self) -> bool:
        """An open item some 承办单位 has not signed for after the 签收 time limit."""
        return self.is_open and self.receipt is not None and self.receipt.light is ReceiptLight.OVERDUE

    def as_json(self) -> dict[str, object]:
        """The machine-readable form promised to other tools (keys are a contract)."""
        case = self.case
        return {
            "id": case.id, "title": case.title, "category": case.category, "priority": case.priority or None,
            "lead_unit": case.lead_unit, "co_units": list(case.co_units),
            "stage": self.stage.value, "due": self.due.isoformat() if self.due else None,
            "light": self.light.value, "working_days_left": self.working_days_left,
            "days_overdue": self.days_overdue, "workdays_overdue": self.workdays_overdue,
            "provisional": self.provisional,
            "extended": self.extended, "progress_overdue": self.progress_overdue,
            "followup_due": self.followup_due,
            "receipt": self.receipt.light.value if self.receipt else None,
            "round": self.round,
            "behind_schedule": [m.name for m in self.behind],
            "awaiting": list(self.awaiting),
        }


def deadline(case: Case, office: Office, today: dt.date, calendar: Calendar | None = None) -> Status:
    """The Status of ``case`` on ``today``, from the facts dated on or before it."""
    calendar = calendar or calendar_for(office.holiday_overrides)
    stage = case.stage_on(today)
    plan = schedule(case, office, today, calendar)
    due = plan.due if plan is not None else None
    light, left, overdue, late_workdays, provisional = Light.NONE, None, 0, 0, bool(due and due.provisional)
    yellow_days = office.yellow_for(case.priority)
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
            light = Light.YELLOW if left <= yellow_days else Light.GREEN
    rounds = len(case.rounds(today))
    # 节点 belong to the first round's plan; a later round (再督查) has only its own due date.
    milestones = milestone_states(case, office, stage, today, calendar, yellow_days) if rounds == 1 else ()
    due_light = light
    if light is Light.GREEN and any(m.light in (Light.RED, Light.YELLOW) for m in milestones):
        light = Light.YELLOW  # the case takes its worst 节点; 红灯 stays for its own due date (三色督办单)
    return Status(
        case=case, today=today, stage=stage, due=due.date if due else None, light=light,
        working_days_left=left, days_overdue=overdue, workdays_overdue=late_workdays, provisional=provisional,
        extended=bool(plan and plan.steps),
        progress_overdue=progress_overdue(case, office, stage, today),
        followup_due=stage is Stage.CLOSED and _followup_due(case, office, today),
        receipt=receipt_state(case, office, today, calendar),
        round=rounds,
        milestones=milestones,
        due_light=due_light,
        awaiting=owed_after_closing(case, office, today),
    )


def progress_overdue(case: Case, office: Office, stage: Stage, today: dt.date) -> bool:
    """续报: an open item whose last progress (or 交办) is older than the interval of its priority
    (a 重点 item's is short: 随时报告)."""
    interval = office.progress_interval(case.priority)
    if interval is None or not stage.is_open or case.assigned is None:
        return False
    current = case.round_on(today)
    dates = [p.date for p in case.progress if p.date <= today]
    last = max(dates, default=case.assigned)
    if current is not None:
        last = max(last, current.start)
    return (today - last).days > interval


def followup_owed(case: Case, office: Office, today: dt.date) -> bool:
    """回头看 owed: a closed item office.yaml wants a 回访复核 of (followup_for), with none since it closed,
    whether it is due yet or not. The archive waits for it: a sealed record takes no 回访复核 (中办 2012 年意见（七）)."""
    after = office.followup_after(case.category, case.priority)
    closed = case.closed_on(today)
    if after is None or closed is None:
        return False
    return not any(closed <= f.date <= today for f in case.followups)


def _followup_due(case: Case, office: Office, today: dt.date) -> bool:
    """回头看 due: owed, and closed more than M days ago (the office's interval for the item)."""
    after = office.followup_after(case.category, case.priority)
    closed = case.closed_on(today)
    return (followup_owed(case, office, today) and after is not None and closed is not None
            and (today - closed).days > after)


_LIGHT_ORDER = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2, Light.LATE: 3, Light.DONE: 4, Light.NONE: 5}


#: Within one light, 急 before 重点 before the rest.
PRIORITY_ORDER = {"急": 0, "重点": 1, "": 2}


def urgency(status: Status) -> tuple[int, int, int, int, str, str]:
    """Sort key: red by most overdue, then yellow and green by fewest days left; within a light, by priority."""
    left = status.working_days_left if status.working_days_left is not None else 0
    due = status.due.isoformat() if status.due else "9999"
    return (_LIGHT_ORDER[status.light], PRIORITY_ORDER.get(status.case.priority, 2), -status.days_overdue, left, due,
            status.case.id)


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
