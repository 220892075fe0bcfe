"""A repository read and validated: office.yaml, every case, issued notices and 督查专报.

This is where the pipeline's first two steps meet: ``io`` reads each file, ``rules``
checks it, and every problem in every file is collected before anything fails.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import os
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ducha.errors import DataError, Problem, UsageError
from ducha.io.collector import collector_paused
from ducha.io.lfs import read_pointer, sha256_hex
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, parse_yaml, read_yaml
from ducha.model.case import ATTACHMENTS_DIR, CASES_DIR, Case
from ducha.model.logs import size_text
from ducha.model.office import (
    ATTACHMENT_TYPES,
    DEFAULT_CATEGORY_RULES,
    LATE_ENTRY_WORKDAYS,
    RESERVED_FILE_NAMES,
    STANDARD_CATEGORIES,
    Approvals,
    AssignmentRules,
    AttachmentRules,
    BulletinRules,
    CategoryRule,
    CmsSettings,
    FollowupScope,
    NoticeRules,
    Office,
    PriorityRule,
    ReceiptRules,
    ReminderSettings,
    Requirement,
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
from ducha.rules.validation import check_document

# Notices, 督查专报 and 督查问责 records (and the rules that read them) are imported where they are
# loaded: checking one case file, the pre-commit hook, never reads them.
if TYPE_CHECKING:
    from ducha.model.measures import Measure
    from ducha.model.notices import Bulletin, Mention, Notice

OFFICE_FILE = "office.yaml"


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``*.yaml`` case file named or found under ``paths``, sorted, each once."""
    found: set[str] = set()
    for path in paths:
        if path.is_dir():
            found.update(entry.path for entry in _yaml_entries(os.fspath(path)))
        else:
            found.add(os.fspath(path))
    # Names, not Path objects, are gathered and sorted: hashing and comparing 10,000 Paths costs a tenth of a second.
    return [Path(name) for name in sorted(found)]


def _yaml_entries(folder: str) -> Iterator[os.DirEntry[str]]:
    """The ``*.yaml`` files under ``folder``, as the directory listing has them (no Path objects)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            yield from _yaml_entries(entry.path)
        elif entry.name.endswith(".yaml"):
            yield entry


#: A case id as the schema allows it; only such an id is looked up as a file name.
_CASE_ID = re.compile(r"[A-Z]{1,10}-[0-9]{4}-[0-9]{4,}")


class CaseIds(Container[str]):
    """Every case id in the repository, from file names alone, listed on first use.

    A one-file check (the pre-commit hook) needs them only for a ``parent``: a case filed where
    its id says (``cases/<year>/<id>.yaml``) is found with one look-up, so the check costs the
    same at 30,000 cases as at 10; only an id not there (missing, or filed in another year's
    folder) lists the names, never Path objects.
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
        if (self._ids is None and isinstance(case_id, str) and _CASE_ID.fullmatch(case_id)
                and os.path.isfile(os.path.join(self._folder, case_id.split("-")[1], f"{case_id}.yaml"))):
            return True
        if self._ids is None:
            self._ids = frozenset(entry.name[:-5] for entry in _yaml_entries(os.fspath(self._folder)))
        return case_id in self._ids


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


def _effective_dates(data: dict[str, Any]) -> list[PathKey]:
    """Where office.yaml writes an ``effective_from`` of a requirement block."""
    found: list[PathKey] = [(block, "effective_from") for block in _EFFECTIVE_BLOCKS
                            if isinstance(data.get(block), dict) and "effective_from" in data[block]]
    found += [("approvals", key, "effective_from") for key, block in data.get("approvals", {}).items()
              if "effective_from" in block]
    return found


#: office.yaml blocks that hold a requirement with its own effective date.
_EFFECTIVE_BLOCKS = ("assignment", "receipt")


