"""The office as office.yaml describes it: its units, time-limit defaults and calendar overrides."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ducha.model.timelimit import TimeLimit

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


#: The office-wide calendar feed (calendars/督查事项.ics) beside one feed per unit.
OFFICE_FEED = "督查事项"
#: File names the site and feeds give themselves, beside a file per unit (units/<name>.md,
#: calendars/<name>.ics): a unit named so would overwrite the unit index or the office calendar.
RESERVED_FILE_NAMES = frozenset({"index", OFFICE_FEED})


def slug(name: str) -> str:
    """A file name from a unit or category name (characters that break paths or URLs replaced)."""
    return re.sub(r"[\s/\\:*?\"<>|#%&{}.]+", "-", name).strip("-") or "x"


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
