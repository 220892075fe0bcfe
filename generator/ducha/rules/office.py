"""The rules of office.yaml a schema cannot express: real dates, known categories, distinct unit names.

Pure checks on the parsed file, every problem collected; ``load.office`` runs them before it
builds the ``Office``.
"""

from __future__ import annotations

from typing import Any

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path
from ducha.model.categories import STANDARD_CATEGORIES
from ducha.model.office import (
    DEFAULT_CATEGORY_RULES,
    OFFICE_FILE,
    RESERVED_FILE_NAMES,
    Office,
    Unit,
    slug,
)
from ducha.model.timelimit import parse_date
from ducha.rules.characters import character_problems, invisible_free
from ducha.rules.units import unknown_unit


def office_problems(doc: YamlDocument) -> list[Problem]:
    """Every problem of an office.yaml that passed its schema, in the order the file is read."""
    problems = character_problems(doc, "office")
    data = doc.data
    for year, override in data.get("holiday_overrides", {}).items():
        for kind in ("holidays", "workdays"):
            for index, entry in enumerate(override.get(kind, [])):
                if any(parse_date(part) is None for part in entry.split("/")):
                    line, column = doc.mark(("holiday_overrides", year, kind, index))
                    problems.append(Problem(OFFICE_FILE, line, column, f"holiday_overrides.{year}.{kind}[{index}]",
                                            f"日期「{entry}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。"))
                elif any(not part.startswith(year) for part in entry.split("/")):
                    line, column = doc.mark(("holiday_overrides", year, kind, index))
                    problems.append(Problem(OFFICE_FILE, line, column, f"holiday_overrides.{year}.{kind}[{index}]",
                                            f"日期「{entry}」不在 {year} 年。", f"移到 {entry[:4]} 年的节假日补充下。"))
    for where in _effective_dates(data):
        value = data
        for part in where:
            value = value[part]
        if parse_date(value) is None:
            line, column = doc.mark(where)
            problems.append(Problem(OFFICE_FILE, line, column, ".".join(map(str, where)),
                                    f"生效日期「{value}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。"))
    for category, values in data.get("categories", {}).items():
        if category not in STANDARD_CATEGORIES and values.get("custom") != "是":
            line, column = doc.key_mark(("categories", category))
            import difflib  # only for a category that is wrong

            guess = difflib.get_close_matches(category, STANDARD_CATEGORIES, n=1, cutoff=0.5)
            problems.append(Problem(OFFICE_FILE, line, column, f"categories.{category}",
                                    f"「{category}」不是标准来源类型，也没有标明为本单位自设。",
                                    (f"是不是「{guess[0]}」？" if guess else "") + "标准来源类型：" + "、".join(STANDARD_CATEGORIES)
                                    + "；确为本单位自设的类型，在其下写 custom: 是。"))
    known = set(DEFAULT_CATEGORY_RULES) | set(STANDARD_CATEGORIES) | set(data.get("categories", {}))
    listed: list[tuple[PathKey, str]] = [(("followup_for", "categories", index), category)
              for index, category in enumerate(data.get("followup_for", {}).get("categories", []))]
    listed += [(("approvals", key, "categories", index), category) for key, block in data.get("approvals", {}).items()
               for index, category in enumerate(block.get("categories", []))]
    for where, category in listed:
        if category not in known:
            line, column = doc.mark(where)
            problems.append(Problem(OFFICE_FILE, line, column, format_path(where),
                                    f"「{category}」不是来源类型。",
                                    "写标准来源类型或 categories 中自设的类型：" + "、".join(STANDARD_CATEGORIES) + "。"))
    if "adopted_on" in data and parse_date(data["adopted_on"]) is None:
        line, column = doc.mark(("adopted_on",))
        problems.append(Problem(OFFICE_FILE, line, column, "adopted_on", f"日期「{data['adopted_on']}」不存在。",
                                "写成实际存在的日期，格式 YYYY-MM-DD。"))
    problems += _unit_name_problems(doc)
    registered = Office(name=str(data["name"]), units=tuple(Unit(u["name"], u["full_name"]) for u in data["units"]))
    for unit in data.get("reminders", {}).get("units", {}):
        if unit not in registered.unit_names:
            line, column = doc.key_mark(("reminders", "units", unit))
            message, fix = unknown_unit("提醒收件单位", unit, registered)
            problems.append(Problem(OFFICE_FILE, line, column, f"reminders.units.{unit}",
                                    message.replace("office.yaml 中", "units 中") + "提醒无法对应到事项。",
                                    fix.replace("office.yaml 的 units", "units")))
    problems += _neighbour_problems(doc, [u["name"] for u in data["units"]])
    return problems


