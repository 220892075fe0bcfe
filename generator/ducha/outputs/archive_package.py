"""The yearly archive package: a zip that keeps and reads without git or ducha (records, timelines,
full histories, the manifest, and SHA256SUMS to check it with ``sha256sum -c``)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

from ducha.errors import DataError, UsageError
from ducha.io.atomic import write_file
from ducha.io.lfs import read_pointer
from ducha.load.issued import load_all, load_measures
from ducha.load.records import load_cases
from ducha.model.case import MANIFEST_NAME
from ducha.outputs.text import timeline_text
from ducha.repo.archive import verify_archive
from ducha.repo.audit import trails as read_trails
from ducha.repo.manifest import manifest_path, sha256_of


def _zip_bytes(files: dict[str, bytes], stamp: dt.date) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


_README = """{office} 督查事项档案 {year} 年度

本压缩包可脱离 git 和 ducha 独立保存、查阅：
- records/      归档时的督查事项记录原文（YAML，UTF-8）
- timelines/    每个事项的办理经过与审计记录（文本）
- history/      每个事项的完整提交历史（JSON：日期、作者、审核人、改动说明）
- attachments/  事项的附件原件（按编号分文件夹；记录中登记了每个附件的 SHA-256）
- accountability/ 涉及这些事项的督办令、约谈、书面检查和问责记录
- {manifest}  归档清单（SHA-256、封存所基于的提交、封存日期、档号）
- SHA256SUMS    本包内每个文件的 SHA-256，可用 `sha256sum -c SHA256SUMS` 核验

共 {count} 件。导出所基于的提交：{head}。
"""


def export_archive(root: Path, year: int, output: Path) -> int:
    """Write one self-contained zip of ``year``'s archived records; returns how many."""
    verify = verify_archive(root)
    if verify.problems:
        raise DataError(verify.problems, verify.checked)
    office, cases = load_cases(root)
    archived = [c for c in cases if c.year == year and c.archive is not None]
    if not archived:
        raise UsageError(f"{year} 年没有已归档的督查事项：先运行 `ducha archive --year {year}` 并提交。")
    head, trails = read_trails(root, [case.id for case in archived])
    files: dict[str, bytes] = {}
    for case in archived:
        trail = trails.get(case.id)
        files[f"records/{case.id}.yaml"] = (root / case.path).read_bytes()
        files[f"timelines/{case.id}.txt"] = timeline_text(case, trail).encode("utf-8")
        files[f"history/{case.id}.json"] = (json.dumps(trail.as_json() if trail else {"id": case.id, "entries": []},
                                                       ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        for attachment in case.attachments:
            data = (root / case.attachment_folder / attachment.file).read_bytes()
            if read_pointer(data) is not None:
                raise UsageError(f"附件 {case.attachment_folder}/{attachment.file} 的内容还在 Git LFS 服务器上，本地只有指针文件。"
                                 "修改：先运行 `git lfs pull` 取回附件，再导出档案包。")
            files[f"attachments/{case.id}/{attachment.file}"] = data
    ids = {case.id for case in archived}
    measures, _ = load_measures(root, office, cases, load_all(root, office, frozenset(c.id for c in cases))[0])
    for measure in measures:
        if ids & set(measure.cases):
            files[measure.path] = (root / measure.path).read_bytes()
    manifest = manifest_path(root, year)
    files[MANIFEST_NAME] = manifest.read_bytes()
    files["说明.txt"] = _README.format(office=office.name, year=year, count=len(archived), manifest=MANIFEST_NAME,
                                     head=head).encode("utf-8")
    files["SHA256SUMS"] = "".join(f"{sha256_of(data)}  {name}\n" for name, data in sorted(files.items())).encode("utf-8")
    stamp = max(c.archive.date for c in archived if c.archive is not None)
    write_file(output, _zip_bytes(files, stamp))
    return len(archived)
