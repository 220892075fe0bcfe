"""What happened in a period that a 考核 item counts: each case's closures, days overdue, returns, missed 续报,
签收 and 回头看, and what the office's issued records say of a unit (通报, 督办令, 约谈, 督查专报).

Events are facts with a day, a case and the units they concern; ``rules.scoring`` gives them points.
Every fact is read the way every other output reads it: closures by ``rules.metrics.closure_in``,
days overdue and 需续报 from the statuses of ``rules.deadlines``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ducha.model.case import Case, Stage, last_on
from ducha.model.measures import ORDER, TALK, Measure
from ducha.model.notices import Bulletin, Notice
from ducha.model.office import Office
from ducha.rules.calendar import Calendar
from ducha.rules.deadlines import Light, Status, deadline, progress_overdue
from ducha.rules.escalation import ORDER_METHOD
from ducha.rules.metrics import CLOSED_STAGES, closure_in
from ducha.rules.periods import Period


class Event(NamedTuple):
    """Something that happened in the period that an item counts, before the rules give it points.

    A named tuple, not a dataclass: tens of thousands are made and gone within one scoring.
    """

    key: str
    date: dt.date
    units: tuple[str, ...]  # CASE: the lead unit, then the co-units
    what: str
    case: str = ""
    record: str = ""
    quantity: int = 1  # working days overdue: many at once


def case_events(statuses: Sequence[Status], office: Office, period: Period, day: dt.date,
                calendar: Calendar) -> Iterator[Event]:
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
                yield Event("closed_on_time", closed, units, f"{done}，按期", case.id)
            else:
                yield Event("closed_late", closed, units, f"{done}，超期{status.workdays_overdue}个工作日", case.id)
        for due, stop, ended in _overdue_spans(status, office, day, calendar):
            yield from _overdue_days(case.id, units, due, stop, ended, period, revised, calendar)
        for review in case.reviews:
            if not review.passed and review.date in period and review.date <= day:
                opinion = f"：{_one_line(review.opinion)}" if review.opinion else ""
                yield Event("returned", review.date, units, f"{review.date} 办理报告被退回{opinion}", case.id)
        for missed, last in progress_misses(case, office, day, status.stage):
            if missed in period:
                yield Event("progress_missed", missed, units,
                             f"自 {last} 起超过 {office.progress_interval(case.priority)} 天未报送办理进展", case.id)
        receipt = status.receipt
        if receipt is not None:
            overdue = (receipt.pending if day > receipt.due else ()) + receipt.late
            first = receipt.due + dt.timedelta(days=1)
            for unit in overdue:
                if first in period:
                    signed = "超时签收" if unit in receipt.late else "未签收"
                    yield Event("receipt_overdue", first, (unit,), f"签收时限 {receipt.due}，{signed}", case.id)
        for followup in case.followups:
            if followup.reopens and followup.date in period and followup.date <= day:
                yield Event("followup_failed", followup.date, units,
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
                  revised: Sequence[dt.date], calendar: Calendar) -> Iterator[Event]:
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
            yield Event("overdue_workdays", through, units,
                         f"到期日 {due}；{after + dt.timedelta(days=1)} 至 {through} 超期{days}个工作日{whole}", case_id,
                         quantity=days)


def progress_misses(case: Case, office: Office, day: dt.date, stage: Stage | None = None) -> list[tuple[dt.date, dt.date]]:
    """Each day by ``day`` that the case fell behind on its 续报: (the day, the last progress or start before it).

    The day the status first shows 需续报 (``rules.deadlines.progress_overdue``), and every further
    full interval it stays so. Only days where the status may change, and the interval's multiples
    between them, are asked: the answer is the status's own, without walking every day.
    """
    interval = office.progress_interval(case.priority)  # a 重点 item's is its priority's (随时报告)
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


def record_events(notices: Sequence[Notice], measures: Sequence[Measure], bulletins: Sequence[Bulletin],
                  cases: Sequence[Case], period: Period, day: dt.date) -> Iterator[Event]:
    """What the office's issued records say of a unit in the period: 通报, 督办令, 约谈, 督查专报 采用."""
    for notice in notices:
        if notice.date in period and notice.date <= day:
            for key, mentions in (("praised", notice.praised), ("criticised", notice.criticised)):
                for mention in mentions:
                    yield Event(key, notice.date, (mention.unit,), _one_line(mention.reason), "、".join(mention.cases),
                                 notice.doc_no)
    ordered: set[tuple[str, dt.date]] = set()
    for measure in measures:
        if measure.kind in (ORDER, TALK) and measure.date in period and measure.date <= day:
            key = "order" if measure.kind == ORDER else "talk"
            ordered |= {(case_id, measure.date) for case_id in measure.cases} if measure.kind == ORDER else set()
            yield Event(key, measure.date, (measure.unit,), _one_line(measure.reason), "、".join(measure.cases),
                         f"{measure.title}（{measure.id}）")
    for case in cases:
        for urge in case.urges:
            if (urge.method == ORDER_METHOD and urge.date in period and urge.date <= day and case.lead_unit
                    and (case.id, urge.date) not in ordered):
                yield Event("order", urge.date, (case.lead_unit,), f"督办（{urge.method}）：{_one_line(urge.note)}".rstrip("："), case.id)
    for bulletin in bulletins:
        if bulletin.date in period and bulletin.date <= day:
            for unit in bulletin.adopted:
                yield Event("bulletin_adopted", bulletin.date, (unit,), f"《督查专报》{_one_line(bulletin.title)}",
                             record=f"{bulletin.date.year}年第{bulletin.number}期")


def _one_line(text: str) -> str:
    """A record's text as one line of a score (a line break in an opinion becomes a space)."""
    return " ".join(text.split())
