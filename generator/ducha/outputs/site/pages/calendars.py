"""The calendar subscriptions page: one iCalendar feed for the office and one for each unit."""

from __future__ import annotations

from ducha.outputs.site.data import SiteData
from ducha.outputs.site.render import body, page

INDEX = "calendars/index.md"


def calendars_markdown(data: SiteData) -> str:
    return page("日历订阅", body("calendars.html", page=INDEX, data=data), search=False)
