"""The rules of 延期 in one record: what an entry must say, the caps on how far it moves a due
date, and that it is asked for before the due date it extends.

``rules.validation`` runs these with the rest of a record's rules; each problem goes to ``add``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ducha.io.yamlfile import PathKey
from ducha.model.case import Case, Round
from ducha.model.office import Office
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Schedule, category_rule, count_from, round_schedule

#: How a rule reports a problem: where in the record, what is wrong, how to fix it.
Add = Callable[[PathKey, str, str], None]


def check_extensions(case: Case, office: Office, add: Add) -> None:
    """Each 延期 names a new date or a further limit, and counts once approved with its approver;
    approved ones move the due date later, within the caps office.yaml sets."""
    for index, ext in enumerate(case.extensions):
        here: PathKey = ("extensions", index)
        if ext.until is not None and ext.time_limit is not None:
            add(here, "延期同时填写了延至日期（until）和延长时限（time_limit）。", "二者只保留一个。")
        elif ext.until is None and ext.time_limit is None:
            add(here, "延期没有写明延至日期（until）或延长时限（time_limit）。", "补上其中一个。")
        if ext.approved is not None:
            if ext.approved < ext.requested:
                add((*here, "approved"), f"批准日期 {ext.approved} 早于申请日期 {ext.requested}。", "改正日期。")
            if not ext.approved_by:
                add((*here, "approved"), "已批准的延期没有写批准人。", "补上 `approved_by: 批准人`。")
        elif ext.approved_by:
            add((*here, "approved_by"), "写了批准人但没有批准日期，延期不会生效。", "补上 `approved: 批准日期`。")
    if not any(ext.approved for ext in case.extensions):
        return  # what follows concerns approved extensions only
    for round_ in case.rounds():
        try:
            plan = round_schedule(case, office, round_)
        except ValueError:
            add(("time_limit",), "办理时限（含延期）算出的到期日超出了日历范围（2110 年）。", "检查时限数字是否写错。")
            return
        if plan is not None:
            _extension_caps(case, office, plan, round_, add)


def _extension_caps(case: Case, office: Office, plan: Schedule, round_: Round, add: Add) -> None:
    """Each approved extension of one round moves the due date later, and no further than the caps."""
    for step in plan.steps:
        if step.after.date <= step.before.date:
            add(("extensions", step.index, "until"),
                f"延至日期 {step.after.date} 不晚于原到期日 {step.before.date}。", "延期后的日期应晚于原到期日。")
    rule = category_rule(case, office)
    if not plan.steps or case.assigned is None:
        return
    calendar = calendar_for(office.holiday_overrides)
    last = plan.steps[-1]
    start = "自交办起" if round_.number == 1 else f"自{round_.kind}（{round_.start}）起"
    caps = []
    if rule.max_extension is not None:
        caps.append((count_from(plan.original.date, rule.max_extension, calendar).date,
                     f"延期不得超过原到期日后{rule.max_extension}"))
    if rule.max_total is not None:
        caps.append((count_from(round_.start, rule.max_total, calendar).date,
                     f"{start}最长不得超过{rule.max_total}"))
    for cap, why in caps:
        if last.after.date > cap:
            add(("extensions", last.index),
                f"延期后到期日 {last.after.date} 超过上限：「{case.category}」{why}（最迟 {cap}）。",
                f"把延期缩短到 {cap} 之前，或按规定报批后在 office.yaml 中调整上限。")


def check_extensions_asked_in_time(case: Case, office: Office, add: Add) -> None:
    """实施办法 §九: a unit that cannot finish in time "应提前……申请延长办理期限".

    提前 is read against the time limit, which runs to the end of its due date: a request made
    on the due date is still within the limit, and so in time; from the next day the item is
    overdue, and an extension asked for then would turn 超期 into 按期 after the fact. So each
    extension is requested on or before the due date it extends (the original one, or the one
    set by the approved extensions before it). README's rules table records this reading.
    """
    if not case.extensions:
        return
    rounds = case.rounds()
    for number, round_ in enumerate(rounds):
        try:
            plan = round_schedule(case, office, round_)
        except ValueError:
            return  # reported by check_extensions()
        if plan is None:
            continue
        end = rounds[number + 1].start if number + 1 < len(rounds) else None
        _asked_in_time(case, plan, round_, end, add)


def _asked_in_time(case: Case, plan: Schedule, round_: Round, end: dt.date | None, add: Add) -> None:
    """The extensions asked for within one round (再督查 starts its own), each before the due date it extends."""
    for index, ext in enumerate(case.extensions):
        if (round_.number > 1 and ext.requested < round_.start) or (end is not None and ext.requested >= end):
            continue
        before = [step.after for step in plan.steps if step.index < index]
        due = before[-1].date if before else plan.original.date
        if ext.requested > due:
            add(("extensions", index, "requested"),
                f"延期申请日期 {ext.requested} 晚于它要延长的到期日 {due}：按《督促检查工作实施办法》第九条，"
                "确需延期的，承办单位应在办理期限届满前提前申请，最迟在到期日当天。",
                f"延期只能在到期日（{due}）当天或之前申请；已超期的事项不能再延期，应如实报送办理报告（按超期办结）。"
                f"如是日期笔误，在 corrections 中追加一条更正（field: extensions[{index}].requested）。")
