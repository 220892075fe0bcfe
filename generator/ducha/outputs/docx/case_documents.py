"""Documents for one case, in the same 公文 layout as the 通报.

- 督查通知单 (交办): what is assigned, to whom, by when, and how to report.
- 督查催办单: escalates with the light — 蓝色 while there is time, 黄色 near the due date,
  红色 once it has passed.
- 办理情况报告 (一事一报): the case's course and result, for the leadership.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from docx.shared import RGBColor

from ducha.errors import UsageError
from ducha.load.records import load_cases
from ducha.model.case import events
from ducha.model.measures import ORDER, Measure
from ducha.model.office import Office
from ducha.outputs.present import extension_text, light_label, milestone_light, overdue_words, remaining, sentence
from ducha.outputs.safe import xml_text
from ducha.rules.deadlines import Light, Status, deadline, effective_time_limit, schedule

from .gongwen import (
    HEI,
    RED,
    Imprint,
    about,
    cn_date,
    doc_number,
    imprint,
    masthead,
    new_document,
    para,
    quoted,
    save,
    signature,
    table,
    title,
)

KINDS = ("notice", "urge", "report")
URGE_LEVELS = {Light.RED: ("红色", RED), Light.YELLOW: ("黄色", RGBColor(0xC8, 0x8A, 0x00))}
BLUE = ("蓝色", RGBColor(0x1F, 0x4E, 0x9D))


def _due_words(status: Status) -> str:
    """The due date in a sentence of a 公文, marked when the year's holidays are not yet published."""
    if status.due is None:
        return ""
    return cn_date(status.due) + ("（暂定）" if status.provisional else "")


def _facts(doc: object, office: Office, status: Status) -> None:
    case = status.case
    plan = schedule(case, office, status.today)
    round_ = case.round_on(status.today)
    limit = effective_time_limit(case, office) if round_ is None or round_.number == 1 else round_.time_limit
    due = f"{status.due}{'（暂定，该年放假安排尚未公布）' if status.provisional else ''}" if status.due else "—"
    steps = plan.steps if plan is not None else ()
    rows = [["编号", case.id], ["事项名称", case.title], ["来源类型", case.category]]
    if case.priority:
        rows.append(["优先级", case.priority])
    for name, value in (("文号", case.source.doc_no), ("会议", case.source.meeting), ("批示领导", case.source.leader),
                        ("批示摘录", case.source.instruction), ("任务要求", case.requirements)):
        if value:
            rows.append([name, value])
    rows += [["主办单位", case.lead_unit or "—"], ["协办单位", "、".join(case.co_units) or "—"],
             ["交办日期", str(case.assigned or "—")]]
    # After a 延期 the time limit alone no longer leads to the due date: the document says what moved it.
    rows.append(["办理时限", f"{limit}（原到期日 {plan.original.date}）" if steps and plan else str(limit or "—")])
    rows += [["延期", extension_text(step)] for step in steps]
    rows.append(["到期日", f"{due}（已延期）" if steps else due])
    table(doc, ["项目", "内容"], rows, [30, 126])


