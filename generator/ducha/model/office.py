"""The office as office.yaml describes it: its units, time-limit defaults and calendar overrides."""

from __future__ import annotations

import datetime as dt
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
class Effective:
    """A requirement that binds cases 交办 on or after ``effective_from`` (None: every case).

    A new rule must not turn records written before it (sealed ones above all) invalid.
    """

    effective_from: dt.date | None = None

    def binds(self, day: dt.date | None) -> bool:
        """Whether the rule applies to a case 交办 (or, before 交办, registered) on ``day``."""
        return day is not None and (self.effective_from is None or day >= self.effective_from)


@dataclass(frozen=True)
class AssignmentRules(Effective):
    """交办要素 (office.yaml ``assignment``): what must be written once a case is assigned.

    2008 国办意见（四）: 凡督促检查事项，都要明确目标任务、完成时限、执行单位和责任人.
    """

    required: tuple[str, ...] = ("owner", "requirements")


@dataclass(frozen=True)
class ReceiptRules(Effective):
    """签收 (office.yaml ``receipt``): each 承办单位 signs for the 交办 within ``time_limit``."""

    time_limit: TimeLimit | None = None


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
    assignment: AssignmentRules = AssignmentRules()
    receipt: ReceiptRules | None = None  # None: 签收 is not asked for

    @property
    def unit_names(self) -> frozenset[str]:
        return frozenset(unit.name for unit in self.units)

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category) or CategoryRule()
