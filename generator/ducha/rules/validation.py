"""The rules of one record: schema checks plus every rule a schema cannot express.

Every problem is collected; ``load`` runs these over a repository and fails once.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Container, Iterable, Sequence
from typing import Any

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, parse_yaml
from ducha.model.case import CASES_DIR, Case, build_case, corrected, log
from ducha.model.logs import CORRECTABLE, LOG_KINDS, show_value
from ducha.model.office import Office
from ducha.model.timelimit import TimeUnit
from ducha.rules import schema as schemas
from ducha.rules.calendar import calendar_for
from ducha.rules.characters import character_problems
from ducha.rules.deadlines import category_rule, count_from, effective_time_limit, schedule
from ducha.rules.units import unknown_unit

#: Longer limits are typos; these also keep every due date (2099 + 10 years) inside the calendar.
MAX_COUNT = {TimeUnit.WORKDAYS: 999, TimeUnit.DAYS: 3650, TimeUnit.MONTHS: 120}
FIRST_YEAR, LAST_YEAR = 2000, 2099


class _CaseChecker:
    """The rules for one case; problems accumulate in ``self.problems``."""

    def __init__(self, case: Case, doc: YamlDocument, office: Office, known_ids: Container[str],
                 today: dt.date | None) -> None:
        self.case, self.doc, self.office, self.known_ids, self.today = case, doc, office, known_ids, today
        self.problems: list[Problem] = []
        self.corrected = corrected(doc.data)[1]

    def add(self, path: PathKey, message: str, fix: str) -> None:
        if path and path[0] in self.corrected:  # the value in force is written in a correction: point there
            path = (*self.corrected[str(path[0])], *path[1:])
        line, column = self.doc.mark(path)
        self.problems.append(Problem(self.case.path, line, column, format_path(path), message, fix))

    def run(self) -> list[Problem]:
        self.identity()
        self.corrections()
        self.dates_in_range()
        self.category()
        if self.problems:  # the calendar cannot count from a year out of range, nor a category without rules
            return self.problems
        self.assignment()
        for kind in LOG_KINDS:
            self.log_order(kind.key, log(self.case, kind), kind.date_field)
        self.after_assignment()
        self.extensions()
        self.extensions_asked_in_time()
        self.reports_and_reviews()
        self.closing()
        self.not_in_future()
        return self.problems

    def identity(self) -> None:
        case, office = self.case, self.office
        prefix = case.id.split("-")[0]
        if prefix != office.prefix:
            self.add(("id",), f"编号前缀「{prefix}」与 office.yaml 中的前缀「{office.prefix}」不一致。",
                     f"编号应写成 {office.prefix}-{case.registered.year}-NNNN。")
        folder, _, name = case.path.rpartition("/")
        if name != f"{case.id}.yaml":
            self.add(("id",), f"编号「{case.id}」与文件名「{name}」不一致。",
                     f"把文件改名为 {case.id}.yaml，或改正编号（已使用的编号不能改）。")
        if folder.rpartition("/")[2] != str(case.year):
            self.add(("id",), f"编号年份 {case.year} 与所在文件夹「{folder.rpartition('/')[2]}」不一致。",
                     f"把文件移到 {CASES_DIR}/{case.year}/ 下。")
        if case.year != case.registered.year:
            self.add(("registered",), f"立项日期 {case.registered} 与编号年份 {case.year} 不一致。",
                     "编号中的年份应是立项年份：改正立项日期，或用 `ducha new` 重新取号。")
        if case.parent is not None:
            if case.parent == case.id:
                self.add(("parent",), "上级事项不能是本事项自己。", "填写所分解自的督查事项编号，或删除 parent。")
            elif case.parent not in self.known_ids:
                self.add(("parent",), f"上级事项「{case.parent}」不存在。",
                         "填写已立项的督查事项编号（见 cases/ 下的文件名），或删除 parent。")

    def corrections(self) -> None:
        """Each correction names the value it replaces as the record then stood, and changes it."""
        data = self.doc.data
        current: dict[str, Any] = {}
        for index, entry in enumerate(data.get("corrections", [])):
            field = entry["field"]
            if field not in current:
                head, _, sub = field.partition(".")
                current[field] = (data.get(head) or {}).get(sub) if sub else data.get(head)
            was, old, new = _plain(current[field]), _plain(entry.get("old")), _plain(entry["new"])
            name = CORRECTABLE.get(field, field)
            if old != was:
                self.add(("corrections", index, "old") if "old" in entry else ("corrections", index),
                         f"更正的原值「{show_value(old)}」与记录中{name}的值「{show_value(was)}」不一致。",
                         f"原值照抄更正前的{name}（{show_value(was)}）；原来没有填写的，不写 old。")
            elif new == was:
                self.add(("corrections", index, "new"), f"更正的新值与{name}原来的值相同，没有更正任何内容。",
                         "删除这条更正，或写明正确的新值。")
            current[field] = entry["new"]

    def dates_in_range(self) -> None:
        for path, day in self._all_dates(include_future_kinds=True):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add(path, f"日期 {day} 超出 {FIRST_YEAR}—{LAST_YEAR} 年的范围。", "检查年份是否写错。")

    def category(self) -> None:
        """来源类型 and 来源层级 as office.yaml defines them (the standard types, or the office's own)."""
        case, office = self.case, self.office
        names = office.category_names
        if case.category not in names:
            guess = difflib.get_close_matches(case.category, names, n=1, cutoff=0.5)
            self.add(("category",), f"来源类型「{case.category}」不在可选范围内。",
                     (f"是不是「{guess[0]}」？" if guess else "") + f"改为以下之一：{'、'.join(names)}；"
                     "本单位确需新的来源类型的，先在 office.yaml 的 categories 中设置。")
            return
        levels = office.categories[case.category].levels if case.category in office.categories else {}
        if case.source.level and case.source.level not in levels:
            choices = f"可选：{'、'.join(levels)}" if levels else f"office.yaml 没有为「{case.category}」设置层级"
            self.add(("source", "level"), f"来源层级「{case.source.level}」不是「{case.category}」的层级（{choices}）。",
                     "改为可选的层级，或删除 level（按来源类型的默认规则）。")

    def assignment(self) -> None:
        case, office = self.case, self.office
        if case.assigned is not None and case.assigned < case.registered:
            self.add(("assigned",), f"交办日期 {case.assigned} 早于立项日期 {case.registered}。",
                     "交办应在立项当天或之后：改正其中一个日期。")
        units = office.unit_names
        if case.lead_unit is not None and case.lead_unit not in units:
            self.add(("lead_unit",), *unknown_unit("主办单位", case.lead_unit, office))
        for index, unit in enumerate(case.co_units):
            if unit not in units:
                self.add(("co_units", index), *unknown_unit("协办单位", unit, office))
            elif unit == case.lead_unit:
                self.add(("co_units", index), f"「{unit}」已是主办单位，不能同时是协办单位。", "从协办单位中删除它。")
        limits = [(("time_limit",), case.time_limit)] + [
            (("extensions", i, "time_limit"), e.time_limit) for i, e in enumerate(case.extensions)]
        for path, limit in limits:
            if limit is not None and limit.unit is not None and not 1 <= limit.count <= MAX_COUNT[limit.unit]:
                self.add(path, f"时限「{limit}」超出 1—{MAX_COUNT[limit.unit]}{limit.unit.value}的范围。", "检查数字是否写错。")
        if case.assigned is not None and effective_time_limit(case, office) is None:
            self.add(("assigned",), f"已交办但没有办理时限，来源类型「{case.category}」也没有默认时限。",
                     f"填写 time_limit，或在 office.yaml 的 categories 中为「{case.category}」设置默认时限。")
        if case.time_limit is not None and case.time_limit.date is not None and case.assigned is not None \
                and case.time_limit.date <= case.assigned:
            self.add(("time_limit",), f"办理时限 {case.time_limit} 不晚于交办日期 {case.assigned}。",
                     "办理时限应在交办之后：改正日期。")

    def log_order(self, key: str, entries: Sequence[Any], attr: str) -> None:
        for index in range(1, len(entries)):
            before, here = getattr(entries[index - 1], attr), getattr(entries[index], attr)
            if here < before:
                self.add((key, index, attr), f"{schemas.label('case', (key,))}第{index + 1}条（{here}）早于上一条（{before}）。",
                         "按日期先后排列，新的记录追加在末尾。")

    def after_assignment(self) -> None:
        case = self.case
        for kind in LOG_KINDS:
            entries = log(case, kind)
            if not kind.after_assignment or not entries:
                continue
            if case.assigned is None:
                self.add((kind.key,), f"事项尚未交办，不应有{schemas.label('case', (kind.key,))}。",
                         "先填写交办日期（assigned）和主办单位（lead_unit）。")
                continue
            for index, entry in enumerate(entries):
                day = getattr(entry, kind.date_field)
                if day < case.assigned:
                    self.add((kind.key, index, kind.date_field), f"日期 {day} 早于交办日期 {case.assigned}。", "改正日期。")

    def extensions(self) -> None:
        case, office = self.case, self.office
        for index, ext in enumerate(case.extensions):
            here: PathKey = ("extensions", index)
            if ext.until is not None and ext.time_limit is not None:
                self.add(here, "延期同时填写了延至日期（until）和延长时限（time_limit）。", "二者只保留一个。")
            elif ext.until is None and ext.time_limit is None:
                self.add(here, "延期没有写明延至日期（until）或延长时限（time_limit）。", "补上其中一个。")
            if ext.approved is not None:
                if ext.approved < ext.requested:
                    self.add((*here, "approved"), f"批准日期 {ext.approved} 早于申请日期 {ext.requested}。", "改正日期。")
                if not ext.approved_by:
                    self.add((*here, "approved"), "已批准的延期没有写批准人。", "补上 `approved_by: 批准人`。")
            elif ext.approved_by:
                self.add((*here, "approved_by"), "写了批准人但没有批准日期，延期不会生效。", "补上 `approved: 批准日期`。")
        if not any(ext.approved for ext in case.extensions):
            return  # what follows concerns approved extensions only
        try:
            plan = schedule(case, office)
        except ValueError:
            self.add(("time_limit",), "办理时限（含延期）算出的到期日超出了日历范围（2110 年）。", "检查时限数字是否写错。")
            return
        if plan is None:
            return
        for step in plan.steps:
            if step.after.date <= step.before.date:
                self.add(("extensions", step.index, "until"),
                         f"延至日期 {step.after.date} 不晚于原到期日 {step.before.date}。", "延期后的日期应晚于原到期日。")
        rule = category_rule(case, office)
        if not plan.steps or case.assigned is None:
            return
        calendar = calendar_for(office.holiday_overrides)
        last = plan.steps[-1]
        caps = []
        if rule.max_extension is not None:
            caps.append((count_from(plan.original.date, rule.max_extension, calendar).date,
                         f"延期不得超过原到期日后{rule.max_extension}"))
        if rule.max_total is not None:
            caps.append((count_from(case.assigned, rule.max_total, calendar).date,
                         f"自交办起最长不得超过{rule.max_total}"))
        for cap, why in caps:
            if last.after.date > cap:
                self.add(("extensions", last.index),
                         f"延期后到期日 {last.after.date} 超过上限：「{case.category}」{why}（最迟 {cap}）。",
                         f"把延期缩短到 {cap} 之前，或按规定报批后在 office.yaml 中调整上限。")

    def extensions_asked_in_time(self) -> None:
        """实施办法 §九: a unit that cannot finish in time "应提前……申请延长办理期限".

        So each extension must be requested on or before the due date it extends (the
        original one, or the one set by the approved extensions before it): an extension
        asked for once the item is overdue would turn 超期 into 按期 after the fact.
        """
        case = self.case
        if not case.extensions:
            return
        try:
            plan = schedule(self.case, self.office)
        except ValueError:
            return  # reported by extensions()
        if plan is None:
            return
        for index, ext in enumerate(case.extensions):
            before = [step.after for step in plan.steps if step.index < index]
            due = before[-1].date if before else plan.original.date
            if ext.requested > due:
                self.add(("extensions", index, "requested"),
                         f"延期申请日期 {ext.requested} 晚于它要延长的到期日 {due}：按《督促检查工作实施办法》第九条，"
                         "确需延期的，承办单位应在到期前提前申请。",
                         f"延期只能在到期日（{due}）当天或之前申请；已超期的事项不能再延期，应如实报送办理报告（按超期办结）。"
                         "如是日期笔误，按更正程序更正。")

    def reports_and_reviews(self) -> None:
        reports, reviews = self.case.reports, self.case.reviews
        for index, review in enumerate(reviews):
            if index >= len(reports):
                self.add(("reviews", index), "这条审核没有对应的办理报告。",
                         "每条审核对应一份办理报告：先补上办理报告（reports），或删除多余的审核。")
                continue
            if review.date < reports[index].date:
                self.add(("reviews", index, "date"),
                         f"审核日期 {review.date} 早于所审核的办理报告日期 {reports[index].date}。", "改正日期。")
            if index + 1 < len(reports):
                following = reports[index + 1]
                if review.passed:
                    self.add(("reports", index + 1),
                             "审核通过后事项已办结，不应再报送办理报告。",
                             "补充情况写入办理进展（progress）或回访复核（followups）。")
                elif following.date < review.date:
                    self.add(("reports", index + 1, "date"),
                             f"重新报送的办理报告（{following.date}）早于退回审核（{review.date}）。",
                             "一份报告审核后才能报送下一份：改正日期，或把它合并到前一份报告。")
        if len(reports) > len(reviews) + 1:
            self.add(("reports", len(reviews) + 1), "上一份办理报告尚未审核，又报送了新的报告。",
                     "先补上对上一份报告的审核（reviews），或把两份报告合并。")

    def closing(self) -> None:
        case = self.case
        closed = case.closed_on()
        if case.followups and closed is None:
            self.add(("followups",), "事项尚未办结（没有审核通过），不应有回访复核。", "审核通过后再记录回访复核。")
        elif closed is not None:
            for index, followup in enumerate(case.followups):
                if followup.date < closed:
                    self.add(("followups", index, "date"), f"回访复核日期 {followup.date} 早于办结日期 {closed}。", "改正日期。")
        if case.cancelled is not None:
            if case.passed_on() is not None:
                self.add(("cancelled",), "事项已审核通过办结，不能再撤销。", "删除撤销（cancelled）记录。")
            if case.cancelled.date < case.registered:
                self.add(("cancelled", "date"), f"撤销日期 {case.cancelled.date} 早于立项日期 {case.registered}。", "改正日期。")
        if case.archive is not None:
            ended = case.cancelled.date if case.cancelled is not None else closed
            if ended is None:
                self.add(("archive",), "只有已办结或已撤销的事项才能归档。",
                         "删除归档（archive）记录；事项办结后用 `ducha archive` 归档。")
            elif case.archive.date < ended:
                self.add(("archive", "date"), f"归档日期 {case.archive.date} 早于办结（撤销）日期 {ended}。", "改正日期。")

    def not_in_future(self) -> None:
        if self.today is None:
            return
        for path, day in self._all_dates(include_future_kinds=False):
            if day > self.today:
                self.add(path, f"日期 {day} 晚于今天（{self.today}），记录的应是已经发生的事。",
                         "检查日期是否写错；尚未发生的事不要提前记录。")

    def _all_dates(self, include_future_kinds: bool) -> Iterable[tuple[PathKey, dt.date]]:
        """Every date of the record; ``include_future_kinds`` adds those that may lie ahead (due dates)."""
        case = self.case
        yield ("registered",), case.registered
        if case.assigned is not None:
            yield ("assigned",), case.assigned
        for kind in LOG_KINDS:
            for index, entry in enumerate(log(case, kind)):
                for name in kind.date_fields:
                    day = getattr(entry, name)
                    if day is not None and (include_future_kinds or name not in _DUE_DATES):
                        yield (kind.key, index, name), day
        if case.cancelled is not None:
            yield ("cancelled", "date"), case.cancelled.date
        if case.archive is not None:
            yield ("archive", "date"), case.archive.date
        if include_future_kinds and case.time_limit is not None and case.time_limit.date is not None:
            yield ("time_limit",), case.time_limit.date


def _plain(value: Any) -> Any:
    """A recorded value for comparison: nothing written, an empty text and an empty list are the same."""
    if value in (None, "", [], ()):
        return None
    return tuple(value) if isinstance(value, list) else value


#: Date fields that name a day ahead (a due date), not the day something happened.
_DUE_DATES = frozenset({"until"})


def check_document(doc: YamlDocument | None, found: list[Problem], office: Office, known_ids: Container[str],
                    today: dt.date | None) -> tuple[Case | None, list[Problem]]:
    if doc is None:
        return None, found
    found = found + schemas.check(doc, "case") + character_problems(doc, "case")
    if found:
        return None, found
    case, found = build_case(doc)
    if case is None:
        return None, found
    return case, _CaseChecker(case, doc, office, known_ids, today).run()


def check_text(raw: bytes, name: str, office: Office, known_ids: Container[str],
               today: dt.date | None) -> tuple[Case | None, list[Problem]]:
    """Every check `validate` makes on one file, for text not yet written (imports preview with it)."""
    doc, found = parse_yaml(raw, name)
    return check_document(doc, found, office, known_ids, today)


