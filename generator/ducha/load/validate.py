"""Checking the records: case files against office.yaml and each other, and a whole repository with what it issued.

Every problem in every file is collected before anything fails; ``CheckCache`` lets the
preview check again only the files that changed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ducha.errors import DataError, Problem
from ducha.io.collector import collector_paused
from ducha.io.yamlfile import PathKey, read_yaml
from ducha.load.attachments import attachment_problems, lfs_configured, lfs_missing, unregistered_attachments
from ducha.load.case_files import CaseIds, case_files
from ducha.load.office import load_office
from ducha.model.case import CASES_DIR, Case
from ducha.model.office import OFFICE_FILE, Office
from ducha.rules.validation import check_document


@dataclass(frozen=True)
class ValidationResult:
    """What ``validate`` found: the cases that loaded and every problem, sorted."""

    files: int
    office: Office | None
    cases: tuple[Case, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def display_path(path: Path, root: Path) -> str:
    """A path as the user will recognise it: relative to the repository when inside it.

    ``root`` must already be resolved; resolving every file costs more than reading it.
    """
    text, prefix = os.fspath(path), os.fspath(root) + os.sep
    if not path.is_absolute():
        text = os.fspath(path.resolve())
    return text[len(prefix):].replace(os.sep, "/") if text.startswith(prefix) else text


def _mark(case: Case, root: Path, path: PathKey) -> tuple[int, int]:
    """Where ``path`` stands in ``case``'s file; node trees are released after checking, so re-read."""
    doc, _ = read_yaml(root / case.path, case.path)
    return doc.mark(path) if doc is not None else (0, 0)


def _cross_checks(cases: Sequence[Case], root: Path) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, Case] = {}
    for case in cases:
        if case.id in first:
            line, column = _mark(case, root, ("id",))
            problems.append(Problem(case.path, line, column, "id",
                                    f"编号「{case.id}」与 {first[case.id].path} 重复。",
                                    "编号唯一且不能重复使用：用 `ducha new` 取一个新编号。"))
        else:
            first[case.id] = case
    for case in cases:
        chain = [case.id]
        parent = case.parent
        while parent is not None and parent in first:
            chain.append(parent)
            if parent in chain[:-1]:
                line, column = _mark(case, root, ("parent",))
                problems.append(Problem(case.path, line, column, "parent",
                                        f"上级事项形成了循环（{' → '.join(chain)}）。",
                                        "分解关系应是一棵树：改正其中一个 parent。"))
                break
            parent = first[parent].parent
    return problems


@dataclass
class CheckCache:
    """What checking each case file found, kept by `ducha serve` between rebuilds (mutable, one per
    preview): used again while the file, office.yaml, the set of case files and the day are unchanged.
    Also the cases as they stood on a day, by the case they were cut from."""

    basis: tuple[object, ...] = ()
    files: dict[str, tuple[tuple[int, int], Case | None, list[Problem]]] = field(default_factory=dict)
    cut: dict[str, tuple[Case, dt.date, Case]] = field(default_factory=dict)
    #: How many times a file was read and checked (again): what changed since the last look.
    rechecked: int = 0

    def as_of(self, case: Case, day: dt.date) -> Case:
        known = self.cut.get(case.id)
        if known is not None and known[0] is case and known[1] == day:
            return known[2]
        result = case.as_of(day)
        self.cut[case.id] = (case, day, result)
        return result


def validate_paths(paths: Iterable[Path], root: Path, today: dt.date | None = None,
                   cache: CheckCache | None = None, on_disk: bool = True,
                   ahead_in: Container[str] | None = None) -> ValidationResult:
    """Check every case file under ``paths`` against office.yaml in ``root`` (re-checking only files
    that changed since ``cache`` saw them, when given); attached files only as registered, not on disk,
    when not ``on_disk`` (records read from a commit without their attachments); no date may lie after
    ``today`` in the files ``ahead_in`` names (all when None)."""
    root = root.resolve()
    paths = [p.resolve() for p in paths]
    files = case_files(paths)
    # A parent may live outside the files being checked, but must be somewhere in the repository.
    known_ids = (CaseIds.of(files) if paths == [root / CASES_DIR] else CaseIds(root / CASES_DIR))
    try:
        office = load_office(root)
    except DataError as error:
        return ValidationResult(len(files), None, (), error.problems)
    problems: list[Problem] = []
    cases: list[Case] = []
    if cache is not None:
        # A new or removed file can change another's problems (a parent that now exists): check all again.
        basis = (office, frozenset(map(os.fspath, files)), today)
        if cache.basis != basis:
            cache.basis, cache.files = basis, {}
    with collector_paused():
        for file in files:
            if file == root / CASES_DIR and not file.exists():
                continue  # the office's records folder, gone with its last case: nothing to read (a named path is)
            stamp = (0, 0)
            if cache is not None:
                info = file.stat()
                stamp = (info.st_mtime_ns, info.st_size)
                kept = cache.files.get(str(file))
                if kept is not None and kept[0] == stamp:
                    if kept[1] is not None:
                        cases.append(kept[1])
                    problems.extend(kept[2])
                    continue
            name = display_path(file, root)
            doc, found = read_yaml(file, name)
            case, found = check_document(doc, found, office, known_ids,
                                         today if ahead_in is None or name in ahead_in else None)
            if case is not None:
                cases.append(case)
                if case.attachments:
                    found += attachment_problems(root, office, case, doc, on_disk=on_disk)
            if cache is not None:
                cache.files[str(file)] = (stamp, case, found)
                cache.rechecked += 1
            problems.extend(found)
            # The node tree goes with `doc` here: keeping 10,000 of them alive would hold
            # memory for nothing (and make any collection walk them all).
    problems.extend(_cross_checks(cases, root))
    return ValidationResult(len(files), office, tuple(cases), tuple(sorted(problems, key=Problem.sort_key)))