def _attachment_rules(block: dict[str, Any]) -> AttachmentRules:
    size = block.get("max_size")
    max_size = int(size[:-2]) * (1024 if size.endswith("KB") else 1024 * 1024) if size else AttachmentRules.max_size
    return AttachmentRules(tuple(block.get("types", AttachmentRules.types)), max_size, block.get("lfs") == "是")


def _from(block: dict[str, str]) -> dt.date | None:
    return parse_date(block["effective_from"]) if "effective_from" in block else None
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
    for where in _effective_dates(data):
        value = data
        for part in where:
            value = value[part]
        if parse_date(value) is None:
            line, column = doc.mark(where)
            problems.append(Problem(OFFICE_FILE, line, column, ".".join(map(str, where)),
                                    f"生效日期「{value}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。"))
    for category, values in data.get("categories", {}).items():
        if category not in STANDARD_CATEGORIES and values.get("custom") != "是":
            line, column = doc.key_mark(("categories", category))
            guess = difflib.get_close_matches(category, STANDARD_CATEGORIES, n=1, cutoff=0.5)
            problems.append(Problem(OFFICE_FILE, line, column, f"categories.{category}",
                                    f"「{category}」不是标准来源类型，也没有标明为本单位自设。",
                                    (f"是不是「{guess[0]}」？" if guess else "") + "标准来源类型：" + "、".join(STANDARD_CATEGORIES)
                                    + "；确为本单位自设的类型，在其下写 custom: 是。"))
    known = set(DEFAULT_CATEGORY_RULES) | set(STANDARD_CATEGORIES) | set(data.get("categories", {}))
    listed: list[tuple[PathKey, str]] = [(("followup_for", "categories", index), category)
              for index, category in enumerate(data.get("followup_for", {}).get("categories", []))]
    listed += [(("approvals", key, "categories", index), category) for key, block in data.get("approvals", {}).items()
               for index, category in enumerate(block.get("categories", []))]
    for where, category in listed:
        if category not in known:
            line, column = doc.mark(where)
            problems.append(Problem(OFFICE_FILE, line, column, format_path(where),
                                    f"「{category}」不是来源类型。",
                                    "写标准来源类型或 categories 中自设的类型：" + "、".join(STANDARD_CATEGORIES) + "。"))
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
    assignment = data.get("assignment", {})
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
            notice.get("issuer", "督查"), tuple(notice.get("ranking", NoticeRules.ranking)), notice.get("publish") == "是",
            notice.get("order_issuer", NoticeRules.order_issuer)),
        wording=Wording(wording.get("superior", "市政府"), wording.get("authority", data["name"]),
                        tuple(wording.get("consequences", {}).get(k, "") for k in "123"),
                        tuple(wording.get("copy_to", ())), wording.get("printer", "")),
        bulletins=BulletinRules(str(bulletins.get("enabled", "false")).lower() == "true",
                                int(bulletins.get("yearly_quota", 30)), int(bulletins.get("problem_share", 50))),
        internal_fields=tuple(data.get("internal_fields", ("owner", "notes"))),
        assignment=AssignmentRules(_from(assignment), tuple(assignment.get("required", AssignmentRules.required))),
        receipt=ReceiptRules(_from(data["receipt"]), _limit(data["receipt"], "time_limit")) if "receipt" in data else None,
        priorities=MappingProxyType({name: PriorityRule(_count(rule, "yellow_days", None),
                                                        _count(rule, "followup_after_days", None))
                                     for name, rule in data.get("priorities", {}).items()}),
        attachments=_attachment_rules(data.get("attachments", {})),
        approvals=Approvals(**{key: Requirement(_from(block), frozenset(block.get("categories", ())))
                               for key, block in data.get("approvals", {}).items()}),
        followup_for=FollowupScope(frozenset(data["followup_for"].get("categories", ())),
                                   frozenset(data["followup_for"].get("priorities", ())))
        if "followup_for" in data else None,
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
    from ducha.model.notices import Ground, Mention

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
    from ducha.model.notices import NOTICES_DIR, Notice, notice_path

    loaded, problems = _load(root, NOTICES_DIR, "notice")
    notices = []
    for doc in loaded:
        name, data = doc.path, doc.data
        notice = Notice(name, int(str(data["number"])), str(data["doc_no"]), dt.date.fromisoformat(str(data["date"])),
                        str(data["period"]), str(data["data_commit"]),
                        _mentions(data["praised"]), _mentions(data["criticised"]),
                        str(data.get("approved_by", "")))
        rule = office.approvals.notice
        if rule is not None and rule.binds(notice.date) and not notice.approved_by:
            problems.append(Problem(name, 0, 0, "approved_by", "通报没有写明批准印发的领导（approved_by）：通报须经主要领导同意。",
                                    "印发前补上 `approved_by: 批准人`（由 ducha report --issue --approver 写入）；已合并的通报不得修改。"))
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
    from ducha.rules.escalation import already_criticised, overlapping
    from ducha.rules.periods import parse_period

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
    from ducha.model.notices import BULLETINS_DIR, Bulletin, bulletin_path

    loaded, problems = _load(root, BULLETINS_DIR, "bulletin")
    bulletins = [Bulletin(d.path, int(str(d.data["number"])), dt.date.fromisoformat(str(d.data["date"])),
                          str(d.data["title"]), d.data["reports_problem"] == "是") for d in loaded]
    problems += _issue_checks([_Issue(d, b.number, b.date) for d, b in zip(loaded, bulletins, strict=True)],
                              "督查专报", bulletin_path, "每期一个文件", today)
    return bulletins, problems


