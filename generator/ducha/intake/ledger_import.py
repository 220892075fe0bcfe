"""The 台账 import: take back what the units filled in.

Rows with an 编号 may only add a progress entry or a report; rows without one become new
cases with the next ids. A recorded fact is never overwritten: a sheet that changes one
is an error. Importing the same sheet twice changes nothing. Merged cells, dates typed
as text (2026.3.5, 3月5日), full-width digits, stray spaces and cells typed over several
lines are read or reported, never misread; every cell that is not taken is listed with
the reason. Nothing is written unless every row is good, and nothing is ever written
to a sealed (archived) record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ducha.errors import Problem, UsageError
from ducha.intake.ledger_sheet import Sheet, cell_name, cell_text, narrow
from ducha.intake.new_case import next_id
from ducha.intake.workbook import TooLarge, check_workbook_size
from ducha.io.atomic import write_files
from ducha.io.yamltext import append_entry, yaml_scalar
from ducha.load.records import load_cases
from ducha.model.case import CASES_DIR, Case, Stage, log
from ducha.model.ledger_layout import COMPUTED, FILL_IN, HEADERS, sheet_name
from ducha.model.logs import LOG_KINDS, LogKind
from ducha.model.office import Office
from ducha.model.timelimit import guess_date, parse_time_limit
from ducha.outputs.present import due_with_extension, latest_progress, review_opinion
from ducha.repo.manifest import manifest_path, read_manifest_text
from ducha.rules.deadlines import deadline, effective_time_limit
from ducha.rules.schema import subschema
from ducha.rules.units import unknown_unit
from ducha.rules.validation import check_text

#: Columns a new row is read from (besides the fill-in ones), and the record field each one fills.
NEW_CASE_COLUMNS = {"事项名称": "title", "来源": "category", "主办单位": "lead_unit", "协办单位": "co_units",
                    "责任人": "owner", "交办日期": "assigned", "办理时限": "time_limit", "备注": "notes",
                    "立项批准日期": "approval", "立项批准人": "approval"}
#: Facts of an existing case a row may repeat but never change.
FACT_COLUMNS = ("事项名称", "主办单位", "交办日期", "办理时限", "来源", "协办单位", "立项批准日期", "立项批准人")
#: Columns the office keeps in the record: a unit's edit there is shown as not imported.
OFFICE_COLUMNS = {"备注": "备注由督查室在记录中维护；需要说明的情况请写在「进展情况」里。",
                  "责任人": "责任人由督查室登记；有变动请告知督查室。"}
_UNIT_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass(frozen=True)
class Action:
    """One thing the import does (or found already done)."""

    where: str
    case_id: str
    text: str
    done_before: bool = False


@dataclass(frozen=True)
class Ignored:
    """A filled cell the import does not take, and why."""

    where: str
    text: str


@dataclass
class ImportResult:
    """The preview, or what was written with ``--apply``."""

    rows: int
    actions: list[Action] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if not a.done_before]


@dataclass(frozen=True)
class _Origin:
    """Which row (and which columns) put a part of a record's new text there."""

    sheet: Sheet
    row: int
    prefix: str  # "progress[3]" for an appended entry; "" for a whole new case
    columns: dict[str, str]  # record field → sheet column


