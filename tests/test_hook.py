"""`ducha hook pre-receive` on a real bare repository: git runs it on every push, in the push's quarantine.

The hook is the ducha installed here (the test's), never the code in the repository: the
two-push bypass (first weaken repo/guard.py on main, then push the rewrite) must fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO
from .gitrepo import GitRepo
from .signing import keygen, signed, signer_line
from .test_guard import CASE, PATH

#: The day the server judges the pushes: within days of the entries they add (not 补录).
TODAY = "2026-03-10"
PROGRESS = "  - date: 2026-03-06\n    summary: 已整改隐患12处。\nextensions:"
REWRITE = ("title: 燃气安全隐患排查", "title: 燃气安全隐患排查整治")
REFUSED_TITLE = (f"remote: {PATH}:2:8: [title] 改写了事项名称 燃气安全隐患排查 → 燃气安全隐患排查整治：已记录的事实不能改写。")


class Server:
    """A bare repository with ducha's pre-receive hook, and a clone that pushes to it as the platform does."""

    def __init__(self, tmp_path: Path) -> None:
        self.work = GitRepo(tmp_path / "work")
        self.work.write(PATH, CASE)
        self.work.commit("立项")
        self.bare = tmp_path / "server.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(self.work.root), str(self.bare)], check=True)
        shutil.copy(REPO / ".ci" / "pre-receive", self.bare / "hooks" / "pre-receive")  # the script README installs
        # "The ducha installed on the server": this test's own, judging on a fixed day.
        self.ducha = tmp_path / "installed-ducha"
        self.ducha.write_text(f"#!/bin/sh\nexec '{Path(sys.executable).parent / 'ducha'}' \"$@\" --today {TODAY}\n",
                              encoding="utf-8")
        self.ducha.chmod(0o755)
        self.work.git("remote", "add", "origin", str(self.bare))

    def push(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull, "LC_ALL": "C.UTF-8",
               "DUCHA": str(self.ducha)}
        return subprocess.run(["git", "push", "origin", *args], cwd=self.work.root, env=env, capture_output=True,
                              text=True, check=False)

    def main(self) -> str:
        return subprocess.run(["git", "rev-parse", "main"], cwd=self.bare, capture_output=True, text=True,
                              check=True).stdout.strip()

    def merge(self, branch: str, *sign: str, reviewer: str = "王晓峰") -> str:
        """The platform's merge of ``branch`` into main (signed with ``sign``'s key, if given)."""
        self.work.git("checkout", "-q", "main")
        self.work.git(*sign, "merge", "-q", "--no-ff", branch, "-m", f"合并请求 {branch}\n\nReviewed-by: {reviewer}",
                      date="2026-03-07T09:00:00+08:00", author="Gitea")
        return self.work.git("rev-parse", "HEAD")

    def pull_request(self, branch: str, *edits: tuple[str, str, str]) -> None:
        """A branch off main with one commit per edit (path, old text, new text)."""
        self.work.git("checkout", "-q", "-b", branch, "main")
        for number, (path, old, new) in enumerate(edits, start=1):
            self.work.replace(path, old, new)
            self.work.commit(f"{branch} 第{number}次提交", date="2026-03-06T10:00:00+08:00", author="李四")


@pytest.fixture
def server(tmp_path: Path) -> Server:
    return Server(tmp_path)


def said(done: subprocess.CompletedProcess[str], text: str) -> bool:
    """Whether the push's output has a line starting with ``text`` (git pads what the hook says with spaces)."""
    return any(line.startswith(text) for line in done.stderr.splitlines())


def test_an_honest_push_is_accepted(server: Server) -> None:
    server.pull_request("pr-1", (PATH, "extensions:", PROGRESS))
    merged = server.merge("pr-1")
    done = server.push("main", "pr-1")  # a pull request's branch is pushed too: not judged here
    assert done.returncode == 0, done.stderr
    assert server.main() == merged


def test_a_rewrite_is_refused_with_the_guards_message(server: Server) -> None:
    before = server.main()
    server.pull_request("pr-1", (PATH, *REWRITE))
    server.merge("pr-1")
    done = server.push("main")
    assert done.returncode != 0
    assert said(done, REFUSED_TITLE), done.stderr
    assert said(done, "remote: 督查事项检查（ducha hook）拒绝了这次推送：main 保持不变。")
    assert server.main() == before