def _measure(doc: YamlDocument, office: Office, by_id: Mapping[str, Case],
             issued: Mapping[str, Notice]) -> tuple[Measure | None, list[Problem]]:
    """One 督查问责 record read and checked against the office, the cases and the issued notices."""
    from ducha.model.measures import ORDER, Measure

    data, name = doc.data, doc.path
    problems: list[Problem] = []

    def add(field: str, message: str, fix: str) -> None:
        line, column = doc.mark((field,))
        problems.append(Problem(name, line, column, field, message, fix))

    day = parse_date(data["date"])
    deadline = parse_time_limit(data["deadline"]) if "deadline" in data else None
    if day is None:
        add("date", f"日期「{data['date']}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。")
        return None, problems
    if "deadline" in data and deadline is None:
        add("deadline", f"限期「{data['deadline']}」中的日期不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。")
        return None, problems
    measure = Measure(name, int(data["number"]), data["kind"], day, data["unit"], tuple(data["cases"]), data["reason"],
                      data["by"], data.get("doc_no", ""), data.get("requirements", ""), deadline, data.get("notice", ""))
    if measure.unit not in office.unit_names:
        add("unit", f"单位「{measure.unit}」未在 office.yaml 中登记。", "使用 office.yaml 中登记的单位简称。")
    for case_id in measure.cases:
        case = by_id.get(case_id)
        if case is None:
            add("cases", f"事项 {case_id} 不存在。", "填写已立项的督查事项编号；督查事项不能删除。")
        elif measure.unit not in case.units:
            add("cases", f"{case_id} 不是{measure.unit}主办或协办的事项。",
                f"只写{measure.unit}承办的事项（{case_id} 的承办单位：{'、'.join(case.units) or '尚未交办'}）。")
        elif case.assigned is None or case.assigned > day:
            add("cases", f"{case_id} 在 {day} 尚未交办。", "督查问责只针对已交办的事项：改正日期或事项编号。")
        elif measure.kind == ORDER and case.lead_unit != measure.unit:
            add("unit", f"督办令下达给事项的主办单位：{case_id} 由{case.lead_unit}主办。",
                f"把单位改为{case.lead_unit}；协办单位的问题由主办单位组织落实。")
    if measure.kind == ORDER:
        if not measure.doc_no:
            add("kind", "督办令须有发文字号（doc_no）。", "补上 `doc_no: 青督令〔2026〕1号`（由 ducha measure 自动编号）。")
        if deadline is None:
            add("kind", "督办令须写明限期（deadline）。", "补上 `deadline: 5个工作日` 或具体日期。")
        elif deadline.date is not None and deadline.date <= day:
            add("deadline", f"督办令的限期 {deadline.date} 不晚于下达日期 {day}。", "限期应在下达之后：改正日期。")
    elif deadline is not None:
        add("deadline", f"只有督办令写限期，{measure.kind}不写。", "删除 deadline；整改要求写在 requirements 中。")
    if measure.notice:
        notice = issued.get(measure.notice)
        if notice is None:
            add("notice", f"没有发文字号为「{measure.notice}」的已印发通报。", "照抄通报的发文字号，如 青督查〔2026〕13号。")
        elif notice.date > day:
            add("notice", f"通报 {measure.notice} 印发于 {notice.date}，晚于本记录（{day}）。", "改正日期或依据的通报。")
        elif measure.unit not in {m.unit for m in notice.criticised}:
            add("notice", f"通报 {measure.notice} 没有批评{measure.unit}。", "写批评了该单位的通报，或删除 notice。")
    return measure, problems


