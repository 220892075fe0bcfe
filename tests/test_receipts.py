"""签收: each 承办单位 signs for the 交办 within the office's time limit; who has not is chased."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ducha.load.office import load_office
from ducha.model.case import Case
from ducha.model.logs import Receipt
from ducha.model.office import ReceiptRules
from ducha.model.timelimit import parse_time_limit
from ducha.outputs.present import chase_reasons, receipt_text
from ducha.rules import queues
from ducha.rules.deadlines import ReceiptLight, deadline

from .conftest import DEMO, EXAMPLES, Invoke
from .gitrepo import GitRepo
from .ledger_columns import column

D = dt.date.fromisoformat
OFFICE = dataclasses.replace(load_office(EXAMPLES), receipt=ReceiptRules(time_limit=parse_time_limit("1个工作日")))


def case(*receipts: Receipt, assigned: str = "2026-03-02") -> Case:
    return Case(id="DC-2026-0001", title="测试", category="领导批示", registered=D("2026-03-02"),
                path="cases/2026/DC-2026-0001.yaml", assigned=D(assigned), lead_unit="市住建局",
                co_units=("市财政局",), owner="孙立新", requirements="排查", receipts=receipts)


LEAD = Receipt(D("2026-03-02"), "市住建局", "孙立新")
CO_IN_TIME = Receipt(D("2026-03-03"), "市财政局", "韦宁")
CO_LATE = Receipt(D("2026-03-05"), "市财政局", "韦宁")


@pytest.mark.parametrize(("today", "receipts", "light", "pending", "late"), [
    # 交办 on Monday 3月2日: 1个工作日 → Tuesday 3月3日.
    ("2026-03-02", (), ReceiptLight.PENDING, ("市住建局", "市财政局"), ()),
    ("2026-03-03", (LEAD,), ReceiptLight.PENDING, ("市财政局",), ()),
    ("2026-03-04", (LEAD,), ReceiptLight.OVERDUE, ("市财政局",), ()),
    ("2026-03-04", (LEAD, CO_IN_TIME), ReceiptLight.SIGNED, (), ()),
    ("2026-03-06", (LEAD, CO_LATE), ReceiptLight.LATE, (), ("市财政局",)),
    # A receipt dated after `today` is not known yet.
    ("2026-03-04", (LEAD, CO_LATE), ReceiptLight.OVERDUE, ("市财政局",), ()),
])
def test_receipt_light_over_time(today: str, receipts: tuple[Receipt, ...], light: ReceiptLight,
                                 pending: tuple[str, ...], late: tuple[str, ...]) -> None:
    state = deadline(case(*receipts), OFFICE, D(today)).receipt
    assert state is not None
    assert (state.due, state.light, state.pending, state.late) == (D("2026-03-03"), light, pending, late)


@pytest.mark.parametrize(("assigned", "due"), [
    ("2026-03-06", "2026-03-09"),  # a Friday: the next working day is Monday
    ("2026-09-30", "2026-10-08"),  # before National Day: 10月1日—7日 are off
])
def test_receipt_time_limit_counts_working_days(assigned: str, due: str) -> None:
    state = deadline(case(assigned=assigned), OFFICE, D(assigned)).receipt
    assert state is not None and state.due == D(due)


def test_no_receipt_asked_before_the_rule_or_without_one() -> None:
    later = dataclasses.replace(OFFICE, receipt=ReceiptRules(D("2026-04-01"), parse_time_limit("1个工作日")))
    assert deadline(case(), later, D("2026-03-10")).receipt is None
    assert deadline(case(), load_office(EXAMPLES), D("2026-03-10")).receipt is None


def test_an_overdue_receipt_is_chased_and_heads_the_queue() -> None:
    overdue = deadline(case(LEAD), OFFICE, D("2026-03-04"))
    waiting = deadline(dataclasses.replace(case(), id="DC-2026-0002", assigned=D("2026-03-04")), OFFICE, D("2026-03-04"))
    signed = deadline(dataclasses.replace(case(LEAD, CO_IN_TIME), id="DC-2026-0003"), OFFICE, D("2026-03-04"))
    board = [waiting, signed, overdue]
    assert [s.case.id for s in queues.awaiting_receipt(board)] == ["DC-2026-0001", "DC-2026-0002"]
    assert overdue.unreceived and not waiting.unreceived
    assert overdue in queues.to_chase(board) and waiting not in queues.to_chase(board)
    assert chase_reasons(overdue) == ["剩3个工作日", "超时未签收（市财政局）"]  # 5个工作日 → 3月9日
    assert receipt_text(deadline(case(LEAD, CO_LATE), OFFICE, D("2026-03-06"))) == "超时签收（市财政局）"
    assert overdue.as_json()["receipt"] == "overdue"


def test_dashboard_and_case_page_show_who_has_not_signed(tmp_path: Path, invoke: Invoke) -> None:
    root = tmp_path / "office"
    shutil.copytree(DEMO, root)
    assert invoke(root, "pages", "--today", "2026-11-23").exit_code == 0
    docs = root / "build" / "docs-internal"
    dashboard = (docs / "index.md").read_text(encoding="utf-8")
    assert "<h2>待签收（1）</h2>" in dashboard
    assert '<td data-label="签收时限">2026-11-19</td><td data-label="签收情况">超时未签收（市城管局）</td>' in dashboard
    page = (docs / "cases/2026/DC-2026-0014.md").read_text(encoding="utf-8")
    assert ("<tr><th>签收</th><td>市数据局 2026-11-03（赵敏）；市人社局 2026-11-04（彭涛）；市民政局 2026-11-05（罗琳）；"
            "其中市民政局超时签收（应于 2026-11-04 前）</td></tr>") in page


def test_a_unit_signs_through_the_ledger(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    shutil.copy(DEMO / "office.yaml", repo.root / "office.yaml")
    shutil.copytree(DEMO / "cases", repo.root / "cases")
    shutil.copytree(DEMO / "attachments", repo.root / "attachments")  # the cases' registered files
    repo.commit("导入示例数据", date="2026-11-20T09:00:00+08:00")
    sheet = tmp_path / "台账.xlsx"
    assert invoke(repo.root, "ledger", "export", "--today", "2026-11-24", "-o", str(sheet)).exit_code == 0
    wb = load_workbook(sheet)
    ws = wb.active
    row = next(c.row for c in ws["B"] if c.value == "DC-2026-0016")
    ws.cell(row, column("签收日期")).value = "2026.11.24"
    ws.cell(row, column("签收人")).value = "孙立新"
    signed = next(c.row for c in ws["B"] if c.value == "DC-2026-0018")  # already signed: nothing to add
    ws.cell(signed, column("签收日期")).value = "2026-11-11"
    ws.cell(signed, column("签收人")).value = "郑涛"
    wb.save(sheet)
    result = invoke(repo.root, "ledger", "import", str(sheet), "--today", "2026-11-24", "--apply")
    assert result.exit_code == 0, result.output
    assert f"督查事项台账!{row}  DC-2026-0016  签收（市住建局）2026-11-24" in result.output.splitlines()
    assert f"督查事项台账!{signed}  DC-2026-0018  签收 市交通运输局 已导入过，跳过" in result.output.splitlines()
    text = (repo.root / "cases/2026/DC-2026-0016.yaml").read_text(encoding="utf-8")
    assert text.endswith("receipts:\n  - date: 2026-11-24\n    unit: 市住建局\n    by: 孙立新\n")
    assert invoke(repo.root, "validate", "--today", "2026-11-24").exit_code == 0
