"""Markdown pages for the intranet site, written as plain files into the MkDocs docs folder.

Any engine that reads a folder of Markdown and a standard mkdocs.yml can build them.
Everything a record says reaches the page only through ``h()`` (HTML-escaped) inside raw
HTML blocks, which Markdown passes through untouched: a ``<script>``, a ``javascript:``
link or Markdown syntax typed into a record stays inert text. Page titles also feed
templates that do not escape (``striptags`` even unescapes), so they get ``inert_title``.

Size: being split (issue 20)
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ducha.errors import DuchaError
from ducha.io.files import sync_files
from ducha.model.assessments import Assessment
from ducha.model.case import Case, Stage, events
from ducha.model.logs import size_text
from ducha.model.measures import Measure
from ducha.model.notices import Mention, Notice
from ducha.model.office import Office, slug
from ducha.outputs.present import (
    PROVISIONAL_NOTE,
    criticism_count,
    light_label,
    milestone_light,
    milestone_reasons,
    points_text,
    rate_text,
    receipt_text,
    remaining,
    score_text,
)
from ducha.outputs.scores import board_heading, commit_note, counts_text
from ducha.repo.audit import AuditTrail
from ducha.rules import queues
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Light, Status, effective_time_limit, round_schedule, urgency
from ducha.rules.escalation import owed_measures
from ducha.rules.metrics import Tally, by_category, by_co_unit, by_lead_unit, tally
from ducha.rules.period_report import Item, PeriodReport, ranking_rule
from ducha.rules.periods import parse_period
from ducha.rules.schema import label
from ducha.rules.scoring import ScoreBoard
from ducha.rules.trends import Month, monthly

#: Folders and files this module owns inside the docs folder; removed before each generation.
GENERATED = ("index.md", "cases", "units", "leaders", "categories", "decisions.md", "archive", "notices", "calendars",
             "scores")


_SPECIAL = re.compile("[&<>\"'\r\n]")


def h(value: object) -> str:
    """HTML-escape a value from a record; newlines become line breaks (no blank lines in blocks)."""
    text = value if isinstance(value, str) else str(value)
    if _SPECIAL.search(text) is None:  # most values: nothing to escape, and a million calls a build
        return text
    return html.escape(text, quote=True).replace("\r", "").replace("\n", "<br>")


_INERT = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ", "\r": " "})


def inert_title(text: str) -> str:
    """A title safe in templates that do not escape: markup characters become full-width lookalikes."""
    return text.translate(_INERT)


def href(from_page: str, to_page: str) -> str:
    """The relative URL from one generated page to another (``use_directory_urls: false``)."""
    target = to_page[:-3] + ".html" if to_page.endswith(".md") else to_page
    folder, _, name = target.rpartition("/")
    way = _way(from_page.rpartition("/")[0], folder)
    return h(f"{way}/{name}" if way else name)


@functools.lru_cache(maxsize=4096)
def _way(from_folder: str, to_folder: str) -> str:
    """The relative path between two folders of the site: a few dozen pairs, asked for a hundred thousand times."""
    way = os.path.relpath(to_folder or ".", from_folder or ".").replace(os.sep, "/")
    return "" if way == "." else way


def case_page(case: Case) -> str:
    return f"cases/{case.year}/{case.id}.md"


def unit_page(unit: str) -> str:
    return f"units/{slug(unit)}.md"


def leader_page(number: int) -> str:
    """A leader's page, numbered in the order of the leaders index: names may clash as file names."""
    return f"leaders/{number:03d}.md"


def category_page(category: str) -> str:
    return f"categories/{slug(category)}.md"


_LIGHT_CLASS = {Light.RED: "red", Light.YELLOW: "yellow", Light.GREEN: "green", Light.DONE: "done",
                Light.LATE: "late", Light.NONE: "none"}


def light_badge(status: Status) -> str:
    text = light_label(status)
    return f'<span class="ducha-light ducha-{_LIGHT_CLASS[status.light]}" data-light="{status.light.value}">{h(text)}</span>'


def due_text(status: Status) -> str:
    if status.due is None:
        return "—"
    mark = f'<span class="ducha-provisional" title="{PROVISIONAL_NOTE}">（暂定）</span>' \
        if status.provisional else ""
    return f"{status.due.isoformat()}{mark}"


@dataclass(frozen=True)
class SiteData:
    """Everything the pages are made from, computed once for ``today``, already limited to what
    the profile's audience may see (``model.redaction``): pages only place it."""

    office: Office
    today: dt.date
    profile: str
    head: str
    statuses: tuple[Status, ...]
    trails: dict[str, AuditTrail]
    notices: tuple[Notice, ...] = ()
    criticisms: dict[str, int] = field(default_factory=dict)  # this calendar year, per unit
    drafts: tuple[PeriodReport, ...] = ()  # this month's and quarter's 通报, and the ones just ended
    feeds: dict[str, str] = field(default_factory=dict)  # calendar file name → iCalendar text
    #: The year before's criticism tally, kept in view while the new year is young.
    last_year_criticisms: dict[str, int] = field(default_factory=dict)
    measures: tuple[Measure, ...] = ()  # 督办令, 约谈, 书面检查, 问责 the audience may see
    #: The current period's running 考核 scores, when office.yaml keeps scores and the audience may see them.
    scores: ScoreBoard | None = None
    assessments: tuple[Assessment, ...] = ()  # issued 考核 results, shown with the scores

    def consequence(self, count: int) -> str:
        """What the ``count``-th criticism of the year costs a unit, in the office's words."""
        return self.office.wording.consequence(count)

    @functools.cached_property
    def by_id(self) -> dict[str, Status]:
        """Computed once: every case page looks up its parent here."""
        return {s.case.id: s for s in self.statuses}

    @functools.cached_property
    def orders(self) -> list[queues.OrderStatus]:
        """Every 督办令 with its 限期 and state, computed once for the dashboard, unit and case pages."""
        return queues.orders(self.statuses, self.measures, self.today, calendar_for(self.office.holiday_overrides))

    @functools.cached_property
    def measures_by_case(self) -> dict[str, list[Measure]]:
        found: dict[str, list[Measure]] = defaultdict(list)
        for measure in self.measures:
            for case_id in measure.cases:
                found[case_id].append(measure)
        return found

    @functools.cached_property
    def leaders(self) -> dict[str, list[Status]]:
        """Each leader who gave instructions (source.leader) → the items, leaders in order of name."""
        found: dict[str, list[Status]] = defaultdict(list)
        for s in self.statuses:
            if s.case.source.leader.strip():
                found[s.case.source.leader.strip()].append(s)
        return dict(sorted(found.items()))

    @functools.cached_property
    def leader_pages(self) -> dict[str, str]:
        return {leader: leader_page(n) for n, leader in enumerate(self.leaders, 1)}

    @functools.cached_property
    def full_names(self) -> dict[str, str]:
        return {u.name: u.full_name for u in self.office.units}


#: Front-matter flag on generated pages: the body is already HTML. Any Markdown engine renders it
#: as is; the MkDocs hook (mkdocs_hook.py) also skips Markdown parsing for it, which is half the build.
HTML_FLAG = "ducha_html"
#: On a searched page's heading: search takes the page's title from its front matter (the same words),
#: and would otherwise segment and store them twice.
TITLED = "data-search-exclude"
#: Search boost of a unit's or a leader's page: a query for the name finds the page before the items.
UNIT_BOOST = 5
#: Separates what search should index (title, status, summary) from a case page's detail.
#: Record text cannot produce it: every value is escaped, so "<!--" never comes from a record.
DETAIL_MARK = "<!-- ducha:detail -->"


