"""量化考核 (issue 25): the scores of tests/scoring/office, worked out by hand in tests/scoring/expected.yaml.

The scenario office has 13 cases across four units; between them every item of the fixed list is
scored at least once, caps cut in, co-units get their share, and the rules are revised on
2026-07-01. The expected lines are written in the scenario file with the working days counted in
the case files' comments; the test only reads what ``ducha score`` says.
"""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ducha.model.scoring import SCORE_ITEMS

from .conftest import EXAMPLES, TESTS, Invoke, check_golden

SCENARIO = TESTS / "scoring" / "office"
EXPECTED: dict[str, Any] = yaml.load((TESTS / "scoring" / "expected.yaml").read_text(encoding="utf-8"),
                                     Loader=yaml.BaseLoader)


def scores(invoke: Invoke, root: Path, period: str = "2026", as_of: str = "2026-12-31") -> list[dict[str, Any]]:
    result = invoke(root, "score", "--period", period, "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.output, parse_float=Decimal, parse_int=Decimal)
    return found


def lines(unit: dict[str, Any]) -> list[list[str]]:
    """A unit's items as the expected file writes them: [date, rule, case, role, points]."""
    return [[i["date"], i["rule"], i["case"] or "", i["role"] or "", str(i["points"])] for i in unit["items"]]


def test_the_scores_are_the_hand_worked_ones(invoke: Invoke) -> None:
    found = scores(invoke, SCENARIO)
    assert [u["unit"] for u in found] == list(EXPECTED["units"])  # in rank order
    for unit in found:
        expected = EXPECTED["units"][unit["unit"]]
        assert lines(unit) == expected["lines"], unit["unit"]
        assert (str(unit["score"]), str(unit["rank"])) == (expected["score"], expected["rank"])
        assert {key: str(value) for key, value in unit["counts"].items()} == expected["counts"]
        assert sum(Decimal(line[4]) for line in expected["lines"]) == Decimal(expected["score"])  # the file adds up
        assert (unit["period"], unit["as_of"], unit["final"]) == ("2026", "2026-12-31", True)


def test_the_scenario_scores_every_item_with_caps_shares_and_a_revision(invoke: Invoke) -> None:
    every = [line for unit in EXPECTED["units"].values() for line in unit["lines"]]
    assert {line[1] for line in every} == {*SCORE_ITEMS, "base", "floor", "ceiling"}
    assert {line[3] for line in every} == {"主办", "协办", ""}
    items = [i for unit in scores(invoke, SCENARIO) for i in unit["items"]]
    assert any("每件上限" in (i["what"] or "") for i in items if i["rule"] == "overdue_workdays")
    # 超期办结 is -1 before 2026-07-01 and -2 from it (the revision), for the lead unit.
    late = {i["date"]: i["points"] for i in items if i["rule"] == "closed_late" and i["role"] == "主办"}
    assert late == {"2026-01-07": -1, "2026-03-23": -1, "2026-07-06": -2, "2026-07-16": -2}


def test_next_year_the_year_gives_the_same_numbers(invoke: Invoke) -> None:
    assert scores(invoke, SCENARIO, as_of="2027-06-30") == scores(invoke, SCENARIO)


def test_a_quarter_counts_only_its_own_days_and_caps_afresh(invoke: Invoke) -> None:
    # 2026-Q3 for 市住建局: DC-2026-0003 was overdue 07-01, 02, 03 in the quarter (3 × -1 = -3, its own cap), closed
    # late 07-06 (-2); DC-2026-0008 as co-unit -1 and -1; DC-2026-0006 unsigned -0.5, closed on time as co-unit +0.5.
    unit = next(u for u in scores(invoke, SCENARIO, "2026-Q3", "2026-09-30") if u["unit"] == "市住建局")
    assert lines(unit) == [["2026-07-01", "base", "", "", "100"],
                           ["2026-07-03", "overdue_workdays", "DC-2026-0003", "主办", "-3"],
                           ["2026-07-06", "closed_late", "DC-2026-0003", "主办", "-2"],
                           ["2026-07-15", "overdue_workdays", "DC-2026-0008", "协办", "-1"],
                           ["2026-07-16", "closed_late", "DC-2026-0008", "协办", "-1"],
                           ["2026-08-05", "receipt_overdue", "DC-2026-0006", "", "-0.5"],
                           ["2026-08-17", "closed_on_time", "DC-2026-0006", "协办", "0.5"]]
    assert unit["score"] == 93


def test_a_running_score_counts_what_happened_so_far(invoke: Invoke) -> None:
    # On 2026-06-30 DC-2026-0003 is still open, 10 working days overdue: -5, capped at -3. 100 + 1 - 3 - 2 - 1 - 5 - 4 - 3
    # = 83, raised to the floor of 90.
    unit = next(u for u in scores(invoke, SCENARIO, as_of="2026-06-30") if u["unit"] == "市住建局")
    assert lines(unit)[-2:] == [["2026-06-30", "overdue_workdays", "DC-2026-0003", "主办", "-3"],
                                ["2026-06-30", "floor", "", "", "7"]]
    assert (unit["score"], unit["final"], unit["as_of"]) == (90, False, "2026-06-30")


def test_text_workbook_and_document(invoke: Invoke, tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    text = invoke(SCENARIO, "score", "--period", "2026", "--as-of", "2026-12-31").output
    assert text.startswith("考核测试市督查室2026年量化考核最终得分\n数据提交 （非 git 仓库）\n")
    assert "市住建局：90 分（第 4 名）" in text and "2026-12-31  +11      保底调整" in text
    book = tmp_path / "考核.xlsx"
    assert invoke(SCENARIO, "score", "--period", "2026", "--as-of", "2026-12-31", "--format", "xlsx", "-o",
                  str(book)).exit_code == 0
    workbook = load_workbook(io.BytesIO(book.read_bytes()))
    assert workbook.sheetnames == ["得分排名", *EXPECTED["units"]]
    for name, expected in EXPECTED["units"].items():
        rows = list(workbook[name].iter_rows(min_row=4, values_only=True))
        points = [Decimal(str(row[-1])) for row in rows[:-1]]
        assert len(points) == len(expected["lines"]) and sum(points) == Decimal(expected["score"])
        assert rows[-1][2] == "合计" and Decimal(str(rows[-1][-1])) == Decimal(expected["score"])
    paper = tmp_path / "考核.docx"
    assert invoke(SCENARIO, "score", "--period", "2026", "--as-of", "2026-12-31", "--format", "docx", "-o",
                  str(paper)).exit_code == 0
    body = "\n".join(cell.text for table in Document(str(paper)).tables for row in table.rows for cell in row.cells)
    assert "市卫健委" in body and "101.5" in body and "保底调整" in body


@pytest.mark.parametrize(("args", "message"), [
    (("--period", "2026-03"), "考核按年度、半年或季度计分，「2026-03」是月。"),
    (("--period", "2026", "--format", "xlsx"), "xlsx 格式须用 -o 指定输出文件"),
    (("--period", "2027", "--as-of", "2026-12-31"), "2027年从 2027-01-01 开始，截至 2026-12-31 尚未开始，没有得分。"),
])
def test_usage_errors(args: tuple[str, ...], message: str, invoke: Invoke) -> None:
    result = invoke(SCENARIO, "score", *args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_an_office_without_scoring_rules_is_told_how_to_add_them(invoke: Invoke, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "office.yaml", tmp_path / "office.yaml")
    (tmp_path / "cases").mkdir()
    result = invoke(tmp_path, "score", "--period", "2026")
    assert result.exit_code == 2
    assert "office.yaml 中没有量化考核规则（scoring）。修改：" in result.output


def test_the_site_shows_the_running_score_inside_only(invoke: Invoke, tmp_path: Path) -> None:
    root = shutil.copytree(SCENARIO, tmp_path / "office")
    assert invoke(root, "pages", "--as-of", "2026-09-30").exit_code == 0
    docs = root / "build" / "docs-internal"
    unit = (docs / "units" / "市住建局.md").read_text(encoding="utf-8")
    # As of 09-30 every line of 市住建局 has happened (the last on 08-17): 79, raised to the floor of 90.
    assert ('考核得分 <strong>90</strong>，第 4 名（截至 2026-09-30，考核期间进行中）；本期主办事项按期办结 1 项、超期办结 2 项'
            '（按期办结率 33.3%），超期未办结 0 项，退回重办 0 次。<a href="../scores/市住建局.html">计分明细</a>') in unit
    detail = (docs / "scores" / "市住建局.md").read_text(encoding="utf-8")
    assert '<a href="../cases/2026/DC-2026-0003.html">DC-2026-0003</a>（主办）' in detail and "保底调整" in detail
    index = (docs / "scores" / "index.md").read_text(encoding="utf-8")
    assert "超期每个工作日" in index and "2026-07-01 起修订" in index
    assert invoke(root, "pages", "--as-of", "2026-09-30", "--profile", "public").exit_code == 0
    public = root / "build" / "docs-public"
    assert not (public / "scores").exists()
    assert "考核得分" not in (public / "units" / "市住建局.md").read_text(encoding="utf-8")


def test_published_scores_hide_what_the_public_may_not_see(invoke: Invoke, tmp_path: Path) -> None:
    root = shutil.copytree(SCENARIO, tmp_path / "office")
    office = root / "office.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace("  revisions:\n", "  publish: 是\n  revisions:\n", 1),
                      encoding="utf-8")
    case = root / "cases" / "2026" / "DC-2026-0003.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "visibility: 内部\n", encoding="utf-8")
    assert invoke(root, "pages", "--as-of", "2026-12-31", "--profile", "public").exit_code == 0
    public = root / "build" / "docs-public"
    detail = (public / "scores" / "市住建局.md").read_text(encoding="utf-8")
    assert "DC-2026-0003" not in detail and "（内部信息，不公开）" in detail  # the line and its points stay, unnamed
    assert "<strong>90</strong>" in (public / "scores" / "index.md").read_text(encoding="utf-8")
    assert "DC-2026-0002" not in detail.split("通报批评")[1].split("</tr>")[0]  # criticism is not published
    assert not any("DC-2026-0003" in page.read_text(encoding="utf-8") for page in public.rglob("*.md"))


def test_the_tab_is_there_when_the_page_is() -> None:
    from ducha.outputs.site.settings import with_scores_tab

    nav = [{"总览": "index.md"}, {"通报": "notices/index.md"}, {"档案": "archive/index.md"}]
    assert with_scores_tab(nav, True) == [{"总览": "index.md"}, {"通报": "notices/index.md"}, {"考核": "scores/index.md"},
                                          {"档案": "archive/index.md"}]
    assert with_scores_tab(nav, False) == nav
    # Where the office's nav puts it, it stays; a site without the page has no tab leading nowhere.
    own = [{"总览": "index.md"}, {"统计": [{"考核": "scores/index.md"}, {"通报": "notices/index.md"}]}]
    assert with_scores_tab(own, True) == own
    assert with_scores_tab(own, False) == [{"总览": "index.md"}, {"统计": [{"通报": "notices/index.md"}]}]
    assert with_scores_tab(["index.md"], True) == ["index.md", {"考核": "scores/index.md"}]


RETURNED_BEHIND = """id: DC-2026-0001
title: 返修后续报
category: 领导批示
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 吴永强
requirements: 按批示要求办理并报送结果。
time_limit: 2026-06-30
reports:
  - {date: 2026-03-20, doc_no: 考建〔2026〕9号, signer: 吴永强, summary: 已办理。}
  - {date: 2026-05-20, doc_no: 考建〔2026〕10号, signer: 吴永强, summary: 已补充。}
reviews:
  - {date: 2026-04-10, reviewer: 王晓峰, result: 退回, opinion: 未附整改照片。}
  - {date: 2026-05-22, reviewer: 王晓峰, result: 通过}
"""


def test_a_case_returned_when_already_behind_misses_its_progress_that_day(invoke: Invoke, tmp_path: Path) -> None:
    # No progress since 交办 on 03-02; pending review 03-20 to 04-09 (not in hand, so not behind); returned on 04-10,
    # 39 days after 03-02: 需续报 from that day. The 30-day grid from 03-02 (04-02, 05-02, 06-01) gives 05-02 while it
    # is still in hand; 06-01 comes after the report of 05-20.
    root = tmp_path / "office"
    (root / "cases" / "2026").mkdir(parents=True)
    shutil.copy(SCENARIO / "office.yaml", root / "office.yaml")
    (root / "cases" / "2026" / "DC-2026-0001.yaml").write_text(RETURNED_BEHIND, encoding="utf-8")
    unit = next(u for u in scores(invoke, root) if u["unit"] == "市住建局")
    assert lines(unit) == [["2026-01-01", "base", "", "", "100"],
                           ["2026-04-10", "returned", "DC-2026-0001", "主办", "-1"],
                           ["2026-04-10", "progress_missed", "DC-2026-0001", "主办", "-0.5"],
                           ["2026-05-02", "progress_missed", "DC-2026-0001", "主办", "-0.5"],
                           ["2026-05-22", "closed_on_time", "DC-2026-0001", "主办", "1"]]
    # The status says 需续报 from the same day, and not the day before: a miss is counted the way it is shown.
    for day, behind in (("2026-04-09", False), ("2026-04-10", True), ("2026-05-02", True)):
        board = json.loads(invoke(root, "status", "--as-of", day, "--format", "json").output)
        assert board[0]["progress_overdue"] is behind, day


def test_the_text_is_a_reviewed_golden(invoke: Invoke) -> None:
    check_golden(TESTS / "golden" / "score-2026.txt", invoke(SCENARIO, "score", "--period", "2026", "--as-of", "2026-12-31").output)


KEY_ITEM = """id: DC-2026-0001
title: 重点事项随时报告
category: 领导批示
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 吴永强
requirements: 按批示要求办理并报送结果。
time_limit: 2026-06-30
priority: 重点
progress:
  - {date: 2026-03-05, summary: 已部署。}
reports:
  - {date: 2026-03-20, doc_no: 考建〔2026〕9号, signer: 吴永强, summary: 已办理。}
reviews:
  - {date: 2026-03-23, reviewer: 王晓峰, result: 通过}
"""


@pytest.mark.parametrize(("priority", "missed"), [("重点", [["2026-03-13", "progress_missed", "DC-2026-0001", "主办", "-0.5"]]),
                                                 ("", [])])
def test_a_key_item_misses_its_progress_at_its_own_interval(invoke: Invoke, tmp_path: Path, priority: str,
                                                            missed: list[list[str]]) -> None:
    # A 重点 item reports at any time (随时报告): 7 days here (the office's 30 is longer). Last progress 03-05, so
    # behind from 03-13 (8 days) until the report of 03-20 (pending review is not in hand). An ordinary item's
    # 18 days without progress stay within its 30.
    root = tmp_path / "office"
    (root / "cases" / "2026").mkdir(parents=True)
    shutil.copy(SCENARIO / "office.yaml", root / "office.yaml")
    text = KEY_ITEM if priority else KEY_ITEM.replace("priority: 重点\n", "")
    (root / "cases" / "2026" / "DC-2026-0001.yaml").write_text(text, encoding="utf-8")
    unit = next(u for u in scores(invoke, root) if u["unit"] == "市住建局")
    assert lines(unit) == [["2026-01-01", "base", "", "", "100"], *missed,
                           ["2026-03-23", "closed_on_time", "DC-2026-0001", "主办", "1"]]
    for day, behind in (("2026-03-12", False), ("2026-03-13", bool(priority))):
        board = json.loads(invoke(root, "status", "--as-of", day, "--format", "json").output)
        assert board[0]["progress_overdue"] is behind, day
