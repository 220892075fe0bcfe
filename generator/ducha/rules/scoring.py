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

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ducha.errors import UsageError
from ducha.io.collector import collector_paused
from ducha.model.case import Case, Stage, last_on
from ducha.model.measures import ORDER, TALK, Measure
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
from ducha.rules.calendar import Calendar, calendar_for
from ducha.rules.deadlines import Light, Status, deadline, progress_overdue
from ducha.rules.escalation import ORDER_METHOD
from ducha.rules.metrics import CLOSED_STAGES, PeriodTally, closure_in, period_by_lead_unit
from ducha.rules.periods import Period

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

    @property
    def closed(self) -> bool:
        """Whether the period is over on the day scored: the scores are final, not running."""
        return self.today >= self.period.end

    def unit(self, name: str) -> UnitScore | None:
        return next((u for u in self.units if u.unit == name), None)


@dataclass(frozen=True)
class _Event:
    """Something that happened in the period that an item counts, before the rules give it points."""

    key: str
    date: dt.date
    units: tuple[str, ...]  # CASE: the lead unit, then the co-units
    what: str
    case: str = ""
    record: str = ""
    quantity: int = 1  # working days overdue: many at once


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
                statuses: Sequence[Status] | None = None) -> ScoreBoard:
    """Every registered unit's score for ``period`` as of ``today`` (clamped to the period's end).

    ``cases`` and the issued records are as they stood on that day; units come in the order of
    their scores (highest first), equal scores sharing a rank, then in office.yaml's order.
    ``statuses``: those of every case on that day, when the caller has them already (the site).
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
        events = [*_case_events(statuses, office, period, day, calendar),
                  *_record_events(notices, measures, bulletins, cases, period, day)]
        lines: dict[str, list[ScoreLine]] = {unit.name: [] for unit in office.units}
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


def _scored(events: Iterable[_Event], scoring: Scoring) -> Iterator[tuple[str, ScoreLine]]:
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


def _case_events(statuses: Sequence[Status], office: Office, period: Period, day: dt.date,
                 calendar: Calendar) -> Iterator[_Event]:
    """What each case's units did in the period: closures, days overdue, returns, missed 续报, 签收, 回头看."""
    scoring = office.scoring
    assert scoring is not None
    revised = [rule.effective_from for rule in scoring.rules[1:] if rule.effective_from is not None]
    for status in statuses:
        case = status.case
        if case.lead_unit is None or case.assigned is None or _done_before(status, period):
            continue
        units = case.units
        closure = closure_in(status, period)
        if closure is not None:
            closed, report = case.closed_on(day), last_on(case.reports, day)  # closed: its last report closed it
            assert closed is not None and report is not None
            done = f"{report.date} 报送办理报告，{closed} 审核通过办结；到期日 {status.due}"
            if closure is Light.DONE:
                yield _Event("closed_on_time", closed, units, f"{done}，按期", case.id)
            else:
                yield _Event("closed_late", closed, units, f"{done}，超期{status.workdays_overdue}个工作日", case.id)
        for due, stop, ended in _overdue_spans(status, office, day, calendar):
            yield from _overdue_days(case.id, units, due, stop, ended, period, revised, calendar)
        for review in case.reviews:
            if not review.passed and review.date in period and review.date <= day:
                opinion = f"：{_one_line(review.opinion)}" if review.opinion else ""
                yield _Event("returned", review.date, units, f"{review.date} 办理报告被退回{opinion}", case.id)
        for missed, last in progress_misses(case, office, day, status.stage):
            if missed in period:
                yield _Event("progress_missed", missed, units,
                             f"自 {last} 起超过 {office.progress_interval_days} 天未报送办理进展", case.id)
        receipt = status.receipt
        if receipt is not None:
            overdue = (receipt.pending if day > receipt.due else ()) + receipt.late
            first = receipt.due + dt.timedelta(days=1)
            for unit in overdue:
                if first in period:
                    signed = "超时签收" if unit in receipt.late else "未签收"
                    yield _Event("receipt_overdue", first, (unit,), f"签收时限 {receipt.due}，{signed}", case.id)
        for followup in case.followups:
            if followup.reopens and followup.date in period and followup.date <= day:
                yield _Event("followup_failed", followup.date, units,
                             f"{followup.date} 回访复核（{followup.by}）：{_one_line(followup.finding)}", case.id)


