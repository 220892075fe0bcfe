"""A case's own page: its light and status, who handles it, the facts, and its audit trail.

The part above ``DETAIL_MARK`` (title, status, units, leader, 文号, summary) is what search
indexes; the detail below is shown, not indexed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ducha.model.case import Milestone, events
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.pages import offices
from ducha.outputs.site.render import body, page
from ducha.outputs.site.urls import case_page
from ducha.repo.audit import AuditEntry
from ducha.rules.deadlines import MilestoneStatus, Status, effective_time_limit, round_schedule
from ducha.rules.schema import label

_SOURCE = ("doc_no", "meeting", "leader", "instruction")


def case_markdown(data: SiteData, status: Status, children: Sequence[Status]) -> str:
    case = status.case
    keys = [key for key, present in (("lead", case.lead_unit), ("co", case.co_units), ("leader", case.source.leader.strip()),
                                     ("numbers", any(_numbers(status)))) if present]
    html = body(
        "case.html", page=case_page(case), data=data, status=status, children=children, keys=keys,
        numbers=[n for n in _numbers(status) if n], summary=summary(case.requirements or case.source.instruction or ""),
        source_rows=[(label("case", ("source", key)).strip("「」").split("·")[-1], value)
                     for key in _SOURCE if (value := getattr(case.source, key))],
        parent=data.by_id.get(case.parent) if case.parent is not None else None,  # one the audience may not see is not named
        receipts=receipts_text(status), limit=effective_time_limit(case, data.office),
        milestones=milestones(status),
        rounds=rounds(data, status), measures=data.measures_by_case.get(case.id, []),
        surveys=data.surveys_by_case.get(case.id, []), timeline=events(case),
        trail=data.trails.get(case.id), reviewers=reviewers,
        # 上下联动: the superior's case this one was taken in from, and the subordinates' handling of it
        upstream=case.upstream_link if data.office.superior is not None else None, below=offices.below(data, case.id))
    return page(f"{case.id} {case.title}", html)


#: How long the summary under a case's title may be: the whole text is in its facts (任务要求, 批示内容).
SUMMARY_LENGTH = 100


def summary(text: str) -> str:
    """The summary under the title, which search indexes: the text's first line, cut at ``SUMMARY_LENGTH``
    characters. Its every word is still on the page, in the facts; the index stays small (10,000 cases:
    under 10 MB) and a case is found by what it is about, not by the middle of a long paragraph."""
    first = text.strip().split("\n", 1)[0].strip()
    return first if len(first) <= SUMMARY_LENGTH else first[:SUMMARY_LENGTH - 1] + "…"


def milestones(status: Status) -> list[tuple[Milestone, MilestoneStatus | None]]:
    """Each 节点 of the case with its state today (None for one that has none yet)."""
    shown = {m.name: m for m in status.milestones}
    return [(m, shown.get(m.name)) for m in status.case.milestones]


def _numbers(status: Status) -> list[str]:
    """The 文号 of the case's basis and of every report."""
    return [status.case.source.doc_no] + [r.doc_no for r in status.case.reports]


def receipts_text(status: Status) -> str:
    """Who signed for the item and when, and who has yet to."""
    signed = [f"{r.unit} {r.date}（{r.by}）" for r in status.case.receipts if r.date <= status.today]
    receipt = status.receipt
    if receipt is not None and receipt.pending:
        signed.append(f"{'、'.join(receipt.pending)} {receipt.light.label}（应于 {receipt.due} 前签收）")
    elif receipt is not None and receipt.late:
        signed.append(f"其中{'、'.join(receipt.late)}超时签收（应于 {receipt.due} 前）")
    return "；".join(signed)


def rounds(data: SiteData, status: Status) -> list[tuple[str, ...]]:
    """Each round of handling (交办, then every 再督查 or 重新办理) as the cells of its row: time limit,
    due date, reports and result; none when there was only one round."""
    case = status.case
    found = case.rounds(status.today)
    if len(found) < 2:
        return []
    rows: list[tuple[str, ...]] = []
    for index, round_ in enumerate(found):
        end = found[index + 1].start if index + 1 < len(found) else None
        reports = [r for r in case.reports if round_.start <= r.date <= status.today and (end is None or r.date < end)]
        reviews = [r for r in case.reviews if round_.start <= r.date <= status.today and (end is None or r.date < end)]
        plan = round_schedule(case, data.office, round_, status.today)
        limit = round_.time_limit or case.time_limit or data.office.rule(case.category).time_limit
        result = "；".join(f"{r.date} {r.result}" for r in reviews) or ("办理中" if end is None else "—")
        rows.append((f"第{round_.number}轮", f"{round_.kind} {round_.start}", str(limit or "—"),
                     str(plan.due.date if plan else "—"), "；".join(f"{r.date} {r.doc_no}" for r in reports) or "—",
                     result, round_.reason or "—"))
    return rows


_EMAIL = re.compile(r"\s*<[^>]*>")


def reviewers(entry: AuditEntry) -> str:
    """Who reviewed a commit, by name (the trailer's e-mail address left out)."""
    return "、".join(_EMAIL.sub("", r) for r in entry.reviewers)
