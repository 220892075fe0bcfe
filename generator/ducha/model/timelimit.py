"""Dates and 办理时限 as written: the one parser, which also bounds them.

Every date and time limit a user writes (a record, office.yaml, a notice, a 督办令, a 台账 cell,
an option) is read here, and refused here with a Chinese message when it does not exist or lies
outside what the tool can count with: a record that passes validation must never make a command
fail, so no value that passes may reach past the working-day calendar (rules/calendar.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

_PATTERN = re.compile(r"(?:([0-9]+)(个工作日|日|个月)|([0-9]{4}-[0-9]{2}-[0-9]{2}))")

#: The years a record, an office setting or an option may name. The calendar runs ten years longer,
#: so that the longest time limit counted from the last of these days still lands inside it.
FIRST_YEAR, LAST_YEAR = 2000, 2099


class TimeUnit(Enum):
    """How a counted time limit is measured."""

    WORKDAYS = "个工作日"
    DAYS = "日"
    MONTHS = "个月"


#: The longest time limit of each unit (about ten years, four for working days): longer ones are typos.
MAX_COUNT = {TimeUnit.WORKDAYS: 999, TimeUnit.DAYS: 3650, TimeUnit.MONTHS: 120}


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


@dataclass(frozen=True)
class Refused:
    """Why a written date or time limit cannot be taken, and how to write it (empty when the message says it)."""

    message: str
    fix: str


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _real_day(text: str) -> dt.date | None:
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_date(text: object, what: str = "日期") -> dt.date | Refused:
    """A ``YYYY-MM-DD`` date that exists and lies in FIRST_YEAR–LAST_YEAR, or why not (``what`` names it)."""
    written = str(text)
    if not _ISO_DAY.fullmatch(written):
        return Refused(f"{what}「{written}」格式不对，应写成 YYYY-MM-DD，如 2026-03-05。", "")
    day = _real_day(written)
    if day is None:
        return Refused(f"{what}「{written}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD，如 2026-03-05。")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return Refused(f"{what} {day} 超出 {FIRST_YEAR}—{LAST_YEAR} 年的范围。", "检查年份是否写错。")
    return day


def read_time_limit(text: object, what: str = "时限") -> TimeLimit | Refused:
    """``5个工作日``, ``30日``, ``3个月`` or ``2026-03-20``, within MAX_COUNT and the years, or why not."""
    written = str(text)
    match = _PATTERN.fullmatch(written)
    if match is None:
        return Refused(f"{what}「{written}」的写法不对。", "写成 N个工作日、N日、N个月 或具体日期 YYYY-MM-DD，如 5个工作日。")
    if match.group(3):
        day = _real_day(written)
        if day is None:
            return Refused(f"{what}「{written}」中的日期不存在。", "写成实际存在的日期，格式 YYYY-MM-DD，如 2026-03-05。")
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return Refused(f"{what}「{written}」超出 {FIRST_YEAR}—{LAST_YEAR} 年的范围。", "检查年份是否写错。")
        return TimeLimit(date=day)
    unit = TimeUnit(match.group(2))
    count = int(match.group(1)) if len(match.group(1)) <= 9 else MAX_COUNT[unit] + 1
    if not 1 <= count <= MAX_COUNT[unit]:
        return Refused(f"{what}「{written}」超出 1—{MAX_COUNT[unit]}{unit.value}的范围。", "检查数字是否写错。")
    return TimeLimit(count=count, unit=unit)


def parse_time_limit(text: str) -> TimeLimit | None:
    """A time limit ``read_time_limit`` takes, or None (where validation has already said why)."""
    limit = read_time_limit(text)
    return None if isinstance(limit, Refused) else limit


def parse_date(text: str) -> dt.date | None:
    """A date ``read_date`` takes, or None (where validation has already said why)."""
    day = read_date(text)
    return None if isinstance(day, Refused) else day


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