def _page(title: str, body: Iterable[str], search: bool = True, boost: int | None = None) -> str:
    # No side navigation or table of contents: the tabs lead to every list, and tables get the width.
    meta = [f"title: {json.dumps(inert_title(title), ensure_ascii=False)}", f"{HTML_FLAG}: true",
            "hide:\n  - navigation\n  - toc"]
    if not search:
        meta.append("search:\n  exclude: true")
    elif boost is not None:  # a unit's or a leader's own page comes before the items that name it
        meta.append(f"search:\n  boost: {boost}")
    return "---\n" + "\n".join(meta) + "\n---\n\n" + "\n\n".join(body) + "\n"


def priority_badge(status: Status) -> str:
    """急 or 重点, marked beside the title; nothing for an ordinary item."""
    priority = status.case.priority
    return f' <span class="ducha-priority" data-priority="{h(priority)}">{h(priority)}</span>' if priority else ""


def _link_case(page: str, status: Status, with_title: bool = True) -> str:
    case = status.case
    title = f" {h(case.title)}{priority_badge(status)}" if with_title else ""
    return f'<a href="{href(page, case_page(case))}">{h(case.id)}</a>{title}'


EMPTY = '<p class="ducha-empty">（无）</p>'


def grid(css: str, headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str = EMPTY) -> str:
    """A table as wide as the page with its header kept in view; on a phone each row becomes a card
    whose cells carry their column's name (``data-label``), so nothing scrolls sideways."""
    body = "\n".join("<tr>" + "".join(f'<td data-label="{h(name)}">{cell}</td>' for name, cell in zip(headers, row, strict=True))
                     + "</tr>" for row in rows)
    if not body:
        return empty
    head = "".join(f"<th>{h(name)}</th>" for name in headers)
    return f'<table class="ducha-grid {css}"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


def _case_table(page: str, statuses: Sequence[Status], unit: bool = True) -> str:
    headers = ["灯", "编号", "事项名称"] + (["主办单位"] if unit else []) + ["阶段", "到期日", "剩余/超期"]
    return grid("ducha-cases", headers, (
        [light_badge(s), _link_case(page, s, False), h(s.case.title)] + ([_unit_link(page, s.case.lead_unit)] if unit else [])
        + [h(s.stage.label), due_text(s), h(remaining(s))] for s in statuses))


def _unit_link(page: str, unit: str | None) -> str:
    return f'<a href="{href(page, unit_page(unit))}">{h(unit)}</a>' if unit else "—"


def _mark(data: SiteData | None, name: str) -> str:
    if data is None or not data.criticisms.get(name):
        return ""
    count = data.criticisms[name]
    return f' <span class="ducha-criticised" title="{h(data.consequence(count))}">（{criticism_count(count)}）</span>'


def _tally_table(page: str, rows: dict[str, Tally], link: Callable[[str], str], heading: str,
                 marks: SiteData | None = None) -> str:
    return grid("ducha-tally", [heading, "合计", "在办", "红灯", "黄灯", "待审核", "已办结", "按期办结率"], (
        [f"{link(name)}{_mark(marks, name)}", str(t.total), str(t.open), str(t.red), str(t.yellow), str(t.pending),
         str(t.closed), rate_text(t.on_time_rate)] for name, t in rows.items() if t.total))


