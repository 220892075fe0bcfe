"""Reading the office: office.yaml checked and turned into an ``Office``, or a DataError listing every problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ducha.errors import DataError, Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, parse_yaml, read_yaml
from ducha.model.links import Neighbour
from ducha.model.office import (
    DEFAULT_CATEGORY_RULES,
    LATE_ENTRY_WORKDAYS,
    OFFICE_FILE,
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
)
from ducha.model.scoring import SCORE_ITEMS, ItemRule, Scoring, ScoringRule
from ducha.model.timelimit import TimeLimit, parse_date, parse_time_limit
from ducha.rules import schema
from ducha.rules.office import office_problems


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


def office_from_document(doc: YamlDocument) -> Office:
    """office.yaml from a document already read (another office's, keys unknown here left out); DataError if wrong."""
    return _office(doc, [])


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
    problems += office_problems(doc)
    if problems:
        raise DataError(problems)
    data = doc.data
    rules: dict[str, CategoryRule] = {}
    merged: dict[str, dict[str, Any]] = {cat: dict(values) for cat, values in DEFAULT_CATEGORY_RULES.items()}
    for cat, values in data.get("categories", {}).items():
        # A level office.yaml names replaces the built-in one of that name; the others stay.
        levels = {**merged.get(cat, {}).get("levels", {}), **values.get("levels", {})}
        merged.setdefault(cat, {}).update({**values, "levels": levels} if levels else values)
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
                                                        _count(rule, "followup_after_days", None),
                                                        _count(rule, "progress_interval_days", None))
                                     for name, rule in data.get("priorities", {}).items()}),
        attachments=_attachment_rules(data.get("attachments", {})),
        approvals=Approvals(**{key: Requirement(_from(block), frozenset(block.get("categories", ())))
                               for key, block in data.get("approvals", {}).items()}),
        followup_for=FollowupScope(frozenset(data["followup_for"].get("categories", ())),
                                   frozenset(data["followup_for"].get("priorities", ())))
        if "followup_for" in data else None,
        scoring=_scoring(data.get("scoring")),
        cms=_cms(data.get("cms")),
        reminders=_reminders(data.get("reminders")),
        review_signers=tuple(data.get("review_signers", ())),
        superior=_neighbour(data["superior"]) if "superior" in data else None,
        subordinates=tuple(_neighbour(entry) for entry in data.get("subordinates", ())),
        holiday_overrides=MappingProxyType({
            int(year): YearOverride(_expand(o.get("holidays", [])), _expand(o.get("workdays", [])))
            for year, o in data.get("holiday_overrides", {}).items()
        }),
    )


def _scoring(data: Mapping[str, Any] | None) -> Scoring | None:
    """office.yaml ``scoring`` as rules in force from each revision on, every revision laid over the one before."""
    if data is None:
        return None

    def number(block: Mapping[str, str], key: str, default: Decimal | None) -> Decimal | None:
        return Decimal(block[key]) if key in block else default

    def items(block: Mapping[str, Any], before: Mapping[str, ItemRule]) -> Mapping[str, ItemRule]:
        merged = dict(before)
        for key, item in block.get("items", {}).items():
            old = before.get(key)
            cap = number(item, "cap", old.cap if old is not None else None)
            merged[key] = ItemRule(number(item, "points", old.points if old else None) or Decimal(0),
                                   item.get("label", old.label if old else SCORE_ITEMS[key].label), cap,
                                   item.get("basis", old.basis if old else ""))
        return MappingProxyType(merged)

    def rule(block: Mapping[str, Any], before: ScoringRule | None) -> ScoringRule:
        day = parse_date(block["effective_from"]) if "effective_from" in block else None
        base = number(block, "base", before.base if before else None)
        assert base is not None  # the schema requires it of the first block
        return ScoringRule(day, base, number(block, "floor", before.floor if before else None),
                           number(block, "ceiling", before.ceiling if before else None),
                           number(block, "co_unit_share", before.co_unit_share if before else Decimal(100)) or Decimal(0),
                           items(block, before.items if before else {}))

    rules = [rule(data, None)]
    for revision in data.get("revisions", ()):
        rules.append(rule(revision, rules[-1]))
    return Scoring(data["period"], tuple(rules), data.get("publish") == "是")


def _neighbour(data: Mapping[str, str]) -> Neighbour:
    return Neighbour(data["name"], data["remote"], data.get("ref", "main"))


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


def _expand(entries: list[str]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for entry in entries:
        first, _, last = entry.partition("/")
        start, end = parse_date(first), parse_date(last or first)
        if start is None or end is None:
            continue  # reported by rules.office
        while start <= end:
            days.add(start)
            start += dt.timedelta(days=1)
    return frozenset(days)


def _limit(values: Mapping[str, str], key: str) -> TimeLimit | None:
    return parse_time_limit(values[key]) if key in values else None


def _attachment_rules(block: dict[str, Any]) -> AttachmentRules:
    size = block.get("max_size")
    max_size = int(size[:-2]) * (1024 if size.endswith("KB") else 1024 * 1024) if size else AttachmentRules.max_size
    return AttachmentRules(tuple(block.get("types", AttachmentRules.types)), max_size, block.get("lfs") == "是")


def _from(block: dict[str, str]) -> dt.date | None:
    return parse_date(block["effective_from"]) if "effective_from" in block else None


def _count(values: Mapping[str, str], key: str, default: int | None) -> int | None:
    return int(values[key]) if key in values else default
