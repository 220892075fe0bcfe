"""The 考核 scores as an Excel workbook: a ranking sheet, then one sheet per unit that the unit checks line by line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from ducha.io.atomic import write_file
from ducha.model.ledger_layout import sheet_name
from ducha.outputs.present import rate_text
from ducha.outputs.safe import formula_inert, xml_text
from ducha.outputs.scores import board_heading, commit_note, line_case
from ducha.rules.scoring import ScoreBoard

#: (heading, width in characters) of a unit's sheet.
LINE_COLUMNS = (("序号", 6), ("日期", 12), ("计分项目", 20), ("事项", 22), ("承办角色", 8), ("情况", 60), ("依据", 24),
                ("分值", 8))
RANK_COLUMNS = (("名次", 6), ("单位", 16), ("得分", 10), ("按期办结", 10), ("超期办结", 10), ("按期办结率", 12),
                ("超期未办结", 12), ("退回重办", 10))


def _text(value: str) -> str:
    return formula_inert(xml_text(value))


def write_workbook(board: ScoreBoard, output: Path) -> None:
    """Write the workbook; the same scores give the same file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    bold = Font(bold=True)

    def sheet(title: str, heading: str, columns: tuple[tuple[str, int], ...], rows: list[list[object]]) -> None:
        ws = wb.create_sheet(sheet_name(title))
        ws.append([_text(heading)])
        ws.append([_text(commit_note(board))])
        for row in (1, 2):
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([name for name, _ in columns])
        for cell in ws[3]:
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.alignment = Alignment(horizontal="center", vertical="center")
            cell.border = border
        for index, values in enumerate(rows, start=4):
            for column, value in enumerate(values, 1):
                cell = ws.cell(index, column, _text(value) if isinstance(value, str) else value)
                cell.border = border
                cell.alignment = wrap
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif not isinstance(value, str | int):
                    cell.number_format = "0.##"
        for column, (_, width) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = "A4"
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    wb = Workbook()
    wb.remove(wb.active)
    sheet("得分排名", board_heading(board), RANK_COLUMNS,
          [[u.rank, u.unit, u.score, u.counts.closed_on_time, u.counts.closed_late, rate_text(u.counts.on_time_rate),
            u.counts.overdue_open, u.counts.returned] for u in board.units])
    for unit in board.units:
        rows: list[list[object]] = [[n, line.date, line.label, line_case(line) if not line.role else line.case, line.role,
                                     line.what, line.basis, line.points] for n, line in enumerate(unit.lines, 1)]
        rows.append(["", "", "合计", "", "", f"第 {unit.rank} 名", "", unit.score])
        sheet(unit.unit, f"{unit.unit} {board_heading(board)}", LINE_COLUMNS, rows)
    moment = dt.datetime(board.today.year, board.today.month, board.today.day)
    wb.properties.created = wb.properties.modified = moment
    buffer = io.BytesIO()
    wb.save(buffer)
    write_file(output, buffer.getvalue())
