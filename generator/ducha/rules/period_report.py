"""The 通报: what happened in a period, who was on time, who is late, whom to praise or criticise.

Every total is the length of a list the report also carries, so each number reconciles
exactly with the items beside it. Statuses are as of ``today`` (at most the period's end):
the same records, period and day always give the same report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from ducha.model.case import Case
from ducha.model.notices import Bulletin, Mention, Notice
from ducha.model.office import Office
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Light, status_board
from ducha.rules.escalation import PRAISE_RULE, criticism_tally, propose_criticism
from ducha.rules.metrics import CLOSED_STAGES
from ducha.rules.periods import Period


@dataclass(frozen=True)
class Item:
    """One case in one of the report's lists, with what puts it there."""

    id: str
    title: str
    unit: str
    detail: str


@dataclass(frozen=True)
class UnitRow:
    """A lead unit's record in the period, and where its criticisms stand this year."""

    unit: str
    closed: int
    on_time: int
    late: int
    overdue_open: int
    co_handled: int
    criticised_this_year: int
    consequence: str  # of this year's criticisms, in the office's words
    criticised_in_period: bool = False  # criticised by a notice of the period, or proposed now

    @property
    def rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None


@dataclass(frozen=True)
class BulletinProgress:
    """督查专报 this year against the quota."""

    year: int
    issued: int
    on_problems: int
    quota: int
    problem_share: int

    @property
    def problems_needed(self) -> int:
        return -(-self.quota * self.problem_share // 100)


@dataclass(frozen=True)
class PeriodReport:
    """Everything a 通报 says, ready for Markdown, JSON or DOCX."""

    office: str
    period: Period
    today: dt.date
    data_commit: str
    registered: tuple[Item, ...]
    closed_on_time: tuple[Item, ...]
    closed_late: tuple[Item, ...]
    overdue: tuple[Item, ...]
    extended: tuple[Item, ...]
    returned: tuple[Item, ...]
    followups: tuple[Item, ...]
    units: tuple[UnitRow, ...]
    praise: tuple[Mention, ...]  # proposed: a notice issued from this report makes them final
    criticism: tuple[Mention, ...]
    bulletins: BulletinProgress | None = None
    notices_this_year: tuple[str, ...] = field(default=())
    ranking: tuple[str, ...] = ()

    @property
    def closed(self) -> int:
        return len(self.closed_on_time) + len(self.closed_late)

    @property
    def rate(self) -> float | None:
        return len(self.closed_on_time) / self.closed if self.closed else None

    next_consequences: tuple[str, ...] = ()  # what the 1st, 2nd, 3rd… criticism of the year costs

    def next_criticism(self, unit: str) -> tuple[int, str]:
        """Which criticism of the year issuing this report would be for ``unit``, and what it costs."""
        count = next((r.criticised_this_year for r in self.units if r.unit == unit), 0) + 1
        return count, self.next_consequences[min(count, len(self.next_consequences)) - 1]

    def totals(self) -> dict[str, int]:
        return {"新立项": len(self.registered), "办结": self.closed, "按期办结": len(self.closed_on_time),
                "超期办结": len(self.closed_late), "超期未办结": len(self.overdue), "延期": len(self.extended),
                "退回重办": len(self.returned), "回头看": len(self.followups)}


def _item(case: Case, detail: str) -> Item:
    return Item(case.id, case.title, case.lead_unit or "—", detail)


def _sorted(items: list[Item]) -> tuple[Item, ...]:
    return tuple(sorted(items, key=lambda i: (i.unit, i.id, i.detail)))


def build_report(office: Office, cases: Sequence[Case], notices: Sequence[Notice], bulletins: Sequence[Bulletin],
                 period: Period, today: dt.date, data_commit: str) -> PeriodReport:
    """The 通报 for ``period`` as of ``today`` (clamped to the period's end)."""
    today = min(today, period.end)
    calendar = calendar_for(office.holiday_overrides)
    statuses = status_board(office, cases, today)
    rules = office.notice_rules
    registered: list[Item] = []
    on_time: list[Item] = []
    late: list[Item] = []
    overdue: list[Item] = []
    extended: list[Item] = []
    returned: list[Item] = []
    followups: list[Item] = []
    for s in statuses:
        case = s.case
        if case.registered in period:
            registered.append(_item(case, f"立项 {case.registered}"))
        closed = case.closed_on(today)
        if closed in period and s.stage in CLOSED_STAGES:
            (on_time if s.light is Light.DONE else late).append(
                _item(case, f"{closed} 办结" + (f"，超期{s.workdays_overdue}个工作日" if s.light is Light.LATE else "")))
        if s.light is Light.RED:
            overdue.append(_item(case, f"到期 {s.due}，超期{s.workdays_overdue}个工作日"))
        for ext in case.extensions:
            if ext.approved in period:
                extended.append(_item(case, f"{ext.approved} 批准延期：{ext.term}"))
        for review in case.reviews:
            if review.date in period and not review.passed:
                returned.append(_item(case, f"{review.date} 退回：{review.opinion}"))
        for followup in case.followups:
            if followup.date in period:
                followups.append(_item(case, f"{followup.date} {followup.by}：{followup.finding}"))
    tally = criticism_tally(notices, today.year)
    criticism = propose_criticism(statuses, rules, calendar, [n for n in notices if n.date <= today])
    criticised = {m.unit for m in criticism} | {m.unit for n in notices if n.date in period for m in n.criticised}
    wording = office.wording
    rows = []
    for unit in office.units:
        mine = [s for s in statuses if s.case.lead_unit == unit.name]
        done = [s for s in mine if s.stage in CLOSED_STAGES and s.case.closed_on(today) in period]
        rows.append(UnitRow(
            unit=unit.name, closed=len(done), on_time=sum(s.light is Light.DONE for s in done),
            late=sum(s.light is Light.LATE for s in done), overdue_open=sum(s.light is Light.RED for s in mine),
            co_handled=sum(1 for s in statuses if unit.name in s.case.co_units and (s.is_open or s.case.closed_on(today) in period)),
            criticised_this_year=tally.get(unit.name, 0), consequence=wording.consequence(tally.get(unit.name, 0)),
            criticised_in_period=unit.name in criticised))
    rows.sort(key=lambda r: ranking_key(r, rules.ranking))
    praise = [Mention(r.unit, f"本期主办事项{r.closed}项全部按期办结，无超期未办结事项",
                      tuple(sorted(i.id for i in on_time if i.unit == r.unit)), PRAISE_RULE.basis)
              for r in rows if r.closed >= rules.praise_min_items and r.late == 0 and r.overdue_open == 0
              and not r.criticised_in_period]
    progress = None
    if office.bulletins.enabled:
        year = [b for b in bulletins if b.date.year == today.year and b.date <= today]
        progress = BulletinProgress(today.year, len(year), sum(b.reports_problem for b in year),
                                    office.bulletins.yearly_quota, office.bulletins.problem_share)
    return PeriodReport(
        office=office.name, period=period, today=today, data_commit=data_commit,
        registered=_sorted(registered), closed_on_time=_sorted(on_time), closed_late=_sorted(late),
        overdue=_sorted(overdue), extended=_sorted(extended), returned=_sorted(returned), followups=_sorted(followups),
        units=tuple(rows), praise=tuple(praise), criticism=criticism, bulletins=progress,
        notices_this_year=tuple(n.doc_no for n in notices if n.date.year == today.year),
        ranking=rules.ranking, next_consequences=tuple(wording.consequence(n) for n in (1, 2, 3)),
    )


#: How each ranking criterion orders two units (office.yaml ``notice_rules.ranking``).
RANKING_EXPLAINED = {"本期批评": "本期未被通报批评的在前", "按期办结率": "按期办结率高的在前",
                     "超期未办结": "超期未办结少的在前", "办结数": "办结多的在前"}


def ranking_key(row: UnitRow, ranking: Sequence[str]) -> tuple[object, ...]:
    """Sort key of a unit row under the office's ranking rule; the unit name settles ties."""
    parts: list[object] = []
    for criterion in ranking:
        if criterion == "本期批评":
            parts.append(row.criticised_in_period)
        elif criterion == "按期办结率":
            parts += [row.rate is None, -(row.rate or 0.0)]
        elif criterion == "超期未办结":
            parts.append(row.overdue_open)
        elif criterion == "办结数":
            parts.append(-row.closed)
    return (*parts, row.unit)


def ranking_rule(ranking: Sequence[str]) -> str:
    """The ranking rule in words, for the page and the report."""
    return "；".join(RANKING_EXPLAINED[c] for c in ranking) + "。"
