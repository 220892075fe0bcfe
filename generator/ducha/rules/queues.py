"""The lists a 督查室 works from each morning: what is late, what falls due soon, whom to chase.

Every output that shows such a list takes it from here, so the dashboard, the reminders
and the 台账 can never disagree about who is on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
