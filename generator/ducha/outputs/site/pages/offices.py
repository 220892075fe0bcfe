"""上下联动 on the site: the 下级督查室 page (each subordinate office's handling of the cases delegated to it,
its figures and how it was read) and what a case page shows of it (``below``).

Made from ``SiteData.rollup``, already cut to what the profile's audience may see (``Rollup.seen_by``):
only this office's shown cases, only the subordinate's cases it does not keep 内部, none of its internal
fields. Every reading is shown with the office, the commit and the fetch time, and flagged where stale or
rewritten.
"""

from __future__ import annotations

from typing import Any

from ducha.outputs.present import reading_flags
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.render import body, page
from ducha.outputs.site.urls import OFFICES_PAGE
from ducha.rules.rollup import overdue

PATH = OFFICES_PAGE


def shown(data: SiteData) -> bool:
    """Whether the site has the page: the office has subordinates and the audience may see one."""
    return data.rollup is not None and bool(data.rollup.offices)


def offices_markdown(data: SiteData) -> str:
    """下级督查室: per subordinate office, the cases delegated to it by light, its on-time rate and overdue."""
    assert data.rollup is not None
    rows = [(number, o, o.figures, len(overdue(o))) for number, o in enumerate(data.rollup.offices, 1)]
    return page("下级督查室", body("offices.html", page=PATH, data=data, rows=rows), search=False)


def below(data: SiteData, case_id: str) -> dict[str, Any]:
    """What a case page shows of 下级办理情况: the subordinates' own readings of the case, the offices that have
    not taken it in, and the notes their readings carry (none when the case is not delegated below)."""
    if data.rollup is None:
        return {"found": (), "waiting": (), "notes": []}
    found, waiting = data.rollup.below(case_id), data.rollup.waiting(case_id)
    notes = [f"{b.office}：{flag}" for b in found for flag in reading_flags(b.reading)]
    notes += [f"{o.name}：{flag}" for o in waiting for flag in reading_flags(o.reading) if o.reading.commit]
    return {"found": found, "waiting": waiting, "notes": list(dict.fromkeys(notes))}
