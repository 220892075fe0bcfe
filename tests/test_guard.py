"""`ducha guard --base`: every rule has a pull request it refuses and one it lets through (and merges).

Each pull request is a real branch in a real repository, compared with main as the CI does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Invoke
from .gitrepo import GitRepo

PATH = "cases/2026/DC-2026-0001.yaml"
CASE = """id: DC-2026-0001
title: 燃气安全隐患排查
category: 领导批示
source:
  doc_no: 测政办〔2026〕3号
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 孙立新
requirements: 对全市餐饮场所开展燃气安全排查。
progress:
  - date: 2026-03-04
    by: 市住建局
    summary: 已排查餐饮场所620家。
extensions:
  - requested: 2026-03-05
    reason: 涉及多个部门。
    until: 2026-03-20
"""
CLOSED = """id: DC-2026-0002
title: 校园食品安全检查
category: 领导批示
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市教育局
owner: 高翔
requirements: 检查全市中小学食堂食品安全。
reports:
  - date: 2026-03-06
    doc_no: 测教〔2026〕1号
    signer: 梁红
    summary: 检查完毕。
reviews:
  - date: 2026-03-09
    reviewer: 王晓峰
    result: 通过
"""
REGISTERED = "id: DC-2026-0004\ntitle: 供暖专项督查\ncategory: 其他交办\nregistered: 2026-03-02\n"
BULLETIN = "number: \"1\"\ndate: 2026-03-10\ntitle: 燃气安全隐患排查情况\nreports_problem: 是\n"
NOTICE = """number: "1"
doc_no: 测督查〔2026〕1号
date: 2026-03-10
period: 2026-03
data_commit: {commit}
praised: []
criticised: []
"""
TODAY = "2026-11-23"
#: The day an honest pull request is judged: days after the entries it adds, not months (that would be 补录).
JUDGED = "2026-03-10"
CORRECTION = """corrections:
  - date: 2026-03-06
    field: lead_unit
    old: 市住建局
    new: 市教育局
    reason: 督查通知单写明由市教育局主办，登记时误录。
    approved_by: 督查室主任 周敏
"""
#: 领导批示 by default: 5 working days after 交办 on Monday 2026-03-02 (3, 4, 5, 6, 9 March).
DUE = "2026-03-09"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, CASE)
    repo.write("cases/2026/DC-2026-0002.yaml", CLOSED)
    repo.write("cases/2026/DC-2026-0004.yaml", REGISTERED)
    repo.write("bulletins/2026/2026-001.yaml", BULLETIN)
    first = repo.commit("立项")
    repo.write("notices/2026/2026-001.yaml", NOTICE.format(commit=first))
    repo.commit("印发通报", date="2026-03-10T09:00:00+08:00")
    return repo


def run(repo: GitRepo, invoke: Invoke, today: str = TODAY) -> tuple[int, str]:
    result = invoke(repo.root, "guard", "--base", "main", "--today", today)
    return result.exit_code, result.output


def open_pr(repo: GitRepo, edit: Callable[[GitRepo], object], message: str = "合并请求") -> None:
    """A branch off main carrying ``edit`` as one commit."""
    repo.git("checkout", "-q", "-b", "pr")
    edit(repo)
    repo.commit(message, date="2026-03-06T10:00:00+08:00")


def merge_pr(repo: GitRepo, invoke: Invoke, today: str = TODAY) -> None:
    """Merge the pull request as the server does; main must stay valid."""
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "合并请求\n\nReviewed-by: 王晓峰", "pr", date="2026-03-07T09:00:00+08:00")
    result = invoke(repo.root, "validate", "--today", today)
    assert result.exit_code == 0, result.output


def refused(output: str, expected: str) -> bool:
    return any(line.startswith(expected) for line in output.splitlines())


# --- 1. Facts are fixed; a correction is appended; the deadline moves only by what explains it. ----------

#: A value inside a logged entry put right: the closed case's only report was filed under a wrong number.
REPORT_CORRECTION = """corrections:
  - date: 2026-03-06
    field: reports[0].doc_no
    old: 测教〔2026〕1号
    new: 测教〔2026〕11号
    reason: 报告原件的发文字号为11号，登记时漏写一位。
    approved_by: 督查室主任 周敏
