"""The 通报 pages: the list (drafts, issued notices, this year's criticisms), each issued notice, each draft."""

from __future__ import annotations

from ducha.errors import DuchaError
from ducha.model.notices import Mention, Notice
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.render import body, page
from ducha.outputs.site.urls import draft_page, notice_page
from ducha.rules.period_report import PeriodReport
from ducha.rules.periods import parse_period

INDEX = "notices/index.md"
SURVEYS = "notices/surveys.md"


def period_label(code: str) -> str:
    """「2026年第47周」 for ``2026-W47``; the code itself if it is not one (an old record may hold anything)."""
    try:
        return parse_period(code).label
    except DuchaError:
        return code


def unnamed(mention: Mention) -> list[str]:
    """The cases of a mention its reason does not name already (named once, not again in brackets)."""
    return [c for c in mention.cases if c not in mention.reason]


def notice_markdown(notice: Notice) -> str:
    html = body("notice.html", page=notice_page(notice), notice=notice, period_label=period_label, unnamed=unnamed)
    return page(notice.doc_no, html)  # searched: found by its 文号


def notices_index(data: SiteData) -> str:
    notices = sorted(data.notices, key=lambda n: (n.date, n.number), reverse=True)
    return page("督查通报", body("notices.html", page=INDEX, data=data, notices=notices, period_label=period_label,
                                     surveys_page=SURVEYS), search=False)


def surveys_markdown(data: SiteData) -> str:
    """Every 督查调研, 专业评估, 民意调查 and 满意度调查, newest first (中办 1999 年意见 四；实施办法 第十三条)."""
    return page("督查调研、评估和调查", body("surveys.html", page=SURVEYS, data=data))


def draft_markdown(data: SiteData, report: PeriodReport) -> str:
    proposals = [(kind, p) for kind, group in (("拟表扬", report.praise), ("不列入拟表扬", report.withheld),
                                               ("拟批评", report.criticism), ("拟提出问责建议", report.accountability))
                 for p in group]
    html = body("draft.html", page=draft_page(report), data=data, report=report, ranked=list(enumerate(report.units, 1)),
                proposals=proposals)
    return page(f"{report.period.label}督查通报（草稿）", html, search=False)
