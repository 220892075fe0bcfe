"""Escalation: 催办 → 督办令 → 通报批评 → in one calendar year 书面检查, 约谈 and 取消评先, 问责.

The seed (督促检查工作实施办法 第十六条（二）（三）) criticises a unit when, after a 督办令, its
work still shows no clear progress, and escalates by the number of criticisms in a year. Other
triggers (long overdue, repeated returns) are an office's own rules and apply only when
office.yaml sets them. 问责 is proposed too for 逾期不报 and 弄虚作假 (中办 1999 年意见 七；实施办法
第十五条). Every proposal names its rule from ``rules.registry`` in words, with its clause or
本室规则 (leaders read it: a setting's name means nothing to them). A case is criticised at most once for one cause: what an issued notice
already criticised is not proposed again, however the periods fall.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ducha.errors import UsageError
from ducha.model.case import Case
from ducha.model.measures import ACCOUNTABILITY, ORDER, Measure, owed
from ducha.model.notices import Ground, Mention, Notice
from ducha.model.office import NoticeRules
from ducha.rules.calendar import Calendar
from ducha.rules.deadlines import Light, Status, count_from
from ducha.rules.periods import Period, parse_period
from ducha.rules.registry import (
    FALSIFIED,
    ORDER_DEADLINE,
    ORDER_NO_PROGRESS,
    OVERDUE,
    RETURNS,
    UNREPORTED,
    Rule,
    cited,
)

#: An urge of this method is a 督办令 (下达督办令), the step before 通报批评.
ORDER_METHOD = "督办令"


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
            found.append((ORDER_DEADLINE, Ground(case.id, f"督办令 {order.date} 后无明显进展"),
                          f"{case.id} 督办令（{order.doc_no}）限期 {due} 届满仍无明显进展"))
    grace = rules.criticise_after_order_workdays
    if grace is not None:
        for day in orders(status):
            waited = calendar.workdays_between(day, today)
            if waited > grace and not progress_since(status, day):
                found.append((ORDER_NO_PROGRESS, Ground(case.id, f"督办令 {day} 后无明显进展"),
                              f"{case.id} 下达督办令（{day}）后{waited}个工作日仍无明显进展"))
    limit = rules.criticise_overdue_workdays
    if limit is not None and status.light is Light.RED and status.due is not None and status.workdays_overdue > limit:
        found.append((OVERDUE, Ground(case.id, f"超期（到期日 {status.due}）"),
                      f"{case.id} 超期{status.workdays_overdue}个工作日未办结"))
    returns = rules.criticise_returns
    returned = [r for r in case.reviews if not r.passed and r.date <= today]
    if returns is not None and len(returned) >= returns:
        found.append((RETURNS, Ground(case.id, f"办理报告被退回{len(returned)}次"),
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
    return _mentions(per_unit, rules)


def criticism_tally(notices: Iterable[Notice], year: int) -> Counter[str]:
    """How many issued notices of ``year`` criticised each unit: one notice is one criticism,
    however many of the unit's cases it names."""
    return Counter(unit for n in notices if n.date.year == year for unit in {m.unit for m in n.criticised})


def criticisms_of(unit: str, notices: Iterable[Notice], year: int) -> list[Notice]:
    """The notices of ``year`` that criticised ``unit``, in the order they were issued: the first is its
    first criticism of the year, and so on."""
    return sorted((n for n in notices if n.date.year == year and any(m.unit == unit for m in n.criticised)),
                  key=lambda n: (n.date, n.number))


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
    """What the n-th criticism of a year calls for, the notice that made it, and the record answering it."""

    count: int
    kind: str  # 书面检查, 约谈 or 问责
    notice: str  # the 通报 (发文字号) of this criticism
    done: Measure | None


