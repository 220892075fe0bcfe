"""``ducha attach``: a file copied into the case's attachment folder and registered in its record.

The record gains one ``attachments`` entry (date, file, title, type, size, SHA-256); the file
and the record are written together or not at all. When the office keeps attachments in Git
LFS, ``.gitattributes`` must already say so (a system change, merged on its own): otherwise
the file would go into git itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DataError, UsageError
from ducha.io.atomic import write_files
from ducha.io.lfs import sha256_hex
from ducha.io.yamltext import append_entry
from ducha.load.attachments import attachment_problems, lfs_configured, lfs_missing
from ducha.load.records import load_cases
from ducha.model.office import ATTACHMENT_TYPES
from ducha.rules.validation import check_text


@dataclass(frozen=True)
class Attached:
    """The file as registered."""

    path: Path
    record: Path
    sha256: str
    size: int


def attachment_type(name: str) -> str | None:
    """The attachment type a file name ends with (jpeg is jpg), or None."""
    lower = name.lower()
    return next((kind for kind, endings in ATTACHMENT_TYPES.items() if lower.endswith(endings)), None)


def attach(root: Path, case_id: str, source: Path, title: str, day: dt.date, name: str | None = None,
           today: dt.date | None = None) -> Attached:
    """Copy ``source`` into ``case_id``'s attachment folder and register it, dated ``day`` (checked as of ``today``,
    the real date: an attachment may be registered with the earlier day it was received)."""
    office, cases = load_cases(root)
    found = [c for c in cases if c.id == case_id]
    if not found:
        raise UsageError(f"没有编号为「{case_id}」的督查事项。修改：检查编号。")
    case = found[0]
    if case.archive is not None:
        raise UsageError(f"{case_id} 已归档封存，不能再登记附件。修改：归档前登记；归档后的补充材料按档案管理程序另行处理。")
    file_name = re.sub(r"\s+", "_", (name or source.name).strip()).lstrip(".")
    kind = attachment_type(file_name)
    if kind is None or kind not in office.attachments.types:
        allowed = "、".join(office.attachments.types)
        raise UsageError(f"「{file_name}」不是允许的附件类型（{allowed}）。修改：转换为允许的格式，"
                         "或在 office.yaml 的 attachments.types 中增加该类型。")
    data = source.read_bytes()
    target = root / case.attachment_folder / file_name
    if target.exists() or any(a.file == file_name for a in case.attachments):
        raise UsageError(f"{case.attachment_folder}/{file_name} 已经存在：已登记的附件不能覆盖。修改：用 --name 另取文件名。")
    record = root / case.path
    digest = sha256_hex(data)
    entry = {"date": day.isoformat(), "file": file_name, "title": title, "type": kind, "size": str(len(data)),
             "sha256": digest}
    text = append_entry(record.read_text(encoding="utf-8"), "attachments", entry)
    known = frozenset(c.id for c in cases)
    checked, problems = check_text(text.encode("utf-8"), case.path, office, known, today or day)
    if checked is not None:
        problems += attachment_problems(root, office, checked, on_disk=False)
    if problems:
        raise DataError(problems, 1)
    if office.attachments.lfs and not lfs_configured(root):
        raise UsageError(lfs_missing())
    write_files({record: text, target: data}, new=[target])
    return Attached(target, record, digest, len(data))
