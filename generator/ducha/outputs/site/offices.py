"""上下联动 on the site: the 下级督查室 page (each subordinate office's handling of the cases delegated to it,
its figures and how it was read) and the 下级办理情况 section of a case page.

Made from ``SiteData.rollup``, already cut to what the profile's audience may see (``Rollup.seen_by``):
only this office's shown cases, only the subordinate's cases it does not keep 内部, none of its internal
fields. Every reading is shown with the office, the commit and the fetch time, and flagged where stale or
rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence

from ducha.outputs.present import below_report, latest_progress, rate_text, reading_flags, reading_text, remaining
from ducha.outputs.site.pages import (
    DETAIL_MARK,
    TITLED,
    SiteData,
    _page,
    case_page,
    due_text,
    grid,
    h,
    href,
    light_badge,
    unit_page,
)
from ducha.rules.rollup import Below, OfficeRollup, overdue

#: The page of the subordinate offices.
OFFICES_PAGE = "offices.md"


def _flags(flags: Sequence[str]) -> str:
    return "".join(f'<p class="ducha-warning" data-flag="reading">注意：{h(flag)}</p>' for flag in flags)


def _below_row(page: str, data: SiteData, below: Below) -> list[str]:
    above = data.by_id.get(below.upstream_id)
    ours = f'<a href="{href(page, case_page(above.case))}">{h(below.upstream_id)}</a>' if above else h(below.upstream_id)
    return [ours, h(below.office), h(below.case.id), light_badge(below.status), h(below.status.stage.label),
            due_text(below.status), h(remaining(below.status)), h(latest_progress(below.case)) or "—",
            h(below_report(below)) or "—", h(reading_text(below.reading))]


_BELOW_HEADERS = ["本室事项", "下级督查室", "下级编号", "灯", "阶段", "到期日", "剩余/超期", "最新进展", "审核通过的办理报告", "读取"]


def below_html(page: str, data: SiteData, case_id: str) -> str:
    """下级办理情况 of one case: the subordinates' own stage, light and due date, each with its reading."""
    if data.rollup is None:
        return ""
    found, waiting = data.rollup.below(case_id), data.rollup.waiting(case_id)
    if not found and not waiting:
        return ""
    rows = [_below_row(page, data, b)[1:] for b in found]
    rows += [[h(o.name), "—", "—", "尚未登记" if o.reading.commit else "尚未读取", "—", "—", "—", "—",
              h(reading_text(o.reading))] for o in waiting]
    flags = [f"{b.office}：{flag}" for b in found for flag in reading_flags(b.reading)]
    flags += [f"{o.name}：{flag}" for o in waiting for flag in reading_flags(o.reading) if o.reading.commit]
    return ("<h2>下级办理情况</h2>"
            f'<p>各下级督查室按自己的规则和日历计算；本事项的灯色仍按本室的到期日。'
            f'<a href="{href(page, OFFICES_PAGE)}">下级督查室一览</a></p>'
            + _flags(list(dict.fromkeys(flags))) + grid("ducha-below", _BELOW_HEADERS[1:], rows))


def _office_section(page: str, data: SiteData, office: OfficeRollup, number: int) -> list[str]:
    t = office.figures
    body = [f'<h2 id="office-{number}">{h(office.name)}</h2>',
            (f"<p>{h(office.own_name) + '，' if office.own_name and office.own_name != office.name else ''}"
            f"{h(reading_text(office.reading))}。"
            f'<a href="{href(page, unit_page(office.name))}">本室对其交办的事项</a></p>'),
            _flags(reading_flags(office.reading)),
            (f"<p>交办 {len(office.delegated)} 项，下级已登记 {len(office.below)} 项：在办 {t.open} 项（红灯 {t.red}，黄灯 {t.yellow}），"
             f"待审核 {t.pending} 项，按期办结 {t.closed_on_time} 项，超期办结 {t.closed_late} 项，"
             f"按期办结率 <strong>{rate_text(t.on_time_rate)}</strong>；超期未办结 {len(overdue(office))} 项。</p>")]
    if office.missing:
        links = "、".join(f'<a href="{href(page, case_page(data.by_id[i].case))}">{h(i)}</a>' if i in data.by_id else h(i)
                         for i in office.missing)
        body.append(f"<p>尚未登记的交办事项：{links}</p>")
    if office.published is not None:
        p = office.published.tally
        body.append(f"<p>本身的全部事项（对方发布，截至 {office.published.on}）：共 {p.total} 项，在办 {p.open} 项（红灯 {p.red}），"
                    f"待审核 {p.pending} 项，按期办结率 {rate_text(p.on_time_rate)}。</p>")
    body += [f'<p class="ducha-note">未能读取：{h(note)}</p>' for note in office.notes]
    body.append(grid("ducha-below", _BELOW_HEADERS, [_below_row(page, data, b) for b in office.below]))
    return body


def offices_markdown(data: SiteData) -> str:
    """下级督查室: per subordinate office, the cases delegated to it by light, its on-time rate and overdue."""
    page = OFFICES_PAGE
    assert data.rollup is not None
    rows = []
    for number, office in enumerate(data.rollup.offices, 1):
        t = office.figures
        rows.append([f'<a href="#office-{number}">{h(office.name)}</a>', str(len(office.delegated)), str(len(office.missing)),
                     str(t.red), str(t.yellow), str(t.green), str(t.pending), str(t.closed_on_time), str(t.closed_late),
                     rate_text(t.on_time_rate), str(len(overdue(office))), h(reading_text(office.reading))])
    body = [f"<h1 {TITLED}>下级督查室</h1>",
            ("<p>交办下级督查室的事项，按各下级自己的规则和日历计算（本室事项的灯色仍按本室的到期日）；"
            "数据来自上次 ducha rollup 读取的各下级仓库。</p>"),
            grid("ducha-tally", ["下级督查室", "交办", "未登记", "红灯", "黄灯", "绿灯", "待审核", "按期办结", "超期办结",
                                 "按期办结率", "超期未办结", "读取"], rows),
            DETAIL_MARK]
    for number, office in enumerate(data.rollup.offices, 1):
        body += _office_section(page, data, office, number)
    return _page("下级督查室", [b for b in body if b], search=False)
