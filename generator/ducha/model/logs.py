"""The dated logs of a case, and the one registry that says everything about each kind.

A log is an append-only list in a record (``progress:``, ``urges:``…). Reading, events,
validation, the guard's change detection, the audit wording, the 台账 and the outputs
all walk ``LOG_KINDS``. A new dated log is:

1. its schema (``schemas/case.schema.json``, and the same file in the repository's ``schema/``);
2. its dataclass here, and one ``LOG_KINDS`` entry;
3. the field of the same name on ``Case`` (``model/case.py``), a tuple of its entries
   (``tests/test_house.py`` checks every key has one);
4. its own rules (``rules/``);

and nothing else needs to learn its name.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ducha.model.links import Link
from ducha.model.timelimit import TimeLimit


@dataclass(frozen=True)
class Entry:
    """What every dated log entry has besides its own fields.

    ``late_reason`` is the 补录 reason: an entry recorded (committed) more than
    ``office.late_entry_workdays`` working days after its own date must carry one, and is
    shown as 补录 wherever it is shown. Keyword-only, so each kind keeps its own field order.
    """

    late_reason: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class Receipt(Entry):
    """签收: a 承办单位 acknowledges the 交办 (its 督查通知), by the person who signed for it."""

    date: dt.date
    unit: str
    by: str


@dataclass(frozen=True)
class Progress(Entry):
    """办理进展: a unit's interim report; ``milestone`` names the 节点 it reports done."""

    date: dt.date
    summary: str
    by: str = ""
    milestone: str = ""


@dataclass(frozen=True)
class Urge(Entry):
    """督办/催办 by the office."""

    date: dt.date
    method: str
    note: str = ""


@dataclass(frozen=True)
class Extension(Entry):
    """延期: counts only once approved; sets a new date or extends from the old due date."""

    requested: dt.date
    reason: str
    approved: dt.date | None = None
    approved_by: str = ""
    until: dt.date | None = None
    time_limit: TimeLimit | None = None

    @property
    def date(self) -> dt.date:
        """The day the entry was made (the request): the log is ordered by it."""
        return self.requested

    @property
    def term(self) -> str:
        """What is asked for: a new date, or a further time limit."""
        return extension_term(self.until, self.time_limit)


@dataclass(frozen=True)
class Report(Entry):
    """办理报告: the formal reply, with its 发文字号 and 签发人; ``downstream`` when it is a subordinate
    office's approved report, accepted here as this case's (上下联动)."""

    date: dt.date
    doc_no: str
    signer: str
    summary: str
    downstream: Link | None = None


@dataclass(frozen=True)
class Review(Entry):
    """审核 of the latest report: 通过 or 退回; ``falsified`` (是) when the report was found, after
    调查核实, to be 弄虚作假 (中办 1999 年意见 七), which proposes 问责."""

    date: dt.date
    reviewer: str
    result: str
    opinion: str = ""
    falsified: str = ""

    @property
    def passed(self) -> bool:
        return self.result == "通过"


#: 回访复核 results: a fixed value beside the finding, so that 整改不到位 can reopen the case.
FOLLOWUP_RESULTS = ("整改到位", "整改不到位")
#: The result that reopens a closed case for 再督查 (2012 中办意见（七）；实施办法 §十三（七）).
NOT_RECTIFIED = "整改不到位"


@dataclass(frozen=True)
class Followup(Entry):
    """回访复核 / 回头看 after closing; 整改不到位 reopens the case with a new time limit (再督查).

    ``falsified`` (是): the 复核 found the report that closed the case 弄虚作假; ``survey``: the
    督查调研 or 调查 record (年份-序号) the finding rests on.
    """

    date: dt.date
    by: str
    finding: str
    result: str = ""
    time_limit: TimeLimit | None = None
    falsified: str = ""
    survey: str = ""

    @property
    def reopens(self) -> bool:
        return self.result == NOT_RECTIFIED


#: The items a 满意度 is asked of (实施办法 §十：人大代表建议和政协委员提案).
SATISFACTION_CATEGORIES = ("人大代表建议", "政协提案")
SATISFACTION_RESULTS = ("满意", "基本满意", "不满意")
#: The result that sends the item back to be handled again (重新办理).
DISSATISFIED = "不满意"


