"""通报: periods, reconciliation, golden output, issued notices, consequences, and the DOCX."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from ducha.model.office import Wording
from ducha.outputs.text import report_markdown
from ducha.repo.snapshot import report_for
from ducha.rules.periods import parse_period

from .conftest import DEMO, TESTS, Invoke, check_golden
from .gitrepo import GitRepo, committed_demo
from .pixels import to_pdf

TODAY = "2026-11-23"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo records in a fresh repository with a fixed commit, so the report names a stable commit."""
    return committed_demo(tmp_path_factory.mktemp("report") / "repo")


@pytest.mark.parametrize(("code", "label", "start", "end"), [
    ("2026-W12", "2026年第12周", "2026-03-16", "2026-03-22"),
    ("2026-03", "2026年3月", "2026-03-01", "2026-03-31"),
    ("2026-02", "2026年2月", "2026-02-01", "2026-02-28"),
    ("2026-Q1", "2026年第一季度", "2026-01-01", "2026-03-31"),
    ("2026-q4", "2026年第四季度", "2026-10-01", "2026-12-31"),
    ("2026-H2", "2026年下半年", "2026-07-01", "2026-12-31"),
    ("2026", "2026年", "2026-01-01", "2026-12-31"),
])
def test_periods(code: str, label: str, start: str, end: str) -> None:
    period = parse_period(code)
    assert (period.label, period.start.isoformat(), period.end.isoformat()) == (label, start, end)


@pytest.mark.parametrize("code", ["2026-W54", "2026-13", "2026-Q5", "26-03", "上季度"])
def test_bad_period_is_a_usage_error(code: str, demo: Path, invoke: Invoke) -> None:
    result = invoke(demo, "report", "--period", code, "--today", TODAY)
    assert result.exit_code == 2 and "无法识别" in result.output


def _plain_records(root: Path) -> list[dict[str, Any]]:
    """The case files as plain YAML (every scalar a string), read without ducha's own reader."""
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) for p in sorted((root / "cases").rglob("*.yaml"))]


def _in(day: object, code: str) -> bool:
    start, end = {"2025": ("2025-01-01", "2025-12-31"), "2026-H1": ("2026-01-01", "2026-06-30"),
                  "2026-Q3": ("2026-07-01", "2026-09-30"), "2026-Q4": ("2026-10-01", "2026-12-31"),
                  "2026-10": ("2026-10-01", "2026-10-31"), "2026-W47": ("2026-11-16", "2026-11-22")}[code]
    return isinstance(day, str) and start <= day <= end


@pytest.mark.parametrize("code", ["2025", "2026-H1", "2026-Q3", "2026-Q4", "2026-10", "2026-W47"])
def test_every_number_reconciles_with_the_lists_and_the_records(code: str, demo: Path) -> None:
    report = report_for(demo, parse_period(code), dt.date.fromisoformat(TODAY))
    records = _plain_records(demo)
    # Counted here with plain loops over the YAML files, independently of ducha's reader and rules.
    assert len(report.registered) == sum(_in(r["registered"], code) for r in records)
    assert len(report.returned) == sum(_in(v["date"], code) and v["result"] == "退回" for r in records for v in r.get("reviews", []))
    assert len(report.extended) == sum(_in(e.get("approved"), code) for r in records for e in r.get("extensions", []))
    assert len(report.followups) == sum(_in(f["date"], code) for r in records for f in r.get("followups", []))
    # The unit table adds up to the totals, and the Markdown states the same numbers.
    assert sum(r.closed for r in report.units) == report.closed
    assert sum(r.on_time for r in report.units) == len(report.closed_on_time)
    assert sum(r.overdue_open for r in report.units) == len(report.overdue)
    text = report_markdown(report)
    for name, count in report.totals().items():
        assert f"| {name} | {count} |" in text


