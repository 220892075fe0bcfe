"""The approvals office.yaml asks for after an item closes: 领导审阅 of its report, 上报 of its result.

Each is owed from the passing review that closed the item (a 再督查 round closes it again and
owes them again), until a reading or a submission dated since then is recorded; the archive
waits until nothing is owed.
"""

from __future__ import annotations

import datetime as dt

from ducha.model.case import Case
from ducha.model.office import Office

AWAITING_READING = "待领导审阅"
AWAITING_REPORT_BACK = "待上报结果"


def owed_after_closing(case: Case, office: Office, today: dt.date) -> tuple[str, ...]:
    """What the closed ``case`` still waits for on ``today``: 待领导审阅, 待上报结果, or nothing."""
    approvals = office.approvals
    reading = approvals.reading is not None and approvals.reading.applies(case.category, case.assigned)
    report_back = approvals.report_back is not None and approvals.report_back.applies(case.category, case.assigned)
    if not (reading or report_back) or not case.reviews:
        return ()
    finished = case.finished_on(today)
    if finished is None or (case.cancelled is not None and case.cancelled.date <= today):
        return ()
    owed = []
    if reading and not any(finished <= r.date <= today for r in case.readings):
        owed.append(AWAITING_READING)
    if report_back and not any(finished <= s.date <= today for s in case.submissions):
        owed.append(AWAITING_REPORT_BACK)
    return tuple(owed)