@dataclass(frozen=True)
class Feedback(Entry):
    """满意度: the 代表's or 委员's verdict on the reply; 不满意 reopens the item (重新办理) with a new time limit."""

    date: dt.date
    by: str
    result: str
    note: str = ""
    time_limit: TimeLimit | None = None

    @property
    def reopens(self) -> bool:
        return self.result == DISSATISFIED


@dataclass(frozen=True)
class Reading(Entry):
    """领导审阅 of the 办理报告 that closed the item (实施办法 §七（五）（六）: 一事一报)."""

    date: dt.date
    leader: str
    opinion: str = ""


@dataclass(frozen=True)
class Submission(Entry):
    """上报: the result reported back to the upper body that sent the item (1999 中办 §七)."""

    date: dt.date
    to: str
    doc_no: str = ""
    summary: str = ""


@dataclass(frozen=True)
class UpstreamChange(Entry):
    """上级变更: the superior's case changed after it was taken in here (an extension approved above, a
    correction), and the office recorded that it knows, citing the superior's file at ``commit``."""

    date: dt.date
    commit: str
    sha256: str
    summary: str


@dataclass(frozen=True)
class Attachment(Entry):
    """附件: a file kept beside the record (批示件, the report's full text, signed scans), identified by
    its SHA-256 so the sealed record also seals it."""

    date: dt.date
    file: str
    title: str
    type: str
    size: str
    sha256: str

    @property
    def bytes(self) -> int:
        return int(self.size)


def size_text(size: int) -> str:
    """A file's size as people read it: 812 字节, 35.2KB, 4.1MB."""
    if size < 1024:
        return f"{size} 字节"
    return f"{size / 1024:.1f}KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f}MB"


#: A corrected value as written: text, or a list of unit names (``co_units``).
Value = str | tuple[str, ...]


@dataclass(frozen=True)
class Correction(Entry):
    """更正: a recorded fact put right with its reason and approver.

    The record keeps what was first written; the model reads the corrected value, so every
    output shows it, and the history shows both.
    """

    date: dt.date
    field: str
    new: Value
    reason: str
    approved_by: str
    old: Value = ""


@dataclass(frozen=True)
class Step:
    """One dated step of a case's 办理经过, for timelines."""

    date: dt.date
    kind: str
    text: str


def extension_term(until: object, time_limit: object) -> str:
    """An extension's term in words: the new date, or 延长 a further time limit."""
    return str(until) if until else f"延长{time_limit or ''}"


def late_mark(reason: str) -> str:
    """How a 补录 entry is marked after its text, everywhere it is shown."""
    return f"【补录：{reason}】" if reason else "【补录】"


def _joined(first: str, rest: str, sep: str = "：") -> str:
    return f"{first}{sep}{rest}" if first and rest else first or rest


def _extension_steps(e: Any) -> list[Step]:
    steps = [Step(e.requested, "申请延期", f"{e.term}；理由：{e.reason}")]
    if e.approved is not None:
        steps.append(Step(e.approved, "批准延期", f"{e.term}（{e.approved_by}）"))
    return steps


def _extension_wording(entry: Mapping[str, Any]) -> str:
    term = extension_term(entry.get("until"), entry.get("time_limit"))
    return f"申请延期 {entry.get('requested', '')}（{term}）"


def show_value(value: object) -> str:
    """A recorded value as the office reads it: lists joined with 、, nothing as （未填写）."""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "（无）"
    return str(value) if value not in (None, "") else "（未填写）"


#: Fields a correction may put right, with their Chinese names (nested ones as ``source.doc_no``).
CORRECTABLE: Mapping[str, str] = {
    "title": "事项名称", "category": "来源类型", "priority": "优先级", "source.doc_no": "依据·文号", "source.meeting": "依据·会议",
    "source.leader": "依据·批示领导", "source.instruction": "依据·批示摘录", "requirements": "任务要求",
    "parent": "上级事项", "registered": "立项日期", "assigned": "交办日期", "lead_unit": "主办单位",
    "co_units": "协办单位", "owner": "责任人", "time_limit": "办理时限", "visibility": "公开范围",
}


def _correction_text(field: str, old: object, new: object) -> str:
    from ducha.model.corrections import correction_name  # it reads the log kinds defined below

    return f"{correction_name(field)} {show_value(old)} → {show_value(new)}"


def _correction_steps(e: Any) -> list[Step]:
    return [Step(e.date, "更正", f"{_correction_text(e.field, e.old, e.new)}；理由：{e.reason}（{e.approved_by}批准）")]


