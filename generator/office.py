"""office.yaml: who the office is, its units, its time-limit defaults and its calendar overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from . import schemas
from .errors import DataError, Problem
from .timelimit import TimeLimit, parse_date, parse_time_limit
from .yamlfile import read_yaml

OFFICE_FILE = "office.yaml"

#: Seed defaults: 领导批示 5个工作日 (004 §九); an upper-level instruction with no limit
#: 30个工作日 (003); 人大代表建议 / 政协提案 3个月, 6个月 at most (004 §十).
#: 保管期限 defaults after DA/T 22: decisions and their meetings kept permanently, routine
#: and cancelled items ten years, the rest thirty.
DEFAULT_CATEGORY_RULES: Mapping[str, Mapping[str, str]] = {
    "重大决策部署": {"retention": "永久"},
    "重要会议": {"retention": "永久"},
    "年度重点工作": {"retention": "永久"},
    "领导批示": {"time_limit": "5个工作日"},
    "上级交办": {"time_limit": "30个工作日"},
    "人大代表建议": {"time_limit": "3个月", "max_total": "6个月"},
    "政协提案": {"time_limit": "3个月", "max_total": "6个月"},
    "调研交办": {"retention": "10年"},
    "其他交办": {"retention": "10年"},
}


@dataclass(frozen=True)
class Unit:
    """A 承办单位 as the office registers it."""

    name: str
    full_name: str


@dataclass(frozen=True)
class CategoryRule:
    """The default time limit and extension caps for one 来源类型."""

    time_limit: TimeLimit | None = None
    max_extension: TimeLimit | None = None
    max_total: TimeLimit | None = None
    retention: str = "30年"


@dataclass(frozen=True)
class YearOverride:
    """The office's own holiday notice for one year: days off and make-up working days."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class NoticeRules:
    """How the 通报 proposes praise and criticism (office.yaml ``notice_rules``)."""

    praise_min_items: int = 3
    criticise_overdue_workdays: int = 10
    criticise_returns: int = 2
    issuer: str = "督查"


@dataclass(frozen=True)
class BulletinRules:
    """督查专报: whether kept, and the yearly quota (中办发〔1999〕: ≥30 a year, half on problems)."""

    enabled: bool = False
    yearly_quota: int = 30
    problem_share: int = 50


@dataclass(frozen=True)
class Office:
    """The settings in office.yaml, with defaults filled in."""

    name: str
    prefix: str = "DC"
    fonds: str = "0001"
    units: tuple[Unit, ...] = ()
    categories: Mapping[str, CategoryRule] = field(default_factory=lambda: MappingProxyType({}))
    yellow_days: int = 3
    progress_interval_days: int | None = None
    followup_after_days: int | None = None
    holiday_overrides: Mapping[int, YearOverride] = field(default_factory=lambda: MappingProxyType({}))
    notice_rules: NoticeRules = NoticeRules()
    bulletins: BulletinRules = BulletinRules()
    internal_fields: tuple[str, ...] = ("owner", "notes")

    @property
    def unit_names(self) -> frozenset[str]:
        return frozenset(unit.name for unit in self.units)

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category) or CategoryRule()


def _expand(entries: list[str]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for entry in entries:
        first, _, last = entry.partition("/")
        start, end = parse_date(first), parse_date(last or first)
        if start is None or end is None:
            continue  # reported by the checks in load_office
        while start <= end:
            days.add(start)
            start += dt.timedelta(days=1)
    return frozenset(days)


def _limit(values: Mapping[str, str], key: str) -> TimeLimit | None:
    return parse_time_limit(values[key]) if key in values else None


def load_office(root: Path) -> Office:
    """Read and check ``root/office.yaml``; raise DataError listing every problem."""
    path = root / OFFICE_FILE
    if not path.exists():
        raise DataError([Problem(OFFICE_FILE, 0, 0, "", "找不到 office.yaml。",
                                 "在仓库根目录创建 office.yaml（可复制示例仓库中的文件修改）。")])
    doc, problems = read_yaml(path, OFFICE_FILE)
    if doc is None:
        raise DataError(problems)
    problems += schemas.check(doc, "office")
    if problems:
        raise DataError(problems)
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
    names = [unit["name"] for unit in data["units"]]
    for index, name in enumerate(names):
        if name in names[:index]:
            line, column = doc.mark(("units", index, "name"))
            problems.append(Problem(OFFICE_FILE, line, column, f"units[{index}].name",
                                    f"单位简称「{name}」重复登记。", "删除重复的一项，或改用不同的简称。"))
    if problems:
        raise DataError(problems)
    rules: dict[str, CategoryRule] = {}
    merged = {cat: dict(values) for cat, values in DEFAULT_CATEGORY_RULES.items()}
    for cat, values in data.get("categories", {}).items():
        merged.setdefault(cat, {}).update(values)
    for cat, values in merged.items():
        rules[cat] = CategoryRule(_limit(values, "time_limit"), _limit(values, "max_extension"),
                                  _limit(values, "max_total"), values.get("retention", "30年"))

    def number(key: str) -> int | None:
        return int(data[key]) if key in data else None

    notice, bulletins = data.get("notice_rules", {}), data.get("bulletins", {})
    return Office(
        name=data["name"],
        prefix=data.get("prefix", "DC"),
        fonds=data.get("fonds", "0001"),
        units=tuple(Unit(u["name"], u["full_name"]) for u in data["units"]),
        categories=MappingProxyType(rules),
        yellow_days=int(data.get("yellow_days", 3)),
        progress_interval_days=number("progress_interval_days"),
        followup_after_days=number("followup_after_days"),
        notice_rules=NoticeRules(
            int(notice.get("praise_min_items", 3)), int(notice.get("criticise_overdue_workdays", 10)),
            int(notice.get("criticise_returns", 2)), notice.get("issuer", "督查")),
        bulletins=BulletinRules(str(bulletins.get("enabled", "false")).lower() == "true",
                                int(bulletins.get("yearly_quota", 30)), int(bulletins.get("problem_share", 50))),
        internal_fields=tuple(data.get("internal_fields", ("owner", "notes"))),
        holiday_overrides=MappingProxyType({
            int(year): YearOverride(_expand(o.get("holidays", [])), _expand(o.get("workdays", [])))
            for year, o in data.get("holiday_overrides", {}).items()
        }),
    )
