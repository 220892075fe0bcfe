"""The office as office.yaml describes it: its units, time-limit defaults and calendar overrides."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ducha.model.categories import STANDARD_CATEGORIES
from ducha.model.links import Neighbour
from ducha.model.scoring import Scoring
from ducha.model.timelimit import TimeLimit

#: The office's settings, at the root of its repository.
OFFICE_FILE = "office.yaml"

#: The seeds' own defaults, and no others (rules.registry names each): 领导批示 5个工作日 (实施办法 §九);
#: 人大代表建议 / 政协提案 3个月, 6个月 at most (§十). Of 上级交办, only its 来源层级 have one: a 国务院领导
#: 批示 with no limit 30个工作日 (国办 2008（五）), a 中央批办 two months and at most two more (中办 1999 §七);
#: any other 上级交办 runs to the limit its 交办通知 sets, unless office.yaml gives the category a default of
#: its own (本室规则). 保管期限 defaults after DA/T 22: decisions and their meetings kept permanently,
#: routine and cancelled items ten years, the rest thirty.
DEFAULT_CATEGORY_RULES: Mapping[str, Mapping[str, Any]] = {
    "重大决策部署": {"retention": "永久"},
    "重要会议": {"retention": "永久"},
    "年度重点工作": {"retention": "永久"},
    "领导批示": {"time_limit": "5个工作日"},
    "上级交办": {"levels": {"国务院批示": {"time_limit": "30个工作日"},
                            "中央批办": {"time_limit": "2个月", "max_extension": "2个月"}}},
    "人大代表建议": {"time_limit": "3个月", "max_total": "6个月"},
    "政协提案": {"time_limit": "3个月", "max_total": "6个月"},
    "调研交办": {"retention": "10年"},
    "其他交办": {"retention": "10年"},
}


#: An entry recorded more than this many working days after its own date is a 补录. Three, as
#: the yellow light: less than the shortest time limit (批示件, 5个工作日, seed 004 §九), so a
#: report or extension cannot be slipped in after a whole deadline has passed unseen, and
#: more than the day or two a 公文 takes from a unit's 发文 to the office's 收文登记.
LATE_ENTRY_WORKDAYS = 3
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
class RuleRevision:
    """A change to a category's rules that applies to cases assigned on or after ``effective_from``.

    Existing cases keep the rule they were assigned under: a revised default never moves a
    due date already running (the guard refuses a change to office.yaml that would).
    None leaves that setting as it was.
    """

    effective_from: dt.date
    time_limit: TimeLimit | None = None
    max_extension: TimeLimit | None = None
    max_total: TimeLimit | None = None
    retention: str | None = None


@dataclass(frozen=True)
class CategoryRule:
    """The default time limit and extension caps for one 来源类型, and their dated revisions."""

    time_limit: TimeLimit | None = None
    max_extension: TimeLimit | None = None
    max_total: TimeLimit | None = None
    retention: str = "30年"
    revisions: tuple[RuleRevision, ...] = ()  # oldest first
    levels: Mapping[str, RuleRevision] = field(default_factory=lambda: MappingProxyType({}))  # 来源层级 → its own limits

    def on(self, day: dt.date | None) -> CategoryRule:
        """The rule in force for a case assigned (or, before 交办, registered) on ``day``.

        None: the rule in force now, every revision applied (what a new case gets).
        """
        rule = CategoryRule(self.time_limit, self.max_extension, self.max_total, self.retention)
        for revision in self.revisions:
            if day is not None and revision.effective_from > day:
                break
            rule = CategoryRule(revision.time_limit or rule.time_limit, revision.max_extension or rule.max_extension,
                                revision.max_total or rule.max_total, revision.retention or rule.retention)
        return rule


@dataclass(frozen=True)
class YearOverride:
    """The office's own holiday notice for one year: days off and make-up working days."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class NoticeRules:
    """How the 通报 proposes praise and criticism (office.yaml ``notice_rules``).

    Only ``criticise_after_order_workdays`` implements a seed (实施办法 第十六条（二）); the
    overdue and returns rules are an office's own and apply only when office.yaml sets them.
    """

    praise_min_items: int = 3
    criticise_after_order_workdays: int | None = 5
    criticise_overdue_workdays: int | None = None
    criticise_returns: int | None = None
    issuer: str = "督查"
    ranking: tuple[str, ...] = ("本期批评", "按期办结率", "超期未办结", "办结数")
    publish: bool = False  # 在一定范围内: criticism stays in the internal site unless the office says otherwise
    order_issuer: str = "督办"  # 督办令 发文字号 代字: 督办〔2026〕1号


