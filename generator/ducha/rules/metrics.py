"""Counts and on-time rates over a set of statuses: what the dashboard and the 通报 tabulate.

按期办结率 = items closed on time / items closed (on time or late). Items still open,
awaiting review, cancelled or without a due date are not in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ducha.model.case import Stage
from ducha.rules.deadlines import Light, Status

CLOSED_STAGES = (Stage.CLOSED, Stage.ARCHIVED)


@dataclass(frozen=True)
class Tally:
    """How a group of items stands; the rates derive from the counts.

    Every item is in exactly one of: registered (not yet 交办), open (red, yellow or green),
    pending (report awaiting 审核), closed on time, closed late, cancelled.
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

    @property
    def closed(self) -> int:
        return self.closed_on_time + self.closed_late

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def tally(statuses: Iterable[Status]) -> Tally:
    counts = {"total": 0, "open": 0, "red": 0, "yellow": 0, "green": 0, "pending": 0, "on_time": 0, "late": 0,
              "registered": 0, "cancelled": 0}
    for s in statuses:
        counts["total"] += 1
        if s.stage is Stage.REGISTERED:
            counts["registered"] += 1
        elif s.stage is Stage.CANCELLED or (s.stage is Stage.ARCHIVED and s.case.cancelled is not None):
            counts["cancelled"] += 1
        elif s.stage.is_open:
            counts["open"] += 1
            if s.light in (Light.RED, Light.YELLOW, Light.GREEN):
                counts[s.light.value] += 1
        elif s.stage is Stage.PENDING_REVIEW:
            counts["pending"] += 1
        elif s.stage in CLOSED_STAGES and s.light in (Light.DONE, Light.LATE):
            counts["on_time" if s.light is Light.DONE else "late"] += 1
    return Tally(counts["total"], counts["open"], counts["red"], counts["yellow"], counts["green"],
                 counts["pending"], counts["on_time"], counts["late"], counts["registered"], counts["cancelled"])


def by_lead_unit(statuses: Sequence[Status], units: Iterable[str]) -> dict[str, Tally]:
    """主办 items count for the lead unit only."""
    return {unit: tally(s for s in statuses if s.case.lead_unit == unit) for unit in units}


def by_co_unit(statuses: Sequence[Status], units: Iterable[str]) -> dict[str, Tally]:
    """协办 items, shown apart from the lead unit's own."""
    return {unit: tally(s for s in statuses if unit in s.case.co_units) for unit in units}


def by_category(statuses: Sequence[Status], categories: Iterable[str]) -> dict[str, Tally]:
    return {category: tally(s for s in statuses if s.case.category == category) for category in categories}
