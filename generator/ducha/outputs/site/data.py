"""Everything the site's pages are made from, computed once for the day and the audience."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from ducha.model.assessments import Assessment
from ducha.model.measures import Measure
from ducha.model.notices import Notice
from ducha.model.office import Office
from ducha.model.surveys import Survey
from ducha.outputs.site.urls import leader_page
from ducha.repo.audit import AuditTrail
from ducha.rules import queues
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Status
from ducha.rules.period_report import PeriodReport
from ducha.rules.rollup import Rollup
from ducha.rules.scoring import ScoreBoard


@dataclass(frozen=True)
class SiteData:
    """Everything the pages are made from, computed once for ``today``, already limited to what
    the profile's audience may see (``model.redaction``): pages only place it."""

    office: Office
    today: dt.date
    profile: str
    head: str
    statuses: tuple[Status, ...]
    trails: dict[str, AuditTrail]
    notices: tuple[Notice, ...] = ()
    criticisms: dict[str, int] = field(default_factory=dict)  # this calendar year, per unit
    drafts: tuple[PeriodReport, ...] = ()  # this month's and quarter's 通报, and the ones just ended
    feeds: dict[str, str] = field(default_factory=dict)  # calendar file name → iCalendar text
    #: The year before's criticism tally, kept in view while the new year is young.
    last_year_criticisms: dict[str, int] = field(default_factory=dict)
    measures: tuple[Measure, ...] = ()  # 督办令, 约谈, 书面检查, 问责 the audience may see
    #: 上下联动: the subordinate offices as the last `ducha rollup` read them, cut to what the audience may see.
    rollup: Rollup | None = None
    surveys: tuple[Survey, ...] = ()  # 督查调研, 专业评估, 民意调查, 满意度调查 the audience may see
    #: The current period's running 考核 scores, when office.yaml keeps scores and the audience may see them.
    scores: ScoreBoard | None = None
    assessments: tuple[Assessment, ...] = ()  # issued 考核 results, shown with the scores

    def consequence(self, count: int) -> str:
        """What the ``count``-th criticism of the year costs a unit, in the office's words."""
        return self.office.wording.consequence(count)

    @functools.cached_property
    def by_id(self) -> dict[str, Status]:
        """Computed once: every case page looks up its parent here."""
        return {s.case.id: s for s in self.statuses}

    @functools.cached_property
    def children(self) -> dict[str, list[Status]]:
        """Each case's 分解事项, by the parent's id."""
        found: dict[str, list[Status]] = defaultdict(list)
        for s in self.statuses:
            if s.case.parent is not None:
                found[s.case.parent].append(s)
        return found

    @functools.cached_property
    def orders(self) -> list[queues.OrderStatus]:
        """Every 督办令 with its 限期 and state, computed once for the dashboard, unit and case pages."""
        return queues.orders(self.statuses, self.measures, self.today, calendar_for(self.office.holiday_overrides))

    def order_state(self, measure: Measure) -> str:
        """A 督办令's 限期 and state in words (限期 2026-11-20（限期内，剩3个工作日）); empty for other measures."""
        state = next((o for o in self.orders if o.order == measure), None)
        if state is None:
            return ""
        left = f"，剩{state.working_days_left}个工作日" if state.working_days_left is not None else ""
        return f"限期 {state.due}（{state.state.label}{left}）"

    @functools.cached_property
    def measures_by_case(self) -> dict[str, list[Measure]]:
        found: dict[str, list[Measure]] = defaultdict(list)
        for measure in self.measures:
            for case_id in measure.cases:
                found[case_id].append(measure)
        return found

    @functools.cached_property
    def surveys_by_case(self) -> dict[str, list[Survey]]:
        """The surveys that name a case, or that one of its 回访复核 cites."""
        cited = {f.survey: s.case.id for s in self.statuses for f in s.case.followups if f.survey}
        found: dict[str, list[Survey]] = defaultdict(list)
        for survey in self.surveys:
            for case_id in dict.fromkeys([*survey.cases, *([cited[survey.id]] if survey.id in cited else [])]):
                found[case_id].append(survey)
        return found

    @functools.cached_property
    def leaders(self) -> dict[str, list[Status]]:
        """Each leader who gave instructions (source.leader) → the items, leaders in order of name."""
        found: dict[str, list[Status]] = defaultdict(list)
        for s in self.statuses:
            if s.case.source.leader.strip():
                found[s.case.source.leader.strip()].append(s)
        return dict(sorted(found.items()))

    @functools.cached_property
    def leader_pages(self) -> dict[str, str]:
        return {leader: leader_page(n) for n, leader in enumerate(self.leaders, 1)}

    @functools.cached_property
    def basis(self) -> tuple[object, ...]:
        """What every case page shows besides its own case (office, commit, unit names, leaders' pages):
        made once, so that telling an unchanged page takes one comparison."""
        return (self.head, self.office, tuple(self.full_names.items()), tuple(self.leader_pages.items()))

    @functools.cached_property
    def full_names(self) -> dict[str, str]:
        return {u.name: u.full_name for u in self.office.units}