def test_fourth_quarter_lists_worked_out_by_hand(demo: Path) -> None:
    """2026-Q4 as of 2026-11-23, each item checked against its record and the 2026 holiday notice.

    DC-2026-0008: 领导批示 (5个工作日) assigned Mon 2026-09-28 → 9-29, 9-30, then 国庆 10-1…7 off,
    10-8, 10-9, and Sat 10-10 (调休上班) is the 5th working day; reported Wed 10-14: late by the
    working days 10-12, 10-13, 10-14 (Sun 10-11 is off), 超期3个工作日.
    DC-2026-0011: extended until 2026-11-13, no report by 11-23: overdue.
    DC-2026-0028: closed in May, reopened by 再督查 on Thu 2026-09-10 with 30个工作日 → 10-28 (9-11…9-30 14 days,
    国庆 off, 10-8…10-28 16 days with Sat 10-10 调休): no report since, overdue.
    """
    report = report_for(demo, parse_period("2026-Q4"), dt.date.fromisoformat(TODAY))
    assert sorted(i.id for i in report.overdue) == ["DC-2026-0003", "DC-2026-0009", "DC-2026-0010", "DC-2026-0011",
                                                   "DC-2026-0017", "DC-2026-0028"]
    assert [i.id for i in report.closed_on_time] == ["DC-2026-0005", "DC-2026-0007"]
    assert [(i.id, i.detail) for i in report.closed_late] == [("DC-2026-0008", "2026-10-15 办结，超期3个工作日")]


def test_units_are_ranked_by_on_time_rate(demo: Path) -> None:
    report = report_for(demo, parse_period("2026"), dt.date.fromisoformat(TODAY))
    # Units criticised in the period come last (本期批评 ranks first); within each group, by on-time rate.
    flags = [r.criticised_in_period for r in report.units]
    assert flags == sorted(flags) and True in flags
    for flag in (False, True):
        group = [r for r in report.units if r.criticised_in_period is flag]
        rates = [r.rate for r in group if r.rate is not None]
        assert rates == sorted(rates, reverse=True)
        assert all(r.rate is None for r in group[len(rates):])


def test_markdown_and_json_golden(demo: Path, invoke: Invoke) -> None:
    md = invoke(demo, "report", "--period", "2026-Q4", "--today", TODAY)
    js = invoke(demo, "report", "--period", "2026-Q4", "--today", TODAY, "--format", "json")
    assert md.exit_code == 0 and js.exit_code == 0
    check_golden(TESTS / "golden" / "report-2026-Q4.md", md.output)
    check_golden(TESTS / "golden" / "report-2026-Q4.json", js.output.replace(json.loads(js.output)["data_commit"], "<提交>"))
    # Same inputs, byte-identical output.
    assert invoke(demo, "report", "--period", "2026-Q4", "--today", TODAY).output == md.output
    data = json.loads(js.output)
    assert data["today"] == TODAY and data["data_commit"] == subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=demo, capture_output=True, text=True, check=True).stdout.strip()


def test_consequences_escalate_in_the_offices_words() -> None:
    city = Wording()
    assert [city.consequence(n) for n in (0, 1, 2, 3, 5)] == [
        "", "向市政府作出书面检查", "由市政府主要领导约谈单位主要负责人，取消年度评先评优资格",
        "提出问责建议，由纪检监察机关依规依纪依法问责", "提出问责建议，由纪检监察机关依规依纪依法问责"]
    district = Wording(superior="党工委、管委会", consequences=("", "", "提出问责建议，由区纪检监察部门依规问责"))
    assert [district.consequence(n) for n in (1, 2, 4)] == [
        "向党工委、管委会作出书面检查", "由党工委、管委会主要领导约谈单位主要负责人，取消年度评先评优资格",
        "提出问责建议，由区纪检监察部门依规问责"]