def validate_files(paths: Sequence[Path], root: Path, today: dt.date | None = None) -> ValidationResult:
    """``ducha validate PATH…``: each file (or folder) checked as the kind of record its place makes it.

    Case files alone are checked quickly, as a pre-commit check; a 通报, 督查专报 or 督查问责 record refers
    to the cases and to each other, so naming one checks the repository and reports what concerns it.
    """
    resolved = root.resolve()
    if all(display_path(p, resolved).split("/", 1)[0] == CASES_DIR for p in paths):
        return validate_paths(list(paths), root, today)  # the pre-commit check: nothing issued is loaded
    from ducha.model.measures import MEASURES_DIR
    from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR

    issued = [p for p in paths if display_path(p, resolved).split("/", 1)[0] in (NOTICES_DIR, BULLETINS_DIR, MEASURES_DIR)]
    cases = [p for p in paths if p not in issued]
    result = validate_paths(cases, root, today) if cases else ValidationResult(0, None, (), ())
    if not issued:
        return result
    whole = validate_repository(root, today)
    named = [display_path(p, resolved).rstrip("/") for p in issued]
    mine = [p for p in whole.problems if any(p.file == name or p.file.startswith(name + "/") for name in named)]
    files = sum(1 for p in issued for _ in (p.rglob("*.yaml") if p.is_dir() else (p,)))
    return ValidationResult(result.files + files, whole.office, result.cases,
                            tuple(sorted(dict.fromkeys([*result.problems, *mine]), key=Problem.sort_key)))


def _stale_schemas(root: Path, office: Office) -> list[Problem]:
    """``schema/``, where a repository keeps it for editors, says what office.yaml says (its categories and units)."""
    from ducha.rules.editor_schema import SCHEMA_DIR, schema_files

    if not (root / SCHEMA_DIR).is_dir():
        return []  # an office without editors' schemas: nothing to keep in line
    stale = [path for path, text in schema_files(office).items()
             if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text]
    if not stale:
        return []
    shown = "、".join(stale[:3]) + (f" 等 {len(stale)} 个文件" if len(stale) > 3 else "")
    return [Problem(stale[0], 0, 0, "", f"{shown}与 office.yaml 不一致：编辑器会按过时的来源类型和单位名录提示（或没有文件可读）。",
                    "运行 `ducha schema` 按 office.yaml 重写 schema/，与 office.yaml 的改动一并提交。")]


def validate_repository(root: Path, today: dt.date | None = None, ahead_in: Container[str] | None = None) -> ValidationResult:
    """Every case, plus the issued notices and 督查专报 that refer to them; no date after ``today`` in the
    files ``ahead_in`` names (all when None: the guard asks it only of what a pull request writes)."""
    # Read only here: checking one case file (the pre-commit hook) never loads what the office issued.
    from ducha.load.assessments import load_assessments
    from ducha.load.issued import load_bulletins, load_measures, load_notices
    from ducha.load.surveys import citation_problems, load_surveys
    from ducha.model.assessments import ASSESSMENTS_DIR
    from ducha.model.measures import MEASURES_DIR
    from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR
    from ducha.model.surveys import SURVEYS_DIR
    from ducha.rules.layout import layout_problems

    result = validate_paths([root / CASES_DIR], root, today, ahead_in=ahead_in)
    if result.office is None:
        return result
    # A case that exists but has problems of its own is reported there, not as missing here.
    ids = frozenset(c.id for c in result.cases) | {f.stem for f in case_files([root / CASES_DIR])}
    notices, notice_problems = load_notices(root, result.office, ids, today, ahead_in)
    _, bulletin_problems = load_bulletins(root, today, ahead_in, result.office)
    _, measure_problems = load_measures(root, result.office, result.cases, notices, today, ahead_in)
    _, assessment_problems = load_assessments(root, result.office, today)
    surveys, survey_problems = load_surveys(root, result.office, ids, today)
    survey_problems += citation_problems(root, result.cases, surveys)
    problems = sorted([*result.problems, *notice_problems, *bulletin_problems, *measure_problems, *survey_problems,
                       *assessment_problems, *layout_problems(root.resolve()), *unregistered_attachments(root.resolve(), result.cases)],
                      key=Problem.sort_key)
    problems += _stale_schemas(root, result.office)
    if result.office.attachments.lfs and not lfs_configured(root):
        problems.append(Problem(OFFICE_FILE, 0, 0, "attachments.lfs", lfs_missing().partition("修改：")[0],
                                lfs_missing().partition("修改：")[2]))
    issued = sum(1 for folder in (NOTICES_DIR, BULLETINS_DIR, MEASURES_DIR, SURVEYS_DIR, ASSESSMENTS_DIR)
                 for _ in (root / folder).glob("*/*.yaml"))
    return ValidationResult(result.files + issued, result.office, result.cases, tuple(problems))