def load_measures(root: Path, office: Office, cases: Sequence[Case], notices: Sequence[Notice],
                  today: dt.date | None = None) -> tuple[list[Measure], list[Problem]]:
    """Every 督查问责 record, checked: named by year and number, its unit answering for each of its cases,
    a 督办令 with its 发文字号 and 限期, and the 通报 it follows issued before it."""
    from ducha.model.measures import MEASURES_DIR, measure_path

    by_id = {case.id: case for case in cases}
    issued = {notice.doc_no: notice for notice in notices}
    measures: list[Measure] = []
    loaded, problems = _load(root, MEASURES_DIR, "measure")
    read: list[_Issue] = []
    for doc in loaded:
        measure, found = _measure(doc, office, by_id, issued)
        problems += found
        if measure is not None:
            measures.append(measure)
            read.append(_Issue(doc, measure.number, measure.date))
    problems += _issue_checks(read, "督查问责记录", measure_path, "由 ducha measure 生成", today)
    seen: dict[str, Measure] = {}
    for measure in sorted(measures, key=lambda m: (m.date, m.number)):
        if measure.doc_no and measure.doc_no in seen:
            problems.append(Problem(measure.path, 0, 0, "doc_no", f"发文字号 {measure.doc_no} 与 {seen[measure.doc_no].path} 重复。",
                                    "每份督办令一个发文字号：由 ducha measure 自动编号。"))
        seen.setdefault(measure.doc_no, measure)
    return measures, problems


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
            if case is not None:
                cases.append(case)
                if case.attachments:
                    found += attachment_problems(root, office, case, doc)
            if cache is not None:
                cache.files[str(file)] = (stamp, case, found)
                cache.rechecked += 1
            problems.extend(found)
            # The node tree goes with `doc` here: keeping 10,000 of them alive would hold
            # memory for nothing (and make any collection walk them all).
    problems.extend(_cross_checks(cases, root))
    return ValidationResult(len(files), office, tuple(cases), tuple(sorted(problems, key=Problem.sort_key)))


