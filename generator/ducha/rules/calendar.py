"""China's working-day calendar: statutory holidays off, 调休 make-up days on.

Built once into a prefix count of working days, so that counting is O(1) and finding the n-th
working day a binary search. Years the
``chinesecalendar`` package does not know, and the office has not described in
office.yaml, are counted Monday to Friday and every answer touching them is marked
provisional: a guessed due date must never pass for a known one.
"""

from __future__ import annotations

import bisect
import calendar as _calendar
import datetime as dt
import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import chinese_calendar

from ducha.model.office import YearOverride

FIRST_YEAR = 2000
#: Records stop at 2099; validation keeps every time limit within ten years of its start.
LAST_YEAR = 2110
_BASE = dt.date(FIRST_YEAR, 1, 1).toordinal()
_LAST = dt.date(LAST_YEAR, 12, 31).toordinal()
_DAY = dt.timedelta(days=1)

#: The years the package's State Council notices cover.
PACKAGE_YEARS = frozenset(day.year for day in chinese_calendar.holidays)


@dataclass(frozen=True)
class Dated:
    """A computed day, and whether a year without an official notice went into it."""

    date: dt.date
    provisional: bool = False


class Calendar:
    """Working days from FIRST_YEAR to LAST_YEAR, with the office's overrides applied."""

    def __init__(self, overrides: Mapping[int, YearOverride] | None = None) -> None:
        overrides = overrides or {}
        off = {day.toordinal() for day in chinese_calendar.holidays}
        on = {day.toordinal() for day in chinese_calendar.workdays}
        for override in overrides.values():
            off = (off - {d.toordinal() for d in override.workdays}) | {d.toordinal() for d in override.holidays}
            on = (on - {d.toordinal() for d in override.holidays}) | {d.toordinal() for d in override.workdays}
        self.known_years = PACKAGE_YEARS | frozenset(overrides)
        self._unknown_years = frozenset(range(FIRST_YEAR, LAST_YEAR + 1)) - self.known_years
        # Built with C-level loops (bytes, accumulate, compress): a Python loop over the 40,000
        # days costs more than the whole one-file check it serves.
        days = _LAST - _BASE + 1
        # date.fromordinal(n).weekday() == (n - 1) % 7: Monday to Friday are 0 to 4
        week = bytes(1 if (_BASE + i - 1) % 7 < 5 else 0 for i in range(7))
        working = bytearray(week * (days // 7 + 1))[:days]
        for ordinal in off:
            if _BASE <= ordinal <= _LAST:
                working[ordinal - _BASE] = 0
        for ordinal in on:  # a 调休 make-up day is worked even when a weekend or listed as off
            if _BASE <= ordinal <= _LAST:
                working[ordinal - _BASE] = 1
        # The one table, working days strictly before index i: the n-th working day is found in it, and a year
        # without a notice in known_years (each list of 40,000 numbers cost a one-file check 2 to 3 ms to build).
        self._workday_before = list(itertools.accumulate(working, initial=0))

    def _index(self, day: dt.date) -> int:
        index = day.toordinal() - _BASE
        if not 0 <= index < len(self._workday_before) - 1:
            raise ValueError(f"{day} is outside {FIRST_YEAR}–{LAST_YEAR}")
        return index

    def is_known(self, day: dt.date) -> bool:
        """Whether ``day``'s year has an official notice (package or office override)."""
        return day.year in self.known_years

    def is_workday(self, day: dt.date) -> bool:
        i = self._index(day)
        return self._workday_before[i + 1] > self._workday_before[i]

    def provisional_between(self, after: dt.date, through: dt.date) -> bool:
        """Whether any day in (after, through] lies in a year without a notice."""
        if through <= after:
            return False
        self._index(after)  # raises outside the calendar, as counting does
        self._index(through)
        return self._guessed(after, through)

    def _guessed(self, after: dt.date, through: dt.date) -> bool:
        """``provisional_between`` for days known to be in the calendar, ``after`` before ``through``."""
        return not self._unknown_years.isdisjoint(range((after + _DAY).year, through.year + 1))

    def workdays_between(self, after: dt.date, through: dt.date) -> int:
        """How many working days lie in (after, through]; 0 when through <= after."""
        if through <= after:
            return 0
        return self._workday_before[self._index(through) + 1] - self._workday_before[self._index(after) + 1]

    def add_workdays(self, start: dt.date, count: int) -> Dated:
        """The ``count``-th working day strictly after ``start`` (start itself not counted)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        position = self._workday_before[self._index(start) + 1] + count - 1
        if position >= self._workday_before[-1]:
            raise ValueError(f"{count} working days after {start} is past {LAST_YEAR}")
        day = self._working_day(position)
        return Dated(day, self._guessed(start, day))

    def roll_forward(self, day: dt.date, since: dt.date) -> Dated:
        """``day`` if it is a working day, else the next one; provisional if (since, result] is."""
        position = self._workday_before[self._index(day)]
        if position >= self._workday_before[-1]:
            raise ValueError(f"no working day from {day} to the end of {LAST_YEAR}")
        result = self._working_day(position)
        return Dated(result, self.provisional_between(since, result))

    def _working_day(self, position: int) -> dt.date:
        """The working day with ``position`` working days before it: the first index whose count passes it."""
        return dt.date.fromordinal(_BASE + bisect.bisect_left(self._workday_before, position + 1) - 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number ``months`` later, or that month's last day (《民法典》第二百零二条)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=8)
def _cached(key: tuple[tuple[int, YearOverride], ...]) -> Calendar:
    return Calendar(dict(key))


def calendar_for(overrides: Mapping[int, YearOverride]) -> Calendar:
    """The calendar for an office's overrides, built once per process."""
    return _cached(tuple(sorted(overrides.items())))
