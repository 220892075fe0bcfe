"""Issued 通报 and 督查专报 are guarded like cases: never edited or removed, computed from records already there.

The per-file rules (numbers in sequence, no date ahead, a unit once per list) are data-driven
examples under tests/examples/; here are the pull requests that only git can judge.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ducha.model.notices import Mention, Notice
from ducha.rules.escalation import criticism_tally

from .conftest import EXAMPLES, Invoke, example_repo
from .gitrepo import GitRepo
from .test_guard import CLOSED

TODAY = "2026-11-23"
BULLETIN = "bulletins/2026/2026-001.yaml"
BULLETIN_TEXT = "number: \"1\"\ndate: 2026-03-10\ntitle: 校园食品安全检查情况\nreports_problem: 否\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2026/DC-2026-0002.yaml", CLOSED)
    repo.write(BULLETIN, BULLETIN_TEXT)
    repo.commit("立项、办结；第1期督查专报", date="2026-03-10T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr")
    return repo


def guard(repo: GitRepo, invoke: Invoke) -> tuple[int, list[str]]:
    result = invoke(repo.root, "guard", "--base", "main", "--today", TODAY)
    return result.exit_code, result.output.splitlines()


def issue(repo: GitRepo, invoke: Invoke) -> str:
    result = invoke(repo.root, "report", "--period", "2026-Q1", "--today", TODAY, "--issue", "--number", "1")
    assert result.exit_code == 0, result.output
    return "notices/2026/2026-001.yaml"


def test_a_notice_issued_by_ducha_passes(repo: GitRepo, invoke: Invoke) -> None:
    issue(repo, invoke)
    assert guard(repo, invoke)[0] == 0


@pytest.mark.parametrize("data_commit", ["deadbeef", "0" * 40, "--help"])
def test_a_notice_naming_a_commit_that_is_not_there_is_refused(repo: GitRepo, invoke: Invoke, data_commit: str) -> None:
    path = issue(repo, invoke)
    repo.replace(path, repo.git("rev-parse", "HEAD"), data_commit)
    code, lines = guard(repo, invoke)
    assert code == 1
    assert lines[0] == (f'{path}:7:14: [data_commit] 通报依据的数据提交「{data_commit}」不是本分支已有的提交：'
                        "通报只能依据印发时仓库中已有的记录生成。 修改：不要手工填写或修改 data_commit：在本分支上用 "
                        "`ducha report --issue` 重新生成该通报。")


def test_a_notice_computed_on_another_branch_is_refused(repo: GitRepo, invoke: Invoke) -> None:
    repo.git("checkout", "-q", "-b", "elsewhere", "main")
    repo.append("cases/2026/DC-2026-0002.yaml", "notes: 另一分支上的改动。\n")
    elsewhere = repo.commit("另一分支", date="2026-03-11T09:00:00+08:00")
    repo.git("checkout", "-q", "pr")
    path = issue(repo, invoke)
    repo.replace(path, repo.git("rev-parse", "HEAD"), elsewhere)
    code, lines = guard(repo, invoke)
    assert code == 1 and lines[0].startswith(f"{path}:7:14: [data_commit] 通报依据的数据提交「{elsewhere}」不是本分支已有的提交")


def test_a_notice_dated_2099_is_refused(repo: GitRepo, invoke: Invoke) -> None:
    path = issue(repo, invoke)
    repo.write("notices/2099/2099-001.yaml", repo.read(path).replace("date: 2026-11-23", "date: 2099-01-04"))
    (repo.root / path).unlink()
    code, lines = guard(repo, invoke)
    assert code == 1
    assert "notices/2099/2099-001.yaml:5:7: [date] 通报日期 2099-01-04 晚于今天（2026-11-23）。 修改：写实际印发（报送）的日期；通报印发后才能记录。" in lines


def test_a_new_bulletin_passes(repo: GitRepo, invoke: Invoke) -> None:
    repo.write("bulletins/2026/2026-002.yaml", BULLETIN_TEXT.replace('"1"', '"2"').replace("03-10", "03-20"))
    assert guard(repo, invoke)[0] == 0


@pytest.mark.parametrize(("change", "expected"), [
    ("edit", f"{BULLETIN}: 改动了已印发的督查专报：印发后不得修改。 修改：撤销对该文件的改动；如需更正，另行印发新的一期。"),
    ("delete", f"{BULLETIN}: 删除了已印发的督查专报：印发后不得删除。 修改：恢复该文件（git checkout 基准分支 -- 文件）。"),
])
def test_a_merged_bulletin_cannot_be_edited_or_deleted(repo: GitRepo, invoke: Invoke, change: str, expected: str) -> None:
    if change == "edit":
        repo.replace(BULLETIN, "reports_problem: 否", "reports_problem: 是")
    else:
        (repo.root / BULLETIN).unlink()
    code, lines = guard(repo, invoke)
    assert (code, lines[0]) == (1, expected)


def test_a_unit_listed_three_times_counts_once() -> None:
    thrice = tuple(Mention("市住建局", f"理由{n}", ("DC-2026-0001",)) for n in range(3))
    notices = [Notice("notices/2026/2026-001.yaml", 1, "督查〔2026〕1号", dt.date(2026, 4, 1), "2026-Q1", "0" * 40,
                      (), thrice),
               Notice("notices/2026/2026-002.yaml", 2, "督查〔2026〕2号", dt.date(2026, 7, 1), "2026-Q2", "0" * 40,
                      (), thrice[:1])]
    assert criticism_tally(notices, 2026) == {"市住建局": 2}


def test_validate_checks_a_named_file_as_the_record_its_place_makes_it(tmp_path: Path, invoke: Invoke) -> None:
    """A 通报 named on the command line is checked as a 通报 (with what it refers to), not against the case schema."""
    root = example_repo(EXAMPLES / "invalid" / "notice-periods-units-and-cases", tmp_path)
    notice = root / "notices/2026/2026-001.yaml"
    result = invoke(root, "validate", str(notice), "--today", TODAY)
    assert result.exit_code == 1
    assert [line.split(" 修改：")[0] for line in result.output.splitlines()] == [
        "notices/2026/2026-001.yaml:9:11: [criticised[0].unit] 单位「市文旅局」未在 office.yaml 中登记。",
        "notices/2026/2026-001.yaml:9:11: [criticised] 通报涉及的事项 DC-2026-0009 不存在。",
        "检查了 1 个文件，发现 2 个问题（涉及 1 个文件）。"]
    case = invoke(root, "validate", str(root / "cases/2026/DC-2026-0001.yaml"), "--today", TODAY)
    assert (case.exit_code, case.output) == (0, "检查了 1 个文件，全部通过。\n")
