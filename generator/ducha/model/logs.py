"""The dated logs of a case, and the one registry that says everything about each kind.

A log is an append-only list in a record (``progress:``, ``urges:``…). Reading, events,
validation, the guard's change detection, the audit wording, the 台账 and the outputs
all walk ``LOG_KINDS``: a new dated log is its schema, its dataclass and one entry here
(plus its own rules), and nothing else needs to learn its name.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ducha.model.timelimit import TimeLimit


@dataclass(frozen=True)
class Progress:
    """办理进展: a unit's interim report."""

    date: dt.date
    summary: str
    by: str = ""


@dataclass(frozen=True)
class Urge:
    """督办/催办 by the office."""

    date: dt.date
    method: str
    note: str = ""


@dataclass(frozen=True)
class Extension:
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
class Report:
    """办理报告: the formal reply, with its 发文字号 and 签发人."""

    date: dt.date
    doc_no: str
    signer: str
    summary: str


@dataclass(frozen=True)
class Review:
    """审核 of the latest report: 通过 or 退回."""

    date: dt.date
    reviewer: str
    result: str
    opinion: str = ""

    @property
    def passed(self) -> bool:
        return self.result == "通过"


@dataclass(frozen=True)
class Followup:
    """回访复核 / 回头看 after closing."""

    date: dt.date
    by: str
    finding: str


#: A corrected value as written: text, or a list of unit names (``co_units``).
Value = str | tuple[str, ...]


@dataclass(frozen=True)
class Correction:
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
    "title": "事项名称", "category": "来源类型", "source.doc_no": "依据·文号", "source.meeting": "依据·会议",
    "source.leader": "依据·批示领导", "source.instruction": "依据·批示摘录", "requirements": "任务要求",
    "parent": "上级事项", "registered": "立项日期", "assigned": "交办日期", "lead_unit": "主办单位",
    "co_units": "协办单位", "owner": "责任人", "time_limit": "办理时限", "visibility": "公开范围",
}


def _correction_text(field: str, old: object, new: object) -> str:
    return f"{CORRECTABLE.get(field, field)} {show_value(old)} → {show_value(new)}"


def _correction_steps(e: Any) -> list[Step]:
    return [Step(e.date, "更正", f"{_correction_text(e.field, e.old, e.new)}；理由：{e.reason}（{e.approved_by}批准）")]


def _correction_wording(entry: Mapping[str, Any]) -> str:
    return (f"更正：{_correction_text(str(entry.get('field', '')), entry.get('old'), entry.get('new'))}"
            f"（{entry.get('approved_by', '')}批准）")


def _review_wording(entry: Mapping[str, Any]) -> str:
    opinion = entry.get("opinion") if entry.get("result") == "退回" else ""
    short = str(opinion)[:29] + "…" if opinion and len(str(opinion)) > 30 else opinion
    return f"审核：{entry.get('result', '')}{f'（{short}）' if short else ''}"


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

    @functools.cached_property
    def date_fields(self) -> tuple[str, ...]:
        """Fields holding dates, read and checked as dates."""
        return tuple(f.name for f in fields(self.entry) if f.name in _DATE_FIELDS)

    @functools.cached_property
    def limit_fields(self) -> tuple[str, ...]:
        """Fields holding a 办理时限."""
        return tuple(f.name for f in fields(self.entry) if f.name == "time_limit")


_DATE_FIELDS = frozenset({"date", "requested", "approved", "until"})

LOG_KINDS: tuple[LogKind, ...] = (
    LogKind("progress", Progress, "date", "办理进展",
            lambda e: [Step(e.date, "办理进展", _joined(e.by, e.summary))],
            lambda d: f"新增办理进展 {d.get('date', '')}",
            ledger=(("进展日期", "date"), ("进展情况", "summary")), ledger_identity=("date", "summary"),
            ledger_unit="by"),
    LogKind("urges", Urge, "date", "督办",
            lambda e: [Step(e.date, "督办", _joined(e.method, e.note))],
            lambda d: f"新增督办（{d.get('method', '')}）{d.get('date', '')}"),
    LogKind("extensions", Extension, "requested", "延期", _extension_steps, _extension_wording),
    LogKind("reports", Report, "date", "办理报告",
            lambda e: [Step(e.date, "办理报告", f"{e.doc_no}（签发：{e.signer}）：{e.summary}")],
            lambda d: f"报送办理报告 {d.get('doc_no', '')}（{d.get('date', '')}）",
            ledger=(("报告日期", "date"), ("发文字号", "doc_no"), ("签发人", "signer"), ("办理结果", "summary")),
            ledger_identity=("doc_no",)),
    LogKind("reviews", Review, "date", "审核",
            lambda e: [Step(e.date, f"审核{e.result}", _joined(e.reviewer, e.opinion))],
            _review_wording, after_assignment=False),
    LogKind("followups", Followup, "date", "回访复核",
            lambda e: [Step(e.date, "回访复核", _joined(e.by, e.finding))],
            lambda d: f"回访复核 {d.get('date', '')}", after_assignment=False),
    LogKind("corrections", Correction, "date", "更正", _correction_steps, _correction_wording,
            after_assignment=False),
)
LOGS: Mapping[str, LogKind] = {kind.key: kind for kind in LOG_KINDS}
#: What approving an extension adds to its entry; nothing else may change in it.
APPROVAL_KEYS = frozenset({"approved", "approved_by"})
