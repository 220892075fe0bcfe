"""Demo data: the records a fresh clone ships with, listed with their SHA-256 in ``DEMO.sha256``.

The list is what marks them as demo: ``ducha init`` removes exactly the listed records that
are still as shipped, and the guard lets a pull request remove them (and only them) as the
start of an office's own records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

DEMO_LIST = "DEMO.sha256"


def parse_demo_list(text: str) -> dict[str, str]:
    """``path → sha256`` from the list's ``<sha256>  <path>`` lines (``#`` lines are comments)."""
    listed = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            listed[parts[1]] = parts[0]
    return listed


def listed_as_demo(listed: Mapping[str, str], path: str, raw: bytes) -> bool:
    """Whether ``raw`` at ``path`` is what the demo list names there: by content (path and SHA-256), never
    by path alone, so an archive manifest an office has since appended to is its own record."""
    return listed.get(path) == hashlib.sha256(raw).hexdigest()
