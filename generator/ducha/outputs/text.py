"""Turning results into text for people and JSON/CSV for machines. No checking happens here."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ducha.model.case import Case, events
from ducha.model.measures import MEASURE_KINDS
from ducha.outputs.present import flags, light_label, rate_text, reading_flags, reading_text, remaining, withheld_review
from ducha.outputs.safe import formula_inert, terminal
from ducha.rules.deadlines import Light, Status
from ducha.rules.metrics import tally
from ducha.rules.period_report import UnitRow, ranking_rule

if TYPE_CHECKING:  # keeps the git code out of commands that never read history
    from ducha.repo.audit import AuditTrail
    from ducha.rules.late import LateEntry
    from ducha.rules.period_report import Item, PeriodReport

_ANSI = {Light.RED: "\x1b[31m", Light.YELLOW: "\x1b[33m", Light.GREEN: "\x1b[32m",
         Light.LATE: "\x1b[35m", Light.DONE: "\x1b[36m", Light.NONE: ""}
_RESET = "\x1b[0m"


#: East Asian Wide and Fullwidth characters (CJK, kana, hangul, full-width forms): two columns.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (with …) and padded to exactly that width."""
    used = display_width(text)
    if used > width:
        cut, used = [], 1  # room for the ellipsis
        for ch in text:
            w = 2 if _WIDE.match(ch) else 1
            if used + w > width:
                break
            cut.append(ch)
            used += w
        text = "".join(cut) + "…"
    return text + " " * (width - used)


def status_table(board: Sequence[Status], color: bool) -> str:
    """The Chinese status table, one row per case, coloured by light."""
    header = ["灯", "编号", "事项名称", "主办单位", "阶段", "到期日", "剩余/超期", "备注"]
    widths = [8, 13, 30, 12, 6, 10, 14, 0]
    rows = [[light_label(s), s.case.id, terminal(s.case.title), terminal(s.case.lead_unit or "—"), s.stage.label,
             s.due.isoformat() if s.due else "—", remaining(s), flags(s)] for s in board]
    out = ["  ".join(fit(h, w) if w else h for h, w in zip(header, widths, strict=True)).rstrip()]
    for status, row in zip(board, rows, strict=True):
        line = "  ".join(fit(cell, w) if w else cell for cell, w in zip(row, widths, strict=True)).rstrip()
        if color and _ANSI[status.light]:
            line = f"{_ANSI[status.light]}{line}{_RESET}"
        out.append(line)
    t = tally(board)
    today = board[0].today.isoformat() if board else ""
    out.append(f"共 {t.total} 项（{today}）：红灯 {t.red}，黄灯 {t.yellow}，绿灯 {t.green}，待审核 {t.pending}，"
               f"按期办结 {t.closed_on_time}，超期办结 {t.closed_late}，未交办 {t.registered}，已撤销 {t.cancelled}。")
    if any(s.provisional for s in board):
        out.append("注意：部分到期日涉及尚未公布放假安排的年份，按周一至周五推算，仅供参考；"
                   "请在 office.yaml 的 holiday_overrides 中补充当年安排。")
    return "\n".join(out) + "\n"


def status_json(board: Sequence[Status]) -> str:
    """A JSON array, one case per line: readable, diff-friendly, and json's C encoder
    (``indent=`` would fall back to the pure-Python one, several times slower)."""
    rows = [json.dumps(s.as_json(), ensure_ascii=False) for s in board]
    return "[\n" + ",\n".join(rows) + "\n]\n" if rows else "[]\n"


def status_csv(board: Sequence[Status]) -> str:
    """CSV with the JSON keys as header; co-units joined with 、."""
    buffer = io.StringIO()
    keys = list(board[0].as_json()) if board else ["id"]
    writer = csv.DictWriter(buffer, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    for status in board:
        row = status.as_json()
        row["co_units"] = "、".join(status.case.co_units)
        writer.writerow({key: formula_inert(value) if isinstance(value, str) else value for key, value in row.items()})
    return buffer.getvalue()


def audit_text(trail: AuditTrail) -> str:
    """The git audit trail: who changed what, when, and who approved it."""
    lines = []
    for e in trail.entries:
        signed = f"（{e.signature}）" if e.signature else ""
        if e.reviewers:
            approved = f"  审核：{'、'.join(e.reviewers)}{signed}"
        elif e.signature:  # the server's key is required, and this 审核 does not carry it
            approved = f"  审核：{withheld_review(e.signature)}"
        else:
            approved = ""
        merged = f"（经合并提交 {e.merged_in}）" if e.merged_in and e.reviewers else ""
        lines.append(f"  {e.date:%Y-%m-%d %H:%M}  {e.author}  {e.commit}  {e.change}{approved}{merged}")
        lines.append(f"      提交说明：{e.subject}")
    return "\n".join(lines)


def timeline_text(case: Case, trail: AuditTrail | None, late: Sequence[LateEntry] = ()) -> str:
    """A case's 办理经过, its 补录 entries and its audit trail, as plain text (for the terminal and the archive)."""
    head = [f"{case.id} {case.title}",
            f"来源类型：{case.category}    主办单位：{case.lead_unit or '—'}    协办单位：{'、'.join(case.co_units) or '—'}"]
    if case.archive is not None:
        head.append(f"档号：{case.archive.number}（保管期限 {case.archive.retention}）")
    body = ["", "办理经过"] + [f"  {e.date}  {e.kind}  {e.text}" for e in events(case)]
    if late:
        body += ["", "补录（晚于事情发生登记的记录）"] + [f"  {entry.text(with_commit=True)}" for entry in late]
    if trail is not None and trail.entries:
        body += ["", f"审计记录（git 提交历史，截至 {trail.head[:8]}）", audit_text(trail)]
    else:
        body += ["", "审计记录：尚无提交历史。"]
    return "\n".join(head + body) + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "｜").replace("\n", " ")


