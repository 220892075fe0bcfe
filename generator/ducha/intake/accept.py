"""``ducha rollup --accept``: a subordinate office's approved 办理报告 becomes this case's 办理报告 (上下联动).

An ordinary appended ``reports`` entry: the same document (date, 发文字号, 签发人, summary), with
``downstream`` citing the subordinate's case file at the commit read (全宗号, id, commit, SHA-256), which
the guard checks against what was fetched. This office still reviews it (``reviews``) as any report.
Files only; nothing is accepted that the subordinate has not approved itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import UsageError
from ducha.io.atomic import write_files
from ducha.io.yamltext import append_entry
from ducha.model.case import Case
from ducha.model.office import Office
from ducha.rules.calendar import calendar_for
from ducha.rules.rollup import Below, Rollup


@dataclass(frozen=True)
class Accepted:
    """A subordinate's report appended to one of this office's cases."""

    case_id: str
    below: Below
    path: Path


def _choose(case: Case, rollup: Rollup) -> Below:
    below = rollup.below(case.id)
    approved = [b for b in below if b.report is not None]
    if not below:
        raise UsageError(f"{case.id} 没有下级办理情况：交办下级督查室、下级已登记并经 ducha rollup 读取后才能采用其办理报告。")
    if not approved:
        states = "、".join(f"{b.office} {b.case.id} {b.status.stage.label}" for b in below)
        raise UsageError(f"{case.id} 的下级办理报告尚未经下级审核通过（{states}）。")
    if len(approved) > 1:
        raise UsageError(f"{case.id} 有多个下级审核通过的办理报告（{'、'.join(f'{b.office} {b.case.id}' for b in approved)}）："
                         "请在记录中手工追加要采用的一份。")
    return approved[0]


def accept_reports(root: Path, office: Office, cases: Sequence[Case], rollup: Rollup, case_ids: Sequence[str],
                   today: dt.date) -> tuple[Accepted, ...]:
    """Append each named case's subordinate-approved report to it; refuse all if any cannot be."""
    by_id = {case.id: case for case in cases}
    calendar = calendar_for(office.holiday_overrides)
    edits: dict[Path, str] = {}
    done = []
    for case_id in dict.fromkeys(case_ids):
        case = by_id.get(case_id)
        if case is None:
            raise UsageError(f"本室没有事项 {case_id}。")
        below = _choose(case, rollup)
        report, review = below.report, below.review
        assert report is not None and review is not None
        if any(r.downstream == below.link or (r.downstream is not None and r.downstream.id == below.case.id
                                              and r.doc_no == report.doc_no) for r in case.reports):
            raise UsageError(f"{case_id} 已采用过 {below.office} {below.case.id} 的这份办理报告。")
        if len(case.reports) > len(case.reviews):
            raise UsageError(f"{case_id} 的上一份办理报告尚未审核：先审核，再采用下级的报告。")
        entry = {"date": report.date.isoformat(), "doc_no": report.doc_no, "signer": report.signer,
                 "summary": report.summary}
        if calendar.workdays_between(report.date, today) > office.late_entry_workdays:
            entry["late_reason"] = f"下级督查室于 {review.date} 审核通过，本室于 {today} 经 ducha rollup 读取后采用"
        path = root / case.path
        text = edits.get(path) or path.read_text(encoding="utf-8")
        edits[path] = append_entry(text, "reports", entry, nested={"downstream": below.link.as_data()})
        done.append(Accepted(case_id, below, path))
    write_files(edits)  # every case named was appended to, or all were refused
    return tuple(done)

