"""How numbers and states are said, once, for every output (terminal, site, DOCX, 台账, calendars).

Renderers only place these strings; none of them words a light, a remaining time, a
rate or a consequence of its own. The 台账 import reads them too, to tell a unit's edit
from what the export wrote. Nothing here escapes for a format: each renderer does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from ducha.model.case import Case, Stage
from ducha.model.links import Reading
from ducha.model.scoring import decimal_text
from ducha.rules.calendar import Calendar
from ducha.rules.deadlines import DueStep, Light, MilestoneStatus, Status
from ducha.rules.metrics import Tally
from ducha.rules.rollup import Below

PROVISIONAL_NOTE = "该年度放假安排尚未公布，按周一至周五推算"
#: What ends a sentence as staff type one (a 事由 may end in any of them, or in none).
_SENTENCE_END = tuple("。！？；…")


def sentence(text: str) -> str:
    """``text`` as a whole sentence, for a document that goes on after it: a closing 。 where the
    writer left none, so the next sentence is not spliced into it."""
    text = text.strip()
    return text if not text or text.endswith(_SENTENCE_END) else text + "。"


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


def overdue_words(status: Status) -> str:
    """How far an open item is past its due date, as a 催办单 says it: in working days, as every output counts."""
    return f"已超过办理时限{status.workdays_overdue}个工作日"


def waited(since: dt.date, today: dt.date, calendar: Calendar) -> str:
    """How long something has waited (a report for its review): in working days, as every time limit is counted."""
    return f"{calendar.workdays_between(since, today)}个工作日"


def days_ago(day: dt.date, today: dt.date) -> str:
    """How long ago a unit last reported progress: in days, the unit the 续报 interval is set in
    (office.yaml ``progress_interval_days``), so the figure reads against the rule it is judged by."""
    return f"{(today - day).days}天前"


def due_text(status: Status) -> str:
    """The due date as text, ``—`` when there is none, with （暂定） when a guessed year is in it."""
    if status.due is None:
        return "—"
    return f"{status.due.isoformat()}{'（暂定）' if status.provisional else ''}"


def latest_progress(case: Case) -> str:
    """The last 办理进展: its date, who reported it and what."""
    last = case.progress[-1] if case.progress else None
    return f"{last.date} {last.by + '：' if last.by else ''}{last.summary}" if last else ""


def review_opinion(case: Case) -> str:
    """The last review of the last report: what a returned item must fix, or that it passed."""
    if not case.reviews or len(case.reports) > len(case.reviews):
        return ""
    last = case.reviews[-1]
    return f"{last.date} {last.result}{'：' + last.opinion if last.opinion else ''}"


def due_with_extension(status: Status) -> str:
    """The 台账's 到期日 with what changed it: 已延期 for an approved extension, 暂定 for a guessed calendar."""
    if status.due is None:
        return ""
    return due_text(status) + ("（已延期）" if status.extended else "")


def extension_text(step: DueStep) -> str:
    """One approved 延期 as a document states it: who approved it when, and the due date it set."""
    by = f"{step.extension.approved_by}" if step.extension.approved_by else ""
    return f"{step.extension.approved} {by}批准，到期日由 {step.before.date} 延至 {step.after.date}"


def other_parts(t: Tally) -> str:
    """The parts of a count that a page's sentence names only when there are any: 待交办 (registered,
    waiting for 交办 or its approval) and 已撤销; each has its list on the page, so the parts add up."""
    return "".join(f"，{name} {count} 项" for name, count in (("待交办", t.registered), ("已撤销", t.cancelled)) if count)


#: A tally table's columns after 合计, in the order work moves: the parts that add up to 合计 (``metrics.part``),
#: and under 在办 the lights it holds, named 其中 as a statistics table does (they are not added again).
_TALLY_COLUMNS = (("待交办", "registered"), ("在办", "open"), ("其中红灯", "red"), ("其中黄灯", "yellow"),
                  ("待审核", "pending"), ("已办结", "closed"), ("已撤销", "cancelled"))
#: The parts shown only when a row of the table has any (each is rare: most tables would carry a column of zeros).
_WHEN_ANY = ("registered", "cancelled")


def tally_columns(tallies: Iterable[Tally], total: str = "合计") -> list[tuple[str, str]]:
    """The count columns of a table of ``tallies`` as (heading, Tally attribute): ``total`` (合计), then one per
    part, so that 待交办 + 在办 + 待审核 + 已办结 + 已撤销 is 合计 in every row."""
    rows = list(tallies)
    return [(total, "total")] + [(heading, name) for heading, name in _TALLY_COLUMNS
                                 if name not in _WHEN_ANY or any(getattr(t, name) for t in rows)]


def rate_text(rate: float | None) -> str:
    """按期办结率 with one decimal, ``—`` when nothing was closed."""
    return "—" if rate is None else f"{rate:.1%}"


def flags(status: Status) -> str:
    """Short notes: 急/重点, 第N轮 (再督查), 已延期, 需续报, 待回头看, 签收, 暂定."""
    out = []
    if status.case.priority:
        out.append(status.case.priority)
    if status.round > 1:
        out.append(f"第{status.round}轮")
    if status.extended:
        out.append("已延期")
    if status.progress_overdue:
        out.append("需续报")
    if status.followup_due:
        out.append("待回头看")
    if status.is_open and status.receipt is not None and status.receipt.pending:
        out.append(receipt_text(status))
    if status.behind:
        out.append("未达到序时进度")
    out += status.awaiting
    if status.provisional:
        out.append("到期日暂定（节假日未公布）")
    return "，".join(out)