def test_issuing_writes_a_record_that_counts_and_cannot_be_edited(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    shutil.copy(DEMO / "office.yaml", repo.root / "office.yaml")
    shutil.copytree(DEMO / "cases", repo.root / "cases")
    shutil.copytree(DEMO / "attachments", repo.root / "attachments")  # the cases' registered files
    repo.commit("导入", date="2026-11-20T09:00:00+08:00")
    unapproved = invoke(repo.root, "report", "--period", "2026-W47", "--today", "2026-11-20", "--issue", "--number", "13")
    assert unapproved.exit_code == 2 and "印发通报须经主要领导同意" in unapproved.output  # office.yaml approvals.notice
    first = invoke(repo.root, "report", "--period", "2026-W47", "--today", "2026-11-20", "--issue", "--number", "13",
                   "--approver", "市长 刘志远")
    assert first.output == "已写入通报记录 notices/2026/2026-013.yaml：请核对后提交（git commit），经审核合并即为印发。\n"
    assert "\napproved_by: 市长 刘志远\n" in repo.read("notices/2026/2026-013.yaml")
    assert invoke(repo.root, "validate", "--today", TODAY).exit_code == 0
    again = invoke(repo.root, "report", "--period", "2026-W48", "--today", "2026-11-27", "--issue", "--number", "13",
                   "--approver", "市长 刘志远")
    assert again.exit_code == 2 and "已经印发" in again.output
    overlap = invoke(repo.root, "report", "--period", "2026-W47", "--today", "2026-11-20", "--issue", "--number", "14",
                     "--approver", "市长 刘志远")
    assert overlap.exit_code == 2 and "统计期间重叠" in overlap.output
    repo.commit("印发通报", date="2026-11-20T10:00:00+08:00")
    # Counted once, and never again for the same cause: the quarter's draft does not re-propose DC-2026-0010.
    draft = invoke(repo.root, "report", "--period", "2026-Q4", "--today", TODAY).output
    assert "| 11 | 市住建局（本期批评） | 0 | 0 | 0 | — | 2 | 0 | 1次（向市政府作出书面检查） |" in draft
    assert "DC-2026-0010 超期" not in draft.partition("十一、拟通报批评")[2]
    # Refused: editing an issued notice.
    repo.replace("notices/2026/2026-013.yaml", "超期24个工作日", "超期20个工作日")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", TODAY)
    assert guard.exit_code == 1
    assert guard.output.startswith("notices/2026/2026-013.yaml: 改动了已印发的督查通报：印发后不得修改。")


def test_bad_notice_record_is_reported(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(DEMO / "cases", repo.root / "cases")
    shutil.copytree(DEMO / "attachments", repo.root / "attachments")  # the cases' registered files
    repo.write("notices/2026/2026-001.yaml", "number: \"1\"\ndoc_no: 督查〔2026〕1号\ndate: 2026-02-30\nperiod: 2026-01\n"
                                             "data_commit: abc\npraised: []\ncriticised:\n  - unit: 市文旅局\n"
                                             "    reason: 超期\n    cases: [DC-2026-0099]\n")
    result = invoke(repo.root, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert "notices/2026/2026-001.yaml:3:7: [date] 日期「2026-02-30」不存在。" in result.output


@pytest.mark.libreoffice
def test_docx_follows_the_official_layout(demo: Path, invoke: Invoke, tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    target = tmp_path / "通报.docx"
    result = invoke(demo, "report", "--period", "2026-Q4", "--today", TODAY, "--format", "docx", "-o", str(target),
                    "--number", "14")
    assert result.exit_code == 0, result.output
    doc = Document(str(target))
    section = doc.sections[0]
    def mm(length: object) -> float:
        return round(length / Mm(1), 1)  # type: ignore[operator]  # stored in twips: compare to 0.1 mm

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert [mm(x) for x in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [
        37.0, 35.0, 28.0, 26.0]

    def runs_of(text: str) -> list[object]:
        return [r for p in doc.paragraphs if text in p.text for r in p.runs]

    title = runs_of("关于2026年第四季度督查事项办理情况的通报")[0]
    assert title.font.size == Pt(22)  # type: ignore[attr-defined]
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"  # type: ignore[attr-defined]
    body = runs_of("本期新立项")[0]
    assert body.font.size == Pt(16)  # type: ignore[attr-defined]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"  # type: ignore[attr-defined]
    heading = runs_of("一、总体情况")[0]
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"  # type: ignore[attr-defined]
    assert any(p.text == "青督查〔2026〕14号" for p in doc.paragraphs)
    body_paragraph = next(p for p in doc.paragraphs if "本期新立项" in p.text)
    assert body_paragraph.paragraph_format.line_spacing == Pt(28.95)
    footer_xml = section.footer._element.xml + section.even_page_footer._element.xml
    assert footer_xml.count(" PAGE ") == 2
    for table in doc.tables:
        assert abs(sum(c.width for c in table.columns) - Mm(156)) < Mm(0.5)  # fits the 版心 exactly
    # Render it as an office would see it: LibreOffice → PDF → PNG, kept as test artifacts.
    artifacts = TESTS / "artifacts"
    artifacts.mkdir(exist_ok=True)
    pdf = to_pdf(target, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(artifacts / "tongbao")], check=True)
    # What the rendered first page says, in reading order (line breaks and spacing dropped).
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first = re.sub(r"\s+", "", pages.split("\f")[0])
    assert "青督查〔2026〕14号" in first and "关于2026年第四季度督查事项办理情况的通报" in first
    assert first.endswith("—1—")  # the page number closes the page, as GB/T 9704 writes it
    assert first.index("青督查〔2026〕14号") < first.index("关于2026年第四季度") < first.index("一、总体情况")
