"""补录: entries recorded well after their date need a reason, and are marked in history, site and 通报.

The dates, worked out by hand on the 2026 calendar (no holiday in March):
领导批示 交办 2026-03-02 (Mon) → 5个工作日 → due 2026-03-09 (Mon).
(03-06, 03-20] holds 10 working days, (03-16, 03-20] 4, (03-17, 03-20] 3, (03-09, 03-27] 14.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from .conftest import Invoke
from .gitrepo import GitRepo
from .test_history import CASE, PATH

REPORT = """reports:
  - date: {date}
    doc_no: 测建〔2026〕3号
    signer: 吴永强
    summary: 排查完毕。
"""
REASON = "    late_reason: 纸质报告3月19日才送达督查室。\n"
REVIEW = """reviews:
  - date: 2026-03-09
    reviewer: 王晓峰
    result: 通过
"""


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, CASE)
    repo.commit("立项", date="2026-03-02T09:00:00+08:00")
    return repo


def guard(repo: GitRepo, invoke: Invoke, today: str) -> tuple[int, str]:
    result = invoke(repo.root, "guard", "--base", "main", "--today", today)
    return result.exit_code, result.output


def pull_request(repo: GitRepo, text: str, date: str) -> None:
    repo.git("checkout", "-q", "-b", "pr")
    repo.append(PATH, text)
    repo.commit("报送办理报告", date=date, author="李四")


# --- the guard -----------------------------------------------------------------------------------------


def test_guard_refuses_a_late_report_without_a_reason(repo: GitRepo, invoke: Invoke) -> None:
    pull_request(repo, REPORT.format(date="2026-03-06"), "2026-03-06T10:00:00+08:00")  # a back-dated commit
    code, output = guard(repo, invoke, "2026-03-20")
    assert code == 1
    assert output.splitlines()[0] == (
        f"{PATH}:10:11: [reports[0].date] 办理报告第1条的日期是 2026-03-06，今天（2026-03-20）才登记，晚了10个工作日："
        "超过3个工作日登记的是补录，补录须写明理由。 修改：在这一条里加一行 `late_reason: 补录原因`"
        "（如「纸质报告3月16日才送达」），它会在办理经过和通报中标明「补录」；如是日期写错，改正日期。")


def test_guard_passes_a_late_report_with_its_reason(repo: GitRepo, invoke: Invoke) -> None:
    pull_request(repo, REPORT.format(date="2026-03-06") + REASON, "2026-03-20T10:00:00+08:00")
    code, output = guard(repo, invoke, "2026-03-20")
    tip = repo.git("rev-parse", "main")[:8]
    assert (code, output) == (0, f"与 main（{tip}）相比，1 个督查事项文件有改动，均为追加；全部校验通过。\n")


@pytest.mark.parametrize(("date", "refused"), [("2026-03-16", True), ("2026-03-17", False)])
def test_three_working_days_is_the_default_limit(repo: GitRepo, invoke: Invoke, date: str, refused: bool) -> None:
    pull_request(repo, REPORT.format(date=date), "2026-03-20T10:00:00+08:00")
    code, output = guard(repo, invoke, "2026-03-20")
    assert ("补录须写明理由" in output) is refused
    assert code == (1 if refused else 0)


def test_the_limit_is_set_in_office_yaml(repo: GitRepo, invoke: Invoke) -> None:
    repo.append("office.yaml", "\nlate_entry_workdays: 10\n")
    repo.commit("补录期限 10 个工作日", date="2026-03-02T10:00:00+08:00")
    pull_request(repo, REPORT.format(date="2026-03-06"), "2026-03-20T10:00:00+08:00")
    assert guard(repo, invoke, "2026-03-20")[0] == 0  # 10 working days: not more than 10
    assert "晚了11个工作日" in guard(repo, invoke, "2026-03-23")[1]


def test_a_new_record_with_old_entries_needs_reasons_too(repo: GitRepo, invoke: Invoke) -> None:
    repo.git("checkout", "-q", "-b", "pr")
    repo.write("cases/2026/DC-2026-0002.yaml", CASE.replace("0001", "0002") + REPORT.format(date="2026-03-06"))
    code, output = guard(repo, invoke, "2026-03-20")
    assert code == 1 and output.startswith("cases/2026/DC-2026-0002.yaml:10:11: [reports[0].date] 办理报告第1条的日期是 2026-03-06")


def test_records_migrated_on_adoption_are_not_late(repo: GitRepo, invoke: Invoke) -> None:
    repo.append("office.yaml", "\nadopted_on: 2026-03-20\n")
    repo.commit("启用日期", date="2026-03-02T10:00:00+08:00")
    pull_request(repo, REPORT.format(date="2026-03-06"), "2026-03-20T10:00:00+08:00")
    assert guard(repo, invoke, "2026-03-20")[0] == 0
    assert guard(repo, invoke, "2026-03-23")[0] == 1  # the day after adoption the rule applies


def test_extension_asked_after_the_due_date_is_refused(repo: GitRepo, invoke: Invoke) -> None:
    pull_request(repo, "extensions:\n  - requested: 2026-03-10\n    reason: 情况复杂。\n    until: 2026-03-20\n",
                 "2026-03-10T10:00:00+08:00")
    code, output = guard(repo, invoke, "2026-03-10")
    assert code == 1
    assert output.splitlines()[0].startswith(
        f"{PATH}:10:16: [extensions[0].requested] 延期申请日期 2026-03-10 晚于它要延长的到期日 2026-03-09："
        "按《督促检查工作实施办法》第九条，确需延期的，承办单位应在办理期限届满前提前申请，最迟在到期日当天。")


def test_extension_asked_on_the_due_date_passes(repo: GitRepo, invoke: Invoke) -> None:
    pull_request(repo, "extensions:\n  - requested: 2026-03-09\n    reason: 情况复杂。\n    until: 2026-03-20\n",
                 "2026-03-09T10:00:00+08:00")
    assert guard(repo, invoke, "2026-03-09")[0] == 0


# --- what history, the site and the 通报 show -----------------------------------------------------------


@pytest.fixture
def recorded(repo: GitRepo) -> GitRepo:
    """A late report merged with its reason; then a review pushed straight to main, late and without one."""
    pull_request(repo, REPORT.format(date="2026-03-06") + REASON, "2026-03-19T16:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "pr", "-m", "Merge pull request '报送办理报告' (#1)\n\nReviewed-by: 王晓峰",
             date="2026-03-20T10:00:00+08:00", author="王晓峰")
    repo.append(PATH, REVIEW)
    repo.commit("审核通过", date="2026-03-27T10:00:00+08:00")
    return repo


def test_history_marks_both_late_entries(recorded: GitRepo, invoke: Invoke) -> None:
    merge = recorded.git("rev-parse", "HEAD^")[:8]
    head = recorded.git("rev-parse", "HEAD")[:8]
    result = invoke(recorded.root, "history", "DC-2026-0001")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  2026-03-06  办理报告  测建〔2026〕3号（签发：吴永强）：排查完毕。【补录：纸质报告3月19日才送达督查室。】" in lines
    start = lines.index("补录（晚于事情发生登记的记录）")
    assert lines[start + 1:start + 3] == [
        f"  办理报告（2026-03-06）2026-03-20 登记（提交 {merge}），晚10个工作日；补录理由：纸质报告3月19日才送达督查室。",
        f"  审核（2026-03-09）2026-03-27 登记（提交 {head}），晚14个工作日；未写补录理由",
    ]
    assert any("报送办理报告 测建〔2026〕3号（2026-03-06）【补录：纸质报告3月19日才送达督查室。】" in line for line in lines)


def test_history_json_lists_late_entries(recorded: GitRepo, invoke: Invoke) -> None:
    data = json.loads(invoke(recorded.root, "history", "DC-2026-0001", "--format", "json").output)
    assert [(e["log"], e["index"], e["date"], e["recorded"], e["workdays"], e["reason"]) for e in data["late"]] == [
        ("reports", 0, "2026-03-06", "2026-03-20", 10, "纸质报告3月19日才送达督查室。"),
        ("reviews", 0, "2026-03-09", "2026-03-27", 14, ""),
    ]


def test_history_has_no_late_section_when_all_is_on_time(repo: GitRepo, invoke: Invoke) -> None:
    repo.append(PATH, REPORT.format(date="2026-03-06"))
    repo.commit("报送办理报告", date="2026-03-06T17:00:00+08:00")
    result = invoke(repo.root, "history", "DC-2026-0001")
    assert result.exit_code == 0 and "补录" not in result.output


def test_case_page_marks_the_late_entry(recorded: GitRepo, invoke: Invoke) -> None:
    result = invoke(recorded.root, "pages", "--today", "2026-03-31")
    assert result.exit_code == 0, result.output
    page = next((recorded.root / "build").rglob("DC-2026-0001.md")).read_text(encoding="utf-8")
    assert "排查完毕。【补录：纸质报告3月19日才送达督查室。】</li>" in page


def test_report_flags_the_late_report_but_keeps_it_on_time(recorded: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    md = invoke(recorded.root, "report", "--period", "2026-03", "--today", "2026-03-31")
    assert md.exit_code == 0, md.output
    lines = md.output.splitlines()
    on_time = lines.index("## 四、办结事项（按期）（1）")
    assert lines[on_time + 4] == ("| 1 | DC-2026-0001 | 燃气安全隐患排查 | 市住建局 | "
                                  "2026-03-09 办结【补录：纸质报告3月19日才送达督查室。】 |")
    late = lines.index("## 附：本期补录的记录（2）")
    assert lines[late + 6:late + 8] == [
        ("| 1 | DC-2026-0001 | 燃气安全隐患排查 | 市住建局 | 办理报告（2026-03-06）2026-03-20 登记，晚10个工作日；"
         "补录理由：纸质报告3月19日才送达督查室。 |"),
        "| 2 | DC-2026-0001 | 燃气安全隐患排查 | 市住建局 | 审核（2026-03-09）2026-03-27 登记，晚14个工作日；未写补录理由 |",
    ]
    data = json.loads(invoke(recorded.root, "report", "--period", "2026-03", "--today", "2026-03-31",
                             "--format", "json").output)
    assert [i["detail"] for i in data["recorded_late"]] == [
        "办理报告（2026-03-06）2026-03-20 登记，晚10个工作日；补录理由：纸质报告3月19日才送达督查室。",
        "审核（2026-03-09）2026-03-27 登记，晚14个工作日；未写补录理由"]
    docx = tmp_path / "通报.docx"
    assert invoke(recorded.root, "report", "--period", "2026-03", "--today", "2026-03-31", "--format", "docx",
                  "-o", str(docx)).exit_code == 0
    text = [p.text for p in Document(str(docx)).paragraphs]
    assert "（五）本期补录的记录（2项）" in text


def test_report_of_a_period_without_late_entries_has_no_such_section(recorded: GitRepo, invoke: Invoke) -> None:
    result = invoke(recorded.root, "report", "--period", "2026-02", "--today", "2026-02-28")
    assert result.exit_code == 0 and "补录" not in result.output


def test_a_branch_committed_before_the_period_but_merged_in_it_is_recorded_in_it(repo: GitRepo, invoke: Invoke) -> None:
    """Recorded means brought into the main line: the merge's day, not the day the branch was written.

    (03-06, 04-01] holds 18 working days: 9—13, 16—20, 23—27 March, 30 and 31 March, 1 April.
    """
    pull_request(repo, REPORT.format(date="2026-03-06") + REASON, "2026-03-31T16:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "pr", "-m", "Merge pull request '报送办理报告' (#1)\n\nReviewed-by: 王晓峰",
             date="2026-04-01T10:00:00+08:00", author="王晓峰")
    april = invoke(repo.root, "report", "--period", "2026-04", "--today", "2026-04-30").output.splitlines()
    late = april.index("## 附：本期补录的记录（1）")
    assert april[late + 6] == ("| 1 | DC-2026-0001 | 燃气安全隐患排查 | 市住建局 | 办理报告（2026-03-06）2026-04-01 登记，"
                               "晚18个工作日；补录理由：纸质报告3月19日才送达督查室。 |")
    march = invoke(repo.root, "report", "--period", "2026-03", "--today", "2026-03-31").output
    assert "补录" not in march  # on 31 March it was still on its branch


def test_every_log_kind_can_carry_a_late_reason() -> None:
    """A new dated log joins the registry, and with it the 补录 rule: its entries and its schema take late_reason."""
    from ducha.model.logs import LOG_KINDS, Entry
    from ducha.schemas import load_schema

    schema = load_schema("case")["properties"]
    assert [kind.key for kind in LOG_KINDS if not issubclass(kind.entry, Entry)] == []
    assert [kind.key for kind in LOG_KINDS if "late_reason" not in schema[kind.key]["items"]["properties"]] == []