def _correction_wording(entry: Mapping[str, Any]) -> str:
    return (f"更正：{_correction_text(str(entry.get('field', '')), entry.get('old'), entry.get('new'))}"
            f"（{entry.get('approved_by', '')}批准）")


def _review_wording(entry: Mapping[str, Any]) -> str:
    opinion = entry.get("opinion") if entry.get("result") == "退回" else ""
    short = str(opinion)[:29] + "…" if opinion and len(str(opinion)) > 30 else opinion
    return f"审核：{entry.get('result', '')}{f'（{short}）' if short else ''}"


def _followup_steps(e: Any) -> list[Step]:
    if e.reopens:
        return [Step(e.date, "再督查", f"{_joined(e.by, e.finding)}（{e.result}，重新办理，时限 {e.time_limit}）")]
    return [Step(e.date, "回访复核", _joined(e.by, e.finding) + (f"（{e.result}）" if e.result else ""))]


def _followup_wording(entry: Mapping[str, Any]) -> str:
    if entry.get("result") == NOT_RECTIFIED:
        return f"回访复核 {entry.get('date', '')}：{NOT_RECTIFIED}，再督查（时限 {entry.get('time_limit', '')}）"
    return f"回访复核 {entry.get('date', '')}" + (f"：{entry['result']}" if entry.get("result") else "")


@dataclass(frozen=True)
class LogKind:
    """Everything ducha knows about one kind of dated log.

    ``steps`` gives the timeline steps of an entry; ``wording`` the audit trail's words for
    a newly appended entry (from the plain data, as git stores it); ``after_assignment``
    whether entries may only exist, and be dated, after 交办.
    """

    key: str
    entry: type
    date_field: str
    label: str
    steps: Callable[[Any], list[Step]]
    wording: Callable[[Mapping[str, Any]], str]
    after_assignment: bool = True
    #: 台账 columns a unit fills in for a new entry: (column heading, field), in sheet order.
    ledger: tuple[tuple[str, str], ...] = ()
    #: The fields that identify an entry already recorded, so a sheet imported twice adds nothing.
    ledger_identity: tuple[str, ...] = ()
    #: The field that names who filled the entry in, set to the unit the sheet belongs to.
    ledger_unit: str = ""
    #: What a round opened by an entry of this kind is called (再督查, 重新办理); empty when entries never
    #: reopen a case. Entries that do have ``reopens`` and a ``time_limit`` counted from their date.
    reopening: str = ""
    #: The (field, value) of an entry that reopens the case, as the plain data writes it.
    reopen_when: tuple[str, str] = ("", "")

    def reopens(self, entry: Mapping[str, Any]) -> bool:
        """Whether an entry, as plain data, opens another round (再督查, 重新办理)."""
        field, value = self.reopen_when
        return bool(self.reopening) and isinstance(entry, Mapping) and entry.get(field) == value

    def entry_steps(self, entry: Any) -> list[Step]:
        """The timeline steps of ``entry``, its first one marked 补录 when it was recorded late."""
        steps = self.steps(entry)
        if entry.late_reason and steps:
            first = steps[0]
            steps[0] = Step(first.date, first.kind, f"{first.text}{late_mark(entry.late_reason)}")
        return steps

    @functools.cached_property
    def date_fields(self) -> tuple[str, ...]:
        """Fields holding dates, read and checked as dates."""
        return tuple(f.name for f in fields(self.entry) if f.name in _DATE_FIELDS)

    @functools.cached_property
    def limit_fields(self) -> tuple[str, ...]:
        """Fields holding a 办理时限."""
        return tuple(f.name for f in fields(self.entry) if f.name == "time_limit")

    @functools.cached_property
    def link_fields(self) -> tuple[str, ...]:
        """Fields holding a link to another office's case."""
        return tuple(f.name for f in fields(self.entry) if f.name in _LINK_FIELDS)


_DATE_FIELDS = frozenset({"date", "requested", "approved", "until"})
_LINK_FIELDS = frozenset({"downstream"})


def _report_steps(e: Any) -> list[Step]:
    adopted = f"（采用下级办理报告：全宗号 {e.downstream.office} {e.downstream.id}，提交 {e.downstream.short}）" \
        if e.downstream is not None else ""
    return [Step(e.date, "办理报告", f"{e.doc_no}（签发：{e.signer}）：{e.summary}{adopted}")]