"""
EXTENSION_APPROVAL = "    approved: 2026-03-06\n    approved_by: 副市长 林静\n"
#: The approved extension's date was mistyped: 2026-03-27, not 2026-03-20; the due date moves with it.
EXTENSION_CORRECTION = REPORT_CORRECTION.replace("reports[0].doc_no", "extensions[0].until").replace(
    "测教〔2026〕1号", "2026-03-20").replace("测教〔2026〕11号", "2026-03-27")

PASSING: dict[str, Callable[[GitRepo], object]] = {
    "append progress": lambda r: r.replace(PATH, "extensions:", "  - date: 2026-03-06\n    summary: 已整改隐患12处。\nextensions:"),
    "approve the extension": lambda r: r.append(PATH, "    approved: 2026-03-06\n    approved_by: 副市长 林静\n"),
    "add a new case": lambda r: r.write("cases/2026/DC-2026-0003.yaml", CASE.replace("0001", "0003").replace(
        "620家。\n", "620家。\n    late_reason: 立项前的进展，随事项一并登记。\n").replace(  # 4 working days before: a 补录
        "registered: 2026-03-02\n", "registered: 2026-03-02\nlate_reason: 纸质批示件3月9日才转到督查室。\n")),  # and so is the record
    "edit the working notes": lambda r: r.append(PATH, "notes: 已电话提醒。\n"),
    "set a first value": lambda r: r.replace(PATH, "lead_unit: 市住建局\n", "lead_unit: 市住建局\nvisibility: 内部\n"),
    "add a source detail": lambda r: r.replace(PATH, "  doc_no: 测政办〔2026〕3号\n",
                                                "  doc_no: 测政办〔2026〕3号\n  leader: 副市长 林静\n"),
    "assign for the first time": lambda r: r.append("cases/2026/DC-2026-0004.yaml",
                                                    "assigned: 2026-03-09\nlead_unit: 市教育局\nowner: 高翔\nrequirements: 按要求办理。\n"
                                                    "time_limit: 10个工作日\n"),
    "correct the lead unit": lambda r: r.append(PATH, CORRECTION),
    "correct the time limit": lambda r: r.append(PATH, CORRECTION.replace("lead_unit", "time_limit")
                                                 .replace("old: 市住建局", "old: \"\"").replace("new: 市教育局", "new: 10个工作日")),
    "correct a report's number on a closed case": lambda r: r.append("cases/2026/DC-2026-0002.yaml", REPORT_CORRECTION),
    "correct an extension's term": lambda r: r.append(PATH, EXTENSION_APPROVAL + EXTENSION_CORRECTION),
    "add a bulletin": lambda r: r.write("bulletins/2026/2026-002.yaml", BULLETIN.replace('"1"', '"2"')),
    "change only the system": lambda r: r.write("README.md", "# 督查\n"),
}

FAILING: dict[str, tuple[Callable[[GitRepo], object], str]] = {
    "rewrite the title": (lambda r: r.replace(PATH, "title: 燃气安全隐患排查", "title: 燃气安全隐患排查整治"),
                          f"{PATH}:2:8: [title] 改写了事项名称 燃气安全隐患排查 → 燃气安全隐患排查整治：已记录的事实不能改写。"),
    "rewrite the lead unit": (lambda r: r.replace(PATH, "lead_unit: 市住建局", "lead_unit: 市教育局"),
                              f"{PATH}:8:12: [lead_unit] 改写了主办单位 市住建局 → 市教育局：已记录的事实不能改写。"),
    "rewrite the category": (lambda r: r.replace(PATH, "category: 领导批示", "category: 上级交办"),
                             f"{PATH}:3:11: [category] 改写了来源类型 领导批示 → 上级交办：已记录的事实不能改写。"),
    "rewrite the source": (lambda r: r.replace(PATH, "测政办〔2026〕3号", "测政办〔2026〕9号"),
                           f"{PATH}:5:11: [source.doc_no] 改写了依据·文号 测政办〔2026〕3号 → 测政办〔2026〕9号：已记录的事实不能改写。"),
    "set a time limit after 交办": (lambda r: r.append(PATH, "time_limit: 2027-06-30\n"),
                                   f"{PATH}:19:13: [time_limit] 交办后补填了办理时限（2027-06-30），改变了交办的内容：已记录的事实不能改写。"),
    "add a co-unit after 交办": (lambda r: r.append(PATH, "co_units: [市财政局]\n"),
                                f"{PATH}:19:11: [co_units] 交办后补填了协办单位（市财政局），改变了交办的内容：已记录的事实不能改写。"),
    "rewrite the id": (lambda r: r.replace(PATH, "id: DC-2026-0001", "id: DC-2026-0009"),
                       f"{PATH}:1:5: [id] 改写了编号 DC-2026-0001 → DC-2026-0009：编号不能改写。"),
    "rewrite registered": (lambda r: r.replace(PATH, "registered: 2026-03-02", "registered: 2026-03-01"),
                           f"{PATH}:6:13: [registered] 改写了立项日期 2026-03-02 → 2026-03-01：已记录的事实不能改写。"),
    "rewrite assigned": (lambda r: r.replace(PATH, "assigned: 2026-03-02", "assigned: 2026-03-03"),
                         f"{PATH}:7:11: [assigned] 改写了交办日期 2026-03-02 → 2026-03-03：已记录的事实不能改写。"),
    "edit a progress entry": (lambda r: r.replace(PATH, "已排查餐饮场所620家。", "已排查餐饮场所700家。"),
                              f"{PATH}:12:5: [progress[0]] 改写了办理进展第1条：已记录的内容只能追加，不能改写或删除。"),
    "remove a progress entry": (lambda r: r.replace(PATH, "progress:\n  - date: 2026-03-04\n    by: 市住建局\n"
                                                          "    summary: 已排查餐饮场所620家。\n", ""),
                                f"{PATH}: [progress[0]] 删除了办理进展第1条：已记录的内容只能追加，不能改写或删除。（原文件第 12 行）"),
    "rewrite the extension reason": (lambda r: r.replace(PATH, "涉及多个部门。", "情况复杂。"),
                                     f"{PATH}:16:5: [extensions[0]] 改写了延期第1条：已记录的内容只能追加，不能改写或删除。"),
    "rewrite a report's number in place": (
        lambda r: r.replace("cases/2026/DC-2026-0002.yaml", "测教〔2026〕1号", "测教〔2026〕11号"),
        ("cases/2026/DC-2026-0002.yaml:10:5: [reports[0]] 改写了办理报告第1条：已记录的内容只能追加，不能改写或删除。"
         " 修改：恢复原来的内容：已记录的条目不能改写。原记录确有错误的，在 corrections（更正）末尾追加经批准的更正（一条）——"
         "field: reports[0].doc_no，old: 测教〔2026〕1号，new: 测教〔2026〕11号——并写明 date（批准日期）、reason（理由）和 "
         "approved_by（批准人）：更正后各处按新值显示，原值留在记录中。")),
    "correct an entry that is not there": (
        lambda r: r.append("cases/2026/DC-2026-0002.yaml", REPORT_CORRECTION.replace("reports[0]", "reports[1]")),
        ("cases/2026/DC-2026-0002.yaml:20:12: [corrections[0].field] 更正的是办理报告第2条，而本事项的办理报告只有 1 条"
         "（第1条写作 reports[0]，第2条写作 reports[1]……）。")),
    "correct a date so the extension comes after the due date": (
        lambda r: r.append(PATH, REPORT_CORRECTION.replace("reports[0].doc_no", "extensions[0].requested").replace(
            "测教〔2026〕1号", "2026-03-05").replace("测教〔2026〕11号", "2026-03-10")),
        f"{PATH}:23:10: [corrections[0].new] 延期申请日期 2026-03-10 晚于它要延长的到期日 2026-03-09"),
    "correct with a wrong old value": (lambda r: r.append(PATH, CORRECTION.replace("old: 市住建局", "old: 市财政局")),
                                       f"{PATH}:22:10: [corrections[0].old] 更正的原值「市财政局」与记录中主办单位的值「市住建局」不一致。"),
    "correct the id": (lambda r: r.append(PATH, CORRECTION.replace("field: lead_unit", "field: id")),
                       f"{PATH}:21:12: [corrections[0].field] 「更正第1条·更正字段」的值「id」格式不对。"),
    "correct to an unregistered unit": (lambda r: r.append(PATH, CORRECTION.replace("new: 市教育局", "new: 市文旅局")),
                                        f"{PATH}:23:10: [corrections[0].new] 主办单位「市文旅局」未在 office.yaml 中登记。"),
    "break validation": (lambda r: r.write("cases/2026/DC-2026-0003.yaml", CASE.replace("0001", "0003").replace("市住建局", "市文旅局")),
                         "cases/2026/DC-2026-0003.yaml:8:12: [lead_unit] 主办单位「市文旅局」未在 office.yaml 中登记。"),
}


@pytest.mark.parametrize("change", PASSING, ids=list(PASSING))
def test_additions_pass_and_merge(change: str, repo: GitRepo, invoke: Invoke) -> None:
    open_pr(repo, PASSING[change], change)
    code, output = run(repo, invoke, JUDGED)
    assert code == 0, output
    assert "均为追加；全部校验通过。" in output
    merge_pr(repo, invoke)


@pytest.mark.parametrize("change", FAILING, ids=list(FAILING))
def test_rewrites_fail(change: str, repo: GitRepo, invoke: Invoke) -> None:
    edit, expected = FAILING[change]
    open_pr(repo, edit, change)
    code, output = run(repo, invoke)
    assert code == 1
    assert refused(output, expected), output


def test_a_correction_is_what_every_output_shows(repo: GitRepo, invoke: Invoke) -> None:
    open_pr(repo, PASSING["correct the lead unit"])
    merge_pr(repo, invoke)
    assert "lead_unit: 市住建局" in repo.read(PATH)  # the record keeps what was first written
    board = json.loads(invoke(repo.root, "status", "--today", TODAY, "--format", "json").output)
    assert [row["lead_unit"] for row in board if row["id"] == "DC-2026-0001"] == ["市教育局"]
    history = invoke(repo.root, "history", "DC-2026-0001").output
    assert "  2026-03-06  更正  主办单位 市住建局 → 市教育局；理由：督查通知单写明由市教育局主办，登记时误录。（督查室主任 周敏批准）" in history
    assert "更正：主办单位 市住建局 → 市教育局（督查室主任 周敏批准）" in history  # the audit trail's words


def test_a_correction_inside_an_entry_is_what_every_output_shows(repo: GitRepo, invoke: Invoke) -> None:
    open_pr(repo, PASSING["correct a report's number on a closed case"])
    merge_pr(repo, invoke)
    assert "doc_no: 测教〔2026〕1号" in repo.read("cases/2026/DC-2026-0002.yaml")  # the record keeps what was first written
    history = invoke(repo.root, "history", "DC-2026-0002").output
    assert "  2026-03-06  办理报告  测教〔2026〕11号（签发：梁红）：检查完毕。" in history
    assert ("  2026-03-06  更正  办理报告第1条·发文字号 测教〔2026〕1号 → 测教〔2026〕11号；理由：报告原件的发文字号为11号，"
            "登记时漏写一位。（督查室主任 周敏批准）") in history
    assert "更正：办理报告第1条·发文字号 测教〔2026〕1号 → 测教〔2026〕11号（督查室主任 周敏批准）" in history  # the audit trail


def test_a_correction_of_an_extension_moves_the_due_date_it_explains() -> None:
    """A due date moved by a corrected entry is explained by that correction, and by no correction of anything else."""
    from ducha.model.office import CategoryRule, Office
    from ducha.model.timelimit import TimeLimit, TimeUnit
    from ducha.repo.guard import _case_at, _own_deadline

    office = Office(name="测试", categories={"领导批示": CategoryRule(TimeLimit(5, TimeUnit.WORKDAYS))})
    approved = CASE + EXTENSION_APPROVAL
    old = _case_at(approved.encode(), PATH)
    corrected = _case_at((approved + EXTENSION_CORRECTION).encode(), PATH)
    other = EXTENSION_CORRECTION.replace("extensions[0].until", "progress[0].summary").replace(
        "2026-03-20", "已排查餐饮场所620家。").replace("2026-03-27", "已排查餐饮场所602家。")
    edited = _case_at((approved.replace("until: 2026-03-20", "until: 2026-03-27") + other).encode(), PATH)
    today = dt.date(2026, 11, 23)
    assert corrected[0] is not None and edited[0] is not None
    assert _own_deadline(PATH, old, corrected[0], corrected[1], office, today) == []
    assert [p.message for p in _own_deadline(PATH, old, edited[0], edited[1], office, today)] == [
        "到期日由 2026-03-20 变为 2026-03-27，但本次没有追加经批准的延期或更正：到期日只能由经批准的延期（extensions）或更正（corrections）改变。"]


def test_a_corrected_time_limit_moves_the_due_date(repo: GitRepo, invoke: Invoke) -> None:
    open_pr(repo, PASSING["correct the time limit"])
    merge_pr(repo, invoke)
    board = json.loads(invoke(repo.root, "status", "--today", TODAY, "--format", "json").output)
    # 10 working days after 2026-03-02: 3–6, 9–13, 16 March.
    assert [row["due"] for row in board if row["id"] == "DC-2026-0001"] == ["2026-03-16"]


def test_a_pinned_day_is_the_day_everywhere_the_guard_judges(repo: GitRepo, invoke: Invoke) -> None:
    """--as-of pins the day: what the pull request writes is judged against it (an entry after it is in the future,
    one long before it a 补录), and what main already holds, dated after it, is not blamed on the branch."""
    open_pr(repo, PASSING["append progress"])  # dated 2026-03-06; main holds a review of 03-09 and a notice of 03-10
    assert run(repo, invoke, "2026-03-06") == (
        0, "与 main（" + repo.git("rev-parse", "main")[:8] + "）相比，1 个督查事项文件有改动，均为追加；全部校验通过。\n")
    code, output = run(repo, invoke, "2026-03-05")
    assert code == 1 and output.splitlines() == [
        (f"{PATH}:15:11: [progress[1].date] 日期 2026-03-06 晚于今天（2026-03-05），记录的应是已经发生的事。"
        " 修改：检查日期是否写错；尚未发生的事不要提前记录。"),
        "检查了 1 个文件，发现 1 个问题（涉及 1 个文件）。"]
    code, output = run(repo, invoke, "2026-03-20")  # 10 working days after the entry's date
    assert code == 1 and refused(output, f"{PATH}:15:11: [progress[1].date] 办理进展第2条的日期是 2026-03-06，今天（2026-03-20）才登记，晚了10个工作日")


# --- office.yaml: existing due dates and lights stay; a rule for new cases carries an effective date. ------

OFFICE_EDITS: dict[str, tuple[Callable[[GitRepo], object], str]] = {
    "raise a category's default time limit": (
        lambda r: r.replace("office.yaml", "categories:\n", "categories:\n  领导批示:\n    time_limit: 10个工作日\n"),
        ("office.yaml:13:5: [categories.领导批示] office.yaml 的改动使 2 个已有事项的到期日或灯色随之改变"
        f"（DC-2026-0001 {DUE}（红灯）→ 2026-03-16（红灯）；DC-2026-0002 {DUE}（按期办结）→ 2026-03-16（按期办结））")),
    "add a holiday to a year the calendar knows": (
        lambda r: r.append("office.yaml", "holiday_overrides:\n  \"2026\":\n    holidays: [2026-03-05]\n"),
        ("office.yaml:19:3: [holiday_overrides] office.yaml 的改动使 2 个已有事项的到期日或灯色随之改变"
        f"（DC-2026-0001 {DUE}（红灯）→ 2026-03-10（红灯）；DC-2026-0002 {DUE}（按期办结）→ 2026-03-10（按期办结））")),
    "revise a rule from a date already past": (
        lambda r: r.replace("office.yaml", "categories:\n", "categories:\n  领导批示:\n    revisions:\n"
                                                          "      - effective_from: 2026-03-01\n        time_limit: 10个工作日\n"),
        "office.yaml:13:5: [categories.领导批示] office.yaml 的改动使 2 个已有事项的到期日或灯色随之改变"),
}


@pytest.mark.parametrize("change", OFFICE_EDITS, ids=list(OFFICE_EDITS))
def test_office_edits_that_move_existing_deadlines_fail(change: str, repo: GitRepo, invoke: Invoke) -> None:
    edit, expected = OFFICE_EDITS[change]
    open_pr(repo, edit, change)
    code, output = run(repo, invoke)
    assert code == 1
    assert refused(output, expected), output


REVISION = ("categories:\n  领导批示:\n    revisions:\n      - effective_from: 2026-06-01\n        time_limit: 10个工作日\n")


def test_a_rule_for_new_cases_passes_and_applies_from_its_date(repo: GitRepo, invoke: Invoke) -> None:
    open_pr(repo, lambda r: r.replace("office.yaml", "categories:\n", REVISION), "领导批示时限自12月起调整")
    code, output = run(repo, invoke)
    assert code == 0, output
    merge_pr(repo, invoke)
    before = CASE.replace("0001", "0005").replace("2026-03-02", "2026-05-29").replace("2026-03-04", "2026-05-29") \
        .replace("2026-03-05", "2026-05-29")
    after = before.replace("0005", "0006").replace("2026-05-29", "2026-06-01")
    repo.write("cases/2026/DC-2026-0005.yaml", before)
    repo.write("cases/2026/DC-2026-0006.yaml", after)
    board = json.loads(invoke(repo.root, "status", "--today", "2026-06-01", "--format", "json").output)
    due = {row["id"]: row["due"] for row in board}
    # Assigned Fri 29 May, before the revision: 5 working days (1–5 Jun). Assigned Mon 1 Jun: 10 (2–5, 8–12, 15 Jun).
    assert (due["DC-2026-0001"], due["DC-2026-0005"], due["DC-2026-0006"]) == (DUE, "2026-06-05", "2026-06-15")


def test_official_holidays_for_a_guessed_year_pass(repo: GitRepo, invoke: Invoke) -> None:
    # Assigned 28 Dec 2026, 5 working days: 29–31 Dec, then 2027, which the calendar package does not know yet:
    # 1 Jan is guessed a working day (due 4 Jan, provisional); the State Council notice makes it 5 Jan.
    late = CASE.replace("0001", "0005").replace("2026-03-02", "2026-12-28").replace("2026-03-04", "2026-12-28") \
        .replace("2026-03-05", "2026-12-28").replace("until: 2026-03-20", "until: 2027-01-20")
    repo.write("cases/2026/DC-2026-0005.yaml", late)
    repo.commit("立项", date="2026-12-28T09:00:00+08:00")
    board = json.loads(invoke(repo.root, "status", "--today", "2026-12-30", "--format", "json").output)
    assert [(r["due"], r["provisional"]) for r in board if r["id"] == "DC-2026-0005"] == [("2027-01-04", True)]
    open_pr(repo, lambda r: r.append("office.yaml", "holiday_overrides:\n  \"2027\":\n    holidays: [2027-01-01]\n"))
    code, output = run(repo, invoke, today="2026-12-30")
    assert code == 0, output
    merge_pr(repo, invoke, today="2026-12-30")
    board = json.loads(invoke(repo.root, "status", "--today", "2026-12-30", "--format", "json").output)
    assert [(r["due"], r["provisional"]) for r in board if r["id"] == "DC-2026-0005"] == [("2027-01-05", False)]


def test_a_revision_does_not_move_a_guessed_due_date(repo: GitRepo, invoke: Invoke) -> None:
    """Issue 21: a revision effective from an existing case's 交办 day moved its 暂定 due date: the invariant
    skipped guessed dates. Only the calendar (the State Council's notice) may move one, as above."""
    late = CASE.replace("0001", "0005").replace("2026-03-02", "2026-12-28").replace("2026-03-04", "2026-12-28") \
        .replace("2026-03-05", "2026-12-28").replace("until: 2026-03-20", "until: 2027-01-20")
    repo.write("cases/2026/DC-2026-0005.yaml", late)
    repo.commit("立项", date="2026-12-28T09:00:00+08:00")
    open_pr(repo, lambda r: r.replace("office.yaml", "categories:\n", REVISION.replace("2026-06-01", "2026-12-28")))
    code, output = run(repo, invoke, today="2026-12-30")
    assert code == 1 and output.splitlines()[0].split(" 修改：")[0] == (
        "office.yaml:13:5: [categories.领导批示] office.yaml 的改动使 1 个已有事项的到期日或灯色随之改变"
        "（DC-2026-0005 2027-01-04（黄灯）→ 2027-01-11（绿灯））：已有事项的期限只能由经批准的延期或更正改变。")


def test_a_due_date_moved_without_explanation_is_refused() -> None:
    """Below the field rules, a second line: the case's own due date, before and after, needs an explanation."""
    from ducha.model.office import CategoryRule, Office
    from ducha.model.timelimit import TimeLimit, TimeUnit
    from ducha.repo.guard import _case_at, _own_deadline

    office = Office(name="测试", categories={"领导批示": CategoryRule(TimeLimit(5, TimeUnit.WORKDAYS))})
    old = _case_at(CASE.encode(), PATH)
    moved = _case_at(CASE.replace("lead_unit: 市住建局\n", "lead_unit: 市住建局\ntime_limit: 2026-06-30\n").encode(), PATH)
    approved = CASE.replace("lead_unit: 市住建局\n", "lead_unit: 市住建局\ntime_limit: 2026-06-30\n") \
        + "    approved: 2026-03-06\n    approved_by: 副市长 林静\n"
    explained = _case_at(approved.encode(), PATH)
    today = dt.date(2026, 11, 23)
    problems = _own_deadline(PATH, old, moved[0], moved[1], office, today)
    assert [p.message for p in problems] == [("到期日由 2026-03-09 变为 2026-06-30，但本次没有追加经批准的延期或更正："
                                            "到期日只能由经批准的延期（extensions）或更正（corrections）改变。")]
    assert _own_deadline(PATH, old, explained[0], explained[1], office, today) == []


# --- 2. Nothing can hide. -------------------------------------------------------------------------------------

HIDING: dict[str, tuple[Callable[[GitRepo], object], list[str]]] = {
    "rename a case to .yml": (lambda r: r.move(PATH, PATH.replace(".yaml", ".yml")), [
        f"{PATH.replace('.yaml', '.yml')}: [id] 文件由 {PATH} 改名或移动为 {PATH.replace('.yaml', '.yml')}：记录的文件名和位置由编号决定",
        f"{PATH.replace('.yaml', '.yml')}: 扩展名是 .yml：ducha 只读取 .yaml 文件"]),
    "keep a .bak copy": (lambda r: r.write(PATH + ".bak", CASE), [f"{PATH}.bak: 这是备份或临时文件，不是记录。"]),
    "put a case outside its year": (lambda r: r.write("cases/DC-2026-0003.yaml", CASE.replace("0001", "0003")),
                                    ["cases/DC-2026-0003.yaml:1:5: [id] 编号年份 2026 与所在文件夹「cases」不一致。"]),
    "move a case to another year": (lambda r: r.move(PATH, "cases/2025/DC-2026-0001.yaml"), [
        f"cases/2025/DC-2026-0001.yaml: [id] 文件由 {PATH} 改名或移动为 cases/2025/DC-2026-0001.yaml"]),
    "drop a stray file": (lambda r: r.write("cases/2026/说明.docx", "x"), ["cases/2026/说明.docx: cases/ 下只能有督查事项记录"]),
    "delete a case": (lambda r: (r.root / PATH).unlink(), [f"{PATH}: 删除了督查事项文件：督查事项不能删除。"]),
    "delete a notice": (lambda r: (r.root / "notices/2026/2026-001.yaml").unlink(),
                        ["notices/2026/2026-001.yaml: 删除了已印发的督查通报：印发后不得删除。"]),
    "rename a notice": (lambda r: r.move("notices/2026/2026-001.yaml", "notices/2026/2026-001.yml"), [
        "notices/2026/2026-001.yml: 把已印发的督查通报 notices/2026/2026-001.yaml 改名或移动为 notices/2026/2026-001.yml：印发后不得改名。",
        "notices/2026/2026-001.yml: 扩展名是 .yml"]),
    "edit a notice": (lambda r: r.replace("notices/2026/2026-001.yaml", "2026-03-10", "2026-03-11"),
                      ["notices/2026/2026-001.yaml: 改动了已印发的督查通报：印发后不得修改。"]),
    "move a notice down a folder": (lambda r: r.move("notices/2026/2026-001.yaml", "notices/2026/旧/2026-001.yaml"),
                                    ["notices/2026/旧/2026-001.yaml: notices/ 下只能有已印发的通报"]),
    "delete a bulletin": (lambda r: (r.root / "bulletins/2026/2026-001.yaml").unlink(),
                          ["bulletins/2026/2026-001.yaml: 删除了已印发的督查专报：印发后不得删除。"]),
    "edit a bulletin": (lambda r: r.replace("bulletins/2026/2026-001.yaml", "是", "否"),
                        ["bulletins/2026/2026-001.yaml: 改动了已印发的督查专报：印发后不得修改。"]),
    "misname a new bulletin": (lambda r: r.write("bulletins/2026/第2期.yaml", BULLETIN.replace('"1"', '"2"')),
                               ["bulletins/2026/第2期.yaml: bulletins/ 下只能有督查专报"]),
}


@pytest.mark.parametrize("change", HIDING, ids=list(HIDING))
def test_nothing_can_hide(change: str, repo: GitRepo, invoke: Invoke) -> None:
    edit, expected = HIDING[change]
    open_pr(repo, edit, change)
    code, output = run(repo, invoke)
    assert code == 1
    assert all(refused(output, line) for line in expected), output



def test_deleting_every_case_is_refused_case_by_case_and_nothing_else(repo: GitRepo, invoke: Invoke) -> None:
    """The records folder gone with its last case (found by the guard's model test): each removal is named,
    and the missing folder is no unreadable file of its own."""
    import shutil

    open_pr(repo, lambda r: shutil.rmtree(r.root / "cases"), "删除全部事项")
    code, output = run(repo, invoke)
    assert code == 1
    removed = [line for line in output.splitlines() if "删除了督查事项文件：督查事项不能删除。" in line]
    assert [line.split(":")[0] for line in removed] == [
        "cases/2026/DC-2026-0001.yaml", "cases/2026/DC-2026-0002.yaml", "cases/2026/DC-2026-0004.yaml"]
    assert not any(line.startswith("cases:") for line in output.splitlines()), output

def test_validate_reports_files_of_unknown_kind(repo: GitRepo, invoke: Invoke) -> None:
    repo.write(PATH + ".bak", CASE)
    repo.move("notices/2026/2026-001.yaml", "notices/2026-001.yaml")
    result = invoke(repo.root, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"{PATH}.bak: 这是备份或临时文件，不是记录。 修改：删除它：每个版本都已保存在 git 历史中，不需要另存备份。",
        ("notices/2026-001.yaml: notices/ 下只能有已印发的通报（notices/<年份>/<年份>-<序号>.yaml），这个文件不是其中之一，"
        "会被所有统计忽略。 修改：按上面的规则改名或移到正确的文件夹（git mv）；不属于记录的文件移出该文件夹。")]


def test_archived_record_cannot_be_touched(repo: GitRepo, invoke: Invoke) -> None:
    assert invoke(repo.root, "archive", "--year", "2026", "--today", TODAY).exit_code == 0
    repo.commit("归档", date="2026-11-23T10:00:00+08:00")
    open_pr(repo, lambda r: r.append("cases/2026/DC-2026-0002.yaml", "notes: 补充说明。\n"))
    code, output = run(repo, invoke)
    assert code == 1
    assert output.startswith("cases/2026/DC-2026-0002.yaml: [archive] 该记录已归档封存，不能再做任何修改。")


def test_archive_manifest_is_append_only(repo: GitRepo, invoke: Invoke) -> None:
    invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    repo.commit("归档", date="2026-11-23T10:00:00+08:00")
    manifest = "cases/2026/ARCHIVE.sha256"
    assert "0001-2026-D30-0001" in repo.read(manifest)  # 领导批示: 30年 by default
    open_pr(repo, lambda r: r.replace(manifest, "0001-2026-D30-0001", "0001-2026-D30-0009"))
    code, output = run(repo, invoke)
    assert code == 1
    assert f"{manifest}: 改动、删除或移动了归档清单中已有的内容：归档清单只能追加。" in output


def test_archiving_more_later_passes(repo: GitRepo, invoke: Invoke) -> None:
    invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    repo.commit("归档", date="2026-11-23T10:00:00+08:00")
    repo.append(PATH, "reports:\n  - date: 2026-03-09\n    doc_no: 测建〔2026〕3号\n    signer: 吴永强\n    summary: 完成。\n"
                      "reviews:\n  - date: 2026-03-10\n    reviewer: 王晓峰\n    result: 通过\n")
    repo.commit("办结", date="2026-11-23T11:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr")
    assert invoke(repo.root, "archive", "--year", "2026", "--today", TODAY).exit_code == 0
    repo.commit("归档", date="2026-11-23T12:00:00+08:00")
    code, output = run(repo, invoke)
    assert code == 0, output
    merge_pr(repo, invoke)


# --- 3. Records and the system change apart. ------------------------------------------------------------------

SPLIT = "同一合并请求既改动了记录（1 个文件，如 cases/2026/DC-2026-0001.yaml），又改动了记录以外的文件（{files}）"


@pytest.mark.parametrize("system", ["README.md", "office.yaml", "generator/ducha/repo/guard.py", ".github/workflows/ci.yml"])
def test_records_and_system_change_apart(system: str, repo: GitRepo, invoke: Invoke) -> None:
    def edit(r: GitRepo) -> None:
        r.append(PATH, "notes: 已电话提醒。\n")
        r.write(system, (r.read(system) if (r.root / system).exists() else "") + "# 改动\n")

    open_pr(repo, edit)
    code, output = run(repo, invoke)
    assert code == 1
    assert refused(output, f"{system}: " + SPLIT.format(files=system)), output


def test_files_not_in_git_outside_the_records_are_not_part_of_the_pull_request(repo: GitRepo, invoke: Invoke) -> None:
    open_pr(repo, PASSING["append progress"])
    repo.write("草稿.txt", "本机的笔记，未提交。\n")  # untracked: not in the pull request
    code, output = run(repo, invoke, JUDGED)
    assert code == 0, output
    repo.write("cases/2026/DC-2026-0003.yaml", CASE.replace("0001", "0003"))  # untracked record: checked before push
    repo.replace("cases/2026/DC-2026-0003.yaml", "lead_unit: 市住建局", "lead_unit: 市文旅局")
    code, output = run(repo, invoke)
    assert code == 1 and refused(output, "cases/2026/DC-2026-0003.yaml:8:12: [lead_unit] 主办单位「市文旅局」未在 office.yaml 中登记。")


# --- 4. The guard judges what would land: the base's tip merged with the branch. -------------------------------

MAIN_PROGRESS = "  - date: 2026-03-05\n    by: 市住建局\n    summary: 已约谈燃气经营企业。\nextensions:"


def behind_main(repo: GitRepo, edit: Callable[[GitRepo], object]) -> None:
    """A pull request branched before main got a newer progress entry on DC-2026-0001."""
    repo.git("checkout", "-q", "-b", "pr")
    edit(repo)
    repo.commit("合并请求", date="2026-03-06T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.replace(PATH, "extensions:", MAIN_PROGRESS)
    repo.commit("续报", date="2026-03-06T11:00:00+08:00")
    repo.git("checkout", "-q", "pr")


def test_a_branch_behind_main_is_judged_on_its_own_changes(repo: GitRepo, invoke: Invoke) -> None:
    behind_main(repo, PASSING["assign for the first time"])
    assert "已约谈燃气经营企业" not in repo.read(PATH)  # main's newer entry is not on this branch
    code, output = run(repo, invoke, JUDGED)
    assert code == 0, output
    tip = repo.git("rev-parse", "main")[:8]
    assert output == f"本分支合并进 main（{tip}）后，1 个督查事项文件有改动，均为追加；全部校验通过。\n"
    merge_pr(repo, invoke)
    assert "已约谈燃气经营企业" in repo.read(PATH) and "assigned: 2026-03-09" in repo.read("cases/2026/DC-2026-0004.yaml")


def test_a_branch_behind_main_that_removes_an_entry_is_refused(repo: GitRepo, invoke: Invoke) -> None:
    behind_main(repo, FAILING["remove a progress entry"][0])
    code, output = run(repo, invoke)
    assert code == 1
    lines = output.splitlines()
    assert lines[0].startswith(f"{PATH}: [progress[0]] 删除了办理进展第1条：已记录的内容只能追加，不能改写或删除。（原文件第 12 行）")
    # Removing the entry next to where main added one cannot merge: the conflict is named, and what the
    # branch itself did since it forked; main's newer entry is not blamed on the branch.
    assert lines[1] == (f"{PATH}: 本分支与 main 都改动了这个文件，合并时冲突：无法判断合并后的记录。 修改：先把 main 合并进本分支"
                        "（git fetch 后 git merge main），解决冲突后再提交；记录只能在末尾追加，解决冲突时保留双方追加的条目。")
    assert len(lines) == 3


def test_unrelated_history_is_refused(repo: GitRepo, invoke: Invoke) -> None:
    repo.git("checkout", "-q", "--orphan", "pr")
    repo.commit("重建历史", date="2026-03-06T10:00:00+08:00")
    code, output = run(repo, invoke)
    assert code == 1
    assert output.startswith("（提交历史）: 当前分支与 main 没有共同的提交历史")


def test_unknown_base_is_a_usage_error(repo: GitRepo, invoke: Invoke) -> None:
    result = invoke(repo.root, "guard", "--base", "no-such-branch", "--today", TODAY)
    assert result.exit_code == 2 and "找不到提交「no-such-branch」" in result.output


def test_a_default_given_to_items_that_had_none_moves_nothing(tmp_path: Path, invoke: Invoke) -> None:
    """An office that relied on the 30 working days once built in for every 上级交办 (国办 2008（五） covers only
    国务院领导批示) writes them into office.yaml as its own rule: cases that had no due date get their first."""
    repo = GitRepo(tmp_path / "repo")
    office = repo.read("office.yaml").replace("  上级交办:\n    time_limit: 30个工作日\n    max_extension: 2个月\n", "")
    repo.write("office.yaml", office)
    repo.write(PATH, CASE.replace("category: 领导批示", "category: 上级交办"))
    repo.commit("立项")
    assert "来源类型「上级交办」也没有默认时限" in invoke(repo.root, "validate", "--today", TODAY).output
    open_pr(repo, lambda r: r.write("office.yaml", office.replace(
        "categories:\n", "categories:\n  上级交办:\n    time_limit: 30个工作日  # 本室规则\n")), "上级交办默认时限（本室规则）")
    code, output = run(repo, invoke)
    assert code == 0, output


def test_a_branch_behind_main_cannot_undo_a_seal_made_after_it_forked(repo: GitRepo, invoke: Invoke) -> None:
    """Issue 21: judged on its own the branch only appends; merged, it edits a record main sealed meanwhile."""
    repo.git("checkout", "-q", "-b", "pr")
    repo.replace("cases/2026/DC-2026-0002.yaml", "reports:\n", "progress:\n  - date: 2026-03-05\n    by: 市教育局\n"
                 "    summary: 已抽查食堂40所。\n    late_reason: 纸质材料后补。\nreports:\n")
    repo.commit("补报进展", date="2026-03-06T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    assert invoke(repo.root, "archive", "--year", "2026", "--today", TODAY).exit_code == 0
    repo.commit("归档", date="2026-11-23T10:00:00+08:00")
    repo.git("checkout", "-q", "pr")
    code, output = run(repo, invoke)
    assert code == 1
    assert output.startswith("cases/2026/DC-2026-0002.yaml: [archive] 该记录已归档封存，不能再做任何修改。"), output
    assert "合并时冲突" not in output  # git merges the two cleanly: only the guard can tell


def test_a_branch_behind_main_is_judged_with_what_is_not_committed_yet(repo: GitRepo, invoke: Invoke) -> None:
    behind_main(repo, PASSING["assign for the first time"])
    repo.write("cases/2026/DC-2026-0003.yaml", CASE.replace("0001", "0003").replace("lead_unit: 市住建局", "lead_unit: 市文旅局"))
    repo.replace(PATH, "title: 燃气安全隐患排查", "title: 燃气安全排查")  # an edit not yet committed
    status = repo.git("status", "--porcelain")
    code, output = run(repo, invoke)
    assert code == 1
    assert refused(output, "cases/2026/DC-2026-0003.yaml:8:12: [lead_unit] 主办单位「市文旅局」未在 office.yaml 中登记。"), output
    assert refused(output, f"{PATH}:2:8: [title] 改写了事项名称 燃气安全隐患排查 → 燃气安全排查：已记录的事实不能改写。"), output
    assert repo.git("status", "--porcelain") == status  # the user's index and files are as they were


def test_a_branch_behind_main_cannot_replace_a_notice_issued_after_it_forked(repo: GitRepo, invoke: Invoke) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "pr")
    repo.write("notices/2026/2026-002.yaml", NOTICE.format(commit=first).replace('"1"', '"2"')
               .replace("〔2026〕1号", "〔2026〕2号").replace("criticised: []", "criticised: []\n# 本分支的版本"))
    repo.commit("另一份第2期通报", date="2026-03-06T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.write("notices/2026/2026-002.yaml", NOTICE.format(commit=first).replace('"1"', '"2"').replace("〔2026〕1号", "〔2026〕2号"))
    repo.commit("印发第2期通报", date="2026-03-11T09:00:00+08:00")
    repo.git("checkout", "-q", "pr")
    code, output = run(repo, invoke)
    assert code == 1
    assert refused(output, "notices/2026/2026-002.yaml: 本分支与 main 都改动了这个文件，合并时冲突"), output


# --- 5. 审核 is the platform's: a pull request's own commits carry no review trailer. --------------------------

CLAIMS = {
    "a commit": ("进展\n\n审核：督查室主任 周敏", "审核：督查室主任 周敏"),
    "a Reviewed-by line": ("进展\n\nReviewed-by: 王五 <wangwu@dcs.example.cn>", "Reviewed-by: 王五 <wangwu@dcs.example.cn>"),
    "a Reviewed-on line": ("进展\n\nReviewed-on: https://git.dcs.example.cn/ducha/records/pulls/7",
                           "Reviewed-on: https://git.dcs.example.cn/ducha/records/pulls/7"),
    "审核人 in the subject": ("审核人：王晓峰", "审核人：王晓峰"),
}
CLAIM_FIX = ("改写本分支的提交说明，删去这些行（git rebase -i 基准分支，把该提交标为 reword；合并提交加 --rebase-merges），"
             "再强制推送本分支（git push --force-with-lease）；或从基准分支新建分支，重新提交改动。")


@pytest.mark.parametrize("claim", CLAIMS, ids=list(CLAIMS))
def test_a_commit_of_the_pull_request_claiming_a_review_is_refused(claim: str, repo: GitRepo, invoke: Invoke) -> None:
    message, line = CLAIMS[claim]
    open_pr(repo, PASSING["append progress"], message)
    sha = repo.git("rev-parse", "HEAD")
    code, output = run(repo, invoke, JUDGED)
    assert code == 1
    assert output.splitlines()[0] == (
        f"（提交 {sha[:8]}）: 提交 {sha[:8]}「{message.splitlines()[0]}」的说明中写有审核记录（{line}）：审核只能由平台在合并时写入，"
        f"合并请求中的提交（含合并提交）不得带有 Reviewed-by、Reviewed-on、审核、审核人等行。 修改：{CLAIM_FIX}")


def test_a_merge_made_on_the_branch_claiming_a_review_is_refused(repo: GitRepo, invoke: Invoke) -> None:
    """Issue 21: `git commit-tree $(git write-tree) -p HEAD -p HEAD~1 -m $'进展\\n\\n审核：督查室主任 周敏'`."""
    open_pr(repo, PASSING["append progress"], "进展")
    repo.append(PATH, "notes: 已电话提醒。\n")
    repo.git("add", "-A")
    forged = repo.git("commit-tree", repo.git("write-tree"), "-p", "HEAD", "-p", "HEAD~1", "-m", "进展\n\n审核：督查室主任 周敏")
    repo.git("reset", "-q", "--hard", forged)
    code, output = run(repo, invoke, JUDGED)
    assert code == 1
    assert output.splitlines()[0].startswith(f"（提交 {forged[:8]}）: 提交 {forged[:8]}「进展」的说明中写有审核记录（审核：督查室主任 周敏）")


def test_review_words_inside_a_sentence_are_not_a_claim(repo: GitRepo, invoke: Invoke) -> None:
    open_pr(repo, PASSING["append progress"], "按审核意见补充进展\n\n审核意见：请补充整改数量。")
    code, output = run(repo, invoke, JUDGED)
    assert code == 0, output
