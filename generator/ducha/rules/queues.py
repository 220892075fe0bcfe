"""The lists a 督查室 works from each morning: what is late, what falls due soon, whom to chase.

Every output that shows such a list takes it from here, so the dashboard, the reminders
and the 台账 can never disagree about who is on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from ducha.model.case import Stage
from ducha.model.measures import ORDER, Measure
from ducha.rules.calendar import Calendar
from ducha.rules.deadlines import Light, ReceiptLight, Status, urgency
from ducha.rules.escalation import order_due, progress_since

#: 七日内到期: open items due within this many calendar days from today.
DUE_SOON_DAYS = 7


def overdue(statuses: Sequence[Status]) -> list[Status]:
    """超期未办结: open items past their due date, most overdue first."""
    return sorted((s for s in statuses if s.light is Light.RED), key=urgency)


def due_soon(statuses: Sequence[Status], today: dt.date, days: int = DUE_SOON_DAYS) -> list[Status]:
    """Open items due from today through ``days`` calendar days ahead."""
    end = today + dt.timedelta(days=days)
    return [s for s in statuses if s.stage.is_open and s.due is not None and today <= s.due <= end]


def to_chase(statuses: Sequence[Status]) -> list[Status]:
    """催办候选: open items that are red or yellow, whose unit owes a progress report, or has not signed for them."""
    return [s for s in statuses if s.stage.is_open and (s.light in (Light.RED, Light.YELLOW) or s.progress_overdue
                                                        or s.unreceived)]


def awaiting_receipt(statuses: Sequence[Status]) -> list[Status]:
    """待签收: open items some 承办单位 has not signed for; past the 签收 time limit first, then by that limit."""
    waiting = [s for s in statuses if s.stage.is_open and s.receipt is not None and s.receipt.pending]
    return sorted(waiting, key=lambda s: (s.receipt.light is not ReceiptLight.OVERDUE, s.receipt.due,  # type: ignore[union-attr]
                                          s.case.id))


def awaiting_approval(statuses: Sequence[Status]) -> list[Status]:
    """待领导审阅、待上报结果: closed items whose report office.yaml wants read by a leader or reported back."""
    return sorted((s for s in statuses if s.awaiting), key=lambda s: (s.case.closed_on(s.today) or s.today, s.case.id))


def followups_due(statuses: Sequence[Status]) -> list[Status]:
    """待回头看: closed items whose 回访复核 is due."""
    return [s for s in statuses if s.followup_due]


class OrderState(Enum):
    """Where a 督办令 stands: within its 限期, past it with or without progress since, or done."""

    RUNNING = "running"
    STALLED = "stalled"
    PROGRESSED = "progressed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _ORDER_LABELS[self]


_ORDER_LABELS = {OrderState.RUNNING: "限期内", OrderState.STALLED: "限期届满，无明显进展",
                 OrderState.PROGRESSED: "已有进展", OrderState.CLOSED: "已报送办理结果"}


@dataclass(frozen=True)
class OrderStatus:
    """One 督办令 on one day."""

    order: Measure
    due: dt.date
    state: OrderState
    working_days_left: int | None


def orders(statuses: Sequence[Status], measures: Sequence[Measure], today: dt.date,
           calendar: Calendar) -> list[OrderStatus]:
    """督办令: each issued order with its 限期 and state, those past it without progress first, then by 限期.

    An order is done once every case it names has a report in (待审核) or is closed; it has
    progress once any of them has a progress entry or report since the order was issued.
    """
    by_id = {s.case.id: s for s in statuses}
    found = []
    for order in measures:
        if order.kind != ORDER or order.date > today:
            continue
        named = [by_id[c] for c in order.cases if c in by_id]
        due = order_due(order, calendar)
        left = None
        if named and all(not s.stage.is_open for s in named):
            state = OrderState.CLOSED
        elif any(progress_since(s, order.date) for s in named):
            state = OrderState.PROGRESSED
        elif today > due:
            state = OrderState.STALLED
        else:
            state, left = OrderState.RUNNING, calendar.workdays_between(today, due)
        found.append(OrderStatus(order, due, state, left))
    rank = {OrderState.STALLED: 0, OrderState.RUNNING: 1, OrderState.PROGRESSED: 2, OrderState.CLOSED: 3}
    return sorted(found, key=lambda o: (rank[o.state], o.due, o.order.id))


def yellow(statuses: Sequence[Status]) -> list[Status]:
    """临期: open items in their last ``yellow_days`` working days, fewest left first."""
    return sorted((s for s in statuses if s.light is Light.YELLOW), key=urgency)


def progress_due(statuses: Sequence[Status]) -> list[Status]:
    """需续报: open items whose unit has reported no progress for longer than the interval."""
    return sorted((s for s in statuses if s.stage.is_open and s.progress_overdue), key=urgency)


def returned(statuses: Sequence[Status]) -> list[Status]:
    """退回重办: items whose last report the office sent back."""
    return sorted((s for s in statuses if s.stage is Stage.RETURNED), key=urgency)


def answers_for(statuses: Sequence[Status], unit: str) -> list[Status]:
    """The items ``unit`` answers for: those it leads or co-handles."""
    return [s for s in statuses if s.case.lead_unit == unit or unit in s.case.co_units]


@dataclass(frozen=True)
class Attention:
    """What one recipient must look at on ``today``: a unit (its own and co-handled items), or
    the 督查室 (``unit`` None: every item, plus the reports it has to review).

    ``receipts`` are the items still to be signed for (签收): for a unit, those it has not signed.
    """

    unit: str | None
    today: dt.date
    overdue: tuple[Status, ...]
    yellow: tuple[Status, ...]
    progress_due: tuple[Status, ...]
    returned: tuple[Status, ...]
    followups_due: tuple[Status, ...]
    pending_review: tuple[Status, ...]
    receipts: tuple[Status, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.yellow or self.progress_due or self.returned or self.followups_due
                    or self.pending_review or self.receipts)


def attention(statuses: Sequence[Status], today: dt.date, unit: str | None = None) -> Attention:
    """The morning lists for ``unit`` (or for the 督查室 when None)."""
    mine = answers_for(statuses, unit) if unit is not None else list(statuses)
    return Attention(unit, today, tuple(overdue(mine)), tuple(yellow(mine)), tuple(progress_due(mine)),
                     tuple(returned(mine)), tuple(sorted(followups_due(mine), key=lambda s: s.case.id)),
                     tuple(pending_review(mine)) if unit is None else (),
                     tuple(s for s in awaiting_receipt(mine) if unit is None or unit in s.receipt.pending))  # type: ignore[union-attr]


def pending_review(statuses: Sequence[Status]) -> list[Status]:
    """待审核: a report is in and waits for the office's review, the longest waiting first."""
    waiting = [s for s in statuses if s.stage is Stage.PENDING_REVIEW and s.case.reports]
    return sorted(waiting, key=lambda s: (submitted(s), s.case.id))


def awaiting_assignment(statuses: Sequence[Status]) -> list[Status]:
    """待交办: registered and not yet 交办 (where office.yaml asks for it, waiting for the leader's
    approval first), the longest waiting first."""
    return sorted((s for s in statuses if s.stage is Stage.REGISTERED), key=lambda s: (s.case.registered, s.case.id))


def submitted(status: Status) -> dt.date:
    """The day the report awaiting review came in (the last one dated by the status's day)."""
    return max(r.date for r in status.case.reports if r.date <= status.today)


def near_due(statuses: Sequence[Status]) -> list[Status]:
    """临期: open items on a yellow light (due within the office's ``yellow_days`` working days),
    the fewest working days left first."""
    return sorted((s for s in statuses if s.light is Light.YELLOW), key=urgency)


def needs_progress(statuses: Sequence[Status]) -> list[Status]:
    """需续报: open items whose unit has reported no progress for longer than the office's interval."""
    return sorted((s for s in statuses if s.stage.is_open and s.progress_overdue), key=urgency)
