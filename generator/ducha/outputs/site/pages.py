"""Markdown pages for the intranet site, written as plain files into the MkDocs docs folder.

Any engine that reads a folder of Markdown and a standard mkdocs.yml can build them.
Everything a record says reaches the page only through ``h()`` (HTML-escaped) inside raw
HTML blocks, which Markdown passes through untouched: a ``<script>``, a ``javascript:``
link or Markdown syntax typed into a record stays inert text. Page titles also feed
templates that do not escape (``striptags`` even unescapes), so they get ``inert_title``.
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

from ducha.io.files import sync_files
from ducha.model.case import Case, Stage, events
from ducha.model.notices import Mention, Notice
from ducha.model.office import Office, slug
from ducha.outputs.present import PROVISIONAL_NOTE, chase_reasons, criticism_count, light_label, rate_text, remaining
from ducha.repo.audit import AuditTrail
from ducha.rules import queues
from ducha.rules.deadlines import Light, Status, effective_time_limit
from ducha.rules.metrics import Tally, by_category, by_co_unit, by_lead_unit, tally
from ducha.rules.period_report import Item, PeriodReport, ranking_rule
from ducha.rules.schema import label

#: Folders and files this module owns inside the docs folder; removed before each generation.
GENERATED = ("index.md", "cases", "units", "categories", "decisions.md", "archive", "notices", "calendars")


def h(value: object) -> str:
    """HTML-escape a value from a record; newlines become line breaks (no blank lines in blocks)."""
    return html.escape(str(value), quote=True).replace("\r", "").replace("\n", "<br>")


_INERT = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ", "\r": " "})


def inert_title(text: str) -> str:
    """A title safe in templates that do not escape: markup characters become full-width lookalikes."""
    return text.translate(_INERT)


def href(from_page: str, to_page: str) -> str:
    """The relative URL from one generated page to another (``use_directory_urls: false``)."""
    target = to_page[:-3] + ".html" if to_page.endswith(".md") else to_page
    return h(os.path.relpath(target, os.path.dirname(from_page) or ".").replace(os.sep, "/"))


def case_page(case: Case) -> str:
    return f"cases/{case.year}/{case.id}.md"


def unit_page(unit: str) -> str:
    return f"units/{slug(unit)}.md"


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
    draft: PeriodReport | None = None
    feeds: dict[str, str] = field(default_factory=dict)  # calendar file name → iCalendar text

    def consequence(self, count: int) -> str:
        """What the ``count``-th criticism of the year costs a unit, in the office's words."""
        return self.office.wording.consequence(count)

    @functools.cached_property
    def by_id(self) -> dict[str, Status]:
        """Computed once: every case page looks up its parent here."""
        return {s.case.id: s for s in self.statuses}


#: Front-matter flag on generated pages: the body is already HTML. Any Markdown engine renders it
#: as is; the MkDocs hook (mkdocs_hook.py) also skips Markdown parsing for it, which is half the build.
HTML_FLAG = "ducha_html"
#: Separates what search should index (title, status, summary) from a case page's detail.
#: Record text cannot produce it: every value is escaped, so "<!--" never comes from a record.
DETAIL_MARK = "<!-- ducha:detail -->"


def _page(title: str, body: Iterable[str], search: bool = True) -> str:
    meta = [f"title: {json.dumps(inert_title(title), ensure_ascii=False)}", f"{HTML_FLAG}: true"]
    if not search:
        meta.append("search:\n  exclude: true")
    return "---\n" + "\n".join(meta) + "\n---\n\n" + "\n\n".join(body) + "\n"


def _link_case(page: str, status: Status, with_title: bool = True) -> str:
    case = status.case
    title = f" {h(case.title)}" if with_title else ""
    return f'<a href="{href(page, case_page(case))}">{h(case.id)}</a>{title}'