def chase_reasons(status: Status) -> list[str]:
    """Why an item is on the 催办 list, in the office's words."""
    reasons = []
    if status.due_light in (Light.RED, Light.YELLOW):
        reasons.append(remaining(status))
    reasons += milestone_reasons(status)
    if status.progress_overdue:
        reasons.append("久未报送进展，需续报")
    if status.stage is Stage.RETURNED:
        reasons.append("退回重办")
    if status.unreceived:
        reasons.append(receipt_text(status))
    return reasons


def milestone_reasons(status: Status) -> list[str]:
    """未达到序时进度 (节点 overdue) and 节点 falling due soon, in the office's words."""
    reasons = []
    if status.behind:
        late = "、".join(f"节点「{m.name}」超期{m.workdays_overdue}个工作日" for m in status.behind)
        reasons.append(f"未达到序时进度（{late}）")
    for m in status.milestones_due_soon:
        reasons.append(f"节点「{m.name}」剩{m.working_days_left}个工作日")
    return reasons


def milestone_light(milestone: MilestoneStatus) -> str:
    """A 节点's state in words: 按期完成 / 超期完成 with the day, or its light and time."""
    if milestone.done is not None:
        return f"{milestone.done} {'超期完成' if milestone.light is Light.LATE else '按期完成'}" + (
            f"（超期{milestone.workdays_overdue}个工作日）" if milestone.light is Light.LATE else "")
    if milestone.light is Light.RED:
        return f"未完成，超期{milestone.workdays_overdue}个工作日"
    if milestone.working_days_left is not None:
        return f"未完成，剩{milestone.working_days_left}个工作日"
    return "未报送完成"


def receipt_text(status: Status) -> str:
    """签收 in words: 待签收 / 超时未签收（单位） with the units still to sign, or 已签收 / 超时签收."""
    receipt = status.receipt
    if receipt is None:
        return ""
    units = receipt.pending or receipt.late
    return f"{receipt.light.label}（{'、'.join(units)}）" if units else receipt.light.label


def criticism_count(count: int) -> str:
    """本年被批评N次, or empty for none."""
    return f"本年被批评{count}次" if count else ""


def score_text(value: Decimal) -> str:
    """A score as people write it: 97.5, 100, 98.25 (no trailing zeros, never an exponent)."""
    return decimal_text(value)


def points_text(value: Decimal) -> str:
    """A line's points with their sign: +0.5, -2, 0."""
    return score_text(value) if value <= 0 else f"+{score_text(value)}"


def withheld_review(signature: str) -> str:
    """Why a commit's 审核 is not shown: the review server's key is required and the merge lacks it."""
    return f"不予采信（合并提交{signature}）"


# --- 上下联动: how a neighbour office was read, and a subordinate's handling ------------------------------


def moment(when: dt.datetime | None) -> str:
    """A fetch time as the office reads it: 2026-03-05 09:30."""
    return when.strftime("%Y-%m-%d %H:%M") if when is not None else "—"


def reading_text(reading: Reading) -> str:
    """Which commit of a neighbour is shown and when it was read: 提交 1a2b3c4d，读取于 2026-03-05 09:30."""
    if reading.commit is None:
        return "尚未读取"
    return f"提交 {reading.commit[:8]}，读取于 {moment(reading.read_at)}"


def reading_flags(reading: Reading) -> list[str]:
    """What a page showing a neighbour's data must say about it: stale since a failed fetch, a rewritten history."""
    flags = []
    if reading.commit is None:
        flags.append("尚未读取" + (f"：{reading.error}" if reading.error else "（运行 ducha rollup 或 ducha intake）"))
    elif reading.stale:
        flags.append(f"数据可能已过时：{moment(reading.failed_at)} 读取失败（{reading.error}），"
                     f"显示的是 {moment(reading.read_at)} 读取的数据")
    if reading.lost is not None:
        flags.append(f"历史被改写：{moment(reading.lost_at)} 发现，此前读取的提交 {reading.lost[:8]} 已不在对方的提交历史中，"
                     "对方的记录可能被改动过，请核实（核实后 ducha rollup --accept-rewrite 对方名称）")
    return flags


def below_state(below: Below) -> str:
    """A subordinate's handling of one delegated case: its stage, light and due date under its own rules."""
    status = below.status
    parts = [status.stage.label, light_label(status)]
    if status.due is not None:
        parts.append(f"到期 {due_text(status)}")
    if remaining(status):
        parts.append(remaining(status))
    return "，".join(part for part in parts if part and part != "—")


def below_report(below: Below) -> str:
    """The subordinate's approved 办理报告 in one line, or empty."""
    report, review = below.report, below.review
    if report is None:
        return ""
    passed = f"，{review.date} 审核通过" if review is not None else ""
    return f"{report.date} {report.doc_no}（签发：{report.signer}）：{report.summary.rstrip('。')}{passed}"
