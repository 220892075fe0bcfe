"""The records as a commit held them: written out to a folder, to be read and checked like the working tree.

An issued 考核 result (``repo.scoreguard``) and an issued 通报 (``repo.notice_basis``) are checked
against the records of their data commit: the record folders and office.yaml of that commit are
unpacked from ``git archive`` into a folder of the caller's, and read there with the loaders every
command uses.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from ducha.model.case import ATTACHMENTS_DIR
from ducha.model.office import OFFICE_FILE
from ducha.repo.gitprocess import HistoryError, open_repository
from ducha.rules.layout import RECORD_DIRS


def write_records_at(root: Path, commit: str, into: Path, attachments: bool = True) -> Path:
    """Unpack office.yaml and the record folders of ``commit`` into ``into``; returns ``into``. Without
    ``attachments``, not the attached files (read the records with ``load_records(…, on_disk=False)``):
    they may be in Git LFS and not fetched, and an issued 通报 is checked on the records alone."""
    repo = open_repository(root)
    present = set(repo.run("ls-tree", "--name-only", "-z", commit).split("\0"))
    wanted = [name for name in (OFFICE_FILE, *RECORD_DIRS) if name in present and (attachments or name != ATTACHMENTS_DIR)]
    if not wanted:
        raise HistoryError(f"提交 {commit[:12]} 中没有督查记录。")
    done = repo.run_bytes("archive", "--format=tar", commit, "--", *wanted)
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(done), mode="r:") as archive:
        archive.extractall(into, filter="data")
    return into
