"""再督查: a 回访复核 that finds 整改不到位 reopens the case for another round with its own time limit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

import pytest

from ducha.load.office import load_office
from ducha.model.case import Case, Stage
from ducha.model.logs import Extension, Followup, Report, Review
from ducha.model.timelimit import parse_time_limit
from ducha.rules.deadlines import Light, deadline, schedule

from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo
from .records import CLOSED

D = dt.date.fromisoformat
OFFICE = load_office(EXAMPLES)
# Round 1: 交办 3月2日, 领导批示 5个工作日 → 3月9日; reported 3月6日, passed 3月9日.
FIRST = Report(D("2026-03-06"), "测建〔2026〕1号", "吴永强", "排查完毕")
PASSED = Review(D("2026-03-09"), "王晓峰", "通过")
# Round 2: 整改不到位 on Friday 4月10日, 10个工作日 → 4月24日 (4月13—17日, 20—24日).
REOPEN = Followup(D("2026-04-10"), "督查二组", "4家未安装报警器", "整改不到位", parse_time_limit("10个工作日"))
SECOND = Report(D("2026-04-24"), "测建〔2026〕9号", "吴永强", "已安装")
SECOND_LATE = Report(D("2026-04-28"), "测建〔2026〕9号", "吴永强", "已安装")
PASSED_AGAIN = Review(D("2026-04-29"), "王晓峰", "通过")


def case(**facts: Any) -> Case:
    base: dict[str, Any] = {"reports": (FIRST,), "reviews": (PASSED,), "followups": (REOPEN,)}
    return Case(id="DC-2026-0001", title="燃气安全隐患排查", category="领导批示", registered=D("2026-03-02"),
                path="cases/2026/DC-2026-0001.yaml", assigned=D("2026-03-02"), lead_unit="市住建局", owner="孙立新",
                requirements="排查", **{**base, **facts})


@pytest.mark.parametrize(("today", "facts", "stage", "light", "due", "left", "overdue", "round_"), [
    ("2026-04-09", {}, Stage.CLOSED, Light.DONE, "2026-03-09", None, 0, 1),  # not reopened yet
    ("2026-04-10", {}, Stage.IN_PROGRESS, Light.GREEN, "2026-04-24", 10, 0, 2),
    ("2026-04-21", {}, Stage.IN_PROGRESS, Light.YELLOW, "2026-04-24", 3, 0, 2),
    ("2026-04-27", {}, Stage.IN_PROGRESS, Light.RED, "2026-04-24", None, 3, 2),
    ("2026-04-24", {"reports": (FIRST, SECOND)}, Stage.PENDING_REVIEW, Light.DONE, "2026-04-24", None, 0, 2),
    ("2026-04-29", {"reports": (FIRST, SECOND), "reviews": (PASSED, PASSED_AGAIN)},
     Stage.CLOSED, Light.DONE, "2026-04-24", None, 0, 2),
    ("2026-04-29", {"reports": (FIRST, SECOND_LATE), "reviews": (PASSED, PASSED_AGAIN)},
     Stage.CLOSED, Light.LATE, "2026-04-24", None, 4, 2),
])
def test_a_reopened_case_is_judged_on_its_new_round(today: str, facts: dict[str, Any], stage: Stage, light: Light,
                                                    due: str, left: int | None, overdue: int, round_: int) -> None:
    status = deadline(case(**facts), OFFICE, D(today))
    assert (status.stage, status.light, status.due, status.working_days_left, status.days_overdue, status.round) == (
        stage, light, D(due), left, overdue, round_)


def test_closed_only_once_the_new_round_passes() -> None:
    reopened = case()
    assert reopened.closed_on(D("2026-04-09")) == D("2026-03-09")
    assert reopened.closed_on(D("2026-04-20")) is None
    done = case(reports=(FIRST, SECOND), reviews=(PASSED, PASSED_AGAIN))
    assert done.closed_on() == D("2026-04-29")
    assert [(r.number, r.start, r.kind, str(r.time_limit)) for r in done.rounds()] == [
        (1, D("2026-03-02"), "交办", "None"), (2, D("2026-04-10"), "再督查", "10个工作日")]


def test_an_extension_in_the_new_round_counts_from_that_round() -> None:
    # Approved 4月21日: 4月24日 + 5个工作日 → 4月27—30日, then 5月1—5日 off → 5月6日.
    extension = Extension(D("2026-04-20"), "设备到货延迟", D("2026-04-21"), "林静", time_limit=parse_time_limit("5个工作日"))
    plan = schedule(case(extensions=(extension,)), OFFICE, D("2026-04-22"))
    assert plan is not None and (plan.original.date, plan.due.date) == (D("2026-04-24"), D("2026-05-06"))
    # The first round's due date is not moved by it.
    assert deadline(case(followups=(), extensions=(extension,)), OFFICE, D("2026-03-09")).due == D("2026-03-09")


def test_a_followup_that_finds_the_work_done_does_not_reopen() -> None:
    done = dataclasses.replace(REOPEN, result="整改到位", time_limit=None)
    status = deadline(case(followups=(done,)), OFFICE, D("2026-04-20"))
    assert (status.stage, status.round) == (Stage.CLOSED, 1)


CASE = CLOSED
PATH = "cases/2026/DC-2026-0001.yaml"


def test_reopening_lifecycle_in_git(tmp_path: Any, invoke: Invoke) -> None:
    """Closed → 回访复核 finds 整改不到位 → reopened, the archive waits → reported, passed → sealed."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, CASE)
    repo.commit("立项并办结", date="2026-03-09T17:00:00+08:00")
    repo.git("checkout", "-q", "-b", "再督查")
    repo.append(PATH, "followups:\n  - date: 2026-04-10\n    by: 督查二组\n    result: 整改不到位\n"
                      "    finding: 抽查12家，4家燃气报警器仍未安装。\n    time_limit: 10个工作日\n")
    repo.commit("回访复核：整改不到位，再督查", date="2026-04-10T16:00:00+08:00")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-04-10")
    assert guard.exit_code == 0, guard.output
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "再督查", "-m", "合并：再督查", date="2026-04-10T17:00:00+08:00")

    board = json.loads(invoke(repo.root, "status", "--today", "2026-04-27", "--format", "json").output)
    assert [(r["stage"], r["light"], r["due"], r["round"]) for r in board] == [("in_progress", "red", "2026-04-24", 2)]
    waiting = invoke(repo.root, "archive", "--year", "2026", "--today", "2026-04-27")
    assert (waiting.exit_code, waiting.output) == (0, "2026 年没有待归档的事项（已办结或已撤销且尚未归档）。\n")
    report = invoke(repo.root, "report", "--period", "2026-04", "--today", "2026-04-30")
    assert "其中整改不到位、再督查 1 项；" in report.output
    assert "| 1 | DC-2026-0001 | 燃气安全隐患排查 | 市住建局 | 2026-04-10 再督查，第2轮，时限 10个工作日：抽查12家，4家燃气报警器仍未安装。 |" \
        in report.output

    repo.replace(PATH, "reviews:", "  - date: 2026-04-28\n    doc_no: 测建〔2026〕9号\n    signer: 吴永强\n"
                                   "    summary: 4家已安装报警器。\nreviews:")
    repo.replace(PATH, "    result: 通过\nfollowups:", "    result: 通过\n  - date: 2026-04-29\n    reviewer: 王晓峰\n"
                                                   "    result: 通过\nfollowups:")
    assert invoke(repo.root, "validate", "--today", "2026-04-29").exit_code == 0
    repo.commit("第2轮办结", date="2026-04-29T17:00:00+08:00")
    board = json.loads(invoke(repo.root, "status", "--today", "2026-04-29", "--format", "json").output)
    assert [(r["stage"], r["light"], r["days_overdue"], r["round"]) for r in board] == [("closed", "late", 4, 2)]
    history = invoke(repo.root, "history", "DC-2026-0001")
    assert "2026-04-10  再督查  督查二组：抽查12家，4家燃气报警器仍未安装。（整改不到位，重新办理，时限 10个工作日）" in history.output
    assert "回访复核 2026-04-10：整改不到位，再督查（时限 10个工作日）" in history.output
    sealed = invoke(repo.root, "archive", "--year", "2026", "--today", "2026-04-30")
    assert sealed.exit_code == 0 and "已归档 cases/2026/DC-2026-0001.yaml" in sealed.output

    pages = invoke(repo.root, "pages", "--today", "2026-04-30")
    assert pages.exit_code == 0, pages.output
    page = (repo.root / "build/docs-internal/cases/2026/DC-2026-0001.md").read_text(encoding="utf-8")
    cells = re.findall(r"<tr>(.*?)</tr>", page.split("<h2>办理轮次</h2>")[1].split("</table>")[0])
    assert [re.findall(r'<td data-label="[^"]+">(.*?)</td>', row) for row in cells][1:] == [
        ["第1轮", "交办 2026-03-02", "5个工作日", "2026-03-09", "2026-03-06 测建〔2026〕1号", "2026-03-09 通过", "—"],
        ["第2轮", "再督查 2026-04-10", "10个工作日", "2026-04-24", "2026-04-28 测建〔2026〕9号", "2026-04-29 通过",
         "抽查12家，4家燃气报警器仍未安装。"]]