def attachment_problems(root: Path, office: Office, case: Case, doc: YamlDocument | None = None,
                        deep: bool = False, on_disk: bool = True) -> list[Problem]:
    """What is wrong with ``case``'s attached files: type, name, size limit, and the file itself —
    present and of its registered size (``validate``), and of its registered SHA-256 too when ``deep``
    (``ducha verify``); only the entries when not ``on_disk``. A Git LFS pointer stands for its content
    when it names the same hash and size."""
    problems: list[Problem] = []
    rules = office.attachments
    names: set[str] = set()
    for index, attachment in enumerate(case.attachments):
        def add(field: str, message: str, fix: str, index: int = index) -> None:
            line, column = doc.mark(("attachments", index, field)) if doc is not None else (0, 0)
            problems.append(Problem(case.path, line, column, f"attachments[{index}].{field}", message, fix))

        name = attachment.file
        if name in names:
            add("file", f"附件文件名「{name}」重复登记。", "每个文件只登记一次；同名的新版本用不同的文件名登记。")
        names.add(name)
        if attachment.type not in rules.types:
            add("type", f"附件类型「{attachment.type}」不在 office.yaml 允许的类型（{'、'.join(rules.types)}）中。",
                "转换为允许的格式后重新登记，或在 office.yaml 的 attachments.types 中增加该类型。")
        elif not name.lower().endswith(ATTACHMENT_TYPES[attachment.type]):
            add("file", f"文件名「{name}」与类型「{attachment.type}」不符。",
                f"类型写成与扩展名一致的，或文件名以 {'、'.join(ATTACHMENT_TYPES[attachment.type])} 结尾。")
        if attachment.bytes > rules.max_size:
            add("size", f"附件「{name}」有 {size_text(attachment.bytes)}，超过 office.yaml 规定的上限 {size_text(rules.max_size)}。",
                "压缩或分拆后登记；确需更大的，调整 office.yaml 的 attachments.max_size。")
        if not on_disk:
            continue  # the file is not written yet (ducha attach checks the entry first)
        path = root / case.attachment_folder / name
        where = f"{case.attachment_folder}/{name}"
        try:
            size = path.stat().st_size
        except OSError:
            add("file", f"附件文件 {where} 不存在。",
                "把登记时的文件放回该处（git checkout 恢复）；已登记的附件不能删除。")
            continue
        if size != attachment.bytes or deep:
            data = path.read_bytes()
            pointer = read_pointer(data)
            if pointer is not None:
                same = (pointer.sha256, pointer.size) == (attachment.sha256, attachment.bytes)
            else:
                same = size == attachment.bytes and (not deep or sha256_hex(data) == attachment.sha256)
            if not same:
                add("sha256" if size == attachment.bytes else "size",
                    f"附件文件 {where} 与登记的不一致（" + (f"大小 {size} 字节，登记为 {attachment.size} 字节" if size != attachment.bytes
                                                       else "SHA-256 不符") + "）：文件被替换或改动过。",
                    "从 git 历史中恢复登记时的文件；新的版本用 ducha attach 另行登记。")
    return problems


def verify_attachments(root: Path, office: Office, case: Case) -> list[Problem]:
    """Every attached file of ``case`` holds the SHA-256 its record registers (``ducha verify``), located
    at its entry in the record."""
    problems = attachment_problems(root, office, case, deep=True)
    if not problems:
        return problems
    doc, _ = read_yaml(root / case.path, case.path)  # marks are found only when something is wrong
    return attachment_problems(root, office, case, doc, deep=True)


GITATTRIBUTES = ".gitattributes"
#: What ``.gitattributes`` says when the office keeps attachments in Git LFS.
LFS_RULE = f"{ATTACHMENTS_DIR}/** filter=lfs diff=lfs merge=lfs -text"


def lfs_configured(root: Path) -> bool:
    """Whether ``.gitattributes`` hands the attachment folder to Git LFS."""
    attributes = root / GITATTRIBUTES
    return attributes.is_file() and LFS_RULE in attributes.read_text(encoding="utf-8").splitlines()


def lfs_missing() -> str:
    return ("office.yaml 规定附件用 Git LFS 保存（attachments.lfs: 是），但仓库根目录的 .gitattributes 中没有相应设置，"
            f"附件会直接存入 git。修改：在 .gitattributes 中加一行 `{LFS_RULE}`，作为系统改动单独提交、合并"
            "（Gitea、Forgejo 服务器须启用 LFS），然后再登记附件。")


