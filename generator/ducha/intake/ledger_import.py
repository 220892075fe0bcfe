"""The 台账 import: take back what the units filled in.

Rows with an 编号 may only add a progress entry or a report; rows without one become new
cases with the next ids. A recorded fact is never overwritten: a sheet that changes one
is an error. Importing the same sheet twice changes nothing. Merged cells, dates typed
as text (2026.3.5, 3月5日), full-width digits and stray spaces are read or reported,
never misread. Nothing is written unless every row is good.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ducha.errors import Problem, UsageError
from ducha.intake.new_case import next_id
from ducha.io.atomic import write_files
from ducha.io.yamltext import append_entry, yaml_scalar
from ducha.load import load_cases
from ducha.model.case import CASES_DIR, Case, log
from ducha.model.logs import LOG_KINDS, LogKind
from ducha.model.office import Office
from ducha.model.timelimit import guess_date, parse_time_limit
from ducha.outputs.ledger import FILL_IN
from ducha.rules.deadlines import effective_time_limit
from ducha.rules.schema import subschema
from ducha.rules.validation import check_text


@dataclass(frozen=True)
class Action:
    """One thing the import does (or found already done)."""

    where: str
    case_id: str
    text: str
    done_before: bool = False


@dataclass
class ImportResult:
    """The preview, or what was written with ``--apply``."""

    rows: int
    actions: list[Action] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if not a.done_before]


def _text(value: object) -> str:
    """A cell as text: stray spaces (including full-width ones) trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def _narrow(text: str) -> str:
    """Full-width digits and letters as ASCII: for ids, dates and time limits only, never free text."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")  # NFKC: ０-９ → 0-9, full-width space → space


class _Sheet:
    """One worksheet with merged cells filled in and the header located."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.values: dict[tuple[int, int], object] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    self.values[(cell.row, cell.column)] = cell.value
        for merged in ws.merged_cells.ranges:
            top = self.values.get((merged.min_row, merged.min_col))
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    self.values[(r, c)] = top
        self.header_row, self.columns = 0, {}
        for r in range(1, min(ws.max_row, 10) + 1):
            names = {re.sub(r"\s+", "", _text(self.values.get((r, c)))): c for c in range(1, ws.max_column + 1)}
            if "编号" in names and "事项名称" in names:
                self.header_row, self.columns = r, {k: v for k, v in names.items() if k}
                break

    def get(self, row: int, name: str) -> object:
        column = self.columns.get(name)
        return self.values.get((row, column)) if column else None


