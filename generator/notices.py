"""Issued 通报 and 督查专报 as records, and what criticism costs a unit.

An issued notice is ``notices/<year>/<year>-<NNN>.yaml``: written once by
``ducha report --issue``, never edited afterwards (the guard refuses it). Criticisms
are tallied per unit per calendar year, with the consequences of seed 004 §十六:
1 → 书面检查; 2 → 约谈、取消年度评先树优资格; 3 or more → 问责建议（纪检监察）.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import schemas
from .errors import DataError, Problem
from .office import Office
from .timelimit import parse_date
from .yamlfile import read_yaml

NOTICES_DIR = "notices"
BULLETINS_DIR = "bulletins"


@dataclass(frozen=True)
class Mention:
    """A unit praised or criticised in a notice, with the reason and the cases behind it."""

    unit: str
    reason: str
    cases: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """An issued 通报."""

    path: str
    number: int
    doc_no: str
    date: dt.date
    period: str
    data_commit: str
    praised: tuple[Mention, ...]
    criticised: tuple[Mention, ...]


@dataclass(frozen=True)
class Bulletin:
    """One issue of 《督查专报》."""

    path: str
    number: int
    date: dt.date
    title: str
    reports_problem: bool


def consequence(count: int) -> str:
    """What ``count`` criticisms in one calendar year mean for a unit (seed 004 §十六)."""
    if count <= 0:
        return ""
    if count == 1:
        return "向党工委、管委会作出书面检查"
    if count == 2:
        return "主要领导约谈单位主要负责人，取消年度评先树优资格"
    return "提出问责建议，由纪检监察部门依规问责"


def notice_path(year: int, number: int) -> str:
    return f"{NOTICES_DIR}/{year}/{year}-{number:03d}.yaml"


def _mentions(items: list[dict[str, object]]) -> tuple[Mention, ...]:
    return tuple(Mention(str(i["unit"]), str(i["reason"]), tuple(str(c) for c in i["cases"]))  # type: ignore[attr-defined]
                 for i in items)


def _load(root: Path, folder: str, schema: str) -> tuple[list[tuple[str, dict[str, object]]], list[Problem]]:
    found, problems = [], []
    for file in sorted((root / folder).glob("*/*.yaml"), key=str):
        name = file.relative_to(root).as_posix()
        doc, trouble = read_yaml(file, name)
        problems += trouble
        if doc is None:
            continue
        trouble = schemas.check(doc, schema)
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
    return notices, problems


def load_bulletins(root: Path) -> tuple[list[Bulletin], list[Problem]]:
    loaded, problems = _load(root, BULLETINS_DIR, "bulletin")
    return [Bulletin(name, int(str(d["number"])), dt.date.fromisoformat(str(d["date"])), str(d["title"]),
                     d["reports_problem"] == "是") for name, d in loaded], problems


def criticism_tally(notices: list[Notice], year: int) -> Counter[str]:
    """How many times each unit was criticised in notices issued in ``year``."""
    return Counter(m.unit for n in notices if n.date.year == year for m in n.criticised)


def load_all(root: Path, office: Office, case_ids: frozenset[str]) -> tuple[list[Notice], list[Bulletin]]:
    """Notices and bulletins, or a DataError listing every problem in them."""
    notices, problems = load_notices(root, office, case_ids)
    bulletins, more = load_bulletins(root)
    if problems or more:
        raise DataError(problems + more)
    return notices, bulletins


def _yaml_text(value: str) -> str:
    from .newcase import yaml_scalar

    return yaml_scalar(value)


def write_notice(root: Path, number: int, issued: dt.date, period: str, data_commit: str, issuer: str,
                 praised: list[Mention], criticised: list[Mention]) -> Path:
    """Write the issued notice record; refuses a number already used that year."""
    from .errors import UsageError

    path = root / notice_path(issued.year, number)
    if path.exists():
        raise UsageError(f"{issued.year} 年第 {number} 号通报已经印发（{notice_path(issued.year, number)}）："
                         "印发的通报不能覆盖。修改：换一个序号。")
    lines = ["# yaml-language-server: $schema=../../schema/notice.schema.json",
             "# 已印发的督查通报：由 ducha report --issue 生成，合并后不得修改。",
             f'number: "{number}"', f"doc_no: {_yaml_text(f'{issuer}〔{issued.year}〕{number}号')}",
             f"date: {issued.isoformat()}", f"period: {period}", f"data_commit: {_yaml_text(data_commit)}"]
    for key, mentions in (("praised", praised), ("criticised", criticised)):
        if not mentions:
            lines.append(f"{key}: []")
            continue
        lines.append(f"{key}:")
        for m in mentions:
            lines += [f"  - unit: {_yaml_text(m.unit)}", f"    reason: {_yaml_text(m.reason)}",
                      f"    cases: [{', '.join(m.cases)}]"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
