"""The 通报: what happened in a period, who was on time, who is late, whom to praise or criticise.

Every total is the length of a list the report also carries, so each number reconciles
exactly with the items beside it. Statuses are as of ``today`` (at most the period's end):
the same records, period and day always give the same report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ducha.model.case import Case
from ducha.model.links import Reading
from ducha.model.logs import SATISFACTION_RESULTS, late_mark
from ducha.model.measures import MEASURE_KINDS, ORDER, Measure
from ducha.model.notices import Bulletin, Mention, Notice
from ducha.model.office import Office
from ducha.model.surveys import ASKING, Survey
from ducha.rules.calendar import Calendar, calendar_for
from ducha.rules.deadlines import Light, status_board
from ducha.rules.escalation import criticism_tally, order_due, owed_measures, propose_accountability, propose_criticism
from ducha.rules.late import EntryKey, LateEntry, RecordedAt, late_entries
from ducha.rules.metrics import CLOSED_STAGES, closure_in, period_by_lead_unit
from ducha.rules.periods import Period
from ducha.rules.registry import NO_PRAISE_AFTER_SECOND, PRAISE, cited
from ducha.rules.rollup import Rollup


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
class OwedMeasure:
    """What one criticism of the year calls for (实施办法 第十六条（二）（三）), and the record answering it."""

    unit: str
    count: int  # the unit's n-th criticism of the year
    kind: str  # 书面检查, 约谈, 问责
    notice: str  # the 通报 of that criticism
    done: str  # the answering record's 年份-序号; empty while none does


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
    #: Units the praise rule would name, left out: criticised twice this year (取消年度评先树优资格).
    withheld: tuple[Mention, ...] = ()
    #: 拟提出问责建议 for 逾期不报 and 弄虚作假 (中办 1999 年意见 七；实施办法 第十五条).
    accountability: tuple[Mention, ...] = ()
    #: This year's criticisms, each with the measure it calls for and whether one is recorded.
    owed: tuple[OwedMeasure, ...] = ()
    #: 督查调研, 专业评估, 民意调查 and 满意度调查 of the period: ``id`` the record's, ``title`` its kind.
    surveys: tuple[Item, ...] = ()
    bulletins: BulletinProgress | None = None
    notices_this_year: tuple[str, ...] = field(default=())
    reopened: tuple[Item, ...] = ()  # 再督查 and 重新办理 begun in the period: each a further round
    behind: tuple[Item, ...] = ()  # open items with a 节点 overdue as of ``today`` (未达到序时进度)
    measures: tuple[Item, ...] = ()  # 督办令, 约谈, 书面检查, 问责 recorded in the period, in date order
    satisfaction: tuple[Item, ...] = ()  # 满意度 of 建议/提案 given in the period; ``title`` holds the result

    def satisfied(self) -> dict[str, int]:
        """满意度 given in the period, by result."""
        return {result: sum(1 for i in self.satisfaction if i.title == result) for result in SATISFACTION_RESULTS}
    ranking: tuple[str, ...] = ()
    #: 补录 entries recorded in the period (dated earlier than recorded by more than the office allows).
    recorded_late: tuple[Item, ...] = field(default=())
    #: 上下联动: the subordinate offices ranked by the same rules as units, on their own handling (their rules)
    #: of the cases delegated to them; 下级办理情况 of those cases; how each office was read (stale, rewritten).
    offices: tuple[UnitRow, ...] = ()
    below: tuple[Item, ...] = ()
    readings: tuple[Reading, ...] = ()

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
                "退回重办": len(self.returned), "回头看": len(self.followups), "再督查": len(self.reopened),
                "未达到序时进度": len(self.behind),
                **{kind: sum(1 for m in self.measures if m.title.startswith(kind)) for kind in MEASURE_KINDS},
                **self.satisfied()}


def _measure_item(measure: Measure, calendar: Calendar, today: dt.date) -> Item:
    """A 督查问责 record as a line of the 通报: its number and kind, the unit, what and when, and a 问责's
    outcome once decided (实施办法 第十六条（三）：问责及处理结果在一定范围内公布)."""
    deadline = f"，限期 {order_due(measure, calendar)}" if measure.kind == ORDER else ""
    outcome = measure.outcome
    decided = f"；处理结果：{outcome.result}（{outcome.by}，{outcome.date}）" if outcome and outcome.date <= today else ""
    return Item(measure.id, measure.title, measure.unit,
                f"{measure.date} {'、'.join(measure.cases)}：{measure.reason.rstrip('。')}{deadline}（{measure.by}）{decided}")


def _item(case: Case, detail: str) -> Item:
    return Item(case.id, case.title, case.lead_unit or "—", detail)


def _sorted(items: list[Item]) -> tuple[Item, ...]:
    return tuple(sorted(items, key=lambda i: (i.unit, i.id, i.detail)))


def _flag(text: str, late: Mapping[EntryKey, LateEntry], key: EntryKey) -> str:
    """An item's detail, marked 补录 when the entry behind it was recorded late (its verdict still goes by its date)."""
    return text + late_mark(late[key].reason) if key in late else text


