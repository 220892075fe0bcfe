"""`ducha verify`: the archive read as YAML, 档号 unique and of their year, and a rewritten history found."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from .conftest import REPO, Invoke
from .gitrepo import GitRepo
from .signing import keygen, signed, signer_line
from .test_guard import CLOSED

TODAY = "2026-11-23"
OK = ("已核验 1 份归档记录，全部与归档清单一致；1 份通报和全部封存所依据的提交都在当前提交历史中。\n"
      "office.yaml 没有登记审核服务器的签名公钥（review_signers）：主线提交的签名未核验，审核未经平台签名核验。\n")
SECOND = CLOSED.replace("DC-2026-0002", "DC-2026-0005").replace("测教〔2026〕1号", "测教〔2026〕5号")


@pytest.fixture
def repo(tmp_path: Path, invoke: Invoke) -> GitRepo:
    """One case archived (档号 0001-2026-D30-0001) and one 通报 issued, each committed on main."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2026/DC-2026-0002.yaml", CLOSED)
    repo.commit("立项并办结", date="2026-03-09T17:00:00+08:00")
    assert invoke(repo.root, "archive", "--year", "2026", "--today", TODAY).exit_code == 0
    repo.commit("归档 2026 年度", date="2026-11-23T10:00:00+08:00")
    issued = invoke(repo.root, "report", "--period", "2026-Q1", "--today", TODAY, "--issue", "--number", "1")
    assert issued.exit_code == 0, issued.output
    repo.commit("印发 2026 年第 1 号通报", date="2026-11-23T11:00:00+08:00")
    return repo


def verify(repo: GitRepo, invoke: Invoke, command: str = "verify") -> tuple[int, list[str]]:
    result = invoke(repo.root, command)
    return result.exit_code, result.output.splitlines()


def test_an_intact_repository_verifies(repo: GitRepo, invoke: Invoke) -> None:
    assert invoke(repo.root, "verify").output == OK
    assert invoke(repo.root, "verify-archive").output == OK  # the old name still works


