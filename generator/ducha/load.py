"""A repository read and validated: office.yaml, every case, issued notices and 督查专报.

This is where the pipeline's first two steps meet: ``io`` reads each file, ``rules``
checks it, and every problem in every file is collected before anything fails.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import os
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ducha.errors import DataError, Problem, UsageError
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, parse_yaml, read_yaml
from ducha.model.case import CASES_DIR, Case
from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR, Bulletin, Ground, Mention, Notice, bulletin_path, notice_path
from ducha.model.office import (
    DEFAULT_CATEGORY_RULES,
    LATE_ENTRY_WORKDAYS,
    RESERVED_FILE_NAMES,
    STANDARD_CATEGORIES,
    BulletinRules,
    CategoryRule,
    CmsSettings,
    NoticeRules,
    Office,
    ReminderSettings,
    RuleRevision,
    SmtpSettings,
    Unit,
    Webhook,
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


class CaseIds(Container[str]):
    """Every case id in the repository, from file names alone, listed on first use.

    A one-file check (the pre-commit hook) needs them only for a ``parent``; listing
    names, never Path objects, keeps that cheap as the archive grows.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._ids: frozenset[str] | None = None

    @classmethod
    def of(cls, files: Iterable[Path]) -> CaseIds:
        ids = cls(Path())
        ids._ids = frozenset(os.path.basename(f)[:-5] for f in map(os.fspath, files))
        return ids

    def __contains__(self, case_id: object) -> bool:
        if self._ids is None:
            self._ids = frozenset(_yaml_names(os.fspath(self._folder)))
        return case_id in self._ids


def _yaml_names(folder: str) -> Iterator[str]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            yield from _yaml_names(entry.path)
        elif entry.name.endswith(".yaml"):
            yield entry.name[:-5]


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
    if "adopted_on" in data and parse_date(data["adopted_on"]) is None:
        line, column = doc.mark(("adopted_on",))
        problems.append(Problem(OFFICE_FILE, line, column, "adopted_on", f"日期「{data['adopted_on']}」不存在。",
                                "写成实际存在的日期，格式 YYYY-MM-DD。"))
    problems += _unit_name_problems(doc)
    names = [unit["name"] for unit in data["units"]]
    for unit in data.get("reminders", {}).get("units", {}):
        if unit not in names:
            line, column = doc.key_mark(("reminders", "units", unit))
            problems.append(Problem(OFFICE_FILE, line, column, f"reminders.units.{unit}",
                                    f"单位「{unit}」未在 units 中登记，提醒无法对应到事项。",
                                    f"改成已登记的简称（{'、'.join(names)}），或先在 units 中登记该单位。"))
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
        late_entry_workdays=int(data.get("late_entry_workdays", LATE_ENTRY_WORKDAYS)),
        adopted_on=parse_date(data["adopted_on"]) if "adopted_on" in data else None,
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
        cms=_cms(data.get("cms")),
        reminders=_reminders(data.get("reminders")),
        review_signers=tuple(data.get("review_signers", ())),
        holiday_overrides=MappingProxyType({
            int(year): YearOverride(_expand(o.get("holidays", [])), _expand(o.get("workdays", [])))
            for year, o in data.get("holiday_overrides", {}).items()
        }),
    )


def _cms(data: Mapping[str, str] | None) -> CmsSettings | None:
    if data is None:
        return None
    return CmsSettings(data["backend"], data["base_url"], data["repo"], data["app_id"], data.get("api_root", ""),
                       data.get("branch", "main"), data.get("staging_branch", "forms"))


_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


def _reminders(data: Mapping[str, Any] | None) -> ReminderSettings | None:
    if data is None:
        return None
    smtp = data["smtp"]
    tls = smtp.get("tls", "starttls")
    hook = data.get("webhook")
    return ReminderSettings(
        SmtpSettings(smtp["host"], smtp["sender"], int(smtp.get("port", _DEFAULT_PORTS[tls])), tls,
                     smtp.get("username", ""), smtp.get("password_env", "DUCHA_SMTP_PASSWORD")),
        office=tuple(data.get("office", ())),
        units=MappingProxyType({unit: tuple(emails) for unit, emails in data.get("units", {}).items()}),
        webhook=Webhook(hook["url"], hook.get("token_env", "")) if hook else None)


def _mentions(items: list[dict[str, Any]]) -> tuple[Mention, ...]:
    return tuple(Mention(i["unit"], i["reason"], tuple(i["cases"]), i.get("basis", ""),
                         tuple(Ground(g["case"], g["cause"]) for g in i.get("grounds", ())))
                 for i in items)


def _load(root: Path, folder: str, kind: str) -> tuple[list[YamlDocument], list[Problem]]:
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
                found.append(doc)
    return found, problems


@dataclass(frozen=True)
class _Issue:
    """What a notice and a bulletin share: a file, a number within its year, a date."""

    doc: YamlDocument
    number: int
    date: dt.date


