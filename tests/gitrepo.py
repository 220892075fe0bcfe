"""Real git repositories for tests, with fixed authors and commit dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .conftest import EXAMPLES, demo_repo


class GitRepo:
    """A repository in ``root`` holding the examples' office.yaml, driven by the real git CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        shutil.copy(EXAMPLES / "office.yaml", root / "office.yaml")

    @classmethod
    def at(cls, root: Path) -> GitRepo:
        """A repository that already exists in ``root`` (a copy of one built once for a whole module)."""
        repo = cls.__new__(cls)
        repo.root = root
        return repo

    def git(self, *args: str, date: str = "2026-03-02T09:00:00+08:00", author: str = "张三",
            email: str = "zhangsan@dcs.example.cn") -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": author,
               "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
               # filter-branch otherwise sleeps 10 s after its warning, for someone to press Ctrl-C
               "FILTER_BRANCH_SQUELCH_WARNING": "1"}
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    def append(self, path: str, text: str) -> None:
        self.write(path, self.read(path) + text)

    def replace(self, path: str, old: str, new: str) -> None:
        text = self.read(path)
        assert old in text, old
        self.write(path, text.replace(old, new, 1))

    def move(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def move_and_replace(self, old: str, new: str, text: str, replacement: str) -> None:
        self.move(old, new)
        self.replace(new, text, replacement)

    def commit(self, message: str, date: str = "2026-03-02T09:00:00+08:00", author: str = "张三",
               email: str = "zhangsan@dcs.example.cn") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date, author=author, email=email)
        return self.git("rev-parse", "HEAD")


def committed_demo(root: Path) -> Path:
    """The tests' demo office in a fresh repository, committed once on a fixed date (stable commit ids)."""
    repo = GitRepo(root)
    demo_repo(root)
    repo.commit("导入示例数据", date="2026-11-20T09:00:00+08:00")
    return root
