"""Issuing a 通报: the notice record written once by ``ducha report --issue``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ducha.errors import UsageError
from ducha.io.yamltext import yaml_scalar
from ducha.model.notices import Mention, notice_path


def write_notice(root: Path, number: int, issued: dt.date, period: str, data_commit: str, issuer: str,
                 praised: list[Mention], criticised: list[Mention]) -> Path:
    """Write the issued notice record; refuses a number already used that year."""
    path = root / notice_path(issued.year, number)
    if path.exists():
        raise UsageError(f"{issued.year} 年第 {number} 号通报已经印发（{notice_path(issued.year, number)}）："
                         "印发的通报不能覆盖。修改：换一个序号。")
    lines = ["# yaml-language-server: $schema=../../schema/notice.schema.json",
             "# 已印发的督查通报：由 ducha report --issue 生成，合并后不得修改。",
             f'number: "{number}"', f"doc_no: {yaml_scalar(f'{issuer}〔{issued.year}〕{number}号')}",
             f"date: {issued.isoformat()}", f"period: {period}", f"data_commit: {yaml_scalar(data_commit)}"]
    for key, mentions in (("praised", praised), ("criticised", criticised)):
        if not mentions:
            lines.append(f"{key}: []")
            continue
        lines.append(f"{key}:")
        for m in mentions:
            lines += [f"  - unit: {yaml_scalar(m.unit)}", f"    reason: {yaml_scalar(m.reason)}",
                      f"    cases: [{', '.join(m.cases)}]"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
