"""The lists of cases by year, by source type (来源类型) and by decision (分解立项)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ducha.outputs.site.data import SiteData
from ducha.outputs.site.render import body, page
from ducha.outputs.site.urls import category_page
from ducha.rules.deadlines import Status
from ducha.rules.metrics import by_category, tally

CASES_INDEX = "cases/index.md"
CATEGORIES_INDEX = "categories/index.md"
DECISIONS = "decisions.md"


def year_index(year: int, statuses: Sequence[Status]) -> str:
    groups: dict[str, list[Status]] = defaultdict(list)
    for s in statuses:
        groups[s.case.lead_unit or "（未交办）"].append(s)
    html = body("year.html", page=f"cases/{year}/index.md", year=year, statuses=statuses, groups=dict(sorted(groups.items())))
    return page(f"{year} 年督查事项", html, search=False)


def cases_index(years: dict[int, list[Status]]) -> str:
    rows = [(year, group, tally(group).open) for year, group in sorted(years.items(), reverse=True)]
    return page("督查事项", body("cases.html", page=CASES_INDEX, years=rows), search=False)


def category_markdown(category: str, statuses: Sequence[Status]) -> str:
    mine = [s for s in statuses if s.case.category == category]
    years: dict[int, list[Status]] = defaultdict(list)
    for s in mine:
        years[s.case.year].append(s)
    html = body("category.html", page=category_page(category), category=category, t=tally(mine),
                years=sorted(years.items(), reverse=True))
    return page(category, html, search=False)


def categories_index(data: SiteData) -> str:
    html = body("categories.html", page=CATEGORIES_INDEX, rows=by_category(data.statuses, data.office.category_names))
    return page("来源类型", html, search=False)


@dataclass(frozen=True)
class Node:
    """A decision or one of its 分解事项, with its own."""

    status: Status
    kids: tuple[Node, ...]


def decisions_markdown(statuses: Sequence[Status]) -> str:
    by_id = {s.case.id: s for s in statuses}
    children: dict[str, list[Status]] = defaultdict(list)
    for s in statuses:
        if s.case.parent in by_id:
            children[s.case.parent].append(s)

    def tree(status: Status, seen: frozenset[str]) -> Node:  # a cycle of parents is shown once, not forever
        return Node(status, tuple(tree(c, seen | {c.case.id}) for c in children.get(status.case.id, []) if c.case.id not in seen))

    roots = [tree(s, frozenset({s.case.id})) for s in statuses if s.case.id in children and s.case.parent not in by_id]
    return page("分解立项", body("decisions.html", page=DECISIONS, roots=roots), search=False)