def write_case_doc(kind: str, office: Office, status: Status, output: Path, today: dt.date,
                   copy_to: tuple[str, ...] | None = None) -> None:
    """Write the ``kind`` document (notice, urge, report) for one case.

    ``copy_to`` (抄送) defaults to the co-units for a notice or an urge, to no one for a report.
    """
    case = status.case
    doc = new_document()
    full = {u.name: u.full_name for u in office.units}
    lead = full.get(case.lead_unit or "", case.lead_unit or "")
    number = case.id.rsplit("-", 1)[1]
    if copy_to is None:
        copy_to = tuple(full.get(u, u) for u in case.co_units) if kind != "report" else ()
    if kind == "notice":
        masthead(doc, office.name, doc_number("督查通知", case.year, number))
        title(doc, "督查通知单")
        para(doc, f"{lead}：", indent=False)
        para(doc, f"现将{quoted(case.title)}交由你单位主办" + (f"，{'、'.join(case.co_units)}协办" if case.co_units else "") +
             "，请按以下要求抓好落实。")
        _facts(doc, office, status)
        para(doc, "办理要求", HEI)
        para(doc, f"一、请于{_due_words(status) or '规定时限'}前以正式公文报送办理报告，写明发文字号、签发人，加盖单位公章。")
        para(doc, "二、一时难以办结的，应报告阶段性进展，并续报直至办结；确需延期的，应在到期前提出书面申请，说明原因和进展。")
        para(doc, "三、主办单位负责组织协办单位共同办理，协办单位应积极配合。")
        if status.receipt is not None:
            para(doc, f"四、请于{cn_date(status.receipt.due)}前签收本通知，并明确责任人。")
    elif kind == "urge":
        name, color = URGE_LEVELS.get(status.light, BLUE)
        masthead(doc, office.name, doc_number("督查催办", today.year, number, len(case.urges) + 1), color)
        title(doc, f"督查催办单（{name}）")
        para(doc, f"{lead}：", indent=False)
        behind = "；".join(f"节点「{m.name}」应于{cn_date(m.due)}完成，至今未报送完成情况" for m in status.behind)
        state = (overdue_words(status) if status.light is Light.RED else
                 f"{behind}，未达到序时进度" if behind else
                 f"距到期仅剩{status.working_days_left}个工作日" if status.light is Light.YELLOW else
                 f"到期日为{_due_words(status)}")
        para(doc, f"你单位主办的{quoted(case.title)}（{case.id}）{state}，尚未报送办理结果。"
                  f"这是第{len(case.urges) + 1}次催办，请高度重视，抓紧办理。")
        _facts(doc, office, status)
        if status.milestones:
            table(doc, ["节点", "完成期限", "完成情况"],
                  [[m.name, str(m.due), milestone_light(m)] for m in status.milestones], [50, 30, 76])
        if case.urges:
            table(doc, ["日期", "督查方式", "情况"], [[str(u.date), u.method, u.note] for u in case.urges], [26, 30, 100])
        deadline = "3个工作日内" if status.light is Light.RED else "到期日前"
        para(doc, f"请于{deadline}报送办理结果或书面说明原因；逾期不报的，将按规定予以通报。")
    elif kind == "report":
        masthead(doc, office.name, doc_number("督查报告", today.year, number))
        title(doc, about(case.title, "办理情况的报告"))
        # 一事一报 to the leader who instructed; an item from a document, a meeting or a 建议 reports to the superior.
        para(doc, f"{case.source.leader or office.wording.superior}：", indent=False)
        para(doc, "一、基本情况", HEI)
        para(doc, f"该事项于{cn_date(case.registered)}立项，{cn_date(case.assigned) if case.assigned else '尚未'}交办{lead}主办"
                  + (f"，{'、'.join(case.co_units)}协办" if case.co_units else "") + f"。目前{status.stage.label}。")
        para(doc, "二、办理过程", HEI)
        table(doc, ["日期", "环节", "情况"], [[str(e.date), e.kind, e.text] for e in events(case)], [26, 26, 104])
        para(doc, "三、办理结果", HEI)
        last = case.reports[-1] if case.reports else None
        para(doc, f"{lead}以{last.doc_no}（签发人：{last.signer}）报告：{last.summary}" if last else "承办单位尚未报送办理报告。")
        if case.reviews:
            review = case.reviews[-1]
            para(doc, f"督查室审核意见：{review.result}{'，' + review.opinion if review.opinion else ''}。")
    else:
        raise ValueError(kind)
    signature(doc, office.name, today)
    imprint(doc, Imprint(office.printing_office, today, copy_to))
    doc.core_properties.title = xml_text(f"{case.id} {case.title}")
    save(doc, output)


#: What each document is called, and when it makes sense to issue it.
NAMES = {"notice": "督查通知单", "urge": "催办单", "report": "办理情况报告"}


