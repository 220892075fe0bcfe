"""Links between offices (上下联动): a neighbour office as office.yaml names it, and a case of another office
named by its 全宗号, its id, the commit it was read at and the SHA-256 of its file.

A link never names an id alone: ids collide between offices (each numbers from 0001 with its own prefix,
and two offices may share a prefix), so the office is named too; and it names the commit and the bytes
read there, so a history rewritten on the other side is detected at the next read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: The shared record format this ducha writes (``x-format-version`` of ``schema/case.schema.json``).
#: 1: before offices linked their records (no such key); 2: ``source.upstream``, ``reports[].downstream``
#: and ``upstream_changes``. A newer ducha reads every older format; an older one reads a newer one's
#: records leaving out what it does not know, and says so.
FORMAT_VERSION = 2
#: The keys of a link, in the order they are written.
LINK_KEYS = ("office", "id", "commit", "sha256")
#: Where a reader keeps what it fetched of a neighbour, and what a sharer publishes for one.
FETCHED_REFS = "refs/ducha/offices"
SHARED_REFS = "refs/ducha/share"

_COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Link:
    """Another office's case file as read at one commit: which office (全宗号), which case, which bytes."""

    office: str  # the other office's 全宗号 (fonds)
    id: str  # its case id, prefix included
    commit: str  # the full commit id the file was read at
    sha256: str  # SHA-256 of the file's bytes at that commit

    @property
    def prefix(self) -> str:
        return self.id.split("-")[0]

    def names(self, fonds: str, prefix: str) -> bool:
        """Whether the link points into the office with this 全宗号 and 编号前缀."""
        return self.office == fonds and self.prefix == prefix

    def as_data(self) -> dict[str, str]:
        """The link as a record writes it."""
        return {key: getattr(self, key) for key in LINK_KEYS}

    @property
    def short(self) -> str:
        return self.commit[:8]


def is_commit_id(text: str) -> bool:
    """A full commit id as a link writes it (and the only kind of value handed to git from a link)."""
    return bool(_COMMIT.fullmatch(text))


@dataclass(frozen=True)
class Neighbour:
    """An office above (``superior``) or below (``subordinates``): its name, where to fetch its records
    (any git URL, a path, or a ``git bundle`` file) and which ref of it to read."""

    name: str
    remote: str
    ref: str = "main"


@dataclass(frozen=True)
class Reading:
    """What this repository holds of one neighbour's records: the commit last fetched and when, a fetch that
    failed since (the data is then stale), and a commit read before that its history no longer contains
    (rewritten). Kept until the office accepts the new history (``ducha rollup --accept-rewrite``)."""

    name: str  # as this office's office.yaml names it
    remote: str
    commit: str | None = None  # None: never fetched
    read_at: dt.datetime | None = None
    error: str = ""  # the last fetch failed, in Chinese; empty when it worked
    failed_at: dt.datetime | None = None
    lost: str | None = None  # the commit read before that the fetched history no longer contains
    lost_at: dt.datetime | None = None

    @property
    def stale(self) -> bool:
        """The last fetch failed: what is shown is as of ``read_at``."""
        return bool(self.error)

    @property
    def rewritten(self) -> bool:
        return self.lost is not None