@dataclass(frozen=True)
class Wording:
    """How the office's own bodies and consequences are named (office.yaml ``wording``)."""

    superior: str = "市政府"
    authority: str = ""  # 发文机关; empty: the office's name
    consequences: tuple[str, str, str] = ("", "", "")  # 1st, 2nd, 3rd-and-more criticism in a year; empty: derived
    copy_to: tuple[str, ...] = ()
    printer: str = ""

    def consequence(self, count: int) -> str:
        """What the ``count``-th criticism of a calendar year means for a unit (实施办法 第十六条（二）（三）)."""
        if count <= 0:
            return ""
        own = self.consequences[min(count, 3) - 1]
        if own:
            return own
        if count == 1:
            return f"向{self.superior}作出书面检查"
        if count == 2:
            return f"由{self.superior}主要领导约谈单位主要负责人，取消年度评先评优资格"
        return "提出问责建议，由纪检监察机关依规依纪依法问责"


@dataclass(frozen=True)
class BulletinRules:
    """督查专报: whether kept, and the yearly quota. Off unless office.yaml asks: the quota of 中办 1999 年意见
    三 (≥30 a year, half on problems) binds the 省级党委办公厅 reporting to the 中央办公厅; an office that keeps
    one of its own sets it as 本室规则."""

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
class Requirement(Effective):
    """An approval office.yaml asks for: from a date on, for some 来源类型 (every one when empty)."""

    categories: frozenset[str] = frozenset()

    def applies(self, category: str, day: dt.date | None) -> bool:
        """Whether the requirement covers an item of ``category`` 交办 (or issued) on ``day``."""
        return self.binds(day) and (not self.categories or category in self.categories)


@dataclass(frozen=True)
class Approvals:
    """The approvals the seeds require, each asked for only when office.yaml ``approvals`` names it.

    ``registration``: 立项报领导同意 (1999 中办 §三；实施办法 §七（一）); ``notice``: 通报经主要领导同意
    (实施办法 §十四（五）); ``reading``: 办理报告报领导审阅 (§七（五）（六）一事一报); ``report_back``:
    办理结果上报交办机关 (1999 中办 §七：向发出查办通知的上级机关报告查办结果).
    """

    registration: Requirement | None = None
    notice: Requirement | None = None
    reading: Requirement | None = None
    report_back: Requirement | None = None


#: File types an attachment may have, with the file name endings each is written with.
ATTACHMENT_TYPES: Mapping[str, tuple[str, ...]] = {
    "pdf": (".pdf",), "ofd": (".ofd",), "docx": (".docx",), "doc": (".doc",), "xlsx": (".xlsx",),
    "jpg": (".jpg", ".jpeg"), "png": (".png",), "tif": (".tif", ".tiff"),
}


@dataclass(frozen=True)
class AttachmentRules:
    """附件 (office.yaml ``attachments``): the types allowed, the size limit, and whether Git LFS keeps them."""

    types: tuple[str, ...] = ("pdf", "ofd", "docx", "jpg", "png")
    max_size: int = 20 * 1024 * 1024
    lfs: bool = False


#: 优先级 of a case, most pressing first (1999 中办 §七：急事急办；实施办法 §九：领导特别关注的重要督查事项).
PRIORITIES = ("急", "重点")


#: 重点 items (领导特别关注的重要督查事项) 随时报告 (实施办法 §九): unless office.yaml says otherwise, one
#: that has reported nothing for this many days is due a progress report, however long the office's
#: general interval (the number is 本室规则; rules.registry KEY_ITEMS_REPORT).
KEY_ITEM_PROGRESS_DAYS = 7


@dataclass(frozen=True)
class PriorityRule:
    """What a 优先级 changes (office.yaml ``priorities``): its own yellow threshold, progress interval
    (续报) and 回头看 interval."""

    yellow_days: int | None = None
    followup_after_days: int | None = None
    progress_interval_days: int | None = None


