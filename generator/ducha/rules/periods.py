"""Report periods as staff write them: 2026-W12, 2026-03, 2026-Q1, 2026-H1, 2026."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ducha.errors import UsageError

_QUARTERS = "一二三四"


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end] with its name in Chinese."""

    code: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def kind(self) -> str:
        """周, 月, 季度, 半年 or 年: notices of one kind must not cover a day twice."""
        if "-W" in self.code:
            return "周"
        if "-Q" in self.code:
            return "季度"
        if "-H" in self.code:
            return "半年"
        return "月" if "-" in self.code else "年"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def parse_period(text: str) -> Period:
    """The period a code names; a UsageError in Chinese for anything else."""
    text = text.strip().upper()
    try:
        if match := re.fullmatch(r"(\d{4})-W(\d{1,2})", text):
            year, week = int(match[1]), int(match[2])
            start = dt.date.fromisocalendar(year, week, 1)
            return Period(text, f"{year}年第{week}周", start, start + dt.timedelta(days=6))
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(match[1]), int(match[2])
            last = calendar.monthrange(year, month)[1]
            return Period(text, f"{year}年{month}月", dt.date(year, month, 1), dt.date(year, month, last))
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(match[1]), int(match[2])
            first = 3 * quarter - 2
            end = dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
            return Period(text, f"{year}年第{_QUARTERS[quarter - 1]}季度", dt.date(year, first, 1), end)
        if match := re.fullmatch(r"(\d{4})-H([12])", text):
            year, half = int(match[1]), int(match[2])
            start, end = (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))
            return Period(text, f"{year}年{'上' if half == 1 else '下'}半年", start, end)
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return Period(text, f"{year}年", dt.date(year, 1, 1), dt.date(year, 12, 31))
    except ValueError:
        pass
    raise UsageError(f"统计期间「{text}」无法识别。修改：写成 2026-W12（周）、2026-03（月）、2026-Q1（季度）、"
                     "2026-H1（半年）或 2026（全年）。")


def period_of(day: dt.date, kind: str) -> Period:
    """The period of ``kind`` (年, 半年, 季度, 月) that ``day`` falls in."""
    if kind == "年":
        return parse_period(str(day.year))
    if kind == "半年":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    if kind == "季度":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year}-{day.month:02d}")
