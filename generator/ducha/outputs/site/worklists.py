"""The morning lists of the dashboard and of each unit's page: which lists, in what order, with what note.

Who is on each list comes from ``rules.queues`` (the same lists as the reminders and the 台账).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ducha.outputs.present import days_ago, milestone_reasons, remaining, waited
from ducha.outputs.site.data import SiteData
from ducha.rules import queues
from ducha.rules.calendar import Calendar, calendar_for
from ducha.rules.deadlines import Light, Status


@dataclass(frozen=True)
class Queue:
    """One of the morning lists: where it is on the page, what it is called, and who is on it."""

    anchor: str
    title: str
    statuses: tuple[Status, ...]
    note: str = ""
    calendar: Calendar | None = None  # the office's, for 已等待 in working days as every time limit counts

    def waited(self, status: Status) -> str:
        """How long the item has waited (its report for review, a registered item for 交办), in working days."""
        assert self.calendar is not None
        since = queues.submitted(status) if self.anchor == "pending" else status.case.registered
        return waited(since, status.today, self.calendar)


def morning_queues(data: SiteData, statuses: Sequence[Status], unit: str | None = None) -> list[Queue]:
    """待审核, 待签收, 超期, 临期, 需续报, 待回头看, 待领导审阅、待上报 — each from ``rules.queues``, in the
    order a staffer works them; 待签收 only where office.yaml sets a 签收 limit (for ``unit``: what it has
    yet to sign for), the last only where it asks for 审阅 or 上报."""
    office = data.office
    receipts = [s for s in queues.awaiting_receipt(statuses) if unit is None or unit in s.receipt.pending]  # type: ignore[union-attr]
    found = [
        Queue("pending", "待审核", tuple(queues.pending_review(statuses)), "办理报告已报送，等待督查室审核，等得最久的在前。",
              calendar_for(office.holiday_overrides)),
        Queue("registered", "待交办", tuple(queues.awaiting_assignment(statuses)),
              "已立项，尚未交办（须经领导批准的，批准后交办），等得最久的在前。", calendar_for(office.holiday_overrides)),
        Queue("overdue", "超期未办结", tuple(queues.overdue(statuses)), "超期最久的在前。"),
        Queue("near", "临期", tuple(queues.near_due(statuses)),
              f"{data.office.yellow_days}个工作日内到期（本室规则）或未达到序时进度（黄灯），剩余时间最少的在前。"),
        Queue("progress", "需续报", tuple(queues.needs_progress(statuses)),
              (f"超过{data.office.progress_interval_days}天未报送进展（本室规则）" if data.office.progress_interval_days else "")
              + f"{'；' if data.office.progress_interval_days else ''}重点事项随时报告（实施办法 第九条），超过"
              f"{office.progress_interval('重点')}天（本室规则）未报送进展即列入。"),
        Queue("followup", "待回头看", tuple(queues.followups_due(statuses)),
              f"办结满{data.office.followup_after_days}天（本室规则；急、重点事项另有间隔），尚未回访复核。"
              if data.office.followup_after_days else ""),
    ]
    if office.receipt is not None:
        found.insert(1, Queue("receipt", "待签收", tuple(receipts),
                              f"交办后{office.receipt.time_limit}内签收（本室规则）；超时未签收的在前。"))
    if office.approvals.reading is not None or office.approvals.report_back is not None:
        found.append(Queue("awaiting", "待领导审阅、待上报", tuple(queues.awaiting_approval(statuses)),
                           "已办结，办理报告尚待领导审阅或结果尚待上报。"))
    return found


def last_progress(status: Status) -> str:
    """When the item last reported progress, and how long ago; or that it never did since 交办."""
    dated = [p for p in status.case.progress if p.date <= status.today]
    return f"{dated[-1].date}（{days_ago(dated[-1].date, status.today)}）" if dated else "交办后未报送"


def near_reason(status: Status) -> str:
    """Why an item is 临期: its own time left, and the 节点 behind or falling due."""
    return "；".join(([remaining(status)] if status.due_light is Light.YELLOW else []) + milestone_reasons(status)) \
        or remaining(status)