def _done_before(status: Status, period: Period) -> bool:
    """Whether the case was closed or cancelled for good before the period began: everything a case item counts
    (closing, days overdue, returns, missed 续报, 签收, a 回头看 that reopened it) happened before that."""
    case = status.case
    if status.stage is Stage.CANCELLED or (status.stage is Stage.ARCHIVED and case.cancelled is not None):
        return case.cancelled is not None and case.cancelled.date < period.start
    if status.stage not in CLOSED_STAGES:
        return False
    closed = case.closed_on(status.today)
    return closed is not None and closed < period.start


def _overdue_spans(status: Status, office: Office, day: dt.date,
                   calendar: Calendar) -> Iterator[tuple[dt.date, dt.date, bool]]:
    """(due date, last day overdue, whether the report came in then) for each round that went past its due date.

    A round is judged as its status stood on its last day: the day before the next round began, or ``day``.
    """
    case = status.case
    rounds = case.rounds(day)
    for index, round_ in enumerate(rounds):
        if index + 1 < len(rounds):
            end = rounds[index + 1].start - dt.timedelta(days=1)
            if end < round_.start:
                continue
            judged = deadline(case, office, end, calendar)
        else:
            judged = status
        if judged.due is None or judged.light not in (Light.RED, Light.LATE):
            continue
        report = case.closing_report(judged.today) if judged.light is Light.LATE else None
        yield judged.due, report.date if report is not None else judged.today, report is not None


def _overdue_days(case_id: str, units: tuple[str, ...], due: dt.date, stop: dt.date, reported: bool, period: Period,
                  revised: Sequence[dt.date], calendar: Calendar) -> Iterator[_Event]:
    """The working days a case was overdue within ``period``, one event per stretch under one rule."""
    start = max(due, period.start - dt.timedelta(days=1))  # days counted are in (start, end]
    end = min(stop, period.end)
    if end <= start:
        return
    total = calendar.workdays_between(due, stop)
    cuts = [d - dt.timedelta(days=1) for d in revised if start < d - dt.timedelta(days=1) < end]
    for after, through in zip([start, *cuts], [*cuts, end], strict=True):
        days = calendar.workdays_between(after, through)
        if days:
            whole = f"，报送办理报告时共超期{total}个工作日" if reported else f"，截至 {stop} 共超期{total}个工作日"
            yield _Event("overdue_workdays", through, units,
                         f"到期日 {due}；{after + dt.timedelta(days=1)} 至 {through} 超期{days}个工作日{whole}", case_id,
                         quantity=days)