def build_report(office: Office, cases: Sequence[Case], notices: Sequence[Notice], bulletins: Sequence[Bulletin],
                 period: Period, today: dt.date, data_commit: str,
                 recorded: Mapping[str, Mapping[EntryKey, RecordedAt]] | None = None,
                 measures: Sequence[Measure] = (), surveys: Sequence[Survey] = (),
                 rollup: Rollup | None = None) -> PeriodReport:
    """The 通报 for ``period`` as of ``today`` (clamped to the period's end).

    ``recorded`` says when each entry entered the records (from git): entries recorded too
    late are 补录, flagged beside the items they support and listed on their own. ``measures``
    are the 督查问责 records: 督办令 judged for criticism, and those of the period listed.
    """
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
    reopened: list[Item] = []
    behind: list[Item] = []
    satisfaction: list[Item] = []
    recorded_late: list[Item] = []
    for s in statuses:
        case = s.case
        found = late_entries(case, office, (recorded or {}).get(case.id), calendar)
        late_here = {(e.key, e.index): e for e in found}
        recorded_late += [_item(case, e.text()) for e in found if (e.recorded.day if e.recorded else e.date) in period]
        if case.registered in period:
            registered.append(_item(case, f"立项 {case.registered}"))
        closure = closure_in(s, period)
        if closure is not None:
            again = f"（第{s.round}轮）" if s.round > 1 else ""
            report = case.closing_report(today)
            index = next((i for i, r in enumerate(case.reports) if r is report), -1)
            (on_time if closure is Light.DONE else late).append(_item(case, _flag(
                f"{case.closed_on(today)} 办结{again}" + (f"，超期{s.workdays_overdue}个工作日" if closure is Light.LATE else ""),
                late_here, ("reports", index))))
        if s.light is Light.RED:
            overdue.append(_item(case, f"到期 {s.due}，超期{s.workdays_overdue}个工作日"))
        if s.behind:
            behind.append(_item(case, "；".join(f"节点「{m.name}」应于 {m.due} 完成，超期{m.workdays_overdue}个工作日"
                                               for m in s.behind)))
        for index, ext in enumerate(case.extensions):
            if ext.approved in period:
                extended.append(_item(case, _flag(f"{ext.approved} 批准延期：{ext.term}", late_here, ("extensions", index))))
        for index, review in enumerate(case.reviews):
            if review.date in period and not review.passed:
                returned.append(_item(case, _flag(f"{review.date} 退回：{review.opinion}", late_here, ("reviews", index))))
        for index, followup in enumerate(case.followups):
            if followup.date in period:
                result = f"（{followup.result}）" if followup.result else ""
                followups.append(_item(case, _flag(f"{followup.date} {followup.by}：{followup.finding}{result}", late_here,
                                                   ("followups", index))))
        for verdict in case.feedback:
            if verdict.date in period:
                note = f"，{verdict.note}" if verdict.note else ""
                again = f"（重新办理，时限 {verdict.time_limit}）" if verdict.reopens else ""
                satisfaction.append(Item(case.id, verdict.result, case.lead_unit or "—",
                                         f"{verdict.date} {verdict.by}：{verdict.result}{note}{again}"))
        for round_ in case.rounds(today):
            if round_.number > 1 and round_.start in period:
                reopened.append(_item(case, f"{round_.start} {round_.kind}，第{round_.number}轮，时限 {round_.time_limit}："
                                            f"{round_.reason}"))
    issued = [n for n in notices if n.date <= today]
    tally = criticism_tally(issued, today.year)
    issued_measures = [m for m in measures if m.date <= today]
    criticism = propose_criticism(statuses, rules, calendar, issued, issued_measures)
    criticised = {m.unit for m in criticism} | {m.unit for n in notices if n.date in period for m in n.criticised}
    wording = office.wording
    rows = []
    counts = period_by_lead_unit(statuses, period, [unit.name for unit in office.units])
    for unit in office.units:
        mine = counts[unit.name]
        rows.append(UnitRow(
            unit=unit.name, closed=mine.closed, on_time=mine.closed_on_time, late=mine.closed_late,
            overdue_open=mine.overdue_open,
            co_handled=sum(1 for s in statuses if unit.name in s.case.co_units and (s.is_open or s.case.closed_on(today) in period)),
            criticised_this_year=tally.get(unit.name, 0), consequence=wording.consequence(tally.get(unit.name, 0)),
            criticised_in_period=unit.name in criticised))
    rows.sort(key=lambda r: ranking_key(r, rules.ranking))
    deserving = [Mention(r.unit, f"本期主办事项{r.closed}项全部按期办结，无超期未办结事项",
                         tuple(sorted(i.id for i in on_time if i.unit == r.unit)), cited(PRAISE, rules))
                 for r in rows if r.closed >= rules.praise_min_items and r.late == 0 and r.overdue_open == 0
                 and not r.criticised_in_period]
    # 实施办法 第十六条（二）: a unit criticised twice in a year loses that year's 评先树优资格.
    barred = {r.unit for r in rows if r.criticised_this_year >= 2}
    praise = [m for m in deserving if m.unit not in barred]
    withheld = [Mention(m.unit, f"{today.year}年已被通报批评{tally[m.unit]}次，取消年度评先树优资格，不列入拟表扬",
                        m.cases, NO_PRAISE_AFTER_SECOND.basis) for m in deserving if m.unit in barred]
    progress = None
    if office.bulletins.enabled:
        year = [b for b in bulletins if b.date.year == today.year and b.date <= today]
        progress = BulletinProgress(today.year, len(year), sum(b.reports_problem for b in year),
                                    office.bulletins.yearly_quota, office.bulletins.problem_share)
    offices, below, readings = _offices(rollup, cases, period, today, tally, criticised, office)
    return PeriodReport(
        office=office.name, period=period, today=today, data_commit=data_commit,
        registered=_sorted(registered), closed_on_time=_sorted(on_time), closed_late=_sorted(late),
        overdue=_sorted(overdue), extended=_sorted(extended), returned=_sorted(returned), followups=_sorted(followups),
        units=tuple(rows), praise=tuple(praise), criticism=criticism, withheld=tuple(withheld),
        accountability=propose_accountability(statuses, calendar, issued_measures), bulletins=progress,
        owed=tuple(OwedMeasure(unit.name, o.count, o.kind, o.notice, o.done.id if o.done is not None else "")
                   for unit in office.units for o in owed_measures(unit.name, issued, issued_measures, today.year)),
        notices_this_year=tuple(n.doc_no for n in notices if n.date.year == today.year),
        reopened=_sorted(reopened), behind=_sorted(behind), satisfaction=_sorted(satisfaction),
        measures=tuple(_measure_item(m, calendar, today) for m in sorted(issued_measures, key=lambda m: (m.date, m.number))
                       if m.date in period or (m.outcome is not None and m.outcome.date in period)),
        ranking=rules.ranking, next_consequences=tuple(wording.consequence(n) for n in (1, 2, 3)),
        recorded_late=_sorted(recorded_late),
        offices=offices, below=below, readings=readings,
        surveys=tuple(_survey_item(s) for s in sorted(surveys, key=lambda s: (s.date, s.number))
                      if s.date in period and s.date <= today),
    )