def _unregistered_attachments(root: Path, cases: Sequence[Case]) -> list[Problem]:
    """Every file under attachments/ belongs to a case that registers it: nothing hides there either."""
    top = root / ATTACHMENTS_DIR
    if not top.is_dir():
        return []
    registered = {f"{case.attachment_folder}/{a.file}" for case in cases for a in case.attachments}
    stray = []
    for folder, _, names in os.walk(top):
        for name in names:
            path = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            if path not in registered and path.count("/") == 3 and not name.startswith("."):  # else: the layout check
                stray.append(path)
    if not stray:
        return []
    loaded = {case.id for case in cases}
    unread = {file.stem for file in case_files([root / CASES_DIR])} - loaded  # their own problems come first
    return [Problem(path, 0, 0, "", "这个文件没有在任何督查事项中登记为附件，不会归档，也不会显示。",
                    "用 `ducha attach 编号 文件 --title 标题` 登记（文件放在 attachments/<年份>/<编号>/ 下），"
                    "不属于附件的文件移出该文件夹。")
            for path in sorted(stray) if path.split("/")[2] not in unread]


def validate_repository(root: Path, today: dt.date | None = None) -> ValidationResult:
    """Every case, plus the issued notices and 督查专报 that refer to them."""
    from ducha.model.measures import MEASURES_DIR
    from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR
    from ducha.rules.layout import layout_problems

    result = validate_paths([root / CASES_DIR], root, today)
    if result.office is None:
        return result
    # A case that exists but has problems of its own is reported there, not as missing here.
    ids = frozenset(c.id for c in result.cases) | {f.stem for f in case_files([root / CASES_DIR])}
    notices, notice_problems = load_notices(root, result.office, ids, today)
    _, bulletin_problems = load_bulletins(root, today)
    _, measure_problems = load_measures(root, result.office, result.cases, notices, today)
    problems = sorted([*result.problems, *notice_problems, *bulletin_problems, *measure_problems,
                       *layout_problems(root.resolve()), *_unregistered_attachments(root.resolve(), result.cases)],
                      key=Problem.sort_key)
    if result.office.attachments.lfs and not lfs_configured(root):
        problems.append(Problem(OFFICE_FILE, 0, 0, "attachments.lfs", lfs_missing().partition("修改：")[0],
                                lfs_missing().partition("修改：")[2]))
    issued = sum(1 for folder in (NOTICES_DIR, BULLETINS_DIR, MEASURES_DIR) for _ in (root / folder).glob("*/*.yaml"))
    return ValidationResult(result.files + issued, result.office, result.cases, tuple(problems))


@dataclass(frozen=True)
class Records:
    """A repository's records, checked, as they stood on ``as_of`` (all of them when None)."""

    office: Office
    cases: tuple[Case, ...]
    notices: tuple[Notice, ...]
    bulletins: tuple[Bulletin, ...]
    measures: tuple[Measure, ...] = ()


def load_records(root: Path, as_of: dt.date | None = None, cache: CheckCache | None = None) -> Records:
    """Every record, checked against all the others, then cut to what existed on ``as_of``."""
    result = validate_paths([root / CASES_DIR], root, None, cache)
    if not result.ok or result.office is None:
        raise DataError(result.problems, result.files)
    office, cases = result.office, result.cases
    notices, bulletins = load_all(root, office, frozenset(c.id for c in cases))
    measures, problems = load_measures(root, office, cases, notices)
    if problems:
        raise DataError(problems)
    if as_of is None:
        return Records(office, cases, tuple(notices), tuple(bulletins), tuple(measures))
    cut = cache.as_of if cache is not None else Case.as_of
    return Records(office, tuple(cut(c, as_of) for c in cases if c.registered <= as_of),
                   tuple(n for n in notices if n.date <= as_of), tuple(b for b in bulletins if b.date <= as_of),
                   tuple(m for m in measures if m.date <= as_of))


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
