"""Git LFS pointer files: what a clone without the LFS content holds in place of an attached file.

A pointer names the content by its SHA-256 and size (the Git LFS spec, v1), which are exactly
what a record registers for an attachment, so a pointer can be checked without the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
