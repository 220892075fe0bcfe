"""Whether main-line commits carry the review server's signature: git's verdict against the office's keys.

``office.yaml`` ``review_signers`` are SSH ``allowed_signers`` lines; git checks each
commit's signature against them (``%G?``). The verdicts are kept in ``.git/ducha``, by
key list, so each commit is checked once for the keys the office lists.

Signing starts on the first main-line commit whose office.yaml lists keys (``signed_line``):
that commit and every main-line commit after it must be signed with one of them, which the
server does for every merge and squash it makes. A history rewritten anywhere after it loses
those signatures, unless whoever rewrote it holds the server's key.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ducha.io.yamldata import parse_data
from ducha.model.office import OFFICE_FILE
from ducha.repo.blobs import files_at
from ducha.repo.cache import read_cached, write_cached
from ducha.repo.gitprocess import Repository
from ducha.repo.values import SIGNATURE_NONE, SIGNATURE_UNTRUSTED, SIGNATURE_VERIFIED

_SIGNATURES_HEADER = "ducha signatures 1"


def verify_signatures(repo: Repository, commits: Iterable[str], signers: Sequence[str]) -> dict[str, str]:
    """Each commit's signature checked by git against the office's allowed signers (cached by key list)."""
    wanted = set(commits)
    if not wanted:
        return {}
    digest = hashlib.sha256("\n".join(signers).encode("utf-8")).hexdigest()[:16]
    known: dict[str, str] = {}
    lines = read_cached(repo, "signatures")
    if lines and lines[0] == _SIGNATURES_HEADER:
        for line in lines[1:]:
            parts = line.split()
            if len(parts) == 3 and parts[0] == digest:
                known[parts[1]] = parts[2]
    missing = sorted(wanted - known.keys())
    if missing:
        with tempfile.TemporaryDirectory(prefix="ducha-signers-") as folder:
            allowed = Path(folder) / "allowed_signers"
            allowed.write_text("".join(line.strip() + "\n" for line in signers), encoding="utf-8")
            output = repo.run("log", "--no-walk=unsorted", "--stdin", "--format=%H %G?", stdin="\n".join(missing) + "\n",
                              config=("-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={allowed}"))
        for line in output.split("\n"):
            if line.strip():
                sha, code = line.split()
                known[sha] = (SIGNATURE_VERIFIED if code == "G" else SIGNATURE_NONE if code == "N"
                              else SIGNATURE_UNTRUSTED)
        write_cached(repo, "signatures", "\n".join([_SIGNATURES_HEADER, *(f"{digest} {sha} {code}" for sha, code
                                                                          in sorted(known.items()))]) + "\n")
    return {sha: known[sha] for sha in wanted if sha in known}


def _lists_keys(raw: bytes) -> bool:
    data = parse_data(raw)
    return isinstance(data, dict) and bool(data.get("review_signers"))


def signing_start(repo: Repository) -> str | None:
    """The first main-line commit whose office.yaml lists ``review_signers``; None when none does."""
    # Only the commits whose office.yaml gained or lost a line naming the keys can be it.
    candidates = repo.run("log", "--first-parent", "--diff-merges=first-parent", "--reverse", "--format=%H",
                          "-Greview_signers", repo.head, "--", OFFICE_FILE).split()
    if not candidates:
        return None
    for sha in candidates:  # a few: the commits that edited the keys
        raw = files_at(repo.root, sha, [OFFICE_FILE])[OFFICE_FILE]
        if raw is not None and _lists_keys(raw):
            return sha
    return None


def signed_line(repo: Repository) -> list[str]:
    """The main-line commits that must be signed, oldest first: from ``signing_start`` to HEAD (none without keys)."""
    start = signing_start(repo) if repo.head else None
    if start is None:
        return []
    line = repo.run("rev-list", "--first-parent", repo.head).split()
    return list(reversed(line[:line.index(start) + 1])) if start in line else []
