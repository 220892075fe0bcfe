"""The 台账 export: the office's usual columns for the units, plus 本次填报 columns they fill in.

What they fill in comes back through ``intake.ledger_import``. A unit's sheet holds the
items it leads and those it co-handles: what it fills in is credited to it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.io.atomic import write_file
from ducha.io.collector import collector_paused
from ducha.model.case import Case, Stage
from ducha.model.ledger_layout import FILL_IN, HEADERS, STANDARD, column_width, sheet_name
from ducha.model.office import Office
from ducha.outputs.present import due_with_extension, latest_progress, review_opinion
from ducha.outputs.safe import xml_text
from ducha.rules.deadlines import Light, Status, effective_time_limit, status_board

_FILLS = {Light.RED: ("E53935", "FFFFFF"), Light.YELLOW: ("FDD835", "000000"), Light.GREEN: ("43A047", "FFFFFF"),
          Light.DONE: ("1E88E5", "FFFFFF"), Light.LATE: ("8E24AA", "FFFFFF")}
#: The sheet's named cell styles: its body, dates in it, its headings (ducha's, and the units' 填报 ones).
_BODY, _DATE, _HEADING = "台账正文", "台账日期", "台账表头"
_HEADINGS = {"": "D9E1F2", "填报": "FFF2CC"}
#: Stages a unit still has work on (or waits on): the sheet's default content.
OPEN_STAGES = (Stage.IN_PROGRESS, Stage.RETURNED, Stage.PENDING_REVIEW)


def _cell(ws: Any, value: object, style: Any) -> Any:
    """A cell of the sheet with its value and one of its named styles (openpyxl gives each cell a copy of the style)."""
    from openpyxl.cell.cell import Cell

    if not isinstance(value, str):
        return Cell(ws, value=value, style_array=style)
    cell = Cell(ws, value=xml_text(value), style_array=style)
    if value.startswith("="):  # text, never a formula: what a record says stays inert
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


@dataclass(frozen=True)
class ExportResult:
    """What was exported."""

    rows: int
    sheets: tuple[str, ...]


def row_values(n: int, s: Status, office: Office) -> list[object]:
    """One row of the sheet: the standard columns, then the empty fill-in columns."""
    case = s.case
    limit = effective_time_limit(case, office)
    light = s.light.label + ("（暂定）" if s.provisional else "")
    return [n, case.id, case.title, case.category, case.lead_unit or "", "、".join(case.co_units), case.owner,
            case.requirements, case.approval.date if case.approval else None, case.approval.by if case.approval else "",
            case.assigned, str(limit) if limit else "", due_with_extension(s), latest_progress(case),
            s.stage.label, light, review_opinion(case), case.notes] + [None] * len(FILL_IN)


def export_ledger(office: Office, cases: Sequence[Case], today: dt.date, output: Path, year: int | None = None,
                  unit: str | None = None, by_unit: bool = False, everything: bool = False) -> ExportResult:
    """Write the 台账 workbook: one sheet, or one per unit (the items it leads or co-handles).

    Items still in hand (办理中, 已退回, 待审核) only, unless ``everything``.
    """
    chosen = [c for c in cases if year is None or c.year == year]
    board = [s for s in status_board(office, chosen, today, unit=unit) if everything or s.stage in OPEN_STAGES]
    board.sort(key=lambda s: s.case.id)
    groups: dict[str, list[Status]] = {}
    if by_unit:
        for u in office.units:
            mine = [s for s in board if s.case.lead_unit == u.name or u.name in s.case.co_units]
            if mine:
                groups[u.name] = mine
    else:
        groups["督查事项台账" if unit is None else unit] = board
    # A cell points at its sheet, which holds every cell: each collection pass on the way would walk
    # all of them again (half the time of building 100,000 cells).
    with collector_paused():
        data = _workbook(office, groups, today, named=by_unit or unit is not None, everything=everything)
    write_file(output, data)
    return ExportResult(sum(len(g) for g in groups.values()), tuple(groups))


def _workbook(office: Office, groups: dict[str, list[Status]], today: dt.date, named: bool, everything: bool) -> bytes:
    """The workbook's bytes: one sheet a group, titled with the group's name when ``named``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    arrays = _styles(wb)
    dated, lit = {STANDARD.index("立项批准日期"), STANDARD.index("交办日期")}, STANDARD.index("红黄绿灯")
    scope = "在办事项" if not everything else "全部事项"
    for name, statuses in groups.items():
        ws = wb.create_sheet(sheet_name(name))
        ws.append([f"{office.name}督查事项台账（{name + '，' if named else ''}{scope}，数据截至{today}）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append([_cell(ws, heading, arrays[_HEADING + ("填报" if heading in FILL_IN else "")]) for heading in HEADERS])
        for n, s in enumerate(statuses, 1):
            light = arrays[f"{_BODY}{s.light.label}" if s.light in _FILLS else _BODY]
            ws.append([_cell(ws, value, arrays[_DATE] if index in dated else light if index == lit else arrays[_BODY])
                       for index, value in enumerate(row_values(n, s, office))])
        for i, heading in enumerate(HEADERS, 1):
            ws.column_dimensions[get_column_letter(i)].width = column_width(heading)
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
    return buffer.getvalue()


def _styles(wb: Any) -> dict[str, Any]:
    """The sheet's named cell styles, added to ``wb``: each one's style array, by name.

    Each cell takes one of these few: styled cell by cell, openpyxl would look each border
    and alignment up again (two thirds of the export's time at 4,000 rows).
    """
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    heading = Alignment(horizontal="center", vertical="center", wrap_text=True)
    styles = [NamedStyle(_BODY, border=border, alignment=wrap),
              NamedStyle(_DATE, border=border, alignment=wrap, number_format="yyyy-mm-dd"),
              *(NamedStyle(f"{_HEADING}{name}", font=Font(bold=True), border=border, alignment=heading,
                           fill=PatternFill("solid", fgColor=color)) for name, color in _HEADINGS.items()),
              *(NamedStyle(f"{_BODY}{light.label}", border=border, alignment=wrap, fill=PatternFill("solid", fgColor=fill),
                           font=Font(color=font, bold=True)) for light, (fill, font) in _FILLS.items())]
    for style in styles:
        wb.add_named_style(style)
    return {style.name: style.as_tuple() for style in styles}
