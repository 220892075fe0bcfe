"""上下联动 in the terminal and as JSON: what ``ducha intake`` found above and wrote here, the subordinate
offices' figures (``ducha status --offices``, ``ducha rollup``), and 下级办理情况 under the status table.

Every label and number comes from ``present`` and ``rules.metrics``; nothing is computed here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence

from ducha.model.links import Reading
from ducha.outputs.present import (
    below_report,
    below_state,
    due_text,
    latest_progress,
    light_label,
    rate_text,
    reading_flags,
    reading_text,
)
from ducha.outputs.safe import terminal
from ducha.outputs.text import fit
from ducha.rules.deadlines import Status
from ducha.rules.metrics import Tally
from ducha.rules.rollup import Below, OfficeRollup, Rollup, overdue


def _reading_lines(name: str, reading: Reading, notes: Sequence[str] = ()) -> list[str]:
    lines = [f"{terminal(name)}：{reading_text(reading)}"]
    lines += [f"  注意：{terminal(flag)}" for flag in reading_flags(reading)]
    lines += [f"  未能读取：{terminal(note)}" for note in notes]
    return lines


_HEADER = ["下级督查室", "交办", "未登记", "红灯", "黄灯", "绿灯", "待审核", "按期办结", "超期办结", "按期办结率", "超期未办结"]
_WIDTHS = [16, 4, 6, 4, 4, 4, 6, 8, 8, 10, 10]


def _row(office: OfficeRollup) -> list[str]:
    t = office.figures
    return [office.name, str(len(office.delegated)), str(len(office.missing)), str(t.red), str(t.yellow), str(t.green),
            str(t.pending), str(t.closed_on_time), str(t.closed_late), rate_text(t.on_time_rate), str(len(overdue(office)))]


def _totals(t: Tally) -> str:
    return (f"共 {t.total} 项：红灯 {t.red}，黄灯 {t.yellow}，绿灯 {t.green}，待审核 {t.pending}，按期办结 {t.closed_on_time}，"
            f"超期办结 {t.closed_late}，按期办结率 {rate_text(t.on_time_rate)}")


def offices_text(rollup: Rollup) -> str:
    """Per subordinate office: delegated cases by light, on-time rate, overdue, and its own published totals."""
    if not rollup.offices:
        return "office.yaml 没有设置下级督查室（subordinates）。\n"
    out = [f"下级督查室办理情况（{rollup.today}，按各下级自己的规则和日历计算）",
           "  ".join(fit(h, w) for h, w in zip(_HEADER, _WIDTHS, strict=True)).rstrip()]
    out += ["  ".join(fit(terminal(cell), w) for cell, w in zip(_row(o), _WIDTHS, strict=True)).rstrip()
            for o in rollup.offices]
    out.append("")
    for office in rollup.offices:
        out += _reading_lines(office.name, office.reading, office.notes)
        if office.published is not None:
            out.append(f"  本身的全部事项（对方发布，截至 {office.published.on}）：{_totals(office.published.tally)}")
        if office.missing:
            out.append(f"  尚未登记的交办事项：{'、'.join(office.missing)}")
    return "\n".join(out) + "\n"


def below_lines(below: Sequence[Below], waiting: Sequence[OfficeRollup], case_id: str) -> list[str]:
    """下级办理情况 of one case, one line per subordinate case (and per subordinate that has not taken it in)."""
    lines = []
    for b in below:
        lines.append(f"  {terminal(b.office)} {b.case.id}：{below_state(b)}（{reading_text(b.reading)}）")
        if latest_progress(b.case):
            lines.append(f"      最新进展：{terminal(latest_progress(b.case))}")
        if below_report(b):
            lines.append(f"      审核通过的办理报告：{terminal(below_report(b))}")
        lines += [f"      注意：{terminal(flag)}" for flag in reading_flags(b.reading)]
    for office in waiting:
        state = "尚未登记" if office.reading.commit is not None else "尚未读取"
        lines.append(f"  {terminal(office.name)}：{state}（{reading_text(office.reading)}）")
        lines += [f"      注意：{terminal(flag)}" for flag in reading_flags(office.reading) if office.reading.commit]
    return lines


def status_below(board: Sequence[Status], rollup: Rollup) -> str:
    """下级办理情况 under the status table: every listed case delegated to a subordinate office."""
    out = []
    for status in board:
        case_id = status.case.id
        lines = below_lines(rollup.below(case_id), rollup.waiting(case_id), case_id)
        if lines:
            out.append(f"{case_id}（本室：{light_label(status)}，到期 {due_text(status)}）")
            out += lines
    return ("\n下级办理情况（各下级按自己的规则计算；本室的灯色仍按本室的到期日）\n" + "\n".join(out) + "\n") if out else ""


def _plain(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value.value if hasattr(value, "value") and not isinstance(value, (str, int)) else value


def below_data(below: Below) -> dict[str, object]:
    """One subordinate case as JSON data: where it was read, its status under its own rules, its approved report."""
    return {"office": below.office, "upstream_id": below.upstream_id, "id": below.case.id, "title": below.case.title,
            "path": below.path, "commit": below.commit, "sha256": below.sha256, "read_at": _plain(below.reading.read_at),
            "stale": below.reading.stale, "rewritten": below.reading.rewritten, "status": below.status.as_json(),
            "report": _plain(below.report), "review": _plain(below.review)}


def rollup_json(rollup: Rollup) -> str:
    """The rollup for other tools (考核 reads the same values): every office, its figures and its cases."""
    plain = _plain

    offices = []
    for office in rollup.offices:
        figures = office.figures
        offices.append({
            "name": office.name, "own_name": office.own_name, "fonds": office.fonds, "format": office.format,
            "reading": plain(office.reading), "stale": office.reading.stale, "rewritten": office.reading.rewritten,
            "delegated": list(office.delegated), "missing": list(office.missing), "notes": list(office.notes),
            "figures": {**plain(figures), "on_time_rate": figures.on_time_rate},  # type: ignore[dict-item]
            "overdue": [b.case.id for b in overdue(office)],
            "published": plain(office.published),
            "cases": [below_data(b) for b in office.below],
        })
    # One office a line: json's C encoder (``indent=`` falls back to the pure-Python one, several times slower).
    lines = [json.dumps(office, ensure_ascii=False) for office in offices]
    return (f'{{"today": "{rollup.today.isoformat()}", "offices": [\n' + ",\n".join(lines) + "\n]}\n") if lines \
        else f'{{"today": "{rollup.today.isoformat()}", "offices": []}}\n'

