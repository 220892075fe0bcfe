"""办理时限: the four ways a time limit is written, parsed once into a value."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

_PATTERN = re.compile(r"^(?:(\d+)(个工作日|日|个月)|(\d{4}-\d{2}-\d{2}))$")


class TimeUnit(Enum):
    """How a counted time limit is measured."""

    WORKDAYS = "个工作日"
    DAYS = "日"
    MONTHS = "个月"


@dataclass(frozen=True)
class TimeLimit:
    """A time limit as written: a count of units, or an explicit due date."""

    count: int = 0
    unit: TimeUnit | None = None
    date: dt.date | None = None

    def __str__(self) -> str:
        if self.date is not None:
            return self.date.isoformat()
        assert self.unit is not None
        return f"{self.count}{self.unit.value}"


def parse_time_limit(text: str) -> TimeLimit | None:
    """Parse ``5个工作日``, ``30日``, ``3个月`` or ``2026-03-20``; None if none of these."""
    match = _PATTERN.match(text)
    if match is None:
        return None
    if match.group(3):
        try:
            return TimeLimit(date=dt.date.fromisoformat(match.group(3)))
        except ValueError:
            return None
    return TimeLimit(count=int(match.group(1)), unit=TimeUnit(match.group(2)))


def parse_date(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` string as a date, or None when it is not a real day."""
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


_LOOSE_DATE = re.compile(r"^\s*(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?\s*$")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－／", "0123456789.-/")


def guess_date(text: str) -> str | None:
    """What a loosely typed date (2026.3.5, 2026/3/5, 2026年3月5日, full-width digits) means, as ISO."""
    match = _LOOSE_DATE.match(text.translate(_FULLWIDTH_DIGITS))
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
