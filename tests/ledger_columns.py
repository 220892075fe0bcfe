"""The 台账's columns, written by hand as the office's sheet has them (never read from the code that writes it)."""

from __future__ import annotations

#: Row 2 of every sheet, column A onwards: the office's usual 18 columns, then what a unit fills in
#: (签收, 办理进展, 办理报告).
COLUMNS = ("序号", "编号", "事项名称", "来源", "主办单位", "协办单位", "责任人", "任务要求", "立项批准日期", "立项批准人", "交办日期", "办理时限", "到期日",
           "最新进展", "阶段", "红黄绿灯", "审核意见", "备注",
           "签收日期", "签收人", "进展日期", "进展情况", "报告日期", "发文字号", "签发人", "办理结果")
#: The last column's letter: the title in row 1 is merged across A1:Z1.
LAST = "Z"


def column(name: str) -> int:
    """The 1-based column number of ``name`` (A is 1)."""
    return COLUMNS.index(name) + 1
