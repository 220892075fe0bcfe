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
class CmsSettings:
    """Where the /admin/ form page commits (office.yaml ``cms``).

    ``forgejo`` keeps every submission as a draft pull request against ``branch``; ``gitea``
    has no drafts, so the form commits to ``staging_branch`` and the office merges that.
    """

    backend: str
    base_url: str
    repo: str
    app_id: str
    api_root: str = ""
    branch: str = "main"
    staging_branch: str = "forms"

    @property
    def api(self) -> str:
        return self.api_root or f"{self.base_url.rstrip('/')}/api/v1"

    @property
    def commit_branch(self) -> str:
        """The branch the form's commits land on (drafts branch off it on Forgejo)."""
        return self.branch if self.backend == "forgejo" else self.staging_branch


@dataclass(frozen=True)
class SmtpSettings:
    """The intranet mail server the reminders go through; the password lives in ``password_env``."""

    host: str
    sender: str
    port: int = 587
    tls: str = "starttls"
    username: str = ""
    password_env: str = "DUCHA_SMTP_PASSWORD"


@dataclass(frozen=True)
class Webhook:
    """An intranet messaging bot that takes each reminder as JSON."""

    url: str
    token_env: str = ""


@dataclass(frozen=True)
class ReminderSettings:
    """Who gets the morning reminders and how (office.yaml ``reminders``)."""

    smtp: SmtpSettings
    office: tuple[str, ...] = ()
    units: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    webhook: Webhook | None = None


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
    cms: CmsSettings | None = None
    reminders: ReminderSettings | None = None

    @property
    def unit_names(self) -> frozenset[str]:
        return frozenset(unit.name for unit in self.units)

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category) or CategoryRule()