class _Importer:
    def __init__(self, root: Path, office: Office, cases: Sequence[Case], today: dt.date) -> None:
        self.root, self.office, self.today = root, office, today
        self.cases = {c.id: c for c in cases}
        self.texts: dict[str, str] = {}  # case path → new text
        self.appended: dict[tuple[str, str], int] = defaultdict(int)  # (path, log) → entries added
        self.origins: dict[str, list[_Origin]] = defaultdict(list)
        self.new_ids: dict[int, int] = {}
        self.matched: dict[str, dict[str, list[object]]] = defaultdict(dict)  # case → log → entries met again
        self.result = ImportResult(0)
        self.sealed = self._sealed_paths(cases)

    def _sealed_paths(self, cases: Sequence[Case]) -> frozenset[str]:
        paths: set[str] = set()
        for year in {c.year for c in cases}:
            manifest = manifest_path(self.root, year)
            if manifest.is_file():
                paths.update(entry.path for entry in read_manifest_text(manifest.read_text(encoding="utf-8")))
        return frozenset(paths)

    def error(self, sheet: Sheet, row: int, column: str, message: str, fix: str) -> None:
        index = sheet.columns.get(column, 0)
        cell = f"（{cell_name(row, index)}）" if index else ""
        self.result.problems.append(Problem(sheet.title, row, index, column, f"第{row}行「{column}」{cell}：{message}", fix))

    def ignore(self, sheet: Sheet, row: int, column: int, why: str) -> None:
        heading = sheet.headings.get(column)
        named = f"「{heading}」" if heading else ""
        self.result.ignored.append(Ignored(f"{sheet.title}!{cell_name(row, column)}", f"{named}未导入：{why}"))

    def readable(self, sheet: Sheet, row: int, column: str) -> bool:
        """False (and a problem) when the cell holds a formula: only typed text and dates are taken."""
        formula = sheet.formula(row, column)
        if formula is None:
            return True
        self.error(sheet, row, column, f"单元格是公式「{formula}」，台账只读取填写的文字和日期。",
                   "把公式换成它的结果：复制这个单元格，再「选择性粘贴 → 数值」。")
        return False

    def date(self, sheet: Sheet, row: int, column: str) -> dt.date | None:
        value = sheet.get(row, column)
        if value is None or cell_text(value) == "" or not self.readable(sheet, row, column):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = narrow(cell_text(value))
        if re.fullmatch(r"\d{8}", text):
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        if match := re.fullmatch(r"(\d{1,2})月(\d{1,2})日?", text):
            text = f"{self.today.year}-{match[1]}-{match[2]}"
        iso = guess_date(text)
        if iso is None:
            self.error(sheet, row, column, f"「{cell_text(value)}」不是有效的日期。", "写成 2026-03-05、2026.3.5 或 2026年3月5日。")
            return None
        day = dt.date.fromisoformat(iso)
        if day > self.today:
            self.error(sheet, row, column, f"日期 {day} 晚于今天（{self.today}）。",
                       "检查年份和月日是否写错；不写年份时按今年计算。")
            return None
        return day

    def run(self, sheets: list[Sheet]) -> None:
        for sheet in sheets:
            if not sheet.header_row:
                if sheet.values:
                    self.result.problems.append(Problem(sheet.title, 0, 0, "", f"工作表「{sheet.title}」找不到表头。",
                                                        "保留导出时的表头行（含「编号」「事项名称」两列）。"))
                continue
            for column, heading in sorted(sheet.headings.items()):
                if heading not in HEADERS:
                    self.result.ignored.append(Ignored(f"{sheet.title}!{cell_name(sheet.header_row, column)}",
                                                       f"表头「{heading}」不是台账的列，这一列没有导入。"))
            for row in sorted(r for r in sheet.rows if r > sheet.header_row):
                case_id = narrow(cell_text(sheet.get(row, "编号"))).upper()
                title = cell_text(sheet.get(row, "事项名称"))
                read = {"编号", "事项名称", *FILL_IN, *(FACT_COLUMNS if case_id else NEW_CASE_COLUMNS)}
                if not case_id and not title and not any(cell_text(sheet.get(row, c)) for c in FILL_IN):
                    for column in sheet.rows[row]:
                        if sheet.headings.get(column) != "序号":
                            self.ignore(sheet, row, column, "这一行没有编号、事项名称或填报内容。")
                    continue
                self.result.rows += 1
                computed = self.unread_cells(sheet, row, read, case_id)
                if case_id and self.readable(sheet, row, "编号"):
                    self.existing(sheet, row, case_id)
                    self.edited_computed(sheet, row, case_id, computed)
                elif not case_id and self.readable(sheet, row, "事项名称"):
                    self.new_case(sheet, row, title)

    def unread_cells(self, sheet: Sheet, row: int, read: set[str], case_id: str) -> list[tuple[int, int]]:
        """Report the filled cells of ``row`` that no rule reads (the office's columns are compared apart);
        return the computed columns of an existing case (with where in the list their line goes), judged once
        the row's entries are known."""
        case = self.cases.get(case_id)
        computed: list[tuple[int, int]] = []
        for column in sheet.rows[row]:
            heading = sheet.headings.get(column)
            if heading in read or heading == "序号" or heading == "红黄绿灯":
                continue  # 序号 and the light are the sheet's own: renumbering or recolouring loses nothing
            value = cell_text(sheet.values[(row, column)])
            if heading is None or heading not in HEADERS:
                self.ignore(sheet, row, column, "这一列不是台账的列。")
            elif (row, column) in sheet.formulas:
                self.ignore(sheet, row, column, f"单元格是公式「{sheet.formulas[(row, column)]}」。")
            elif case is None:
                if heading in COMPUTED:
                    self.ignore(sheet, row, column, f"「{heading}」由督查室根据记录生成。")
            elif heading in OFFICE_COLUMNS and value != getattr(case, {"备注": "notes", "责任人": "owner"}[heading]):
                self.ignore(sheet, row, column, OFFICE_COLUMNS[heading])
            elif heading in COMPUTED:
                computed.append((column, len(self.result.ignored)))
        return computed

    def edited_computed(self, sheet: Sheet, row: int, case_id: str, columns: list[tuple[int, int]]) -> None:
        """Report a computed cell the unit changed: untouched is what the record gives, or gave before the entries
        this sheet's rows brought in (after ``--apply`` the sheet still shows the 最新进展 and 阶段 it was exported with)."""
        for column, position in reversed(columns):  # from the right, so the earlier positions still hold
            case = self.cases[case_id]  # computed columns are listed only for a case that exists
            kept: dict[str, Any] = {key: tuple(e for e in getattr(case, key) if e not in entries)
                                    for key, entries in self.matched[case_id].items()}
            heading, value = sheet.headings[column], cell_text(sheet.values[(row, column)])
            if value not in (self.computed(case, heading), self.computed(dataclasses.replace(case, **kept), heading)):
                self.ignore(sheet, row, column, f"「{heading}」由记录生成，改动不会保存；"
                            "新的进展写在「进展日期」「进展情况」，办结写「报告日期」等四列。")
                self.result.ignored.insert(position, self.result.ignored.pop())

    def computed(self, case: Case, heading: str) -> str:
        if heading == "最新进展":
            return latest_progress(case)
        if heading == "审核意见":
            return review_opinion(case)
        if heading == "阶段":
            return case.stage_on(self.today).label
        return due_with_extension(deadline(case, self.office, self.today))

    def _text_of(self, case: Case) -> str:
        return self.texts.get(case.path) or (self.root / case.path).read_text(encoding="utf-8")

    def existing(self, sheet: Sheet, row: int, case_id: str) -> None:
        case = self.cases.get(case_id)
        if case is None:
            self.error(sheet, row, "编号", f"编号「{case_id}」不存在。", "新事项请把编号留空；已有事项请照导出的台账填写编号。")
            return
        limit = effective_time_limit(case, self.office)
        recorded: dict[str, object] = {"事项名称": case.title, "主办单位": case.lead_unit or "", "交办日期": case.assigned,
                    "办理时限": str(limit) if limit else "", "来源": case.category, "协办单位": "、".join(case.co_units)}
        for column, name in (("责任人", "owner"), ("任务要求", "requirements")):
            typed = cell_text(sheet.get(row, column))
            if typed and not getattr(case, name):
                self.error(sheet, row, column, f"记录中尚未填写{column}，台账不能补写记录中的事实。",
                           f"把{column}留空，由督查室在记录中填写（`{name}: …`）。")
            elif typed:
                recorded[column] = getattr(case, name)
        for column, approval in (("立项批准日期", case.approval.date if case.approval else None),
                                 ("立项批准人", case.approval.by if case.approval else None)):
            if approval is not None:
                recorded[column] = approval
            elif cell_text(sheet.get(row, column)):
                self.error(sheet, row, column, "已立项的事项，台账不能补写立项批准。",
                           f"把{column}留空，由督查室在记录中写明 approval（批准日期、批准人）。")
        for column, fact in recorded.items():
            cell = sheet.get(row, column)
            if cell is None or cell_text(cell) == "" or not self.readable(sheet, row, column):
                continue
            value: object = self.date(sheet, row, column) if column in ("交办日期", "立项批准日期") else cell_text(cell)
            if column in ("办理时限",) and isinstance(value, str):
                value = narrow(value)
            if column == "协办单位" and isinstance(value, str):
                value = "、".join(u for u in _UNIT_SPLIT.split(value) if u)
            # The record's text as a sheet shows it: a block (``|``) ends with a line break no cell keeps.
            if value is not None and value != (cell_text(fact) if isinstance(fact, str) else fact):
                self.error(sheet, row, column, f"台账中为「{value}」，记录中为「{fact}」：台账不能修改已记录的事实。",
                           f"恢复为「{fact}」。确需更正或延期的，向督查室申请，由督查室在记录中办理。")
        self.fill_in(sheet, row, case)

    def reporting_unit(self, sheet: Sheet, row: int, case: Case, filled: str) -> str | None:
        """Who fills the row in: the unit whose sheet it is (lead or co-unit), else the lead unit."""
        if sheet.unit is None:
            return case.lead_unit or ""
        if sheet.unit == case.lead_unit or sheet.unit in case.co_units:
            return sheet.unit
        self.error(sheet, row, filled, f"这是{sheet.unit}的台账，{case.id} 由{case.lead_unit}主办"
                   f"{'、' + '、'.join(case.co_units) + '协办' if case.co_units else ''}，{sheet.unit}不是承办单位。",
                   "只填报本单位主办或协办的事项；其他事项请由承办单位填报。")
        return None

    def fill_in(self, sheet: Sheet, row: int, case: Case, text: str | None = None) -> str | None:
        filled = [c for c in FILL_IN if cell_text(sheet.get(row, c))]
        if not filled:
            return None
        if case.assigned is None:
            self.error(sheet, row, filled[0], f"{case.id} 尚未交办，不能填报办理进展或办理报告。",
                       "删除本行的填报内容；交办后再填报。")
            return None
        if case.archive is not None or case.path in self.sealed:
            number = f"（档号 {case.archive.number}）" if case.archive is not None else ""
            self.error(sheet, row, filled[0], f"{case.id} 已归档封存{number}，记录不能再改动。",
                       "删除本行的填报内容；确需补充的，请与督查室联系。")
            return None
        if case.stage_on(self.today) is Stage.CANCELLED:
            self.error(sheet, row, filled[0], f"{case.id} 已撤销，不再填报。", "删除本行的填报内容。")
            return None
        unit = self.reporting_unit(sheet, row, case, filled[0])
        if unit is None:
            return None
        text = text if text is not None else self._text_of(case)
        changed = False
        for kind in LOG_KINDS:
            if kind.ledger:
                entry = self.entry(sheet, row, case, kind, unit)
                if entry is not None:
                    text = append_entry(text, kind.key, entry)
                    index = len(log(case, kind)) + self.appended[(case.path, kind.key)]
                    self.appended[(case.path, kind.key)] += 1
                    self.origins[case.path].append(_Origin(sheet, row, f"{kind.key}[{index}]",
                                                           {name: column for column, name in kind.ledger}))
                    changed = True
        if changed:
            self.texts[case.path] = text
        return text if changed else None

    def entry(self, sheet: Sheet, row: int, case: Case, kind: LogKind, unit: str) -> dict[str, str] | None:
        """The new ``kind`` entry the row fills in, or None (nothing filled, already imported, or wrong)."""
        where = f"{sheet.title}!{row}"
        typed = {column: bool(cell_text(sheet.get(row, column))) for column, _ in kind.ledger}
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
                if not self.readable(sheet, row, column):
                    return None
                values[name] = cell_text(sheet.get(row, column))
        missing = [column for column, name in kind.ledger if not values[name]]
        if missing:
            columns = [column for column, _ in kind.ledger]
            self.error(sheet, row, missing[0], f"{kind.label}须写明{'、'.join(columns[:-1])}和{columns[-1]}。",
                       f"补全{'、'.join(missing)}，或把本行的{kind.label}各列都留空。")
            return None
        if kind.ledger_unit:
            values[kind.ledger_unit] = unit  # the unit the sheet is from (a 签收 is known by its unit)
        described = f"{kind.label} {' '.join(values[name] for name in kind.ledger_identity if name != 'summary')}".rstrip()
        for recorded in log(case, kind):
            if all(str(getattr(recorded, name)) == values[name] for name in kind.ledger_identity):
                self.matched[case.id].setdefault(kind.key, []).append(recorded)
                self.result.actions.append(Action(where, case.id, f"{described} 已导入过，跳过", True))
                return None
        wording = kind.wording(values)
        if kind.ledger_unit and unit not in wording:
            wording += f"（填报单位：{unit}）"
        self.result.actions.append(Action(where, case.id, wording))
        order = subschema("case", (kind.key, 0)).get("properties", {})  # keys as the template writes them
        return {name: values[name] for name in order if name in values}

    def new_case(self, sheet: Sheet, row: int, title: str) -> None:
        if not all(self.readable(sheet, row, column) for column in NEW_CASE_COLUMNS if column not in ("交办日期", "立项批准日期")):
            return
        category = cell_text(sheet.get(row, "来源"))
        lead = cell_text(sheet.get(row, "主办单位"))
        co = [u for u in _UNIT_SPLIT.split(cell_text(sheet.get(row, "协办单位"))) if u]
        errors_before = len(self.result.problems)
        if not title:
            self.error(sheet, row, "事项名称", "新事项没有事项名称。", "填写事项名称；不是新事项的，填写编号。")
        if category not in self.office.category_names:
            names = "、".join(self.office.category_names)
            self.error(sheet, row, "来源", f"「{category}」不是来源类型。", f"填写以下之一：{names}。")
        for role, unit in [("主办单位", lead)] + [("协办单位", u) for u in co]:
            if unit not in self.office.unit_names:
                self.error(sheet, row, role, *unknown_unit(role, unit, self.office))
        assigned = self.date(sheet, row, "交办日期")
        limit_text = narrow(cell_text(sheet.get(row, "办理时限")))
        if limit_text and parse_time_limit(limit_text) is None:
            self.error(sheet, row, "办理时限", f"「{limit_text}」不是有效的办理时限。", "写成 5个工作日、30日、3个月 或具体日期。")
        if self.office.assignment.binds(assigned):
            for column, name in (("责任人", "owner"), ("任务要求", "requirements")):
                if name in self.office.assignment.required and not cell_text(sheet.get(row, column)):
                    self.error(sheet, row, column, f"新事项填写了交办日期，须同时填写{column}（交办时必须明确）。",
                               f"填写{column}；尚未交办的，把交办日期留空。")
        approved, approver = self.date(sheet, row, "立项批准日期"), cell_text(sheet.get(row, "立项批准人"))
        typed = bool(cell_text(sheet.get(row, "立项批准日期")))
        if typed != bool(approver):
            missing = "立项批准人" if typed else "立项批准日期"
            self.error(sheet, row, missing, "立项批准须写明批准日期和批准人。", f"补全{missing}，或把两列都留空。")
        elif approved and assigned and approved > assigned:
            self.error(sheet, row, "立项批准日期", f"立项批准日期 {approved} 晚于交办日期 {assigned}：先批准，后交办。",
                       "核对两个日期。")
        rule = self.office.approvals.registration
        if rule is not None and rule.applies(category, assigned) and not (approved and approver):
            self.error(sheet, row, "交办日期", "新事项须先报领导同意立项（office.yaml approvals.registration），台账不能直接交办。",
                       "在「立项批准日期」「立项批准人」写明领导同意立项的日期和领导，或把交办日期留空导入为立项。")
        if len(self.result.problems) > errors_before:
            return
        # Registered no later than it was approved or assigned: the sheet's row is the first the records hear of it.
        registered = approved or assigned or self.today
        same = [c for c in self.cases.values() if c.title == title and c.lead_unit == lead and c.registered == registered]
        if same:
            self.result.actions.append(Action(f"{sheet.title}!{row}", same[0].id, "新事项已导入过，跳过", True))
            self.fill_in(sheet, row, same[0])
            return
        year = registered.year
        if year not in self.new_ids:
            self.new_ids[year] = int(next_id(self.root, self.office.prefix, year).rsplit("-", 1)[1])
        case_id = f"{self.office.prefix}-{year}-{self.new_ids[year]:04d}"
        self.new_ids[year] += 1
        lines = ["# yaml-language-server: $schema=../../schema/case.schema.json",
                 f"# 由台账导入（{sheet.title} 第{row}行，{self.today}）。",
                 f"id: {case_id}", f"title: {yaml_scalar(title)}", f"category: {category}",
                 f"registered: {registered.isoformat()}"]
        if approved:
            lines += ["approval:", f"  date: {approved.isoformat()}", f"  by: {yaml_scalar(approver)}"]
        if assigned:
            lines += [f"assigned: {assigned.isoformat()}"]
        lines += [f"lead_unit: {yaml_scalar(lead)}"]
        if co:
            lines += [f"co_units: [{', '.join(yaml_scalar(u) for u in co)}]"]
        for column, name in (("责任人", "owner"), ("任务要求", "requirements")):
            if value := cell_text(sheet.get(row, column)):
                lines += [f"{name}: {yaml_scalar(value)}"]
        if limit_text:
            lines += [f"time_limit: {yaml_scalar(limit_text)}"]
        notes = cell_text(sheet.get(row, "备注"))
        if notes:
            lines += [f"notes: {yaml_scalar(notes)}"]
        path = f"{CASES_DIR}/{year}/{case_id}.yaml"
        case = Case(id=case_id, title=title, category=category, registered=registered, path=path, assigned=assigned,
                    lead_unit=lead, co_units=tuple(co))
        self.texts[path] = "\n".join(lines) + "\n"
        self.origins[path].append(_Origin(sheet, row, "", {field: column for column, field in NEW_CASE_COLUMNS.items()}
                                          | {"registered": "交办日期", "id": "编号"}))
        self.result.actions.append(Action(f"{sheet.title}!{row}", case_id, f"新立项：{title}"))
        self.fill_in(sheet, row, case, self.texts[path])

    def check(self) -> None:
        """Validate every new or changed record in memory, exactly as `ducha validate` would, and
        say each problem at the row and column it came from: those files are not written yet."""
        known = frozenset(self.cases) | {Path(p).stem for p in self.texts}
        for path, text in sorted(self.texts.items()):
            _, problems = check_text(text.encode("utf-8"), path, self.office, known, self.today)
            self.result.problems += [self.at_row(path, p) for p in problems]

    def at_row(self, path: str, problem: Problem) -> Problem:
        origins = self.origins.get(path, [])
        found = next((o for o in origins if o.prefix and (problem.field == o.prefix or problem.field.startswith(o.prefix + ".")
                                                         or problem.field.startswith(o.prefix + "["))), None)
        found = found or next((o for o in origins if not o.prefix), None)
        if found is None:
            return problem
        name = re.split(r"[.\[]", problem.field[len(found.prefix):].lstrip("."), maxsplit=1)[0]
        column = found.columns.get(name) or next(iter(found.columns.values()))
        index = found.sheet.columns.get(column, 0)
        cell = f"（{cell_name(found.row, index)}）" if index else ""
        return Problem(found.sheet.title, found.row, index, column, f"第{found.row}行「{column}」{cell}：{problem.message}",
                       problem.fix)