def _offices(rollup: Rollup | None, cases: Sequence[Case], period: Period, today: dt.date, tally: Mapping[str, int],
             criticised: set[str], office: Office) -> tuple[tuple[UnitRow, ...], tuple[Item, ...], tuple[Reading, ...]]:
    """下级督查室: each ranked like a unit on the cases delegated to it, as its own rules judged them."""
    if rollup is None or not rollup.offices:
        return (), (), ()
    by_id = {case.id: case for case in cases}
    rows, below, readings = [], [], []
    for found in rollup.offices:
        mine = [b for b in found.below if b.status.stage in CLOSED_STAGES and b.case.closed_on(today) in period]
        handled = [b for b in found.below if b.status.is_open or b in mine]
        rows.append(UnitRow(
            unit=found.name, closed=len(mine), on_time=sum(b.status.light is Light.DONE for b in mine),
            late=sum(b.status.light is Light.LATE for b in mine),
            overdue_open=sum(b.status.light is Light.RED for b in found.below),
            co_handled=sum(1 for b in handled if found.name in by_id[b.upstream_id].co_units),
            criticised_this_year=tally.get(found.name, 0), consequence=office.wording.consequence(tally.get(found.name, 0)),
            criticised_in_period=found.name in criticised))
        for b in handled:
            detail = f"{b.case.id} {b.status.stage.label}，{b.status.light.label}，到期 {b.status.due or '—'}"
            if b.status.light is Light.RED:
                detail += f"，超期{b.status.workdays_overdue}个工作日"
            below.append(Item(b.upstream_id, by_id[b.upstream_id].title, found.name, detail))
        below += [Item(case_id, by_id[case_id].title, found.name, "尚未登记") for case_id in found.missing
                  if by_id[case_id].assigned is not None]
        readings.append(found.reading)
    rows.sort(key=lambda r: ranking_key(r, office.notice_rules.ranking))
    return tuple(rows), _sorted(below), tuple(readings)


def _survey_item(survey: Survey) -> Item:
    """A 调研 or 调查 as a line of the 通报: its number and kind, what it was about, found and suggests."""
    asked = ""
    if survey.kind in ASKING:
        asked = f"；样本{survey.respondents}份" + (f"，满意率{survey.satisfaction:g}%" if survey.satisfaction is not None else "")
    advice = f"；建议：{survey.suggestions.rstrip('。')}" if survey.suggestions else ""
    return Item(survey.id, survey.kind, "、".join(survey.units) or "—",
                f"{survey.date}「{survey.title}」（{survey.by}）：{survey.findings.rstrip('。')}{asked}{advice}")


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
