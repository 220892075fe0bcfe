"""History from git: one pass, merges with reviewer trailers, moves, and shallow clones refused."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from pathlib import Path

import pytest

from ducha.repo.audit import audit_trail, trails
from ducha.repo.gitprocess import HistoryError, check_repository
from ducha.repo.histories import read_histories
from ducha.repo.records_at import write_records_at

from .conftest import Invoke
from .gitrepo import GitRepo

CASE = """id: DC-2026-0001
title: 燃气安全隐患排查
category: 领导批示
requirements: 对全市餐饮场所开展燃气安全排查。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 孙立新
"""
PATH = "cases/2026/DC-2026-0001.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """立项 on main; progress on a branch merged with a Gitea review; a move; a squash with 审核."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2025/DC-2026-0001.yaml", CASE)  # filed in the wrong year folder at first
    repo.commit("新建督查事项 DC-2026-0001", date="2026-03-02T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr-1")
    repo.append("cases/2025/DC-2026-0001.yaml",
                "progress:\n  - date: 2026-03-05\n    by: 市住建局\n    summary: 已排查餐饮场所620家。\n")
    repo.commit("报送办理进展", date="2026-03-05T15:30:00+08:00", author="李四", email="lisi@zjj.example.cn")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "pr-1", "-m",
             "Merge pull request '报送办理进展' (#1) from pr-1 into main\n\nReviewed-by: 王晓峰 <wangxf@dcs.example.cn>",
             date="2026-03-06T10:00:00+08:00", author="王晓峰")
    repo.move("cases/2025/DC-2026-0001.yaml", PATH)
    repo.commit("移到正确的年度文件夹", date="2026-03-06T11:00:00+08:00")
    repo.append(PATH, "extensions:\n  - requested: 2026-03-06\n    reason: 涉及多个部门。\n"
                      "    approved: 2026-03-06\n    approved_by: 副市长 林静\n    until: 2026-03-20\n")
    repo.commit("延期获批\n\n审核：赵六", date="2026-03-06T16:00:00+08:00")
    return repo


def test_versions_follow_the_move_and_carry_reviewers(repo: GitRepo) -> None:
    histories = read_histories(repo.root)
    history = histories.for_id("DC-2026-0001")
    assert history is not None and history.path == PATH
    seen = [(v.status, v.path, v.commit.author, v.reviewers) for v in history.versions]
    assert seen == [
        ("A", "cases/2025/DC-2026-0001.yaml", "张三", ()),
        ("M", "cases/2025/DC-2026-0001.yaml", "李四", ("王晓峰 <wangxf@dcs.example.cn>",)),
        ("R", PATH, "张三", ()),
        ("M", PATH, "张三", ()),  # 审核 typed into an ordinary commit is the author's word, not a review
    ]
    assert history.versions[1].commit.date == dt.datetime(2026, 3, 5, 15, 30, tzinfo=history.versions[1].commit.date.tzinfo)
    assert history.versions[1].commit.date.utcoffset() == dt.timedelta(hours=8)
    assert history.versions[1].merged_by is not None and history.versions[1].merged_by.author == "王晓峰"


def test_changes_in_the_office_words(repo: GitRepo) -> None:
    trail = audit_trail(repo.root, "DC-2026-0001")
    assert [e.change for e in trail.entries] == [
        "立项",
        "新增办理进展 2026-03-05",
        "移动：cases/2025/DC-2026-0001.yaml → cases/2026/DC-2026-0001.yaml",
        "办理时限 默认时限 → 2026-03-20（延期，副市长 林静批准）",
    ]


def test_history_command_prints_timeline_and_trail(repo: GitRepo, invoke: Invoke) -> None:
    result = invoke(repo.root, "history", "DC-2026-0001")
    assert result.exit_code == 0, result.output
    assert "  2026-03-05 15:30  李四  " in result.output
    assert "新增办理进展 2026-03-05  审核：王晓峰 <wangxf@dcs.example.cn>（未经平台签名核验）（经合并提交 " in result.output
    assert "  2026-03-05  办理进展  市住建局：已排查餐饮场所620家。" in result.output


def test_an_id_copied_with_invisible_or_full_width_characters_is_the_id_it_reads_as(repo: GitRepo, invoke: Invoke) -> None:
    """An id copied from a search result (word marks, U+200B) or typed with a Chinese input method (full width)."""
    plain = invoke(repo.root, "history", "DC-2026-0001").output
    for typed in ("DC\u200b-\u200b2026\u200b-\u200b0001", "ＤＣ－２０２６－０００１", " DC-2026-0001\u200b"):
        result = invoke(repo.root, "history", typed)
        assert (result.exit_code, result.output) == (0, plain), typed


