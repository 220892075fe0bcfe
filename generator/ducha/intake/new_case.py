"""``ducha new``: a new case file from the template, with the next free id and every field a 交办 needs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DataError, Problem, UsageError
from ducha.io.atomic import create_file
from ducha.io.yamltext import block_scalar, yaml_scalar
from ducha.load.office import load_office
from ducha.model.case import CASES_DIR
from ducha.rules.validation import check_text

#: How often to take the next number when others keep taking it first.
_ATTEMPTS = 100


def next_id(root: Path, prefix: str, year: int) -> str:
    """One past the highest number used in ``cases/<year>/``."""
    pattern = re.compile(rf"^{re.escape(prefix)}-{year}-(\d{{4,}})\.yaml$")
    folder = root / CASES_DIR / str(year)
    used = [int(m.group(1)) for p in folder.glob("*.yaml") if (m := pattern.match(p.name))] if folder.is_dir() else []
    return f"{prefix}-{year}-{max(used, default=0) + 1:04d}"


@dataclass(frozen=True)
class Assignment:
    """What the office knows when it registers (and perhaps assigns) a 督查事项."""

    title: str
    category: str
    registered: dt.date
    lead_unit: str | None = None
    assigned: dt.date | None = None
    time_limit: str | None = None
    co_units: tuple[str, ...] = ()
    owner: str = ""
    leader: str = ""
    instruction: str = ""
    doc_no: str = ""
    meeting: str = ""
    requirements: str = ""
    parent: str | None = None
    visibility: str = ""
    notes: str = ""
    priority: str = ""
    approved_by: str = ""  # 立项审批: who agreed, when office.yaml asks for it before 交办
    approved: dt.date | None = None  # the day they agreed (default: the 交办, else the 立项 day)


#: The record field each ``ducha new`` option fills: a problem is reported at the option, since
#: the file it would be in was never written.
OPTIONS = {"title": "--title", "category": "--category", "registered": "--registered", "assigned": "--assigned",
           "lead_unit": "--lead-unit", "co_units": "--co-units", "owner": "--owner", "time_limit": "--time-limit",
           "source": "--leader", "source.leader": "--leader", "source.instruction": "--instruction",
           "source.doc_no": "--doc-no", "source.meeting": "--meeting", "requirements": "--requirements",
           "parent": "--parent", "visibility": "--visibility", "notes": "--notes", "priority": "--priority",
           "approval": "--approved-by", "approval.date": "--approved", "approval.by": "--approved-by"}


#: Fixes that would tell a ``ducha new`` user to type YAML, said in options instead.
OPTION_FIXES = {"approval": "加上 --approved-by 同意立项的领导，如 --approved-by \"副市长 林静\"；"
                            "同意的日期不是交办日期的，再加 --approved YYYY-MM-DD。"}


@dataclass(frozen=True)
class NewCase:
    """The case file that was written."""

    id: str
    path: Path


def field_lines(key: str, value: str, indent: str = "") -> list[str]:
    """``key: value``, or a literal block when the value runs over several lines."""
    block = block_scalar(value, indent + "  ") if "\n" in value else None
    if block is None:
        return [f"{indent}{key}: {yaml_scalar(value)}"]
    return [f"{indent}{key}: {block[0].rstrip()}"] + [line.rstrip("\n") for line in block[1:]]


def _template(case_id: str, a: Assignment) -> str:
    source = [line for key, value in (("doc_no", a.doc_no), ("meeting", a.meeting), ("leader", a.leader),
                                      ("instruction", a.instruction)) if value for line in field_lines(key, value, "  ")]
    lines = [
        "# yaml-language-server: $schema=../../schema/case.schema.json",
        f"# 督查事项 {case_id}。日期写成 YYYY-MM-DD；办理进展、督办、延期、报告、审核只在末尾追加，不改写已有记录。",
        f"id: {case_id}",
        f"title: {yaml_scalar(a.title)}",
        f"category: {yaml_scalar(a.category)}",
        f"priority: {a.priority}" if a.priority else "# priority: 急 或 重点（一般事项不写）",
        *(["source:", *source] if source else
          ["# source:", "#   doc_no: 文号", "#   leader: 批示领导", "#   instruction: 批示摘录"]),
        *(field_lines("requirements", a.requirements) if a.requirements else ["# requirements: |", "#   任务要求（交办时必填）"]),
        *([f"parent: {yaml_scalar(a.parent)}"] if a.parent else []),
        f"registered: {a.registered.isoformat()}",
        *(["approval:", f"  date: {(a.approved or a.assigned or a.registered).isoformat()}", f"  by: {yaml_scalar(a.approved_by)}"]
          if a.approved_by else ["# approval:（立项审批：office.yaml 要求时，交办前写明）", "#   date: 批准日期", "#   by: 批准人"]),
        f"assigned: {a.assigned.isoformat()}" if a.assigned else "# assigned: 交办日期（办理时限从次日起算）",
        f"lead_unit: {yaml_scalar(a.lead_unit)}" if a.lead_unit else "# lead_unit: 主办单位简称",
        f"co_units: [{', '.join(yaml_scalar(u) for u in a.co_units)}]" if a.co_units else "# co_units: [协办单位简称]",
        f"owner: {yaml_scalar(a.owner)}" if a.owner else "# owner: 责任人（交办时必填）",
        f"time_limit: {yaml_scalar(a.time_limit)}" if a.time_limit else
        "# time_limit: 5个工作日（不填则按来源类型的默认时限）",
        *([f"visibility: {yaml_scalar(a.visibility)}"] if a.visibility else []),
        *(field_lines("notes", a.notes) if a.notes else []),
        "# progress:",
        "#   - date: YYYY-MM-DD",
        "#     by: 报告单位",
        "#     summary: 进展情况",
    ]
    return "\n".join(lines) + "\n"


def at_option(problem: Problem) -> Problem:
    """A problem of the text ``ducha new`` would write, said of the option that gave the value."""
    field = problem.field
    option = OPTIONS.get(field) or OPTIONS.get(re.sub(r"\[\d+\]$", "", field)) or OPTIONS.get(field.split(".")[0], "")
    fix = OPTION_FIXES.get(field, problem.fix)
    return dataclasses.replace(problem, file="ducha new", line=0, column=0, field=option or field, fix=fix)


def new_case(root: Path, assignment: Assignment) -> NewCase:
    """Write ``cases/<year>/<id>.yaml``; refuse (writing nothing) if it would not validate."""
    office = load_office(root)
    a = assignment
    folder = root / CASES_DIR / str(a.registered.year)
    # Two `ducha new` at once both see the same highest number; the exclusive create lets
    # exactly one of them have it, and the other takes the next.
    for _ in range(_ATTEMPTS):
        case_id = next_id(root, office.prefix, a.registered.year)
        path = folder / f"{case_id}.yaml"
        text = _template(case_id, a)
        known = frozenset(p.stem for p in (root / CASES_DIR).glob("*/*.yaml")) | {case_id}
        _, problems = check_text(text.encode("utf-8"), f"{CASES_DIR}/{a.registered.year}/{path.name}", office, known, None)
        if problems:
            raise DataError([at_option(p) for p in problems], summary="没有写入任何文件：改正上面的选项后重新运行 ducha new。")
        try:
            create_file(path, text)
        except FileExistsError:
            continue
        return NewCase(case_id, path)
    raise UsageError(f"连续 {_ATTEMPTS} 次取号都被同时运行的其他 ducha 占用：请稍后重试。")
