"""Issued 考核 results (issue 25): written once after the period, checked by the guard against their data commit,
never changed; and office.yaml's scoring rules never change the scores of a period that has ended.

Each test works on a copy of one committed repository holding the scenario office of test_scoring.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import TESTS, Invoke
from .gitrepo import GitRepo

SCENARIO = TESTS / "scoring" / "office"
EXPECTED = yaml.load((TESTS / "scoring" / "expected.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
TODAY = "2027-01-10"
RECORD = "assessments/2026/2026.yaml"


class Copy(GitRepo):
    """A copy of an existing repository (GitRepo would start a new one)."""

    def __init__(self, root: Path) -> None:
        self.root = root


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("assessments") / "office"
    repo = GitRepo(root)
    shutil.copytree(SCENARIO, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("notices"))
    data = repo.commit("考核测试数据", date="2027-01-05T09:00:00+08:00")
    for notice in sorted((SCENARIO / "notices").rglob("*.yaml")):  # issued from the records just committed
        path = notice.relative_to(SCENARIO).as_posix()
        repo.write(path, notice.read_text(encoding="utf-8").replace('data_commit: "0000000"', f"data_commit: {data}"))
    repo.commit("印发通报", date="2027-01-05T10:00:00+08:00")
    return root


@pytest.fixture
def repo(committed: Path, tmp_path: Path) -> Copy:
    root = tmp_path / "office"
    shutil.copytree(committed, root)
    return Copy(root)


def issue(repo: Copy, invoke: Invoke, *args: str) -> tuple[int, str]:
    result = invoke(repo.root, "score", "--period", "2026", "--as-of", TODAY, "--issue", *args)
    return result.exit_code, result.output


def guard(repo: Copy, invoke: Invoke) -> tuple[int, str]:
    result = invoke(repo.root, "guard", "--base", "main", "--today", TODAY)
    return result.exit_code, result.output


def test_issued_scores_pass_the_guard_and_name_their_commit(repo: Copy, invoke: Invoke) -> None:
    main = repo.git("rev-parse", "HEAD")
    repo.git("switch", "-q", "-c", "issue")
    assert issue(repo, invoke, "--approver", "市长 王强") == (
        0, f"已写入考核结果 {RECORD}：请核对后提交（git commit），经审核合并即为印发。\n")
    record = yaml.load(repo.read(RECORD), Loader=yaml.BaseLoader)
    assert (record["period"], record["date"], record["data_commit"], record["approved_by"]) == ("2026", TODAY, main, "市长 王强")
    assert {u["unit"]: (u["rank"], u["score"]) for u in record["units"]} == {
        unit: (expected["rank"], expected["score"]) for unit, expected in EXPECTED["units"].items()}
    assert invoke(repo.root, "validate", "--today", TODAY).exit_code == 0
    repo.commit("印发2026年考核结果", date="2027-01-10T10:00:00+08:00")
    assert guard(repo, invoke)[0] == 0
    repo.git("switch", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "issue", "-m", "合并", date="2027-01-10T11:00:00+08:00")
    verified = invoke(repo.root, "verify")
    assert "2 份通报、1 份考核结果和全部封存所依据的提交都在当前提交历史中" in verified.output, verified.output
    code, output = issue(repo, invoke)
    assert code == 2 and "2026年的考核结果已经印发（assessments/2026/2026.yaml）：印发的考核结果不能覆盖。" in output
    repo.git("switch", "-q", "-c", "edit")
    repo.replace(RECORD, "approved_by: 市长 王强", "approved_by: 市长 李明")
    repo.commit("改批准人", date="2027-01-11T09:00:00+08:00")
    code, output = guard(repo, invoke)
    assert code == 1 and f"{RECORD}: 改动了已印发的考核结果：印发后不得修改。" in output, output


def test_scores_written_by_hand_are_refused(repo: Copy, invoke: Invoke) -> None:
    repo.git("switch", "-q", "-c", "issue")
    assert issue(repo, invoke)[0] == 0
    # The floor line of 市住建局 raised by one point, and its score with it: the file still adds up.
    text = repo.read(RECORD)
    start = text.index("  - unit: 市住建局")
    part = text[start:].replace('score: "90"', 'score: "91"', 1).replace('points: "11"', 'points: "12"', 1)
    repo.write(RECORD, text[:start] + part)
    assert invoke(repo.root, "validate", "--today", TODAY).exit_code == 0
    repo.commit("印发", date="2027-01-10T10:00:00+08:00")
    code, output = guard(repo, invoke)
    assert code == 1
    assert "考核结果与数据提交" in output and "市住建局得分 91，应为 90" in output, output


def test_a_result_from_another_branch_is_refused(repo: Copy, invoke: Invoke) -> None:
    repo.git("switch", "-q", "-c", "other")
    repo.append("cases/2026/DC-2026-0011.yaml", "notes: 另一分支上的备注。\n")
    other = repo.commit("另一分支", date="2027-01-06T09:00:00+08:00")
    repo.git("switch", "-q", "main")
    repo.git("switch", "-q", "-c", "issue")
    assert issue(repo, invoke)[0] == 0
    repo.replace(RECORD, f"data_commit: {repo.git('rev-parse', 'main')}", f"data_commit: {other}")
    repo.commit("印发", date="2027-01-10T10:00:00+08:00")
    code, output = guard(repo, invoke)
    assert code == 1 and f"考核结果依据的数据提交「{other}」不是本分支已有的提交" in output, output


@pytest.mark.parametrize(("args", "message"), [
    (("--as-of", "2026-12-31"), "2026年到 2026-12-31 才结束：考核结果在期间结束后印发。"),
])
def test_issuing_waits_for_the_end_of_the_period(args: tuple[str, ...], message: str, repo: Copy, invoke: Invoke) -> None:
    result = invoke(repo.root, "score", "--period", "2026", "--issue", *args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_issuing_keeps_to_the_office_period_and_to_committed_records(repo: Copy, invoke: Invoke) -> None:
    result = invoke(repo.root, "score", "--period", "2026-Q4", "--as-of", TODAY, "--issue")
    assert result.exit_code == 2 and "office.yaml 的考核周期是年度，2026年第四季度不是一个考核周期。" in result.output
    repo.append("cases/2026/DC-2026-0011.yaml", "notes: 尚未提交。\n")
    code, output = issue(repo, invoke)
    assert code == 2 and "有尚未提交的记录改动（cases/2026/DC-2026-0011.yaml）" in output, output
    assert not (repo.root / RECORD).exists()


def test_rules_changed_for_an_ended_period_are_refused(repo: Copy, invoke: Invoke) -> None:
    repo.git("switch", "-q", "-c", "rules")
    repo.replace("office.yaml", 'closed_late: {points: "-1", label: 超期办结}', 'closed_late: {points: "-3", label: 超期办结}')
    repo.commit("加重超期办结扣分", date="2027-01-10T09:00:00+08:00")
    code, output = guard(repo, invoke)
    assert code == 1
    assert "office.yaml 的考核规则改动使已结束的考核期间得分改变（2026年：" in output, output
    # 超期办结 before 2026-07-01: 市教育局 (DC-2025-0001) 91.5 - 2 = 89.5, raised to the floor; 市住建局 (DC-2026-0002)
    # was at the floor already and stays there, but its lines change all the same.
    assert "（2026年：市住建局（得分不变，计分明细改变）、市教育局 91.5 → 90）：已结束期间的得分不能改变。" in output


def test_a_revision_after_the_ended_period_passes(repo: Copy, invoke: Invoke) -> None:
    repo.git("switch", "-q", "-c", "rules")
    repo.replace("office.yaml", '        overdue_workdays: {points: "-1"}\n',
                 '        overdue_workdays: {points: "-1"}\n    - effective_from: 2027-01-01\n'
                 '      items:\n        closed_late: {points: "-3"}\n')
    repo.commit("2027年起加重超期办结扣分", date="2027-01-10T09:00:00+08:00")
    assert guard(repo, invoke)[0] == 0


def test_a_result_computed_before_later_records_is_refused(repo: Copy, invoke: Invoke) -> None:
    # Issued on a branch from before the notices were recorded: true to its own data commit, but main has since
    # recorded 通报 of 2026 (criticism of 市住建局, praise of 市卫健委 and 市财政局) that it leaves out.
    repo.git("switch", "-q", "-c", "issue", "HEAD~1")
    assert issue(repo, invoke)[0] == 0
    repo.commit("印发", date="2027-01-10T10:00:00+08:00")
    code, output = guard(repo, invoke)
    assert code == 1, output
    assert "之后（目标分支现为" in output and "又登记了改变本期得分的记录" in output, output