def bar_chart(items: Sequence[tuple[str, float, str]], unit: str = "", width: int = 560) -> str:
    """A horizontal bar chart as inline SVG, drawn at build time (no script, no network)."""
    if not items:
        return ""
    top = max(value for _, value, _ in items) or 1
    row, label_w = 26, 130
    bars = []
    for i, (name, value, css) in enumerate(items):
        y = i * row
        length = (width - label_w - 60) * value / top
        shown = rate_text(value) if unit == "%" else f"{value:g}"
        bars.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{h(name)}</text>'
                    f'<rect class="ducha-bar-{css}" x="{label_w}" y="{y + 4}" width="{length:.1f}" height="18" rx="2"/>'
                    f'<text x="{label_w + length + 6:.1f}" y="{y + 17}">{shown}</text>')
    height = row * len(items) + 4
    return (f'<svg class="ducha-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
            f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def trend_chart(months: Sequence[Month], kind: str, width: int = 560, height: int = 180) -> str:
    """Twelve months as inline SVG: 按期办结率 as a line (``rate``), 超期未办结 at each month's end as bars."""
    if not months:
        return ""
    left, bottom, top = 40, 36, 14
    plot_w, plot_h = width - left - 10, height - bottom - top
    step = plot_w / len(months)
    parts = [f'<line class="ducha-axis" x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}"/>']
    if kind == "rate":
        values: list[float | None] = [m.rate for m in months]
        scale = 1.0
        parts.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">100%</text>'
                     f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>')
    else:
        values = [float(m.overdue) for m in months]
        scale = max(max(m.overdue for m in months), 1)
        parts.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{scale:g}</text>'
                     f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>')
    points = []
    for i, (month, value) in enumerate(zip(months, values, strict=True)):
        x = left + step * i + step / 2
        parts.append(f'<text class="ducha-tick" x="{x:.1f}" y="{height - 18}" text-anchor="middle">{month.start.month}月</text>')
        if value is None:
            continue
        y = top + plot_h - plot_h * value / scale
        shown = rate_text(value) if kind == "rate" else f"{value:g}"
        if kind == "rate":
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle class="ducha-dot" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{h(month.label)}：{shown}</title></circle>')
        else:
            parts.append(f'<rect class="ducha-bar-red" x="{x - step * 0.3:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" '
                         f'height="{top + plot_h - y:.1f}"><title>{h(month.label)}：{shown}</title></rect>')
        parts.append(f'<text class="ducha-value" x="{x:.1f}" y="{y - 5:.1f}" text-anchor="middle">{shown}</text>')
    if points:
        parts.insert(1, f'<polyline class="ducha-line" points="{" ".join(points)}"/>')
    return (f'<svg class="ducha-chart ducha-trend" role="img" viewBox="0 0 {width} {height}" width="{width}" '
            f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


@dataclass(frozen=True)
class Queue:
    """One of the morning lists: where it is on the page, what it is called, and who is on it."""

    anchor: str
    title: str
    statuses: tuple[Status, ...]
    note: str = ""


def morning_queues(data: SiteData, statuses: Sequence[Status], unit: str | None = None) -> list[Queue]:
    """待审核, 待签收, 超期, 临期, 需续报, 待回头看, 待领导审阅、待上报 — each from ``rules.queues``, in the
    order a staffer works them; 待签收 only where office.yaml sets a 签收 limit (for ``unit``: what it has
    yet to sign for), the last only where it asks for 审阅 or 上报."""
    office = data.office
    receipts = [s for s in queues.awaiting_receipt(statuses) if unit is None or unit in s.receipt.pending]  # type: ignore[union-attr]
    found = [
        Queue("pending", "待审核", tuple(queues.pending_review(statuses)), "办理报告已报送，等待督查室审核，等得最久的在前。"),
        Queue("overdue", "超期未办结", tuple(queues.overdue(statuses)), "超期最久的在前。"),
        Queue("near", "临期", tuple(queues.near_due(statuses)),
              f"{data.office.yellow_days}个工作日内到期或未达到序时进度（黄灯），剩余时间最少的在前。"),
        Queue("progress", "需续报", tuple(queues.needs_progress(statuses)),
              f"超过{data.office.progress_interval_days}天未报送进展。" if data.office.progress_interval_days else ""),
        Queue("followup", "待回头看", tuple(queues.followups_due(statuses)),
              f"办结满{data.office.followup_after_days}天，尚未回访复核。" if data.office.followup_after_days else ""),
    ]
    if office.receipt is not None:
        found.insert(1, Queue("receipt", "待签收", tuple(receipts),
                              f"交办后{office.receipt.time_limit}内签收；超时未签收的在前。"))
    if office.approvals.reading is not None or office.approvals.report_back is not None:
        found.append(Queue("awaiting", "待领导审阅、待上报", tuple(queues.awaiting_approval(statuses)),
                           "已办结，办理报告尚待领导审阅或结果尚待上报（office.yaml approvals）。"))
    return found


def _last_progress(status: Status) -> str:
    dated = [p for p in status.case.progress if p.date <= status.today]
    return f"{dated[-1].date}（{(status.today - dated[-1].date).days}天前）" if dated else "交办后未报送"


def queue_html(page: str, queue: Queue) -> str:
    """The list with the columns its work needs: when the report came, how late, how long silent."""
    today_rows: list[list[str]]
    if queue.anchor == "pending":
        headers = ["灯", "事项", "主办单位", "报送日期", "已等待"]
        today_rows = [[light_badge(s), _link_case(page, s), _unit_link(page, s.case.lead_unit),
                       h(queues.submitted(s)), f"{(s.today - queues.submitted(s)).days}天"] for s in queue.statuses]
    elif queue.anchor == "progress":
        headers = ["灯", "事项", "主办单位", "最近一次进展", "到期日"]
        today_rows = [[light_badge(s), _link_case(page, s), _unit_link(page, s.case.lead_unit), h(_last_progress(s)),
                       due_text(s)] for s in queue.statuses]
    elif queue.anchor == "receipt":
        headers = ["灯", "事项", "主办单位", "签收时限", "签收情况"]
        today_rows = [[light_badge(s), _link_case(page, s), _unit_link(page, s.case.lead_unit),
                       h(s.receipt.due if s.receipt else "—"), h(receipt_text(s))] for s in queue.statuses]
    elif queue.anchor == "awaiting":
        headers = ["灯", "事项", "主办单位", "办结日期", "待办"]
        today_rows = [[light_badge(s), _link_case(page, s), _unit_link(page, s.case.lead_unit),
                       h(s.case.closed_on(s.today) or "—"), h("、".join(s.awaiting))] for s in queue.statuses]
    elif queue.anchor == "near":
        headers = ["灯", "事项", "主办单位", "到期日", "原因"]
        today_rows = [[light_badge(s), _link_case(page, s), _unit_link(page, s.case.lead_unit), due_text(s),
                       h("；".join(([remaining(s)] if s.due_light is Light.YELLOW else []) + milestone_reasons(s))
                         or remaining(s))] for s in queue.statuses]
    elif queue.anchor == "followup":
        headers = ["灯", "事项", "主办单位", "办结日期"]
        today_rows = [[light_badge(s), _link_case(page, s), _unit_link(page, s.case.lead_unit),
                       h(s.case.closed_on(s.today) or "—")] for s in queue.statuses]
    else:
        headers = ["灯", "事项", "主办单位", "到期日", "剩余/超期"]
        today_rows = [[light_badge(s), _link_case(page, s), _unit_link(page, s.case.lead_unit), due_text(s),
                       h(remaining(s))] for s in queue.statuses]
    note = f'<p class="ducha-note">{h(queue.note)}</p>' if queue.note and queue.statuses else ""
    return (f'<section class="ducha-queue" id="{queue.anchor}"><h2>{h(queue.title)}（{len(queue.statuses)}）</h2>'
            f"{note}{grid('ducha-cases', headers, today_rows)}</section>")


def queue_summary(found: Sequence[Queue], prefix: str = "", extra: Sequence[tuple[str, str, int]] = ()) -> str:
    """The lists' names and counts, each a link to its list; ``extra`` adds (anchor, title, count) ones."""
    counts = [(q.anchor, q.title, len(q.statuses)) for q in found] + list(extra)
    links = "".join(f'<a class="ducha-count" href="{prefix}#{anchor}"><span>{h(title)}</span><strong>{count}</strong></a>'
                    for anchor, title, count in counts)
    return f'<nav class="ducha-queues" aria-label="待办清单">{links}</nav>'


def dashboard(data: SiteData) -> str:
    page = "index.md"
    statuses = data.statuses
    overall = tally(statuses)
    tiles = [("红灯", overall.red, "red"), ("黄灯", overall.yellow, "yellow"), ("绿灯", overall.green, "green"),
             ("待审核", overall.pending, "none"), ("按期办结", overall.closed_on_time, "done"),
             ("超期办结", overall.closed_late, "late")]
    cards = "".join(f'<div class="ducha-card ducha-{css}"><span>{h(name)}</span><strong>{count}</strong></div>'
                    for name, count, css in tiles)
    rate = rate_text(overall.on_time_rate)
    found = morning_queues(data, statuses)
    orders = [o.order for o in data.orders if o.state in (queues.OrderState.RUNNING, queues.OrderState.STALLED)]
    extra = [("orders", "督办令", len(orders))] if data.measures else []
    units = [u.name for u in data.office.units]
    unit_rows = by_lead_unit(statuses, units)
    rate_chart = bar_chart([(u, t.on_time_rate or 0.0, "done") for u, t in unit_rows.items() if t.closed], unit="%")
    months = monthly(data.office, statuses, data.today)
    provisional = ('<p class="ducha-warning">注意：标有「（暂定）」的到期日涉及尚未公布放假安排的年份，按周一至周五推算，仅供参考。</p>'
                   if any(s.provisional for s in statuses) else "")
    leaders = (f'<p>按批示领导查看：<a href="{href(page, "leaders/index.md")}">批示领导（{len(data.leaders)}）</a></p>'
               if data.leaders else "")
    body = [
        f"<h1>{h(data.office.name)} · 督查事项总览</h1>",
        (f'<p class="ducha-asof">数据截至 <time datetime="{data.today}">{data.today}</time>'
        f"{'（数据提交 ' + h(data.head[:8]) + '）' if data.head else ''}。"
        f"共 {overall.total} 项，在办 {overall.open} 项，待审核 {overall.pending} 项，已办结 {overall.closed} 项，"
        f"按期办结率 <strong>{rate}</strong>。</p>"),
        f'<div class="ducha-cards">{cards}</div>',
        provisional,
        queue_summary(found, extra=extra),
        *(queue_html(page, q) for q in found),
        (f'<section class="ducha-queue" id="orders"><h2>督办令（{len(orders)}）</h2>'
         f'<p class="ducha-note">限期内和限期届满仍无明显进展的督办令。</p>{_measures_table(page, data, orders)}</section>')
        if data.measures else "",
        "<h2>近12个月</h2>",
        ('<div class="ducha-trends"><figure class="ducha-figure"><figcaption>按期办结率（当月办结的事项）</figcaption>'
         f'{trend_chart(months, "rate")}</figure><figure class="ducha-figure"><figcaption>超期未办结（月末，当月为今天）</figcaption>'
         f'{trend_chart(months, "overdue")}</figure></div>'),
        "<h2>各单位（主办）</h2>", _tally_table(page, unit_rows, lambda u: _unit_link(page, u), "单位", data),
        f'<figure class="ducha-figure"><figcaption>各单位按期办结率</figcaption>{rate_chart}</figure>' if rate_chart else "",
        leaders,
        "<h2>各来源类型</h2>",
        _tally_table(page, by_category(statuses, data.office.category_names),
                     lambda c: f'<a href="{href(page, category_page(c))}">{h(c)}</a>', "来源类型"),
    ]
    return _page("督查事项总览", [b for b in body if b], search=False)


def _receipts(status: Status) -> str:
    """Who signed for the item and when, and who has yet to."""
    signed = [f"{h(r.unit)} {h(r.date)}（{h(r.by)}）" for r in status.case.receipts if r.date <= status.today]
    receipt = status.receipt
    if receipt is not None and receipt.pending:
        signed.append(f"{h('、'.join(receipt.pending))} {h(receipt.light.label)}（应于 {h(receipt.due)} 前签收）")
    elif receipt is not None and receipt.late:
        signed.append(f"其中{h('、'.join(receipt.late))}超时签收（应于 {h(receipt.due)} 前）")
    return "；".join(signed)


def _facts(page: str, data: SiteData, status: Status, children: Sequence[Status]) -> str:
    case = status.case
    category = f'<a href="{href(page, category_page(case.category))}">{h(case.category)}</a>'
    rows: list[tuple[str, str]] = [("编号", h(case.id)), ("来源类型", category)]
    if case.priority:
        rows.append(("优先级", h(case.priority)))
    for key, value in (("doc_no", case.source.doc_no), ("meeting", case.source.meeting),
                       ("leader", case.source.leader), ("instruction", case.source.instruction)):
        if value:
            rows.append((label("case", ("source", key)).strip("「」").split("·")[-1], h(value)))
    if case.requirements:
        rows.append(("任务要求", h(case.requirements)))
    parent = data.by_id.get(case.parent) if case.parent is not None else None
    if parent is not None:  # a parent the audience may not see is not named either
        rows.append(("上级事项", _link_case(page, parent)))
    if children:
        rows.append(("分解事项", "<br>".join(f"{light_badge(c)} {_link_case(page, c)}" for c in children)))
    rows.append(("立项日期", h(case.registered)))
    if case.approval is not None:
        rows.append(("立项审批", f"{h(case.approval.date)} {h(case.approval.by)}同意" +
                     (f"：{h(case.approval.note)}" if case.approval.note else "")))
    rows.append(("交办日期", h(case.assigned or "—")))
    rows.append(("主办单位", _unit_link(page, case.lead_unit)))
    if case.co_units:
        rows.append(("协办单位", "、".join(_unit_link(page, u) for u in case.co_units)))
    if case.owner:
        rows.append(("责任人", h(case.owner)))
    if case.receipts or status.receipt is not None:
        rows.append(("签收", _receipts(status)))
    limit = effective_time_limit(case, data.office)
    if limit is not None:
        rows.append(("办理时限", h(limit) + ("" if case.time_limit else "（按来源类型默认）")))
    rows.append(("到期日", due_text(status) + ("（已延期）" if status.extended else "")))
    rows.append(("阶段", h(status.stage.label) + (f"（第{status.round}轮）" if status.round > 1 else "")))
    if case.archive is not None:
        rows.append(("档号", f"{h(case.archive.number)}（保管期限 {h(case.archive.retention)}）"))
    if case.cancelled is not None:
        rows.append(("撤销", f"{h(case.cancelled.date)} {h(case.cancelled.reason)}（{h(case.cancelled.approved_by)}批准）"))
    if case.notes:
        rows.append(("备注", h(case.notes)))
    body = "\n".join(f"<tr><th>{h(name)}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="ducha-facts">\n{body}\n</table>'


def _extensions(case: Case) -> str:
    if not case.extensions:
        return ""
    return "<h2>延期</h2>" + grid("ducha-extensions", ["申请日期", "理由", "申请期限", "批准日期", "批准人"], (
        [h(e.requested), h(e.reason), h(e.term), h(e.approved or "待批准"), h(e.approved_by or "—")] for e in case.extensions))


def _milestones(status: Status) -> str:
    """The 节点: each with its due date, when it was reported done, and its own light."""
    case = status.case
    if not case.milestones:
        return ""
    shown = {m.name: m for m in status.milestones}
    rows = []
    for milestone in case.milestones:
        state = shown.get(milestone.name)
        light = f'<span class="ducha-light ducha-{_LIGHT_CLASS[state.light]}">{h(state.light.label)}</span>' \
            if state is not None and state.light is not Light.NONE else "—"
        rows.append([light, h(milestone.name), h(milestone.requirement or "—"),
                     h(state.due if state else milestone.due or milestone.time_limit or "—"),
                     h(milestone_light(state) if state else "—")])
    behind = (f'<p class="ducha-warning">{h("、".join(milestone_reasons(status)))}</p>' if status.behind else "")
    return "<h2>节点</h2>" + behind + grid("ducha-milestones", ["灯", "节点", "要求", "完成期限", "完成情况"], rows)


def _attachments(page: str, case: Case) -> str:
    """附件: the files registered with the case, linked (only internal pages carry any)."""
    if not case.attachments:
        return ""
    return "<h2>附件</h2>" + grid("ducha-attachments", ["标题", "文件", "类型", "大小", "登记日期", "SHA-256"], (
        [f'<a href="{href(page, f"{case.attachment_folder}/{a.file}")}">{h(a.title)}</a>', h(a.file), h(a.type),
         h(size_text(a.bytes)), h(a.date), f'<code title="{h(a.sha256)}">{h(a.sha256[:12])}…</code>']
        for a in case.attachments))


def _rounds(data: SiteData, status: Status) -> str:
    """Each round of handling (交办, then every 再督查 or 重新办理): its time limit, due date, reports and result."""
    case = status.case
    rounds = case.rounds(status.today)
    if len(rounds) < 2:
        return ""
    rows = []
    for index, round_ in enumerate(rounds):
        end = rounds[index + 1].start if index + 1 < len(rounds) else None
        reports = [r for r in case.reports if round_.start <= r.date <= status.today and (end is None or r.date < end)]
        reviews = [r for r in case.reviews if round_.start <= r.date <= status.today and (end is None or r.date < end)]
        plan = round_schedule(case, data.office, round_, status.today)
        limit = round_.time_limit or case.time_limit or data.office.rule(case.category).time_limit
        result = "；".join(f"{r.date} {r.result}" for r in reviews) or ("办理中" if end is None else "—")
        rows.append([f"第{round_.number}轮", f"{h(round_.kind)} {h(round_.start)}", h(limit or "—"),
                     h(plan.due.date if plan else "—"), h("；".join(f"{r.date} {r.doc_no}" for r in reports) or "—"),
                     h(result), h(round_.reason or "—")])
    return "<h2>办理轮次</h2>" + grid("ducha-rounds", ["轮次", "起始", "办理时限", "到期日", "办理报告", "审核", "缘由"], rows)


_EMAIL = re.compile(r"\s*<[^>]*>")


def _audit(trail: AuditTrail | None) -> str:
    if trail is None or not trail.entries:
        return '<h2>审计记录</h2><p class="ducha-empty">尚无提交历史。</p>'
    return "<h2>审计记录</h2><p>来自 git 提交历史：谁在何时改了什么，经谁审核合并。</p>" + grid(
        "ducha-audit", ["时间", "提交人", "改动", "审核人", "提交"], (
            [f"{e.date:%Y-%m-%d %H:%M}", h(e.author), h(e.change), h("、".join(_EMAIL.sub("", r) for r in e.reviewers) or "—")
             + (f"<br><small>{h(e.signature)}</small>" if e.reviewers and e.signature else ""),
             h(e.commit)] for e in trail.entries))


_LOCALITY = re.compile(r"^[省市区县镇乡]")


def unit_core(name: str) -> str:
    """A unit's short name without its 市 (住建局): what people type when they search for it."""
    return _LOCALITY.sub("", name)


def _unit_words(page: str, data: SiteData, unit: str) -> str:
    """A unit linked by its short name, its full name beside it, and the name without 市 for search only."""
    core = unit_core(unit)
    hidden = f'<span hidden> {h(core)}</span>' if core != unit else ""
    return f"{_unit_link(page, unit)}{hidden}（{h(data.full_names.get(unit, unit))}）"


def _keys(page: str, data: SiteData, case: Case) -> str:
    """Who handles it and what it rests on, in the words people search for: short and full unit names,
    the instructing leader, 文号 of its basis and of every report."""
    parts = []
    if case.lead_unit:
        parts.append(f"主办 {_unit_words(page, data, case.lead_unit)}")
    if case.co_units:
        parts.append("协办 " + "、".join(_unit_words(page, data, u) for u in case.co_units))
    if case.source.leader.strip():
        parts.append(f'批示 <a href="{href(page, data.leader_pages[case.source.leader.strip()])}">{h(case.source.leader)}</a>')
    numbers = [case.source.doc_no] + [r.doc_no for r in case.reports]
    if any(numbers):
        parts.append("文号 " + "、".join(h(n) for n in numbers if n))
    return f'<p class="ducha-keys">{" · ".join(parts)}</p>' if parts else ""


def case_markdown(data: SiteData, status: Status, children: Sequence[Status]) -> str:
    case = status.case
    page = case_page(case)
    summary = case.requirements or case.source.instruction or ""
    timeline = "\n".join(f"<li>{e.date}　{h(e.kind)}：{h(e.text)}</li>" for e in events(case))
    body = [
        f"<h1 {TITLED}>{h(case.id)} {h(case.title)}</h1>",
        (f'<p class="ducha-status" data-search-exclude>{light_badge(status)} {h(status.stage.label)} · 到期日 {due_text(status)}'
        f"{' · ' + h(remaining(status)) if remaining(status) else ''}</p>"),
        _keys(page, data, case),
        f'<p class="ducha-summary">{h(summary)}</p>' if summary else "",
        DETAIL_MARK + '\n<div data-search-exclude class="ducha-detail">'
        + "\n" + _facts(page, data, status, children) + "\n" + _milestones(status) + _rounds(data, status)
        + _extensions(case) + _attachments(page, case)
        + (f"<h2>督查问责</h2>{_measures_table(page, data, data.measures_by_case[case.id])}"
           if data.measures_by_case.get(case.id) else "")
        + f'\n<h2>办理经过</h2>\n<ol class="ducha-timeline">\n{timeline}\n</ol>\n'
        + _audit(data.trails.get(case.id)) + "\n</div>",
    ]
    return _page(f"{case.id} {case.title}", [b for b in body if b])


def _group_by_unit(statuses: Sequence[Status]) -> dict[str, list[Status]]:
    groups: dict[str, list[Status]] = defaultdict(list)
    for s in statuses:
        groups[s.case.lead_unit or "（未交办）"].append(s)
    return dict(sorted(groups.items()))


def year_index(year: int, statuses: Sequence[Status]) -> str:
    page = f"cases/{year}/index.md"
    body = [f"<h1>{year} 年督查事项</h1>", f"<p>共 {len(statuses)} 项，按主办单位分组。</p>"]
    for unit, group in _group_by_unit(statuses).items():
        body += [f"<h2>{h(unit)}（{len(group)}）</h2>", _case_table(page, group, unit=False)]
    return _page(f"{year} 年督查事项", body, search=False)


def cases_index(years: dict[int, list[Status]]) -> str:
    page = "cases/index.md"
    items = "".join(f'<li><a href="{href(page, f"cases/{y}/index.md")}">{y} 年</a>（{len(g)} 项，'
                    f"在办 {tally(g).open} 项）</li>" for y, g in sorted(years.items(), reverse=True))
    return _page("督查事项", ["<h1>督查事项</h1>", f"<ul>{items}</ul>"], search=False)


def unit_markdown(data: SiteData, unit: str, full_name: str) -> str:
    """A unit's own view: its lists for today (items it leads or co-handles), then what it leads and co-handles."""
    page = unit_page(unit)
    lead = [s for s in data.statuses if s.case.lead_unit == unit]
    co = [s for s in data.statuses if unit in s.case.co_units]
    mine = tally(lead)
    found = [q for q in morning_queues(data, lead + co, unit) if q.anchor not in ("followup", "awaiting")]
    in_hand = (Stage.IN_PROGRESS, Stage.RETURNED, Stage.PENDING_REVIEW)
    core = unit_core(unit)
    body = [
        f"<h1 {TITLED}>{h(unit)}</h1>", f"<p>{h(full_name)}{f'<span hidden> {h(core)}</span>' if core != unit else ''}</p>",
        DETAIL_MARK, _criticism_note(data, unit),
        f'<p><a href="{href(page, f"calendars/{slug(unit)}.ics")}">订阅本单位的到期日历（iCalendar）</a></p>'
        if f"{slug(unit)}.ics" in data.feeds else "",
        (f"<p>主办 {mine.total} 项：在办 {mine.open} 项（红灯 {mine.red}，黄灯 {mine.yellow}），待审核 {mine.pending} 项，"
        f"已办结 {mine.closed} 项，按期办结率 <strong>{rate_text(mine.on_time_rate)}</strong>；协办 {len(co)} 项。</p>"),
        queue_summary(found),
        *(queue_html(page, q) for q in found),
        "<h2>主办在办</h2>", _case_table(page, [s for s in lead if s.stage in in_hand], unit=False),
        "<h2>协办在办</h2>", _case_table(page, [s for s in co if s.stage in in_hand]),
        "<h2>已办结</h2>", _case_table(page, [s for s in lead if s.stage in (Stage.CLOSED, Stage.ARCHIVED)], unit=False),
    ]
    if data.scores is not None and (score := data.scores.unit(unit)) is not None:
        body.insert(body.index(DETAIL_MARK) + 2, (
            f"<p>{h(data.scores.period.label)}考核得分 <strong>{h(score_text(score.score))}</strong>，第 {score.rank} 名"
            f"（{'最终得分' if data.scores.closed else f'截至 {data.scores.today}，考核期间进行中'}）；"
            f'本期{h(counts_text(score))}。<a href="{href(page, score_page(unit))}">计分明细</a></p>'))
    mine_measures = [m for m in data.measures if m.unit == unit]
    if mine_measures or data.criticisms.get(unit):
        body += ["<h2>督查问责</h2>", _owed_note(data, unit), _measures_table(page, data, mine_measures, unit=False)]
    return _page(unit, [b for b in body if b], boost=UNIT_BOOST)


def leaders_index(data: SiteData) -> str:
    page = "leaders/index.md"
    rows = []
    for leader, statuses in data.leaders.items():
        t = tally(statuses)
        rows.append([f'<a href="{href(page, data.leader_pages[leader])}">{h(leader)}</a>', str(t.total), str(t.open),
                     str(t.red), str(t.pending), str(t.closed), rate_text(t.on_time_rate)])
    return _page("批示领导", ["<h1>批示领导</h1>", "<p>各位领导批示交办的事项及办理情况。</p>",
                          grid("ducha-tally", ["批示领导", "合计", "在办", "超期", "待审核", "已办结", "按期办结率"], rows)],
                 search=False)


def leader_markdown(data: SiteData, leader: str) -> str:
    """What one leader instructed and where each item stands: open items first, most urgent first."""
    page = data.leader_pages[leader]
    statuses = sorted(data.leaders[leader], key=urgency)
    t = tally(statuses)
    in_hand = [s for s in statuses if s.stage.is_open or s.stage is Stage.PENDING_REVIEW]
    done = [s for s in statuses if s not in in_hand]
    body = [f"<h1 {TITLED}>{h(leader)}批示交办的事项</h1>", f'<p hidden>{h(" ".join(leader.split()))}</p>', DETAIL_MARK,
            (f"<p>共 {t.total} 项：在办 {t.open} 项（超期 {t.red} 项，临期 {t.yellow} 项），待审核 {t.pending} 项，"
             f"已办结 {t.closed} 项，按期办结率 <strong>{rate_text(t.on_time_rate)}</strong>。</p>"),
            "<h2>在办和待审核</h2>", _case_table(page, in_hand), "<h2>其他</h2>", _case_table(page, done)]
    return _page(f"{leader}批示交办的事项", body, boost=UNIT_BOOST)


def units_index(data: SiteData) -> str:
    page = "units/index.md"
    rows = by_lead_unit(data.statuses, [u.name for u in data.office.units])
    co = by_co_unit(data.statuses, [u.name for u in data.office.units])
    co_rows = ([_unit_link(page, u), str(t.total), str(t.open)] for u, t in co.items() if t.total)
    return _page("承办单位", ["<h1>承办单位</h1>", "<h2>主办事项</h2>",
                          _tally_table(page, rows, lambda u: _unit_link(page, u), "单位", data),
                          "<h2>协办事项</h2>", grid("ducha-tally", ["单位", "协办合计", "在办"], co_rows)], search=False)


def category_markdown(category: str, statuses: Sequence[Status]) -> str:
    page = category_page(category)
    mine = [s for s in statuses if s.case.category == category]
    t = tally(mine)
    body = [f"<h1>{h(category)}</h1>",
            f"<p>共 {t.total} 项，在办 {t.open} 项，已办结 {t.closed} 项，按期办结率 {rate_text(t.on_time_rate)}。</p>"]
    years: dict[int, list[Status]] = defaultdict(list)
    for s in mine:
        years[s.case.year].append(s)
    for year, group in sorted(years.items(), reverse=True):
        body += [f"<h2>{year} 年</h2>", _case_table(page, group)]
    return _page(category, body, search=False)


def categories_index(data: SiteData, statuses: Sequence[Status]) -> str:
    page = "categories/index.md"
    return _page("来源类型", ["<h1>来源类型</h1>",
                          _tally_table(page, by_category(statuses, data.office.category_names),
                                       lambda c: f'<a href="{href(page, category_page(c))}">{h(c)}</a>', "来源类型")],
                 search=False)


def decisions_markdown(statuses: Sequence[Status]) -> str:
    page = "decisions.md"
    children: dict[str, list[Status]] = defaultdict(list)
    by_id = {s.case.id: s for s in statuses}
    for s in statuses:
        if s.case.parent in by_id:
            children[s.case.parent].append(s)

    def tree(status: Status, seen: frozenset[str]) -> str:
        kids = "".join(tree(c, seen | {c.case.id}) for c in children.get(status.case.id, []) if c.case.id not in seen)
        return f"<li>{light_badge(status)} {_link_case(page, status)}{'<ul>' + kids + '</ul>' if kids else ''}</li>"

    roots = [s for s in statuses if s.case.id in children and s.case.parent not in by_id]
    body = ["<h1>分解立项</h1>", "<p>重大决策部署分解为具体事项后的落实情况：每项决策下列出其分解事项。</p>"]
    body += [f'<ul class="ducha-tree">{tree(r, frozenset({r.case.id}))}</ul>' for r in roots] or ['<p class="ducha-empty">（无）</p>']
    return _page("分解立项", body, search=False)


def archive_markdown(year: int, statuses: Sequence[Status]) -> str:
    page = f"archive/{year}.md"
    sealed = sorted(((s, s.case.archive) for s in statuses if s.case.archive is not None), key=lambda pair: pair[1].number)
    rows = ([h(a.number), _link_case(page, s), h(a.retention), h(a.date)] for s, a in sealed)
    return _page(f"{year} 年度档案", [f"<h1>{year} 年度档案</h1>", f"<p>已归档 {len(statuses)} 件。</p>",
                                   grid("ducha-cases", ["档号", "事项", "保管期限", "归档日期"], rows)], search=False)


def archive_index(years: dict[int, list[Status]]) -> str:
    page = "archive/index.md"
    items = "".join(f'<li><a href="{href(page, f"archive/{y}.md")}">{y} 年度</a>（{len(g)} 件）</li>'
                    for y, g in sorted(years.items(), reverse=True))
    return _page("档案", ["<h1>档案</h1>", "<p>已注结销号、归档封存的督查事项，按年度查阅。</p>",
                        f"<ul>{items}</ul>" if items else '<p class="ducha-empty">（尚无归档）</p>'], search=False)


def _order_state(data: SiteData, measure: Measure) -> str:
    state = next((o for o in data.orders if o.order == measure), None)
    if state is None:
        return ""
    left = f"，剩{state.working_days_left}个工作日" if state.working_days_left is not None else ""
    return f"限期 {state.due}（{state.state.label}{left}）"


def _measures_table(page: str, data: SiteData, measures: Sequence[Measure], unit: bool = True) -> str:
    """督查问责 records: date, kind and 发文字号, unit, cases, reason, and a 督办令's 限期 and state."""
    rows = []
    for m in sorted(measures, key=lambda m: (m.date, m.number)):
        cases = "、".join(_link_case(page, data.by_id[c], False) if c in data.by_id else h(c) for c in m.cases)
        follows = f"（依据{h(m.notice)}）" if m.notice else ""
        rows.append([h(m.date), h(m.title)] + ([_unit_link(page, m.unit)] if unit else [])
                    + [cases or "—", f"{h(m.reason)}{follows}", h(m.by), h(_order_state(data, m)) or "—"])
    headers = ["日期", "类别"] + (["单位"] if unit else []) + ["涉及事项", "事由", "签发或主持", "限期"]
    return grid("ducha-measures", headers, rows)


def _owed_note(data: SiteData, unit: str) -> str:
    """What this year's criticisms call for (书面检查, 约谈, 问责), and whether it has been recorded."""
    owed = owed_measures(unit, data.criticisms.get(unit, 0), data.measures, data.today.year)
    if not owed:
        return ""
    items = []
    for o in owed:
        done = (f"已记录：{o.done.date} {o.done.title}" if o.done is not None else "尚未记录")
        items.append(f"<li>第{o.count}次通报批评 → {h(o.kind)}：{h(done)}</li>")
    return f'<ul class="ducha-owed">{"".join(items)}</ul>'


def _criticism_note(data: SiteData, unit: str) -> str:
    count = data.criticisms.get(unit, 0)
    if not count:
        return ""
    return (f'<p class="ducha-warning">{data.today.year}年已被通报批评 {count} 次：{h(data.consequence(count))}。</p>')


def _items_html(page: str, data: SiteData, items: Sequence[Item]) -> str:
    by_id = data.by_id
    return grid("ducha-cases", ["事项", "主办单位", "情况"], (
        [_link_case(page, by_id[i.id]) if i.id in by_id else h(i.id + " " + i.title), h(i.unit), h(i.detail)]
        for i in items))


def draft_page(report: PeriodReport) -> str:
    return f"notices/draft-{report.period.code}.md"


def draft_markdown(data: SiteData, report: PeriodReport) -> str:
    page = draft_page(report)
    units = ([str(n), f"{_unit_link(page, r.unit)}{'（本期批评）' if r.criticised_in_period else ''}", str(r.closed),
              str(r.on_time), str(r.late), rate_text(r.rate), str(r.overdue_open),
              h(f"{r.criticised_this_year}次（{r.consequence}）") if r.criticised_this_year else "—"]
             for n, r in enumerate(report.units, 1))
    proposals = "".join(
        f"<li>{kind}：{h(p.unit)}——{h(p.reason)}<br><small>依据：{h(p.basis)}</small></li>"
        for kind, group in (("拟表扬", report.praise), ("拟批评", report.criticism))
        for p in group) or "<li>（无）</li>"
    body = [f"<h1>{h(report.period.label)}督查通报（草稿）</h1>",
            (f'<p class="ducha-asof">统计期间 {report.period.start} 至 {report.period.end}，数据截至 {report.today}。'
            "印发前由督查室审定；印发后的通报见「通报」列表。</p>"),
            grid("ducha-tally", ["指标", "数量"], ([h(k), str(v)] for k, v in report.totals().items())),
            "<h2>各单位办理情况</h2>", f"<p>排名规则：{h(ranking_rule(report.ranking))}</p>",
            grid("ducha-tally", ["排名", "单位", "办结", "按期", "超期", "按期办结率", "超期未办结", "本年度被批评"], units),
            "<h2>超期未办结</h2>", _items_html(page, data, report.overdue),
            "<h2>退回重办</h2>", _items_html(page, data, report.returned),
            "<h2>延期</h2>", _items_html(page, data, report.extended),
            "<h2>拟表扬、拟批评</h2>", f"<ul>{proposals}</ul>"]
    return _page(f"{report.period.label}督查通报（草稿）", body, search=False)


def calendars_markdown(data: SiteData) -> str:
    page = "calendars/index.md"
    items = "".join(f'<li><a href="{href(page, f"calendars/{name}")}">{h(name[:-4])}</a></li>' for name in data.feeds)
    body = ["<h1>日历订阅</h1>",
            ("<p>把链接地址添加到邮件客户端或手机日历的「订阅日历」，即可看到督查事项的到期日和回头看日期，"
            "并在前一天收到提醒。标有「（暂定）」的到期日涉及尚未公布放假安排的年份。</p>"),
            f"<ul>{items}</ul>" if items else '<p class="ducha-empty">（无）</p>']
    return _page("日历订阅", body, search=False)


def period_label(code: str) -> str:
    """「2026年第47周」 for ``2026-W47``; the code itself if it is not one (an old record may hold anything)."""
    try:
        return parse_period(code).label
    except DuchaError:
        return code


def _mention(mention: Mention) -> str:
    """A unit and why, naming the cases once: a reason that already names them is not followed by them again."""
    unnamed = [c for c in mention.cases if c not in mention.reason]
    return f"{h(mention.unit)}：{h(mention.reason)}{'（' + h('、'.join(unnamed)) + '）' if unnamed else ''}"


def notice_page(notice: Notice) -> str:
    return f"notices/{notice.date.year}-{notice.number:03d}.md"


def notice_markdown(notice: Notice) -> str:
    def mentions(items: Sequence[Mention]) -> str:
        return "".join(f"<li>{_mention(m)}</li>" for m in items) or "<li>（无）</li>"

    body = [f"<h1>{h(notice.doc_no)}</h1>",
            (f"<p>印发日期 {notice.date}；统计期间 {h(period_label(notice.period))}；"
             f"数据提交 {h(notice.data_commit[:12])}"
             + (f"；经{h(notice.approved_by)}同意印发" if notice.approved_by else "") + "。</p>"),
            "<h2>通报表扬</h2>", f"<ul>{mentions(notice.praised)}</ul>",
            "<h2>通报批评</h2>", f"<ul>{mentions(notice.criticised)}</ul>"]
    return _page(notice.doc_no, body)  # found by its 文号


def _criticism_list(page: str, data: SiteData, tally: dict[str, int]) -> str:
    return (f"<ul>{''.join(f'<li>{_unit_link(page, u)}：{c} 次，{h(data.consequence(c))}</li>' for u, c in sorted(tally.items()))}</ul>"
            if tally else EMPTY)


def notices_index(data: SiteData) -> str:
    page = "notices/index.md"
    rows = ([f'<a href="{href(page, notice_page(n))}">{h(n.doc_no)}</a>', h(n.date), h(period_label(n.period)),
             h("、".join(m.unit for m in n.praised)) or "—", h("、".join(m.unit for m in n.criticised)) or "—"]
            for n in sorted(data.notices, key=lambda n: (n.date, n.number), reverse=True))
    body = ["<h1>督查通报</h1>"]
    if data.drafts:
        links = "".join(f'<li><a href="{href(page, draft_page(r))}">{h(r.period.label)}督查通报（草稿）</a>'
                        f"（{r.period.start} 至 {r.period.end}{'，进行中' if data.today < r.period.end else ''}）</li>"
                        for r in data.drafts)
        body += ["<h2>草稿</h2>", "<p>本月、本季度和刚结束的月份、季度；印发前由督查室审定。</p>", f"<ul>{links}</ul>"]
    body += ["<h2>已印发</h2>",
             grid("ducha-cases", ["发文字号", "印发日期", "统计期间", "表扬", "批评"], rows,
                  '<p class="ducha-empty">（尚无印发的通报）</p>'),
             f"<h2>{data.today.year}年通报批评统计</h2>", _criticism_list(page, data, data.criticisms)]
    if data.last_year_criticisms:
        body += [f"<h2>{data.today.year - 1}年通报批评统计</h2>", _criticism_list(page, data, data.last_year_criticisms)]
    return _page("督查通报", body, search=False)


def score_page(unit: str) -> str:
    return f"scores/{slug(unit)}.md"


def _rules_table(board: ScoreBoard) -> str:
    """The items the office scores, as in force on the board's day, with their points, caps and clauses."""
    rule = board.scoring.on(board.today)
    rows = [[h(item.label), h(points_text(item.points)), h(points_text(item.cap)) if item.cap is not None else "—",
             h(item.basis) or "—"] for item in rule.items.values() if item.points]
    limits = "；".join(part for part in (
        f"基础分 {score_text(rule.base)}", f"保底 {score_text(rule.floor)}" if rule.floor is not None else "",
        f"封顶 {score_text(rule.ceiling)}" if rule.ceiling is not None else "",
        f"协办单位按主办单位分值的 {score_text(rule.co_unit_share)}% 计") if part)
    revised = "；".join(f"{r.effective_from} 起修订" for r in board.scoring.rules[1:] if r.effective_from is not None)
    return (f"<p>{h(limits)}。{h(revised + '：每一项按发生当日有效的规则计分。') if revised else ''}</p>"
            + grid("ducha-tally", ["计分项目", "分值", "每件上限", "依据"], rows))


def _issued_table(page: str, assessment: Assessment) -> str:
    approved = f"，经{h(assessment.approved_by)}同意" if assessment.approved_by else ""
    return (f"<h2>{h(period_label(assessment.period))}考核结果（{assessment.date} 印发{approved}）</h2>"
            f"<p>数据提交 {h(assessment.data_commit[:12])}。</p>"
            + grid("ducha-tally", ["名次", "单位", "得分"],
                   ([str(u.rank), _unit_link(page, u.unit), h(score_text(u.score))] for u in assessment.units)))


def scores_index(data: SiteData) -> str:
    """考核: the current period's ranking, the rules it is scored by, and the results already issued."""
    board = data.scores
    assert board is not None
    page = "scores/index.md"
    rows = ([str(u.rank), f'<a href="{href(page, score_page(u.unit))}">{h(u.unit)}</a>', f"<strong>{h(score_text(u.score))}</strong>",
             str(u.counts.closed_on_time), str(u.counts.closed_late), rate_text(u.counts.on_time_rate),
             str(u.counts.overdue_open), str(u.counts.returned)] for u in board.units)
    body = ["<h1>考核</h1>", (f"<p>{h(board_heading(board))}；{h(commit_note(board))}。每个单位的得分逐项列明事项、日期、"
                            "计分规则和分值，点单位名称查看。</p>"),
            grid("ducha-tally", ["名次", "单位", "得分", "按期办结", "超期办结", "按期办结率", "超期未办结", "退回重办"], rows),
            "<h2>计分规则</h2>", _rules_table(board)]
    body += [_issued_table(page, a) for a in sorted(data.assessments, key=lambda a: a.date, reverse=True)]
    return _page("考核", body, search=False)


def unit_scores(data: SiteData, unit: str) -> str:
    """One unit's score, line by line: what it can check before it signs its 考核 table."""
    board = data.scores
    assert board is not None
    score = board.unit(unit)
    assert score is not None
    page = score_page(unit)
    by_id = data.by_id

    def case_cell(case: str) -> str:
        return "、".join(_link_case(page, by_id[c], False) if c in by_id else h(c) for c in case.split("、")) if case else ""

    rows = ([h(line.date), h(line.label), case_cell(line.case) + (f"（{h(line.role)}）" if line.role else ""),
             h(" ".join(part for part in (line.record, line.what) if part)) + (f"〔{h(line.basis)}〕" if line.basis else ""),
             h(points_text(line.points))] for line in score.lines)
    body = [f"<h1 {TITLED}>{h(unit)}：{h(board.period.label)}考核得分 {h(score_text(score.score))}</h1>",
            f"<p>第 {score.rank} 名。{h(board_heading(board))}；{h(commit_note(board))}。</p>",
            (f'<p><a href="{href(page, unit_page(unit))}">{h(unit)}的督查事项</a>；<a href="{href(page, "scores/index.md")}">'
            "各单位得分和计分规则</a></p>"),
            grid("ducha-cases", ["日期", "计分项目", "事项", "情况", "分值"], rows),
            f"<p>合计 <strong>{h(score_text(score.score))}</strong> 分。</p>"]
    return _page(f"{unit}考核得分", body, search=False)


def generate(data: SiteData, skip: frozenset[str] = frozenset()) -> Iterable[tuple[str, str]]:
    """Every page as (path inside the docs folder, Markdown), but those in ``skip``."""
    by_year: dict[int, list[Status]] = defaultdict(list)
    archived: dict[int, list[Status]] = defaultdict(list)
    children = _children(data.statuses)
    for s in data.statuses:
        by_year[s.case.year].append(s)
        if s.case.archive is not None:
            archived[s.case.year].append(s)
    yield "index.md", dashboard(data)
    yield "cases/index.md", cases_index(by_year)
    for year, group in by_year.items():
        yield f"cases/{year}/index.md", year_index(year, group)
    for s in data.statuses:
        if case_page(s.case) not in skip:
            yield case_page(s.case), case_markdown(data, s, children.get(s.case.id, []))
    yield "units/index.md", units_index(data)
    for unit in data.office.units:
        yield unit_page(unit.name), unit_markdown(data, unit.name, unit.full_name)
    yield "leaders/index.md", leaders_index(data)
    for leader in data.leaders:
        yield data.leader_pages[leader], leader_markdown(data, leader)
    yield "categories/index.md", categories_index(data, data.statuses)
    for category in data.office.category_names:
        yield category_page(category), category_markdown(category, data.statuses)
    yield "decisions.md", decisions_markdown(data.statuses)
    yield "calendars/index.md", calendars_markdown(data)
    for name, text in data.feeds.items():
        yield f"calendars/{name}", text
    yield "notices/index.md", notices_index(data)
    for notice in data.notices:
        yield notice_page(notice), notice_markdown(notice)
    for report in data.drafts:
        yield draft_page(report), draft_markdown(data, report)
    yield "archive/index.md", archive_index(archived)
    for year, group in archived.items():
        yield f"archive/{year}.md", archive_markdown(year, group)
    if data.scores is not None:
        yield "scores/index.md", scores_index(data)
        for scored in data.scores.units:
            yield score_page(scored.unit), unit_scores(data, scored.unit)


#: Generated pages listed in the site's navigation (mkdocs.yml ``nav``); every other one is rendered
#: with the ducha.html template, which reuses the tabs and menu of its depth.
IN_NAV = frozenset({"index.md", "cases/index.md", "units/index.md", "leaders/index.md", "categories/index.md",
                    "decisions.md", "notices/index.md", "archive/index.md", "calendars/index.md", "scores/index.md"})


def _templated(pages: Iterable[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    for path, text in pages:
        if path.endswith(".md") and path not in IN_NAV:
            text = text.replace("---\n", "---\ntemplate: ducha.html\n", 1)
        yield path, text


def rendered(data: SiteData, progress: Callable[[int], None] | None = None) -> dict[str, str]:
    """Every page as (path inside the docs folder → text), made in memory."""
    pages = {}
    for path, text in _templated(generate(data)):
        pages[path] = text
        if progress is not None:
            progress(1)
    return pages


def write_pages(docs: Path, data: SiteData, progress: Callable[[int], None] | None = None,
                skip: frozenset[str] = frozenset()) -> int:
    """Bring the generated part of ``docs`` up to date; returns how many pages there are.

    ``skip``: pages made elsewhere (`write_case_pages`), neither generated nor removed here.
    """
    return sync_files(docs, _templated(generate(data, skip)), GENERATED, progress, keep=skip)


def write_case_pages(docs: Path, data: SiteData, made: dict[str, tuple[object, str]]) -> int:
    """Write the case pages whose makings changed since ``made`` (updated), and remove those of cases
    that are gone; returns how many pages changed.

    A case page shows its case, its status, its parent's and children's lights and its audit
    trail: when none of these changed, neither did the page.
    """
    children = _children(data.statuses)
    written = 0
    pages = set()
    for s in data.statuses:
        page = case_page(s.case)
        pages.add(page)
        kids = children.get(s.case.id, [])
        measures = tuple(data.measures_by_case.get(s.case.id, ()))
        # Everything case_markdown reads: a page is made again when any of it changed.
        key = (s, tuple(kids), data.by_id.get(s.case.parent or ""), data.trails.get(s.case.id), data.head,
               data.office, data.full_names, tuple(data.leader_pages.items()), measures,
               tuple(o for o in data.orders if o.order in measures) if measures else ())
        if page in made and made[page][0] == key:
            continue
        text = next(iter(_templated([(page, case_markdown(data, s, kids))])))[1]
        target = docs / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        made[page] = (key, text)
        written += 1
    for page in set(made) - pages:  # a case removed (or moved to another year's folder)
        (docs / page).unlink(missing_ok=True)
        del made[page]
        written += 1
    return written


def _children(statuses: Sequence[Status]) -> dict[str, list[Status]]:
    children: dict[str, list[Status]] = defaultdict(list)
    for s in statuses:
        if s.case.parent is not None:
            children[s.case.parent].append(s)
    return children


def page_count(data: SiteData) -> int:
    """How many pages ``generate`` yields (for a progress bar), without rendering them."""
    years = {s.case.year for s in data.statuses}
    archived = {s.case.year for s in data.statuses if s.case.archive is not None}
    return (1 + 1 + len(years) + len(data.statuses) + 1 + len(data.office.units) + 1 + len(data.leaders) + 1
            + len(data.office.category_names) + 1 + 1 + len(archived) + 1 + len(data.notices) + len(data.drafts) + 1
            + len(data.feeds) + (1 + len(data.scores.units) if data.scores is not None else 0))
