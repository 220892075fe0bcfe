"""How the office has done month by month: on-time rate of what closed, and what stood overdue at each month's end.

Worked out from today's statuses: an item was overdue at a month's end when it was still
in hand then (its stage on that day) and past the due date in force that day (extensions
approved later had not moved it yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ducha.model.office import Office
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Light, Status, schedule
from ducha.rules.metrics import CLOSED_STAGES


@dataclass(frozen=True)
class Month:
    """One month of the trend: closed items (on time, late) and items overdue at its end (or today)."""

    start: dt.date
    end: dt.date
    on_time: int
    late: int
    overdue: int

    @property
    def label(self) -> str:
        return f"{self.start.year}年{self.start.month}月"

    @property
    def closed(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _finished_before(status: Status, day: dt.date) -> bool:
    """Whether the item was closed or cancelled before ``day`` (and so in nobody's hands after it)."""
    case = status.case
    ended = case.passed_on(status.today) or (case.cancelled.date if case.cancelled is not None else None)
    return ended is not None and ended < day


def monthly(office: Office, statuses: Sequence[Status], today: dt.date, months: int = 12) -> list[Month]:
    """The last ``months`` months up to today's, oldest first."""
    calendar = calendar_for(office.holiday_overrides)
    first = _month_start(today, months - 1)
    closed = [(s, s.case.closed_on(today)) for s in statuses if s.stage in CLOSED_STAGES and s.light in (Light.DONE, Light.LATE)]
    # Items that could have been overdue at some month's end in the window: a due date before today,
    # or one an extension moved (it stood earlier before the extension was approved).
    candidates = [s for s in statuses if s.due is not None and (s.due < today or s.case.extensions)
                  and s.case.assigned is not None and not _finished_before(s, first)]
    out = []
    for back in range(months - 1, -1, -1):
        start = _month_start(today, back)
        end = min(_month_start(today, back - 1) - dt.timedelta(days=1), today)
        on_time = sum(1 for s, day in closed if day is not None and start <= day <= end and s.light is Light.DONE)
        late = sum(1 for s, day in closed if day is not None and start <= day <= end and s.light is Light.LATE)
        overdue = 0
        for s in candidates:
            case = s.case
            if (end <= s.due and not case.extensions) or not case.stage_on(end).is_open:  # type: ignore[operator]
                continue  # most items were not late, or no longer (or not yet) in hand, at that month's end
            due = s.due
            if case.extensions:  # the due date in force then, before extensions approved later
                plan = schedule(case, office, end, calendar)
                due = plan.due.date if plan is not None else due
            overdue += due is not None and end > due
        out.append(Month(start, end, on_time, late, overdue))
    return out
