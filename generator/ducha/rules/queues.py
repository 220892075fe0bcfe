"""The lists a 督查室 works from each morning: what is late, what falls due soon, whom to chase.

Every output that shows such a list takes it from here, so the dashboard, the reminders
and the 台账 can never disagree about who is on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ducha.model.case import Stage
from ducha.rules.deadlines import Light, Status, urgency

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
    """催办候选: open items that are red or yellow, or whose unit owes a progress report."""
    return [s for s in statuses if s.stage.is_open and (s.light in (Light.RED, Light.YELLOW) or s.progress_overdue)]


def followups_due(statuses: Sequence[Status]) -> list[Status]:
    """待回头看: closed items whose 回访复核 is due."""
    return [s for s in statuses if s.followup_due]


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

    There is no 待签收 list: the records have no 签收 (acknowledgement of receipt) step yet.
    """

    unit: str | None
    today: dt.date
    overdue: tuple[Status, ...]
    yellow: tuple[Status, ...]
    progress_due: tuple[Status, ...]
    returned: tuple[Status, ...]
    followups_due: tuple[Status, ...]
    pending_review: tuple[Status, ...]

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.yellow or self.progress_due or self.returned or self.followups_due
                    or self.pending_review)


def attention(statuses: Sequence[Status], today: dt.date, unit: str | None = None) -> Attention:
    """The morning lists for ``unit`` (or for the 督查室 when None)."""
    mine = answers_for(statuses, unit) if unit is not None else list(statuses)
    return Attention(unit, today, tuple(overdue(mine)), tuple(yellow(mine)), tuple(progress_due(mine)),
                     tuple(returned(mine)), tuple(sorted(followups_due(mine), key=lambda s: s.case.id)),
                     tuple(pending_review(mine)) if unit is None else ())


def pending_review(statuses: Sequence[Status]) -> list[Status]:
    """待审核: a report is in and waits for the office's review, the longest waiting first."""
    waiting = [s for s in statuses if s.stage is Stage.PENDING_REVIEW and s.case.reports]
    return sorted(waiting, key=lambda s: (submitted(s), s.case.id))


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
