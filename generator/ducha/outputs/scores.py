"""The 考核 scores as text for people and JSON for machines, each point with its case, day and rule.

The JSON is a list of units (the contract other tools read): each with ``unit``, ``score`` and
``items``, each item with ``case``, ``rule``, ``date`` and ``points``; the base score is an item,
so a unit's items add up to its score. Numbers are the board's own; only their wording is here.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ducha.outputs.present import points_text, rate_text, score_text
from ducha.outputs.safe import terminal
from ducha.outputs.text import display_width, fit
from ducha.rules.scoring import ScoreBoard, ScoreLine, UnitScore


def board_heading(board: ScoreBoard) -> str:
    """What the scores are: whose, which period, as of when, from which records."""
    state = "最终得分" if board.closed else f"截至 {board.today} 的得分（考核期间进行中，得分随办理情况变化）"
    return f"{board.office}{board.period.label}量化考核{state}"


def commit_note(board: ScoreBoard) -> str:
    """The data commit the scores come from, and whether they can be had again from it."""
    note = f"数据提交 {board.data_commit[:12]}"
    if board.sources:
        note += "；下级督查室的记录：" + "、".join(f"{name} 提交 {commit[:12]}" if commit else f"{name}（尚未读取）"
                                             for name, commit in board.sources)
    if board.uncommitted:
        shown = "、".join(board.uncommitted[:3]) + (f" 等 {len(board.uncommitted)} 个文件" if len(board.uncommitted) > 3 else "")
        note += f"；工作区另有尚未提交的记录改动（{shown}），本结果不能由该提交重现"
    return note


def counts_text(unit: UnitScore) -> str:
    """The unit's period tally as lead unit, as the 通报 and the unit page state it."""
    c = unit.counts
    return (f"主办事项按期办结 {c.closed_on_time} 项、超期办结 {c.closed_late} 项（按期办结率 {rate_text(c.on_time_rate)}），"
            f"超期未办结 {c.overdue_open} 项，退回重办 {c.returned} 次")


def line_case(line: ScoreLine) -> str:
    """The case column of a line: the case id with 主办/协办, or the record it comes from."""
    role = f"（{line.role}）" if line.role else ""
    if line.case and line.record:
        return f"{line.record}：{line.case}"
    return f"{line.case}{role}" if line.case else line.record


def board_text(board: ScoreBoard) -> str:
    """The ranking, then every unit's lines: day, points, rule, case and what happened."""
    out = [terminal(board_heading(board)), commit_note(board), ""]
    out.append("  ".join([fit("名次", 4), fit("单位", 14), fit("得分", 8), "主办事项情况"]))
    for unit in board.units:
        out.append("  ".join([fit(str(unit.rank), 4), fit(terminal(unit.unit), 14), fit(score_text(unit.score), 8),
                              counts_text(unit)]).rstrip())
    every = [line for unit in board.units for line in unit.lines]
    label_width = max([display_width(terminal(line.label)) for line in every] + [8])
    case_width = min(max([display_width(terminal(line_case(line))) for line in every] + [4]), 40)
    for unit in board.units:
        out += ["", f"{terminal(unit.unit)}：{score_text(unit.score)} 分（第 {unit.rank} 名）",
                "  ".join([fit("日期", 10), fit("分值", 7), fit("计分项目", label_width), fit("事项", case_width), "情况"])]
        for line in unit.lines:
            basis = f"〔{line.basis}〕" if line.basis else ""
            out.append("  ".join([line.date.isoformat(), fit(points_text(line.points), 7), fit(terminal(line.label), label_width),
                                  fit(terminal(line_case(line)), case_width), terminal(line.what + basis)]).rstrip())
        out.append(f"合计 {score_text(unit.score)} 分")
    return "\n".join(out) + "\n"


def _number(value: Decimal) -> int | float:
    """A score or points as a JSON number: whole numbers without a decimal point, cents as written."""
    return int(value) if value == value.to_integral_value() else float(value)


def line_json(line: ScoreLine) -> dict[str, object]:
    return {"case": line.case or None, "rule": line.rule, "label": line.label, "role": line.role or None,
            "date": line.date.isoformat(), "points": _number(line.points), "what": line.what or None,
            "record": line.record or None, "basis": line.basis or None}


def board_json(board: ScoreBoard) -> str:
    """A JSON array of units in rank order, each naming the period, the day and the data commit."""
    sources = dict(board.sources)  # a subordinate office is scored from its own commit
    units = [{"unit": u.unit, "score": _number(u.score), "rank": u.rank, "period": board.period.code,
              "as_of": board.today.isoformat(), "final": board.closed,
              "data_commit": sources.get(u.unit, board.data_commit) or None,
              "uncommitted": list(board.uncommitted),
              "counts": {"closed_on_time": u.counts.closed_on_time, "closed_late": u.counts.closed_late,
                         "overdue_open": u.counts.overdue_open, "returned": u.counts.returned},
              "items": [line_json(line) for line in u.lines]} for u in board.units]
    # One unit a line, through json's C encoder (``indent=`` falls back to the pure-Python one).
    return "[\n" + ",\n".join(json.dumps(unit, ensure_ascii=False) for unit in units) + "\n]\n"
