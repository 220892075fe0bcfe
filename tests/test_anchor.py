"""`ducha anchor` and `ducha verify --anchor`: the state of the records written down outside the repository
holds the history to account, without signing keys."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ducha.repo.anchor import listing_digest, record_digest

from .conftest import Invoke
from .gitrepo import GitRepo
from .test_guard import CASE, CLOSED, NOTICE, PATH

CLOSED_PATH = "cases/2026/DC-2026-0002.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """Two cases and a notice on main, reviewed by merges; a file outside the records that anchors leave out."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, CASE)
    repo.write(CLOSED_PATH, CLOSED)
    repo.write("README.md", "# 督查\n")
    first = repo.commit("立项", date="2026-03-02T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr-1")
    repo.write("notices/2026/2026-001.yaml", NOTICE.format(commit=first))
    repo.commit("印发通报", date="2026-03-10T09:00:00+08:00", author="李四")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "pr-1", "-m", "合并请求 #1\n\nReviewed-by: 王晓峰", date="2026-03-10T10:00:00+08:00")
    return repo


def sha256(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def test_the_anchor_lists_every_record_with_its_sha256(repo: GitRepo, invoke: Invoke) -> None:
    head = repo.git("rev-parse", "HEAD")
    notice = repo.read("notices/2026/2026-001.yaml")
    lines = [f"{sha256(CASE)}  {PATH}", f"{sha256(CLOSED)}  {CLOSED_PATH}", f"{sha256(notice)}  notices/2026/2026-001.yaml"]
    body = "".join(line + "\n" for line in lines)
    result = invoke(repo.root, "anchor")
    assert result.exit_code == 0, result.output
    assert result.output == (f"ducha-anchor 1\ncommit {head}\ndate 2026-03-10T10:00:00+08:00\nrecords 3\n"
                             f"digest sha256:{sha256(body)}\n\n{body}")


def test_the_digest_functions_are_plain_sha256() -> None:
    """What federation links name: the SHA-256 of a file's bytes, and of the record lines."""
    assert record_digest(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert listing_digest((("cases/a.yaml", "0" * 64),)) == sha256(f"{'0' * 64}  cases/a.yaml\n")


def test_the_history_still_holding_the_anchor_verifies(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    anchor = tmp_path / "锚点-1.txt"
    written = invoke(repo.root, "anchor", "-o", str(anchor))
    assert written.exit_code == 0 and written.output.startswith("已写入锚点 "), written.output
    repo.append(PATH, "notes: 锚点之后的新内容。\n")
    repo.commit("锚点之后的提交", date="2026-03-11T09:00:00+08:00")
    result = invoke(repo.root, "verify", "--anchor", str(anchor))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 个锚点记下的提交仍在主线上，其中的记录与锚点一致。"


def test_a_rewrite_after_the_anchor_is_found_without_keys(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    """Issue 21: filter-branch over the commits after the last notice, authors and Reviewed-by rewritten."""
    anchor = tmp_path / "锚点.txt"
    assert invoke(repo.root, "anchor", "-o", str(anchor)).exit_code == 0
    anchored = repo.git("rev-parse", "HEAD")
    notice_commit = repo.git("rev-parse", "HEAD^2")
    repo.git("filter-branch", "-f", "--env-filter", "GIT_AUTHOR_NAME=周敏", "--msg-filter",
             "sed 's/Reviewed-by: 王晓峰/Reviewed-by: 督查室主任 周敏/'", "--", f"{notice_commit}..main")
    assert invoke(repo.root, "verify").exit_code == 0  # the notice's data_commit is still there: nothing else tells
    result = invoke(repo.root, "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"锚点.txt:2:1: [commit] 锚点 锚点.txt 记下的提交 {anchored[:12]}（2026-03-10T10:00:00+08:00，3 份记录）已不在当前分支的主线"
        "（第一父提交链）上：锚点之后主线被改写过（如强制推送、改写后重新合并）。 修改：从未被改写的克隆或备份中恢复原来的提交历史"
        "（在服务器上推回原来的分支），并查明改写的经过；已有的提交历史不得改写。")


def test_in_a_fresh_clone_of_a_rewritten_history_the_commit_is_gone(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    anchor = tmp_path / "锚点.txt"
    assert invoke(repo.root, "anchor", "-o", str(anchor)).exit_code == 0
    anchored = repo.git("rev-parse", "HEAD")
    repo.git("filter-branch", "-f", "--env-filter", "GIT_AUTHOR_NAME=周敏", "--", "main")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--no-local", str(repo.root), str(clone))
    result = invoke(clone, "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert any(line.startswith(f"锚点.txt:2:1: [commit] 锚点 锚点.txt 记下的提交 {anchored[:12]}（2026-03-10T10:00:00+08:00，"
                               "3 份记录）不在当前仓库中：锚点之后提交历史被改写过") for line in result.output.splitlines())


def test_an_edited_anchor_is_refused(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    anchor = tmp_path / "锚点.txt"
    assert invoke(repo.root, "anchor", "-o", str(anchor)).exit_code == 0
    text = anchor.read_text(encoding="utf-8")
    anchor.write_text(text.replace(f"  {CLOSED_PATH}\n", "  cases/2026/DC-2026-0009.yaml\n"), encoding="utf-8")
    result = invoke(repo.root, "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("锚点.txt:4:1: [digest] 锚点文件中的记录数或摘要与其中的记录清单（3 份）不符：文件被改动过。")
    anchor.write_text("ducha-anchor 1\ncommit 123\n", encoding="utf-8")
    lines = invoke(repo.root, "verify", "--anchor", str(anchor)).output.splitlines()
    assert lines[0].startswith("锚点.txt:2:1: 锚点文件的这一行应是 40 位的提交号。")


def test_an_anchor_of_a_commit_off_the_main_line_is_refused(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    anchor = tmp_path / "锚点.txt"
    side = repo.git("rev-parse", "pr-1")
    assert invoke(repo.root, "anchor", "--commit", "pr-1", "-o", str(anchor)).exit_code == 0
    result = invoke(repo.root, "verify", "--anchor", str(anchor))
    assert result.exit_code == 1 and f"记下的提交 {side[:12]}" in result.output and "已不在当前分支的主线" in result.output