def _issue_checks(issues: Sequence[_Issue], what: str, path_of: Callable[[int, int], str], how: str,
                  today: dt.date | None) -> list[Problem]:
    """Each file named by its year and number; numbers consecutive within a year; none dated ahead.

    A year's numbers run on from the first one recorded: an office that starts keeping
    them mid-year begins with its next number, and the guard keeps any from being removed.
    """
    problems: list[Problem] = []
    by_year: dict[int, list[_Issue]] = {}
    taken = {issue.doc.path for issue in issues}
    for issue in issues:
        name = issue.doc.path
        if today is not None and issue.date > today:
            line, column = issue.doc.mark(("date",))
            problems.append(Problem(name, line, column, "date", f"{what}日期 {issue.date} 晚于今天（{today}）。",
                                    f"写实际印发（报送）的日期；{what}印发后才能记录。"))
        expected = path_of(issue.date.year, issue.number)
        if name != expected:
            line, column = issue.doc.mark(("number",))
            message = (f"本期序号是第 {issue.number} 号，而第 {issue.number} 号已是 {expected}：序号重复。" if expected in taken
                       else f"文件名应为 {expected}（按{what}的年份和序号）。")
            problems.append(Problem(name, line, column, "number", message,
                                    f"序号和文件名要一致：{what}按印发年份和序号命名；{how}，不要手工改名或改号。"))
            continue
        by_year.setdefault(issue.date.year, []).append(issue)
    for year, group in by_year.items():
        ordered = sorted(group, key=lambda issue: issue.number)
        for before, issue in itertools.pairwise(ordered):
            if issue.number > before.number + 1:
                first, last = before.number + 1, issue.number - 1
                missing = f"第 {first} 号" if first == last else f"第 {first}—{last} 号"
                line, column = issue.doc.mark(("number",))
                problems.append(Problem(
                    issue.doc.path, line, column, "number",
                    f"{year} 年{what}的序号不连续：上一期是第 {before.number} 号，本期是第 {issue.number} 号，缺少{missing}。",
                    f"序号按印发先后连续编排：缺少的确未印发的，本期应为第 {first} 号（{path_of(year, first)}）；"
                    "已印发的，从 git 历史中恢复。"))
    return problems


def load_notices(root: Path, office: Office, case_ids: frozenset[str],
                 today: dt.date | None = None) -> tuple[list[Notice], list[Problem]]:
    """Every issued notice, checked: named by year and number, numbers consecutive, not dated after
    ``today`` (when given), units registered and each named once per list, cases existing."""
    loaded, problems = _load(root, NOTICES_DIR, "notice")
    notices = []
    for doc in loaded:
        name, data = doc.path, doc.data
        notice = Notice(name, int(str(data["number"])), str(data["doc_no"]), dt.date.fromisoformat(str(data["date"])),
                        str(data["period"]), str(data["data_commit"]),
                        _mentions(data["praised"]), _mentions(data["criticised"]))
        for kind, mentions in (("praised", notice.praised), ("criticised", notice.criticised)):
            seen: set[str] = set()
            for index, mention in enumerate(mentions):
                line, column = doc.mark((kind, index, "unit"))
                if mention.unit in seen:
                    problems.append(Problem(name, line, column, f"{kind}[{index}].unit",
                                            f"单位「{mention.unit}」在{'表扬' if kind == 'praised' else '批评'}名单中重复出现："
                                            "一份通报对一个单位只表扬或批评一次，重复列出会被多算。",
                                            "把重复的几项合并为一项，理由和涉及事项写在一起。"))
                seen.add(mention.unit)
                if mention.unit not in office.unit_names:
                    problems.append(Problem(name, line, column, kind, f"单位「{mention.unit}」未在 office.yaml 中登记。",
                                            "通报印发后不得修改：请在 office.yaml 中恢复该单位的登记。"))
                missing = [c for c in mention.cases if c not in case_ids]
                if missing:
                    problems.append(Problem(name, line, column, kind, f"通报涉及的事项 {'、'.join(missing)} 不存在。",
                                            "督查事项不能删除：从 git 历史中恢复这些事项。"))
        notices.append(notice)
    problems += _issue_checks([_Issue(d, n.number, n.date) for d, n in zip(loaded, notices, strict=True)], "通报",
                              notice_path, "由 ducha report --issue 生成", today)
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


def load_bulletins(root: Path, today: dt.date | None = None) -> tuple[list[Bulletin], list[Problem]]:
    """Every 督查专报, checked like the notices: named by year and number, consecutive, not dated ahead."""
    loaded, problems = _load(root, BULLETINS_DIR, "bulletin")
    bulletins = [Bulletin(d.path, int(str(d.data["number"])), dt.date.fromisoformat(str(d.data["date"])),
                          str(d.data["title"]), d.data["reports_problem"] == "是") for d in loaded]
    problems += _issue_checks([_Issue(d, b.number, b.date) for d, b in zip(loaded, bulletins, strict=True)],
                              "督查专报", bulletin_path, "每期一个文件", today)
    return bulletins, problems


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


def validate_paths(paths: Iterable[Path], root: Path, today: dt.date | None = None) -> ValidationResult:
    """Check every case file under ``paths`` against office.yaml in ``root``."""
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
    for file in files:
        doc, found = read_yaml(file, display_path(file, root))
        case, found = check_document(doc, found, office, known_ids, today)
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
    _, notice_problems = load_notices(root, result.office, ids, today)
    _, bulletin_problems = load_bulletins(root, today)
    problems = sorted([*result.problems, *notice_problems, *bulletin_problems, *layout_problems(root.resolve())],
                      key=Problem.sort_key)
    issued = sum(1 for folder in (NOTICES_DIR, BULLETINS_DIR) for _ in (root / folder).glob("*/*.yaml"))
    return ValidationResult(result.files + issued, result.office, result.cases, tuple(problems))


@dataclass(frozen=True)
class Records:
    """A repository's records, checked, as they stood on ``as_of`` (all of them when None)."""

    office: Office
    cases: tuple[Case, ...]
    notices: tuple[Notice, ...]
    bulletins: tuple[Bulletin, ...]


def load_records(root: Path, as_of: dt.date | None = None) -> Records:
    """Every record, checked against all the others, then cut to what existed on ``as_of``."""
    office, cases = load_cases(root)
    notices, bulletins = load_all(root, office, frozenset(c.id for c in cases))
    if as_of is None:
        return Records(office, cases, tuple(notices), tuple(bulletins))
    return Records(office, tuple(c.as_of(as_of) for c in cases if c.registered <= as_of),
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
