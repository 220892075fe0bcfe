"""Doors that must neither crash nor let harm through: hostile text in records, and each output's escaping.

Validation refuses control characters, so the outputs are also driven directly with cases
that never passed it: each writer must stay safe on its own.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import icalendar
import pytest
from docx import Document
from openpyxl import load_workbook

from ducha.load.records import load_cases
from ducha.outputs.docx.case_documents import write_case_doc
from ducha.outputs.ics import CalendarEvent, calendar_text
from ducha.outputs.text import status_csv, status_table
from ducha.rules.deadlines import deadline, status_board

from .conftest import DEMO, Invoke, demo_repo

TODAY = "2026-11-23"
CASE = "cases/2026/DC-2026-0012.yaml"  # open, yellow on TODAY
FORMULA = '=HYPERLINK("http://example.com/x","点我")'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return demo_repo(tmp_path / "repo")


def retitle(root: Path, title: str) -> None:
    path = root / CASE
    path.write_text(path.read_text(encoding="utf-8").replace("title: 冬季燃气安全隐患排查", f"title: {title}"),
                    encoding="utf-8")


@pytest.mark.parametrize("command", [
    ["validate"], ["status"], ["doc", "notice", "DC-2026-0012"], ["report", "--period", "2026-11", "--format", "docx"],
    ["ledger", "export"], ["ics"], ["pages"],
])
def test_a_control_character_is_a_problem_at_its_line_for_every_command(repo: Path, invoke: Invoke, tmp_path: Path,
                                                                         command: list[str]) -> None:
    retitle(repo, '"冬季燃气\\x0b安全\\x00隐患排查"')
    output = ["-o", str(tmp_path / "out")] if command[0] in ("doc", "report", "ledger", "ics") else []
    result = invoke(repo, *command, "--today", TODAY, *output)
    assert result.exit_code == 1
    assert ("cases/2026/DC-2026-0012.yaml:3:8: [title] 「事项名称」第4个字之后有看不见的垂直制表符 U+000B。"
            in result.output)


def test_ics_escapes_every_line_break_and_drops_controls() -> None:
    hostile = "燃气\rEND:VEVENT\r\nBEGIN:VEVENT\nUID:forged\x00\x1b;逗号,反斜杠\\"
    event = CalendarEvent("DC-2026-0001-due@ducha", dt.date(2026, 11, 25), hostile, hostile, ("市住建局",))
    raw = calendar_text("测试", [event], dt.date(2026, 11, 23)).encode("utf-8")
    parsed = icalendar.Calendar.from_ical(raw)
    events = list(parsed.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == ["DC-2026-0001-due@ducha"]
    # Each break becomes a newline inside the one value; NUL and ESC are gone.
    assert str(events[0]["SUMMARY"]) == "燃气\nEND:VEVENT\nBEGIN:VEVENT\nUID:forged;逗号,反斜杠\\"
    assert b"\x00" not in raw and b"\x1b" not in raw and b"\r" not in raw.replace(b"\r\n", b"")


def test_a_formula_title_stays_text_in_csv_and_xlsx(repo: Path, invoke: Invoke, tmp_path: Path) -> None:
    retitle(repo, "'" + FORMULA.replace("'", "''") + "'")
    result = invoke(repo, "status", "--today", TODAY, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert rows["DC-2026-0012"]["title"] == "'" + FORMULA  # a leading ' : no spreadsheet evaluates it
    sheet = tmp_path / "台账.xlsx"
    assert invoke(repo, "ledger", "export", "--today", TODAY, "-o", str(sheet)).exit_code == 0
    ws = load_workbook(sheet).active
    cell = next(c for c in ws["C"] if c.value == FORMULA)  # the title exactly as recorded …
    assert cell.data_type == "s" and cell.quotePrefix  # … as a string, not a formula
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_csv_and_terminal_are_safe_on_their_own() -> None:
    office, cases = load_cases(DEMO)
    case = next(c for c in cases if c.id == "DC-2026-0012")
    board = status_board(office, [dataclasses.replace(case, title="\x1b[2J清屏\x07", lead_unit="@SUM(A1)")],
                         dt.date(2026, 11, 23))
    table = status_table(board, color=False)
    assert "\x1b" not in table and "\x07" not in table and "⟨U+001B⟩[2J清屏⟨U+0007⟩" in table
    row = next(csv.DictReader(io.StringIO(status_csv(board))))
    assert row["lead_unit"] == "'@SUM(A1)"


def test_docx_takes_text_word_cannot_hold(tmp_path: Path) -> None:
    office, cases = load_cases(DEMO)
    case = next(c for c in cases if c.id == "DC-2026-0012")
    status = deadline(dataclasses.replace(case, title="燃气\x0b安全\x00排查\r续"), office, dt.date(2026, 11, 23))
    target = tmp_path / "通知单.docx"
    write_case_doc("notice", office, status, target, dt.date(2026, 11, 23))
    document = Document(str(target))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "燃气安全排查\n续" in body


def test_writing_to_a_full_disk_is_a_chinese_error(repo: Path, invoke: Invoke) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    result = invoke(repo, "ledger", "export", "--today", TODAY, "-o", "/dev/full")
    assert result.exit_code == 1
    assert result.output == "错误：写入 /dev/full 失败（磁盘空间不足）：没有改动任何文件。修改：腾出磁盘空间或检查文件权限后重新运行。\n"
    assert Path("/dev/full").is_char_device()  # written into, never replaced


def test_an_output_folder_is_made_when_missing(repo: Path, invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "没有的目录" / "通报.md"
    result = invoke(repo, "report", "--period", "2026-11", "--today", TODAY, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_unit_names_that_look_alike_or_take_a_page_name(repo: Path, invoke: Invoke) -> None:
    office = repo / "office.yaml"
    text = office.read_text(encoding="utf-8")
    office.write_text(text.replace("  - name: 市数据局\n", '  - name: "市财政局\\u200b"\n    full_name: 假财政局\n'
                                   "  - name: index\n    full_name: 索引\n  - name: 市数据局\n"), encoding="utf-8")
    result = invoke(repo, "validate", "--today", TODAY)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any("单位简称「市财政局⟨U+200B⟩」与「市财政局」看起来相同" in line for line in lines)
    assert any("单位简称「index」与站点自己的页面或日历同名" in line for line in lines)
