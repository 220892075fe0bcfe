"""Reading a filled-in 台账 worksheet: its cells as text, merged cells filled in, its header row located."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any


def cell_text(value: object) -> str:
    """A cell as text: stray spaces (including full-width ones) trimmed, line breaks as ``\\n``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.replace("\u3000", " ").strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def narrow(text: str) -> str:
    """Full-width digits and letters as ASCII: for ids, dates and time limits only, never free text."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")  # NFKC: ０-９ → 0-9, full-width space → space


def cell_name(row: int, column: int) -> str:
    """A cell as Excel names it (``C12``)."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


class Sheet:
    """One worksheet with merged cells filled in and the header located.

    Only the cells present are read (never the rectangle up to the last one), and the
    workbook's size was checked before it was loaded.
    """

    def __init__(self, ws: Any, unit: str | None) -> None:
        self.ws, self.title, self.unit = ws, str(ws.title), unit
        self.values: dict[tuple[int, int], object] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        for (r, c), cell in ws._cells.items():  # the cells present; iter_rows would fill the rectangle
            if cell.value is None:
                continue
            if cell.data_type == "f":
                self.formulas[(r, c)] = str(getattr(cell.value, "text", cell.value))
            self.values[(r, c)] = cell.value
        for merged in ws.merged_cells.ranges:
            top = self.values.get((merged.min_row, merged.min_col))
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if top is not None:
                        self.values[(r, c)] = top
                        if (merged.min_row, merged.min_col) in self.formulas:
                            self.formulas[(r, c)] = self.formulas[(merged.min_row, merged.min_col)]
        self.rows: dict[int, list[int]] = defaultdict(list)
        for r, c in sorted(self.values):
            self.rows[r].append(c)
        self.header_row, self.columns = 0, {}
        self.headings: dict[int, str] = {}
        for r in sorted(self.rows)[:10]:
            names = {re.sub(r"\s+", "", cell_text(self.values.get((r, c)))): c for c in self.rows[r]}
            if "编号" in names and "事项名称" in names:
                self.header_row, self.columns = r, {k: v for k, v in names.items() if k}
                self.headings = {c: k for k, c in self.columns.items()}
                break

    def get(self, row: int, name: str) -> object:
        column = self.columns.get(name)
        return self.values.get((row, column)) if column else None

    def formula(self, row: int, name: str) -> str | None:
        column = self.columns.get(name)
        return self.formulas.get((row, column)) if column else None

    def where(self, row: int, name: str | None = None) -> str:
        column = self.columns.get(name or "", 0)
        return f"{self.title}!{cell_name(row, column)}" if column else f"{self.title}!{row}"