def _neighbour_problems(doc: YamlDocument, units: list[str]) -> list[Problem]:
    """上下联动: every subordinate office is a registered unit, named once; the superior is another office."""
    data, problems = doc.data, []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("subordinates", [])):
        name = entry["name"]
        where: PathKey = ("subordinates", index, "name")
        line, column = doc.mark(where)
        if name in seen:
            problems.append(Problem(OFFICE_FILE, line, column, format_path(where), f"下级督查室「{name}」重复。",
                                    "删除重复的一项。"))
        elif name not in units:
            problems.append(Problem(OFFICE_FILE, line, column, format_path(where),
                                    f"下级督查室「{name}」未在单位名录（units）中登记，事项无法交办给它。",
                                    f"在 units 中登记它（name: {name}，full_name: 它的 office.yaml 中的 name），"
                                    "或改成已登记的简称。"))
        seen.add(name)
    superior = data.get("superior")
    if superior is not None and (superior["name"] == data["name"] or superior["name"] in seen):
        line, column = doc.mark(("superior", "name"))
        problems.append(Problem(OFFICE_FILE, line, column, "superior.name",
                                f"上级督查室「{superior['name']}」与本室或某个下级督查室同名。",
                                "写上级督查室 office.yaml 中的 name（如 某某省人民政府督查室）。"))
    return problems


def _effective_dates(data: dict[str, Any]) -> list[PathKey]:
    """Where office.yaml writes an ``effective_from`` of a requirement block."""
    found: list[PathKey] = [(block, "effective_from") for block in _EFFECTIVE_BLOCKS
                            if isinstance(data.get(block), dict) and "effective_from" in data[block]]
    found += [("approvals", key, "effective_from") for key, block in data.get("approvals", {}).items()
              if "effective_from" in block]
    return found


#: office.yaml blocks that hold a requirement with its own effective date.
_EFFECTIVE_BLOCKS = ("assignment", "receipt")


def _unit_name_problems(doc: YamlDocument) -> list[Problem]:
    """Unit names that repeat, look like another (full-width, invisible characters), or would
    take the file name of a page the site or the feeds already use."""
    problems = []
    seen: dict[str, str] = {}  # what a reader sees (and the file name it gets) → the name as written
    for index, unit in enumerate(doc.data["units"]):
        name = unit["name"]
        line, column = doc.mark(("units", index, "name"))

        def problem(message: str, fix: str) -> None:
            problems.append(Problem(OFFICE_FILE, line, column, f"units[{index}].name", message, fix))  # noqa: B023

        if slug(name).lower() in RESERVED_FILE_NAMES:
            problem(f"单位简称「{name}」与站点自己的页面或日历同名，会覆盖单位总表或督查室总日历。",
                    f"改用单位通常的简称（如「市财政局」）；简称不能是 {'、'.join(sorted(RESERVED_FILE_NAMES))}。")
            continue
        for key in (invisible_free(name), slug(invisible_free(name)).lower()):
            if key in seen:
                other = seen[key]
                if other == name:
                    problem(f"单位简称「{name}」重复登记。", "删除重复的一项，或改用不同的简称。")
                else:
                    problem(f"单位简称「{name}」与「{other}」看起来相同（只差全角半角、标点或看不见的字符），会被当成两个单位。",
                            "删除重复的一项，或改用明显不同的简称。")
                break
        else:
            seen[invisible_free(name)] = seen[slug(invisible_free(name)).lower()] = name
    return problems
