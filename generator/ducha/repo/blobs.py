"""Reading file contents from git: by blob id, or by path at a commit, many at a time.

A ``BlobReader`` keeps one ``git cat-file --batch`` answering as it is asked; ``read_blobs``
and ``files_at`` feed one every name at once, since asking for thousands of contents one
round trip at a time costs more than git's own work.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from ducha.repo.gitprocess import HistoryError, call, open_repository, start

_Key = TypeVar("_Key")

#: Receives a case file's content (blob id, bytes) as soon as it is read.
BlobSink = Callable[[str, bytes], None]


class BlobReader:
    """File contents by blob id, through one persistent ``git cat-file --batch``."""

    #: Ids written before reading answers: small enough that neither pipe fills up and blocks.
    BATCH = 512

    def __init__(self, root: Path) -> None:
        self._root = root
        self._process: subprocess.Popen[bytes] | None = None

    def read(self, blob: str) -> bytes:
        return next(self.read_many([blob]))[1]

    def read_many(self, blobs: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        if self._process is None:
            self._process = start(self._root, "cat-file", "--batch")
        assert self._process.stdin is not None and self._process.stdout is not None
        for begin in range(0, len(blobs), self.BATCH):
            batch = blobs[begin:begin + self.BATCH]
            self._process.stdin.write("".join(f"{blob}\n" for blob in batch).encode("ascii"))
            self._process.stdin.flush()
            for blob in batch:
                header = self._process.stdout.readline().split()
                if len(header) != 3:
                    raise HistoryError(f"git 对象 {blob} 不存在：仓库不完整。请重新克隆完整仓库。")
                yield blob, self._process.stdout.read(int(header[2]) + 1)[:-1]

    def close(self, kill: bool = False) -> None:
        """End git's process; with ``kill``, at once (answers it still owes would fill its pipe and block it)."""
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            if kill:
                self._process.kill()
            self._process.wait()
            self._process = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Prefetch:
    """Blobs read in batches as the log names them, each handed to the sink once."""

    def __init__(self, root: Path, sink: BlobSink) -> None:
        self._reader = BlobReader(root)
        self._sink = sink
        self._seen: set[str] = set()
        self._pending: list[str] = []

    def add(self, blobs: Iterable[str | None]) -> None:
        for blob in blobs:
            if blob is not None and blob not in self._seen:
                self._seen.add(blob)
                self._pending.append(blob)
        if len(self._pending) >= BlobReader.BATCH:
            self.flush()

    def flush(self) -> None:
        for blob, raw in self._reader.read_many(self._pending):
            self._sink(blob, raw)
        self._pending = []

    def close(self) -> None:
        self.flush()
        self._reader.close()

    def abort(self) -> None:
        """End git's process at once, its answers left unread (when reading failed)."""
        self._reader.close(kill=True)


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """Many file contents by blob id at once (those git has)."""
    wanted = sorted(set(blobs))
    if not wanted:
        return {}
    open_repository(root)  # refuses what is not a repository, or a shallow clone
    return {blob: data for blob, _, data in cat_files(root, wanted, wanted)}


def files_at(root: Path, rev: str, paths: list[str]) -> dict[str, bytes | None]:
    """The content of each of ``paths`` at ``rev`` (None where it did not exist), through one process."""
    open_repository(root)  # refuses what is not a repository, or a shallow clone
    # A name with a line break would be two questions to ``cat-file --batch``: such a path is not there.
    asked = [path for path in dict.fromkeys(paths) if "\n" not in path]
    found: dict[str, bytes | None] = dict.fromkeys(paths)
    for path, kind, data in cat_files(root, [f"{rev}:{path}" for path in asked], asked):
        found[path] = data if kind == b"blob" else None
    return found


def cat_files(root: Path, names: Sequence[str], keys: Sequence[_Key]) -> Iterator[tuple[_Key, bytes, bytes]]:
    """One ``git cat-file --batch`` fed every name at once: (key, kind, content) of each object that exists."""
    if not names:
        return
    done = call(root, "cat-file", "--batch", stdin="\n".join(names).encode() + b"\n")
    if done.returncode != 0:
        raise HistoryError(f"读取 {root} 中的记录内容失败（{done.stderr.decode('utf-8', 'replace').strip()}）。"
                           "修改：用 `git fsck` 检查仓库是否完好。")
    out, at = done.stdout, 0
    for key in keys:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3:  # "<name> <kind> <size>"; "<name> missing" has no content
            size = int(header[2])
            yield key, header[1], out[at:at + size]
            at += size + 1