class _Importer:
    def __init__(self, root: Path, office: Office, cases: Sequence[Case], today: dt.date) -> None:
        self.root, self.office, self.today = root, office, today
        self.cases = {c.id: c for c in cases}
        self.texts: dict[str, str] = {}  # case path → new text
        self.new_ids: dict[int, int] = {}
        self.result = ImportResult(0)

    def error(self, sheet: _Sheet, row: int, column: str, message: str, fix: str) -> None:
        from openpyxl.utils import get_column_letter

        index = sheet.columns.get(column, 0)
        cell = f"（{get_column_letter(index)}{row}）" if index else ""
        self.result.problems.append(Problem(sheet.ws.title, row, index, column, f"第{row}行「{column}」{cell}：{message}", fix))

    def date(self, sheet: _Sheet, row: int, column: str) -> dt.date | None:
        value = sheet.get(row, column)
        if value is None or _text(value) == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _narrow(_text(value))
        if re.fullmatch(r"\d{8}", text):
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        if match := re.fullmatch(r"(\d{1,2})月(\d{1,2})日?", text):
            text = f"{self.today.year}-{match[1]}-{match[2]}"
        iso = guess_date(text)
        if iso is None:
            self.error(sheet, row, column, f"「{_text(value)}」不是有效的日期。", "写成 2026-03-05、2026.3.5 或 2026年3月5日。")
            return None
        day = dt.date.fromisoformat(iso)
        if day > self.today:
            self.error(sheet, row, column, f"日期 {day} 晚于今天（{self.today}）。",
                       "检查年份和月日是否写错；不写年份时按今年计算。")
            return None
        return day

    def run(self, sheets: list[_Sheet]) -> None:
        for sheet in sheets:
            if not sheet.header_row:
                self.result.problems.append(Problem(sheet.ws.title, 0, 0, "", f"工作表「{sheet.ws.title}」找不到表头。",
                                                    "保留导出时的表头行（含「编号」「事项名称」两列）。"))
                continue
            for row in range(sheet.header_row + 1, sheet.ws.max_row + 1):
                case_id = _narrow(_text(sheet.get(row, "编号"))).upper()
                title = _text(sheet.get(row, "事项名称"))
                if not case_id and not title and not any(_text(sheet.get(row, c)) for c in FILL_IN):
                    continue
                self.result.rows += 1
                if case_id:
                    self.existing(sheet, row, case_id)
                else:
                    self.new_case(sheet, row, title)

    def _text_of(self, case: Case) -> str:
        return self.texts.get(case.path) or (self.root / case.path).read_text(encoding="utf-8")

    def existing(self, sheet: _Sheet, row: int, case_id: str) -> None:
        case = self.cases.get(case_id)
        if case is None:
            self.error(sheet, row, "编号", f"编号「{case_id}」不存在。", "新事项请把编号留空；已有事项请照导出的台账填写编号。")
            return
        limit = effective_time_limit(case, self.office)
        recorded = {"事项名称": case.title, "主办单位": case.lead_unit or "", "交办日期": case.assigned,
                    "办理时限": str(limit) if limit else "", "来源": case.category, "协办单位": "、".join(case.co_units)}
        for column, fact in recorded.items():
            cell = sheet.get(row, column)
            if cell is None or _text(cell) == "":
                continue
            value: object = self.date(sheet, row, column) if column == "交办日期" else _text(cell)
            if column in ("办理时限",) and isinstance(value, str):
                value = _narrow(value)
            if column == "协办单位" and isinstance(value, str):
                value = "、".join(u for u in re.split(r"[、,，;；\s]+", value) if u)
            if value is not None and value != fact:
                self.error(sheet, row, column, f"台账中为「{value}」，记录中为「{fact}」：台账不能修改已记录的事实。",
                           f"恢复为「{fact}」。确需更正或延期的，向督查室申请，由督查室在记录中办理。")
        self.fill_in(sheet, row, case)

    def fill_in(self, sheet: _Sheet, row: int, case: Case, text: str | None = None) -> str | None:
        filled = [c for c in FILL_IN if _text(sheet.get(row, c))]
        if filled and case.assigned is None:
            self.error(sheet, row, filled[0], f"{case.id} 尚未交办，不能填报办理进展或办理报告。",
                       "删除本行的填报内容；交办后再填报。")
            return None
        text = text if text is not None else self._text_of(case)
        changed = False
        for kind in LOG_KINDS:
            if kind.ledger:
                entry = self.entry(sheet, row, case, kind)
                if entry is not None:
                    text = append_entry(text, kind.key, entry)
                    changed = True
        if changed:
            self.texts[case.path] = text
        return text if changed else None

    def entry(self, sheet: _Sheet, row: int, case: Case, kind: LogKind) -> dict[str, str] | None:
        """The new ``kind`` entry the row fills in, or None (nothing filled, already imported, or wrong)."""
        where = f"{sheet.ws.title}!{row}"
        typed = {column: bool(_text(sheet.get(row, column))) for column, _ in kind.ledger}
        if not any(typed.values()):
            return None
        values: dict[str, str] = {}
        for column, name in kind.ledger:
            if name in kind.date_fields:
                day = self.date(sheet, row, column)
                if typed[column] and day is None:
                    return None  # typed but unreadable: already reported
                values[name] = day.isoformat() if day else ""
            else:
                values[name] = _text(sheet.get(row, column))
        missing = [column for column, name in kind.ledger if not values[name]]
        if missing:
            columns = [column for column, _ in kind.ledger]
            self.error(sheet, row, missing[0], f"{kind.label}须写明{'、'.join(columns[:-1])}和{columns[-1]}。",
                       f"补全{'、'.join(missing)}，或把本行的{kind.label}各列都留空。")
            return None
        described = f"{kind.label} {' '.join(values[name] for name in kind.ledger_identity if name != 'summary')}".rstrip()
        for recorded in log(case, kind):
            if all(str(getattr(recorded, name)) == values[name] for name in kind.ledger_identity):
                self.result.actions.append(Action(where, case.id, f"{described} 已导入过，跳过", True))
                return None
        self.result.actions.append(Action(where, case.id, kind.wording(values)))
        if kind.ledger_unit:
            values[kind.ledger_unit] = case.lead_unit or ""
        order = subschema("case", (kind.key, 0)).get("properties", {})  # keys as the template writes them
        return {name: values[name] for name in order if name in values}

    def new_case(self, sheet: _Sheet, row: int, title: str) -> None:
        category = _text(sheet.get(row, "来源"))
        lead = _text(sheet.get(row, "主办单位"))
        co = [u for u in re.split(r"[、,，;；\s]+", _text(sheet.get(row, "协办单位"))) if u]
        errors_before = len(self.result.problems)
        if not title:
            self.error(sheet, row, "事项名称", "新事项没有事项名称。", "填写事项名称；不是新事项的，填写编号。")
        if category not in self.office.category_names:
            names = "、".join(self.office.category_names)
            self.error(sheet, row, "来源", f"「{category}」不是来源类型。", f"填写以下之一：{names}。")
        for unit in [lead, *co]:
            if unit not in self.office.unit_names:
                self.error(sheet, row, "主办单位" if unit == lead else "协办单位", f"单位「{unit}」未登记。",
                           "使用 office.yaml 中登记的单位简称。")
        assigned = self.date(sheet, row, "交办日期")
        limit_text = _narrow(_text(sheet.get(row, "办理时限")))
        if limit_text and parse_time_limit(limit_text) is None:
            self.error(sheet, row, "办理时限", f"「{limit_text}」不是有效的办理时限。", "写成 5个工作日、30日、3个月 或具体日期。")
        if len(self.result.problems) > errors_before:
            return
        registered = assigned or self.today
        same = [c for c in self.cases.values() if c.title == title and c.lead_unit == lead and c.registered == registered]
        if same:
            self.result.actions.append(Action(f"{sheet.ws.title}!{row}", same[0].id, "新事项已导入过，跳过", True))
            self.fill_in(sheet, row, same[0])
            return
        year = registered.year
        if year not in self.new_ids:
            self.new_ids[year] = int(next_id(self.root, self.office.prefix, year).rsplit("-", 1)[1])
        case_id = f"{self.office.prefix}-{year}-{self.new_ids[year]:04d}"
        self.new_ids[year] += 1
        lines = ["# yaml-language-server: $schema=../../schema/case.schema.json",
                 f"# 由台账导入（{sheet.ws.title} 第{row}行，{self.today}）。",
                 f"id: {case_id}", f"title: {yaml_scalar(title)}", f"category: {category}",
                 f"registered: {registered.isoformat()}"]
        if assigned:
            lines += [f"assigned: {assigned.isoformat()}"]
        lines += [f"lead_unit: {yaml_scalar(lead)}"]
        if co:
            lines += [f"co_units: [{', '.join(yaml_scalar(u) for u in co)}]"]
        if limit_text:
            lines += [f"time_limit: {yaml_scalar(limit_text)}"]
        notes = _text(sheet.get(row, "备注"))
        if notes:
            lines += [f"notes: {yaml_scalar(notes)}"]
        path = f"{CASES_DIR}/{year}/{case_id}.yaml"
        case = Case(id=case_id, title=title, category=category, registered=registered, path=path, assigned=assigned,
                    lead_unit=lead)
        self.texts[path] = "\n".join(lines) + "\n"
        self.result.actions.append(Action(f"{sheet.ws.title}!{row}", case_id, f"新立项：{title}"))
        self.fill_in(sheet, row, case, self.texts[path])

    def check(self) -> None:
        """Validate every new or changed record in memory, exactly as `ducha validate` would."""
        known = frozenset(self.cases) | {Path(p).stem for p in self.texts}
        for path, text in sorted(self.texts.items()):
            _, problems = check_text(text.encode("utf-8"), path, self.office, known, self.today)
            self.result.problems += problems


def import_ledger(root: Path, workbook: Path, today: dt.date, apply: bool) -> ImportResult:
    """Read a filled-in 台账; preview what it adds, or write it with ``apply`` when every row is good."""
    from openpyxl import load_workbook

    office, cases = load_cases(root)
    try:
        wb = load_workbook(workbook, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return ImportResult(0, problems=[Problem(workbook.name, 0, 0, "", f"无法读取 Excel 文件（{type(error).__name__}）。",
                                                 "用 Excel 或 WPS 另存为 .xlsx 格式后再导入。")])
    importer = _Importer(root, office, cases, today)
    importer.run([_Sheet(ws) for ws in wb.worksheets])
    importer.check()
    result = importer.result
    result.problems.sort(key=Problem.sort_key)
    if apply and not result.problems:
        files = {root / path: text for path, text in sorted(importer.texts.items())}
        new = [target for target in files if not target.exists()]
        try:
            write_files(files, new=new)  # every record, or none (a full disk changes nothing)
        except FileExistsError:
            raise UsageError("导入期间另有人新建了督查事项，占用了本次要用的编号：没有写入任何记录。修改：重新运行导入。") from None
        result.written.extend(sorted(importer.texts))
    return result
