"""The 台账 export: the office's usual columns for the units, plus 本次填报 columns they fill in.

What they fill in comes back through ``intake.ledger_import``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.io.atomic import write_file
from ducha.model.case import Case
from ducha.model.logs import LOG_KINDS
from ducha.model.office import Office
from ducha.outputs.text import display_width
from ducha.rules.deadlines import Light, Status, effective_time_limit, status_board

STANDARD = ["序号", "编号", "事项名称", "来源", "主办单位", "协办单位", "交办日期", "办理时限", "最新进展", "阶段",
            "红黄绿灯", "备注"]
#: What a unit fills in: the 台账 columns of every log kind that takes entries from the sheet.
FILL_IN = [column for kind in LOG_KINDS for column, _ in kind.ledger]
HEADERS = STANDARD + FILL_IN
_FILLS = {Light.RED: ("E53935", "FFFFFF"), Light.YELLOW: ("FDD835", "000000"), Light.GREEN: ("43A047", "FFFFFF"),
          Light.DONE: ("1E88E5", "FFFFFF"), Light.LATE: ("8E24AA", "FFFFFF")}


@dataclass(frozen=True)
class ExportResult:
    """What was exported."""

    rows: int
    sheets: tuple[str, ...]


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "台账"


def _row(n: int, s: Status, office: Office) -> list[object]:
    case = s.case
    last = case.progress[-1] if case.progress else None
    latest = f"{last.date} {last.summary}" if last else ""
    limit = effective_time_limit(case, office)
    light = s.light.label + ("（暂定）" if s.provisional else "")
    return [n, case.id, case.title, case.category, case.lead_unit or "", "、".join(case.co_units),
            case.assigned, str(limit) if limit else "", latest, s.stage.label, light, case.notes,
            None, None, None, None, None, None]


def export_ledger(office: Office, cases: Sequence[Case], today: dt.date, output: Path, year: int | None = None,
                  unit: str | None = None, by_unit: bool = False) -> ExportResult:
    """Write the 台账 workbook; one sheet, or one per lead unit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    chosen = [c for c in cases if year is None or c.year == year]
    board = sorted(status_board(office, chosen, today, unit=unit), key=lambda s: s.case.id)
    groups: dict[str, list[Status]] = {}
    if by_unit:
        for u in office.units:
            mine = [s for s in board if s.case.lead_unit == u.name]
            if mine:
                groups[u.name] = mine
    else:
        groups["督查事项台账" if unit is None else unit] = board
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name, statuses in groups.items():
        ws = wb.create_sheet(_sheet_name(name))
        title = f"{office.name}督查事项台账（{name + '，' if by_unit else ''}数据截至{today}）"
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(HEADERS)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FFF2CC" if cell.value in FILL_IN else "D9E1F2")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for n, s in enumerate(statuses, 1):
            ws.append(_row(n, s, office))
            row = n + 2  # ws.max_row and ws[row] scan every cell: quadratic over 10,000 rows
            for cell in (ws.cell(row, c) for c in range(1, len(HEADERS) + 1)):
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            ws.cell(row, 7).number_format = "yyyy-mm-dd"
            if s.light in _FILLS:
                fill, font = _FILLS[s.light]
                light_cell = ws.cell(row, STANDARD.index("红黄绿灯") + 1)
                light_cell.fill = PatternFill("solid", fgColor=fill)
                light_cell.font = Font(color=font, bold=True)
        widths = [display_width(h) for h in HEADERS]
        for row_values in ws.iter_rows(min_row=3, values_only=True):
            for i, value in enumerate(row_values):
                widths[i] = max(widths[i], display_width(str(value)) if value is not None else 0)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 40)
        ws.freeze_panes = "C3"
        ws.auto_filter.ref = f"A2:{get_column_letter(len(HEADERS))}{len(statuses) + 2}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "2:2"
    if not wb.worksheets:
        wb.create_sheet("督查事项台账").append(HEADERS)
    moment = dt.datetime(today.year, today.month, today.day)
    wb.properties.created = wb.properties.modified = moment  # the same data gives the same file
    buffer = io.BytesIO()
    wb.save(buffer)
    write_file(output, buffer.getvalue())
    return ExportResult(sum(len(g) for g in groups.values()), tuple(groups))
