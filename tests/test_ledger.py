"""The 台账 round trip: export, fill in as a unit would, import; twice changes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from .conftest import DEMO, Invoke
from .gitrepo import GitRepo
from .ledger_columns import COLUMNS, LAST, column

TODAY = "2026-11-24"
REGISTRATION = "  registration:\n    effective_from: 2026-11-01\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The demo office without 立项审批: here new items may be 交办 straight from the sheet."""
    repo = GitRepo(tmp_path / "repo")
    office = (DEMO / "office.yaml").read_text(encoding="utf-8")
    assert REGISTRATION in office
    (repo.root / "office.yaml").write_text(office.replace(REGISTRATION, ""), encoding="utf-8")
    shutil.copytree(DEMO / "cases", repo.root / "cases")
    shutil.copytree(DEMO / "attachments", repo.root / "attachments")  # the cases' registered files
    repo.commit("导入示例数据", date="2026-11-20T09:00:00+08:00")
    return repo


def exported(repo: GitRepo, invoke: Invoke, tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "台账.xlsx"
    result = invoke(repo.root, "ledger", "export", "--today", TODAY, "-o", str(target), *args)
    assert result.exit_code == 0, result.output
    return target


def row_of(ws: Any, case_id: str) -> int:
    row: int = next(c.row for c in ws["B"] if c.value == case_id)
    return row


def letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def test_export_layout(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    wb = load_workbook(exported(repo, invoke, tmp_path))
    ws = wb.active
    assert tuple(c.value for c in ws[2]) == COLUMNS and ws.max_column == len(COLUMNS) == 26
    assert f"A1:{LAST}1" in {r.coord for r in ws.merged_cells.ranges}  # the title across the sheet
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    red = ws.cell(row_of(ws, "DC-2026-0010"), column("红黄绿灯"))
    assert red.value == "红灯" and red.fill.fgColor.rgb.endswith("E53935")
    assert ws.column_dimensions["C"].width >= 30  # wide enough for Chinese titles
    assert ws.cell(row_of(ws, "DC-2026-0018"), column("红黄绿灯")).value == "绿灯（暂定）"
    by_unit = load_workbook(exported(repo, invoke, tmp_path, "--by-unit"))
    assert "市住建局" in by_unit.sheetnames and len(by_unit.sheetnames) == 12


def test_round_trip(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    sheet_path = exported(repo, invoke, tmp_path, "--year", "2026")
    pristine = load_workbook(sheet_path).active
    wb = load_workbook(sheet_path)
    ws = wb.active
    # A unit reports progress, with the date typed as text and a stray space.
    r = row_of(ws, "DC-2026-0012")
    ws.cell(r, column("进展日期")).value = "2026.11.23"
    ws.cell(r, column("进展情况")).value = " 已排查餐饮场所1200家，整改隐患86处。 "
    # Another sends its 办理报告, date as 月日 and full-width digits in the date.
    r = row_of(ws, "DC-2026-0013")
    ws.cell(r, column("报告日期")).value = "１１月２３日"
    ws.cell(r, column("发文字号")).value = "青民〔2026〕120号"
    ws.cell(r, column("签发人")).value = "许志强"
    ws.cell(r, column("办理结果")).value = "复核低保对象3280户，清退不符合条件的41户。"
    # A new item, with merged cells carrying the unit and category down two rows.
    new = ws.max_row + 1
    ws.cell(new, column("事项名称")).value = "冬季供暖质量专项督查"
    ws.cell(new, column("来源")).value = "领导批示"
    ws.cell(new, column("主办单位")).value = "市住建局"
    ws.cell(new, column("交办日期")).value = dt.datetime(2026, 11, 23)
    ws.cell(new, column("办理时限")).value = "５个工作日"
    ws.cell(new, column("责任人")).value = "孙立新"
    ws.cell(new, column("任务要求")).value = "对全市供暖质量开展专项督查。"
    ws.cell(new + 1, column("事项名称")).value = "冬季供暖投诉办理"
    ws.merge_cells(start_row=new, start_column=column("来源"), end_row=new + 1, end_column=column("来源"))
    ws.merge_cells(start_row=new, start_column=column("主办单位"), end_row=new + 1, end_column=column("主办单位"))
    ws.cell(new + 1, column("交办日期")).value = "2026年11月23日"
    ws.cell(new + 1, column("责任人")).value = "孙立新"
    ws.cell(new + 1, column("任务要求")).value = "投诉当日响应，三日内办结。"
    # Bad rows: an edited fact, a date that does not exist, an unknown unit, a half-filled report.
    bad = [row_of(ws, "DC-2026-0014"), row_of(ws, "DC-2026-0015"), new + 2, row_of(ws, "DC-2026-0016")]
    ws.cell(bad[0], column("主办单位")).value = "市人社局"
    ws.cell(bad[1], column("进展日期")).value = "2026-02-30"
    ws.cell(bad[1], column("进展情况")).value = "推进中"
    ws.cell(bad[2], column("事项名称")).value = "新增事项"
    ws.cell(bad[2], column("来源")).value = "其他交办"
    ws.cell(bad[2], column("主办单位")).value = "市文旅局"
    ws.cell(bad[3], column("发文字号")).value = "青建〔2026〕200号"
    wb.save(sheet_path)

    before = {p: p.read_bytes() for p in (repo.root / "cases").rglob("*.yaml")}
    preview = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    assert preview.exit_code == 1
    lines = preview.output.splitlines()
    assert f"督查事项台账!{row_of(ws, 'DC-2026-0012')}  DC-2026-0012  新增办理进展 2026-11-23（填报单位：市住建局）" in lines
    assert f"督查事项台账!{row_of(ws, 'DC-2026-0013')}  DC-2026-0013  报送办理报告 青民〔2026〕120号（2026-11-23）" in lines
    assert f"督查事项台账!{new}  DC-2026-0037  新立项：冬季供暖质量专项督查" in lines
    assert f"督查事项台账!{new + 1}  DC-2026-0038  新立项：冬季供暖投诉办理" in lines
    errors = [line for line in lines if "第" in line and "行「" in line]
    progress, report = column("进展日期"), column("报告日期")
    assert errors == [
        f"督查事项台账:{bad[0]}:5: [主办单位] 第{bad[0]}行「主办单位」（E{bad[0]}）：台账中为「市人社局」，记录中为「市数据局」：台账不能修改已记录的事实。 修改：恢复为「市数据局」。确需更正或延期的，向督查室申请，由督查室在记录中办理。",
        f"督查事项台账:{bad[1]}:{progress}: [进展日期] 第{bad[1]}行「进展日期」（{letter(progress)}{bad[1]}）：「2026-02-30」不是有效的日期。 修改：写成 2026-03-05、2026.3.5 或 2026年3月5日。",
        f"督查事项台账:{bad[3]}:{report}: [报告日期] 第{bad[3]}行「报告日期」（{letter(report)}{bad[3]}）：办理报告须写明报告日期、发文字号、签发人和办理结果。 修改：补全报告日期、签发人、办理结果，或把本行的办理报告各列都留空。",
        f"督查事项台账:{bad[2]}:5: [主办单位] 第{bad[2]}行「主办单位」（E{bad[2]}）：主办单位「市文旅局」未在 office.yaml 中登记。 修改：改为已登记的单位简称（市交通运输局、市人社局、市住建局、市卫健委、市发改委、市城管局、市教育局、市数据局、市民政局、市生态环境局、市自然资源局、市财政局），或先在 office.yaml 的 units 中登记。",
    ]
    assert lines[-1].endswith("发现 4 个问题。有问题的行须改正后重新导入；本次没有写入任何记录。")
    assert {p: p.read_bytes() for p in (repo.root / "cases").rglob("*.yaml")} == before  # nothing written

    # The unit fixes its rows (clears the bad ones) and the office applies the sheet.
    for r in bad:
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = pristine.cell(r, c).value if r < new else None
    wb.save(sheet_path)
    applied = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY, "--apply")
    assert applied.exit_code == 0, applied.output
    assert applied.output.splitlines()[-1] == "已写入 4 个文件（4 项新增）。请核对后提交（git commit）。"
    changed = sorted(line.strip() for line in repo.git("status", "--porcelain").splitlines())
    assert changed == ["?? cases/2026/DC-2026-0037.yaml", "?? cases/2026/DC-2026-0038.yaml",
                       "M cases/2026/DC-2026-0012.yaml", "M cases/2026/DC-2026-0013.yaml"]
    diff = repo.git("diff", "-U0", "cases/2026/DC-2026-0012.yaml")
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == [] and added == ["+  - date: 2026-11-23", "+    by: 市住建局", "+    summary: 已排查餐饮场所1200家，整改隐患86处。"]
    new_case = (repo.root / "cases/2026/DC-2026-0038.yaml").read_text(encoding="utf-8")
    assert "lead_unit: 市住建局" in new_case and "category: 领导批示" in new_case and "assigned: 2026-11-23" in new_case
    assert invoke(repo.root, "validate", "--today", TODAY).exit_code == 0
    assert invoke(repo.root, "guard", "--base", "main", "--today", TODAY).exit_code == 0

    # Importing the same sheet again changes nothing.
    snapshot = {p: p.read_bytes() for p in (repo.root / "cases").rglob("*.yaml")}
    again = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY, "--apply")
    assert again.exit_code == 0, again.output
    assert "已导入过，跳过" in again.output
    # The sheet still shows the 最新进展 and 阶段 it was exported with: the unit touched neither.
    assert [line for line in again.output.splitlines() if "未导入" in line] == []
    assert {p: p.read_bytes() for p in (repo.root / "cases").rglob("*.yaml")} == snapshot


def test_not_a_workbook(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    fake = tmp_path / "台账.xlsx"
    fake.write_text("不是 Excel", encoding="utf-8")
    result = invoke(repo.root, "ledger", "import", str(fake), "--today", TODAY)
    assert result.exit_code == 1 and "无法读取 Excel 文件" in result.output


def test_progress_for_an_unassigned_case_is_a_row_error(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    sheet_path = exported(repo, invoke, tmp_path, "--year", "2026", "--all")
    wb = load_workbook(sheet_path)
    ws = wb.active
    r = row_of(ws, "DC-2026-0025")  # 立项 only
    ws.cell(r, column("进展日期")).value = "2026-11-23"
    ws.cell(r, column("进展情况")).value = "已筹备。"
    wb.save(sheet_path)
    result = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    assert result.exit_code == 1
    at = column("进展日期")
    assert f"督查事项台账:{r}:{at}: [进展日期] 第{r}行「进展日期」（{letter(at)}{r}）：DC-2026-0025 尚未交办，不能填报办理进展或办理报告。" in result.output


def test_a_date_cell_excel_cannot_show_is_reported_in_chinese_only(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    """A number too large for a date in a date-formatted cell: the row's problem, and no English library warning."""
    sheet_path = exported(repo, invoke, tmp_path, "--year", "2026")
    wb = load_workbook(sheet_path)
    ws = wb.active
    r = row_of(ws, "DC-2026-0011")
    at = column("进展日期")
    ws.cell(r, at).value = 1_000_000_000_000
    ws.cell(r, at).number_format = "yyyy-mm-dd"
    wb.save(sheet_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would reach the user's terminal: here it fails the command
        result = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert (f"督查事项台账:{r}:{at}: [进展日期] 第{r}行「进展日期」（{letter(at)}{r}）：「#VALUE!」不是有效的日期。"
            " 修改：写成 2026-03-05、2026.3.5 或 2026年3月5日。") in result.output


def test_a_co_unit_sheet_credits_the_co_unit(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    sheet_path = exported(repo, invoke, tmp_path, "--unit", "市发改委")
    wb = load_workbook(sheet_path)
    ws = wb["市发改委"]
    r = row_of(ws, "DC-2026-0011")  # led by 市生态环境局, co-handled by 市发改委
    assert ws.cell(r, column("主办单位")).value == "市生态环境局"
    ws.cell(r, column("进展日期")).value = "2026-11-23"
    ws.cell(r, column("进展情况")).value = "已完成园区企业排放数据核对。"
    wb.save(sheet_path)
    preview = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    assert f"市发改委!{r}  DC-2026-0011  新增办理进展 2026-11-23（填报单位：市发改委）" in preview.output.splitlines()
    assert invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY, "--apply").exit_code == 0
    diff = repo.git("diff", "-U0", "cases/2026/DC-2026-0011.yaml")
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == ["+  - date: 2026-11-23", "+    by: 市发改委", "+    summary: 已完成园区企业排放数据核对。"]


def test_a_cell_typed_over_several_lines_is_kept(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    sheet_path = exported(repo, invoke, tmp_path)
    wb = load_workbook(sheet_path)
    ws = wb.active
    r = row_of(ws, "DC-2026-0012")
    ws.cell(r, column("进展日期")).value = "2026-11-23"
    ws.cell(r, column("进展情况")).value = "一是完成餐饮场所排查：1200家；\r\n二是整改隐患86处。\n\n三是约谈企业3家。"  # Alt+Enter
    wb.save(sheet_path)
    applied = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY, "--apply")
    assert applied.exit_code == 0, applied.output
    assert ("  - date: 2026-11-23\n    by: 市住建局\n    summary: |-\n"
            "      一是完成餐饮场所排查：1200家；\n      二是整改隐患86处。\n\n      三是约谈企业3家。\n"
            "attachments:\n") in repo.read("cases/2026/DC-2026-0012.yaml")  # appended to progress, before the next log
    assert invoke(repo.root, "validate", "--today", TODAY).exit_code == 0
    from ducha.load.records import load_cases

    case = next(c for c in load_cases(repo.root)[1] if c.id == "DC-2026-0012")
    assert case.progress[-1].summary == "一是完成餐饮场所排查：1200家；\n二是整改隐患86处。\n\n三是约谈企业3家。"


def test_facts_written_over_several_lines_come_back_unchanged(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    """A 任务要求 written as a block (``|``) ends with a line break; the sheet as exported still states it as recorded."""
    path = "cases/2026/DC-2026-0012.yaml"
    text = repo.read(path)
    start = text.index("requirements: ")
    end = text.index("\n", start)
    repo.write(path, text[:start] + "requirements: |\n  一、全面排查餐饮场所。\n    二、限期整改隐患。\n" + text[end + 1:])
    repo.commit("任务要求分条列出", date="2026-11-21T09:00:00+08:00")
    sheet_path = exported(repo, invoke, tmp_path)
    ws = load_workbook(sheet_path).active
    assert ws.cell(row_of(ws, "DC-2026-0012"), column("任务要求")).value == "一、全面排查餐饮场所。\n  二、限期整改隐患。\n"
    result = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    assert result.exit_code == 0, result.output


def test_an_archived_case_is_never_written(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    sheet_path = exported(repo, invoke, tmp_path, "--all", "--year", "2025")
    wb = load_workbook(sheet_path)
    ws = wb.active
    r = row_of(ws, "DC-2025-0001")
    ws.cell(r, column("进展日期")).value = "2026-11-23"
    ws.cell(r, column("进展情况")).value = "补充材料。"
    wb.save(sheet_path)
    before = repo.read("cases/2025/DC-2025-0001.yaml")
    result = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY, "--apply")
    assert result.exit_code == 1
    at = column("进展日期")
    assert (f"督查事项台账:{r}:{at}: [进展日期] 第{r}行「进展日期」（{letter(at)}{r}）：DC-2025-0001 已归档封存（档号 0371-2025-Y-0001），"
            "记录不能再改动。 修改：删除本行的填报内容；确需补充的，请与督查室联系。") in result.output
    assert repo.read("cases/2025/DC-2025-0001.yaml") == before


def test_only_open_items_by_default(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    ws = load_workbook(exported(repo, invoke, tmp_path)).active
    stages = {ws.cell(r, column("阶段")).value for r in range(3, ws.max_row + 1)}
    assert stages == {"办理中", "已退回", "待审核"}
    r = row_of(ws, "DC-2026-0010")  # returned: the unit must see why
    assert ws.cell(r, column("审核意见")).value == "2026-10-22 退回：报告未说明抢修结果和群众回复情况，请补充后重新报送。"
    assert ws.cell(r, column("责任人")).value == "孙立新"
    assert ws.cell(row_of(ws, "DC-2026-0011"), column("到期日")).value == "2026-11-13（已延期）"
    # 3个月 from 2026-11-10: 2027-02-10, a Wednesday in a year whose holidays are not yet published.
    assert ws.cell(row_of(ws, "DC-2026-0018"), column("到期日")).value == "2027-02-10（暂定）"
    assert ws.column_dimensions[letter(column("最新进展"))].width == 40 and ws.cell(r, column("最新进展")).alignment.wrap_text


def test_formulas_and_edits_that_are_not_imported_are_reported(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    sheet_path = exported(repo, invoke, tmp_path)
    wb = load_workbook(sheet_path)
    ws = wb.active
    r = row_of(ws, "DC-2026-0012")
    ws.cell(r, column("备注")).value = "请批准延期"
    ws.cell(r, column("阶段")).value = "已办结"
    ws.cell(r, column("进展日期")).value = "=TODAY()"
    ws.cell(r, column("进展情况")).value = "完成排查。"
    extra = 25  # the first column right of the sheet's 24
    stage, notes = letter(column("阶段")), letter(column("备注"))
    ws.cell(2, extra).value = "说明"
    ws.cell(r, extra).value = "我们已尽力"
    lone = ws.max_row + 2
    ws.cell(lone, column("备注")).value = "补充说明"
    wb.save(sheet_path)
    result = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line for line in lines if "未导入" in line or "不是台账的列" in line] == [
        f"督查事项台账!{letter(extra)}2  表头「说明」不是台账的列，这一列没有导入。",
        f"督查事项台账!{stage}{r}  「阶段」未导入：「阶段」由记录生成，改动不会保存；新的进展写在「进展日期」「进展情况」，办结写「报告日期」等四列。",
        f"督查事项台账!{notes}{r}  「备注」未导入：备注由督查室在记录中维护；需要说明的情况请写在「进展情况」里。",
        f"督查事项台账!{letter(extra)}{r}  「说明」未导入：这一列不是台账的列。",
        f"督查事项台账!{notes}{lone}  「备注」未导入：这一行没有编号、事项名称或填报内容。",
    ]
    at = column("进展日期")
    assert (f"督查事项台账:{r}:{at}: [进展日期] 第{r}行「进展日期」（{letter(at)}{r}）：单元格是公式「=TODAY()」，台账只读取填写的文字和日期。"
            " 修改：把公式换成它的结果：复制这个单元格，再「选择性粘贴 → 数值」。") in lines


def _with_xml(source: Path, target: Path, edit: Any) -> None:
    """Copy an .xlsx, passing the first sheet's XML through ``edit``."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            new.writestr(info, data)


@pytest.mark.parametrize(("how", "expected"), [
    ("cell", "工作表「督查事项台账」有内容到第 1048576 行"),
    ("column", "工作表「督查事项台账」有单元格到第 16384 列"),
    ("merged", "工作表「督查事项台账」有合并单元格延伸到第 1048576 行、第 16384 列"),
    ("declared", "工作表「督查事项台账」声明的范围延伸到第 1048576 行、第 16384 列"),
])
def test_a_dimension_bomb_is_refused_before_loading(repo: GitRepo, invoke: Invoke, tmp_path: Path, how: str,
                                                    expected: str) -> None:
    import re

    sheet_path = exported(repo, invoke, tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    if how == "cell":  # one real cell far away, the declared dimension left as exported
        far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        _with_xml(sheet_path, bomb, lambda xml: xml.replace("</sheetData>", far))
    elif how == "column":
        _with_xml(sheet_path, bomb, lambda xml: xml.replace("</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1))
    elif how == "merged":
        _with_xml(sheet_path, bomb, lambda xml: xml.replace(f'<mergeCell ref="A1:{LAST}1"/>', '<mergeCell ref="A1:XFD1048576"/>'))
    else:
        _with_xml(sheet_path, bomb, lambda xml: re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:XFD1048576"/>', xml))
    assert bomb.stat().st_size < 100_000
    result = invoke(repo.root, "ledger", "import", str(bomb), "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.startswith(f"bomb.xlsx: 台账过大，没有读取：{expected}，超出台账的上限（50000 行、100 列）。")


def test_a_new_item_needs_approval_before_it_is_assigned(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    office = repo.read("office.yaml")
    repo.write("office.yaml", office.replace("approvals:\n", "approvals:\n" + REGISTRATION))
    sheet_path = exported(repo, invoke, tmp_path, "--year", "2026")
    wb = load_workbook(sheet_path)
    ws = wb.active
    new = ws.max_row + 1
    for name, value in (("事项名称", "冬季供暖质量专项督查"), ("来源", "领导批示"), ("主办单位", "市住建局"),
                        ("交办日期", "2026-11-23"), ("责任人", "孙立新"), ("任务要求", "专项督查供暖质量。")):
        ws.cell(new, column(name)).value = value
    wb.save(sheet_path)
    result = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    at = column("交办日期")
    assert result.exit_code == 1
    assert (f"督查事项台账:{new}:{at}: [交办日期] 第{new}行「交办日期」（{letter(at)}{new}）：新事项须先报领导同意立项"
            "（office.yaml approvals.registration），台账不能直接交办。") in result.output

    # With the leader's approval in its two columns, the row is registered, approved and assigned in one step.
    ws.cell(new, column("立项批准人")).value = "副市长 林静"
    wb.save(sheet_path)
    half = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY)
    approved_at = column("立项批准日期")
    assert half.exit_code == 1 and (f"督查事项台账:{new}:{approved_at}: [立项批准日期] 第{new}行「立项批准日期」"
                                    f"（{letter(approved_at)}{new}）：立项批准须写明批准日期和批准人。") in half.output
    ws.cell(new, column("立项批准日期")).value = "2026.11.23"
    wb.save(sheet_path)
    applied = invoke(repo.root, "ledger", "import", str(sheet_path), "--today", TODAY, "--apply")
    assert applied.exit_code == 0, applied.output
    written = repo.read("cases/2026/DC-2026-0037.yaml")
    assert ("registered: 2026-11-23\napproval:\n  date: 2026-11-23\n  by: 副市长 林静\nassigned: 2026-11-23\n"
            "lead_unit: 市住建局\n") in written
    assert invoke(repo.root, "validate", "--today", TODAY).exit_code == 0
    again = load_workbook(exported(repo, invoke, tmp_path, "--year", "2026")).active
    row = row_of(again, "DC-2026-0037")
    assert (again.cell(row, approved_at).value.date(), again.cell(row, column("立项批准人")).value) == (
        dt.date(2026, 11, 23), "副市长 林静")
