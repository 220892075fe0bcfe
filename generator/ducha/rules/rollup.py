"""下级办理情况 (上下联动): the cases subordinate offices took in from this office's, as each subordinate's own
rules see them, and the figures per subordinate office. Plain frozen values: every output reads them, and
so can 考核 (scores per unit).

The subordinate's stage, due date and light are its own (its office.yaml and calendar at the commit read);
this office's own light for the same task still follows this office's due date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ducha.model.case import Case
from ducha.model.links import Link, Reading
from ducha.model.logs import Report, Review
from ducha.model.redaction import Disclosure
from ducha.rules.deadlines import Light, Status
from ducha.rules.metrics import CLOSED_STAGES, Tally, tally

#: A failed fetch as the public site says it (the office's own pages say where and what git answered).
_PUBLIC_FAILURE = "对方仓库暂时无法读取"


@dataclass(frozen=True)
class Below:
    """One case of a subordinate office taken in from a case of this office, as read at ``reading.commit``.

    ``status`` is the subordinate's own on the day asked for. Only what a superior may see is carried:
    ``status.case`` has the subordinate's internal fields (责任人, 备注, 任务要求, 依据) emptied when read.
    """

    reading: Reading  # the subordinate office: which commit was read, when, and whether it is stale or rewritten
    upstream_id: str  # this office's case
    status: Status
    path: str
    sha256: str  # of the subordinate's file at the commit read
    fonds: str  # the subordinate's 全宗号

    @property
    def office(self) -> str:
        """The subordinate office, as this office names it (a unit of its office.yaml)."""
        return self.reading.name

    @property
    def case(self) -> Case:
        return self.status.case

    @property
    def commit(self) -> str:
        return self.reading.commit or ""

    @property
    def report(self) -> Report | None:
        """The subordinate's approved 办理报告 (its last report, passed by its own review)."""
        if self.status.stage not in CLOSED_STAGES:
            return None
        return self.case.closing_report(self.status.today)

    @property
    def review(self) -> Review | None:
        """The subordinate's review that passed ``report``."""
        if self.report is None:
            return None
        passing = [r for r in self.case.reviews if r.passed and r.date <= self.status.today]
        return passing[-1] if passing else None

    @property
    def link(self) -> Link:
        """The link an entry here writes to cite the subordinate's case as read."""
        return Link(self.fonds, self.case.id, self.commit, self.sha256)


@dataclass(frozen=True)
class Published:
    """A subordinate's own totals over all its cases, as it publishes them with what it shares."""

    on: dt.date
    tally: Tally


@dataclass(frozen=True)
class OfficeRollup:
    """One subordinate office: how it was read, this office's cases delegated to it, and what it made of them."""

    reading: Reading
    delegated: tuple[str, ...]  # this office's cases with it as lead or co-unit
    below: tuple[Below, ...]
    own_name: str = ""  # as its own office.yaml names it
    fonds: str = ""
    format: int = 0  # the shared record format it writes (0: not read)
    notes: tuple[str, ...] = ()  # what could not be read, and why
    published: Published | None = None

    @property
    def name(self) -> str:
        return self.reading.name

    @property
    def missing(self) -> tuple[str, ...]:
        """Delegated cases the subordinate has not taken in (未登记)."""
        taken = {b.upstream_id for b in self.below}
        return tuple(case_id for case_id in self.delegated if case_id not in taken)

    @property
    def figures(self) -> Tally:
        """The delegated cases as the subordinate's rules count them."""
        return tally(b.status for b in self.below)

    def seen_by(self, disclosure: Disclosure, shown_ids: frozenset[str]) -> OfficeRollup:
        """Only the cases the audience may see on both sides: this office's shown, the subordinate's not 内部; and,
        for the public, no address of the subordinate's repository nor what git said when it could not be read."""
        reading = self.reading
        if disclosure.public:
            reading = dataclasses.replace(reading, remote="", error=_PUBLIC_FAILURE if reading.error else "")
        return dataclasses.replace(
            self, reading=reading, delegated=tuple(i for i in self.delegated if i in shown_ids),
            below=tuple(dataclasses.replace(b, reading=reading) for b in self.below
                        if b.upstream_id in shown_ids and disclosure.shows(b.case)),
            notes=() if disclosure.public else self.notes)


@dataclass(frozen=True)
class Rollup:
    """Every subordinate office as last read, on ``today``."""

    today: dt.date
    offices: tuple[OfficeRollup, ...]

    def below(self, case_id: str) -> tuple[Below, ...]:
        """下级办理情况 of one of this office's cases."""
        return tuple(b for office in self.offices for b in office.below if b.upstream_id == case_id)

    def waiting(self, case_id: str) -> tuple[OfficeRollup, ...]:
        """The subordinate offices the case is delegated to that have not taken it in (or were never read)."""
        return tuple(o for o in self.offices if case_id in o.missing)

    def office(self, name: str) -> OfficeRollup | None:
        return next((o for o in self.offices if o.name == name), None)

    def seen_by(self, disclosure: Disclosure, shown_ids: frozenset[str]) -> Rollup:
        return Rollup(self.today, tuple(o.seen_by(disclosure, shown_ids) for o in self.offices))


def delegated(cases: Iterable[Case]) -> dict[str, tuple[str, ...]]:
    """This office's cases by the unit they are assigned to (lead or co-unit), ids in order."""
    found: dict[str, list[str]] = {}
    for case in sorted(cases, key=lambda c: c.id):
        for unit in case.units:
            found.setdefault(unit, []).append(case.id)
    return {unit: tuple(ids) for unit, ids in found.items()}


def overdue(office: OfficeRollup) -> tuple[Below, ...]:
    """Delegated cases the subordinate has let run past its own due date, still open."""
    return tuple(b for b in office.below if b.status.light is Light.RED)
