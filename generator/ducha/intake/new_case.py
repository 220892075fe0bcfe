"""``ducha new``: a new case file from the template, with the next free id."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DataError, UsageError
from ducha.io.atomic import create_file
from ducha.io.yamltext import yaml_scalar
from ducha.load import load_office
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
class NewCase:
    """The case file that was written."""

    id: str
    path: Path


def new_case(root: Path, title: str, category: str, registered: dt.date, lead_unit: str | None = None,
             assigned: dt.date | None = None, time_limit: str | None = None) -> NewCase:
    """Write ``cases/<year>/<id>.yaml``; refuse (writing nothing) if it would not validate."""
    office = load_office(root)
    folder = root / CASES_DIR / str(registered.year)
    # Two `ducha new` at once both see the same highest number; the exclusive create lets
    # exactly one of them have it, and the other takes the next.
    for _ in range(_ATTEMPTS):
        case_id = next_id(root, office.prefix, registered.year)
        path = folder / f"{case_id}.yaml"
        text = _template(case_id, title, category, registered, lead_unit, assigned, time_limit)
        known = frozenset(p.stem for p in (root / CASES_DIR).glob("*/*.yaml")) | {case_id}
        _, problems = check_text(text.encode("utf-8"), f"{CASES_DIR}/{registered.year}/{path.name}", office, known, None)
        if problems:
            raise DataError(problems, 1)
        try:
            create_file(path, text)
        except FileExistsError:
            continue
        return NewCase(case_id, path)
    raise UsageError(f"连续 {_ATTEMPTS} 次取号都被同时运行的其他 ducha 占用：请稍后重试。")


def _template(case_id: str, title: str, category: str, registered: dt.date, lead_unit: str | None,
              assigned: dt.date | None, time_limit: str | None) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schema/case.schema.json",
        f"# 督查事项 {case_id}。日期写成 YYYY-MM-DD；办理进展、督办、延期、报告、审核只在末尾追加，不改写已有记录。",
        f"id: {case_id}",
        f"title: {yaml_scalar(title)}",
        f"category: {yaml_scalar(category)}",
        "# source:",
        "#   doc_no: 文号",
        "#   leader: 批示领导",
        "#   instruction: 批示摘录",
        "# requirements: |",
        "#   任务要求",
        f"registered: {registered.isoformat()}",
        f"assigned: {assigned.isoformat()}" if assigned else "# assigned: 交办日期（办理时限从次日起算）",
        f"lead_unit: {yaml_scalar(lead_unit)}" if lead_unit else "# lead_unit: 主办单位简称",
        "# co_units: [协办单位简称]",
        "# owner: 责任人",
        f"time_limit: {yaml_scalar(time_limit)}" if time_limit else
        "# time_limit: 5个工作日（不填则按来源类型的默认时限）",
        "# progress:",
        "#   - date: YYYY-MM-DD",
        "#     by: 报告单位",
        "#     summary: 进展情况",
    ]
    return "\n".join(lines) + "\n"
