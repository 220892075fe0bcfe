"""Where each generated page lives in the site, and the relative link from one page to another.

Links are relative (``use_directory_urls: false``), so the site works from any sub-path
(``/ducha/``) and from a folder opened without a server.
"""

from __future__ import annotations

import functools
import os

from ducha.model.case import Case
from ducha.model.notices import Notice
from ducha.model.office import slug
from ducha.rules.period_report import PeriodReport


def href(from_page: str, to_page: str) -> str:
    """The relative URL from one generated page to another (``.md`` pages become ``.html``)."""
    target = to_page[:-3] + ".html" if to_page.endswith(".md") else to_page
    folder, _, name = target.rpartition("/")
    way = _way(from_page.rpartition("/")[0], folder)
    return f"{way}/{name}" if way else name


@functools.lru_cache(maxsize=4096)
def _way(from_folder: str, to_folder: str) -> str:
    """The relative path between two folders of the site: a few dozen pairs, asked for a hundred thousand times."""
    way = os.path.relpath(to_folder or ".", from_folder or ".").replace(os.sep, "/")
    return "" if way == "." else way


#: 下级督查室 (上下联动): the subordinate offices' handling of the cases delegated to them.
OFFICES_PAGE = "offices.md"


def case_page(case: Case) -> str:
    return f"cases/{case.year}/{case.id}.md"


def unit_page(unit: str) -> str:
    return f"units/{slug(unit)}.md"


def leader_page(number: int) -> str:
    """A leader's page, numbered in the order of the leaders index: names may clash as file names."""
    return f"leaders/{number:03d}.md"


def category_page(category: str) -> str:
    return f"categories/{slug(category)}.md"


def draft_page(report: PeriodReport) -> str:
    return f"notices/draft-{report.period.code}.md"


def notice_page(notice: Notice) -> str:
    return f"notices/{notice.date.year}-{notice.number:03d}.md"


def calendar_file(unit: str) -> str:
    """A unit's calendar feed, as its file name under ``calendars/``."""
    return f"{slug(unit)}.ics"


def score_page(unit: str) -> str:
    """A unit's 考核 lines for the current period."""
    return f"scores/{slug(unit)}.md"
