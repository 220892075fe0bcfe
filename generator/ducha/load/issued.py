"""Reading what the office issued: 通报, 督查专报 and 督查问责 records, each checked and numbered within its year.

Checking one case file (the pre-commit hook) never reads them: ``load.validate`` and
``load.records`` import this module only when they read a whole repository.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.errors import DataError, Problem, UsageError
from ducha.io.yamlfile import YamlDocument, read_yaml
from ducha.model.case import Case
from ducha.model.measures import ACCOUNTABILITY, MEASURES_DIR, ORDER, SELF_CRITICISM, TALK, Measure, Outcome, measure_path, owed
from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR, Bulletin, Ground, Mention, Notice, bulletin_path, notice_path
from ducha.model.office import Office
from ducha.model.timelimit import parse_date, parse_time_limit
from ducha.rules import schema
from ducha.rules.characters import character_problems
from ducha.rules.escalation import already_criticised, criticisms_of, overlapping
from ducha.rules.periods import parse_period
from ducha.rules.units import unit_problems


def _mentions(items: list[dict[str, Any]]) -> tuple[Mention, ...]:
    return tuple(Mention(i["unit"], i["reason"], tuple(i["cases"]), i.get("basis", ""),
                         tuple(Ground(g["case"], g["cause"]) for g in i.get("grounds", ())))
                 for i in items)


def load_documents(root: Path, folder: str, kind: str) -> tuple[list[YamlDocument], list[Problem]]:
    """Every ``<folder>/<year>/*.yaml`` that reads, meets its schema and holds a real ``date``; the problems of the rest."""
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
class Issue:
    """What a notice and a bulletin share: a file, a number within its year, a date."""

    doc: YamlDocument
    number: int
    date: dt.date


def issue_checks(issues: Sequence[Issue], what: str, path_of: Callable[[int, int], str], how: str,
                 today: dt.date | None, ahead_in: Container[str] | None = None) -> list[Problem]:
    """Each file named by its year and number; numbers consecutive within a year; none dated ahead.

    A year's numbers run on from the first one recorded: an office that starts keeping
    them mid-year begins with its next number, and the guard keeps any from being removed.
    """
    problems: list[Problem] = []
    by_year: dict[int, list[Issue]] = {}
    taken = {issue.doc.path for issue in issues}
    for issue in issues:
        name = issue.doc.path
        if today is not None and issue.date > today and (ahead_in is None or name in ahead_in):
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


def load_notices(root: Path, office: Office, case_ids: frozenset[str], today: dt.date | None = None,
                 ahead_in: Container[str] | None = None) -> tuple[list[Notice], list[Problem]]:
    """Every issued notice, checked: named by year and number, numbers consecutive, not dated after
    ``today`` (when given), units registered and each named once per list, cases existing."""
    loaded, problems = load_documents(root, NOTICES_DIR, "notice")
    notices = []
    for doc in loaded:
        name, data = doc.path, doc.data
        notice = Notice(name, int(str(data["number"])), str(data["doc_no"]), dt.date.fromisoformat(str(data["date"])),
                        str(data["period"]), str(data["data_commit"]),
                        _mentions(data["praised"]), _mentions(data["criticised"]),
                        str(data.get("approved_by", "")))
        problems += unit_problems(doc, "notice", office, issued="通报")
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
                missing = [c for c in mention.cases if c not in case_ids]
                if missing:
                    problems.append(Problem(name, line, column, kind, f"通报涉及的事项 {'、'.join(missing)} 不存在。",
                                            "督查事项不能删除：从 git 历史中恢复这些事项。"))
        notices.append(notice)
    problems += issue_checks([Issue(d, n.number, n.date) for d, n in zip(loaded, notices, strict=True)], "通报",
                             notice_path, "由 ducha report --issue 生成", today, ahead_in)
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


def load_bulletins(root: Path, today: dt.date | None = None,
                   ahead_in: Container[str] | None = None,
                   office: Office | None = None) -> tuple[list[Bulletin], list[Problem]]:
    """Every 督查专报, checked like the notices: named by year and number, consecutive, not dated ahead;
    the units whose material it adopted registered in ``office`` (when given)."""
    loaded, problems = load_documents(root, BULLETINS_DIR, "bulletin")
    bulletins = [Bulletin(d.path, int(str(d.data["number"])), dt.date.fromisoformat(str(d.data["date"])),
                          str(d.data["title"]), d.data["reports_problem"] == "是", tuple(d.data.get("adopted", ())))
                 for d in loaded]
    for doc, bulletin in zip(loaded, bulletins, strict=True):
        for index, unit in enumerate(bulletin.adopted):
            if office is not None and unit not in office.unit_names:
                line, column = doc.mark(("adopted", index))
                problems.append(Problem(doc.path, line, column, f"adopted[{index}]", f"单位「{unit}」未在 office.yaml 中登记。",
                                        "写 office.yaml 中登记的单位简称。"))
    problems += issue_checks([Issue(d, b.number, b.date) for d, b in zip(loaded, bulletins, strict=True)],
                             "督查专报", bulletin_path, "每期一个文件", today, ahead_in)
    return bulletins, problems


def _measure(doc: YamlDocument, office: Office, by_id: Mapping[str, Case],
             issued: Mapping[str, Notice], today: dt.date | None) -> tuple[Measure | None, list[Problem]]:
    """One 督查问责 record read and checked against the office, the cases and the issued notices."""
    data, name = doc.data, doc.path
    problems: list[Problem] = []

    def add(field: str | tuple[str, ...], message: str, fix: str) -> None:
        where = (field,) if isinstance(field, str) else field
        line, column = doc.mark(where)
        problems.append(Problem(name, line, column, ".".join(where), message, fix))

    day = parse_date(data["date"])
    deadline = parse_time_limit(data["deadline"]) if "deadline" in data else None
    if day is None:
        add("date", f"日期「{data['date']}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。")
        return None, problems
    if "deadline" in data and deadline is None:
        add("deadline", f"限期「{data['deadline']}」中的日期不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。")
        return None, problems
    outcome = None
    if "outcome" in data:
        decided = parse_date(data["outcome"]["date"])
        if decided is None:
            add(("outcome", "date"), f"日期「{data['outcome']['date']}」不存在。", "写成实际存在的日期，格式 YYYY-MM-DD。")
            return None, problems
        outcome = Outcome(decided, data["outcome"]["result"], data["outcome"]["by"])
    measure = Measure(name, int(data["number"]), data["kind"], day, data["unit"], tuple(data["cases"]), data["reason"],
                      data["by"], data.get("doc_no", ""), data.get("requirements", ""), deadline, data.get("notice", ""),
                      outcome)
    wrong = _outcome_problem(measure, today)
    if wrong is not None:
        add(*wrong)
    problems += unit_problems(doc, "measure", office, issued="督查问责记录")
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
        elif measure.kind in (SELF_CRITICISM, TALK):
            count = criticisms_of(measure.unit, issued.values(), notice.date.year).index(notice) + 1
            if owed(count) != measure.kind:
                add("kind", f"通报 {measure.notice} 是{measure.unit} {notice.date.year} 年第{count}次通报批评，按规定应"
                            f"有{owed(count)}，不是{measure.kind}（督促检查工作实施办法 第十六条（二）（三））。",
                    "写明它所依据的那次通报批评：第1次后书面检查，第2次后由主要领导约谈主要负责人；"
                    "督查中另行约谈责任单位负责人的，类别写「督查约谈」。")
    return measure, problems


def _outcome_problem(measure: Measure, today: dt.date | None) -> tuple[tuple[str, ...], str, str] | None:
    """What is wrong with a record's outcome (§十六（三）「问责及处理结果」): only a 问责 has one, decided on or
    after the 问责 and not after today."""
    outcome = measure.outcome
    if outcome is None:
        return None
    if measure.kind != ACCOUNTABILITY:
        return ("outcome",), f"只有问责记录写处理结果，{measure.kind}不写。", "删除 outcome。"
    if outcome.date < measure.date:
        return ("outcome", "date"), f"处理结果的日期 {outcome.date} 早于问责建议（{measure.date}）。", "改正日期。"
    if today is not None and outcome.date > today:
        return ("outcome", "date"), f"处理结果的日期 {outcome.date} 晚于今天（{today}）。", "写实际作出处理决定的日期。"
    return None


def load_measures(root: Path, office: Office, cases: Sequence[Case], notices: Sequence[Notice],
                  today: dt.date | None = None, ahead_in: Container[str] | None = None) -> tuple[list[Measure], list[Problem]]:
    """Every 督查问责 record, checked: named by year and number, its unit answering for each of its cases,
    a 督办令 with its 发文字号 and 限期, and the 通报 it follows issued before it."""
    by_id = {case.id: case for case in cases}
    issued = {notice.doc_no: notice for notice in notices}
    measures: list[Measure] = []
    loaded, problems = load_documents(root, MEASURES_DIR, "measure")
    read: list[Issue] = []
    for doc in loaded:
        measure, found = _measure(doc, office, by_id, issued, today)
        problems += found
        if measure is not None:
            measures.append(measure)
            read.append(Issue(doc, measure.number, measure.date))
    problems += issue_checks(read, "督查问责记录", measure_path, "由 ducha measure 生成", today, ahead_in)
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
    bulletins, more = load_bulletins(root, office=office)
    if problems or more:
        raise DataError(problems + more)
    return notices, bulletins
