"""Counts and on-time rates over a set of statuses: what the dashboard and the 通报 tabulate.

按期办结率 = items closed on time / items closed (on time or late). Items still open,
awaiting review, cancelled or without a due date are not in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ducha.model.case import Stage
from ducha.rules.deadlines import Light, Status
from ducha.rules.periods import Period

CLOSED_STAGES = (Stage.CLOSED, Stage.ARCHIVED)


class Closures:
    """What counts of closures say: how many were closed, and the share on time (按期办结率)."""

    closed_on_time: int
    closed_late: int

    @property
    def closed(self) -> int:
        return self.closed_on_time + self.closed_late

    @property
    def on_time_rate(self) -> float | None:
        judged = self.closed_on_time + self.closed_late  # an item closed with no due date is neither
        return self.closed_on_time / judged if judged else None


@dataclass(frozen=True)
class Tally(Closures):
    """How a group of items stands; the rates derive from the counts.

    Every item is in exactly one of: registered (not yet 交办), open (red, yellow or green),
    pending (report awaiting 审核), closed (on time, late, or with no due date), cancelled.
    """

    total: int
    open: int
    red: int
    yellow: int
    green: int
    pending: int
    closed_on_time: int
    closed_late: int
    registered: int = 0
    cancelled: int = 0
    closed_undated: int = 0  # closed with no due date (no time limit applied): neither on time nor late

    @property
    def closed(self) -> int:
        return self.closed_on_time + self.closed_late + self.closed_undated


#: The parts a group of items is counted in; each item is in exactly one (``part``).
PARTS = ("registered", "open", "pending", "closed", "cancelled")


def part(status: Status) -> str:
    """Which part of a tally ``status`` counts in: 待交办, 在办, 待审核, 已办结 or 已撤销. Every count a
    page shows and the list beside it take their items from here, so the two cannot differ."""
    if status.stage is Stage.REGISTERED:
        return "registered"
    if status.stage is Stage.CANCELLED or (status.stage is Stage.ARCHIVED and status.case.cancelled is not None):
        return "cancelled"
    if status.stage.is_open:
        return "open"
    if status.stage is Stage.PENDING_REVIEW:
        return "pending"
    return "closed"


def parts(statuses: Iterable[Status]) -> dict[str, list[Status]]:
    """``statuses`` by ``part``, every part present (empty or not), in the order given."""
    found: dict[str, list[Status]] = {name: [] for name in PARTS}
    for s in statuses:
        found[part(s)].append(s)
    return found


def tally(statuses: Iterable[Status]) -> Tally:
    counts = {"total": 0, "open": 0, "red": 0, "yellow": 0, "green": 0, "pending": 0, "on_time": 0, "late": 0,
              "registered": 0, "cancelled": 0, "undated": 0}
    for s in statuses:
        counts["total"] += 1
        where = part(s)
        if where == "closed":
            # Judged by its report against its due date: on time, late, or neither when it had none.
            counts["late" if s.light is Light.LATE else "on_time" if s.light is Light.DONE else "undated"] += 1
            continue
        counts[where] += 1
        if where == "open" and s.light in (Light.RED, Light.YELLOW, Light.GREEN):
            counts[s.light.value] += 1
    return Tally(counts["total"], counts["open"], counts["red"], counts["yellow"], counts["green"],
                 counts["pending"], counts["on_time"], counts["late"], counts["registered"], counts["cancelled"], counts["undated"])


def by_lead_unit(statuses: Sequence[Status], units: Iterable[str]) -> dict[str, Tally]:
    """主办 items count for the lead unit only."""
    return {unit: tally(s for s in statuses if s.case.lead_unit == unit) for unit in units}


def by_co_unit(statuses: Sequence[Status], units: Iterable[str]) -> dict[str, Tally]:
    """协办 items, shown apart from the lead unit's own."""
    return {unit: tally(s for s in statuses if unit in s.case.co_units) for unit in units}


def by_category(statuses: Sequence[Status], categories: Iterable[str]) -> dict[str, Tally]:
    return {category: tally(s for s in statuses if s.case.category == category) for category in categories}


def closure_in(status: Status, period: Period) -> Light | None:
    """How ``status``'s case was closed within ``period``: Light.DONE on time, Light.LATE late; None when
    it was not closed in the period (or has no due date to be late against).

    The 通报's lists and unit rows, the unit pages and the scores all ask this one question.
    """
    if status.stage not in CLOSED_STAGES or status.light not in (Light.DONE, Light.LATE):
        return None
    closed = status.case.closed_on(status.today)
    return status.light if closed is not None and closed in period else None


@dataclass(frozen=True)
class PeriodTally(Closures):
    """What a group of items came to in a period, as of the statuses' day: closed on time or late in it,
    still overdue (red) on the day, and reports returned in it."""

    closed_on_time: int
    closed_late: int
    overdue_open: int
    returned: int


def period_tally(statuses: Iterable[Status], period: Period) -> PeriodTally:
    on_time = late = overdue = returned = 0
    for s in statuses:
        closure = closure_in(s, period)
        on_time += closure is Light.DONE
        late += closure is Light.LATE
        overdue += s.light is Light.RED
        returned += sum(1 for r in s.case.reviews if not r.passed and r.date in period and r.date <= s.today)
    return PeriodTally(on_time, late, overdue, returned)


def period_by_lead_unit(statuses: Sequence[Status], period: Period, units: Iterable[str]) -> dict[str, PeriodTally]:
    """Each unit's period tally over the items it leads (主办): what its row in the 通报 and its score count."""
    mine: dict[str, list[Status]] = {unit: [] for unit in units}
    for s in statuses:
        if s.case.lead_unit in mine:
            mine[s.case.lead_unit].append(s)
    return {unit: period_tally(group, period) for unit, group in mine.items()}
