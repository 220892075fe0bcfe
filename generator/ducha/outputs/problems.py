"""Validation problems as text for people and JSON for machines: what every checking command prints.

Kept apart from ``text`` so a one-file ``ducha validate`` (the pre-commit check) loads no reporter
it does not print.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ducha.errors import Problem
from ducha.outputs.safe import terminal

if TYPE_CHECKING:
    from ducha.rules.controls import ControlChange


def problems_text(problems: Sequence[Problem], files: int, summary: bool = True) -> str:
    """One line per problem (file:line:column: field: what is wrong. 修改：the fix), then a summary."""
    lines = []
    for p in problems:
        where = f"{p.file}:{p.line}:{p.column}" if p.line else p.file
        field = f" [{p.field}]" if p.field else ""
        lines.append(terminal(f"{where}:{field} {p.message} 修改：{p.fix}"))
    if not summary:
        pass
    elif problems:
        affected = len({p.file for p in problems})
        lines.append(f"检查了 {files} 个文件，发现 {len(problems)} 个问题（涉及 {affected} 个文件）。")
    else:
        lines.append(f"检查了 {files} 个文件，全部通过。")
    return "\n".join(lines) + "\n"


def problems_json(problems: Sequence[Problem], files: int, controls: Sequence[ControlChange] | None = None) -> str:
    """``{"files": N, "problems": [{file, line, column, field, message, fix}, …]}``, and the ``controls`` a
    pull request changes when the guard reports them."""
    payload: dict[str, object] = {
        "files": files,
        "ok": not problems,
        "problems": [
            {"file": p.file, "line": p.line, "column": p.column, "field": p.field,
             "message": p.message, "fix": p.fix}
            for p in problems
        ],
    }
    if controls is not None:
        payload["controls"] = [{"key": c.key, "name": c.name, "before": c.before, "after": c.after} for c in controls]
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def controls_text(controls: Sequence[ControlChange]) -> str:
    """The office's controls a pull request changes, one per line, for the reviewer who must approve them."""
    from ducha.rules.controls import CODEOWNERS

    if not controls:
        return ""
    lines = [f"本合并请求改动了督查室的控制设置（{CODEOWNERS}）："] + [terminal(f"- {c.text()}") for c in controls]
    return "\n".join(lines) + "\n"