def _items_table(items: Sequence[Item]) -> list[str]:
    if not items:
        return ["无。"]
    rows = ["| 序号 | 编号 | 事项 | 主办单位 | 情况 |", "| --- | --- | --- | --- | --- |"]
    rows += [f"| {n} | {i.id} | {_cell(i.title)} | {_cell(i.unit)} | {_cell(i.detail)} |" for n, i in enumerate(items, 1)]
    return rows


def report_markdown(report: PeriodReport) -> str:
    """The 通报 in Markdown: every number beside the list it counts."""
    t = report.totals()
    p = report.period
    out = [f"# {report.office}督查通报（{p.label}）", "",
           f"> 统计期间：{p.start} 至 {p.end}；数据截至 {report.today}；数据提交 {report.data_commit}。", "",
           "## 一、总体情况", "",
           (f"本期新立项 {t['新立项']} 项；办结 {t['办结']} 项，其中按期办结 {t['按期办结']} 项、超期办结 {t['超期办结']} 项，"
           f"按期办结率 {rate_text(report.rate)}；截至 {report.today} 超期未办结 {t['超期未办结']} 项；"
           f"批准延期 {t['延期']} 次；退回重办 {t['退回重办']} 次；回头看 {t['回头看']} 次，"
           f"其中整改不到位、再督查 {t['再督查']} 项；未达到序时进度 {t['未达到序时进度']} 项。"), "",
           "| 指标 | 数量 |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in t.items()] + [
           "", "## 二、各单位办理情况", "", f"主办事项排名规则：{ranking_rule(report.ranking)}协办事项另列。", "",
           "| 排名 | 单位 | 办结 | 按期 | 超期 | 按期办结率 | 超期未办结 | 协办事项 | 本年度被通报批评 |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    out += _ranked(report.units)
    out += _offices_markdown(report)
    sections = [("三、新立项事项", report.registered), ("四、办结事项（按期）", report.closed_on_time),
                ("五、办结事项（超期）", report.closed_late), ("六、超期未办结事项", report.overdue),
                ("七、退回重办", report.returned), ("八、延期事项", report.extended), ("九、回头看情况", report.followups)]
    for title, items in sections:
        out += ["", f"## {title}（{len(items)}）", ""] + _items_table(items)
    for title, items in (("再督查、重新办理", report.reopened), ("未达到序时进度", report.behind)):
        if items:
            out += ["", f"### {title}（{len(items)}）", ""] + _items_table(items)
    if report.satisfaction:
        given = report.satisfied()
        out += ["", f"### 建议提案满意度（满意{given['满意']}、基本满意{given['基本满意']}、不满意{given['不满意']}）", "",
                "| 序号 | 编号 | 满意度 | 主办单位 | 情况 |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {n} | {i.id} | {i.title} | {_cell(i.unit)} | {_cell(i.detail)} |" for n, i in enumerate(report.satisfaction, 1)]
    if report.surveys:
        out += ["", f"### 督查调研、评估和调查（{len(report.surveys)}）", "", "| 序号 | 编号 | 类别 | 涉及单位 | 情况 |",
                "| --- | --- | --- | --- | --- |"]
        out += [f"| {n} | {i.id} | {i.title} | {_cell(i.unit)} | {_cell(i.detail)} |" for n, i in enumerate(report.surveys, 1)]
    if report.measures:
        counts = "、".join(f"{kind}{report.totals()[kind]}" for kind in MEASURE_KINDS if report.totals()[kind])
        out += ["", f"### 督查问责（{counts}）", "", "| 序号 | 编号 | 类别 | 单位 | 情况 |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {n} | {i.id} | {_cell(i.title)} | {_cell(i.unit)} | {_cell(i.detail)} |"
                for n, i in enumerate(report.measures, 1)]
    out += ["", f"## 十、拟通报表扬（{len(report.praise)}）", ""]
    out += [f"{n}. {p.unit}：{p.reason}（{'、'.join(p.cases)}）。依据：{p.basis}。"
            for n, p in enumerate(report.praise, 1)] or ["无。"]
    if report.withheld:
        out += ["", f"不列入拟表扬（{len(report.withheld)}）：", ""]
        out += [f"{n}. {w.unit}：{w.reason}。依据：{w.basis}。" for n, w in enumerate(report.withheld, 1)]
    out += ["", f"## 十一、拟通报批评（{len(report.criticism)}）", ""]
    for n, c in enumerate(report.criticism, 1):
        after, outcome = report.next_criticism(c.unit)
        out.append(f"{n}. {c.unit}：{c.reason}。依据：{c.basis}。如本通报印发，为本年度第{after}次通报批评，按规定{outcome}。")
    if not report.criticism:
        out.append("无。")
    if report.owed:
        out += ["", f"### 本年度通报批评应采取的措施（{len(report.owed)}）", "",
                "| 单位 | 第几次 | 通报 | 应采取 | 记录 |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {_cell(o.unit)} | {o.count} | {_cell(o.notice)} | {o.kind} | {o.done or '尚未记录'} |" for o in report.owed]
    if report.accountability:
        out += ["", f"### 拟提出问责建议（{len(report.accountability)}）", "",
                "经调查核实后，由督查室提出问责建议，报主要领导审定；作出后用 `ducha measure --kind 问责` 记录。", ""]
        out += [f"{n}. {a.unit}：{a.reason}。依据：{a.basis}。" for n, a in enumerate(report.accountability, 1)]
    if report.bulletins is not None:
        b = report.bulletins
        out += ["", "## 十二、督查专报", "",
                (f"{b.year}年已报送《督查专报》{b.issued}期，其中反映问题{b.on_problems}期；"
                f"年度任务（本室规则）不少于{b.quota}期，其中反映问题不少于{b.problems_needed}期"
                f"（尚差{max(b.quota - b.issued, 0)}期，反映问题尚差{max(b.problems_needed - b.on_problems, 0)}期）。")]
    if report.recorded_late:
        out += ["", f"## 附：本期补录的记录（{len(report.recorded_late)}）", "",
                "登记（提交）晚于事情发生超过规定工作日数的记录。是否按期仍按记录本身的日期认定；上文中标有【补录】的，依据的记录系补录。",
                ""] + _items_table(report.recorded_late)
    return "\n".join(out) + "\n"


def _ranked(rows: Sequence[UnitRow]) -> list[str]:
    """A 通报's ranking table rows, units' and subordinate offices' alike: rank, name, closures, criticisms."""
    out = []
    for n, r in enumerate(rows, 1):
        criticised = f"{r.criticised_this_year}次（{r.consequence}）" if r.criticised_this_year else "—"
        unit = f"{r.unit}（本期批评）" if r.criticised_in_period else r.unit
        out.append(f"| {n} | {unit} | {r.closed} | {r.on_time} | {r.late} | {rate_text(r.rate)} | {r.overdue_open} | "
                   f"{r.co_handled} | {criticised} |")
    return out


def _offices_markdown(report: PeriodReport) -> list[str]:
    """下级督查室: ranked by the same rules as units on their own handling of the cases delegated to them."""
    if not report.offices:
        return []
    out = ["", "### 下级督查室办理情况", "",
           "交办下级督查室的事项，按各下级自己的规则和日历计算；排名规则同上。各下级的数据读取情况：", ""]
    for reading in report.readings:
        flags = "；".join(reading_flags(reading))
        out.append(f"- {reading.name}：{reading_text(reading)}" + (f"。注意：{flags}" if flags else ""))
    out += ["", "| 排名 | 下级督查室 | 办结 | 按期 | 超期 | 按期办结率 | 超期未办结 | 协办事项 | 本年度被通报批评 |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    out += _ranked(report.offices)
    out += ["", f"#### 下级办理情况（{len(report.below)}）", ""] + _items_table(report.below)
    return out


def report_json(report: PeriodReport) -> str:
    """The report for machines; dates as ISO strings, keys stable."""
    import dataclasses

    def plain(value: object) -> object:
        if isinstance(value, dt.date):
            return value.isoformat()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            data = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
            for name in ("rate", "consequence", "problems_needed", "closed"):
                if hasattr(type(value), name) and isinstance(getattr(type(value), name), property):
                    data[name] = plain(getattr(value, name))
            return data
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    payload = plain(report)
    assert isinstance(payload, dict)
    payload["totals"] = report.totals()
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
