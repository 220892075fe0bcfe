"""归档 (注结销号): sealing a year's finished cases, verifying the seals, exporting the archive.

档号 follow DA/T 22 (归档文件整理规则): ``全宗号-年度-保管期限代码-件号``, e.g.
``0371-2025-D30-0007``, with 保管期限代码 Y (永久), D30 (30年), D10 (10年) and 件号
numbered from 0001 within each year and 保管期限, never reused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DataError, Problem, UsageError
from ducha.load import load_cases, validate_paths
from ducha.model.case import CASES_DIR, MANIFEST_NAME, Case, Stage
from ducha.repo.git import head_sha
from ducha.repo.manifest import Sealed, append_entries, read_manifest_text, sha256_of
from ducha.rules.deadlines import category_rule

RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}


@dataclass(frozen=True)
class ArchiveResult:
    """The records sealed by one ``ducha archive`` run."""

    year: int
    sealed: tuple[Sealed, ...]
    manifest: Path | None


def _next_numbers(cases: tuple[Case, ...], fonds: str, year: int) -> dict[str, int]:
    """The last 件号 used per 保管期限代码 in ``year`` (from the records themselves)."""
    used = dict.fromkeys(RETENTION_CODES.values(), 0)
    prefix = f"{fonds}-{year}-"
    for case in cases:
        if case.archive is not None and case.archive.number.startswith(prefix):
            code, _, seq = case.archive.number[len(prefix):].partition("-")
            if code in used and seq.isdigit():
                used[code] = max(used[code], int(seq))
    return used


def archive_year(root: Path, year: int, today: dt.date) -> ArchiveResult:
    """Seal every closed or cancelled case of ``year`` not yet archived, dated ``today``."""
    office, cases = load_cases(root)  # `today` is the archive date, not a cut-off for other cases
    sealed_on = head_sha(root)
    if sealed_on is None:
        raise UsageError("仓库还没有任何提交：请先提交记录，再归档。")
    due = sorted((c for c in cases if c.year == year and c.stage_on(today) in (Stage.CLOSED, Stage.CANCELLED)),
                 key=lambda c: c.id)
    used = _next_numbers(cases, office.fonds, year)
    entries: list[Sealed] = []
    for case in due:
        retention = category_rule(case, office).retention if case.cancelled is None else "10年"
        code = RETENTION_CODES[retention]
        used[code] += 1
        number = f"{office.fonds}-{year}-{code}-{used[code]:04d}"
        file = root / case.path
        original = file.read_bytes()
        block = f"archive:\n  date: {today.isoformat()}\n  number: {number}\n  retention: {retention}\n"
        sealed = original + (b"" if original.endswith(b"\n") else b"\n") + block.encode("utf-8")
        file.write_bytes(sealed)
        check = validate_paths([file], root, today)
        if not check.ok:
            file.write_bytes(original)  # nothing a user wrote is ever lost or half-changed
            raise DataError(check.problems, 1)
        entries.append(Sealed(sha256_of(sealed), case.path, sealed_on, today.isoformat(), number))
    manifest = append_entries(root, year, entries) if entries else None
    return ArchiveResult(year, tuple(entries), manifest)


@dataclass(frozen=True)
class VerifyResult:
    """What ``verify-archive`` checked and found."""

    checked: int
    problems: tuple[Problem, ...]


def verify_archive(root: Path) -> VerifyResult:
    """Recompute every sealed record's SHA-256; every archived record must be in a manifest."""
    problems: list[Problem] = []
    listed: set[str] = set()
    checked = 0
    for manifest in sorted((root / CASES_DIR).glob(f"*/{MANIFEST_NAME}")):
        name = manifest.relative_to(root).as_posix()
        text = manifest.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if line and not line.startswith("#") and len(line.split()) != 5:
                problems.append(Problem(name, number, 1, "", "归档清单的这一行格式不对。",
                                        "恢复该行的原样（可从 git 历史中找回）。"))
        for entry in read_manifest_text(text):
            checked += 1
            listed.add(entry.path)
            file = root / entry.path
            if not file.exists():
                problems.append(Problem(name, entry.line, 1, entry.path, f"已归档的记录 {entry.path} 不见了。",
                                        "从 git 历史中恢复该文件（git checkout <提交> -- 文件）。"))
            elif sha256_of(file.read_bytes()) != entry.sha256:
                problems.append(Problem(entry.path, 0, 0, "",
                                        f"已归档的记录被改动过（与归档清单 {name} 第 {entry.line} 行的 SHA-256 不符）。",
                                        f"从 git 历史中恢复封存时的版本（封存于提交 {entry.sealed_on[:8]} 之后）。"))
    for file in sorted((root / CASES_DIR).rglob("*.yaml")):
        path = file.relative_to(root).as_posix()
        if path not in listed and b"\narchive:" in b"\n" + file.read_bytes():
            problems.append(Problem(path, 0, 0, "archive", "记录有归档信息，但不在任何归档清单中。",
                                    "归档只能由 `ducha archive --year 年份` 完成：删除手工写入的 archive 块后重新归档。"))
    return VerifyResult(checked, tuple(sorted(problems, key=Problem.sort_key)))
