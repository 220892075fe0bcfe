"""The records at the repository's HEAD, with the commit they are at: what a 通报 or a score states it is based on."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ducha.errors import UsageError
from ducha.load.records import load_records
from ducha.model.office import OFFICE_FILE
from ducha.repo.filechanges import changed_files
from ducha.repo.gitprocess import HistoryError, ShallowCloneError, head_sha
from ducha.rules.layout import RECORD_DIRS
from ducha.rules.periods import Period
from ducha.rules.scoring import ScoreBoard, check_period, score_board, subordinate_board

if TYPE_CHECKING:
    from ducha.rules.late import EntryKey, RecordedAt
    from ducha.rules.period_report import PeriodReport


def report_for(root: Path, period: Period, today: dt.date) -> PeriodReport:
    """Load the repository and build the report (``ducha report``)."""
    # Imported here: `ducha score` reads the records at HEAD too, and never the history of entries.
    from ducha.repo.recorded import recorded_entries
    from ducha.rules.period_report import build_report

    records = load_records(root, as_of=min(today, period.end))
    recorded: Mapping[str, Mapping[EntryKey, RecordedAt]] = {}
    commit = data_commit(root)
    if not commit.startswith("（"):
        # Entries recorded before the period cannot be 补录 in it, nor flag its items.
        recorded = recorded_entries(root, since=period.start)
    below = None
    if records.office.subordinates:
        from ducha.repo.rollup import rollup

        below = rollup(root, records.office, records.cases, min(today, period.end))
    return build_report(records.office, records.cases, records.notices, records.bulletins, period, today, commit,
                        recorded, records.measures, records.surveys, below)


def data_commit(root: Path) -> str:
    """The commit HEAD is at, or why there is none, in words."""
    try:
        return head_sha(root) or "（尚无提交）"
    except ShallowCloneError:
        return "（浅克隆，提交未知）"
    except HistoryError:
        return "（非 git 仓库）"


def uncommitted_records(root: Path) -> tuple[str, ...]:
    """Record files and office.yaml that differ from HEAD in the working tree (new ones too)."""
    try:
        if head_sha(root) is None:
            return ()
        changes = changed_files(root, "HEAD", None, untracked_in=RECORD_DIRS)
    except HistoryError:
        return ()
    return tuple(sorted({c.path for c in changes if c.path == OFFICE_FILE or c.path.split("/", 1)[0] in RECORD_DIRS}))


def score_for(root: Path, period: Period, today: dt.date, offices: bool = False) -> ScoreBoard:
    """Load the repository and score every unit for ``period`` (``ducha score``), naming the data commit;
    with ``offices``, the subordinate offices on their own records as last read (``ducha rollup`` reads them)."""
    day = min(today, period.end)
    records = load_records(root, as_of=day)
    if offices:
        from ducha.repo.rollup import rollup

        if not records.office.subordinates:
            raise UsageError("office.yaml 中没有下级督查室（subordinates）。修改：按 README「上下联动」写明下级督查室，"
                             "或去掉 --offices。")
        check_period(period, records.office.scoring)
        board = subordinate_board(records.office, rollup(root, records.office, records.cases, day), period, today,
                                  data_commit(root))
    else:
        board = score_board(records.office, records.cases, records.notices, records.measures, records.bulletins, period,
                            today, data_commit(root))
    return dataclasses.replace(board, uncommitted=uncommitted_records(root))
