"""Parsing ``git log --raw -z``: each commit, and the case files it changed, blob by blob.

Four shapes are asked for and read here: whole records (``RECORDS``: author, dates,
tree, message and review trailers; with ``-c``, a merge's own edits against every
parent); the same without any merge's edits (``COMMITS``); the merges' diffs that the
whole log leaves out (``MERGE_DIFFS``: fed ``MERGE`` lines for a merge's own edits and
``MERGE FIRST_PARENT`` lines for what it changed against its first parent); and the case
paths each main-line commit changed against its first parent (``MAIN_LINE``).
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
_FORMAT = "%x1e%H%x1f%T%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct%x1f%s%x1f%B%x1d"
_RAW = ("--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff")
#: ``git log`` of commits with each merge's own edits (-c: paths differing from all parents).
RECORDS = ("log", *_RAW, "-c", f"--format={_FORMAT}")
#: ``RECORDS`` without the merges' own edits: a merge whose files are all one parent's has none,
#: and diffing every merge against all its parents is a sixth of the whole log's work.
COMMITS = ("log", *_RAW, "--diff-merges=off", f"--format={_FORMAT}")
#: ``git diff-tree`` of each line of input, one answer a line (even an empty one), in their order:
#: ``MERGE`` for its own edits (-c: against every parent), ``MERGE FIRST_PARENT`` against that parent
#: alone. One process for both: each merge's trees, read once, answer both questions.
MERGE_DIFFS = ("diff-tree", "--stdin", "-r", *_RAW, "-c", "--always", "--format=%x1e%H%x1d")
#: ``git log`` of the main line: the paths each of its commits changed against its first parent.
MAIN_LINE = ("log", "--first-parent", "--diff-merges=first-parent", *_RAW, "--format=%x1e%H%x1f%P%x1d")


@dataclass(frozen=True)
class PathChange:
    """One path as one commit left it: its blob in each parent (None: absent) and after.

    ``status``: D when the commit left no file there, A when no parent had one, else M.
    """

    path: str
    parent_blobs: tuple[str | None, ...]
    blob: str | None
    status: str


def _blob(text: str) -> str | None:
    return text if text.strip("0") else None  # all zeros: no file on that side


#: One ``--raw -z`` entry against a single parent: ``:mode mode blob blob STATUS\0path\0``.
_ONE_PARENT = re.compile(r":\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) [A-Z]\d*\0([^\0]*)\0")


def _parse_raw(raw: str) -> list[PathChange]:
    """``--raw -z`` entries: ``:mode… blob… STATUS\\0path\\0``, one colon per parent (``-c``)."""
    raw = raw.lstrip("\n\0")
    if not raw.startswith("::"):  # a single parent, as nearly every commit has: one pattern reads them all
        changes = []
        for old, new, path in _ONE_PARENT.findall(raw):
            if is_case_path(path):
                before, after = _blob(old), _blob(new)
                changes.append(PathChange(path, (before,), after, "D" if after is None else "A" if before is None else "M"))
        return changes
    return _parse_combined(raw)


def _parse_combined(raw: str) -> list[PathChange]:
    """``-c`` entries of a merge: ``::mode… blob… STATUS\\0path\\0``, one colon per parent."""
    tokens = raw.split("\0")
    changes = []
    i = 0
    while i + 1 < len(tokens) and tokens[i].startswith(":"):
        parents = len(tokens[i]) - len(tokens[i].lstrip(":"))
        meta = tokens[i][parents:].split(" ")
        blobs = [_blob(b) for b in meta[parents + 1: 2 * parents + 2]]
        path = tokens[i + 1]
        if is_case_path(path):
            before, after = tuple(blobs[:parents]), blobs[parents]
            status = "D" if after is None else "A" if all(b is None for b in before) else "M"
            changes.append(PathChange(path, before, after, status))
        i += 2
    return changes


def _parse_commit(header: str) -> tuple[Commit, str]:
    """A commit, and its tree."""
    sha, tree, parents, author, email, stamp, committed, subject, body = header.split("\x1f", 8)
    commit = Commit(
        sha=sha, parents=tuple(parents.split()), author=author, email=email,
        date=dt.datetime.fromtimestamp(int(stamp), _SHANGHAI), subject=subject,
        reviewers=reviewers_in(body),
        committed=dt.datetime.fromtimestamp(int(committed), _SHANGHAI),
    )
    return commit, tree


def parse_records(output: str) -> Iterator[tuple[Commit, list[PathChange]]]:
    """The commits of ``RECORDS`` output read whole, each with the case files it changed."""
    for chunk in output.split("\x1e")[1:]:
        header, _, raw = chunk.partition("\x1d")
        yield _parse_commit(header)[0], _parse_raw(raw)


def _chunks(output: Iterable[bytes]) -> Iterator[str]:
    """The records of streamed ``git log`` output, each as soon as the next one begins."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    for data in output:
        records = (pending + decoder.decode(data)).split("\x1e")
        pending = records.pop()
        yield from (record for record in records if record)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def stream_records(output: Iterable[bytes]) -> Iterator[tuple[Commit, str, list[PathChange]]]:
    """``RECORDS`` output parsed as it comes: each commit, its tree and the case files it changed."""
    for chunk in _chunks(output):
        header, _, raw = chunk.partition("\x1d")
        commit, tree = _parse_commit(header)
        yield commit, tree, _parse_raw(raw)


def parse_diffs(output: str) -> list[list[PathChange]]:
    """``MERGE_DIFFS`` output: the case files each line of its input changed, in their order."""
    return [_parse_raw(chunk.partition("\x1d")[2]) for chunk in output.split("\x1e")[1:]]


def parse_main_line(output: str) -> list[tuple[str, str | None, set[str]]]:
    """``MAIN_LINE`` output, newest first: each commit, its first parent (None for the first commit), the case paths it changed."""
    line = []
    for chunk in output.split("\x1e")[1:]:
        header, _, raw = chunk.partition("\x1d")
        sha, _, parents = header.partition("\x1f")
        line.append((sha, parents.split()[0] if parents.strip() else None, {c.path for c in _parse_raw(raw)}))
    return line
