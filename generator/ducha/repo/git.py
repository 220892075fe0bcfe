"""The only module that touches git. Everything it returns is a plain dataclass.

All case histories come from one ``git log --raw -z -M`` over the whole repository:
a 督查室 keeps tens of thousands of records, and one ``git log`` per file would cost
hours where this costs seconds. File contents are read through one persistent
``git cat-file --batch`` process, only when a caller asks for them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import git

from ducha.errors import DuchaError
from ducha.model.case import CASES_DIR

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Trailers Gitea/Forgejo write on merges (Reviewed-by) and the office's own Chinese ones.
_REVIEWER = re.compile(r"^(?:Reviewed-by|审核人|审核)\s*[:：]\s*(.+?)\s*$", re.M | re.I)
_EMPTY_TREE_BLOB = "0" * 40
_CASE_PATH = re.compile(rf"^{CASES_DIR}/\d{{4}}/[^/]+\.yaml$")


class HistoryError(DuchaError):
    """The repository cannot give a trustworthy history (not a repository, shallow clone)."""

    exit_code = 2


class ShallowCloneError(HistoryError):
    """Only part of the history is here: authors, dates and reviewers would be wrong."""


@dataclass(frozen=True)
class Commit:
    """One commit, as the audit trail shows it."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: dt.datetime  # author date, Asia/Shanghai
    subject: str
    reviewers: tuple[str, ...]  # from this commit's own trailers

    @property
    def short(self) -> str:
        return self.sha[:8]


@dataclass(frozen=True)
class Version:
    """One commit's change to one case file."""

    commit: Commit
    status: str  # A added, M modified, D deleted, R renamed (moved)
    path: str
    old_path: str | None
    blob: str | None  # the file's content after this commit (None when deleted)
    old_blob: str | None
    reviewers: tuple[str, ...]  # the commit's own, else those of the merge that brought it in
    merged_by: Commit | None  # the merge commit that brought it into the main line, if any


@dataclass
class CaseHistory:
    """Every version of one case file, oldest first, following moves between folders."""

    path: str  # the newest path
    versions: list[Version] = field(default_factory=list)

    @property
    def case_id(self) -> str:
        return Path(self.path).stem


@dataclass(frozen=True)
class Histories:
    """All case histories of the repository at ``head``."""

    head: str
    by_path: dict[str, CaseHistory]

    def for_id(self, case_id: str) -> CaseHistory | None:
        for history in self.by_path.values():
            if history.case_id == case_id:
                return history
        return None


def open_repo(root: Path) -> git.Repo:
    """The git repository at ``root``; refuses shallow clones, whose history is a lie."""
    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise HistoryError(f"{root} 不是 git 仓库：审计记录来自提交历史。请在督查仓库中运行。") from None
    if (Path(repo.git_dir) / "shallow").exists():
        raise ShallowCloneError(
            "当前仓库是浅克隆（shallow clone），只有部分提交历史，按它生成的审计记录会缺失作者和日期。"
            "修改：运行 `git fetch --unshallow`；CI 中 actions/checkout 请设置 `fetch-depth: 0`。")
    return repo


def head_sha(root: Path) -> str | None:
    """The commit HEAD points at, or None in a repository with no commit yet."""
    repo = open_repo(root)
    try:
        return repo.head.commit.hexsha
    except ValueError:
        return None


_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%s%x1f%B%x1d"


def _commits_and_changes(output: str) -> Iterator[tuple[Commit, list[tuple[str, str, str | None, str, str]]]]:
    """Parse ``git log --raw -z`` output: each commit with (status, path, old_path, old_blob, new_blob)."""
    for chunk in output.split("\x1e")[1:]:
        header, _, raw = chunk.partition("\x1d")
        sha, parents, author, email, stamp, subject, body = header.split("\x1f", 6)
        commit = Commit(
            sha=sha, parents=tuple(parents.split()), author=author, email=email,
            date=dt.datetime.fromtimestamp(int(stamp), SHANGHAI), subject=subject,
            reviewers=tuple(dict.fromkeys(m.group(1) for m in _REVIEWER.finditer(body))),
        )
        tokens = raw.lstrip("\n\0").split("\0")
        changes = []
        i = 0
        while i < len(tokens) and tokens[i].startswith(":"):
            meta = tokens[i][1:].split(" ")
            old_blob, new_blob, status = meta[2], meta[3], meta[4]
            if status[0] in "RC":
                old_path, path = tokens[i + 1], tokens[i + 2]
                i += 3
            else:
                old_path, path = None, tokens[i + 1]
                i += 2
            changes.append((status[0], path, old_path, old_blob, new_blob))
        yield commit, changes


def _merged_by(commits: dict[str, Commit], head: str) -> dict[str, Commit]:
    """For every commit off the main line, the first-parent merge that brought it in."""
    main_line: list[str] = []
    sha: str | None = head
    while sha is not None and sha in commits:
        main_line.append(sha)
        parents = commits[sha].parents
        sha = parents[0] if parents else None
    claimed = set(main_line)
    merged: dict[str, Commit] = {}
    for merge_sha in reversed(main_line):  # oldest merge first: it claims its commits
        merge = commits[merge_sha]
        stack = list(merge.parents[1:])
        while stack:
            current = stack.pop()
            if current in claimed or current not in commits:
                continue
            claimed.add(current)
            merged[current] = merge
            stack.extend(commits[current].parents)
    return merged