def test_a_dissatisfied_deputy_sends_a_proposal_back_for_redo(tmp_path: Any, invoke: Invoke) -> None:
    """实施办法 §十: 代表或委员不满意的，重新办理 — a round like 再督查, counted in the 通报's 满意度."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, CASE.replace("category: 领导批示", "category: 人大代表建议")
               + "feedback:\n  - date: 2026-03-16\n    by: 市人大代表 陈立\n    result: 不满意\n"
                 "    note: 老城区仍然停车难。\n    time_limit: 1个月\n")
    repo.commit("代表不满意", date="2026-03-16T10:00:00+08:00")
    row = json.loads(invoke(repo.root, "status", "--today", "2026-03-17", "--format", "json").output)[0]
    # 3月16日 + 1个月 = 4月16日 (a Thursday).
    assert (row["stage"], row["round"], row["due"]) == ("in_progress", 2, "2026-04-16")
    report = invoke(repo.root, "report", "--period", "2026-03", "--today", "2026-03-31").output
    assert "### 建议提案满意度（满意0、基本满意0、不满意1）" in report
    assert "2026-03-16 重新办理，第2轮，时限 1个月：老城区仍然停车难。" in report
    history = invoke(repo.root, "history", "DC-2026-0001").output
    assert "2026-03-16  重新办理  市人大代表 陈立：不满意，老城区仍然停车难。（重新办理，时限 1个月）" in history
