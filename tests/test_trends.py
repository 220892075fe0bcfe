"""The dashboard's trends: on-time rate of what closed each month, and what stood overdue at each month's end."""

from __future__ import annotations

import datetime as dt

from ducha.load.records import load_cases
from ducha.rules.deadlines import status_board
from ducha.rules.trends import monthly

from .conftest import DEMO


def test_months_of_the_demo_worked_out_from_its_records() -> None:
    today = dt.date(2026, 11, 23)
    office, cases = load_cases(DEMO, as_of=today)
    months = monthly(office, status_board(office, cases, today), today)
    assert [m.label for m in months][:2] == ["2025年12月", "2026年1月"] and months[-1].label == "2026年11月"
    assert months[-1].end == today  # the current month runs to today
    by_label = {m.label: m for m in months}
    # Passing reviews: June 0019, 0027, 0033 (all on time); July 0030 (late), 0031; August 0036, 0002 (0020
    # passed too, but the 人大代表's 不满意 in September sent it back for 重新办理: it is in hand again); September 0035, 0032 (late); October 0007, 0008 (late); November 0005.
    assert [(by_label[f"2026年{n}月"].on_time, by_label[f"2026年{n}月"].late) for n in range(6, 12)] == [
        (3, 0), (1, 1), (2, 0), (1, 1), (1, 1), (1, 0)]
    assert by_label["2026年7月"].rate == 0.5 and by_label["2026年6月"].rate == 1.0
    # In hand and past due at the month's end: none on 30 September (0032 had closed on the 29th);
    # on 31 October 0010 (due 10-19, returned 10-22) and 0028 (its 再督查 round due 10-28); today the six red lights.
    assert [by_label[f"2026年{n}月"].overdue for n in (9, 10, 11)] == [0, 2, 6]