def progress_misses(case: Case, office: Office, day: dt.date, stage: Stage | None = None) -> list[tuple[dt.date, dt.date]]:
    """Each day by ``day`` that the case fell behind on its 续报: (the day, the last progress or start before it).

    The day the status first shows 需续报 (``rules.deadlines.progress_overdue``), and every further
    full interval it stays so. Only days where the status may change, and the interval's multiples
    between them, are asked: the answer is the status's own, without walking every day.
    """
    interval = office.progress_interval_days
    if interval is None or case.assigned is None or case.assigned > day:
        return []
    if not _ever_behind(case, interval, day, stage or case.stage_on(day)):
        return []
    stops = [fact.date for fact in (case.cancelled, case.archive) if fact is not None]
    changes = sorted(d for d in {case.assigned, *(p.date for p in case.progress), *(r.date for r in case.reports),
                                 *(r.date for r in case.reviews), *(r.start for r in case.rounds(day)), *stops}
                     if d <= day)
    found: list[tuple[dt.date, dt.date]] = []
    step = dt.timedelta(days=interval)
    for index, start in enumerate(changes):
        end = changes[index + 1] - dt.timedelta(days=1) if index + 1 < len(changes) else day
        if end < start or not case.stage_on(start).is_open:
            continue
        last = _last_progress(case, start)
        first = last + step + dt.timedelta(days=1)  # the first day past the interval
        regular = first if first >= start else first + step * -(-(start - first).days // interval)
        if first <= start and progress_overdue(case, office, case.stage_on(start), start) and not (
                start - dt.timedelta(days=1) >= case.assigned
                and progress_overdue(case, office, case.stage_on(start - dt.timedelta(days=1)), start - dt.timedelta(days=1))):
            found.append((start, last))  # reopened, or returned, already behind: behind from that day
            if regular == start:
                regular += step
        while regular <= end:
            found.append((regular, last))
            regular += step
    return found


def _ever_behind(case: Case, interval: int, day: dt.date, stage: Stage) -> bool:
    """Whether some stretch without progress (from 交办, a progress or a round's start) outlasted ``interval`` while
    the case could have been open (``stage``: its stage on ``day``): the cheap question that rules out most cases
    before the status is asked."""
    assert case.assigned is not None
    starts = sorted({case.assigned, *(p.date for p in case.progress if p.date <= day),
                     *(r.start for r in case.rounds(day))})
    open_until = day if stage.is_open else max(
        [case.assigned, *(r.date for r in case.reports if r.date <= day),
         *(fact.date for fact in (case.cancelled, case.archive) if fact is not None and fact.date <= day)])
    ends = [*starts[1:], open_until]
    return any((end - start).days > interval for start, end in zip(starts, ends, strict=True) if start < open_until)


def _last_progress(case: Case, today: dt.date) -> dt.date:
    """The start of the 续报 interval running on ``today``: the last progress, 交办 or the round's start."""
    assert case.assigned is not None
    last = max((p.date for p in case.progress if p.date <= today), default=case.assigned)
    current = case.round_on(today)
    return max(last, current.start) if current is not None else last


def _record_events(notices: Sequence[Notice], measures: Sequence[Measure], bulletins: Sequence[Bulletin],
                   cases: Sequence[Case], period: Period, day: dt.date) -> Iterator[_Event]:
    """What the office's issued records say of a unit in the period: 通报, 督办令, 约谈, 督查专报 采用."""
    for notice in notices:
        if notice.date in period and notice.date <= day:
            for key, mentions in (("praised", notice.praised), ("criticised", notice.criticised)):
                for mention in mentions:
                    yield _Event(key, notice.date, (mention.unit,), _one_line(mention.reason), "、".join(mention.cases),
                                 notice.doc_no)
    ordered: set[tuple[str, dt.date]] = set()
    for measure in measures:
        if measure.kind in (ORDER, TALK) and measure.date in period and measure.date <= day:
            key = "order" if measure.kind == ORDER else "talk"
            ordered |= {(case_id, measure.date) for case_id in measure.cases} if measure.kind == ORDER else set()
            yield _Event(key, measure.date, (measure.unit,), _one_line(measure.reason), "、".join(measure.cases),
                         f"{measure.title}（{measure.id}）")
    for case in cases:
        for urge in case.urges:
            if (urge.method == ORDER_METHOD and urge.date in period and urge.date <= day and case.lead_unit
                    and (case.id, urge.date) not in ordered):
                yield _Event("order", urge.date, (case.lead_unit,), f"督办（{urge.method}）：{_one_line(urge.note)}".rstrip("："), case.id)
    for bulletin in bulletins:
        if bulletin.date in period and bulletin.date <= day:
            for unit in bulletin.adopted:
                yield _Event("bulletin_adopted", bulletin.date, (unit,), f"《督查专报》{_one_line(bulletin.title)}",
                             record=f"{bulletin.date.year}年第{bulletin.number}期")


def _one_line(text: str) -> str:
    """A record's text as one line of a score (a line break in an opinion becomes a space)."""
    return " ".join(text.split())
