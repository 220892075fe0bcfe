"""归档 (注结销号): sealing a year's finished cases, verifying the seals, exporting the archive.

档号 follow DA/T 22 (归档文件整理规则): ``全宗号-年度-保管期限代码-件号``, e.g.
``0371-2025-D30-0007``, with 保管期限代码 Y (永久), D30 (30年), D10 (10年) and 件号
numbered from 0001 within each year and 保管期限, never reused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DataError, Problem, UsageError
from ducha.io.atomic import write_files
from ducha.io.yamlfile import read_yaml
from ducha.load.attachments import verify_attachments
from ducha.load.office import load_office
from ducha.load.records import load_cases
from ducha.load.validate import validate_paths
from ducha.model.case import CASES_DIR, MANIFEST_NAME, Case, Stage
from ducha.model.office import Office
from ducha.repo.gitprocess import head_sha
from ducha.repo.manifest import Sealed, appended, read_manifest_text, sha256_of
from ducha.rules.approvals import owed_after_closing
from ducha.rules.deadlines import category_rule, followup_owed
from ducha.rules.validation import check_text

RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}
AWAITING_FOLLOWUP = "待回头看（回访复核）"


@dataclass(frozen=True)
class ArchiveResult:
    """The records sealed by one ``ducha archive`` run."""

    year: int
    sealed: tuple[Sealed, ...]
    manifest: Path | None
    waiting: tuple[tuple[str, str], ...] = ()  # closed, but not yet sealed: (path, what it waits for)


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


def _owed(case: Case, office: Office, today: dt.date) -> tuple[str, ...]:
    """What a closed case still waits for before it may be sealed: 待回头看, 待领导审阅, 待上报结果."""
    followup = (AWAITING_FOLLOWUP,) if followup_owed(case, office, today) else ()
    return followup + owed_after_closing(case, office, today)


def archive_year(root: Path, year: int, today: dt.date) -> ArchiveResult:
    """Seal every closed or cancelled case of ``year`` not yet archived, dated ``today``."""
    office, cases = load_cases(root)  # `today` is the archive date, not a cut-off for other cases
    sealed_on = head_sha(root)
    if sealed_on is None:
        raise UsageError("仓库还没有任何提交：请先提交记录，再归档。")
    ended = sorted((c for c in cases if c.year == year and c.stage_on(today) in (Stage.CLOSED, Stage.CANCELLED)),
                   key=lambda c: c.id)
    # The archive waits for what is owed after closing (rules.registry ARCHIVE_WAITS): a sealed record
    # takes nothing more, so a 回头看 (and the 再督查 it may open), a 领导审阅, a 上报 must come first.
    waiting = tuple((c.path, "、".join(owed)) for c in ended if (owed := _owed(c, office, today)))
    due = [c for c in ended if c.path not in dict(waiting)]
    used = _next_numbers(cases, office.fonds, year)
    entries: list[Sealed] = []
    files: dict[Path, bytes] = {}
    known = frozenset(c.id for c in cases)
    problems: list[Problem] = []
    for case in due:
        retention = category_rule(case, office).retention if case.cancelled is None else "10年"
        code = RETENTION_CODES[retention]
        used[code] += 1
        number = f"{office.fonds}-{year}-{code}-{used[code]:04d}"
        original = (root / case.path).read_bytes()
        block = f"archive:\n  date: {today.isoformat()}\n  number: {number}\n  retention: {retention}\n"
        sealed = original + (b"" if original.endswith(b"\n") else b"\n") + block.encode("utf-8")
        problems += check_text(sealed, case.path, office, known, today)[1]
        files[root / case.path] = sealed
        entries.append(Sealed(sha256_of(sealed), case.path, sealed_on, today.isoformat(), number))
    if problems:
        raise DataError(problems, len(files))  # nothing written: every record stays as it was
    if not entries:
        return ArchiveResult(year, (), None, waiting)
    manifest, text = appended(root, year, entries)
    write_files({**files, manifest: text})  # the seals and their manifest together, or nothing
    return ArchiveResult(year, tuple(entries), manifest, waiting)


@dataclass(frozen=True)
class VerifyResult:
    """What ``ducha verify`` checked and found."""

    checked: int
    problems: tuple[Problem, ...]
    notices: int = 0
    signed: int | None = None  # main-line commits checked for the server's signature (None: office.yaml lists no key)
    anchors: int = 0  # anchors checked against the history
    assessments: int = 0  # issued 考核 results, whose data commits are checked like the notices'


_NUMBER = re.compile(r"^(?P<fonds>[0-9A-Za-z]+)-(?P<year>[0-9]{4})-(?P<code>[A-Z][0-9]*)-(?P<seq>[0-9]{4,})$")


def _number_problem(number: str, fonds: str, year: int | None, retention: str | None = None) -> str | None:
    """What is wrong with a 档号 for ``year`` (DA/T 22: 全宗号-年度-保管期限代码-件号), or None."""
    example = f"{fonds}-{year or 'YYYY'}-D30-0001"
    match = _NUMBER.match(number)
    if match is None or match["code"] not in RETENTION_CODES.values():
        return f"档号「{number}」格式不对：应为 全宗号-年度-保管期限代码（Y、D30、D10）-四位件号，如 {example}。"
    if match["fonds"] != fonds:
        return f"档号「{number}」的全宗号不是 office.yaml 中的 {fonds}。"
    if year is not None and int(match["year"]) != year:
        return f"档号「{number}」的年度不是 {year}：档号的年度是事项编号的年度，归档清单按年度分开。"
    if retention is not None and RETENTION_CODES.get(retention) != match["code"]:
        return f"档号「{number}」的保管期限代码 {match['code']} 与保管期限「{retention}」不符。"
    return None


_RESTORE = "归档只能由 `ducha archive --year 年份` 完成，归档清单只能追加：从 git 历史中恢复原样。"


def _sealed_attachments(root: Path, office: Office, files: list[Path]) -> list[Problem]:
    """Each sealed record's attached files still hold the SHA-256 the record (sealed in turn) registers."""
    if not files:
        return []
    result = validate_paths(files, root)
    return [problem for case in result.cases if case.attachments
            for problem in verify_attachments(root, office, case)]


