"""Whether each 审核 commit carries a signature of the review server: git's verdict against the office's keys.

``office.yaml`` ``review_signers`` are SSH ``allowed_signers`` lines; git checks each
commit's signature against them (``%G?``). The verdicts are kept in ``.git/ducha``, by
key list, so each commit is checked once for the keys the office lists.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

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