def test_history_json(repo: GitRepo, invoke: Invoke) -> None:
    import json

    data = json.loads(invoke(repo.root, "history", "DC-2026-0001", "--format", "json").output)
    assert [e["author"] for e in data["entries"]] == ["张三", "李四", "张三", "张三"]
    assert data["entries"][1]["date"] == "2026-03-05T15:30:00+08:00"


def test_unknown_case_is_a_usage_error(repo: GitRepo, invoke: Invoke) -> None:
    result = invoke(repo.root, "history", "DC-2026-0099")
    assert result.exit_code == 2 and "提交历史中没有督查事项「DC-2026-0099」" in result.output


def test_shallow_clone_is_refused_not_mistaken_for_short_history(repo: GitRepo, tmp_path: Path, invoke: Invoke) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(shallow)], check=True)
    with pytest.raises(HistoryError):
        read_histories(shallow)
    result = invoke(shallow, "history", "DC-2026-0001")
    assert result.exit_code == 2
    assert "浅克隆" in result.output and "git fetch --unshallow" in result.output and "fetch-depth: 0" in result.output


def test_not_a_repository(tmp_path: Path, invoke: Invoke) -> None:
    (tmp_path / "office.yaml").write_text("name: x\nunits:\n  - name: a\n    full_name: b\n", encoding="utf-8")
    result = invoke(tmp_path, "history", "DC-2026-0001")
    assert result.exit_code == 2 and "不是 git 仓库" in result.output


def test_one_pass_for_all_cases(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """All histories come from one walk of the log, however many cases: each merge's diffs against its parents included."""
    for number in range(2, 12):
        repo.write(f"cases/2026/DC-2026-{number:04d}.yaml", CASE.replace("0001", f"{number:04d}"))
    repo.commit("批量立项", date="2026-03-09T09:00:00+08:00")
    commands: list[str] = []
    original = subprocess.Popen

    def counting(args: list[str], *rest: object, **kwargs: object) -> object:
        commands.append(next(a for a in args[1:] if not a.startswith("-") and "=" not in a))
        return original(args, *rest, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", counting)
    histories = read_histories(repo.root)
    assert len(histories.by_id) == 11
    assert commands.count("log") == 1


# --- a repository git cannot read ------------------------------------------------------------------------------


def _lose(repo: GitRepo, revision: str) -> str:
    """Delete the object ``revision`` names from the repository (a damaged copy, an interrupted transfer)."""
    sha = repo.git("rev-parse", revision)
    (repo.root / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    return sha


def test_a_repository_missing_part_of_its_history_is_refused_with_gits_reason(repo: GitRepo, invoke: Invoke) -> None:
    tree = _lose(repo, "HEAD~3:cases")  # the first commit's cases/ folder
    result = invoke(repo.root, "history", "DC-2026-0001")
    assert result.exit_code == 2
    assert result.output == f"错误：git log 失败：fatal: unable to read tree {tree}。请检查仓库是否完整。\n"


def test_records_at_a_commit_git_cannot_give_are_refused(repo: GitRepo, tmp_path: Path) -> None:
    with pytest.raises(HistoryError) as unknown:
        write_records_at(repo.root, "1234567", tmp_path / "unknown")
    assert str(unknown.value) == "git ls-tree 失败：fatal: Not a valid object name 1234567。请检查仓库是否完整。"
    blob = _lose(repo, f"HEAD:{PATH}")
    with pytest.raises(HistoryError) as damaged:
        write_records_at(repo.root, "HEAD", tmp_path / "damaged")
    assert str(damaged.value) == (f"git archive 失败：error: invalid object 100644 {blob} for '{PATH}'\n"
                                  f"error: cannot read '{blob}'。请检查仓库是否完整。")


def test_without_git_the_history_cannot_be_read(repo: GitRepo, invoke: Invoke, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    result = invoke(repo.root, "history", "DC-2026-0001")
    assert result.exit_code == 2 and result.output == "错误：找不到 git 命令：审计记录来自提交历史。请先安装 git。\n"


def test_a_folder_that_does_not_exist_is_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(HistoryError) as missing:
        check_repository(tmp_path / "missing")
    assert str(missing.value) == f"{tmp_path / 'missing'} 不是 git 仓库：审计记录来自提交历史。请在督查仓库中运行。"


def test_a_missing_record_content_is_refused(repo: GitRepo) -> None:
    """A copy that lacks a version's content (a broken clone) is refused with the fix, never read as a trail with a hole."""
    blob = repo.git("rev-parse", f"HEAD~1:{PATH}").strip()
    (repo.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    before = threading.active_count()
    with pytest.raises(HistoryError, match=f"git 对象 {blob} 不存在：仓库不完整。请重新克隆完整仓库。"):
        trails(repo.root, signers=())
    assert threading.active_count() == before  # git's answers no longer read by anyone