def _report_wording(d: Mapping[str, Any]) -> str:
    below = d.get("downstream")
    adopted = f"，采用下级 {below.get('id', '')} 的办理报告" if isinstance(below, Mapping) else ""
    return f"报送办理报告 {d.get('doc_no', '')}（{d.get('date', '')}）{adopted}"

LOG_KINDS: tuple[LogKind, ...] = (
    LogKind("receipts", Receipt, "date", "签收",
            lambda e: [Step(e.date, "签收", _joined(e.unit, e.by, "，签收人："))],
            lambda d: f"签收（{d.get('unit', '')}）{d.get('date', '')}",
            ledger=(("签收日期", "date"), ("签收人", "by")), ledger_identity=("unit",), ledger_unit="unit"),
    LogKind("progress", Progress, "date", "办理进展",
            lambda e: [Step(e.date, "办理进展", _joined(e.by, e.summary) + (f"（完成节点「{e.milestone}」）" if e.milestone else ""))],
            lambda d: f"新增办理进展 {d.get('date', '')}",
            ledger=(("进展日期", "date"), ("进展情况", "summary")), ledger_identity=("date", "summary"),
            ledger_unit="by"),
    LogKind("urges", Urge, "date", "督办",
            lambda e: [Step(e.date, "督办", _joined(e.method, e.note))],
            lambda d: f"新增督办（{d.get('method', '')}）{d.get('date', '')}"),
    LogKind("extensions", Extension, "requested", "延期", _extension_steps, _extension_wording),
    LogKind("reports", Report, "date", "办理报告", _report_steps, _report_wording,
            ledger=(("报告日期", "date"), ("发文字号", "doc_no"), ("签发人", "signer"), ("办理结果", "summary")),
            ledger_identity=("doc_no",)),
    LogKind("reviews", Review, "date", "审核",
            lambda e: [Step(e.date, f"审核{e.result}", _joined(e.reviewer, e.opinion))],
            _review_wording, after_assignment=False),
    LogKind("followups", Followup, "date", "回访复核", _followup_steps, _followup_wording, after_assignment=False,
            reopening="再督查", reopen_when=("result", NOT_RECTIFIED)),
    LogKind("feedback", Feedback, "date", "满意度",
            lambda e: [Step(e.date, "重新办理" if e.reopens else "满意度",
                            f"{e.by}：{e.result}" + (f"，{e.note}" if e.note else "")
                            + (f"（重新办理，时限 {e.time_limit}）" if e.reopens else ""))],
            lambda d: f"满意度 {d.get('date', '')}：{d.get('result', '')}" + (
                f"，重新办理（时限 {d.get('time_limit', '')}）" if d.get("result") == DISSATISFIED else ""),
            after_assignment=False, reopening="重新办理", reopen_when=("result", DISSATISFIED)),
    LogKind("readings", Reading, "date", "领导审阅",
            lambda e: [Step(e.date, "领导审阅", _joined(e.leader, e.opinion))],
            lambda d: f"领导审阅（{d.get('leader', '')}）{d.get('date', '')}", after_assignment=False),
    LogKind("submissions", Submission, "date", "上报结果",
            lambda e: [Step(e.date, "上报结果", _joined(f"报{e.to}" + (f"（{e.doc_no}）" if e.doc_no else ""), e.summary))],
            lambda d: f"上报结果（{d.get('to', '')}）{d.get('date', '')}", after_assignment=False),
    LogKind("upstream_changes", UpstreamChange, "date", "上级变更",
            lambda e: [Step(e.date, "上级变更", f"{e.summary}（上级提交 {e.commit[:8]}）")],
            lambda d: f"登记上级变更 {d.get('date', '')}", after_assignment=False),
    LogKind("attachments", Attachment, "date", "附件",
            lambda e: [Step(e.date, "附件", f"{e.title}（{e.file}）")],
            lambda d: f"新增附件「{d.get('title', '')}」（{d.get('file', '')}）", after_assignment=False),
    LogKind("corrections", Correction, "date", "更正", _correction_steps, _correction_wording,
            after_assignment=False),
)
LOGS: Mapping[str, LogKind] = {kind.key: kind for kind in LOG_KINDS}
#: What approving an extension adds to its entry; nothing else may change in it.
APPROVAL_KEYS = frozenset({"approved", "approved_by"})
