"""Issuing a 督查问责 record (督办令, 约谈, 书面检查, 问责): written once by ``ducha measure``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ducha.errors import DataError, Problem, UsageError
from ducha.io.yamltext import yaml_scalar
from ducha.load.issued import load_measures
from ducha.load.records import load_records
from ducha.model.measures import MEASURE_KINDS, ORDER, measure_path
from ducha.model.timelimit import parse_time_limit
from ducha.rules.units import unknown_unit

#: The option of ``ducha measure`` that gives each field of the record it writes.
_OPTIONS = {"kind": "--kind", "unit": "--unit", "cases": "--case", "date": "--date", "deadline": "--deadline",
            "requirements": "--requirements", "reason": "--reason", "by": "--by", "notice": "--notice"}


def _as_options(problems: Sequence[Problem]) -> DataError:
    """What is wrong with the record ``measure`` would write, said of the options that gave it: that record is
    never written, so no file and line of it can be shown."""
    return DataError([Problem("ducha measure", 0, 0, _OPTIONS.get(p.field, p.field), p.message, p.fix) for p in problems],
                     summary="没有写入任何文件：改正以上选项后重新运行。")


def issue_measure(root: Path, kind: str, unit: str, cases: Sequence[str], reason: str, by: str, issued: dt.date,
                  deadline: str | None = None, requirements: str | None = None, notice: str | None = None) -> Path:
    """Write the next record of ``issued``'s year; a 督办令 gets the next 发文字号. Refuse (writing nothing)
    anything validation would refuse."""
    if kind not in MEASURE_KINDS:
        raise UsageError(f"类别「{kind}」无效。修改：写 {'、'.join(MEASURE_KINDS)} 之一。")
    if kind == ORDER and not deadline:
        raise UsageError("督办令须写明限期。修改：加 --deadline 5个工作日（或具体日期 YYYY-MM-DD）。")
    if deadline and parse_time_limit(deadline) is None:
        raise UsageError(f"限期「{deadline}」格式不对。修改：写成 5个工作日、10日、1个月或具体日期 YYYY-MM-DD。")
    records = load_records(root)
    if unit not in records.office.unit_names:
        message, fix = unknown_unit("单位", unit, records.office)
        raise UsageError(f"--unit：{message}\n修改：{fix}")
    same_year = [m for m in records.measures if m.date.year == issued.year]
    number = max((m.number for m in same_year), default=0) + 1
    path = root / measure_path(issued.year, number)
    issuer = records.office.notice_rules.order_issuer
    lines = ["# yaml-language-server: $schema=../../schema/measure.schema.json",
             "# 督查问责记录：由 ducha measure 生成，合并后不得修改。", f'number: "{number}"', f"kind: {kind}"]
    if kind == ORDER:
        order_number = sum(1 for m in same_year if m.kind == ORDER) + 1
        lines.append(f"doc_no: {yaml_scalar(f'{issuer}〔{issued.year}〕{order_number}号')}")
    lines += [f"date: {issued.isoformat()}", f"unit: {yaml_scalar(unit)}",
              f"cases: [{', '.join(yaml_scalar(c) for c in cases)}]", f"reason: {yaml_scalar(reason)}"]
    if requirements:
        lines.append(f"requirements: {yaml_scalar(requirements)}")
    if deadline:
        lines.append(f"deadline: {yaml_scalar(deadline)}")
    lines.append(f"by: {yaml_scalar(by)}")
    if notice:
        lines.append(f"notice: {yaml_scalar(notice)}")
    made = [folder for folder in (path.parent.parent, path.parent) if not folder.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # never over a record issued meanwhile
        out.write("\n".join(lines) + "\n")
    _, problems = load_measures(root, records.office, records.cases, records.notices, issued)
    mine = [p for p in problems if p.file == path.relative_to(root).as_posix()]
    if mine:
        path.unlink()
        for folder in reversed(made):  # leave nothing behind that was not there before
            folder.rmdir()
        raise _as_options(mine)
    return path
