"""One trail per case, followed by its id (issue 16), and 审核 only from the main line, signed by the server's key
once office.yaml lists it (issues 11, 21).

Real git repositories: moves that git's rename detection cannot pair, merges that edit
files themselves, SSH-signed and unsigned merges, and a generated repository where the
trail of every case read alone must equal the one read with all the others.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from ducha.repo import histories
from ducha.repo.audit import AuditTrail, audit_trail, trails
from ducha.repo.filechanges import changed_files
from ducha.repo.histories import read_histories
from ducha.repo.values import FileChange

from .conftest import Invoke
from .gitrepo import GitRepo
from .signing import keygen, signed, signer_line
from .test_history import CASE as FIRST_CASE

CASE = FIRST_CASE.replace("DC-2026-0001", "{id}")

OLD = "cases/2025/DC-2026-0001.yaml"
NEW = "cases/2026/DC-2026-0001.yaml"
REVIEWER = "王晓峰 <wangxf@dcs.example.cn>"


def progress(day: str, summary: str = "已排查餐饮场所620家。") -> str:
    return f"  - date: {day}\n    by: 市住建局\n    summary: {summary}\n"


def merge(repo: GitRepo, branch: str, message: str, date: str, *extra: str, author: str = "王晓峰") -> None:
    repo.git("merge", "-q", "--no-ff", *extra, branch, "-m", message, date=date, author=author,
             email="wangxf@dcs.example.cn")


def pr_message(number: int, reviewer: str = REVIEWER) -> str:
    return f"Merge pull request '更新' (#{number}) from pr-{number} into main\n\nReviewed-by: {reviewer}"


def renamed_by_git(repo: GitRepo, commit: str) -> bool:
    """Whether git's own rename detection pairs the paths of ``commit``."""
    return any(line.startswith("R") for line in repo.git("show", "-M", "--name-status", "--format=", commit).split("\n"))


def same_everywhere(root: Path, case_ids: list[str]) -> dict[str, AuditTrail]:
    """The trails as the site reads them (all at once), after checking each read alone equals it."""
    _, every = trails(root)
    for case_id in case_ids:
        assert audit_trail(root, case_id).as_json() == every[case_id].as_json(), case_id
    return every


