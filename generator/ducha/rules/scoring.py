"""量化考核: each unit's score for a period, by the office's own rules, explained point by point.

A score is its lines added up: the base score, one line for every counted event (the case,
what happened, the day, the rule and the points), and an adjustment to the floor or ceiling.
Events come from the statuses every other output uses (``rules.deadlines``, ``rules.metrics``):
a closure counts here exactly when the 通报 and the unit page count it. Each event is scored by
the rule in force on its day (``Scoring.on``), so a revision never reaches back into a closed
period. Pure: the records, the period and the day are passed in.

Seeds: 实施办法 第十六条（四） (督查结果纳入年度绩效考核，久拖不改、落实不力的扣减分值); 中办 2012 （十）
(督促检查工作考核指标体系).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ducha.errors import UsageError
from ducha.io.collector import collector_paused
from ducha.model.case import Case
from ducha.model.measures import Measure
from ducha.model.notices import Bulletin, Notice
from ducha.model.office import Office
from ducha.model.scoring import (
    BASE,
    CEILING,
    FLOOR,
    PERIOD_KINDS,
    SCORE_ITEMS,
    STANDING_LABELS,
    Scope,
    Scoring,
    ScoringRule,
    decimal_text,
)
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Status, deadline
from ducha.rules.metrics import PeriodTally, period_by_lead_unit
from ducha.rules.periods import Period
from ducha.rules.rollup import Rollup
from ducha.rules.score_events import Event, case_events, record_events

#: Points are kept to the cent: a co-unit's share of 0.5 at 33% is 0.17, and the lines still add up.
CENT = Decimal("0.01")
LEAD, CO = "主办", "协办"


@dataclass(frozen=True)
class ScoreLine:
    """One line of a unit's score: the rule, the day, the points, and the case and what happened."""

    rule: str  # a SCORE_ITEMS key, or base / floor / ceiling
    label: str  # the rule in the office's own words
    date: dt.date
    points: Decimal
    case: str = ""  # the case id; for a record naming several, each of them
    what: str = ""  # what happened, with its numbers
    record: str = ""  # the 通报 发文字号, the 督查问责 record or the 督查专报 it comes from
    role: str = ""  # 主办 or 协办, for the items shared between the units of a case
    basis: str = ""  # the office's clause for the rule


@dataclass(frozen=True)
class UnitScore:
    """A unit's score in a period: its lines, which add up to it, and its period tally as lead unit."""

    unit: str
    score: Decimal
    lines: tuple[ScoreLine, ...]
    counts: PeriodTally
    rank: int = 0


@dataclass(frozen=True)
class ScoreBoard:
    """Every unit's score for ``period`` as of ``today`` (at most the period's end), from ``data_commit``."""

    office: str
    period: Period
    today: dt.date
    data_commit: str
    units: tuple[UnitScore, ...]
    scoring: Scoring = field(repr=False)
    #: Records changed since ``data_commit`` and not committed: the scores cannot be had again from it.
    uncommitted: tuple[str, ...] = ()
    #: Subordinate offices scored on their own records: each office and the commit of it read (empty: never read).
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def closed(self) -> bool:
        """Whether the period is over on the day scored: the scores are final, not running."""
        return self.today >= self.period.end

    def unit(self, name: str) -> UnitScore | None:
        return next((u for u in self.units if u.unit == name), None)

def check_period(period: Period, scoring: Scoring | None) -> Scoring:
    """The office's scoring rules, refused when it has none or the period is not one a score is kept for."""
    if scoring is None:
        raise UsageError("office.yaml 中没有量化考核规则（scoring）。修改：按 README「量化考核」一节在 office.yaml 中写明"
                         "考核周期、基础分和计分项目。")
    if period.kind not in PERIOD_KINDS.values():
        raise UsageError(f"考核按年度、半年或季度计分，「{period.code}」是{period.kind}。"
                         "修改：写成 2026（全年）、2026-H1（半年）或 2026-Q1（季度）。")
    return scoring


def score_board(office: Office, cases: Sequence[Case], notices: Sequence[Notice], measures: Sequence[Measure],
                bulletins: Sequence[Bulletin], period: Period, today: dt.date, data_commit: str,
                statuses: Sequence[Status] | None = None, units: Sequence[str] | None = None) -> ScoreBoard:
    """Every registered unit's score for ``period`` as of ``today`` (clamped to the period's end).

    ``cases`` and the issued records are as they stood on that day; units come in the order of
    their scores (highest first), equal scores sharing a rank, then in office.yaml's order.
    ``statuses``: those of every case on that day, when the caller has them already (the site).
    ``units``: only these of office.yaml's units (the subordinate offices, ``subordinate_board``).
    """
    scoring = check_period(period, office.scoring)
    if today < period.start:
        raise UsageError(f"{period.label}从 {period.start} 开始，截至 {today} 尚未开始，没有得分。"
                         "修改：换一个已经开始的考核期间，或把 --as-of 改到期间之内。")
    day = min(today, period.end)
    calendar = calendar_for(office.holiday_overrides)
    # Tens of thousands of events and lines, and no reference cycle among them: the collector would only walk
    # every case again and again (half the scoring's time at 10,000 cases).
    with collector_paused():
        if statuses is None or any(s.today != day for s in statuses[:1]):
            statuses = [deadline(case, office, day, calendar) for case in cases]
        events = [*case_events(statuses, office, period, day, calendar),
                  *record_events(notices, measures, bulletins, cases, period, day)]
        lines: dict[str, list[ScoreLine]] = {unit.name: [] for unit in office.units if units is None or unit.name in units}
        for line_unit, line in _scored(events, scoring):
            if line_unit in lines:
                lines[line_unit].append(line)
        counts = period_by_lead_unit(statuses, period, lines)
        scored = [_unit_score(unit, found, counts[unit], scoring, period, day) for unit, found in lines.items()]
    order = {unit.name: index for index, unit in enumerate(office.units)}
    scored.sort(key=lambda u: (-u.score, order[u.unit]))
    ranked, rank = [], 0
    for index, unit_score in enumerate(scored):
        if index == 0 or unit_score.score != scored[index - 1].score:
            rank = index + 1
        ranked.append(UnitScore(unit_score.unit, unit_score.score, unit_score.lines, unit_score.counts, rank))
    return ScoreBoard(office.name, period, day, data_commit, tuple(ranked), scoring)


