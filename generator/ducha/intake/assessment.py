"""Issuing a 考核 result: a period's final scores written once by ``ducha score --issue``, never changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ducha.errors import UsageError
from ducha.io.atomic import create_file
from ducha.io.yamltext import yaml_scalar
from ducha.load.office import load_office
from ducha.model.assessments import assessment_path
from ducha.model.scoring import PERIOD_KINDS
from ducha.outputs.present import score_text
from ducha.repo.snapshot import score_for, uncommitted_records
from ducha.rules.periods import Period
from ducha.rules.scoring import ScoreBoard, check_period


def issue_assessment(root: Path, period: Period, issued: dt.date, approver: str | None = None) -> Path:
    """Write the final scores of ``period`` as its record; refused before the period has ended, for a period
    of another length than office.yaml's, over uncommitted records, or when the period was issued already."""
    office = load_office(root)
    scoring = check_period(period, office.scoring)
    if PERIOD_KINDS[scoring.period] != period.kind:
        raise UsageError(f"office.yaml 的考核周期是{scoring.period}，{period.label}不是一个考核周期。"
                         f"修改：按{scoring.period}印发，如 {_example(period, scoring.period)}。")
    if issued <= period.end:
        raise UsageError(f"{period.label}到 {period.end} 才结束：考核结果在期间结束后印发。"
                         "修改：期间结束后再印发；进行中的得分用 ducha score 查看。")
    dirty = uncommitted_records(root)
    if dirty:
        raise UsageError(f"有尚未提交的记录改动（{'、'.join(dirty[:3])}{' 等' if len(dirty) > 3 else ''}）："
                         "考核结果要写明它所依据的数据提交，须能由该提交重现。修改：先提交（git commit）或撤销这些改动。")
    board = score_for(root, period, issued)
    return write_assessment(root, board, issued, approver or "")


def _example(period: Period, kind: str) -> str:
    year = period.start.year
    return {"年度": f"{year}", "半年": f"{year}-H1", "季度": f"{year}-Q1"}[kind]


def write_assessment(root: Path, board: ScoreBoard, issued: dt.date, approver: str = "") -> Path:
    """Write ``board`` as the record of its period; refuses to overwrite one already issued."""
    path = root / assessment_path(board.period.code)
    lines = ["# yaml-language-server: $schema=../../schema/assessment.schema.json",
             "# 已印发的考核结果：由 ducha score --issue 生成，合并后不得修改。",
             f'period: "{board.period.code}"', f"date: {issued.isoformat()}", f"data_commit: {board.data_commit}"]
    if approver:
        lines.append(f"approved_by: {yaml_scalar(approver)}")
    lines.append("units:")
    for unit in board.units:
        lines += [f"  - unit: {yaml_scalar(unit.unit)}", f'    rank: "{unit.rank}"', f'    score: "{score_text(unit.score)}"',
                  "    items:"]
        for line in unit.lines:
            fields = [f"rule: {line.rule}", f"label: {yaml_scalar(line.label)}"]
            fields += [f"case: {yaml_scalar(line.case)}"] if line.case else []
            fields += [f"role: {line.role}"] if line.role else []
            fields += [f"date: {line.date.isoformat()}", f'points: "{score_text(line.points)}"']
            fields += [f"what: {yaml_scalar(line.what)}"] if line.what else []
            lines += [f"      - {fields[0]}", *(f"        {field}" for field in fields[1:])]
    try:
        create_file(path, "\n".join(lines) + "\n")
    except FileExistsError:
        raise UsageError(f"{board.period.label}的考核结果已经印发（{assessment_path(board.period.code)}）："
                         "印发的考核结果不能覆盖。") from None
    return path
