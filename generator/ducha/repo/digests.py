"""The digest of a record: the SHA-256 of its file's bytes, as a link between offices names it.

One function, so that a link written by one office and checked by another (or by an anchor) agree
on what was digested: the bytes git holds for the file, nothing normalised.
"""

from __future__ import annotations

import hashlib


def record_digest(raw: bytes) -> str:
    """SHA-256 of a record file's bytes, as 64 lower-case hexadecimal digits."""
    return hashlib.sha256(raw).hexdigest()
