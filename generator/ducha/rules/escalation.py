"""Escalation: 催办 → 督办令 → 通报批评 → in one calendar year 书面检查, 约谈 and 取消评先, 问责.

The seed (督促检查工作实施办法 第十六条（二）（三）) criticises a unit when, after a 督办令, its
work still shows no clear progress, and escalates by the number of criticisms in a year.
Other triggers (long overdue, repeated returns) are an office's own rules and apply only
when office.yaml sets them. Every proposal names its rule in words, with its clause or 本室规则
(leaders read it; a setting's name means nothing to them). A case is criticised at most once for one cause: what an issued notice
already criticised is not proposed again, however the periods fall.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ducha.errors import UsageError
from ducha.model.measures import ORDER, Measure, owed
from ducha.model.notices import Ground, Mention, Notice
from ducha.model.office import NoticeRules
from ducha.rules.calendar import Calendar
from ducha.rules.deadlines import Light, Status, count_from
from ducha.rules.periods import Period, parse_period

#: An urge of this method is a 督办令 (下达督办令), the step before 通报批评.
ORDER_METHOD = "督办令"


@dataclass(frozen=True)
class Rule:
    """Where a proposal comes from, said to the leaders who sign the 通报: the rule in words (with the
    office's own figure, its office.yaml ``notice_rules`` setting ``setting``) and its clause, or 本室规则."""

    words: str  # ``{n}``: the office's figure
    setting: str = ""  # the NoticeRules field that holds the figure

    def basis(self, rules: NoticeRules) -> str:
        return self.words.format(n=getattr(rules, self.setting)) if self.setting else self.words


_ORDER_CLAUSE = "督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评"
ORDER_RULE = Rule(_ORDER_CLAUSE + "（本室以下达后{n}个工作日为限）", "criticise_after_order_workdays")
OVERDUE_RULE = Rule("本室规则：超期超过{n}个工作日仍未办结的，通报批评", "criticise_overdue_workdays")
RETURNS_RULE = Rule("本室规则：办理报告被退回{n}次及以上的，通报批评", "criticise_returns")
ORDER_DEADLINE_RULE = Rule("督办令所定限期；" + _ORDER_CLAUSE)
PRAISE_RULE = Rule("本室规则：本期主办事项办结{n}项及以上，全部按期且无超期未办结的，通报表扬（通报表扬见中办 2012 年意见（八））",
                   "praise_min_items")


def orders(status: Status) -> list[dt.date]:
    """The days 督办令 were issued for the case, up to the status's day."""
    return [u.date for u in status.case.urges if u.method == ORDER_METHOD and u.date <= status.today]


def progress_since(status: Status, day: dt.date) -> bool:
    """明显进展: a progress entry or a report made after ``day``."""
    case = status.case
    return (any(day < e.date <= status.today for e in case.progress)
            or any(day < r.date <= status.today for r in case.reports))


def order_due(order: Measure, calendar: Calendar) -> dt.date:
    """The day a 督办令's own 限期 ends: its date, or its time limit counted from the day after it was issued."""
    assert order.deadline is not None  # validation requires it of every 督办令
    return count_from(order.date, order.deadline, calendar).date


def criticism_grounds(status: Status, rules: NoticeRules, calendar: Calendar,
                      measures: Sequence[Measure] = ()) -> list[tuple[Rule, Ground, str]]:
    """Every cause for which ``status``'s lead unit may be criticised today: (rule, ground, text).

    ``measures`` are the issued 督查问责 records: a 督办令 naming the case is judged at the end of its
    own 限期; a 督办令 written as an urge (method 督办令) after the office's grace period.
    """
    case, today = status.case, status.today
    found: list[tuple[Rule, Ground, str]] = []
    if not status.stage.is_open:
        return found
    issued = [m for m in measures if m.kind == ORDER and case.id in m.cases and m.date <= today]
    for order in issued:
        due = order_due(order, calendar)
        if today > due and not progress_since(status, order.date):
            found.append((ORDER_DEADLINE_RULE, Ground(case.id, f"督办令 {order.date} 后无明显进展"),
                          f"{case.id} 督办令（{order.doc_no}）限期 {due} 届满仍无明显进展"))
    grace = rules.criticise_after_order_workdays
    if grace is not None:
        for day in orders(status):
            waited = calendar.workdays_between(day, today)
            if waited > grace and not progress_since(status, day):
                found.append((ORDER_RULE, Ground(case.id, f"督办令 {day} 后无明显进展"),
                              f"{case.id} 下达督办令（{day}）后{waited}个工作日仍无明显进展"))
    limit = rules.criticise_overdue_workdays
    if limit is not None and status.light is Light.RED and status.due is not None and status.workdays_overdue > limit:
        found.append((OVERDUE_RULE, Ground(case.id, f"超期（到期日 {status.due}）"),
                      f"{case.id} 超期{status.workdays_overdue}个工作日未办结"))
    returns = rules.criticise_returns
    returned = [r for r in case.reviews if not r.passed and r.date <= today]
    if returns is not None and len(returned) >= returns:
        found.append((RETURNS_RULE, Ground(case.id, f"办理报告被退回{len(returned)}次"),
                      f"{case.id} 办理报告被退回{len(returned)}次"))
    return found


def already_criticised(notices: Iterable[Notice]) -> set[tuple[str, str]]:
    """(case, cause) pairs issued notices have criticised. A notice written before causes were recorded
    counts for each case it names and the kind of cause its reason states."""
    done: set[tuple[str, str]] = set()
    for notice in notices:
        for mention in notice.criticised:
            done |= {(g.case, g.cause) for g in mention.grounds}
            if not mention.grounds:
                done |= {(case, _legacy_cause(mention.reason)) for case in mention.cases}
    return done


def _legacy_cause(reason: str) -> str:
    return "督办令" if "督办令" in reason else "超期" if "超期" in reason else "退回" if "退回" in reason else reason


def _same_cause(ground: Ground, done: set[tuple[str, str]]) -> bool:
    if (ground.case, ground.cause) in done:
        return True
    legacy = _legacy_cause(ground.cause)
    return (ground.case, legacy) in done and legacy != ground.cause


def propose_criticism(statuses: Sequence[Status], rules: NoticeRules, calendar: Calendar,
                      issued: Iterable[Notice], measures: Sequence[Measure] = ()) -> tuple[Mention, ...]:
    """拟批评: per lead unit, every cause not criticised before, with its rule cited."""
    done = already_criticised(issued)
    per_unit: dict[str, list[tuple[Rule, Ground, str]]] = defaultdict(list)
    for status in statuses:
        unit = status.case.lead_unit
        if unit is None:
            continue
        per_unit[unit] += [g for g in criticism_grounds(status, rules, calendar, measures) if not _same_cause(g[1], done)]
    mentions = []
    for unit, found in sorted(per_unit.items()):
        if not found:
            continue
        found.sort(key=lambda item: (item[1].case, item[1].cause))
        bases = "；".join(dict.fromkeys(rule.basis(rules) for rule, _, _ in found))
        mentions.append(Mention(unit, "；".join(text for _, _, text in found),
                                tuple(sorted({g.case for _, g, _ in found})), bases, tuple(g for _, g, _ in found)))
    return tuple(mentions)


def criticism_tally(notices: Iterable[Notice], year: int) -> Counter[str]:
    """How many issued notices of ``year`` criticised each unit: one notice is one criticism,
    however many of the unit's cases it names."""
    return Counter(unit for n in notices if n.date.year == year for unit in {m.unit for m in n.criticised})


def overlapping(period: Period, notices: Iterable[Notice]) -> list[Notice]:
    """Issued notices of the same kind of period (week, month…) whose period overlaps ``period``."""
    found = []
    for notice in notices:
        try:
            other = parse_period(notice.period)
        except UsageError:  # a period the notice file got wrong is reported by validation
            continue
        if other.kind == period.kind and other.start <= period.end and period.start <= other.end:
            found.append(notice)
    return found


@dataclass(frozen=True)
class Owed:
    """What the n-th criticism of a year calls for, and the record of it if the office has made one."""

    count: int
    kind: str  # 书面检查, 约谈 or 问责
    done: Measure | None


def owed_measures(unit: str, criticisms: int, measures: Iterable[Measure], year: int) -> list[Owed]:
    """For each criticism of ``unit`` in ``year`` (1, 2, 3…), the measure it calls for (seed 004 §十六):
    a 书面检查, a 约谈, 问责 — each matched with the first such record of that year, in order."""
    kinds = [owed(n) for n in range(1, min(criticisms, 3) + 1)]
    mine = sorted((m for m in measures if m.unit == unit and m.date.year == year), key=lambda m: (m.date, m.number))
    found = []
    for count, kind in enumerate(kinds, start=1):
        done = next((m for m in mine if m.kind == kind), None)
        found.append(Owed(count, kind, done))
    return found