def _case_table(page: str, statuses: Sequence[Status], unit: bool = True) -> str:
    if not statuses:
        return '<p class="ducha-empty">（无）</p>'
    head = "<th>灯</th><th>编号</th><th>事项名称</th>" + ("<th>主办单位</th>" if unit else "") + \
        "<th>阶段</th><th>到期日</th><th>剩余/超期</th>"
    rows = []
    for s in statuses:
        lead = f'<td>{_unit_link(page, s.case.lead_unit)}</td>' if unit else ""
        rows.append(f"<tr><td>{light_badge(s)}</td><td>{_link_case(page, s, False)}</td><td>{h(s.case.title)}</td>"
                    f"{lead}<td>{h(s.stage.label)}</td><td>{due_text(s)}</td><td>{h(remaining(s))}</td></tr>")
    return f'<table class="ducha-cases"><thead><tr>{head}</tr></thead><tbody>\n{chr(10).join(rows)}\n</tbody></table>'


def _unit_link(page: str, unit: str | None) -> str:
    return f'<a href="{href(page, unit_page(unit))}">{h(unit)}</a>' if unit else "—"


def _mark(data: SiteData | None, name: str) -> str:
    if data is None or not data.criticisms.get(name):
        return ""
    count = data.criticisms[name]
    return f' <span class="ducha-criticised" title="{h(data.consequence(count))}">（{criticism_count(count)}）</span>'


