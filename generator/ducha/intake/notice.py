"""Issuing a 通报: the notice record written once by ``ducha report --issue``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ducha.errors import UsageError
from ducha.io.atomic import create_file
from ducha.io.yamltext import yaml_scalar
from ducha.load.records import load_records
from ducha.model.notices import Mention, notice_path
from ducha.repo.snapshot import report_for
from ducha.rules.escalation import overlapping
from ducha.rules.periods import Period


def issue_notice(root: Path, period: Period, issued: dt.date, number: int, approver: str | None = None) -> Path:
    """Issue the 通报 of ``period`` as its record; refuse one whose period overlaps an issued notice of the same kind.

    The proposals already leave out every (case, cause) an issued notice criticised, so no case
    is criticised twice for one cause, however the periods are chosen.
    """
    records = load_records(root)
    rule = records.office.approvals.notice
    if rule is not None and rule.binds(issued) and not approver:
        raise UsageError("印发通报须经主要领导同意（office.yaml approvals.notice；实施办法第十四条（五））。"
                         "修改：用 --approver 写明同意印发的领导，如 --approver \"市长 刘志远\"。")
    clash = overlapping(period, records.notices)
    if clash:
        names = "、".join(f"{n.doc_no}（{n.period}）" for n in clash)
        raise UsageError(f"{period.label}与已印发的{names}统计期间重叠：同一类通报（按{period.kind}）不能两次统计同一天。"
                         f"修改：选择紧接其后的{period.kind}，或改发其他类别的通报。")
    report = report_for(root, period, issued)
    return write_notice(root, number, issued, period.code, report.data_commit, records.office.notice_rules.issuer,
                        list(report.praise), list(report.criticism), approver or "")


def write_notice(root: Path, number: int, issued: dt.date, period: str, data_commit: str, issuer: str,
                 praised: list[Mention], criticised: list[Mention], approver: str = "") -> Path:
    """Write the issued notice record; refuses a number already used that year."""
    path = root / notice_path(issued.year, number)
    lines = ["# yaml-language-server: $schema=../../schema/notice.schema.json",
             "# 已印发的督查通报：由 ducha report --issue 生成，合并后不得修改。",
             f'number: "{number}"', f"doc_no: {yaml_scalar(f'{issuer}〔{issued.year}〕{number}号')}",
             f"date: {issued.isoformat()}", f"period: {period}", f"data_commit: {yaml_scalar(data_commit)}"]
    if approver:
        lines.append(f"approved_by: {yaml_scalar(approver)}")
    for key, mentions in (("praised", praised), ("criticised", criticised)):
        if not mentions:
            lines.append(f"{key}: []")
            continue
        lines.append(f"{key}:")
        for m in mentions:
            lines += [f"  - unit: {yaml_scalar(m.unit)}", f"    reason: {yaml_scalar(m.reason)}",
                      f"    cases: [{', '.join(m.cases)}]"]
            if m.basis:
                lines.append(f"    basis: {yaml_scalar(m.basis)}")
            if m.grounds:
                lines.append("    grounds:")
                lines += [f"      - {{case: {g.case}, cause: {yaml_scalar(g.cause)}}}" for g in m.grounds]
    try:
        create_file(path, "\n".join(lines) + "\n")
    except FileExistsError:
        raise UsageError(f"{issued.year} 年第 {number} 号通报已经印发（{notice_path(issued.year, number)}）："
                         "印发的通报不能覆盖。修改：换一个序号。") from None
    return path
