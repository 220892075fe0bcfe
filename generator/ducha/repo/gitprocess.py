"""Running git: the one module that starts git processes, and the refusal of a repository whose history would lie.

Every other module of ``repo/`` asks git through these functions, with the user's own
config for what ``git log`` prints switched off. It all runs the git command line directly:
GitPython costs a quarter of a second to import, half of what ``ducha history`` may take.
A shallow clone is refused before anything is read from it.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DuchaError

#: Settings of the user's own git config that would change what ``git log`` prints.
_PLAIN = ("-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "core.quotePath=false")
#: What tells git which repository to work on besides the folder it runs in. A server hook runs with
#: them set to the repository receiving the push; ducha names its repository by the folder alone.
_LOCATING = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                       "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH", "GIT_NAMESPACE", "GIT_PREFIX"})


def _environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process's environment without what would point git at another repository, plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if k not in _LOCATING}, **(extra or {})}


class HistoryError(DuchaError):
    """The repository cannot give a trustworthy history (not a repository, shallow clone)."""

    exit_code = 2


class ShallowCloneError(HistoryError):
    """Only part of the history is here: authors, dates and reviewers would be wrong."""


_SHALLOW = ("当前仓库是浅克隆（shallow clone），只有部分提交历史，按它生成的审计记录会缺失作者和日期。"
            "修改：运行 `git fetch --unshallow`；CI 中 actions/checkout 请设置 `fetch-depth: 0`。")


@dataclass(frozen=True)
class Repository:
    """A checked repository: not shallow, with its HEAD (empty before the first commit)."""

    root: Path
    common_dir: Path
    head: str

    def run(self, *args: str, stdin: str | None = None, config: Sequence[str] = (), check: bool = True,
            env: Mapping[str, str] | None = None) -> str:
        return run(self.root, *config, *args, stdin=stdin, check=check, env=env)

    def run_bytes(self, *args: str) -> bytes:
        """A git command's output as bytes (an archive); a HistoryError with git's message when it fails."""
        done = call(self.root, *args)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise HistoryError(f"git {args[0] if args else ''} 失败：{message}。请检查仓库是否完整。")
        return done.stdout

    def stream(self, *args: str) -> Iterator[bytes]:
        return stream(self.root, *args)

    def ok(self, *args: str) -> bool:
        """Whether the git command succeeds (``merge-base --is-ancestor`` answers by exit code)."""
        return call(self.root, *args).returncode == 0

    def answer(self, *args: str) -> str | None:
        """The output of a git command, or None when it fails (an unknown commit, no common history)."""
        done = call(self.root, *args)
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def call(root: Path, *args: str, stdin: bytes | None = None,
         env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """A git command run to its end, its output and errors captured, whatever its exit code (``env``: added variables)."""
    try:
        return subprocess.run(["git", *_PLAIN, *args], cwd=root, input=stdin, capture_output=True, check=False,
                              env=_environment(env))
    except FileNotFoundError:
        raise HistoryError("找不到 git 命令：审计记录来自提交历史。请先安装 git。") from None


def run(root: Path, *args: str, stdin: str | None = None, check: bool = True, env: Mapping[str, str] | None = None) -> str:
    """A git command's output; unless ``check`` is off, a HistoryError with git's message when it fails."""
    done = call(root, *args, stdin=stdin.encode("utf-8") if stdin is not None else None, env=env)
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise HistoryError(f"git {args[0] if args else ''} 失败：{message}。请检查仓库是否完整。")
    return done.stdout.decode("utf-8", "replace")


def stream(root: Path, *args: str) -> Iterator[bytes]:
    """A git command's output as it comes: the caller's work on one piece overlaps git's on the next."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(["git", *_PLAIN, *args], cwd=root, stdout=subprocess.PIPE, stderr=errors,
                                   env=_environment())
        assert process.stdout is not None
        chunks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        output = process.stdout.fileno()

        def drain() -> None:
            # Read on a thread of its own: while the caller parses a batch of contents, git
            # keeps writing instead of waiting on a full pipe.
            try:
                for data in iter(lambda: os.read(output, 1 << 16), b""):
                    chunks.put(data)
            finally:
                chunks.put(b"")  # the end, however the reading ended: the caller never waits for nothing

        threading.Thread(target=drain, daemon=True).start()
        yield from iter(chunks.get, b"")
        if process.wait() != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()
            raise HistoryError(f"git {args[0]} 失败：{message}。请检查仓库是否完整。")


def start(root: Path, *args: str) -> subprocess.Popen[bytes]:
    """A git command kept running to answer what is written to it (``cat-file --batch``)."""
    return subprocess.Popen(["git", *_PLAIN, *args], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=_environment())


def open_repository(root: Path) -> Repository:
    """The repository whose top folder is ``root``; refuses anything else, and shallow clones."""
    not_a_repository = HistoryError(f"{root} 不是 git 仓库：审计记录来自提交历史。请在督查仓库中运行。")
    if not root.is_dir():
        raise not_a_repository
    done = call(root, "rev-parse", "--show-toplevel", "--git-common-dir", "--is-shallow-repository")
    if done.returncode != 0:
        raise not_a_repository
    top, common, shallow = done.stdout.decode("utf-8", "replace").splitlines()[:3]
    if Path(top).resolve() != root.resolve():  # records inside some other repository: their paths are not ours
        raise not_a_repository
    if shallow == "true":
        raise ShallowCloneError(_SHALLOW)
    head = run(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip()
    return Repository(root, (root / common).resolve(), head)


def check_repository(root: Path) -> None:
    """Raise HistoryError unless ``root`` is a full (not shallow) git repository."""
    open_repository(root)


def head_sha(root: Path) -> str | None:
    """The commit HEAD points at, or None in a repository with no commit yet."""
    return open_repository(root).head or None
