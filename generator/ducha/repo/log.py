"""Parsing ``git log --raw -z``: each commit, and the case files it changed, blob by blob.

Two shapes are asked for and read here: whole records (``RECORDS``: author, dates,
message and review trailers; with ``-c``, a merge's own edits against every parent) and
bare lists of the case paths each commit changed against its first parent (``PATHS``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ducha.repo.casepaths import is_case_path
from ducha.repo.reviews import reviewers_in
from ducha.repo.values import Commit

_SHANGHAI = ZoneInfo("Asia/Shanghai")
_SHA = re.compile("[0-9a-f]+")
_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct%x1f%s%x1f%B%x1d"
#: ``git log`` of every commit, with each merge's own edits (-c: paths differing from all parents).
RECORDS = ("log", "--raw", "-z", "-c", "--no-renames", "--no-abbrev", "--no-ext-diff", f"--format={_FORMAT}")
#: ``git log`` of the paths each commit changed against its first parent, and nothing else.
PATHS = ("log", "--diff-merges=first-parent", "--raw", "-z", "--no-renames", "--no-abbrev", "--format=%x1e%H")


@dataclass(frozen=True)
class PathChange:
    """One path as one commit left it: its blob in each parent (None: absent) and after."""

    path: str
    parent_blobs: tuple[str | None, ...]
    blob: str | None

    @property
    def status(self) -> str:
        if self.blob is None:
            return "D"
        return "A" if all(b is None for b in self.parent_blobs) else "M"


def _blob(text: str) -> str | None:
    return None if not text.strip("0") else text  # all zeros: no file on that side


def _parse_raw(raw: str) -> list[PathChange]:
    """``--raw -z`` entries: ``:mode… blob… STATUS\\0path\\0``, one colon per parent (``-c``)."""
    tokens = raw.lstrip("\n\0").split("\0")
    changes = []
    i = 0
    while i + 1 < len(tokens) and tokens[i].startswith(":"):
        parents = len(tokens[i]) - len(tokens[i].lstrip(":"))
        meta = tokens[i][parents:].split(" ")
        blobs = meta[parents + 1: 2 * parents + 2]
        path = tokens[i + 1]
        if is_case_path(path):
            changes.append(PathChange(path, tuple(_blob(b) for b in blobs[:parents]), _blob(blobs[parents])))
        i += 2
    return changes


def _parse_record(chunk: str) -> tuple[Commit, list[PathChange]]:
    header, _, raw = chunk.partition("\x1d")
    sha, parents, author, email, stamp, committed, subject, body = header.split("\x1f", 7)
    commit = Commit(
        sha=sha, parents=tuple(parents.split()), author=author, email=email,
        date=dt.datetime.fromtimestamp(int(stamp), _SHANGHAI), subject=subject,
        reviewers=reviewers_in(body),
        committed=dt.datetime.fromtimestamp(int(committed), _SHANGHAI),
    )
    return commit, _parse_raw(raw)


def parse_records(output: str) -> Iterator[tuple[Commit, list[PathChange]]]:
    """The commits of ``RECORDS`` output read whole, each with the case files it changed."""
    for chunk in output.split("\x1e")[1:]:
        yield _parse_record(chunk)


def stream_records(output: Iterable[bytes]) -> Iterator[tuple[Commit, list[PathChange]]]:
    """The same, parsed as the output comes: each commit as soon as the next one begins."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    for data in output:
        records = (pending + decoder.decode(data)).split("\x1e")
        pending = records.pop()
        for record in records:
            if record:
                yield _parse_record(record)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield _parse_record(pending)


def parse_paths(output: str) -> dict[str, set[str]]:
    """``PATHS`` output: the case paths each commit changed."""
    touched: dict[str, set[str]] = {}
    for chunk in output.split("\x1e")[1:]:
        sha = _SHA.match(chunk)
        if sha is not None:
            touched[sha.group()] = {c.path for c in _parse_raw(chunk[sha.end():])}
    return touched
