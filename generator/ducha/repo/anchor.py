"""Anchors: the records at one main-line commit, written down to be kept outside the repository.

Whoever can rewrite the repository can rewrite whatever it says about itself; an anchor kept
elsewhere (published by CI with the site, printed, sent to the superior office) holds it to
account: ``ducha verify --anchor FILE`` proves the history still holds that commit on the
main line, with exactly those records. A rewrite made after the anchor was taken is found,
with or without signing keys.

The format (``ducha-anchor 1``), UTF-8 text::

    ducha-anchor 1
    commit 3f0c…(40 hex)
    date 2026-11-23T10:00:00+08:00
    records 312
    digest sha256:9a1e…(64 hex)

    5d41…(64 hex)  cases/2026/DC-2026-0001.yaml
    …

``date`` is the commit's committer date; ``records`` counts the record lines. Each record line
is the plain SHA-256 of a file's bytes as git stores them, two spaces, and its path: every
file under the record folders (cases/, notices/, bulletins/, accountability/, attachments/),
sorted by path (UTF-8 bytes); an attachment kept in Git LFS is its pointer, which names the
content's SHA-256. ``digest`` is the SHA-256 of the record lines exactly as written, each
ending in a line feed. Other code names a state of the records by a commit and that digest
(``record_digest``, ``listing_digest``), as federation links do.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DataError, Problem
from ducha.repo.blobs import read_blobs
from ducha.repo.gitprocess import open_repository
from ducha.repo.refs import resolve
from ducha.rules.layout import RECORD_DIRS

FORMAT = "ducha-anchor 1"
_HEX40 = re.compile(r"[0-9a-f]{40}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FIX = "使用 `ducha anchor` 生成的原文件，不要手工修改；找回锚点的原件（CI 发布的版本或另存的副本）。"


def record_digest(data: bytes) -> str:
    """A record file's digest: the plain SHA-256 (hex) of its bytes."""
    return hashlib.sha256(data).hexdigest()


def listing_digest(records: tuple[tuple[str, str], ...]) -> str:
    """The digest of a set of records: SHA-256 of their lines ``<sha256>  <path>\\n``, in the order given."""
    return hashlib.sha256("".join(f"{digest}  {path}\n" for path, digest in records).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """The records at ``commit``: (path, SHA-256) sorted by path, and their digest."""

    commit: str
    date: str
    records: tuple[tuple[str, str], ...]

    @property
    def digest(self) -> str:
        return listing_digest(self.records)

    def text(self) -> str:
        header = [FORMAT, f"commit {self.commit}", f"date {self.date}", f"records {len(self.records)}",
                  f"digest sha256:{self.digest}", ""]
        return "\n".join(header) + "\n" + "".join(f"{digest}  {path}\n" for path, digest in self.records)


def _sorted(records: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(records.items(), key=lambda item: item[0].encode("utf-8")))


def anchor_at(root: Path, rev: str = "HEAD") -> Anchor:
    """The anchor of the records at ``rev`` (read from git, not from the working tree)."""
    repo = open_repository(root)
    commit = resolve(root, rev)
    date = repo.run("log", "-1", "--format=%cI", commit).strip()
    listing = repo.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *RECORD_DIRS)
    blobs: dict[str, str] = {}
    for entry in listing.split("\0"):
        if entry:
            meta, path = entry.split("\t", 1)
            _, kind, blob = meta.split()
            if kind == "blob":
                blobs[path] = blob
    contents = read_blobs(root, blobs.values())
    return Anchor(commit, date, _sorted({path: record_digest(contents[blob]) for path, blob in blobs.items()}))


def parse_anchor(text: str, name: str) -> Anchor:
    """An anchor file read back; a DataError naming each line that is not as ``ducha anchor`` writes it."""
    lines = text.split("\n")
    problems: list[Problem] = []

    def wrong(number: int, what: str) -> None:
        problems.append(Problem(name, number, 1, "", f"锚点文件的这一行{what}。", _FIX))

    header = dict.fromkeys(("commit", "date", "records", "digest"), "")
    if not lines or lines[0] != FORMAT:
        wrong(1, f"应为「{FORMAT}」")
    for number, key in enumerate(header, start=2):
        line = lines[number - 1] if len(lines) >= number else ""
        if not line.startswith(f"{key} "):
            wrong(number, f"应以「{key} 」开头")
        else:
            header[key] = line[len(key) + 1:]
    if not _HEX40.fullmatch(header["commit"]):
        wrong(2, "应是 40 位的提交号")
    if not header["digest"].startswith("sha256:") or not _HEX64.fullmatch(header["digest"][7:]):
        wrong(5, "应是 sha256: 加 64 位十六进制摘要")
    records: dict[str, str] = {}
    for number, line in enumerate(lines[6:], start=7):
        if not line:
            continue
        digest, _, path = line.partition("  ")
        if not _HEX64.fullmatch(digest) or not path or path in records:
            wrong(number, "应是「SHA-256  路径」，且每个路径只出现一次")
        else:
            records[path] = digest
    if problems:
        raise DataError(problems, 1)
    anchor = Anchor(header["commit"], header["date"], _sorted(records))
    if header["records"] != str(len(records)) or header["digest"][7:] != anchor.digest:
        raise DataError([Problem(name, 4, 1, "digest", f"锚点文件中的记录数或摘要与其中的记录清单（{len(records)} 份）不符："
                                                      "文件被改动过。", _FIX)], 1)
    return anchor


def check_anchor(root: Path, anchor: Anchor, name: str) -> list[Problem]:
    """Whether the history at HEAD still holds ``anchor``: its commit on the main line, with exactly its records."""
    repo = open_repository(root)
    short = anchor.commit[:12]
    what = f"锚点 {name} 记下的提交 {short}（{anchor.date}，{len(anchor.records)} 份记录）"
    restore = ("从未被改写的克隆或备份中恢复原来的提交历史（在服务器上推回原来的分支），并查明改写的经过；"
               "已有的提交历史不得改写。")
    if not repo.ok("cat-file", "-e", f"{anchor.commit}^{{commit}}"):
        return [Problem(name, 2, 1, "commit", f"{what}不在当前仓库中：锚点之后提交历史被改写过（git filter-branch、rebase、"
                                              "强制推送或重建仓库）。", restore)]
    line = set(repo.run("rev-list", "--first-parent", repo.head).split()) if repo.head else set()
    if anchor.commit not in line:
        return [Problem(name, 2, 1, "commit", f"{what}已不在当前分支的主线（第一父提交链）上：锚点之后主线被改写过"
                                              "（如强制推送、改写后重新合并）。", restore)]
    now = dict(anchor_at(root, anchor.commit).records)
    then = dict(anchor.records)
    problems = []
    for path in sorted(then.keys() | now.keys()):
        if then.get(path) != now.get(path):
            state = "不在该提交中" if path not in now else "在锚点中没有" if path not in then else "内容与锚点不同"
            problems.append(Problem(name, 0, 0, path, f"{path} {state}：锚点与提交 {short} 中的记录不一致，锚点文件不是"
                                                      "由 `ducha anchor` 为该提交生成的。", _FIX))
    return problems