@dataclass(frozen=True)
class FollowupScope:
    """Which closed items need a 回头看 (office.yaml ``followup_for``): these categories, and any item of
    these priorities whatever its category."""

    categories: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()


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
    late_entry_workdays: int = LATE_ENTRY_WORKDAYS
    adopted_on: dt.date | None = None  # records committed on or before it were migrated, not 补录
    progress_interval_days: int | None = None
    followup_after_days: int | None = None
    holiday_overrides: Mapping[int, YearOverride] = field(default_factory=lambda: MappingProxyType({}))
    notice_rules: NoticeRules = NoticeRules()
    wording: Wording = Wording()
    bulletins: BulletinRules = BulletinRules()
    internal_fields: tuple[str, ...] = ("owner", "notes")
    assignment: AssignmentRules = AssignmentRules()
    receipt: ReceiptRules | None = None  # None: 签收 is not asked for
    priorities: Mapping[str, PriorityRule] = field(default_factory=lambda: MappingProxyType({}))
    followup_for: FollowupScope | None = None  # None: every closed item gets its 回头看 prompt
    approvals: Approvals = Approvals()
    attachments: AttachmentRules = AttachmentRules()
    scoring: Scoring | None = None  # None: no 量化考核
    cms: CmsSettings | None = None
    reminders: ReminderSettings | None = None
    #: SSH allowed_signers lines of the review server (Gitea/Forgejo), whose signed commits carry a trusted 审核.
    review_signers: tuple[str, ...] = ()
    #: 上下联动: the office that hands tasks down to this one, and the offices this one hands its own down to
    #: (each also a unit, so that a case can be assigned to it).
    superior: Neighbour | None = None
    subordinates: tuple[Neighbour, ...] = ()

    def subordinate(self, unit: str) -> Neighbour | None:
        """The subordinate office that ``unit`` names, if it is one."""
        return next((s for s in self.subordinates if s.name == unit), None)

    def yellow_for(self, priority: str) -> int:
        """The yellow threshold for an item of ``priority`` (empty: none)."""
        rule = self.priorities.get(priority) if priority else None
        return rule.yellow_days if rule is not None and rule.yellow_days is not None else self.yellow_days

    def progress_interval(self, priority: str) -> int | None:
        """Days without progress after which an open item of ``priority`` is due a report (续报); None: never.
        A 重点 item reports at any time (随时报告, 实施办法 §九): a week unless office.yaml sets its own."""
        rule = self.priorities.get(priority) if priority else None
        if rule is not None and rule.progress_interval_days is not None:
            return rule.progress_interval_days
        if priority == "重点":
            general = self.progress_interval_days
            return KEY_ITEM_PROGRESS_DAYS if general is None else min(general, KEY_ITEM_PROGRESS_DAYS)
        return self.progress_interval_days

    def followup_after(self, category: str, priority: str) -> int | None:
        """Days after closing that an item's 回头看 falls due; None when it needs none."""
        scope = self.followup_for
        if scope is not None and category not in scope.categories and priority not in scope.priorities:
            return None
        rule = self.priorities.get(priority) if priority else None
        if rule is not None and rule.followup_after_days is not None:
            return rule.followup_after_days
        return self.followup_after_days

    @property
    def printing_office(self) -> str:
        """印发机关 in a document's 版记: the one office.yaml names, else the 发文机关, else the office."""
        return self.wording.printer or self.wording.authority or self.name

    # Asked once per record checked: worked out once per office (a frozen office never changes).
    @functools.cached_property
    def unit_names(self) -> frozenset[str]:
        return frozenset(unit.name for unit in self.units)

    @functools.cached_property
    def category_names(self) -> tuple[str, ...]:
        """来源类型: the standard ones in their usual order, then the office's own."""
        return STANDARD_CATEGORIES + tuple(c for c in self.categories if c not in STANDARD_CATEGORIES)

    def rule(self, category: str, on: dt.date | None = None, level: str = "") -> CategoryRule:
        """The rules of ``category`` (refined by its 来源层级 ``level``) for a case assigned on ``on``
        (None: as in force now)."""
        base = self.categories.get(category) or CategoryRule()
        rule = base.on(on) if base.revisions else base
        refined = base.levels.get(level) if level else None
        if refined is None:
            return rule
        return CategoryRule(refined.time_limit or rule.time_limit, refined.max_extension or rule.max_extension,
                            refined.max_total or rule.max_total, rule.retention)
