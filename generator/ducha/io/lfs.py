"""Git LFS pointer files: what a clone without the LFS content holds in place of an attached file.

A pointer names the content by its SHA-256 and size (the Git LFS spec, v1), which are exactly
what a record registers for an attachment; the content itself is in the repository's LFS object
store (``<git dir>/lfs/objects/ab/cd/abcd…``) once fetched. A pointer alone proves nothing: anyone
can write one for a document that exists nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_POINTER = re.compile(rb"\Aversion https://git-lfs\.github\.com/spec/v1\n(?:[a-z0-9-]+ [^\n]*\n)*?"
                      rb"oid sha256:([0-9a-f]{64})\n(?:[a-z0-9-]+ [^\n]*\n)*?size ([0-9]+)\n")
#: Pointers are a few lines; anything larger is content.
MAX_POINTER_BYTES = 1024


@dataclass(frozen=True)
class LfsPointer:
    """The content a Git LFS pointer stands for."""

    sha256: str
    size: int


def read_pointer(data: bytes) -> LfsPointer | None:
    """The pointer ``data`` is, or None when it is a file's own content."""
    if len(data) > MAX_POINTER_BYTES:
        return None
    match = _POINTER.match(data)
    return LfsPointer(match.group(1).decode("ascii"), int(match.group(2))) if match else None


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of a file's content, as records, manifests and Git LFS write it."""
    import hashlib  # OpenSSL's start-up is a tenth of a one-file validate, which hashes nothing

    return hashlib.sha256(data).hexdigest()


def _common_dir(root: Path) -> Path | None:
    """The git directory holding the repository's objects: ``.git``, or for a worktree the one its gitdir points to."""
    dot_git = root / ".git"
    if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
        text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
        if not text.startswith("gitdir:"):
            return None
        dot_git = (root / text.removeprefix("gitdir:").strip()).resolve()
    if not dot_git.is_dir():
        return None
    common = dot_git / "commondir"
    return (dot_git / common.read_text(encoding="utf-8").strip()).resolve() if common.is_file() else dot_git


def lfs_object(root: Path, oid: str) -> Path | None:
    """The content ``oid`` names in the LFS object store of the repository at ``root``, if it is there."""
    common = _common_dir(root)
    if common is None or len(oid) != 64:
        return None
    found = common / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
    return found if found.is_file() else None
