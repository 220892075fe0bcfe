"""What the site is made from: the records checked, every status for the day, the audit trails,
the draft 通报 and the calendars, limited to what the profile's audience may see."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ducha.errors import UsageError
from ducha.load.records import Records, load_records
from ducha.load.validate import CheckCache
from ducha.model.case import Case
from ducha.model.office import Office
from ducha.model.redaction import PROFILES, Disclosure
from ducha.model.scoring import CRITICISM_ITEMS, PERIOD_KINDS
from ducha.outputs.ics import feeds
from ducha.outputs.site.data import SiteData
from ducha.repo.audit import AuditTrail, disclosed
from ducha.repo.audit import trails as read_trails
from ducha.repo.gitprocess import HistoryError, ShallowCloneError, check_repository, head_sha
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Status, deadline, status_board
from ducha.rules.escalation import criticism_tally
from ducha.rules.period_report import PeriodReport, build_report
from ducha.rules.periods import Period, parse_period, period_of
from ducha.rules.scoring import ScoreBoard, score_board

#: How long after a month or quarter ends its 通报 is still being drafted (and shown beside the current ones).
DRAFTING_DAYS = 15


@dataclass(frozen=True)
class Prepared:
    """The data for the pages, and what was left out and why."""

    data: SiteData
    warnings: tuple[str, ...]


def _trails(root: Path) -> tuple[dict[str, AuditTrail], str, tuple[str, ...]]:
    try:
        check_repository(root)
    except ShallowCloneError:
        raise  # a wrong audit trail is worse than none: refuse
    except HistoryError:
        return {}, "", (f"{root} 不是 git 仓库：站点中不含审计记录。",)
    head, trails = read_trails(root)
    return trails, head, ()


@dataclass
class Caches:
    """What a preview keeps from one rebuild to the next, so that an edit reads and computes only what
    changed: the files checked, the audit trails (read again on a new commit), each case's status."""

    checks: CheckCache = field(default_factory=CheckCache)
    head: str | None = None
    trails: dict[str, AuditTrail] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    office: Office | None = None
    statuses: dict[str, tuple[Case, Office, dt.date, Status]] = field(default_factory=dict)
    #: Each trail as the audience may see it, with the trail and disclosure it was made from.
    shown_trails: dict[str, tuple[AuditTrail, Disclosure, AuditTrail]] = field(default_factory=dict)

    def disclosed(self, trails: dict[str, AuditTrail], disclosure: Disclosure, shown: frozenset[str]) -> dict[str, AuditTrail]:
        """The trails of the shown cases as the audience may see them, made again only for a trail (or
        disclosure) that changed: the same objects from one rebuild to the next, so a case page whose
        makings did not change is found so at once."""
        out = {}
        for case_id, trail in trails.items():
            if case_id not in shown:
                continue
            kept = self.shown_trails.get(case_id)
            if kept is None or kept[0] is not trail or kept[1] != disclosure:
                kept = (trail, disclosure, disclosed(trail, disclosure))
                self.shown_trails[case_id] = kept
            out[case_id] = kept[2]
        return out

    def trails_of(self, root: Path) -> tuple[dict[str, AuditTrail], str, tuple[str, ...]]:
        """The audit trails, read again only when the repository has a new commit."""
        try:
            head = head_sha(root)
        except HistoryError:
            head = None  # not a repository (or a shallow one): _trails says so
        if head is None or head != self.head:
            self.trails, _, self.warnings = _trails(root)
            self.head = head
        return self.trails, self.head or "", self.warnings

    def statuses_of(self, office: Office, cases: Sequence[Case], today: dt.date) -> list[Status]:
        """Each case's status, computed again only for a case (or office, or day) that changed."""
        calendar = calendar_for(office.holiday_overrides)
        if office != self.office:  # new settings: every due date may move
            self.statuses.clear()
            self.office = office
        out = []
        for case in cases:
            kept = self.statuses.get(case.id)
            if kept is not None and kept[0] is case and kept[2] == today:
                out.append(kept[3])
                continue
            status = deadline(case, office, today, calendar)
            self.statuses[case.id] = (case, office, today, status)
            out.append(status)
        return out


