"""The 台账 export: the office's usual columns for the units, plus 本次填报 columns they fill in.

What they fill in comes back through ``intake.ledger_import``. A unit's sheet holds the
items it leads and those it co-handles: what it fills in is credited to it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.io.atomic import write_file
from ducha.model.case import Case, Stage
from ducha.model.logs import LOG_KINDS
from ducha.model.office import Office
from ducha.outputs.present import due_text
from ducha.outputs.safe import xml_text
from ducha.rules.deadlines import Light, Status, effective_time_limit, status_board

#: (heading, width in characters): wide enough to read a Chinese title or a paragraph of
#: progress without widening by hand; long text wraps inside its cell.
STANDARD_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6), ("编号", 14), ("事项名称", 32), ("来源", 12), ("主办单位", 14), ("协办单位", 16), ("责任人", 10),
    ("任务要求", 32), ("交办日期", 12), ("办理时限", 12), ("到期日", 18), ("最新进展", 40), ("阶段", 8), ("红黄绿灯", 12),
    ("审核意见", 36), ("备注", 20),
)
STANDARD = [name for name, _ in STANDARD_COLUMNS]
#: What a unit fills in: the 台账 columns of every log kind that takes entries from the sheet.
FILL_IN = [column for kind in LOG_KINDS for column, _ in kind.ledger]
HEADERS = STANDARD + FILL_IN
#: Columns ducha works out from the record each time: an edit to one of them is not imported.
COMPUTED = ("序号", "到期日", "最新进展", "阶段", "红黄绿灯", "审核意见")
_FILL_IN_WIDTHS = {"日期": 12, "发文字号": 18, "签发人": 10}
_FILLS = {Light.RED: ("E53935", "FFFFFF"), Light.YELLOW: ("FDD835", "000000"), Light.GREEN: ("43A047", "FFFFFF"),
          Light.DONE: ("1E88E5", "FFFFFF"), Light.LATE: ("8E24AA", "FFFFFF")}
#: Stages a unit still has work on (or waits on): the sheet's default content.
OPEN_STAGES = (Stage.IN_PROGRESS, Stage.RETURNED, Stage.PENDING_REVIEW)


def column_width(name: str) -> int:
    widths = dict(STANDARD_COLUMNS)
    return widths.get(name) or next((w for key, w in _FILL_IN_WIDTHS.items() if name.endswith(key)), 40)


@dataclass(frozen=True)
class ExportResult:
    """What was exported."""

    rows: int
    sheets: tuple[str, ...]


def sheet_name(name: str) -> str:
    """A worksheet name Excel accepts (31 characters, none of ``[]:*?/\\``)."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "台账"


def latest_progress(case: Case) -> str:
    last = case.progress[-1] if case.progress else None
    return f"{last.date} {last.by + '：' if last.by else ''}{last.summary}" if last else ""


def review_opinion(case: Case) -> str:
    """The last review of the last report: what a returned item must fix, or that it passed."""
    if not case.reviews or len(case.reports) > len(case.reviews):
        return ""
    last = case.reviews[-1]
    return f"{last.date} {last.result}{'：' + last.opinion if last.opinion else ''}"


def due_column(status: Status) -> str:
    """到期日 with what changed it: 已延期 for an approved extension, 暂定 for a guessed calendar."""
    if status.due is None:
        return ""
    return due_text(status) + ("（已延期）" if status.extended else "")


def row_values(n: int, s: Status, office: Office) -> list[object]:
    """One row of the sheet: the standard columns, then the empty fill-in columns."""
    case = s.case
    limit = effective_time_limit(case, office)
    light = s.light.label + ("（暂定）" if s.provisional else "")
    return [n, case.id, case.title, case.category, case.lead_unit or "", "、".join(case.co_units), case.owner,
            case.requirements, case.assigned, str(limit) if limit else "", due_column(s), latest_progress(case), s.stage.label, light,
            review_opinion(case), case.notes] + [None] * len(FILL_IN)


def export_ledger(office: Office, cases: Sequence[Case], today: dt.date, output: Path, year: int | None = None,
                  unit: str | None = None, by_unit: bool = False, everything: bool = False) -> ExportResult:
    """Write the 台账 workbook: one sheet, or one per unit (the items it leads or co-handles).

    Items still in hand (办理中, 已退回, 待审核) only, unless ``everything``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

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
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    scope = "在办事项" if not everything else "全部事项"
    for name, statuses in groups.items():
        ws = wb.create_sheet(sheet_name(name))
        title = f"{office.name}督查事项台账（{name + '，' if by_unit or unit else ''}{scope}，数据截至{today}）"
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
            row = n + 2  # ws.max_row and ws[row] scan every cell: quadratic over 10,000 rows
            for column, value in enumerate(row_values(n, s, office), 1):
                cell = ws.cell(row, column)
                if isinstance(value, str):
                    cell.value = xml_text(value)
                    if value.startswith("="):  # text, never a formula: what a record says stays inert
                        cell.data_type = "s"
                        cell.quotePrefix = True
                else:
                    cell.value = value
                cell.border = border
                cell.alignment = wrap
            ws.cell(row, STANDARD.index("交办日期") + 1).number_format = "yyyy-mm-dd"
            if s.light in _FILLS:
                fill, font = _FILLS[s.light]
                light_cell = ws.cell(row, STANDARD.index("红黄绿灯") + 1)
                light_cell.fill = PatternFill("solid", fgColor=fill)
                light_cell.font = Font(color=font, bold=True)
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
    write_file(output, buffer.getvalue())
    return ExportResult(sum(len(g) for g in groups.values()), tuple(groups))
