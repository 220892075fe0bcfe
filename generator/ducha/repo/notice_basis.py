"""An issued 通报 agrees with the records it names: what it praises and criticises is what ``ducha report``
proposed from the records at its ``data_commit``, or is written down as a leader's own decision.

Either way, a unit is praised or criticised only for cases it handled (主办 or 协办) at that
commit. A notice is published and counts towards a unit's yearly criticisms: a hand-written one
that names a unit for a case it never handled, or for a rule the case did not meet, must not land.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ducha.errors import DataError, Problem, UsageError
from ducha.io.yamlfile import YamlDocument
from ducha.load.issued import load_notice
from ducha.load.records import load_records
from ducha.model.case import Case
from ducha.model.notices import Mention, Notice
from ducha.repo.gitprocess import HistoryError
from ducha.repo.records_at import write_records_at
from ducha.repo.refs import resolve
from ducha.rules.period_report import build_report
from ducha.rules.periods import parse_period

_KINDS = {"praised": "表扬", "criticised": "批评"}
_DECISION_FIX = ("通报只能采纳 `ducha report` 依据数据提交算出的拟表扬、拟批评名单（用 `ducha report --issue` 生成）；"
                 "确是领导决定列入的，在这一项中写明 `leader_decision: {approved_by: 批准的领导, reason: 理由}`。")


def notice_disagreements(root: Path, doc: YamlDocument) -> list[Problem]:
    """Where the notice in ``doc`` says what its data_commit's records do not."""
    notice = load_notice(doc)
    if notice is None:
        return []  # validation reports what is wrong with the file
    try:
        commit = resolve(root, notice.data_commit)
        period = parse_period(notice.period)
    except (DataError, UsageError):
        return []  # the data_commit and period checks report these
    with tempfile.TemporaryDirectory() as folder:
        try:  # as `ducha report --issue` computed it on that commit
            write_records_at(root, commit, Path(folder), attachments=False)
            records = load_records(Path(folder), as_of=min(notice.date, period.end), on_disk=False)
        except (DataError, HistoryError):
            line, column = doc.mark(("data_commit",))
            return [Problem(doc.path, line, column, "data_commit",
                            f"通报依据的数据提交 {commit[:12]} 中的记录有问题，`ducha report` 在它上面无法生成通报：通报内容无从核对。",
                            "在记录无误的提交上用 `ducha report --issue` 重新生成通报。")]
    report = build_report(records.office, records.cases, records.notices, records.bulletins, period, notice.date, commit,
                          None, records.measures)
    cases = {case.id: case for case in records.cases}
    problems = []
    proposed = {"praised": {m.unit: m for m in report.praise}, "criticised": {m.unit: m for m in report.criticism}}
    for key, mentions in (("praised", notice.praised), ("criticised", notice.criticised)):
        for index, mention in enumerate(mentions):
            problems += _handled(doc, key, index, mention, cases, commit)
            if mention.decision is None:
                problems += _as_proposed(doc, notice, key, index, mention, proposed[key].get(mention.unit), commit)
    return problems


def _handled(doc: YamlDocument, key: str, index: int, mention: Mention, cases: dict[str, Case], commit: str) -> list[Problem]:
    """Each cited case was one the unit handled (主办 or 协办) at the data commit."""
    problems = []
    for position, case_id in enumerate(mention.cases):
        case = cases.get(case_id)
        if case is None or mention.unit in case.units:
            continue  # a case that does not exist is reported by validation
        line, column = doc.mark((key, index, "cases", position))
        problems.append(Problem(doc.path, line, column, f"{key}[{index}].cases[{position}]",
                                f"{case_id} 不是{mention.unit}主办或协办的事项（数据提交 {commit[:12]} 时的承办单位："
                                f"{'、'.join(case.units) or '尚未交办'}）：不能因它{_KINDS[key]}{mention.unit}。",
                                f"删除这一事项；通报只能就单位承办的事项{_KINDS[key]}该单位。"))
    return problems


def _as_proposed(doc: YamlDocument, notice: Notice, key: str, index: int, mention: Mention, proposal: Mention | None,
                 commit: str) -> list[Problem]:
    """A mention without a leader's decision is the report's proposal for that unit, or a part of it."""
    what = _KINDS[key]
    where = f"依据数据提交 {commit[:12]} 按 {notice.period}（截至 {notice.date}）算出的拟{what}名单"
    line, column = doc.mark((key, index, "unit"))
    field = f"{key}[{index}]"
    if proposal is None:
        return [Problem(doc.path, line, column, field, f"{mention.unit}不在{where}中。", _DECISION_FIX)]
    extra = [c for c in mention.cases if c not in proposal.cases]
    causes = {(g.case, g.cause) for g in proposal.grounds}
    unmet = [g for g in mention.grounds if (g.case, g.cause) not in causes]
    problems = []
    if extra:
        problems.append(Problem(doc.path, line, column, field,
                                f"{what}{mention.unit}涉及的 {'、'.join(extra)} 不在{where}所列的事项中"
                                f"（{'、'.join(proposal.cases) or '无'}）：这些事项当时不符合所述规则。", _DECISION_FIX))
    if unmet:
        shown = "；".join(f"{g.case}「{g.cause}」" for g in unmet)
        problems.append(Problem(doc.path, line, column, field, f"{what}{mention.unit}的依据 {shown}不在{where}的依据中。",
                                _DECISION_FIX))
    return problems