def import_ledger(root: Path, workbook: Path, today: dt.date, apply: bool) -> ImportResult:
    """Read a filled-in 台账; preview what it adds, or write it with ``apply`` when every row is good."""
    from openpyxl import load_workbook

    office, cases = load_cases(root)

    def refused(message: str, fix: str) -> ImportResult:
        return ImportResult(0, problems=[Problem(workbook.name, 0, 0, "", message, fix)])

    try:
        check_workbook_size(workbook)
    except TooLarge as error:
        return refused(f"台账过大，没有读取：{error}。", "只保留导出时的工作表和行列：删除多余的行列（特别是表格末尾很远处的"
                       "单元格和合并单元格），或复制有内容的部分到新的工作簿后另存为 .xlsx。")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return refused("无法读取 Excel 文件（不是 .xlsx 格式，或文件已损坏）。", "用 Excel 或 WPS 另存为 .xlsx 格式后再导入。")
    try:
        with warnings.catch_warnings():
            # openpyxl warns in English of what it cannot read (a date out of range, an unsupported
            # extension): each cell that matters is reported below in Chinese, with its place.
            warnings.simplefilter("ignore")
            wb = load_workbook(workbook)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return refused(f"无法读取 Excel 文件（{type(error).__name__}）。", "用 Excel 或 WPS 另存为 .xlsx 格式后再导入。")
    units = {sheet_name(u.name): u.name for u in office.units}
    importer = _Importer(root, office, cases, today)
    importer.run([Sheet(ws, units.get(ws.title)) for ws in wb.worksheets])
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
