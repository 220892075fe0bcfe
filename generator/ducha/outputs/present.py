"""How numbers and states are said, once, for every output (terminal, site, DOCX, 台账, calendars).

Renderers only place these strings; none of them words a light, a remaining time, a
rate or a consequence of its own. Nothing here escapes for a format: each renderer does.
"""

from __future__ import annotations

from ducha.model.case import Stage
from ducha.rules.deadlines import Light, Status

PROVISIONAL_NOTE = "该年度放假安排尚未公布，按周一至周五推算"


def light_label(status: Status) -> str:
    """The light in words; a report still awaiting review is 报送, not yet 办结."""
    if status.stage is Stage.PENDING_REVIEW and status.light in (Light.DONE, Light.LATE):
        return "按期报送" if status.light is Light.DONE else "超期报送"
    return status.light.label


def remaining(status: Status) -> str:
    """剩N个工作日 for open items with time left, 超期N个工作日 once late; empty otherwise.

    Working days both ways: they are what the rules count (the day of 交办 and days off are not).
    """
    if status.light in (Light.RED, Light.LATE):
        return f"超期{status.workdays_overdue}个工作日"
    if status.working_days_left is not None:
        return f"剩{status.working_days_left}个工作日"
    return ""


def due_text(status: Status) -> str:
    """The due date as text, ``—`` when there is none, with （暂定） when a guessed year is in it."""
    if status.due is None:
        return "—"
    return f"{status.due.isoformat()}{'（暂定）' if status.provisional else ''}"


def rate_text(rate: float | None) -> str:
    """按期办结率 with one decimal, ``—`` when nothing was closed."""
    return "—" if rate is None else f"{rate:.1%}"


def flags(status: Status) -> str:
    """Short notes: 已延期, 需续报, 待回头看, 暂定."""
    out = []
    if status.extended:
        out.append("已延期")
    if status.progress_overdue:
        out.append("需续报")
    if status.followup_due:
        out.append("待回头看")
    if status.provisional:
        out.append("到期日暂定（节假日未公布）")
    return "，".join(out)


def chase_reasons(status: Status) -> list[str]:
    """Why an item is on the 催办 list, in the office's words."""
    reasons = []
    if status.light in (Light.RED, Light.YELLOW):
        reasons.append(remaining(status))
    if status.progress_overdue:
        reasons.append("久未报送进展，需续报")
    if status.stage is Stage.RETURNED:
        reasons.append("退回重办")
    return reasons


def criticism_count(count: int) -> str:
    """本年被批评N次, or empty for none."""
    return f"本年被批评{count}次" if count else ""
