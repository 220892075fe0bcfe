"""A repository read and validated: office.yaml, every case, issued notices and 督查专报.

This is where the pipeline's first two steps meet: ``io`` reads each file, ``rules``
checks it, and every problem in every file is collected before anything fails.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ducha.errors import DataError, Problem, UsageError
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, parse_yaml, read_yaml
from ducha.model.case import CASES_DIR, Case
from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR, Bulletin, Ground, Mention, Notice, notice_path
from ducha.model.office import (
    DEFAULT_CATEGORY_RULES,
    RESERVED_FILE_NAMES,
    STANDARD_CATEGORIES,
    BulletinRules,
    CategoryRule,
    NoticeRules,
    Office,
    RuleRevision,
    Unit,
    Wording,
    YearOverride,
    slug,
)
from ducha.model.timelimit import TimeLimit, parse_date, parse_time_limit
from ducha.rules import schema
from ducha.rules.characters import character_problems, invisible_free
from ducha.rules.escalation import already_criticised, overlapping
from ducha.rules.layout import layout_problems
from ducha.rules.periods import parse_period
from ducha.rules.validation import check_document

OFFICE_FILE = "office.yaml"


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``*.yaml`` case file named or found under ``paths``, sorted, each once."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(path.rglob("*.yaml"))
        else:
            found.add(path)
    return sorted(found, key=str)  # comparing Path objects costs a tenth of a second per 10,000


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


def _expand(entries: list[str]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for entry in entries:
        first, _, last = entry.partition("/")
        start, end = parse_date(first), parse_date(last or first)
        if start is None or end is None:
            continue  # reported by the checks in load_office
        while start <= end:
            days.add(start)
            start += dt.timedelta(days=1)
    return frozenset(days)


def _limit(values: Mapping[str, str], key: str) -> TimeLimit | None:
    return parse_time_limit(values[key]) if key in values else None


def _unit_name_problems(doc: YamlDocument) -> list[Problem]:
    """Unit names that repeat, look like another (full-width, invisible characters), or would
    take the file name of a page the site or the feeds already use."""
    problems = []
    seen: dict[str, str] = {}  # what a reader sees (and the file name it gets) → the name as written
    for index, unit in enumerate(doc.data["units"]):
        name = unit["name"]
        line, column = doc.mark(("units", index, "name"))

        def problem(message: str, fix: str) -> None:
            problems.append(Problem(OFFICE_FILE, line, column, f"units[{index}].name", message, fix))  # noqa: B023

        if slug(name).lower() in RESERVED_FILE_NAMES:
            problem(f"单位简称「{name}」与站点自己的页面或日历同名，会覆盖单位总表或督查室总日历。",
                    f"改用单位通常的简称（如「市财政局」）；简称不能是 {'、'.join(sorted(RESERVED_FILE_NAMES))}。")
            continue
        for key in (invisible_free(name), slug(invisible_free(name)).lower()):
            if key in seen:
                other = seen[key]
                if other == name:
                    problem(f"单位简称「{name}」重复登记。", "删除重复的一项，或改用不同的简称。")
                else:
                    problem(f"单位简称「{name}」与「{other}」看起来相同（只差全角半角、标点或看不见的字符），会被当成两个单位。",
                            "删除重复的一项，或改用明显不同的简称。")
                break
        else:
            seen[invisible_free(name)] = seen[slug(invisible_free(name)).lower()] = name
    return problems


def _count(values: Mapping[str, str], key: str, default: int | None) -> int | None:
    return int(values[key]) if key in values else default


def load_office(root: Path) -> Office:
    """Read and check ``root/office.yaml``; raise DataError listing every problem."""
    path = root / OFFICE_FILE
    if not path.exists():
        raise DataError([Problem(OFFICE_FILE, 0, 0, "", "找不到 office.yaml。",
                                 "在仓库根目录创建 office.yaml（可复制示例仓库中的文件修改）。")])
    doc, problems = read_yaml(path, OFFICE_FILE)
    return _office(doc, problems)


def parse_office(raw: bytes) -> Office:
    """office.yaml as another version held it (the guard reads the base's); DataError if it is wrong."""
    doc, problems = parse_yaml(raw, OFFICE_FILE)
    return _office(doc, problems)


def _revisions(doc: YamlDocument, category: str, entries: list[dict[str, str]],
               problems: list[Problem]) -> tuple[RuleRevision, ...]:
    revisions: list[RuleRevision] = []
    for index, entry in enumerate(entries):
        day = parse_date(entry["effective_from"])
        where: PathKey = ("categories", category, "revisions", index, "effective_from")
        line, column = doc.mark(where)
        if day is None:
            problems.append(Problem(OFFICE_FILE, line, column, format_path(where),
                                    f"生效日期「{entry['effective_from']}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。"))
            continue
        if revisions and day <= revisions[-1].effective_from:
            problems.append(Problem(OFFICE_FILE, line, column, format_path(where),
                                    f"规则修订的生效日期 {day} 不晚于上一次修订（{revisions[-1].effective_from}）。",
                                    "按生效日期先后排列，新的修订追加在末尾。"))
        revisions.append(RuleRevision(day, _limit(entry, "time_limit"), _limit(entry, "max_extension"),
                                      _limit(entry, "max_total"), entry.get("retention")))
    return tuple(revisions)


def _office(doc: YamlDocument | None, problems: list[Problem]) -> Office:
    if doc is None:
        raise DataError(problems)
    problems += schema.check(doc, "office")
    if problems:
        raise DataError(problems)
    problems += character_problems(doc, "office")
    data = doc.data
    for year, override in data.get("holiday_overrides", {}).items():
        for kind in ("holidays", "workdays"):
            for index, entry in enumerate(override.get(kind, [])):
                if any(parse_date(part) is None for part in entry.split("/")):
                    line, column = doc.mark(("holiday_overrides", year, kind, index))
                    problems.append(Problem(OFFICE_FILE, line, column, f"holiday_overrides.{year}.{kind}[{index}]",
                                            f"日期「{entry}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。"))
                elif any(not part.startswith(year) for part in entry.split("/")):
                    line, column = doc.mark(("holiday_overrides", year, kind, index))
                    problems.append(Problem(OFFICE_FILE, line, column, f"holiday_overrides.{year}.{kind}[{index}]",
                                            f"日期「{entry}」不在 {year} 年。", f"移到 {entry[:4]} 年的节假日补充下。"))
    for category, values in data.get("categories", {}).items():
        if category not in STANDARD_CATEGORIES and values.get("custom") != "是":
            line, column = doc.key_mark(("categories", category))
            guess = difflib.get_close_matches(category, STANDARD_CATEGORIES, n=1, cutoff=0.5)
            problems.append(Problem(OFFICE_FILE, line, column, f"categories.{category}",
                                    f"「{category}」不是标准来源类型，也没有标明为本单位自设。",
                                    (f"是不是「{guess[0]}」？" if guess else "") + "标准来源类型：" + "、".join(STANDARD_CATEGORIES)
                                    + "；确为本单位自设的类型，在其下写 custom: 是。"))
    problems += _unit_name_problems(doc)
    if problems:
        raise DataError(problems)
    rules: dict[str, CategoryRule] = {}
    merged: dict[str, dict[str, Any]] = {cat: dict(values) for cat, values in DEFAULT_CATEGORY_RULES.items()}
    for cat, values in data.get("categories", {}).items():
        merged.setdefault(cat, {}).update(values)
    revised: dict[str, list[dict[str, str]]] = {cat: values.get("revisions", [])
                                                for cat, values in data.get("categories", {}).items()}
    for cat, values in merged.items():
        levels = {name: RuleRevision(dt.date.min, _limit(level, "time_limit"), _limit(level, "max_extension"),
                                     _limit(level, "max_total"))
                  for name, level in values.get("levels", {}).items()}
        rules[cat] = CategoryRule(_limit(values, "time_limit"), _limit(values, "max_extension"),
                                  _limit(values, "max_total"), values.get("retention", "30年"),
                                  _revisions(doc, cat, revised.get(cat, []), problems), MappingProxyType(levels))
    if problems:
        raise DataError(problems)

    def number(key: str) -> int | None:
        return int(data[key]) if key in data else None

    notice, bulletins, wording = data.get("notice_rules", {}), data.get("bulletins", {}), data.get("wording", {})
    return Office(
        name=data["name"],
        prefix=data.get("prefix", "DC"),
        fonds=data.get("fonds", "0001"),
        units=tuple(Unit(u["name"], u["full_name"]) for u in data["units"]),
        categories=MappingProxyType(rules),
        yellow_days=int(data.get("yellow_days", 3)),
        progress_interval_days=number("progress_interval_days"),
        followup_after_days=number("followup_after_days"),
        notice_rules=NoticeRules(
            int(notice.get("praise_min_items", 3)), _count(notice, "criticise_after_order_workdays", 5),
            _count(notice, "criticise_overdue_workdays", None), _count(notice, "criticise_returns", None),
            notice.get("issuer", "督查"), tuple(notice.get("ranking", NoticeRules.ranking)), notice.get("publish") == "是"),
        wording=Wording(wording.get("superior", "市政府"), wording.get("authority", data["name"]),
                        tuple(wording.get("consequences", {}).get(k, "") for k in "123"),
                        tuple(wording.get("copy_to", ())), wording.get("printer", "")),
        bulletins=BulletinRules(str(bulletins.get("enabled", "false")).lower() == "true",
                                int(bulletins.get("yearly_quota", 30)), int(bulletins.get("problem_share", 50))),
        internal_fields=tuple(data.get("internal_fields", ("owner", "notes"))),
        holiday_overrides=MappingProxyType({
            int(year): YearOverride(_expand(o.get("holidays", [])), _expand(o.get("workdays", [])))
            for year, o in data.get("holiday_overrides", {}).items()
        }),
    )


def _mentions(items: list[dict[str, Any]]) -> tuple[Mention, ...]:
    return tuple(Mention(i["unit"], i["reason"], tuple(i["cases"]), i.get("basis", ""),
                         tuple(Ground(g["case"], g["cause"]) for g in i.get("grounds", ())))
                 for i in items)


def _load(root: Path, folder: str, kind: str) -> tuple[list[tuple[str, dict[str, object]]], list[Problem]]:
    found, problems = [], []
    for file in sorted((root / folder).glob("*/*.yaml"), key=str):
        name = file.relative_to(root).as_posix()
        doc, trouble = read_yaml(file, name)
        problems += trouble
        if doc is None:
            continue
        trouble = schema.check(doc, kind) + character_problems(doc, kind)
        problems += trouble
        if not trouble:
            if parse_date(str(doc.data["date"])) is None:
                line, column = doc.mark(("date",))
                problems.append(Problem(name, line, column, "date", f"日期「{doc.data['date']}」不存在。",
                                        "写成实际存在的日期，格式 YYYY-MM-DD。"))
            else:
                found.append((name, doc.data))
    return found, problems


def load_notices(root: Path, office: Office, case_ids: frozenset[str]) -> tuple[list[Notice], list[Problem]]:
    """Every issued notice, checked: units registered, cases existing, file named by year and number."""
    loaded, problems = _load(root, NOTICES_DIR, "notice")
    notices = []
    for name, data in loaded:
        notice = Notice(name, int(str(data["number"])), str(data["doc_no"]), dt.date.fromisoformat(str(data["date"])),
                        str(data["period"]), str(data["data_commit"]),
                        _mentions(data["praised"]), _mentions(data["criticised"]))  # type: ignore[arg-type]
        if name != notice_path(notice.date.year, notice.number):
            problems.append(Problem(name, 1, 1, "number", f"文件名应为 {notice_path(notice.date.year, notice.number)}。",
                                    "通报按印发年份和序号命名；由 ducha report --issue 生成，不要手工改名。"))
        for kind, mentions in (("praised", notice.praised), ("criticised", notice.criticised)):
            for mention in mentions:
                if mention.unit not in office.unit_names:
                    problems.append(Problem(name, 0, 0, kind, f"单位「{mention.unit}」未在 office.yaml 中登记。",
                                            "通报印发后不得修改：请在 office.yaml 中恢复该单位的登记。"))
                missing = [c for c in mention.cases if c not in case_ids]
                if missing:
                    problems.append(Problem(name, 0, 0, kind, f"通报涉及的事项 {'、'.join(missing)} 不存在。",
                                            "督查事项不能删除：从 git 历史中恢复这些事项。"))
        notices.append(notice)
    problems += _notice_overlaps(notices)
    return notices, problems


def _notice_overlaps(notices: Sequence[Notice]) -> list[Problem]:
    """Issued notices of one kind may not count a day twice, nor criticise a case twice for one cause."""
    problems = []
    ordered = sorted(notices, key=lambda n: (n.date, n.number))
    for index, notice in enumerate(ordered):
        try:
            period = parse_period(notice.period)
        except UsageError as error:
            problems.append(Problem(notice.path, 0, 0, "period", f"统计期间「{notice.period}」无法识别。",
                                    str(error).partition("修改：")[2] or "写成 2026-W12、2026-03、2026-Q1、2026-H1 或 2026。"))
            continue
        for earlier in overlapping(period, ordered[:index]):
            problems.append(Problem(notice.path, 0, 0, "period",
                                    f"统计期间 {notice.period} 与已印发的{earlier.doc_no}（{earlier.period}）重叠。",
                                    f"同一类通报（按{period.kind}）不能两次统计同一天：撤回本通报，改为紧接其后的{period.kind}。"))
        done = already_criticised(ordered[:index])
        for mention in notice.criticised:
            for ground in mention.grounds:
                if (ground.case, ground.cause) in done:
                    problems.append(Problem(notice.path, 0, 0, "criticised",
                                            f"{ground.case} 已因「{ground.cause}」被通报批评过。",
                                            "同一事项同一原因只能通报批评一次：撤回本通报中的这一项。"))
    return problems


def load_bulletins(root: Path) -> tuple[list[Bulletin], list[Problem]]:
    loaded, problems = _load(root, BULLETINS_DIR, "bulletin")
    return [Bulletin(name, int(str(d["number"])), dt.date.fromisoformat(str(d["date"])), str(d["title"]),
                     d["reports_problem"] == "是") for name, d in loaded], problems


def load_all(root: Path, office: Office, case_ids: frozenset[str]) -> tuple[list[Notice], list[Bulletin]]:
    """Notices and bulletins, or a DataError listing every problem in them."""
    notices, problems = load_notices(root, office, case_ids)
    bulletins, more = load_bulletins(root)
    if problems or more:
        raise DataError(problems + more)
    return notices, bulletins


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
                   cache: CheckCache | None = None) -> ValidationResult:
    """Check every case file under ``paths`` against office.yaml in ``root`` (re-checking only files
    that changed since ``cache`` saw them, when given)."""
    root = root.resolve()
    paths = [p.resolve() for p in paths]
    every_file = case_files([root / CASES_DIR])
    files = every_file if paths == [root / CASES_DIR] else case_files(paths)
    # A parent may live outside the files being checked, but must be somewhere in the repository.
    known_ids = frozenset(os.path.basename(f)[:-5] for f in map(os.fspath, every_file))
    try:
        office = load_office(root)
    except DataError as error:
        return ValidationResult(len(files), None, (), error.problems)
    problems: list[Problem] = []
    cases: list[Case] = []
    if cache is not None and cache.basis != (office, known_ids, today):
        cache.basis, cache.files = (office, known_ids, today), {}
    for file in files:
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
        doc, found = read_yaml(file, display_path(file, root))
        case, found = check_document(doc, found, office, known_ids, today)
        if cache is not None:
            cache.files[str(file)] = (stamp, case, found)
            cache.rechecked += 1
        if case is not None:
            cases.append(case)
        problems.extend(found)
        # The node tree goes with `doc` here: keeping 10,000 of them alive makes the
        # garbage collector walk them all, again and again (more than doubles the time).
    problems.extend(_cross_checks(cases, root))
    return ValidationResult(len(files), office, tuple(cases), tuple(sorted(problems, key=Problem.sort_key)))


