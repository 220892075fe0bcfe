"""``ducha guard --base REV``: a pull request may add to the records, never rewrite or remove them.

Compared with the base: no case file deleted, no id changed, dated log entries only
appended, 立项/交办 dates never rewritten, archived (sealed) records not touched at all,
archive manifests only appended to. It also runs every validation check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import Problem
from ducha.io.yamlfile import YamlDocument, parse_yaml, read_yaml
from ducha.load import validate_repository
from ducha.model.case import CASES_DIR
from ducha.model.notices import NOTICES_DIR
from ducha.repo.changes import FIXED, Kind, compare
from ducha.repo.git import FileChange, changed_files, file_at, resolve
from ducha.repo.manifest import MANIFEST_NAME, read_manifest_text

_APPEND_ONLY_FIX = "恢复原来的内容；已记录的事实只能追加：如需更正，在末尾追加一条新记录写明「更正：……」。"
_FIXED_FIX = "恢复原值。立项日期、交办日期和编号一经记录不能改写；确有错误的，恢复原值并在备注（notes）中说明。"


@dataclass(frozen=True)
class GuardResult:
    """What the guard found against ``base``."""

    base: str
    changed: int
    problems: tuple[Problem, ...]


def _problem(doc: YamlDocument | None, path: str, where: tuple[str | int, ...], message: str, fix: str,
             in_old: bool = False) -> Problem:
    line, column = doc.mark(where) if doc is not None else (0, 0)
    if in_old and line:
        message += f"（原文件第 {line} 行）"
        line, column = 0, 0
    return Problem(path, line, column, ".".join(str(p) for p in where), message, fix)


def _check_case(root: Path, base: str, change: FileChange, sealed: dict[str, str]) -> list[Problem]:
    path = change.path
    old_path = change.old_path or path
    old_raw = file_at(root, base, old_path)
    if old_raw is None:
        return []  # a new file: validation covers it
    old_doc, _ = parse_yaml(old_raw, old_path)
    if change.status == "D":
        return [Problem(path, 0, 0, "", "删除了督查事项文件：督查事项不能删除。",
                        "恢复该文件（git checkout 基准分支 -- 文件）；如事项不再办理，填写 cancelled（撤销）并报批。")]
    new_doc, _ = read_yaml(root / path, path)
    problems: list[Problem] = []
    if Path(old_path).stem != Path(path).stem:
        problems.append(Problem(path, 0, 0, "id", f"文件由 {old_path} 改名为 {path}：编号不能更改。",
                                f"恢复原文件名 {Path(old_path).name}；编号一经使用不能更改。"))
    old_data = old_doc.data if old_doc is not None else None
    new_data = new_doc.data if new_doc is not None else None
    new_raw = (root / path).read_bytes()
    if old_path in sealed or (isinstance(old_data, dict) and "archive" in old_data):
        if new_raw != old_raw or old_path != path:
            problems.append(Problem(path, 0, 0, "archive", "该记录已归档封存，不能再做任何修改。",
                                    "撤销对该文件的全部改动；归档记录如确需更正，须经档案管理程序另行处理。"))
        return problems
    if not isinstance(old_data, dict) or not isinstance(new_data, dict):
        return problems  # unreadable: validation reports why
    for item in compare(old_data, new_data):
        if item.kind is Kind.REWRITTEN:
            fixed = bool(item.path) and item.path[0] in FIXED
            doc = old_doc if item.in_old else new_doc
            problems.append(_problem(doc, path, item.path, f"{item.text}。" if fixed else
                                     f"{item.text}：已记录的内容只能追加，不能改写或删除。",
                                     _FIXED_FIX if fixed else _APPEND_ONLY_FIX, in_old=item.in_old))
    return problems


def _check_manifest(root: Path, base: str, change: FileChange) -> list[Problem]:
    old = file_at(root, base, change.old_path or change.path)
    if old is None:
        return []
    new = (root / change.path).read_bytes() if change.status != "D" else b""
    if not new.startswith(old):
        return [Problem(change.path, 0, 0, "", "改动了归档清单中已有的内容：归档清单只能追加。",
                        "恢复原有各行，只在末尾追加新归档的记录（由 ducha archive 写入）。")]
    return []


def _sealed_at_base(root: Path, base: str, manifests: list[str]) -> dict[str, str]:
    sealed: dict[str, str] = {}
    for path in manifests:
        raw = file_at(root, base, path)
        if raw is not None:
            for entry in read_manifest_text(raw.decode("utf-8", "replace")):
                sealed[entry.path] = entry.sha256
    return sealed


def guard(root: Path, base: str, today: dt.date) -> GuardResult:
    """Every problem in the change from ``base`` to the working tree, validation included."""
    base_sha = resolve(root, base)
    changes = changed_files(root, base_sha)
    manifests = sorted({f"{CASES_DIR}/{c.path.split('/')[1]}/{MANIFEST_NAME}" for c in changes if c.path.count("/") >= 2})
    sealed = _sealed_at_base(root, base_sha, manifests)
    problems: list[Problem] = []
    changed = 0
    for change in changes:
        if change.path.endswith(".yaml"):
            changed += 1
            problems += _check_case(root, base_sha, change, sealed)
        elif change.path.endswith(MANIFEST_NAME):
            problems += _check_manifest(root, base_sha, change)
    for change in changed_files(root, base_sha, NOTICES_DIR):
        if file_at(root, base_sha, change.old_path or change.path) is not None:
            problems.append(Problem(change.path, 0, 0, "", "改动了已印发的督查通报：通报印发后不得修改、删除。",
                                    "撤销对该文件的改动；如需更正，另行印发新的通报。"))
    problems += validate_repository(root, today).problems
    return GuardResult(base_sha, changed, tuple(sorted(set(problems), key=Problem.sort_key)))