@pytest.fixture
def split(tmp_path: Path) -> GitRepo:
    """Filed in the wrong year folder; moved and rewritten in one commit (git sees a delete and an add)."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(OLD, CASE.format(id="DC-2026-0001"))
    repo.write("cases/2026/DC-2026-0002.yaml", CASE.format(id="DC-2026-0002"))
    repo.commit("新建督查事项 DC-2026-0001、0002", date="2026-03-02T09:00:00+08:00")
    repo.move(OLD, NEW)
    repo.append(NEW, "progress:\n" + "".join(progress(f"2026-03-{day:02d}", f"第{day}批排查完成，整改隐患{day * 7}处。")
                                            for day in range(3, 13)))
    repo.commit("移到 2026 年度并补报进展", date="2026-03-13T17:00:00+08:00", author="李四", email="lisi@zjj.example.cn")
    repo.git("checkout", "-q", "-b", "pr-3")
    repo.append(NEW, "reports:\n  - date: 2026-03-16\n    doc_no: 测建函〔2026〕12号\n    signer: 赵局长\n"
                     "    summary: 已全部整改完毕。\n")
    repo.commit("报送办理报告", date="2026-03-16T10:00:00+08:00", author="李四", email="lisi@zjj.example.cn")
    repo.git("checkout", "-q", "main")
    merge(repo, "pr-3", pr_message(3), "2026-03-17T09:30:00+08:00")
    return repo


def test_move_and_rewrite_in_one_commit_keeps_one_history(split: GitRepo) -> None:
    move = split.git("rev-parse", "HEAD~1")
    assert not renamed_by_git(split, move), "the scenario needs a move git cannot pair"
    trail = same_everywhere(split.root, ["DC-2026-0001", "DC-2026-0002"])["DC-2026-0001"]
    progress_added = "；".join(f"新增办理进展 2026-03-{day:02d}" for day in range(3, 13))
    assert [(e.date.isoformat(), e.author, e.change, e.path, e.old_path, e.reviewers, e.merged_in is not None)
            for e in trail.entries] == [
        ("2026-03-02T09:00:00+08:00", "张三", "立项", OLD, None, (), False),
        ("2026-03-13T17:00:00+08:00", "李四", f"{progress_added}（移动：{OLD} → {NEW}）", NEW, OLD, (), False),
        ("2026-03-16T10:00:00+08:00", "李四", "报送办理报告 测建函〔2026〕12号（2026-03-16）", NEW, None, (REVIEWER,), True),
    ]
    assert trail.entries[1].commit == move[:8]


def test_history_command_and_site_tell_the_same_story(split: GitRepo, invoke: Invoke) -> None:
    shown = json.loads(invoke(split.root, "history", "DC-2026-0001", "--format", "json").output)
    _, site = trails(split.root)
    assert {key: value for key, value in shown.items() if key != "late"} == site["DC-2026-0001"].as_json()
    text = invoke(split.root, "history", "DC-2026-0001").output
    assert "  2026-03-02 09:00  张三  " in text and "  立项\n" in text
    assert f"（移动：{OLD} → {NEW}）" in text and "删除了记录文件" not in text


def test_a_move_split_over_two_commits_is_still_one_history(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write(OLD, CASE.format(id="DC-2026-0001"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    text = repo.read(OLD)
    repo.git("rm", "-q", OLD)
    repo.commit("删除放错位置的文件", date="2026-03-03T09:00:00+08:00", author="李四")
    repo.write(NEW, text)
    repo.commit("放到 2026 年度", date="2026-03-03T09:05:00+08:00", author="李四")
    trail = same_everywhere(repo.root, ["DC-2026-0001"])["DC-2026-0001"]
    assert [(e.author, e.change, e.path) for e in trail.entries] == [
        ("张三", "立项", OLD),
        ("李四", "删除了记录文件", OLD),
        ("李四", f"移动：{OLD} → {NEW}（原文件在此前的提交中删除）", NEW),
    ]


def with_branch(tmp_path: Path) -> GitRepo:
    """A case on main, and a branch ``pr-1`` that reports its progress (main checked out)."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(NEW, CASE.format(id="DC-2026-0001"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr-1")
    repo.append(NEW, "progress:\n" + progress("2026-03-05"))
    repo.commit("报送进展", date="2026-03-05T15:30:00+08:00", author="李四", email="lisi@zjj.example.cn")
    repo.git("checkout", "-q", "main")
    return repo


def test_changes_made_inside_a_merge_belong_to_the_merge(tmp_path: Path, invoke: Invoke) -> None:
    repo = with_branch(tmp_path)
    merge(repo, "pr-1", pr_message(1), "2026-03-06T10:00:00+08:00", "--no-commit")
    repo.append(NEW, progress("2026-03-06", "合并时顺手加的一条。"))
    repo.commit(pr_message(1), date="2026-03-06T10:00:00+08:00", author="王晓峰", email="wangxf@dcs.example.cn")
    evil = repo.git("rev-parse", "HEAD")
    trail = same_everywhere(repo.root, ["DC-2026-0001"])["DC-2026-0001"]
    assert [(e.author, e.commit, e.change, e.reviewers) for e in trail.entries] == [
        ("张三", trail.entries[0].commit, "立项", ()),
        ("李四", trail.entries[1].commit, "新增办理进展 2026-03-05", (REVIEWER,)),
        ("王晓峰", evil[:8], "合并时直接改动：新增办理进展 2026-03-06", (REVIEWER,)),
    ]
    assert trail.entries[1].merged_in == evil[:8]
    output = invoke(repo.root, "history", "DC-2026-0001").output
    assert f"王晓峰  {evil[:8]}  合并时直接改动：新增办理进展 2026-03-06  审核：{REVIEWER}" in output


