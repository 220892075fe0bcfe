"""The records at a commit: at HEAD with the commit they are at (what a 通报 states it is based on), or
as an earlier commit held them (what an issued 通报 is checked against)."""

from __future__ import annotations

import datetime as dt
import io
import tarfile
from collections.abc import Mapping
from pathlib import Path

from ducha.load.records import load_records
from ducha.model.case import ATTACHMENTS_DIR
from ducha.model.office import OFFICE_FILE
from ducha.repo.gitprocess import HistoryError, ShallowCloneError, call, head_sha, open_repository
from ducha.repo.recorded import recorded_entries
from ducha.rules.late import EntryKey, RecordedAt
from ducha.rules.layout import RECORD_DIRS
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


def records_at(root: Path, commit: str, into: Path) -> None:
    """Write office.yaml and the record folders as ``commit`` held them into the empty folder ``into``: not the
    attached files (read them with ``load_records(…, on_disk=False)``), which may be in Git LFS and not fetched."""
    listed = open_repository(root).run("ls-tree", "--name-only", commit)
    wanted = [name for name in listed.splitlines() if name in (OFFICE_FILE, *RECORD_DIRS) and name != ATTACHMENTS_DIR]
    if not wanted:
        return
    done = call(root, "archive", "--format=tar", commit, "--", *wanted)
    if done.returncode != 0:
        raise HistoryError(f"读取提交 {commit[:12]} 中的记录失败（{done.stderr.decode('utf-8', 'replace').strip()}）。"
                           "修改：用 `git fsck` 检查仓库是否完好。")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter="data")  # git's own tree: plain files and folders only
