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
from ducha.model.scoring import SCORE_ITEMS, Scope
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
    problems += _scoring_problems(doc)
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


def _scoring_problems(doc: YamlDocument) -> list[Problem]:
    """The numbers of ``scoring`` that the schema cannot judge: each item's sign and cap, the base between
    floor and ceiling, a share of at most 100 per cent, and revisions in date order, each new item with its points."""
    scoring = doc.data.get("scoring")
    if not isinstance(scoring, dict):
        return []
    problems: list[Problem] = []

    def add(where: PathKey, message: str, fix: str) -> None:
        line, column = doc.mark(where)
        problems.append(Problem(OFFICE_FILE, line, column, format_path(where), message, fix))

    blocks: list[tuple[PathKey, dict[str, Any]]] = [(("scoring",), scoring)]
    blocks += [(("scoring", "revisions", index), revision) for index, revision in enumerate(scoring.get("revisions", []))]
    listed: set[str] = set()
    merged: dict[str, str] = {}
    previous = None
    for where, block in blocks:
        revised = len(where) > 1
        if revised:
            day = parse_date(block["effective_from"])
            if day is None:
                add((*where, "effective_from"), f"生效日期「{block['effective_from']}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。")
            elif previous is not None and day <= previous:
                add((*where, "effective_from"), f"考核规则修订的生效日期 {day} 不晚于上一次（{previous}）。",
                    "按生效日期先后排列，新的修订追加在末尾。")
            previous = day or previous
        for key, item in block.get("items", {}).items():
            kind = SCORE_ITEMS[key]
            at: PathKey = (*where, "items", key)
            if "points" not in item and key not in listed:
                add(at, f"修订中新增的计分项目「{kind.label}」（{key}）没有写分值。", "补上 `points: 分值`。")
            listed.add(key)
            points = item.get("points")
            if points is not None:
                value = float(points)
                if value == 0 and not revised:
                    add((*at, "points"), f"「{item.get('label', kind.label)}」的分值是 0。",
                        "不计分的项目不必列出：删除这一项（修订中写 0 表示自生效日期起不再计分）。")
                elif value * kind.sign < 0:
                    add((*at, "points"), f"「{item.get('label', kind.label)}」是{kind.direction}项，分值「{points}」的正负号不对。",
                        f"{kind.direction}项的分值写成{'正数' if kind.sign > 0 else '负数'}，如 "
                        f"{'' if kind.sign > 0 else '-'}{points.lstrip('+-')}。")
            if "cap" in item:
                cap = float(item["cap"])
                per = float(points) if points is not None else None
                if kind.scope is not Scope.CASE:
                    add((*at, "cap"), f"「{item.get('label', kind.label)}」不按事项计分，不能设每件上限。",
                        "删除 cap；每件上限只用于按期办结、超期、退回、续报、回头看等按事项计分的项目。")
                elif cap * kind.sign <= 0:
                    add((*at, "cap"), f"每件上限「{item['cap']}」的正负号应与「{item.get('label', kind.label)}」的分值相同。",
                        f"写成{'正数' if kind.sign > 0 else '负数'}，如 {'' if kind.sign > 0 else '-'}{item['cap'].lstrip('+-')}。")
                elif per is not None and abs(cap) < abs(per):
                    add((*at, "cap"), f"每件上限 {item['cap']} 小于一次的分值 {points}：一次也计不满。",
                        "上限应不小于一次的分值（按绝对值），或删除 cap。")
        for key in ("base", "floor", "ceiling", "co_unit_share"):
            if key in block:
                merged[key] = block[key]
        if "co_unit_share" in block and int(block["co_unit_share"]) > 100:
            add((*where, "co_unit_share"), f"协办单位计分比例 {block['co_unit_share']}% 超过 100%。",
                "写 0—100 之间的整数：协办单位按主办单位分值的这个百分比计分。")
        for low, high in (("floor", "base"), ("base", "ceiling"), ("floor", "ceiling")):
            written = next((key for key in (low, high) if key in block), None)
            if written is not None and low in merged and high in merged and float(merged[low]) > float(merged[high]):
                add((*where, written), f"{_SCORE_NAMES[low]} {merged[low]} 高于{_SCORE_NAMES[high]} {merged[high]}。",
                    "保底分 ≤ 基础分 ≤ 封顶分：改正其中一个数。")
                break
    return problems


_SCORE_NAMES = {"floor": "保底分", "base": "基础分", "ceiling": "封顶分"}


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