def test_a_merge_that_only_joins_both_sides_adds_no_entry(tmp_path: Path) -> None:
    repo = with_branch(tmp_path)
    repo.replace(NEW, "id: DC-2026-0001\n", "id: DC-2026-0001\nnotes: 主线上加的备注\n")
    repo.commit("加备注", date="2026-03-05T16:00:00+08:00")
    merge(repo, "pr-1", pr_message(1), "2026-03-06T10:00:00+08:00")
    merged = repo.git("rev-parse", "HEAD")
    combined = repo.git("show", "-c", "--raw", "--format=", merged)
    assert NEW in combined, "both sides changed the file: git lists it for the merge"
    trail = same_everywhere(repo.root, ["DC-2026-0001"])["DC-2026-0001"]
    assert [e.change for e in trail.entries] == ["立项", "备注 设为 主线上加的备注", "新增办理进展 2026-03-05"]


def test_a_merge_that_keeps_its_first_parent_brings_nothing_in(tmp_path: Path) -> None:
    """``-s ours``: the merge differs from its branch only; git prints its one diff without saying against which parent."""
    repo = with_branch(tmp_path)
    merge(repo, "pr-1", pr_message(1), "2026-03-06T10:00:00+08:00", "-s", "ours")
    trail = same_everywhere(repo.root, ["DC-2026-0001"])["DC-2026-0001"]
    assert [e.change for e in trail.entries] == ["立项"]