def subordinate_board(office: Office, rollup: Rollup, period: Period, today: dt.date, data_commit: str) -> ScoreBoard:
    """下级督查室 scored by this office's rules on the cases delegated to them (issue 25, item 5).

    Each subordinate office is scored as the lead unit of every case it took in from this office, from
    its own record of it as last read (``rules.rollup``): its own stage, due date and light — the ones
    ``ducha rollup`` and the 通报's row of the office count — and its own progress, reports and
    reviews. The case items only: the 通报, 督办令 and 专报 that name a subordinate office are this
    office's records and score it in the board of this office's units; and 签收 inside a subordinate
    office is between it and its own units. The board names each office's commit read.
    """
    statuses = [dataclasses.replace(below.status, receipt=None,
                                    case=dataclasses.replace(below.case, lead_unit=found.name, co_units=(), receipts=()))
                for found in rollup.offices for below in found.below]
    names = [found.name for found in rollup.offices]
    board = score_board(office, [s.case for s in statuses], (), (), (), period, today, data_commit, statuses, names)
    return dataclasses.replace(board, sources=tuple((found.name, found.reading.commit or "") for found in rollup.offices))


def _unit_score(unit: str, found: list[ScoreLine], counts: PeriodTally, scoring: Scoring, period: Period,
                day: dt.date) -> UnitScore:
    """The base line, the unit's lines in date order, and an adjustment (on ``day``, the day scored) that brings
    the sum within floor and ceiling."""
    standing = scoring.on(period.start)
    order = {key: index for index, key in enumerate(SCORE_ITEMS)}
    found.sort(key=lambda line: (line.date, order[line.rule], line.case, line.role != LEAD, line.what))
    lines = [ScoreLine(BASE, STANDING_LABELS[BASE], period.start, standing.base), *found]
    total = sum((line.points for line in lines), Decimal(0))
    if standing.ceiling is not None and total > standing.ceiling:
        lines.append(ScoreLine(CEILING, STANDING_LABELS[CEILING], day, standing.ceiling - total,
                               what=f"合计 {decimal_text(total)} 分，封顶 {decimal_text(standing.ceiling)} 分"))
    elif standing.floor is not None and total < standing.floor:
        lines.append(ScoreLine(FLOOR, STANDING_LABELS[FLOOR], day, standing.floor - total,
                               what=f"合计 {decimal_text(total)} 分，保底 {decimal_text(standing.floor)} 分"))
    return UnitScore(unit, sum((line.points for line in lines), Decimal(0)), tuple(lines), counts)


def _scored(events: Iterable[Event], scoring: Scoring) -> Iterator[tuple[str, ScoreLine]]:
    """Each event's points for each unit it counts against: by the rule in force on its day, capped per case,
    a co-unit's as its share of the lead unit's."""
    running: dict[tuple[str, str], Decimal] = defaultdict(Decimal)  # (case, item) → the lead unit's points so far
    rules: dict[dt.date, ScoringRule] = {}
    shared: dict[Decimal, str] = {}  # a co-unit's share → how its lines say it
    for event in sorted(events, key=lambda e: (e.date, e.case, e.key)):
        kind = SCORE_ITEMS[event.key]
        rule = rules.get(event.date) or rules.setdefault(event.date, scoring.on(event.date))
        item = rule.items.get(event.key)
        if item is None or not item.points:
            continue
        points = item.points * event.quantity
        what = event.what
        if kind.scope is Scope.CASE and item.cap is not None:
            so_far = running[(event.case, event.key)]
            room = item.cap - so_far if (item.cap - so_far) * kind.sign > 0 else Decimal(0)
            if not room:  # past the cap: nothing more to explain
                continue
            if abs(points) > abs(room):
                what += f"（每件上限 {decimal_text(item.cap)} 分，本件此前已计 {decimal_text(so_far)} 分）"
                points = room
            running[(event.case, event.key)] = so_far + points
        lead, *others = event.units
        role = LEAD if kind.scope is Scope.CASE else ""
        yield lead, ScoreLine(event.key, item.label, event.date, points, event.case, what, event.record, role, item.basis)
        if kind.scope is Scope.CASE:
            if not others:
                continue
            share = (points * rule.co_unit_share / 100).quantize(CENT, ROUND_HALF_UP)
            note = shared.get(rule.co_unit_share) or shared.setdefault(
                rule.co_unit_share, f"（协办，按 {decimal_text(rule.co_unit_share)}% 计）")
            for unit in others:
                yield unit, ScoreLine(event.key, item.label, event.date, share, event.case, what + note, event.record, CO,
                                      item.basis)
        else:
            for unit in others:
                yield unit, ScoreLine(event.key, item.label, event.date, points, event.case, what, event.record, "",
                                      item.basis)
