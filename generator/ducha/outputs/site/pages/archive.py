"""The archive (档案): the years that have sealed cases, and each year's cases by 档号."""

from __future__ import annotations

from collections.abc import Sequence

from ducha.outputs.site.render import body, page
from ducha.rules.deadlines import Status

INDEX = "archive/index.md"


def archive_markdown(year: int, statuses: Sequence[Status]) -> str:
    sealed = sorted((s for s in statuses if s.case.archive is not None), key=lambda s: s.case.archive.number)  # type: ignore[union-attr]
    html = body("archive.html", page=f"archive/{year}.md", year=year, statuses=statuses, sealed=sealed)
    return page(f"{year} 年度档案", html, search=False)


def archive_index(years: dict[int, list[Status]]) -> str:
    rows = [(year, len(group)) for year, group in sorted(years.items(), reverse=True)]
    return page("档案", body("archive_index.html", page=INDEX, years=rows), search=False)
