"""A workbook's size, checked from its zip and XML before any spreadsheet library loads it.

A 12 KB .xlsx can declare, or hold, one cell at XFD1048576 or a merged range that large:
loaded naively that is 17 billion cells and hours of work. Here the sizes are read from
the package itself, the declared ones (``<dimension ref=…>``) and the real ones (every
``<c r=…>``, ``<mergeCell ref=…>``, and the bytes actually inflated), streamed in chunks
and abandoned at the first limit passed. Every sheet part the workbook points at is read,
wherever in the package it lives (not only under ``xl/worksheets/``), and a merged range
counts every cell it covers: the spreadsheet library makes an object for each, so the cell
limit bounds the memory loading can take.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element, XMLPullParser

#: A 台账 has a row per item and some twenty columns; these leave room for any real one.
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_CELLS = 2_000_000
#: Bytes inflated from the whole package, and the number of parts in it.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_PARTS = 2_000
_CHUNK = 1 << 16
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class TooLarge(Exception):
    """The workbook is beyond a limit; the message says which, in Chinese."""


@dataclass(frozen=True)
class Extent:
    """Rows and columns a range reaches to."""

    rows: int
    columns: int


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _extent(ref: str) -> Extent | None:
    """The far corner of ``A1`` or ``A1:XFD1048576``; None when unreadable."""
    match = _REF.match(ref.split(":")[-1].strip())
    return Extent(int(match[2]), column_number(match[1])) if match else None


def _area(ref: str) -> int:
    """How many cells ``A1:C3`` covers (1 for one cell or an unreadable range: its corner is checked apart)."""
    first, _, last = ref.partition(":")
    corner, far = _extent(first), _extent(last or first)
    if corner is None or far is None:
        return 1
    return (abs(far.rows - corner.rows) + 1) * (abs(far.columns - corner.columns) + 1)


def _check(where: str, extent: Extent, what: str) -> None:
    beyond = ([f"第 {extent.rows} 行"] if extent.rows > MAX_ROWS else []) + \
        ([f"第 {extent.columns} 列"] if extent.columns > MAX_COLUMNS else [])
    if beyond:
        raise TooLarge(f"工作表「{where}」{what}到{'、'.join(beyond)}，超出台账的上限（{MAX_ROWS} 行、{MAX_COLUMNS} 列）")


def _part(target: str) -> str:
    """The package part a relationship of ``xl/workbook.xml`` points at (relative to ``xl/``, or absolute)."""
    return posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"xl/{target}")


def _sheet_names(package: zipfile.ZipFile) -> dict[str, str]:
    """Every part the workbook points at as a sheet (xl/worksheets/sheet1.xml, or anywhere else) → the sheet's name
    as the user sees it."""
    from xml.etree import ElementTree

    try:
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        book = ElementTree.fromstring(package.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): str(r.get("Target", "")) for r in rels}
    names = {_part(target): _part(target) for r in rels if (target := str(r.get("Target", "")))
             and str(r.get("Type", "")).endswith(("/worksheet", "/chartsheet", "/dialogsheet"))}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_RELS}id"), "")
        if target:
            names[_part(target)] = str(sheet.get("name", _part(target)))
    return names


def _scan_sheet(package: zipfile.ZipFile, part: str, name: str, budget: list[int]) -> None:
    """Stream one sheet's XML: its declared dimension, every cell and merged range, the bytes."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    row = column = cells = 0
    holder: Element | None = None  # sheetData or mergeCells: emptied as it fills, so memory stays flat
    with package.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise TooLarge(f"解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB")
            parser.feed(chunk)
            for event, found in cast("Iterator[tuple[str, Element]]", parser.read_events()):
                element = found
                tag = element.tag
                if event == "end":
                    if tag in (f"{_MAIN}row", f"{_MAIN}mergeCell") and holder is not None:
                        holder.clear()
                    continue
                if tag in (f"{_MAIN}sheetData", f"{_MAIN}mergeCells"):
                    holder = element
                elif tag == f"{_MAIN}dimension":
                    extent = _extent(str(element.get("ref", "")))
                    if extent is not None:
                        _check(name, extent, "声明的范围延伸")
                elif tag == f"{_MAIN}row":
                    number = element.get("r") or ""
                    row, column = (int(number) if number.isdigit() else row + 1), 0
                    _check(name, Extent(row, 1), "有内容")
                elif tag in (f"{_MAIN}c", f"{_MAIN}mergeCell"):
                    ref = str(element.get("r" if tag == f"{_MAIN}c" else "ref") or "")
                    extent = _extent(ref) if ref else None
                    if tag == f"{_MAIN}c":
                        row, column = (extent.rows, extent.columns) if extent is not None else (row, column + 1)
                        extent = Extent(row, column)
                    cells += 1 if tag == f"{_MAIN}c" else _area(ref)  # the library makes a cell for each merged one
                    if extent is not None:
                        _check(name, extent, "有单元格" if tag == f"{_MAIN}c" else "有合并单元格延伸")
                    if cells > MAX_CELLS:
                        raise TooLarge(f"工作表「{name}」的单元格超过 {MAX_CELLS} 个")


def check_workbook_size(path: Path) -> None:
    """Raise TooLarge (with a Chinese reason) for a workbook beyond the limits; ``zipfile.BadZipFile``
    or ``OSError`` for one that is not a readable package."""
    with zipfile.ZipFile(path) as package:
        parts = package.infolist()
        if len(parts) > MAX_PARTS:
            raise TooLarge(f"文件包含 {len(parts)} 个部件，超过 {MAX_PARTS} 个")
        if sum(info.file_size for info in parts) > MAX_UNPACKED:
            raise TooLarge(f"解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB")
        names = _sheet_names(package)
        budget = [MAX_UNPACKED]
        present = {info.filename for info in parts}
        sheets = [*names, *(name for name in sorted(present) if name.startswith("xl/worksheets/") and name.endswith(".xml"))]
        for part in dict.fromkeys(sheets):
            if part in present:  # a sheet that is not there: loading reports the package as broken
                _scan_sheet(package, part, names.get(part, part), budget)
