"""The archive manifest: ``cases/<year>/ARCHIVE.sha256``, one sealed record per line.

Each line: ``<sha256>  <path>  <sealed on commit>  <date>  <档号>``; lines starting with
``#`` are comments. It is only ever appended to (the guard enforces it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ducha.model.case import MANIFEST_NAME

HEADER = (
    "# 归档清单：由 ducha archive 追加写入，不得修改已有各行。\n"
    "# 各列：SHA-256  文件  封存时所基于的提交  封存日期  档号\n"
)


@dataclass(frozen=True)
class Sealed:
    """One sealed record: its hash, where it is, and when and on what it was sealed."""

    sha256: str
    path: str
    sealed_on: str
    date: str
    number: str
    line: int = 0

    def as_line(self) -> str:
        return f"{self.sha256}  {self.path}  {self.sealed_on}  {self.date}  {self.number}\n"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest_text(text: str) -> list[Sealed]:
    """The entries of a manifest; malformed lines are skipped (verify reports them)."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if line.startswith("#") or len(parts) != 5:
            continue
        sha, path, sealed_on, date, archive_number = parts
        entries.append(Sealed(sha, path, sealed_on, date, archive_number, line=number))
    return entries


def manifest_path(root: Path, year: int) -> Path:
    return root / "cases" / str(year) / MANIFEST_NAME


def append_entries(root: Path, year: int, entries: list[Sealed]) -> Path:
    """Append to the year's manifest, creating it with its header."""
    path = manifest_path(root, year)
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + "".join(e.as_line() for e in entries), encoding="utf-8")
    return path
