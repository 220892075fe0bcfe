"""量化考核 as office.yaml ``scoring`` states it: the period, the base score, the items and their dated revisions.

The items are a fixed list of what ducha can count from the records (``SCORE_ITEMS``); an office
chooses among them, gives each its points in its own words, and revises them with an
``effective_from`` like any other rule. Points are decimals (``Decimal``), never floats: a score
is summed from its items and must come out the same to the last digit everywhere it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from types import MappingProxyType


class Scope(Enum):
    """Whom an item is scored against."""

    CASE = "case"  # the case's lead unit in full, each co-unit by the office's share; may be capped per case
    UNIT_CASE = "unit_case"  # the unit that did (or failed to do) it, in full: 签收 is each unit's own
    UNIT = "unit"  # a record naming the unit (通报, 督查问责, 督查专报), in full


@dataclass(frozen=True)
class ItemKind:
    """One thing ducha can count for a score: its key in office.yaml, its sign and what it counts."""

    key: str
    label: str  # the wording when office.yaml gives none
    sign: int  # +1 a bonus (加分), -1 a deduction (扣分)
    scope: Scope
    counts: str  # what one occurrence is, in Chinese

    @property
    def direction(self) -> str:
        return "加分" if self.sign > 0 else "扣分"


#: What ducha can count, in the order a score lists its items.
SCORE_ITEMS: Mapping[str, ItemKind] = MappingProxyType({kind.key: kind for kind in (
    ItemKind("closed_on_time", "按期办结", 1, Scope.CASE, "考核期间内审核通过、按期办结的事项，每件"),
    ItemKind("closed_late", "超期办结", -1, Scope.CASE, "考核期间内审核通过、超期办结的事项，每件"),
    ItemKind("overdue_workdays", "超期工作日", -1, Scope.CASE, "事项超过到期日未报送办理报告，考核期间内的每个工作日"),
    ItemKind("returned", "退回重办", -1, Scope.CASE, "办理报告被审核退回，每次"),
    ItemKind("progress_missed", "未按时续报", -1, Scope.CASE,
             "在办事项超过 progress_interval_days 天未报送办理进展，每满一个间隔"),
    ItemKind("receipt_overdue", "超时未签收", -1, Scope.UNIT_CASE, "承办单位超过签收时限未签收督查通知，每件"),
    ItemKind("criticised", "通报批评", -1, Scope.UNIT, "已印发的通报批评该单位，每份"),
    ItemKind("praised", "通报表扬", 1, Scope.UNIT, "已印发的通报表扬该单位，每份"),
    ItemKind("order", "督办令", -1, Scope.UNIT, "对该单位下达督办令（督查问责记录，或督办方式为督办令的督办），每份"),
    ItemKind("talk", "约谈", -1, Scope.UNIT, "约谈该单位（督查问责记录），每次"),
    ItemKind("followup_failed", "回头看整改不到位", -1, Scope.CASE, "回访复核（回头看）结论为整改不到位，每次"),
    ItemKind("bulletin_adopted", "督查专报采用", 1, Scope.UNIT, "《督查专报》采用该单位报送的材料，每期"),
)})

#: Items that say a unit was criticised or called to account: shown outside the office only where criticism is.
CRITICISM_ITEMS = frozenset({"criticised", "order", "talk"})

#: The lines of a score that are not counted events: the base it starts from, and the floor and ceiling.
BASE, FLOOR, CEILING = "base", "floor", "ceiling"
STANDING_LABELS: Mapping[str, str] = MappingProxyType({BASE: "基础分", FLOOR: "保底调整", CEILING: "封顶调整"})

#: office.yaml ``scoring.period`` → the period code's kind (see ``rules.periods``).
PERIOD_KINDS: Mapping[str, str] = MappingProxyType({"年度": "年", "半年": "半年", "季度": "季度"})


@dataclass(frozen=True)
class ItemRule:
    """An item as the office scores it: points per occurrence, in its own words, capped per case when it says so."""

    points: Decimal
    label: str
    cap: Decimal | None = None  # the most (in points, with the item's sign) one case may add to a unit in a period
    basis: str = ""  # the office's own clause (《考核办法》第几条), shown beside the item


@dataclass(frozen=True)
class ScoringRule:
    """The scoring rules in force from ``effective_from`` (None: from the start)."""

    effective_from: dt.date | None
    base: Decimal
    floor: Decimal | None = None
    ceiling: Decimal | None = None
    co_unit_share: Decimal = Decimal(100)  # per cent of a case item's points that each co-unit gets
    items: Mapping[str, ItemRule] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Scoring:
    """office.yaml ``scoring``: the period scored, and the rules with their revisions, oldest first.

    A revision applies to what happens on or after its ``effective_from``; base, floor and
    ceiling are those in force on a period's first day, so a period is never scored from two bases.
    """

    period: str  # 年度, 半年 or 季度
    rules: tuple[ScoringRule, ...]
    publish: bool = False  # the 考核 page in the public site too

    def on(self, day: dt.date) -> ScoringRule:
        """The rules in force on ``day``."""
        found = self.rules[0]
        for rule in self.rules[1:]:
            if rule.effective_from is not None and rule.effective_from > day:
                break
            found = rule
        return found


def decimal_text(value: Decimal) -> str:
    """A score or points as people write them: 97.5, 100, -0.25 (no trailing zeros, never an exponent).

    The one way a Decimal is written, in a score's lines as in every output (``outputs.present``).
    """
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text