def prepare(root: Path, today: dt.date, profile: str, caches: Caches | None = None,
            earlier: SiteData | None = None) -> Prepared:
    """Validate the records, compute every status for ``today``, read the audit trails, and
    keep only what ``profile`` may see: every page and feed is made from what this returns.

    ``caches``: what a preview kept from its last rebuild, used again where nothing changed;
    ``earlier``: the last complete data, whose drafts, calendars and scores a quick rebuild keeps (they
    are made again in the rebuild after).
    """
    if profile not in PROFILES:
        raise UsageError(f"未知的发布范围「{profile}」：可选 {'、'.join(PROFILES)}。")
    # The site as of that day: later facts are left out.
    records = load_records(root, as_of=today, cache=caches.checks if caches is not None else None)
    office, cases, notices, bulletins = records.office, records.cases, records.notices, records.bulletins
    trails, head, warnings = _trails(root) if caches is None else caches.trails_of(root)
    disclosure = Disclosure(profile, frozenset(office.internal_fields), office.notice_rules.publish)
    shown = disclosure.cases(cases)
    shown_ids = frozenset(c.id for c in shown)
    statuses = tuple(sorted(status_board(office, shown, today) if caches is None else caches.statuses_of(office, shown, today),
                            key=lambda s: s.case.id))
    drafts: tuple[PeriodReport, ...] = ()
    if earlier is not None:
        drafts, calendars = earlier.drafts, earlier.feeds
    else:
        if not disclosure.public:  # a draft 通报 is the office's working paper
            drafts = tuple(build_report(office, cases, notices, bulletins, period, today, head or "（非 git 仓库）",
                                        measures=records.measures, surveys=records.surveys)
                           for period in draft_periods(today))
        calendars = feeds(office, statuses, today)
    # A quick rebuild makes only case pages: the scores (shown on the lists) are made again in the rebuild after.
    scores = earlier.scores if earlier is not None else _scores(records, statuses, disclosure, shown_ids, today, head)
    criticisms = dict(criticism_tally(notices, today.year)) if disclosure.shows_criticism() else {}
    # While the year is young, last year's tally stays in view: January has no criticism of its own yet.
    last_year = dict(criticism_tally(notices, today.year - 1)) if disclosure.shows_criticism() and today.month <= 3 else {}
    below = None
    if office.subordinates and head:  # 上下联动: what the last `ducha rollup` fetched, nothing fetched now
        from ducha.repo.rollup import rollup

        below = rollup(root, office, cases, today).seen_by(disclosure, shown_ids)
    data = SiteData(
        office, today, profile, head, statuses,
        trails=(caches.disclosed(trails, disclosure, shown_ids) if caches is not None
                else {case_id: disclosed(trail, disclosure) for case_id, trail in trails.items() if case_id in shown_ids}),
        notices=tuple(disclosure.notice(n, shown_ids) for n in notices),
        criticisms=criticisms, drafts=drafts, feeds=calendars, last_year_criticisms=last_year,
        measures=disclosure.measures(records.measures, shown_ids), surveys=disclosure.surveys(records.surveys),
        rollup=below, scores=scores, assessments=records.assessments if scores is not None else ())
    return Prepared(data, warnings)


def _scores(records: Records, statuses: Sequence[Status], disclosure: Disclosure, shown: frozenset[str], today: dt.date,
            head: str) -> ScoreBoard | None:
    """The current period's running 考核 scores: for the office always, for the public only when office.yaml says so
    (scored from every record, the lines naming what the audience may not see left blank)."""
    scoring = records.office.scoring
    if scoring is None or (disclosure.public and not scoring.publish):
        return None
    period = period_of(today, PERIOD_KINDS[scoring.period])
    board = score_board(records.office, records.cases, records.notices, records.measures, records.bulletins, period, today,
                        head or "（非 git 仓库）", statuses if not disclosure.public else None)
    if not disclosure.public:
        return board
    units = []
    for unit in board.units:
        lines = []
        for line in unit.lines:
            case, what, record = disclosure.score_line(line.case, line.what, line.record, line.rule in CRITICISM_ITEMS, shown)
            lines.append(dataclasses.replace(line, case=case, what=what, record=record))
        units.append(dataclasses.replace(unit, lines=tuple(lines)))
    return dataclasses.replace(board, units=tuple(units))


def draft_periods(today: dt.date) -> list[Period]:
    """The periods whose 通报 the office may be drafting: this month and quarter, and, in the first
    fortnight after they end, the month and quarter just ended (in January: December and Q4)."""
    periods = [parse_period(f"{today.year}-{today.month:02d}"), parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")]
    if today.day <= DRAFTING_DAYS:
        ended = today.replace(day=1) - dt.timedelta(days=1)
        periods.append(parse_period(f"{ended.year}-{ended.month:02d}"))
        if today.month % 3 == 1:  # the first month of a quarter: the quarter before has just ended
            periods.append(parse_period(f"{ended.year}-Q{(ended.month - 1) // 3 + 1}"))
    return periods