def test_an_octopus_merge_brings_in_each_branch(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write(NEW, CASE.format(id="DC-2026-0001"))
    repo.write("cases/2026/DC-2026-0002.yaml", CASE.format(id="DC-2026-0002"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    for number, day in ((1, "05"), (2, "06")):
        repo.git("checkout", "-q", "-b", f"pr-{number}", "main")
        repo.append(f"cases/2026/DC-2026-000{number}.yaml", "progress:\n" + progress(f"2026-03-{day}"))
        repo.commit("报送进展", date=f"2026-03-{day}T15:30:00+08:00", author="李四")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "pr-1", "pr-2", "-m", pr_message(3), date="2026-03-07T10:00:00+08:00",
             author="王晓峰")
    octopus = repo.git("rev-parse", "HEAD")[:8]
    every = same_everywhere(repo.root, ["DC-2026-0001", "DC-2026-0002"])
    assert [(e.change, e.merged_in, e.reviewers) for e in every["DC-2026-0001"].entries] == [
        ("立项", None, ()), ("新增办理进展 2026-03-05", octopus, (REVIEWER,))]
    assert [(e.change, e.merged_in, e.reviewers) for e in every["DC-2026-0002"].entries] == [
        ("立项", None, ()), ("新增办理进展 2026-03-06", octopus, (REVIEWER,))]


# --- 审核 and signatures ---------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> tuple[Path, str]:
    """The review server's key: its private key file and its ``review_signers`` line."""
    key, public = keygen(tmp_path, "server")
    return key, signer_line(public)


def reviewed_repo(root: Path, server: tuple[Path, str], adopt: bool) -> GitRepo:
    """Merges and squash commits, signed by the server's key, by another key, or not at all.

    With ``adopt``, the office first lists the server's key in office.yaml, through a pull
    request the server merged and signed: from that merge on, every 审核 must carry its signature.
    """
    key, signer = server
    stranger, _ = keygen(root.parent, "stranger")
    repo = GitRepo(root)
    repo.write(NEW, CASE.format(id="DC-2026-0001") + "progress:\n" + progress("2026-03-02"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    if adopt:
        repo.git("checkout", "-q", "-b", "keys")
        repo.append("office.yaml", f"review_signers:\n  - {signer}\n")
        repo.commit("登记审核服务器的签名公钥", date="2026-03-02T10:00:00+08:00", author="管理员")
        repo.git("checkout", "-q", "main")
        repo.git(*signed(key), "merge", "-q", "--no-ff", "keys", "-m", pr_message(0, "督查室主任 周敏"),
                 date="2026-03-02T11:00:00+08:00", author="Gitea")
    day = 3
    for number, sign, reviewer in ((1, signed(key), "王晓峰"), (2, (), "李主任"), (3, signed(stranger), "周九")):
        repo.git("checkout", "-q", "-b", f"pr-{number}")
        repo.append(NEW, progress(f"2026-03-{day:02d}"))
        repo.commit(f"进展 {number}", date=f"2026-03-{day:02d}T09:00:00+08:00", author="李四")
        repo.git("checkout", "-q", "main")
        repo.git(*sign, "merge", "-q", "--no-ff", f"pr-{number}", "-m",
                 pr_message(number, reviewer), date=f"2026-03-{day:02d}T10:00:00+08:00", author="Gitea")
        day += 1
    for sign, reviewer in ((signed(key), "赵六"), ((), "钱七"), (signed(stranger), "孙八")):
        repo.append(NEW, progress(f"2026-03-{day:02d}"))
        repo.git("add", "-A")
        repo.git(*sign, "commit", "-q", "-m", f"进展（压缩合并）\n\n审核：{reviewer}",
                 date=f"2026-03-{day:02d}T10:00:00+08:00", author="Gitea")
        day += 1
    return repo


def test_after_the_keys_only_the_server_signature_carries_the_review(server: tuple[Path, str], tmp_path: Path,
                                                                     invoke: Invoke) -> None:
    repo = reviewed_repo(tmp_path / "repo", server, adopt=True)
    trail = same_everywhere(repo.root, ["DC-2026-0001"])["DC-2026-0001"]
    assert [(e.change, e.reviewers, e.signature) for e in trail.entries] == [
        ("立项", (), None),
        ("新增办理进展 2026-03-03", ("王晓峰",), "签名已验证"),
        ("新增办理进展 2026-03-04", (), "未签名"),  # a merge the server did not sign: its 审核 is withheld
        ("新增办理进展 2026-03-05", (), "签名未通过验证"),
        ("新增办理进展 2026-03-06", ("赵六",), "签名已验证"),  # Gitea's squash commit, signed by the server
        ("新增办理进展 2026-03-07", (), "未签名"),  # 审核 typed into a commit on main: the author's word
        ("新增办理进展 2026-03-08", (), "签名未通过验证"),  # signed, but not by the server
    ]
    output = invoke(repo.root, "history", "DC-2026-0001").output
    assert "新增办理进展 2026-03-03  审核：王晓峰（签名已验证）（经合并提交 " in output
    assert "新增办理进展 2026-03-04  审核：不予采信（合并提交未签名）\n" in output
    assert "新增办理进展 2026-03-07  审核：不予采信（合并提交未签名）\n" in output
    assert "李主任" not in output and "钱七" not in output and "孙八" not in output


def test_the_site_page_shows_each_review_with_its_signature(server: tuple[Path, str], tmp_path: Path,
                                                            invoke: Invoke) -> None:
    repo = reviewed_repo(tmp_path / "repo", server, adopt=True)
    result = invoke(repo.root, "pages", "--today", "2026-03-31")
    assert result.exit_code == 0, result.output
    page = next((repo.root / "build").rglob("DC-2026-0001.md")).read_text(encoding="utf-8")
    rows = [row for row in page.split("<tr>") if "新增办理进展" in row]
    assert ["签名已验证" in r for r in rows] == [True, False, False, True, False, False]
    assert ["王晓峰" in r or "赵六" in r for r in rows] == [True, False, False, True, False, False]
    # a withheld 审核 says why, as `ducha history` does, never a bare dash
    assert ["不予采信（合并提交未签名）" in r for r in rows] == [False, True, False, False, True, False]
    assert ["不予采信（合并提交签名未通过验证）" in r for r in rows] == [False, False, True, False, False, True]
    assert not any(name in page for name in ("李主任", "周九", "钱七", "孙八"))


def test_without_server_keys_every_review_on_main_says_it_is_unverified(server: tuple[Path, str], tmp_path: Path,
                                                                        invoke: Invoke) -> None:
    repo = reviewed_repo(tmp_path / "repo", server, adopt=False)
    trail = audit_trail(repo.root, "DC-2026-0001")
    assert [(e.reviewers, e.signature) for e in trail.entries] == [((), None)] + [
        ((name,), "未经平台签名核验") for name in ("王晓峰", "李主任", "周九")] + [
        ((), None)] * 3  # a squash commit's 审核 counts only when a key shows the server made it
    output = invoke(repo.root, "history", "DC-2026-0001").output
    assert "新增办理进展 2026-03-03  审核：王晓峰（未经平台签名核验）（经合并提交 " in output
    page = invoke(repo.root, "pages", "--today", "2026-03-31")
    assert page.exit_code == 0, page.output
    assert "<small>未经平台签名核验</small>" in next((repo.root / "build").rglob("DC-2026-0001.md")).read_text(encoding="utf-8")


def test_reviews_before_the_keys_were_listed_stay_unverified_not_refused(server: tuple[Path, str], tmp_path: Path) -> None:
    key, signer = server
    repo = GitRepo(tmp_path / "repo")
    repo.write(NEW, CASE.format(id="DC-2026-0001"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr-1")
    repo.append(NEW, "progress:\n" + progress("2026-03-03"))
    repo.commit("进展", date="2026-03-03T09:00:00+08:00", author="李四")
    repo.git("checkout", "-q", "main")
    merge(repo, "pr-1", pr_message(1), "2026-03-03T10:00:00+08:00")  # before the server signed anything
    repo.git("checkout", "-q", "-b", "keys")
    repo.append("office.yaml", f"review_signers:\n  - {signer}\n")
    repo.commit("登记签名公钥", date="2026-03-04T09:00:00+08:00", author="管理员")
    repo.git("checkout", "-q", "main")
    repo.git(*signed(key), "merge", "-q", "--no-ff", "keys", "-m", pr_message(2), date="2026-03-04T10:00:00+08:00")
    trail = audit_trail(repo.root, "DC-2026-0001")
    assert [(e.change, e.reviewers, e.signature) for e in trail.entries] == [
        ("立项", (), None), ("新增办理进展 2026-03-03", (REVIEWER,), "未经平台签名核验")]


def test_a_merge_made_on_the_branch_never_reviews(tmp_path: Path, invoke: Invoke) -> None:
    """Issue 21: `git commit-tree $(git write-tree) -p HEAD -p HEAD~1 -m '进展…审核：督查室主任 周敏'` on the branch."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(NEW, CASE.format(id="DC-2026-0001"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr-1")
    repo.append(NEW, "progress:\n" + progress("2026-03-03"))
    repo.commit("进展", date="2026-03-03T09:00:00+08:00", author="李四")
    repo.append(NEW, progress("2026-03-04"))
    repo.git("add", "-A")  # the edit goes into the forged merge itself
    forged = repo.git("commit-tree", repo.git("write-tree"), "-p", "HEAD", "-p", "HEAD~1", "-m",
                      "进展\n\n审核：督查室主任 周敏", date="2026-03-04T09:30:00+08:00", author="李四")
    repo.git("reset", "-q", "--hard", forged)
    repo.git("checkout", "-q", "main")
    merge(repo, "pr-1", pr_message(1, "王五"), "2026-03-05T10:00:00+08:00")
    trail = same_everywhere(repo.root, ["DC-2026-0001"])["DC-2026-0001"]
    assert [(e.change, e.reviewers) for e in trail.entries] == [
        ("立项", ()), ("新增办理进展 2026-03-03", ("王五",)), ("合并时直接改动：新增办理进展 2026-03-04", ("王五",))]
    assert "周敏" not in invoke(repo.root, "history", "DC-2026-0001").output
    result = invoke(repo.root, "pages", "--today", "2026-03-31")
    assert result.exit_code == 0, result.output
    assert "周敏" not in next((repo.root / "build").rglob("DC-2026-0001.md")).read_text(encoding="utf-8")


def test_a_malformed_signer_line_is_refused_with_its_place(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write(NEW, CASE.format(id="DC-2026-0001"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    repo.append("office.yaml", "review_signers:\n  - ssh-ed25519 AAAAC3Nza\n")
    result = invoke(repo.root, "history", "DC-2026-0001")
    assert result.exit_code == 1
    assert "office.yaml" in result.output and "审核服务器签名公钥" in result.output and "allowed_signers" in result.output


# --- one case read alone, through the case index -------------------------------------------


def no_full_read(*_: object) -> None:
    raise AssertionError("read the whole log for one case")


def index_lines(root: Path) -> list[str]:
    return (root / ".git" / "ducha" / "case-index").read_text(encoding="utf-8").split("\n")


def test_one_case_is_read_through_the_case_index(split: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    trails(split.root)  # the site's read leaves the case index behind
    first, moved, merged = split.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    # each path with the main-line commits that changed it, by depth (first parents behind them)
    assert index_lines(split.root) == [
        f"ducha case-index 1 {merged} 2",
        f"{OLD}\t0:{first} 1:{moved}",
        f"{NEW}\t1:{moved} 2:{merged}",
        f"cases/2026/DC-2026-0002.yaml\t0:{first}",
        "",
    ]
    monkeypatch.setattr(histories, "_read_all", no_full_read)
    split.append("cases/2026/DC-2026-0002.yaml", "progress:\n" + progress("2026-03-20"))
    split.commit("新一条进展", date="2026-03-20T09:00:00+08:00")
    added = split.git("rev-parse", "HEAD")
    history = read_histories(split.root, ["DC-2026-0002", "DC-2026-0001"])
    assert [len(history.by_id[i].versions) for i in ("DC-2026-0001", "DC-2026-0002")] == [3, 2]
    assert index_lines(split.root)[0] == f"ducha case-index 1 {added} 3"  # brought forward, not made again
    assert index_lines(split.root)[3] == f"cases/2026/DC-2026-0002.yaml\t0:{first} 3:{added}"
    info = split.root / ".git" / "objects" / "info"
    assert not (info / "commit-graph").exists() and not (info / "commit-graphs").exists()


def clone(source: GitRepo, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", "--no-local", str(source.root), str(target)], check=True, capture_output=True)
    return target


def test_a_fresh_clone_reads_one_case_without_reading_every_version(split: GitRepo, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _, every = trails(split.root)
    fresh = clone(split, tmp_path / "fresh")
    monkeypatch.setattr(histories, "_read_all", no_full_read)
    for case_id in ("DC-2026-0001", "DC-2026-0002"):
        assert audit_trail(fresh, case_id).as_json() == every[case_id].as_json()
    assert index_lines(fresh) == index_lines(split.root)


def test_a_read_only_clone_answers_and_is_left_as_it_was(split: GitRepo, tmp_path: Path, invoke: Invoke) -> None:
    expected = invoke(split.root, "history", "DC-2026-0001", "--format", "json")
    readonly = clone(split, tmp_path / "readonly")
    subprocess.run(["chmod", "-R", "a-w", str(readonly)], check=True)

    def files() -> dict[str, tuple[int, int]]:
        return {p.relative_to(readonly).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
                for p in readonly.rglob("*")}

    before = files()
    try:
        answer = invoke(readonly, "history", "DC-2026-0001", "--format", "json")
        assert answer.exit_code == 0, answer.output
        assert answer.output == expected.output
        assert files() == before  # nothing kept: no index, no commit-graph
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(readonly)], check=True)


def test_an_index_made_off_the_main_line_is_made_again(split: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made on a branch that main then merged: its commits are not main-line ones, nor are its depths."""
    split.git("checkout", "-q", "-b", "pr-4")
    split.append("cases/2026/DC-2026-0002.yaml", "progress:\n" + progress("2026-03-18"))
    split.commit("分支上的进展", date="2026-03-18T09:00:00+08:00")
    split.git("checkout", "-q", "main")
    merge(split, "pr-4", pr_message(4), "2026-03-19T09:00:00+08:00")
    _, every = trails(split.root)
    split.git("checkout", "-q", "pr-4")
    (split.root / ".git" / "ducha" / "case-index").unlink()
    audit_trail(split.root, "DC-2026-0002")
    assert index_lines(split.root)[0].split()[3] == split.git("rev-parse", "pr-4")
    split.git("checkout", "-q", "main")
    monkeypatch.setattr(histories, "_read_all", no_full_read)
    for case_id in every:
        assert audit_trail(split.root, case_id).as_json() == every[case_id].as_json(), case_id
    assert index_lines(split.root)[0].split()[3] == split.git("rev-parse", "main")


def test_a_rewritten_history_is_read_again_in_full(split: GitRepo) -> None:
    trails(split.root)
    split.git("reset", "-q", "--hard", "HEAD~2")  # back before the move: the index names a lost commit
    split.append(OLD, "notes: 重写后的历史\n")
    split.commit("改写", date="2026-03-21T09:00:00+08:00")
    assert [(e.change, e.path) for e in audit_trail(split.root, "DC-2026-0001").entries] == [
        ("立项", OLD), ("备注 设为 重写后的历史", OLD)]


def test_the_guard_sees_a_rewritten_move_as_a_move(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write(OLD, CASE.format(id="DC-2026-0001"))
    repo.commit("新建", date="2026-03-02T09:00:00+08:00")
    repo.move(OLD, NEW)
    repo.append(NEW, "progress:\n" + "".join(progress(f"2026-03-{d:02d}", f"第{d}批。") for d in range(3, 13)))
    assert changed_files(repo.root, "HEAD") == [FileChange("R", NEW, OLD)]


# --- a generated repository: every case read alone equals the site's read --------------------


class Generator:
    """Cases on main and on reviewed branches: moves (some rewritten), evil merges, branches updated from main."""

    def __init__(self, root: Path, seed: int) -> None:
        self.repo = GitRepo(root)
        self.rng = random.Random(seed)
        self.paths: dict[str, str] = {}
        self.minute = 0
        self.number = 0
        self.seen: dict[str, int] = defaultdict(int)  # what the repository came to hold

    def stamp(self) -> str:
        self.minute += 7
        day, minute = divmod(self.minute, 600)
        return f"2026-{3 + day // 28:02d}-{1 + day % 28:02d}T{9 + minute // 60:02d}:{minute % 60:02d}:00+08:00"

    def commit(self, message: str) -> None:
        author = self.rng.choice(["张三", "李四", "王五"])
        self.repo.commit(message, date=self.stamp(), author=author)

    def new(self) -> str:
        self.number += 1
        case_id = f"DC-2026-{self.number:04d}"
        folder = "2025" if self.rng.random() < 0.3 else "2026"  # some filed in the wrong year
        path = self.paths[case_id] = f"cases/{folder}/{case_id}.yaml"
        self.repo.write(path, CASE.format(id=case_id) + "progress:\n" + progress("2026-03-02"))
        return case_id

    def edit(self, case_id: str) -> None:
        self.repo.append(self.paths[case_id], progress(f"2026-04-{self.rng.randint(1, 28):02d}",
                                                      f"第{self.rng.randint(1, 999)}项工作完成。"))

    def move(self, case_id: str, rewrite: bool) -> None:
        self.seen["rewritten move" if rewrite else "move"] += 1
        old = self.paths[case_id]
        new = self.paths[case_id] = old.replace("/2025/", "/2026/") if "/2025/" in old else old.replace("/2026/", "/2025/")
        self.repo.move(old, new)
        for _ in range(12 if rewrite else 0):
            self.edit(case_id)

    def step(self) -> None:
        ids = sorted(self.paths)
        pick = self.rng.choice(ids) if ids else None
        kind = self.rng.choice(["new", "edit", "edit", "move", "pr", "pr", "pr"]) if pick else "new"
        if kind == "new":
            self.new()
            self.commit("立项")
        elif kind == "edit" and pick:
            self.edit(pick)
            self.commit("进展")
        elif kind == "move" and pick:
            self.move(pick, rewrite=self.rng.random() < 0.6)
            self.commit("移动")
        else:
            self.pull_request()

    def pull_request(self) -> None:
        branch = f"pr-{self.minute}"
        self.repo.git("checkout", "-q", "-b", branch)
        touched: list[str] = []
        for _ in range(self.rng.randint(1, 3)):
            pick = self.rng.choice(sorted(self.paths))
            roll = self.rng.random()
            if roll < 0.2:
                pick = self.new()
            elif roll < 0.35:
                self.move(pick, rewrite=self.rng.random() < 0.6)
            else:
                self.edit(pick)
            touched.append(pick)
            self.commit("分支上的改动")
        untouched = [i for i in sorted(self.paths) if i not in touched]
        if untouched and self.rng.random() < 0.25:  # edited and put back: the main line never sees it
            other = self.rng.choice(untouched)
            before = self.repo.read(self.paths[other])
            self.edit(other)
            self.commit("改错了")
            self.repo.write(self.paths[other], before)
            self.commit("改回去")
            self.seen["edited and put back"] += 1
        self.repo.git("checkout", "-q", "main")
        if self.rng.random() < 0.3:  # main moves on; the branch is brought up to date
            others = [i for i in sorted(self.paths) if i not in touched and self.paths[i] == self.repo_path(i)]
            if others:
                self.edit(self.rng.choice(others))
                self.commit("主线上的进展")
                self.repo.git("checkout", "-q", branch)
                self.repo.git("merge", "-q", "--no-ff", "main", "-m", "更新分支", date=self.stamp())
                self.repo.git("checkout", "-q", "main")
                self.seen["branch brought up to date"] += 1
        evil = self.rng.random() < 0.25
        message = pr_message(self.minute)
        self.repo.git("merge", "-q", "--no-ff", *(["--no-commit"] if evil else []), branch, "-m", message,
                      date=self.stamp(), author="王晓峰")
        if evil:
            self.edit(self.rng.choice(sorted(self.paths)))
            self.repo.commit(message, date=self.stamp(), author="王晓峰")
            self.seen["evil merge"] += 1

    def repo_path(self, case_id: str) -> str | None:
        return self.paths[case_id] if (self.repo.root / self.paths[case_id]).exists() else None


@pytest.mark.slow
def test_every_case_read_alone_equals_the_site_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator = Generator(tmp_path / "repo", seed=16)
    for _ in range(70):
        generator.step()
    root = generator.repo.root
    assert all(generator.seen[kind] >= 2 for kind in ("edited and put back", "branch brought up to date",
                                                       "evil merge", "rewritten move", "move")), generator.seen
    _, every = trails(root)
    assert sorted(every) == sorted(generator.paths)
    # What the site's read worked out of each merge's branch is what git's own walk of the main line says.
    worked_out = index_lines(root)
    (root / ".git" / "ducha" / "case-index").unlink()
    audit_trail(root, "DC-2026-0001")
    assert index_lines(root) == worked_out
    changes = [e.change for t in every.values() for e in t.entries]
    rewritten_moves = [line for line in generator.repo.git("log", "-M", "--name-status", "--format=").split("\n")
                       if line.startswith("D")]
    assert rewritten_moves, "some moves must be below git's rename threshold"
    assert any("移动：" in c for c in changes) and any(c.startswith("合并时直接改动：") for c in changes)
    assert not any(c == "删除了记录文件" for c in changes), "no move may show as a deletion"
    assert all(t.entries[0].change == "立项" for t in every.values())
    for case_id, trail in every.items():  # the last version is the file as it is now
        assert trail.entries[-1].path == generator.paths[case_id]

    def no_full_read(repo: object) -> None:
        raise AssertionError("read the whole log for one case")

    monkeypatch.setattr(histories, "_read_all", no_full_read)
    for case_id in sorted(every):
        assert audit_trail(root, case_id).as_json() == every[case_id].as_json(), case_id
