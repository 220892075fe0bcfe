"""Issuing a 督查问责 record (督办令, 督查约谈, 约谈, 书面检查, 问责), written once by ``ducha measure``,
and appending a 问责's outcome once decided (``ducha outcome``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ducha.errors import DataError, Problem, UsageError
from ducha.io.atomic import write_file
from ducha.io.yamltext import yaml_scalar
from ducha.load.issued import load_measures
from ducha.load.records import load_records
from ducha.model.measures import ACCOUNTABILITY, MEASURE_KINDS, ORDER, SELF_CRITICISM, TALK, measure_path
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

#: What a measure that answers a criticism must name, and why (实施办法 第十六条（二）).
_NEEDS_NOTICE = {
    SELF_CRITICISM: "书面检查是通报批评后作出的：加 --notice 通报的发文字号（如 青督查〔2026〕13号）。",
    TALK: ("约谈（第十六条（二））是一年内第2次通报批评后由主要领导约谈单位主要负责人：加 --notice 第2次通报批评的发文字号；"
           "督查中发现问题、由有关领导约谈责任单位负责人的，用 --kind 督查约谈（第十六条（一））。"),
}


def issue_measure(root: Path, kind: str, unit: str, cases: Sequence[str], reason: str, by: str, issued: dt.date,
                  deadline: str | None = None, requirements: str | None = None, notice: str | None = None) -> Path:
    """Write the next record of ``issued``'s year; a 督办令 gets the next 发文字号. Refuse (writing nothing)
    anything validation would refuse."""
    if kind not in MEASURE_KINDS:
        raise UsageError(f"类别「{kind}」无效。修改：写 {'、'.join(MEASURE_KINDS)} 之一。")
    if kind == ORDER and not deadline:
        raise UsageError("督办令须写明限期。修改：加 --deadline 5个工作日（或具体日期 YYYY-MM-DD）。")
    if kind in _NEEDS_NOTICE and not notice:
        raise UsageError(f"{_NEEDS_NOTICE[kind]}")
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


def append_outcome(root: Path, measure_id: str, result: str, by: str, decided: dt.date, today: dt.date) -> Path:
    """Append the outcome of the 问责 ``measure_id`` (年份-序号): the one addition its record takes after
    merging (§十六（三）「问责及处理结果在一定范围内公布」). Refuse, writing nothing, anything else."""
    records = load_records(root)
    measure = next((m for m in records.measures if m.id == measure_id), None)
    if measure is None:
        raise UsageError(f"没有编号为 {measure_id} 的督查问责记录。修改：写 accountability/ 下的 年份-序号，如 2026-001。")
    if measure.kind != ACCOUNTABILITY:
        raise UsageError(f"{measure_id} 是{measure.kind}，只有问责记录写处理结果。修改：写问责记录的编号。")
    if measure.outcome is not None:
        raise UsageError(f"{measure_id} 已记录处理结果（{measure.outcome.date} {measure.outcome.by}：{measure.outcome.result}），"
                         "不能再改。修改：处理结果有变化的，另行记录一份问责记录说明。")
    path = root / measure.path
    text = path.read_text(encoding="utf-8")
    block = (f"outcome:\n  date: {decided.isoformat()}\n  result: {yaml_scalar(result)}\n  by: {yaml_scalar(by)}\n")
    written = text + ("" if text.endswith("\n") else "\n") + block
    write_file(path, written)
    _, problems = load_measures(root, records.office, records.cases, records.notices, today)
    mine = [p for p in problems if p.file == measure.path]
    if mine:
        write_file(path, text)  # nothing the user wrote is lost, nothing half-done is kept
        raise DataError(mine, 1)
    return path
