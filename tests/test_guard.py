"""`ducha guard --base`: every rule has a pull request it refuses and one it lets through."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Invoke
from .gitrepo import GitRepo

PATH = "cases/2026/DC-2026-0001.yaml"
CASE = """id: DC-2026-0001
title: 燃气安全隐患排查
category: 领导批示
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
requirements: 检查全市中小学食堂食品安全。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市教育局
owner: 高翔
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
TODAY = "2026-11-23"


REGISTERED = "id: DC-2026-0004\ntitle: 供暖专项督查\ncategory: 其他交办\nregistered: 2026-03-02\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, CASE)
    repo.write("cases/2026/DC-2026-0002.yaml", CLOSED)
    repo.write("cases/2026/DC-2026-0004.yaml", REGISTERED)
    repo.commit("立项")
    return repo


def run(repo: GitRepo, invoke: Invoke) -> tuple[int, str]:
    result = invoke(repo.root, "guard", "--base", "main", "--today", TODAY)
    return result.exit_code, result.output


PASSING: dict[str, Callable[[GitRepo], None]] = {
    "append progress": lambda r: r.replace(PATH, "extensions:", "  - date: 2026-03-06\n    summary: 已整改隐患12处。\nextensions:"),
    "approve the extension": lambda r: r.append(PATH, "    approved: 2026-03-06\n    approved_by: 副市长 林静\n"),
    "add a new case": lambda r: r.write("cases/2026/DC-2026-0003.yaml", CASE.replace("0001", "0003")),
    "edit an ordinary field": lambda r: r.replace(PATH, "title: 燃气安全隐患排查", "title: 燃气安全隐患排查整治"),
    "set a first value": lambda r: r.replace(PATH, "lead_unit: 市住建局\n", "lead_unit: 市住建局\nco_units: [市财政局]\n"),
    "assign for the first time": lambda r: r.append("cases/2026/DC-2026-0004.yaml", "assigned: 2026-03-03\nlead_unit: 市教育局\nowner: 高翔\nrequirements: 按要求办理。\ntime_limit: 10个工作日\n"),
}

FAILING: dict[str, tuple[Callable[[GitRepo], None], str]] = {
    "delete a case": (lambda r: (r.root / PATH).unlink(),
                      f"{PATH}: 删除了督查事项文件：督查事项不能删除。"),
    "change the id": (lambda r: r.move_and_replace(PATH, "cases/2026/DC-2026-0009.yaml", "DC-2026-0001", "DC-2026-0009"),
                      "cases/2026/DC-2026-0009.yaml: [id] 文件由 cases/2026/DC-2026-0001.yaml 改名为 cases/2026/DC-2026-0009.yaml：编号不能更改。"),
    "edit a progress entry": (lambda r: r.replace(PATH, "已排查餐饮场所620家。", "已排查餐饮场所700家。"),
                              f"{PATH}:10:5: [progress.0] 改写了办理进展第1条：已记录的内容只能追加，不能改写或删除。"),
    "remove a progress entry": (lambda r: r.replace(PATH, "progress:\n  - date: 2026-03-04\n    by: 市住建局\n    summary: 已排查餐饮场所620家。\n", ""),
                                f"{PATH}: [progress.0] 删除了办理进展第1条：已记录的内容只能追加，不能改写或删除。（原文件第 10 行）"),
    "rewrite the extension reason": (lambda r: r.replace(PATH, "涉及多个部门。", "情况复杂。"),
                                     f"{PATH}:14:5: [extensions.0] 改写了延期第1条：已记录的内容只能追加，不能改写或删除。"),
    "rewrite registered": (lambda r: r.replace(PATH, "registered: 2026-03-02", "registered: 2026-03-01"),
                           f"{PATH}:4:13: [registered] 改写了立项日期 2026-03-02 → 2026-03-01。"),
    "rewrite assigned": (lambda r: r.replace(PATH, "assigned: 2026-03-02", "assigned: 2026-03-03"),
                         f"{PATH}:5:11: [assigned] 改写了交办日期 2026-03-02 → 2026-03-03。"),
    "break validation": (lambda r: r.write("cases/2026/DC-2026-0003.yaml", CASE.replace("0001", "0003").replace("市住建局", "市文旅局")),
                         "cases/2026/DC-2026-0003.yaml:6:12: [lead_unit] 主办单位「市文旅局」未在 office.yaml 中登记。"),
}


@pytest.mark.parametrize("change", PASSING, ids=list(PASSING))
def test_additions_pass(change: str, repo: GitRepo, invoke: Invoke) -> None:
    PASSING[change](repo)
    repo.git("checkout", "-q", "-b", "pr")
    repo.commit(change, date="2026-03-06T10:00:00+08:00")
    code, output = run(repo, invoke)
    assert code == 0, output
    assert "均为追加；全部校验通过。" in output


@pytest.mark.parametrize("change", FAILING, ids=list(FAILING))
def test_rewrites_fail(change: str, repo: GitRepo, invoke: Invoke) -> None:
    edit, expected = FAILING[change]
    edit(repo)  # uncommitted: the guard compares the working tree, as a pre-push check would
    code, output = run(repo, invoke)
    assert code == 1
    assert expected in output.splitlines()[0] or any(line.startswith(expected) for line in output.splitlines()), output


def test_archived_record_cannot_be_touched(repo: GitRepo, invoke: Invoke) -> None:
    assert invoke(repo.root, "archive", "--year", "2026", "--today", TODAY).exit_code == 0
    repo.commit("归档", date="2026-11-23T10:00:00+08:00")
    repo.append("cases/2026/DC-2026-0002.yaml", "notes: 补充说明。\n")
    code, output = run(repo, invoke)
    assert code == 1
    assert output.startswith("cases/2026/DC-2026-0002.yaml: [archive] 该记录已归档封存，不能再做任何修改。")


def test_archive_manifest_is_append_only(repo: GitRepo, invoke: Invoke) -> None:
    invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    repo.commit("归档", date="2026-11-23T10:00:00+08:00")
    manifest = "cases/2026/ARCHIVE.sha256"
    assert "0001-2026-D30-0001" in repo.read(manifest)  # 领导批示: 30年 by default
    repo.replace(manifest, "0001-2026-D30-0001", "0001-2026-D30-0009")
    code, output = run(repo, invoke)
    assert code == 1
    assert f"{manifest}: 改动了归档清单中已有的内容：归档清单只能追加。" in output


def test_archiving_more_later_passes(repo: GitRepo, invoke: Invoke) -> None:
    invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    repo.commit("归档", date="2026-11-23T10:00:00+08:00")
    repo.append(PATH, "reports:\n  - date: 2026-03-09\n    doc_no: 测建〔2026〕3号\n    signer: 吴永强\n    summary: 完成。\n"
                      "reviews:\n  - date: 2026-03-10\n    reviewer: 王晓峰\n    result: 通过\n")
    repo.commit("办结", date="2026-11-23T11:00:00+08:00")
    assert invoke(repo.root, "archive", "--year", "2026", "--today", TODAY).exit_code == 0
    repo.git("checkout", "-q", "-b", "pr")
    code, output = run(repo, invoke)
    assert code == 0, output


def test_unknown_base_is_a_usage_error(repo: GitRepo, invoke: Invoke) -> None:
    result = invoke(repo.root, "guard", "--base", "no-such-branch", "--today", TODAY)
    assert result.exit_code == 2 and "找不到提交「no-such-branch」" in result.output
