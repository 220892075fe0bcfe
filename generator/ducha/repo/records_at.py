"""The records as a commit held them: written out to a folder, to be read and checked like the working tree.

An issued 考核 result is checked against the records of its data commit (``repo.scoreguard``): the
record folders and office.yaml of that commit are unpacked from ``git archive`` into a folder
of the caller's, and read there with the loaders every command uses.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from ducha.model.office import OFFICE_FILE
from ducha.repo.gitprocess import HistoryError, open_repository
from ducha.rules.layout import RECORD_DIRS


def write_records_at(root: Path, commit: str, into: Path) -> Path:
    """Unpack office.yaml and the record folders of ``commit`` into ``into``; returns ``into``."""
    repo = open_repository(root)
    present = set(repo.run("ls-tree", "--name-only", "-z", commit).split("\0"))
    wanted = [name for name in (OFFICE_FILE, *RECORD_DIRS) if name in present]
    if not wanted:
        raise HistoryError(f"提交 {commit[:12]} 中没有督查记录。")
    done = repo.run_bytes("archive", "--format=tar", commit, "--", *wanted)
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(done), mode="r:") as archive:
        archive.extractall(into, filter="data")
    return into
