"""Per-case documents: 督查通知单, 催办单 escalating with the light, 办理情况报告."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from .conftest import DEMO, TESTS, Invoke
from .pixels import to_pdf

TODAY = "2026-11-23"


def make(invoke: Invoke, tmp_path: Path, kind: str, case_id: str) -> object:
    target = tmp_path / f"{kind}-{case_id}.docx"
    result = invoke(DEMO, "doc", kind, case_id, "--today", TODAY, "-o", str(target))
    assert (result.exit_code, result.output) == (0, f"已生成 {target}\n")
    return Document(str(target))


def text(doc: object) -> str:
    paragraphs = [p.text for p in doc.paragraphs]  # type: ignore[attr-defined]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]  # type: ignore[attr-defined]
    return "\n".join(paragraphs + cells)


@pytest.mark.parametrize(("case_id", "level", "color"), [
    ("DC-2026-0010", "红色", "E60012"),  # overdue
    ("DC-2026-0012", "黄色", "C88A00"),  # 2 working days left
    ("DC-2026-0014", "蓝色", "1F4E9D"),  # time enough
])
def test_urge_escalates_with_the_light(invoke: Invoke, tmp_path: Path, case_id: str, level: str, color: str) -> None:
    doc = make(invoke, tmp_path, "urge", case_id)
    assert f"督查催办单（{level}）" in text(doc)
    masthead = doc.paragraphs[0].runs[0]  # type: ignore[attr-defined]
    assert masthead.text == "青川市人民政府督查室" and str(masthead.font.color.rgb) == color


def test_urge_counts_earlier_urges(invoke: Invoke, tmp_path: Path) -> None:
    body = text(make(invoke, tmp_path, "urge", "DC-2026-0009"))  # two urges recorded already
    assert "这是第3次催办" in body and "已超过办理时限14个工作日" in body and "书面调度" in body


def test_notice_and_report(invoke: Invoke, tmp_path: Path) -> None:
    notice = text(make(invoke, tmp_path, "notice", "DC-2026-0011"))
    assert "督查通知单" in notice and "青川市生态环境局：" in notice
    assert "市发改委、市财政局协办" in notice and "2026-11-13" in notice
    report = text(make(invoke, tmp_path, "report", "DC-2026-0032"))
    assert "关于“市政府第66次常务会议议定事项：数字政府建设”办理情况的报告" in report
    assert "青数据〔2026〕80号（签发人：周海涛）" in report and "审核退回" in report


def test_a_notice_made_again_after_an_extension_says_what_moved_its_due_date(invoke: Invoke, tmp_path: Path) -> None:
    """其他交办 10个工作日 from Tue 10-13 ends Tue 10-27; the 延期 of 30个工作日 approved on 10-26 runs from
    there to Tue 12-08. The limit alone (10个工作日) no longer leads to 12-08: the notice says why."""
    doc = make(invoke, tmp_path, "notice", "DC-2026-0016")
    rows = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}  # type: ignore[attr-defined]
    assert rows["办理时限"] == "10个工作日（原到期日 2026-10-27）"
    assert rows["延期"] == "2026-10-26 常务副市长 何国平批准，到期日由 2026-10-27 延至 2026-12-08"
    assert rows["到期日"] == "2026-12-08（已延期）"
    plain = {row.cells[0].text: row.cells[1].text for row in make(invoke, tmp_path, "notice", "DC-2026-0010").tables[0].rows}  # type: ignore[attr-defined]
    assert "延期" not in plain and "（" not in plain["办理时限"]


def test_unknown_case(invoke: Invoke) -> None:
    result = invoke(DEMO, "doc", "urge", "DC-2026-0999", "--today", TODAY)
    assert result.exit_code == 2 and "没有编号为「DC-2026-0999」的督查事项" in result.output


@pytest.mark.libreoffice
def test_urge_renders_in_libreoffice(invoke: Invoke, tmp_path: Path) -> None:
    make(invoke, tmp_path, "urge", "DC-2026-0010")
    source = tmp_path / "urge-DC-2026-0010.docx"
    pdf = to_pdf(source, tmp_path)
    artifacts = TESTS / "artifacts"
    artifacts.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(artifacts / "urge-red")], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first = re.sub(r"\s+", "", text.split("\f")[0])
    assert first.index("督查催办单（红色）") < first.index("DC-2026-0010") < first.index("请于3个工作日内报送办理结果")
    assert first.endswith("—1—")


@pytest.mark.parametrize(("kind", "case_id", "message"), [
    ("urge", "DC-2026-0005", "错误：DC-2026-0005 目前为「已办结」，不需要催办：催办单只发给已交办、尚未报送办理结果的事项。\n"),
    ("notice", "DC-2026-0025", ("错误：DC-2026-0025 尚未交办（截至 2026-11-23）：没有可通知或催办的承办单位。"
                               "修改：先在记录中填写交办日期和主办单位。\n")),
])
def test_documents_only_when_they_make_sense(kind: str, case_id: str, message: str, invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(DEMO, "doc", kind, case_id, "--as-of", TODAY, "-o", str(tmp_path / "x.docx"))
    assert (result.exit_code, result.output) == (2, message)
    assert not (tmp_path / "x.docx").exists()
