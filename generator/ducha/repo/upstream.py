"""The superior office as this office last fetched it (上下联动): its office.yaml and the cases it assigned to
this office, read from git objects at the commit fetched, with their due dates under the superior's rules.

What ``ducha intake`` registers, and what a link written here is checked against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ducha.load.neighbours import SCHEMA_FILE, case_from, format_of, newer_format_note, office_from
from ducha.model.case import CASES_DIR, Case
from ducha.model.links import Link, Neighbour, Reading
from ducha.model.office import OFFICE_FILE, Office
from ducha.repo.anchor import record_digest
from ducha.repo.fetched import case_files_holding, files_at_commits
from ducha.repo.offices import fetch_neighbours, readings
from ducha.rules.calendar import LAST_YEAR, calendar_for
from ducha.rules.deadlines import Status, deadline


@dataclass(frozen=True)
class Delegated:
    """A case of the superior, as read at the commit fetched, with its status under the superior's rules."""

    status: Status
    path: str
    sha256: str
    link: Link  # how a case here names it: the superior's 全宗号, id, the commit read, the file's digest

    @property
    def case(self) -> Case:
        return self.status.case


@dataclass(frozen=True)
class Above:
    """The superior as last fetched: how the fetch went, its office.yaml, and the cases it assigned here."""

    reading: Reading
    office: Office | None  # None: never fetched, or its office.yaml cannot be read (``notes`` says why)
    unit: str  # this office, as the superior's unit list names it ("" when it names it nowhere)
    delegated: tuple[Delegated, ...]
    notes: tuple[str, ...] = ()


def own_unit(superior: Office, own_name: str) -> str:
    """How the superior names this office: the subordinate whose short or full name is this office's name."""
    full = {unit.name: unit.full_name for unit in superior.units}
    return next((s.name for s in superior.subordinates if own_name in (s.name, full.get(s.name))), "")


def case_path(case_id: str) -> str:
    """Where an office keeps a case: ``cases/<year>/<id>.yaml`` (every office's layout rule)."""
    return f"{CASES_DIR}/{case_id.split('-')[1]}/{case_id}.yaml"


def read_above(root: Path, office: Office, neighbour: Neighbour, today: dt.date, now: dt.datetime | None = None) -> Above:
    """The superior (``neighbour``, office.yaml's ``superior``) and the cases it assigned to this office by ``today``;
    fetched first when ``now`` is given."""
    found = (fetch_neighbours(root, [neighbour], now) if now is not None else readings(root, [neighbour]))[0]
    if found.commit is None:
        return Above(found, None, "", ())
    commit = found.commit
    meta = files_at_commits(root, [(commit, OFFICE_FILE), (commit, SCHEMA_FILE)])
    superior, why = office_from(meta[(commit, OFFICE_FILE)])
    notes = [note for note in (why, newer_format_note(format_of(meta[(commit, SCHEMA_FILE)]))) if note]
    if superior is None:
        return Above(found, None, "", (), tuple(notes))
    if superior.name != neighbour.name:
        notes.append(f"读取的是「{superior.name}」的记录，不是 office.yaml 所写的上级「{neighbour.name}」的："
                     "检查 superior 的 name 和 remote。")
    unit = own_unit(superior, office.name)
    if not unit:
        notes.append(f"上级的 office.yaml 没有把「{office.name}」列为下级督查室（subordinates 及单位名录中的全称）："
                     "上级须先登记本室，才能向本室交办事项。")
        return Above(found, superior, "", (), tuple(notes))
    paths = case_files_holding(root, [commit], unit)[commit]
    files = files_at_commits(root, [(commit, path) for path in paths])
    calendar = calendar_for(superior.holiday_overrides)
    delegated = []
    for path in paths:
        raw = files[(commit, path)]
        if raw is None:
            continue
        case, why = case_from(raw, path)
        if case is None:
            notes.append(why)
            continue
        case = case.as_of(today)
        if case.assigned is None or case.registered > today or unit not in case.units:
            continue
        try:
            status = deadline(case, superior, today, calendar)
        except ValueError:
            notes.append(f"上级事项 {case.id} 的到期日无法计算：办理时限（含延期）超出了日历范围（{LAST_YEAR} 年），"
                         "请上级更正。")
            continue
        delegated.append(Delegated(status, path, record_digest(raw), Link(superior.fonds, case.id, commit, record_digest(raw))))
    return Above(found, superior, unit, tuple(sorted(delegated, key=lambda d: d.case.id)), tuple(notes))


def versions_above(root: Path, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
    """The superior's case files at the commits links name: (commit, case id) → bytes (None when not there)."""
    asked = list(wanted)
    found = files_at_commits(root, [(commit, case_path(case_id)) for commit, case_id in asked])
    return {(commit, case_id): found[(commit, case_path(case_id))] for commit, case_id in asked}
