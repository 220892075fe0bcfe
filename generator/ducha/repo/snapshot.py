"""The records at the repository's HEAD, with the commit they are at: what a 通报 states it is based on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from ducha.load.records import load_records
from ducha.repo.gitprocess import HistoryError, ShallowCloneError, head_sha
from ducha.repo.recorded import recorded_entries
from ducha.rules.late import EntryKey, RecordedAt
from ducha.rules.period_report import PeriodReport, build_report
from ducha.rules.periods import Period


def report_for(root: Path, period: Period, today: dt.date) -> PeriodReport:
    """Load the repository and build the report (``ducha report``)."""
    records = load_records(root, as_of=min(today, period.end))
    recorded: Mapping[str, Mapping[EntryKey, RecordedAt]] = {}
    try:
        commit = head_sha(root) or "（尚无提交）"
        # Entries recorded before the period cannot be 补录 in it, nor flag its items.
        recorded = recorded_entries(root, since=period.start)
    except ShallowCloneError:
        commit = "（浅克隆，提交未知）"
    except HistoryError:
        commit = "（非 git 仓库）"
    below = None
    if records.office.subordinates:
        from ducha.repo.rollup import rollup

        below = rollup(root, records.office, records.cases, min(today, period.end))
    return build_report(records.office, records.cases, records.notices, records.bulletins, period, today, commit,
                        recorded, records.measures, records.surveys, below)
