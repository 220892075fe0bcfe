"""Every page the site generates from the records, each made by its kind's module and template.

The pages are Markdown files whose body is HTML from autoescaped templates (``render``):
any engine that reads a folder of Markdown and a standard mkdocs.yml can build them
(``ducha pages`` writes them out); the MkDocs plugin hands them to MkDocs from memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from ducha.io.files import sync_files
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.pages import archive, calendars, dashboard, leaders, lists, notices, offices, scores, units
from ducha.outputs.site.pages.case import case_markdown
from ducha.outputs.site.urls import case_page, category_page, draft_page, notice_page, score_page, unit_page
from ducha.rules.deadlines import Status

#: Folders and files the generated pages own inside a docs folder.
GENERATED = ("index.md", "cases", "units", "leaders", "categories", "decisions.md", "archive", "notices", "calendars",
             offices.PATH, "scores")


def generate(data: SiteData, skip: frozenset[str] = frozenset()) -> Iterable[tuple[str, str]]:
    """Every page as (path inside the docs folder, text), but the case pages in ``skip``; the
    calendar feeds too (``calendars/*.ics``)."""
    by_year: dict[int, list[Status]] = defaultdict(list)
    archived: dict[int, list[Status]] = defaultdict(list)
    for s in data.statuses:
        by_year[s.case.year].append(s)
        if s.case.archive is not None:
            archived[s.case.year].append(s)
    yield dashboard.PATH, dashboard.dashboard(data)
    yield lists.CASES_INDEX, lists.cases_index(by_year)
    for year, group in by_year.items():
        yield f"cases/{year}/index.md", lists.year_index(year, group)
    for s in data.statuses:
        if case_page(s.case) not in skip:
            yield case_page(s.case), case_markdown(data, s, data.children.get(s.case.id, []))
    yield units.INDEX, units.units_index(data)
    for unit in data.office.units:
        yield unit_page(unit.name), units.unit_markdown(data, unit.name, unit.full_name)
    yield leaders.INDEX, leaders.leaders_index(data)
    for leader in data.leaders:
        yield data.leader_pages[leader], leaders.leader_markdown(data, leader)
    yield lists.CATEGORIES_INDEX, lists.categories_index(data)
    for category in data.office.category_names:
        yield category_page(category), lists.category_markdown(category, data.statuses)
    yield lists.DECISIONS, lists.decisions_markdown(data.statuses)
    yield calendars.INDEX, calendars.calendars_markdown(data)
    for name, text in data.feeds.items():
        yield f"calendars/{name}", text
    yield notices.INDEX, notices.notices_index(data)
    if data.surveys:
        yield notices.SURVEYS, notices.surveys_markdown(data)
    for notice in data.notices:
        yield notice_page(notice), notices.notice_markdown(notice)
    for report in data.drafts:
        yield draft_page(report), notices.draft_markdown(data, report)
    yield archive.INDEX, archive.archive_index(archived)
    for year, group in archived.items():
        yield f"archive/{year}.md", archive.archive_markdown(year, group)
    if offices.shown(data):
        yield offices.PATH, offices.offices_markdown(data)
    if data.scores is not None:
        yield scores.INDEX, scores.scores_index(data)
        for scored in data.scores.units:
            yield score_page(scored.unit), scores.unit_scores(data, scored.unit)


def rendered(data: SiteData, progress: Callable[[int], None] | None = None) -> dict[str, str]:
    """Every page as (path inside the docs folder → text), made in memory."""
    pages = {}
    for path, text in generate(data):
        pages[path] = text
        if progress is not None:
            progress(1)
    return pages


def write_pages(docs: Path, data: SiteData, progress: Callable[[int], None] | None = None) -> int:
    """Bring the generated part of ``docs`` up to date; returns how many pages there are."""
    return sync_files(docs, generate(data), GENERATED, progress)


def case_makings(data: SiteData, status: Status) -> object:
    """Everything a case page shows: when none of it changed, neither did the page."""
    case = status.case
    measures = tuple(data.measures_by_case.get(case.id, ()))
    return (status, tuple(data.children.get(case.id, ())), data.by_id.get(case.parent or ""), data.trails.get(case.id),
            data.basis, measures, tuple(o for o in data.orders if o.order in measures) if measures else (),
            tuple(data.surveys_by_case.get(case.id, ())),
            (data.rollup.below(case.id), data.rollup.waiting(case.id)) if data.rollup is not None else ())


def page_count(data: SiteData) -> int:
    """How many pages ``generate`` yields (for a progress bar), without rendering them."""
    years = {s.case.year for s in data.statuses}
    archived = {s.case.year for s in data.statuses if s.case.archive is not None}
    return (1 + 1 + len(years) + len(data.statuses) + 1 + len(data.office.units) + 1 + len(data.leaders) + 1
            + len(data.office.category_names) + 1 + 1 + len(archived) + 1 + len(data.notices) + len(data.drafts) + 1
            + len(data.feeds) + (1 if data.surveys else 0)
            + (1 if offices.shown(data) else 0) + (1 + len(data.scores.units) if data.scores is not None else 0))