def verify_archive(root: Path) -> VerifyResult:
    """Every manifest line well formed, its 档号 unique and of its year, its record unchanged;
    every record with an archive block (as YAML reads it, however it is quoted) in a manifest."""
    office = load_office(root)
    problems: list[Problem] = []
    listed: dict[str, Sealed] = {}
    numbers: dict[str, str] = {}
    checked = 0
    for manifest in sorted((root / CASES_DIR).glob(f"*/{MANIFEST_NAME}")):
        name = manifest.relative_to(root).as_posix()
        year = int(manifest.parent.name) if manifest.parent.name.isdigit() else None
        text = manifest.read_text(encoding="utf-8")
        for row, content in enumerate(text.splitlines(), start=1):
            if content and not content.startswith("#") and len(content.split()) != 5:
                problems.append(Problem(name, row, 1, "", "归档清单的这一行格式不对。",
                                        "恢复该行的原样（可从 git 历史中找回）。"))
        for entry in read_manifest_text(text):
            checked += 1
            if entry.path in listed:
                problems.append(Problem(name, entry.line, 1, entry.path,
                                        f"记录 {entry.path} 在归档清单中出现了两次（第 {listed[entry.path].line} 行）。", _RESTORE))
            listed[entry.path] = entry
            if not entry.path.startswith(f"{CASES_DIR}/{year}/"):
                problems.append(Problem(name, entry.line, 1, entry.path,
                                        f"{year} 年度的归档清单列入了不在 {CASES_DIR}/{year}/ 下的记录 {entry.path}。", _RESTORE))
            wrong = _number_problem(entry.number, office.fonds, year)
            if wrong is not None:
                problems.append(Problem(name, entry.line, 1, "档号", wrong, _RESTORE))
            elif entry.number in numbers:
                problems.append(Problem(name, entry.line, 1, "档号",
                                        f"档号「{entry.number}」与{numbers[entry.number]}重复：档号唯一，永不重复使用。", _RESTORE))
            numbers.setdefault(entry.number, f" {name} 第 {entry.line} 行")
            file = root / entry.path
            if not file.exists():
                problems.append(Problem(name, entry.line, 1, entry.path, f"已归档的记录 {entry.path} 不见了。",
                                        "从 git 历史中恢复该文件（git checkout <提交> -- 文件）。"))
            elif sha256_of(file.read_bytes()) != entry.sha256:
                problems.append(Problem(entry.path, 0, 0, "",
                                        f"已归档的记录被改动过（与归档清单 {name} 第 {entry.line} 行的 SHA-256 不符）。",
                                        f"从 git 历史中恢复封存时的版本（封存于提交 {entry.sealed_on[:8]} 之后）。"))
    problems += _sealed_attachments(root, office, [root / path for path, entry in listed.items()
                                                   if (root / path).is_file() and not any(p.file == path for p in problems)])
    for file in sorted((root / CASES_DIR).rglob("*.yaml")):
        path = file.relative_to(root).as_posix()
        doc, unreadable = read_yaml(file, path)
        if doc is None:
            problems += unreadable  # cannot tell whether it is archived: it must be readable first
            continue
        if not isinstance(doc.data, dict) or "archive" not in doc.data:
            continue
        line, column = doc.key_mark(("archive",))
        sealed = listed.get(path)
        block = doc.data["archive"] if isinstance(doc.data["archive"], dict) else {}
        if sealed is None:
            problems.append(Problem(path, line, column, "archive", "记录有归档信息，但不在任何归档清单中。",
                                    "归档只能由 `ducha archive --year 年份` 完成：删除手工写入的 archive 块后重新归档。"))
        elif str(block.get("number", "")) != sealed.number:
            problems.append(Problem(path, line, column, "archive.number",
                                    f"记录中的档号「{block.get('number', '')}」与归档清单中的「{sealed.number}」不一致。", _RESTORE))
        else:
            wrong = _number_problem(sealed.number, office.fonds, None, str(block.get("retention", "")))
            if wrong is not None:
                problems.append(Problem(path, line, column, "archive.retention", wrong, _RESTORE))
    return VerifyResult(checked, tuple(sorted(problems, key=Problem.sort_key)))
