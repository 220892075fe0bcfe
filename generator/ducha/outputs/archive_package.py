"""The yearly archive package: a zip that keeps and reads without git or ducha (records, timelines,
full histories, the manifest, and SHA256SUMS to check it with ``sha256sum -c``)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

from ducha.errors import DataError, UsageError
from ducha.load import load_cases
from ducha.model.case import MANIFEST_NAME
from ducha.outputs.text import timeline_text
from ducha.repo.archive import verify_archive
from ducha.repo.audit import all_trails
from ducha.repo.git import read_histories
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
    histories = read_histories(root)
    trails = all_trails(root, histories)
    files: dict[str, bytes] = {}
    for case in archived:
        trail = trails.get(case.id)
        files[f"records/{case.id}.yaml"] = (root / case.path).read_bytes()
        files[f"timelines/{case.id}.txt"] = timeline_text(case, trail).encode("utf-8")
        files[f"history/{case.id}.json"] = (json.dumps(trail.as_json() if trail else {"id": case.id, "entries": []},
                                                       ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    manifest = manifest_path(root, year)
    files[MANIFEST_NAME] = manifest.read_bytes()
    files["说明.txt"] = _README.format(office=office.name, year=year, count=len(archived), manifest=MANIFEST_NAME,
                                     head=histories.head).encode("utf-8")
    files["SHA256SUMS"] = "".join(f"{sha256_of(data)}  {name}\n" for name, data in sorted(files.items())).encode("utf-8")
    stamp = max(c.archive.date for c in archived if c.archive is not None)
    output.write_bytes(_zip_bytes(files, stamp))
    return len(archived)