def case_document(root: Path, kind: str, case_id: str, as_of: dt.date, output: Path | None,
                  copy_to: tuple[str, ...] | None = None) -> Path:
    """Write the ``kind`` document for one case as of ``as_of``; refuse one that would say something untrue."""
    office, cases = load_cases(root, as_of=as_of)
    found = [c for c in cases if c.id == case_id]
    if not found:
        raise UsageError(f"没有编号为「{case_id}」的督查事项（截至 {as_of}）。修改：检查编号，或所选日期是否早于立项。")
    status = deadline(found[0], office, as_of)
    if kind in ("notice", "urge") and status.case.assigned is None:
        raise UsageError(f"{case_id} 尚未交办（截至 {as_of}）：没有可通知或催办的承办单位。"
                         "修改：先在记录中填写交办日期和主办单位。")
    if kind == "urge" and not status.stage.is_open:
        raise UsageError(f"{case_id} 目前为「{status.stage.label}」，不需要催办：催办单只发给已交办、尚未报送办理结果的事项。")
    target = output or Path(f"{case_id}-{NAMES[kind]}.docx")
    write_case_doc(kind, office, status, target, as_of, copy_to)
    return target


def write_order(office: Office, order: Measure, statuses: Sequence[Status], due: dt.date, output: Path) -> None:
    """The 督办令: 限期督办 of one unit's cases, in the 公文 layout, red as the last step before 通报批评."""
    doc = new_document()
    full = {u.name: u.full_name for u in office.units}
    masthead(doc, office.wording.authority or office.name, order.doc_no, RED)
    title(doc, "督　办　令")
    para(doc, f"{full.get(order.unit, order.unit)}：", indent=False)
    para(doc, f"{sentence(order.reason)}为推动落实，现对下列事项下达督办令，实行限期督办。")
    table(doc, ["编号", "事项名称", "到期日", "办理情况"],
          [[s.case.id, s.case.title, str(s.due or "—"), f"{s.stage.label}，{remaining(s) or light_label(s)}"]
           for s in statuses], [30, 62, 26, 38])
    para(doc, "督办要求", HEI)
    if order.requirements:
        para(doc, f"一、{order.requirements}")
    step = "二" if order.requirements else "一"
    para(doc, f"{step}、请于{cn_date(due)}前以正式公文报送办理结果或阶段性进展，写明发文字号、签发人，加盖单位公章。")
    para(doc, f"{'三' if step == '二' else '二'}、督办令下达后工作仍没有明显进展的，将按照规定予以通报批评"
              "（督促检查工作实施办法 第十六条（二））。")
    signature(doc, office.wording.authority or office.name, order.date)
    imprint(doc, Imprint(office.printing_office, order.date))
    doc.core_properties.title = xml_text(f"{order.doc_no} 督办令")
    save(doc, output)


def order_document(root: Path, order_id: str, as_of: dt.date, output: Path | None) -> Path:
    """Write the 督办令 ``order_id`` (as ``2026-001``) with its cases as they stood on ``as_of``."""
    from ducha.load.records import load_records
    from ducha.rules.calendar import calendar_for
    from ducha.rules.deadlines import status_board
    from ducha.rules.escalation import order_due

    records = load_records(root, as_of=as_of)
    found = [m for m in records.measures if m.id == order_id]
    if not found:
        known = "、".join(m.id for m in records.measures if m.kind == ORDER) or "（无）"
        raise UsageError(f"没有编号为「{order_id}」的督查问责记录（截至 {as_of}）。修改：写成 年份-序号，如 2026-001；"
                         f"已有的督办令：{known}。")
    order = found[0]
    if order.kind != ORDER:
        raise UsageError(f"{order_id} 是{order.kind}记录，不是督办令：只有督办令生成文书。")
    office = records.office
    cases = [c for c in records.cases if c.id in order.cases]
    target = output or Path(f"{order.doc_no or order_id}-督办令.docx")
    write_order(office, order, status_board(office, cases, as_of), order_due(order, calendar_for(office.holiday_overrides)),
                target)
    return target