def _tally_table(page: str, rows: dict[str, Tally], link: Callable[[str], str], heading: str,
                 marks: SiteData | None = None) -> str:
    body = "\n".join(
        f"<tr><td>{link(name)}{_mark(marks, name)}</td><td>{t.total}</td><td>{t.open}</td><td>{t.red}</td><td>{t.yellow}</td>"
        f"<td>{t.pending}</td><td>{t.closed}</td><td>{rate_text(t.on_time_rate)}</td></tr>"
        for name, t in rows.items() if t.total)
    return (f'<table class="ducha-tally"><thead><tr><th>{h(heading)}</th><th>合计</th><th>在办</th><th>红灯</th>'
            f"<th>黄灯</th><th>待审核</th><th>已办结</th><th>按期办结率</th></tr></thead><tbody>\n{body}\n</tbody></table>")


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
    return (f'<svg class="ducha-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


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
    overdue = queues.overdue(statuses)
    this_week = queues.due_soon(statuses, data.today)
    chase = queues.to_chase(statuses)
    followups = queues.followups_due(statuses)
    units = [u.name for u in data.office.units]
    unit_rows = by_lead_unit(statuses, units)
    chart = bar_chart([(name, count, css) for name, count, css in tiles])
    rate_chart = bar_chart([(u, t.on_time_rate or 0.0, "done") for u, t in unit_rows.items() if t.closed], unit="%")
    provisional = ('<p class="ducha-warning">注意：标有「（暂定）」的到期日涉及尚未公布放假安排的年份，按周一至周五推算，仅供参考。</p>'
                   if any(s.provisional for s in statuses) else "")
    chase_rows = "\n".join(
        f"<tr><td>{light_badge(s)}</td><td>{_link_case(page, s)}</td><td>{_unit_link(page, s.case.lead_unit)}</td>"
        f"<td>{h('、'.join(chase_reasons(s)))}</td></tr>" for s in chase)
    body = [
        f"<h1>{h(data.office.name)} · 督查事项总览</h1>",
        (f'<p class="ducha-asof">数据截至 <time datetime="{data.today}">{data.today}</time>'
        f"{'（数据提交 ' + h(data.head[:8]) + '）' if data.head else ''}。"
        f"共 {overall.total} 项，在办 {overall.open} 项，待审核 {overall.pending} 项，已办结 {overall.closed} 项，"
        f"按期办结率 <strong>{rate}</strong>。</p>"),
        f'<div class="ducha-cards">{cards}</div>',
        provisional,
        f'<div class="ducha-figure">{chart}</div>',
        f"<h2>超期未办结（{len(overdue)}）</h2>", _case_table(page, overdue),
        f"<h2>七日内到期（{len(this_week)}）</h2>", _case_table(page, this_week),
        f"<h2>催办候选（{len(chase)}）</h2>",
        f'<table class="ducha-chase"><thead><tr><th>灯</th><th>事项</th><th>主办单位</th><th>原因</th></tr></thead>'
        f"<tbody>\n{chase_rows}\n</tbody></table>" if chase else '<p class="ducha-empty">（无）</p>',
        f"<h2>待回头看（{len(followups)}）</h2>", _case_table(page, followups),
        "<h2>各单位（主办）</h2>", _tally_table(page, unit_rows, lambda u: _unit_link(page, u), "单位", data),
        f'<div class="ducha-figure"><p>各单位按期办结率</p>{rate_chart}</div>' if rate_chart else "",
        "<h2>各来源类型</h2>",
        _tally_table(page, by_category(statuses, data.office.category_names),
                     lambda c: f'<a href="{href(page, category_page(c))}">{h(c)}</a>', "来源类型"),
    ]
    return _page("督查事项总览", [b for b in body if b], search=False)


def _facts(page: str, data: SiteData, status: Status, children: Sequence[Status]) -> str:
    case = status.case
    category = f'<a href="{href(page, category_page(case.category))}">{h(case.category)}</a>'
    rows: list[tuple[str, str]] = [("编号", h(case.id)), ("来源类型", category)]
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
    rows.append(("交办日期", h(case.assigned or "—")))
    rows.append(("主办单位", _unit_link(page, case.lead_unit)))
    if case.co_units:
        rows.append(("协办单位", "、".join(_unit_link(page, u) for u in case.co_units)))
    if case.owner:
        rows.append(("责任人", h(case.owner)))
    limit = effective_time_limit(case, data.office)
    if limit is not None:
        rows.append(("办理时限", h(limit) + ("" if case.time_limit else "（按来源类型默认）")))
    rows.append(("到期日", due_text(status) + ("（已延期）" if status.extended else "")))
    rows.append(("阶段", h(status.stage.label)))
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
    rows = "\n".join(
        f"<tr><td>{h(e.requested)}</td><td>{h(e.reason)}</td>"
        f"<td>{h(e.term)}</td>"
        f"<td>{h(e.approved or '待批准')}</td><td>{h(e.approved_by or '—')}</td></tr>" for e in case.extensions)
    return ('<h2>延期</h2><table class="ducha-extensions">\n<tr><th>申请日期</th><th>理由</th><th>申请期限</th>'
            f"<th>批准日期</th><th>批准人</th></tr>\n{rows}\n</table>")


_EMAIL = re.compile(r"\s*<[^>]*>")


def _audit(trail: AuditTrail | None) -> str:
    if trail is None or not trail.entries:
        return '<h2>审计记录</h2><p class="ducha-empty">尚无提交历史。</p>'
    rows = "\n".join(
        f"<tr><td>{e.date:%Y-%m-%d %H:%M}</td><td>{h(e.author)}</td><td>{h(e.change)}</td>"
        f"<td>{h('、'.join(_EMAIL.sub('', r) for r in e.reviewers) or '—')}</td><td>{h(e.commit)}</td></tr>"
        for e in trail.entries)
    return ("<h2>审计记录</h2><p>来自 git 提交历史：谁在何时改了什么，经谁审核合并。</p>"
            f'<table class="ducha-audit">\n<tr><th>时间</th><th>提交人</th><th>改动</th><th>审核人</th>'
            f"<th>提交</th></tr>\n{rows}\n</table>")


def case_markdown(data: SiteData, status: Status, children: Sequence[Status]) -> str:
    case = status.case
    page = case_page(case)
    summary = case.requirements or case.source.instruction or ""
    timeline = "\n".join(f"<li>{e.date}　{h(e.kind)}：{h(e.text)}</li>" for e in events(case))
    body = [
        f"<h1>{h(case.id)} {h(case.title)}</h1>",
        (f'<p class="ducha-status">{light_badge(status)} {h(status.stage.label)} · 到期日 {due_text(status)}'
        f"{' · ' + h(remaining(status)) if remaining(status) else ''} · 主办 {_unit_link(page, case.lead_unit)}</p>"),
        f'<p class="ducha-summary">{h(summary)}</p>' if summary else "",
        DETAIL_MARK + '\n<div data-search-exclude class="ducha-detail">'
        + "\n" + _facts(page, data, status, children) + "\n" + _extensions(case)
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
    page = unit_page(unit)
    lead = [s for s in data.statuses if s.case.lead_unit == unit]
    co = [s for s in data.statuses if unit in s.case.co_units]
    mine = tally(lead)
    body = [
        f"<h1>{h(unit)}</h1>", f"<p>{h(full_name)}</p>", _criticism_note(data, unit),
        f'<p><a href="{href(page, f"calendars/{slug(unit)}.ics")}">订阅本单位的到期日历（iCalendar）</a></p>'
        if f"{slug(unit)}.ics" in data.feeds else "",
        (f"<p>主办 {mine.total} 项：在办 {mine.open} 项（红灯 {mine.red}，黄灯 {mine.yellow}），待审核 {mine.pending} 项，"
        f"已办结 {mine.closed} 项，按期办结率 <strong>{rate_text(mine.on_time_rate)}</strong>；协办 {len(co)} 项。</p>"),
        "<h2>主办在办</h2>", _case_table(page, [s for s in lead if s.stage.is_open or s.stage is Stage.PENDING_REVIEW], unit=False),
        "<h2>协办在办</h2>", _case_table(page, [s for s in co if s.stage.is_open or s.stage is Stage.PENDING_REVIEW]),
        "<h2>已办结</h2>", _case_table(page, [s for s in lead if s.stage in (Stage.CLOSED, Stage.ARCHIVED)], unit=False),
    ]
    return _page(unit, body, search=False)


def units_index(data: SiteData) -> str:
    page = "units/index.md"
    rows = by_lead_unit(data.statuses, [u.name for u in data.office.units])
    co = by_co_unit(data.statuses, [u.name for u in data.office.units])
    co_rows = "".join(f"<tr><td>{_unit_link(page, u)}</td><td>{t.total}</td><td>{t.open}</td></tr>"
                      for u, t in co.items() if t.total)
    return _page("承办单位", ["<h1>承办单位</h1>", "<h2>主办事项</h2>",
                          _tally_table(page, rows, lambda u: _unit_link(page, u), "单位", data),
                          "<h2>协办事项</h2>",
                          (f'<table class="ducha-tally"><thead><tr><th>单位</th><th>协办合计</th><th>在办</th></tr></thead>'
                          f"<tbody>{co_rows}</tbody></table>")], search=False)


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
    rows = "\n".join(
        f"<tr><td>{h(s.case.archive.number)}</td><td>{_link_case(page, s)}</td><td>{h(s.case.archive.retention)}</td>"
        f"<td>{h(s.case.archive.date)}</td></tr>" for s in sorted(statuses, key=lambda s: s.case.archive.number)  # type: ignore[union-attr]
        if s.case.archive is not None)
    return _page(f"{year} 年度档案", [f"<h1>{year} 年度档案</h1>", f"<p>已归档 {len(statuses)} 件。</p>",
                                   (f'<table class="ducha-cases"><thead><tr><th>档号</th><th>事项</th><th>保管期限</th>'
                                   f"<th>归档日期</th></tr></thead><tbody>\n{rows}\n</tbody></table>")], search=False)


def archive_index(years: dict[int, list[Status]]) -> str:
    page = "archive/index.md"
    items = "".join(f'<li><a href="{href(page, f"archive/{y}.md")}">{y} 年度</a>（{len(g)} 件）</li>'
                    for y, g in sorted(years.items(), reverse=True))
    return _page("档案", ["<h1>档案</h1>", "<p>已注结销号、归档封存的督查事项，按年度查阅。</p>",
                        f"<ul>{items}</ul>" if items else '<p class="ducha-empty">（尚无归档）</p>'], search=False)


def _criticism_note(data: SiteData, unit: str) -> str:
    count = data.criticisms.get(unit, 0)
    if not count:
        return ""
    return (f'<p class="ducha-warning">{data.today.year}年已被通报批评 {count} 次：{h(data.consequence(count))}。</p>')


def _items_html(page: str, data: SiteData, items: Sequence[Item]) -> str:
    if not items:
        return '<p class="ducha-empty">（无）</p>'
    by_id = data.by_id
    rows = "\n".join(
        f"<tr><td>{_link_case(page, by_id[i.id]) if i.id in by_id else h(i.id + ' ' + i.title)}</td>"
        f"<td>{h(i.unit)}</td><td>{h(i.detail)}</td></tr>" for i in items)
    return f'<table class="ducha-cases"><tr><th>事项</th><th>主办单位</th><th>情况</th></tr>\n{rows}\n</table>'


def draft_markdown(data: SiteData, report: PeriodReport) -> str:
    page = "notices/draft.md"
    totals = "".join(f"<tr><td>{h(k)}</td><td>{v}</td></tr>" for k, v in report.totals().items())
    units = "\n".join(
        f"<tr><td>{n}</td><td>{_unit_link(page, r.unit)}{'（本期批评）' if r.criticised_in_period else ''}</td>"
        f"<td>{r.closed}</td><td>{r.on_time}</td><td>{r.late}</td>"
        f"<td>{rate_text(r.rate)}</td><td>{r.overdue_open}</td>"
        f"<td>{h(f'{r.criticised_this_year}次（{r.consequence}）') if r.criticised_this_year else '—'}</td></tr>"
        for n, r in enumerate(report.units, 1))
    proposals = "".join(
        f"<li>{kind}：{h(p.unit)}——{h(p.reason)}<br><small>依据：{h(p.basis)}</small></li>"
        for kind, group in (("拟表扬", report.praise), ("拟批评", report.criticism))
        for p in group) or "<li>（无）</li>"
    body = [f"<h1>{h(report.period.label)}督查通报（草稿）</h1>",
            (f'<p class="ducha-asof">统计期间 {report.period.start} 至 {report.period.end}，数据截至 {report.today}。'
            "印发前由督查室审定；印发后的通报见「通报」列表。</p>"),
            f'<table class="ducha-tally"><tr><th>指标</th><th>数量</th></tr>{totals}</table>',
            "<h2>各单位办理情况</h2>", f"<p>排名规则：{h(ranking_rule(report.ranking))}</p>",
            (f'<table class="ducha-tally"><tr><th>排名</th><th>单位</th><th>办结</th><th>按期</th><th>超期</th><th>按期办结率</th>'
            f"<th>超期未办结</th><th>本年度被批评</th></tr>\n{units}\n</table>"),
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


def notice_markdown(notice: Notice) -> str:
    def mentions(items: Sequence[Mention]) -> str:
        return "".join(f"<li>{h(m.unit)}：{h(m.reason)}（{h('、'.join(m.cases))}）</li>" for m in items) or "<li>（无）</li>"

    body = [f"<h1>{h(notice.doc_no)}</h1>",
            f"<p>印发日期 {notice.date}；统计期间 {h(notice.period)}；数据提交 {h(notice.data_commit[:12])}。</p>",
            "<h2>通报表扬</h2>", f"<ul>{mentions(notice.praised)}</ul>",
            "<h2>通报批评</h2>", f"<ul>{mentions(notice.criticised)}</ul>"]
    return _page(notice.doc_no, body, search=False)


def notices_index(data: SiteData) -> str:
    page = "notices/index.md"
    rows = "\n".join(
        f'<tr><td><a href="{href(page, f"notices/{n.date.year}-{n.number:03d}.md")}">{h(n.doc_no)}</a></td>'
        f"<td>{n.date}</td><td>{h(n.period)}</td><td>{h('、'.join(m.unit for m in n.praised)) or '—'}</td>"
        f"<td>{h('、'.join(m.unit for m in n.criticised)) or '—'}</td></tr>"
        for n in sorted(data.notices, key=lambda n: (n.date, n.number), reverse=True))
    tally = "".join(f"<li>{_unit_link(page, u)}：{c} 次，{h(data.consequence(c))}</li>" for u, c in sorted(data.criticisms.items()))
    body = ["<h1>督查通报</h1>"]
    if data.draft is not None:
        body.append(f'<p>本期草稿：<a href="{href(page, "notices/draft.md")}">{h(data.draft.period.label)}督查通报（草稿）</a></p>')
    body += ["<h2>已印发</h2>",
             '<table class="ducha-cases"><tr><th>发文字号</th><th>印发日期</th><th>统计期间</th><th>表扬</th><th>批评</th></tr>'
             f"\n{rows}\n</table>"
             if rows else '<p class="ducha-empty">（尚无印发的通报）</p>',
             f"<h2>{data.today.year}年通报批评统计</h2>", f"<ul>{tally}</ul>" if tally else '<p class="ducha-empty">（无）</p>']
    return _page("督查通报", body, search=False)


def generate(data: SiteData) -> Iterable[tuple[str, str]]:
    """Every page as (path inside the docs folder, Markdown)."""
    by_year: dict[int, list[Status]] = defaultdict(list)
    archived: dict[int, list[Status]] = defaultdict(list)
    children: dict[str, list[Status]] = defaultdict(list)
    for s in data.statuses:
        by_year[s.case.year].append(s)
        if s.case.archive is not None:
            archived[s.case.year].append(s)
        if s.case.parent is not None:
            children[s.case.parent].append(s)
    yield "index.md", dashboard(data)
    yield "cases/index.md", cases_index(by_year)
    for year, group in by_year.items():
        yield f"cases/{year}/index.md", year_index(year, group)
    for s in data.statuses:
        yield case_page(s.case), case_markdown(data, s, children.get(s.case.id, []))
    yield "units/index.md", units_index(data)
    for unit in data.office.units:
        yield unit_page(unit.name), unit_markdown(data, unit.name, unit.full_name)
    yield "categories/index.md", categories_index(data, data.statuses)
    for category in data.office.category_names:
        yield category_page(category), category_markdown(category, data.statuses)
    yield "decisions.md", decisions_markdown(data.statuses)
    yield "calendars/index.md", calendars_markdown(data)
    for name, text in data.feeds.items():
        yield f"calendars/{name}", text
    yield "notices/index.md", notices_index(data)
    for notice in data.notices:
        yield f"notices/{notice.date.year}-{notice.number:03d}.md", notice_markdown(notice)
    if data.draft is not None:
        yield "notices/draft.md", draft_markdown(data, data.draft)
    yield "archive/index.md", archive_index(archived)
    for year, group in archived.items():
        yield f"archive/{year}.md", archive_markdown(year, group)


def write_pages(docs: Path, data: SiteData, progress: Callable[[int], None] | None = None) -> int:
    """Bring the generated part of ``docs`` up to date; returns how many pages there are."""
    return sync_files(docs, generate(data), GENERATED, progress)


def page_count(data: SiteData) -> int:
    """How many pages ``generate`` yields (for a progress bar), without rendering them."""
    years = {s.case.year for s in data.statuses}
    archived = {s.case.year for s in data.statuses if s.case.archive is not None}
    return (1 + 1 + len(years) + len(data.statuses) + 1 + len(data.office.units) + 1 + len(data.office.category_names)
            + 1 + 1 + len(archived) + 1 + len(data.notices) + (data.draft is not None) + 1 + len(data.feeds))