def test_ci_runs_verify() -> None:
    workflow = (REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    assert "run: .venv/bin/ducha verify\n" in workflow


# --- the archive, read as YAML -------------------------------------------------------------------------


SECOND_PATH = "cases/2026/DC-2026-0005.yaml"


def seal_by_hand(repo: GitRepo, invoke: Invoke, number: str, retention: str = "30年") -> tuple[int, list[str]]:
    """What a dishonest clerk would do: write the block, hash the file, append a manifest line; then verify."""
    repo.write(SECOND_PATH, SECOND + f"archive:\n  date: 2026-11-23\n  number: {number}\n  retention: {retention}\n")
    digest = hashlib.sha256((repo.root / SECOND_PATH).read_bytes()).hexdigest()
    head = repo.git("rev-parse", "HEAD")
    repo.append("cases/2026/ARCHIVE.sha256", f"{digest}  {SECOND_PATH}  {head}  2026-11-23  {number}\n")
    return verify(repo, invoke)


def test_a_quoted_archive_key_written_by_hand_is_found(repo: GitRepo, invoke: Invoke) -> None:
    path = SECOND_PATH
    repo.write(path, SECOND + '"archive":\n  date: 2026-11-23\n  number: 0001-2026-D30-0002\n  retention: 30年\n')
    assert b"\narchive:" not in (repo.root / path).read_bytes()  # what the old check looked for
    code, lines = verify(repo, invoke)
    assert code == 1
    assert lines[0] == (f"{path}:18:1: [archive] 记录有归档信息，但不在任何归档清单中。 修改：归档只能由 "
                        "`ducha archive --year 年份` 完成：删除手工写入的 archive 块后重新归档。")


def test_a_duplicate_number_is_found(repo: GitRepo, invoke: Invoke) -> None:
    code, lines = seal_by_hand(repo, invoke, "0001-2026-D30-0001")
    assert code == 1
    assert lines[0] == ("cases/2026/ARCHIVE.sha256:4:1: [档号] 档号「0001-2026-D30-0001」与 cases/2026/ARCHIVE.sha256 第 3 行"
                        "重复：档号唯一，永不重复使用。 修改：归档只能由 `ducha archive --year 年份` 完成，归档清单只能追加："
                        "从 git 历史中恢复原样。")


@pytest.mark.parametrize(("number", "message"), [
    ("0001-2025-D30-0009", "档号「0001-2025-D30-0009」的年度不是 2026：档号的年度是事项编号的年度，归档清单按年度分开。"),
    ("0001-2026-D30-9", "档号「0001-2026-D30-9」格式不对：应为 全宗号-年度-保管期限代码（Y、D30、D10）-四位件号，如 0001-2026-D30-0001。"),
    ("0001-2026-X-0009", "档号「0001-2026-X-0009」格式不对：应为 全宗号-年度-保管期限代码（Y、D30、D10）-四位件号，如 0001-2026-D30-0001。"),
    ("9999-2026-D30-0009", "档号「9999-2026-D30-0009」的全宗号不是 office.yaml 中的 0001。"),
])
def test_a_number_of_the_wrong_form_or_year_is_found(repo: GitRepo, invoke: Invoke, number: str, message: str) -> None:
    code, lines = seal_by_hand(repo, invoke, number)
    assert code == 1
    assert lines[0].startswith(f"cases/2026/ARCHIVE.sha256:4:1: [档号] {message} 修改：")


def test_a_retention_code_that_does_not_match_is_found(repo: GitRepo, invoke: Invoke) -> None:
    code, lines = seal_by_hand(repo, invoke, "0001-2026-Y-0001")
    assert code == 1
    assert lines[0].startswith(f"{SECOND_PATH}:18:1: [archive.retention] 档号「0001-2026-Y-0001」的保管期限代码 Y 与保管期限「30年」不符。")


def test_a_sealed_record_archived_properly_later_verifies(repo: GitRepo, invoke: Invoke) -> None:
    repo.write("cases/2026/DC-2026-0005.yaml", SECOND)
    repo.commit("立项并办结", date="2026-11-24T09:00:00+08:00")
    assert invoke(repo.root, "archive", "--year", "2026", "--today", "2026-11-24").exit_code == 0
    assert "0001-2026-D30-0002" in repo.read("cases/2026/ARCHIVE.sha256")
    assert invoke(repo.root, "verify").output == OK.replace("1 份归档记录", "2 份归档记录")


# --- a rewritten history ---------------------------------------------------------------------------------


REWRITTEN = ("不在当前的提交历史中：提交历史被改写过（如 git checkout --orphan、把全部历史压缩成一个提交、git filter-branch "
             "或强制推送）。")
RESTORE = "从未被改写的克隆或备份中恢复原来的提交历史（在服务器上推回原来的分支），并查明改写的经过；已有的提交历史不得改写。"


def _expect_rewritten(repo: GitRepo, invoke: Invoke, sealed_on: str, data_commit: str) -> None:
    code, lines = verify(repo, invoke)
    assert code == 1
    assert lines[:2] == [
        (f"cases/2026/ARCHIVE.sha256:3:1: [sealed_on] cases/2026/DC-2026-0002.yaml 封存时所基于的提交 {sealed_on[:12]} "
         f"{REWRITTEN} 修改：{RESTORE}"),
        f"notices/2026/2026-001.yaml:7:14: [data_commit] 通报依据的数据提交「{data_commit}」{REWRITTEN} 修改：{RESTORE}通报印发后不得修改。",
    ]


def test_an_orphan_branch_with_the_same_files_is_found(repo: GitRepo, invoke: Invoke) -> None:
    sealed_on = repo.git("rev-parse", "HEAD~2")
    data_commit = repo.git("rev-parse", "HEAD~1")
    repo.git("checkout", "-q", "--orphan", "rewritten")
    repo.commit("重新整理的历史", date="2026-11-25T09:00:00+08:00")
    assert repo.git("rev-list", "--count", "HEAD") == "1"
    _expect_rewritten(repo, invoke, sealed_on, data_commit)


def test_a_squash_of_the_whole_history_is_found(repo: GitRepo, invoke: Invoke) -> None:
    sealed_on = repo.git("rev-parse", "HEAD~2")
    data_commit = repo.git("rev-parse", "HEAD~1")
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    repo.git("reset", "-q", "--soft", first)
    repo.git("commit", "-q", "--amend", "-m", "全部历史合并为一个提交", date="2026-11-25T09:00:00+08:00")
    assert repo.git("rev-list", "--count", "HEAD") == "1"
    _expect_rewritten(repo, invoke, sealed_on, data_commit)


def test_a_notice_computed_from_a_commit_it_cannot_have_seen_is_found(repo: GitRepo, invoke: Invoke) -> None:
    """The notice names a commit of a side branch that only came in after it was issued."""
    repo.git("checkout", "-q", "-b", "side")
    repo.write("cases/2026/DC-2026-0005.yaml", SECOND)
    side = repo.commit("另一分支上的记录", date="2026-11-24T09:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.write("notices/2026/2026-002.yaml", repo.read("notices/2026/2026-001.yaml")
               .replace('number: "1"', 'number: "2"').replace("〔2026〕1号", "〔2026〕2号")
               .replace(repo.git("rev-parse", "HEAD~1"), side))
    issued = repo.commit("印发 2026 年第 2 号通报", date="2026-11-24T10:00:00+08:00")
    repo.git("merge", "-q", "--no-ff", "side", "-m", "合并", date="2026-11-24T11:00:00+08:00")
    code, lines = verify(repo, invoke)
    assert code == 1
    assert lines[0] == (f"notices/2026/2026-002.yaml:7:14: [data_commit] 通报依据的数据提交 {side[:12]} 不在印发它的提交 "
                        f"{issued[:12]} 之前：通报只能依据印发时已有的记录生成。 修改：通报印发后不得修改：查明该通报的来历；"
                        "新的通报用 `ducha report --issue` 在当前记录上生成。")


# --- the main line signed by the review server ------------------------------------------------------------

MERGES = 4


@pytest.fixture(scope="module")
def signed_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Built once: a case, then the server's key listed by a merge the server signed, then MERGES signed merges.

    Returns the repository and its main line from the merge that listed the key on, oldest first.
    """
    folder = tmp_path_factory.mktemp("signed")
    key, public = keygen(folder, "server")
    repo = GitRepo(folder / "repo")
    repo.write("cases/2026/DC-2026-0002.yaml", CLOSED)
    repo.commit("立项并办结", date="2026-03-09T17:00:00+08:00")

    def merged(branch: str, number: int) -> str:
        repo.git("checkout", "-q", "main")
        repo.git(*signed(key), "merge", "-q", "--no-ff", branch, "-m", f"合并请求 #{number}\n\nReviewed-by: 王晓峰",
                 date=f"2026-03-{10 + number:02d}T10:00:00+08:00", author="Gitea")
        return repo.git("rev-parse", "HEAD")

    repo.git("checkout", "-q", "-b", "keys")
    repo.append("office.yaml", f"review_signers:\n  - {signer_line(public)}\n")
    repo.commit("登记审核服务器的签名公钥", date="2026-03-10T09:00:00+08:00", author="管理员")
    line = [merged("keys", 0)]
    for number in range(1, MERGES + 1):
        repo.git("checkout", "-q", "-b", f"pr-{number}", "main")
        repo.append("cases/2026/DC-2026-0002.yaml" if number % 2 else "office.yaml", f"# 第{number}次\n")
        repo.commit(f"第{number}个合并请求", date=f"2026-03-{10 + number:02d}T09:00:00+08:00", author="李四")
        line.append(merged(f"pr-{number}", number))
    return repo.root, line


@pytest.fixture
def signed_repo(signed_history: tuple[Path, list[str]], tmp_path: Path) -> tuple[GitRepo, list[str]]:
    root, line = signed_history
    shutil.copytree(root, tmp_path / "repo", symlinks=True)
    return GitRepo.at(tmp_path / "repo"), line


def test_a_signed_main_line_verifies(signed_repo: tuple[GitRepo, list[str]], invoke: Invoke) -> None:
    repo, _ = signed_repo
    result = invoke(repo.root, "verify")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == f"自登记审核服务器的签名公钥起，主线上的 {MERGES + 1} 个提交都有服务器的签名。"


@pytest.mark.parametrize("rewritten", range(MERGES + 1), ids=lambda i: f"main-line commit {i} after the key")
def test_a_filter_branch_of_any_single_commit_after_the_key_is_found(signed_repo: tuple[GitRepo, list[str]], invoke: Invoke,
                                                                      rewritten: int) -> None:
    """Issue 21: `git filter-branch` rewrote authors and Reviewed-by lines, and verify said 全部一致."""
    repo, line = signed_repo
    target = line[rewritten]
    repo.git("filter-branch", "-f", "--msg-filter", "sed 's/Reviewed-by: 王晓峰/Reviewed-by: 督查室主任 周敏/'",
             "--", f"{target}^..main")
    new_line = repo.git("rev-list", "--first-parent", "--reverse", "main").split()
    first_broken = new_line[len(new_line) - len(line) + rewritten]
    subject = "合并请求 #0" if rewritten == 0 else f"合并请求 #{rewritten}"
    code, lines = verify(repo, invoke)
    assert code == 1
    more = f"；此后还有 {len(line) - rewritten - 1} 个提交也不符" if rewritten < len(line) - 1 else ""
    start = first_broken if rewritten == 0 else line[0]
    assert lines[0].startswith(
        f"（提交 {first_broken[:8]}）: [review_signers] 主线上的提交 {first_broken[:12]}（2026-03-{10 + rewritten:02d}T10:00:00+08:00"
        f"「{subject}」）没有签名：自提交 {start[:12]} 在 office.yaml 中登记审核服务器的签名公钥起，主线上的每个提交都由服务器在合并时签名。"
        f"这是第一个不符的提交{more}：提交历史从这里起被改写过"), lines[0]


def test_a_commit_signed_with_another_key_is_found(signed_repo: tuple[GitRepo, list[str]], invoke: Invoke,
                                                    tmp_path: Path) -> None:
    repo, _ = signed_repo
    stranger, _ = keygen(tmp_path, "stranger")
    repo.git("checkout", "-q", "-b", "pr-9")
    repo.append("cases/2026/DC-2026-0002.yaml", "# 直接推送\n")
    repo.commit("直接推送", date="2026-03-20T09:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git(*signed(stranger), "merge", "-q", "--no-ff", "pr-9", "-m", "自己合并\n\nReviewed-by: 王晓峰",
             date="2026-03-20T10:00:00+08:00")
    code, lines = verify(repo, invoke)
    assert code == 1
    assert "的签名不是 office.yaml 所列审核服务器的：" in lines[0] and "这是第一个不符的提交：" in lines[0]
