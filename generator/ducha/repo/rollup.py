"""``ducha rollup``: every subordinate office's cases taken in from this office's, read at the commit fetched
last (from git objects, no checkout), with their stage, due date and light under the subordinate's own
office.yaml and calendar at that commit.

Nothing is fetched here unless asked (``fetch``): status, the site and the 通报 read what the last
``ducha rollup`` fetched, so they need no network. All neighbours' files come through one ``git grep``
(which case files carry an upstream link) and one ``git cat-file``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from ducha.load.neighbours import SCHEMA_FILE, case_from, format_of, newer_format_note, office_from
from ducha.model.case import Case, Source
from ducha.model.links import Reading
from ducha.model.office import OFFICE_FILE, Office
from ducha.model.redaction import Disclosure
from ducha.repo.anchor import record_digest
from ducha.repo.fetched import case_files_holding, files_at_commits
from ducha.repo.offices import fetch_neighbours, readings
from ducha.rules.calendar import LAST_YEAR, calendar_for
from ducha.rules.deadlines import deadline
from ducha.rules.metrics import Tally
from ducha.rules.rollup import Below, OfficeRollup, Published, Rollup, delegated

#: What a subordinate publishes with what it shares: its own totals (``ducha share``).
TOTALS_FILE = "shared/totals.json"
#: The text every case file taken in from above holds (``source.upstream``): only these files are read.
UPSTREAM_MARK = "upstream:"
#: What a superior never sees of a subordinate's case, whatever the subordinate's office.yaml says.
NEVER_ABOVE = frozenset({"owner", "notes", "requirements", "source"})


def rollup(root: Path, office: Office, cases: Sequence[Case], today: dt.date,
           now: dt.datetime | None = None) -> Rollup:
    """Every subordinate office on ``today``; fetched first when ``now`` (the time of the fetch) is given."""
    subordinates = office.subordinates
    if not subordinates:
        return Rollup(today, ())
    found = fetch_neighbours(root, subordinates, now) if now is not None else readings(root, subordinates)
    commits = [r.commit for r in found if r.commit]
    meta = files_at_commits(root, [(c, name) for c in commits for name in (OFFICE_FILE, SCHEMA_FILE, TOTALS_FILE)])
    holding = case_files_holding(root, commits, UPSTREAM_MARK)
    files = files_at_commits(root, [(c, path) for c, paths in holding.items() for path in paths])
    mine = {case.id for case in cases}
    by_unit = delegated(cases)
    out = []
    for reading in found:
        assigned = by_unit.get(reading.name, ())
        if reading.commit is None:
            out.append(OfficeRollup(reading, assigned, ()))
            continue
        commit = reading.commit
        below_office, why = office_from(meta[(commit, OFFICE_FILE)])
        version = format_of(meta[(commit, SCHEMA_FILE)])
        notes = [note for note in (why, newer_format_note(version)) if note]
        if below_office is None:
            out.append(OfficeRollup(reading, assigned, (), format=version, notes=tuple(notes)))
            continue
        unit = next((u for u in office.units if u.name == reading.name), None)
        if below_office.name not in (reading.name, unit.full_name if unit else reading.name):
            notes.append(f"读取的是「{below_office.name}」的记录，不是「{unit.full_name if unit else reading.name}」的："
                         "检查 office.yaml 中该下级督查室的 remote。")
        below, more = _below(reading, below_office, office, mine,
                             [(path, files[(commit, path)]) for path in holding.get(commit, [])], today)
        out.append(OfficeRollup(reading, assigned, below, below_office.name, below_office.fonds, version,
                                tuple(notes + more), _published(meta[(commit, TOTALS_FILE)])))
    return Rollup(today, tuple(out))


def _below(reading: Reading, below_office: Office, office: Office, mine: set[str],
           files: list[tuple[str, bytes | None]], today: dt.date) -> tuple[tuple[Below, ...], list[str]]:
    """The subordinate's cases linked to this office's, with their status under the subordinate's rules."""
    calendar = calendar_for(below_office.holiday_overrides)
    hidden = Disclosure("public", NEVER_ABOVE | frozenset(below_office.internal_fields))
    found, notes = [], []
    for path, raw in files:
        if raw is None:
            continue
        case, why = case_from(raw, path)
        if case is None:
            notes.append(why)
            continue
        link = case.source.upstream
        if link is None or not link.names(office.fonds, office.prefix):
            continue  # a link to another office (the file only mentions the word)
        if link.id not in mine:
            notes.append(f"{case.id} 所写的上级事项 {link.id} 在本室不存在。")
            continue
        if case.registered > today:
            continue
        try:
            status = deadline(case.as_of(today), below_office, today, calendar)
        except ValueError:  # a date beyond the calendar: the subordinate's own checks report it
            notes.append(f"{case.id} 的到期日无法计算：办理时限（含延期）超出了日历范围（{LAST_YEAR} 年），请下级更正。")
            continue
        shown = dataclasses.replace(hidden.case(status.case), source=Source(upstream=link))
        found.append(Below(reading, link.id, dataclasses.replace(status, case=shown), path, record_digest(raw),
                           below_office.fonds))
    return tuple(sorted(found, key=lambda b: (b.upstream_id, b.case.id))), notes


def _published(raw: bytes | None) -> Published | None:
    """The subordinate's own totals, when what it shares carries them."""
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        counts = {name: int(data[name]) for name in ("total", "open", "red", "yellow", "green", "pending",
                                                     "closed_on_time", "closed_late", "registered", "cancelled")}
        return Published(dt.date.fromisoformat(data["as_of"]), Tally(**counts))
    except (ValueError, KeyError, TypeError):
        return None
