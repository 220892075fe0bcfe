"""When a case may be sealed (归档): the one rule, whether ``ducha archive`` seals it or a seal is written by hand.

A case is sealed once it has ended (closed by a passing review, or cancelled) and nothing
office.yaml asks for after closing is still owed (回头看, 领导审阅, 上报结果; rules.registry
ARCHIVE_WAITS): a sealed record takes nothing more. ``ducha archive`` seals the
cases this allows; validation (and so the guard) and ``ducha verify`` refuse a seal it would not
have allowed on the day the seal is dated. One wait is not held against a seal already written:
the 回头看, which older versions of ducha did not wait for, so that offices hold seals made
before it; a 回头看 owed by a sealed case is recorded as a 督查调研 under surveys/.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from ducha.model.case import Case, Stage
from ducha.model.office import Office
from ducha.rules.approvals import owed_after_closing
from ducha.rules.deadlines import followup_owed

AWAITING_FOLLOWUP = "待回头看（回访复核）"


@dataclass(frozen=True)
class ArchiveCheck:
    """Whether a case may be sealed on a day: it has ended, and what it still waits for."""

    ended: bool
    waiting: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.ended and not self.waiting


def may_archive(case: Case, office: Office, day: dt.date) -> ArchiveCheck:
    """Whether ``case``, as it stood on ``day`` without any seal, may be sealed that day."""
    unsealed = dataclasses.replace(case, archive=None) if case.archive is not None else case
    if unsealed.stage_on(day) not in (Stage.CLOSED, Stage.CANCELLED):
        return ArchiveCheck(ended=False)
    followup = (AWAITING_FOLLOWUP,) if followup_owed(unsealed, office, day) else ()
    return ArchiveCheck(ended=True, waiting=followup + owed_after_closing(unsealed, office, day))


def premature_seal(case: Case, office: Office) -> tuple[str, str] | None:
    """What is wrong with ``case``'s seal when ``ducha archive`` would not have sealed it on its date: (message, fix)."""
    if case.archive is None:
        return None
    check = may_archive(case, office, case.archive.date)
    waiting = tuple(wait for wait in check.waiting if wait != AWAITING_FOLLOWUP)  # see the module's docstring
    if check.ended and not waiting:
        return None
    day = case.archive.date
    if not check.ended:
        return (f"归档日期 {day} 时事项尚未办结或撤销：只有已办结或已撤销的事项才能归档。",
                "删除归档（archive）记录；事项办结后用 `ducha archive --year 年份` 归档。")
    return (f"归档日期 {day} 时事项仍{'、'.join(waiting)}：office.yaml approvals 要求办结后完成的，完成前不能归档。",
            ("删除手工写入的归档（archive）记录和归档清单中的这一行；补记领导审阅（readings）或上报结果（submissions）后，"
             "用 `ducha archive --year 年份` 归档。"))
