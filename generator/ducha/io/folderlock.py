"""One process at a time in a folder: an exclusive lock held on the folder itself while a block runs.

``ducha remind --send`` reads the day's sent list, sends what is not in it and adds each digest
as it goes; two runs at once (a scheduled job and a manual one) would both read the list before
either wrote it, and send every digest twice. Holding this lock from the reading to the last line
written, the second run waits, then finds everything sent. The lock is taken on the folder's own
descriptor (``flock``), so no lock file is left behind to be committed with the list.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (made if need be) for the block; another process asking waits."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # released when the descriptor closes, however the block ends
        yield
    finally:
        os.close(descriptor)