def read_histories(root: Path) -> Histories:
    """Every case file's history from one pass over the log (merges and moves included)."""
    repo = open_repo(root)
    try:
        head = repo.head.commit.hexsha
    except ValueError:
        return Histories("", {})
    # Merge commits list no files (no -m), so each change is counted once, on the commit
    # that made it; the merge still comes through for its reviewer trailers.
    output = repo.git.log("--raw", "-z", "-M", "--no-abbrev", "--topo-order", f"--format={_FORMAT}")
    parsed = list(_commits_and_changes(output))
    commits = {commit.sha: commit for commit, _ in parsed}
    merged = _merged_by(commits, head)
    by_path: dict[str, CaseHistory] = {}
    alias: dict[str, CaseHistory] = {}  # a path as it was at this point of the walk → its history
    for commit, changes in parsed:  # newest first
        for status, path, old_path, old_blob, new_blob in changes:
            if not _CASE_PATH.match(path):
                continue
            history = alias.get(path) or by_path.get(path)  # by_path: a deleted case later restored
            if history is None:
                history = by_path[path] = CaseHistory(path)
            alias[path] = history
            merge = merged.get(commit.sha)
            reviewers = commit.reviewers or (merge.reviewers if merge is not None else ())
            history.versions.append(Version(
                commit=commit, status=status, path=path, old_path=old_path,
                blob=None if status == "D" else new_blob,
                old_blob=None if old_blob == _EMPTY_TREE_BLOB else old_blob,
                reviewers=reviewers, merged_by=merge,
            ))
            if status == "R" and old_path is not None:
                del alias[path]
                alias[old_path] = history
            elif status == "A":
                del alias[path]
    for history in by_path.values():
        history.versions.reverse()
    return Histories(head, by_path)


class BlobReader:
    """File contents by blob id, through one persistent ``git cat-file --batch``."""

    def __init__(self, root: Path) -> None:
        self._git = open_repo(root).git

    def read(self, blob: str) -> bytes:
        _, _, _, data = self._git.get_object_data(blob)
        return bytes(data)


def files_at(root: Path, rev: str, paths: list[str]) -> dict[str, bytes | None]:
    """The content of each of ``paths`` at ``rev`` (None where it did not exist), through one process."""
    reader = open_repo(root).git
    found: dict[str, bytes | None] = {}
    for path in paths:
        try:
            _, kind, _, data = reader.get_object_data(f"{rev}:{path}")
        except ValueError:  # cat-file answered "missing"
            found[path] = None
            continue
        found[path] = bytes(data) if kind in ("blob", b"blob") else None
    return found


def file_at(root: Path, rev: str, path: str) -> bytes | None:
    """The content of ``path`` at ``rev``, or None when it did not exist there."""
    repo = open_repo(root)
    try:
        return bytes(repo.git.show(f"{rev}:{path}", stdout_as_string=False, strip_newline_in_stdout=False))
    except git.GitCommandError:
        return None


def resolve(root: Path, rev: str) -> str:
    """The full commit id of ``rev``; a clear error when it does not exist."""
    repo = open_repo(root)
    try:
        return str(repo.git.rev_parse("--verify", f"{rev}^{{commit}}"))
    except git.GitCommandError:
        raise HistoryError(f"找不到提交「{rev}」。修改：检查分支名或提交号；CI 中请用 fetch-depth: 0 取得完整历史。") from None


def merge_base(root: Path, base: str, head: str = "HEAD") -> str | None:
    """The newest commit both ``base`` and ``head`` descend from; None when they share no history."""
    repo = open_repo(root)
    try:
        return str(repo.git.merge_base(base, head)) or None
    except git.GitCommandError:
        return None


@dataclass(frozen=True)
class FileChange:
    """A file changed between a base commit and the working tree."""

    status: str  # A, M, D, R
    path: str
    old_path: str | None


def changed_files(root: Path, base: str, folder: str | None = CASES_DIR,
                  untracked_in: tuple[str, ...] | None = None) -> list[FileChange]:
    """Files under ``folder`` (None: anywhere) that differ between ``base`` and the working tree (moves detected).

    Files git does not track yet count as added when they lie under ``untracked_in`` (default: ``folder``):
    a record written but not yet committed is checked before it is pushed.
    """
    repo = open_repo(root)
    where = [folder] if folder is not None else []
    output = repo.git.diff("--name-status", "-z", "-M", base, "--", *where)
    tokens = output.split("\0")
    changes: list[FileChange] = []
    i = 0
    while i < len(tokens) and tokens[i]:
        status = tokens[i][0]
        if status in "RC":
            changes.append(FileChange(status, tokens[i + 2], tokens[i + 1]))
            i += 3
        else:
            changes.append(FileChange(status, tokens[i + 1], None))
            i += 2
    untracked = repo.git.ls_files("--others", "--exclude-standard", "-z", "--",
                                  *(untracked_in if untracked_in is not None else where))
    changes += [FileChange("A", path, None) for path in untracked.split("\0") if path]
    return changes