def owed_measures(unit: str, notices: Iterable[Notice], measures: Iterable[Measure], year: int) -> list[Owed]:
    """For each criticism of ``unit`` in ``year`` (1, 2, 3…), the measure it calls for (seed 004 §十六):
    the first a 书面检查, the second a 约谈 of the unit's 主要负责人, the third and each one after a 问责.

    A measure answers a criticism when it is of the kind owed, names that criticism's 通报 and is not
    dated before it: a 督查约谈 held before any criticism, or a 约谈 answering another notice, leaves
    the second criticism's 约谈 owed; one 问责 does not answer every later criticism.
    """
    mine = sorted((m for m in measures if m.unit == unit), key=lambda m: (m.date, m.number))
    found = []
    for count, notice in enumerate(criticisms_of(unit, notices, year), start=1):
        kind = owed(count)
        done = next((m for m in mine if m.kind == kind and m.notice == notice.doc_no and m.date >= notice.date), None)
        found.append(Owed(count, kind, notice.doc_no, done))
    return found


def _unreported(status: Status) -> bool:
    """逾期不报: past the due date, and since this round began the unit has reported nothing — no 办理报告,
    no 阶段性进展, no 延期 asked for (实施办法 第九条、第十二条 ask one of them by the due date)."""
    case, today = status.case, status.today
    current = case.round_on(today)
    if status.light is not Light.RED or current is None:
        return False
    start = current.start
    return not (any(start <= e.date <= today for e in case.progress)
                or any(start <= r.date <= today for r in case.reports)
                or any(start <= e.requested <= today for e in case.extensions))


def _falsified(case: Case, today: dt.date) -> list[tuple[dt.date, str]]:
    """弄虚作假 the office found, after 调查核实, in a review or a 回访复核: (date, what found it)."""
    return ([(r.date, "审核") for r in case.reviews if r.falsified and r.date <= today]
            + [(f.date, "回访复核") for f in case.followups if f.falsified and f.date <= today])


def accountability_grounds(status: Status, calendar: Calendar) -> list[tuple[Rule, Ground, str, dt.date]]:
    """Every cause for which 问责 may be proposed against ``status``'s lead unit today:
    (rule, ground, text, the day the cause arose)."""
    case, today = status.case, status.today
    found: list[tuple[Rule, Ground, str, dt.date]] = []
    if _unreported(status) and status.due is not None:
        found.append((UNREPORTED, Ground(case.id, f"逾期不报（到期日 {status.due}）"),
                      (f"{case.id} {status.due} 到期，{calendar.workdays_between(status.due, today)}个工作日后仍未报送"
                       "办理报告或阶段性进展，也未申请延期（逾期不报）"), status.due))
    for day, what in _falsified(case, today):
        found.append((FALSIFIED, Ground(case.id, f"弄虚作假（{what} {day}）"),
                      f"{case.id} {day} {what}经调查核实，办理报告弄虚作假", day))
    return found


def propose_accountability(statuses: Sequence[Status], calendar: Calendar,
                           measures: Sequence[Measure] = ()) -> tuple[Mention, ...]:
    """拟提出问责建议 for 逾期不报 and 弄虚作假, per lead unit: each cause until a 问责 record names the
    case on or after the day the cause arose (the office then has acted on it)."""
    per_unit: dict[str, list[tuple[Rule, Ground, str]]] = defaultdict(list)
    for status in statuses:
        unit = status.case.lead_unit
        if unit is None:
            continue
        for rule, ground, text, arose in accountability_grounds(status, calendar):
            acted = any(m.kind == ACCOUNTABILITY and ground.case in m.cases and arose <= m.date <= status.today
                        for m in measures)
            if not acted:
                per_unit[unit].append((rule, ground, text))
    return _mentions(per_unit)


def _mentions(per_unit: dict[str, list[tuple[Rule, Ground, str]]],
              settings: NoticeRules | None = None) -> tuple[Mention, ...]:
    """One mention per unit, its causes in case order, each rule cited once (in words, with ``settings``' figures)."""
    mentions = []
    for unit, found in sorted(per_unit.items()):
        if not found:
            continue
        found.sort(key=lambda item: (item[1].case, item[1].cause))
        bases = "；".join(dict.fromkeys(cited(rule, settings) for rule, _, _ in found))
        mentions.append(Mention(unit, "；".join(text for _, _, text in found),
                                tuple(sorted({g.case for _, g, _ in found})), bases, tuple(g for _, g, _ in found)))
    return tuple(mentions)
