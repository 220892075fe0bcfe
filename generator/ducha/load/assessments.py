"""Reading issued 考核 results (``assessments/``), each checked on its own: named by its period, issued after
it ended and not ahead of today, its units registered and each unit's lines adding up to its score.

Whether the scores are the ones its data commit gives is the guard's question (``repo.scoreguard``),
asked when the record is added: the scores of a period never change afterwards, however ducha does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ducha.errors import Problem, UsageError
from ducha.io.yamlfile import YamlDocument, format_path
from ducha.load.issued import load_documents
from ducha.model.assessments import ASSESSMENTS_DIR, Assessment, IssuedLine, IssuedScore, assessment_path
from ducha.model.office import Office
from ducha.model.timelimit import parse_date
from ducha.rules.periods import parse_period


def load_assessments(root: Path, office: Office, today: dt.date | None = None) -> tuple[list[Assessment], list[Problem]]:
    """Every issued 考核 result and every problem found in them."""
    found: list[Assessment] = []
    docs, problems = load_documents(root, ASSESSMENTS_DIR, "assessment")
    for doc in docs:
        assessment, trouble = _assessment(doc, office, today)
        problems += trouble
        if assessment is not None:
            found.append(assessment)
    return found, problems


def _assessment(doc: YamlDocument, office: Office, today: dt.date | None) -> tuple[Assessment | None, list[Problem]]:
    data, name = doc.data, doc.path
    problems: list[Problem] = []

    def add(where: tuple[str | int, ...], message: str, fix: str) -> None:
        line, column = doc.mark(where)
        problems.append(Problem(name, line, column, format_path(where), message, fix))

    issued = dt.date.fromisoformat(data["date"])  # load_documents took only real dates
    dates = {(index, line_index): parse_date(item["date"]) for index, unit in enumerate(data["units"])
             for line_index, item in enumerate(unit["items"])}
    for (index, line_index), day in dates.items():
        if day is None:
            add(("units", index, "items", line_index, "date"), f"日期「{data['units'][index]['items'][line_index]['date']}」不存在。",
                "写成实际存在的日期，格式 YYYY-MM-DD。")
    try:
        period = parse_period(data["period"])
    except UsageError:  # the schema's pattern lets only real periods through; a guard for older files
        add(("period",), f"考核期间「{data['period']}」无法识别。", "写成 2026、2026-H1 或 2026-Q3。")
        return None, problems
    if name != assessment_path(period.code):
        add(("period",), f"文件名应为 {assessment_path(period.code)}（按考核期间命名）。",
            "考核结果由 ducha score --issue 生成，不要手工改名或改期间。")
    if issued <= period.end:
        add(("date",), f"{period.label}到 {period.end} 才结束，考核结果不能在 {issued} 印发。",
            "考核期间结束后再印发；期间内的得分是进行中的，用 ducha score 查看。")
    if today is not None and issued > today:
        add(("date",), f"考核结果的印发日期 {issued} 晚于今天（{today}）。", "写实际印发的日期。")
    units = []
    seen: set[str] = set()
    for index, unit in enumerate(data["units"]):
        lines = tuple(IssuedLine(item["rule"], dates[(index, line_index)] or issued, Decimal(item["points"]),
                                 item.get("case", ""), item.get("role", ""), item.get("label", ""), item.get("what", ""))
                      for line_index, item in enumerate(unit["items"]))
        score = Decimal(unit["score"])
        if unit["unit"] not in office.unit_names:
            add(("units", index, "unit"), f"单位「{unit['unit']}」未在 office.yaml 中登记。",
                "考核结果印发后不得修改：请在 office.yaml 中恢复该单位的登记。")
        if unit["unit"] in seen:
            add(("units", index, "unit"), f"单位「{unit['unit']}」重复出现。",
                "每个单位只有一个得分：考核结果由 ducha score --issue 生成。")
        seen.add(unit["unit"])
        total = sum((line.points for line in lines), Decimal(0))
        if total != score:
            add(("units", index, "score"), f"{unit['unit']}的计分明细合计 {total}，与得分 {score} 不符。",
                "考核结果由 ducha score --issue 生成，不要手工修改分数或明细。")
        units.append(IssuedScore(unit["unit"], score, int(unit["rank"]), lines))
    assessment = Assessment(name, period.code, issued, data["data_commit"], tuple(units), data.get("approved_by", ""))
    return assessment, problems
