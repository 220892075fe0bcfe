"""The 台账's layout as data: its columns in order, their widths, and which ones ducha computes or a unit fills in.

The export (``outputs.ledger``) writes this layout and the import (``intake.ledger_import``)
reads it back, so both take it from here.
"""

from __future__ import annotations

import re

from ducha.model.logs import LOG_KINDS

#: (heading, width in characters): wide enough to read a Chinese title or a paragraph of
#: progress without widening by hand; long text wraps inside its cell.
STANDARD_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6), ("编号", 14), ("事项名称", 32), ("来源", 12), ("主办单位", 14), ("协办单位", 16), ("责任人", 10),
    ("任务要求", 32), ("立项批准日期", 12), ("立项批准人", 14),
    ("交办日期", 12), ("办理时限", 12), ("到期日", 18), ("最新进展", 40), ("阶段", 8), ("红黄绿灯", 12),
    ("审核意见", 36), ("备注", 20),
)
STANDARD = [name for name, _ in STANDARD_COLUMNS]
#: What a unit fills in: the 台账 columns of every log kind that takes entries from the sheet.
FILL_IN = [column for kind in LOG_KINDS for column, _ in kind.ledger]
HEADERS = STANDARD + FILL_IN
#: Columns ducha works out from the record each time: an edit to one of them is not imported.
COMPUTED = ("序号", "到期日", "最新进展", "阶段", "红黄绿灯", "审核意见")
_FILL_IN_WIDTHS = {"日期": 12, "发文字号": 18, "签发人": 10}


def column_width(name: str) -> int:
    widths = dict(STANDARD_COLUMNS)
    return widths.get(name) or next((w for key, w in _FILL_IN_WIDTHS.items() if name.endswith(key)), 40)


def sheet_name(name: str) -> str:
    """A worksheet name Excel accepts (31 characters, none of ``[]:*?/\\``)."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "台账"
