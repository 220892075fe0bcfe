"""The working-day calendar against an independent second source: the ``holidays`` package."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ducha.model.office import YearOverride
from ducha.rules.calendar import Calendar, Dated, add_months, calendar_for

FIRST, LAST = dt.date(2020, 1, 1), dt.date(2026, 12, 31)
CHINA = holidays.country_holidays("CN", years=range(2020, 2028))
CAL = calendar_for({})
days = st.dates(min_value=FIRST, max_value=LAST)


def reference_nth_workday(start: dt.date, count: int) -> dt.date:
    """Count by walking day by day with the other package: slow, obviously right."""
    day = start
    while count:
        day += dt.timedelta(days=1)
        count -= CHINA.is_working_day(day)
    return day


def test_every_day_2020_to_2026_agrees_with_the_holidays_package() -> None:
    day, disagree = FIRST, []
    while day <= LAST:
        if CAL.is_workday(day) != CHINA.is_working_day(day):
            disagree.append(day)
        day += dt.timedelta(days=1)
    assert disagree == []


@settings(max_examples=400, deadline=None)
@given(start=days, count=st.integers(min_value=1, max_value=60))
def test_nth_working_day_matches_a_day_by_day_count(start: dt.date, count: int) -> None:
    expected = reference_nth_workday(start, count)
    if expected.year > 2026:
        return  # the second source is the judge only where both know the notices
    assert CAL.add_workdays(start, count).date == expected


@settings(max_examples=400, deadline=None)
@given(a=days, b=days)
def test_workdays_between_matches_a_day_by_day_count(a: dt.date, b: dt.date) -> None:
    expected = sum(CHINA.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))
    assert CAL.workdays_between(a, b) == expected


@pytest.mark.parametrize(("start", "count", "due"), [
    # Spring Festival 2026: 2月15日—23日 off, 2月14日(六) and 2月28日(六) make-up working days.
    ("2026-02-12", 5, "2026-02-26"),
    # Starting on a holiday (国庆 2026-10-03): counting begins at the next working day.
    ("2026-10-03", 1, "2026-10-08"),
    ("2026-10-03", 3, "2026-10-10"),  # 10月10日 is a make-up Saturday
    # Starting on a make-up Saturday: that day itself is not counted.
    ("2026-02-14", 1, "2026-02-24"),
    # chinese_calendar.find_workday counts one day too many from a non-working start; we do not.
    ("2026-01-01", 1, "2026-01-04"),
    # Year boundary.
    ("2025-12-30", 3, "2026-01-05"),
    # Spring Festival 2025: 1月26日(日) is a make-up day.
    ("2025-01-24", 5, "2025-02-07"),
])
def test_worked_examples(start: str, count: int, due: str) -> None:
    result = CAL.add_workdays(dt.date.fromisoformat(start), count)
    assert (result.date.isoformat(), result.provisional) == (due, False)


def test_unknown_year_counts_monday_to_friday_and_says_so() -> None:
    result = CAL.add_workdays(dt.date(2026, 12, 30), 5)
    assert result.date == dt.date(2027, 1, 6)  # 12-31, then Mon–Fri of 2027 with no holiday known
    assert result.provisional


def test_office_override_makes_a_year_known() -> None:
    override = YearOverride(holidays=frozenset({dt.date(2027, 1, 1)}), workdays=frozenset({dt.date(2027, 1, 2)}))
    cal = Calendar({2027: override})
    result = cal.add_workdays(dt.date(2026, 12, 31), 2)
    assert (result.date, result.provisional) == (dt.date(2027, 1, 4), False)  # 1月1日 off, 1月2日(六) on
    assert cal.is_workday(dt.date(2027, 1, 2)) and not cal.is_workday(dt.date(2027, 1, 1))


@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2026-01-31", 1, "2026-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2026-03-31", 6, "2026-09-30"),
    ("2026-11-10", 3, "2027-02-10"), ("2026-08-31", 6, "2027-02-28"),
])
def test_month_arithmetic_takes_the_last_day_when_the_month_is_short(start: str, months: int, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(start), months).isoformat() == expected


def test_queries_outside_the_calendar_raise() -> None:
    with pytest.raises(ValueError, match="outside 2000"):
        CAL.is_workday(dt.date(1999, 12, 31))


@pytest.mark.parametrize(("after", "through", "provisional"), [
    ("2026-12-30", "2026-12-31", False),  # (after, through] all in 2026, which the notices cover
    ("2026-12-31", "2027-01-01", True),   # the day after 12-31 is in 2027: no notice yet
    ("2026-12-31", "2026-12-31", False),  # an empty span
    ("2003-12-31", "2004-01-05", False),  # only days of 2004, the package's first year
    ("2003-12-30", "2004-01-05", True),   # 2003-12-31 is in the span, a year before the package's first
    ("2025-06-01", "2026-06-01", False),
    ("2020-01-01", "2028-01-01", True),
])
def test_a_span_is_provisional_exactly_when_a_day_of_it_lies_in_a_year_without_a_notice(
        after: str, through: str, provisional: bool) -> None:
    assert CAL.provisional_between(dt.date.fromisoformat(after), dt.date.fromisoformat(through)) is provisional


def test_rolling_forward_lands_on_the_next_working_day_and_says_whether_it_was_guessed() -> None:
    assert CAL.roll_forward(dt.date(2026, 10, 1), dt.date(2026, 9, 30)) == Dated(dt.date(2026, 10, 8))  # 国庆
    assert CAL.roll_forward(dt.date(2026, 2, 13), dt.date(2026, 2, 1)) == Dated(dt.date(2026, 2, 13))  # a Friday
    assert CAL.roll_forward(dt.date(2027, 1, 2), dt.date(2026, 12, 31)) == Dated(dt.date(2027, 1, 4), True)