def test_a_rewrite_reverted_in_the_same_push_is_still_refused(server: Server) -> None:
    server.pull_request("pr-1", (PATH, *REWRITE), (PATH, REWRITE[1], REWRITE[0]), (PATH, "extensions:", PROGRESS))
    rewriting = server.work.git("rev-parse", "HEAD~2")
    server.merge("pr-1")
    done = server.push("main")
    assert done.returncode != 0
    lines = [line.rstrip() for line in done.stderr.splitlines()]
    at = lines.index(f"remote: 提交 {rewriting[:8]}「pr-1 第1次提交」：")
    assert lines[at + 1].startswith(REFUSED_TITLE), done.stderr
    assert not any(line.startswith("remote: 提交") and "合并请求 pr-1" in line for line in lines)  # net: no change


def test_the_two_push_bypass_is_refused(server: Server) -> None:
    """First a system-only change that disarms the repository's guard (accepted: the system may change), then the
    rewrite: the installed ducha judges it, not the code the first push put on main."""
    server.work.git("checkout", "-q", "-b", "pr-1", "main")
    server.work.write("generator/ducha/repo/guard.py", "def guard(*args, **kwargs):\n    return None  # 简化检查\n")
    server.work.commit("简化检查", date="2026-03-06T10:00:00+08:00", author="李四")
    server.merge("pr-1")
    first = server.push("main")
    assert first.returncode == 0, first.stderr
    server.pull_request("pr-2", (PATH, *REWRITE))
    server.merge("pr-2")
    second = server.push("main")
    assert second.returncode != 0
    assert said(second, REFUSED_TITLE), second.stderr


def test_force_pushes_and_deleting_main_are_refused(server: Server) -> None:
    server.pull_request("pr-1", (PATH, "extensions:", PROGRESS))
    server.merge("pr-1")
    assert server.push("main").returncode == 0
    kept = server.main()
    server.work.git("reset", "-q", "--hard", "HEAD~1")
    server.work.append(PATH, "notes: 改写后的历史\n")
    server.work.commit("改写", date="2026-03-08T09:00:00+08:00")
    forced = server.push("--force", "main")
    assert forced.returncode != 0
    assert said(forced, f"remote: refs/heads/main: 不允许强制推送 main：推送后 {kept[:8]} 不再在历史中，已有的提交历史会被改写。")
    deleted = server.push(":main")
    assert deleted.returncode != 0 and said(deleted, "remote: refs/heads/main: 不允许删除 main 分支")
    assert server.main() == kept


def test_a_review_trailer_inside_the_pull_request_is_refused(server: Server) -> None:
    server.work.git("checkout", "-q", "-b", "pr-1", "main")
    server.work.replace(PATH, "extensions:", PROGRESS)
    server.work.git("add", "-A")
    server.work.git("commit", "-q", "-m", "进展\n\n审核：督查室主任 周敏", date="2026-03-06T10:00:00+08:00")
    forged = server.work.git("rev-parse", "HEAD")
    server.merge("pr-1", reviewer="王五")
    done = server.push("main")
    assert done.returncode != 0
    assert said(done, f"remote: （提交 {forged[:8]}）: 合并进来的提交 {forged[:8]} 的说明中写有审核记录（审核：督查室主任 周敏）")


def test_with_the_servers_key_on_main_an_unsigned_merge_is_refused(server: Server, tmp_path: Path) -> None:
    key, public = keygen(tmp_path, "server")
    server.work.git("checkout", "-q", "-b", "keys", "main")
    server.work.append("office.yaml", f"review_signers:\n  - {signer_line(public)}\n")
    server.work.commit("登记审核服务器的签名公钥", date="2026-03-06T09:00:00+08:00", author="管理员")
    server.merge("keys", *signed(key))
    assert server.push("main").returncode == 0  # main had no key before: the merge that lists it is the start
    server.pull_request("pr-1", (PATH, "extensions:", PROGRESS))
    unsigned = server.merge("pr-1")
    done = server.push("main")
    assert done.returncode != 0
    assert said(done, f"remote: （提交 {unsigned[:8]}）: [review_signers] 推送到 main 的提交 {unsigned[:12]} 没有签名")
    server.work.git("reset", "-q", "--hard", "HEAD~1")
    signed_merge = server.merge("pr-1", *signed(key))
    done = server.push("main")
    assert done.returncode == 0, done.stderr
    assert server.main() == signed_merge