def validate_repository(root: Path, today: dt.date | None = None) -> ValidationResult:
    """Every case, plus the issued notices and 督查专报 that refer to them."""
    result = validate_paths([root / CASES_DIR], root, today)
    if result.office is None:
        return result
    # A case that exists but has problems of its own is reported there, not as missing here.
    ids = frozenset(c.id for c in result.cases) | {f.stem for f in case_files([root / CASES_DIR])}
    _, notice_problems = load_notices(root, result.office, ids)
    _, bulletin_problems = load_bulletins(root)
    problems = sorted([*result.problems, *notice_problems, *bulletin_problems, *layout_problems(root.resolve())],
                      key=Problem.sort_key)
    return ValidationResult(result.files, result.office, result.cases, tuple(problems))


@dataclass(frozen=True)
class Records:
    """A repository's records, checked, as they stood on ``as_of`` (all of them when None)."""

    office: Office
    cases: tuple[Case, ...]
    notices: tuple[Notice, ...]
    bulletins: tuple[Bulletin, ...]


def load_records(root: Path, as_of: dt.date | None = None, cache: CheckCache | None = None) -> Records:
    """Every record, checked against all the others, then cut to what existed on ``as_of``."""
    result = validate_paths([root / CASES_DIR], root, None, cache)
    if not result.ok or result.office is None:
        raise DataError(result.problems, result.files)
    office, cases = result.office, result.cases
    notices, bulletins = load_all(root, office, frozenset(c.id for c in cases))
    if as_of is None:
        return Records(office, cases, tuple(notices), tuple(bulletins))
    cut = cache.as_of if cache is not None else Case.as_of
    return Records(office, tuple(cut(c, as_of) for c in cases if c.registered <= as_of),
                   tuple(n for n in notices if n.date <= as_of), tuple(b for b in bulletins if b.date <= as_of))


def load_cases(root: Path, as_of: dt.date | None = None, today: dt.date | None = None) -> tuple[Office, tuple[Case, ...]]:
    """Office and every case of the repository at ``root``; DataError if anything is wrong.

    ``today`` is the real date, for the rule that records only say what has happened;
    ``as_of`` asks for the records as they stood that day (cases registered later left out,
    facts dated later left out).
    """
    result = validate_paths([root / CASES_DIR], root, today)
    if not result.ok or result.office is None:
        raise DataError(result.problems, result.files)
    if as_of is None:
        return result.office, result.cases
    return result.office, tuple(c.as_of(as_of) for c in result.cases if c.registered <= as_of)
