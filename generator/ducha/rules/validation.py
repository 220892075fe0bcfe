"""The rules of one record: schema checks plus every rule a schema cannot express.

Every problem is collected; ``load`` runs these over a repository and fails once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Container, Iterable, Sequence
from typing import Any

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, parse_yaml
from ducha.model.case import CASES_DIR, Case, build_case, log
from ducha.model.corrections import corrected_document, correction_name, target, value_at, written_path
from ducha.model.logs import LOG_KINDS, LOGS, SATISFACTION_CATEGORIES, show_value
from ducha.model.office import Office
from ducha.model.timelimit import TimeUnit, parse_date
from ducha.rules import schema as schemas
from ducha.rules.calendar import calendar_for
from ducha.rules.characters import character_problems
from ducha.rules.deadlines import effective_time_limit, milestone_due, round_schedule
from ducha.rules.extensions import check_extensions, check_extensions_asked_in_time
from ducha.rules.links import check_links
from ducha.rules.units import unit_problems

#: Longer limits are typos; these also keep every due date (2099 + 10 years) inside the calendar.
MAX_COUNT = {TimeUnit.WORKDAYS: 999, TimeUnit.DAYS: 3650, TimeUnit.MONTHS: 120}
FIRST_YEAR, LAST_YEAR = 2000, 2099


class _CaseChecker:
    """The rules for one case; problems accumulate in ``self.problems``."""

    def __init__(self, case: Case, doc: YamlDocument, office: Office, known_ids: Container[str],
                 today: dt.date | None) -> None:
        self.case, self.written, self.office, self.known_ids, self.today = case, doc, office, known_ids, today
        #: The record as the model reads it: a problem with a corrected value is marked at the correction.
        self.doc = corrected_document(doc)
        self.problems: list[Problem] = []
        #: The log kinds this record has entries of: most records use a few of the many kinds.
        self.kinds = tuple(kind for kind in LOG_KINDS if kind.key in doc.data)

    def add(self, path: PathKey, message: str, fix: str, field: str | None = None) -> None:
        path = written_path(self.doc, path)  # a corrected value: where the correction writes it
        line, column = self.doc.mark(path)
        self.problems.append(Problem(self.case.path, line, column, field or format_path(path), message, fix))

    def run(self) -> list[Problem]:
        self.identity()
        self.corrections()
        self.dates_in_range()
        self.category()
        if self.problems:  # the calendar cannot count from a year out of range, nor a category without rules
            return self.problems
        self.assignment()
        for kind in self.kinds:
            self.log_order(kind.key, log(self.case, kind), kind.date_field)
        self.after_assignment()
        self.receipts()
        self.reopenings()
        self.milestones()
        check_extensions(self.case, self.office, self.add)
        check_extensions_asked_in_time(self.case, self.office, self.add)
        check_links(self.case, self.office, self.add)
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
        """Each correction names a value as the record then stood, and changes it; inside a logged entry, a value
        written there (an entry that exists, a field it has), by a correction made after the entry."""
        data = self.written.data
        current: dict[PathKey, Any] = {}
        for index, entry in enumerate(data.get("corrections", [])):
            field, path = entry["field"], target(entry["field"])
            if path is None:
                continue  # the schema names what may be corrected
            name = correction_name(field)
            if len(path) == 3 and not self._entry_correctable(index, entry, path):
                continue
            if path not in current:
                current[path] = value_at(data, path)
            was, old, new = _plain(current[path]), _plain(entry.get("old")), _plain(entry["new"])
            if old != was:
                self.add(("corrections", index, "old") if "old" in entry else ("corrections", index),
                         f"更正的原值「{show_value(old)}」与记录中{name}的值「{show_value(was)}」不一致。",
                         f"原值照抄更正前的{name}（{show_value(was)}）；原来没有填写的，不写 old。")
            elif new == was:
                self.add(("corrections", index, "new"), f"更正的新值与{name}原来的值相同，没有更正任何内容。",
                         "删除这条更正，或写明正确的新值。")
            current[path] = entry["new"]

    def _entry_correctable(self, index: int, entry: dict[str, Any], path: PathKey) -> bool:
        """Whether correction ``index`` points at a value written in an entry recorded before it."""
        data, (key, place, name) = self.written.data, path
        entries = data.get(str(key)) or []
        kind = LOGS[str(key)]
        if int(place) >= len(entries):
            have = f"只有 {len(entries)} 条（第1条写作 {key}[0]，第2条写作 {key}[1]……）" if entries else "一条也没有"
            self.add(("corrections", index, "field"), f"更正的是{kind.label}第{int(place) + 1}条，而本事项的{kind.label}{have}。",
                     "按位置（从 0 数起）写要更正的那一条，如 reports[0].doc_no 是第1份办理报告的发文字号。")
            return False
        recorded = entries[int(place)]
        if name not in recorded:
            self.add(("corrections", index, "field"), f"{correction_name(entry['field'])}原来没有填写，更正只能改正已写下的值。",
                     f"删除这条更正；{kind.label}的新情况另追加一条{kind.label}记录。")
            return False
        first = parse_date(str(recorded.get(kind.date_field, "")))
        made = parse_date(str(entry["date"]))
        if first is not None and made is not None and made < first:
            self.add(("corrections", index, "date"), f"更正日期 {made} 早于所更正的{kind.label}（{first}）：尚未记录的内容无从更正。",
                     "写更正经批准的日期。")
        return True

    def dates_in_range(self) -> None:
        for path, day in self._all_dates(include_future_kinds=True):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add(path, f"日期 {day} 超出 {FIRST_YEAR}—{LAST_YEAR} 年的范围。", "检查年份是否写错。")

    def category(self) -> None:
        """来源类型 and 来源层级 as office.yaml defines them (the standard types, or the office's own)."""
        case, office = self.case, self.office
        names = office.category_names
        if case.category not in names:
            import difflib  # only for a category that is wrong

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
        self.problems += unit_problems(self.doc, "case", office)
        for index, unit in enumerate(case.co_units):
            if unit == case.lead_unit:
                self.add(("co_units", index), f"「{unit}」已是主办单位，不能同时是协办单位。", "从协办单位中删除它。")
        limits = [(("time_limit",), case.time_limit)] + [
            ((kind.key, i, name), getattr(e, name)) for kind in self.kinds for name in kind.limit_fields
            for i, e in enumerate(log(case, kind))] + [
            (("milestones", i, "time_limit"), m.time_limit) for i, m in enumerate(case.milestones)]
        for path, limit in limits:
            if limit is not None and limit.unit is not None and not 1 <= limit.count <= MAX_COUNT[limit.unit]:
                self.add(path, f"时限「{limit}」超出 1—{MAX_COUNT[limit.unit]}{limit.unit.value}的范围。", "检查数字是否写错。")
        if case.assigned is not None and effective_time_limit(case, office) is None:
            rule = office.categories.get(case.category)
            levels = "、".join(f"{name} {level.time_limit}" for name, level in (rule.levels if rule else {}).items()
                              if level.time_limit is not None)
            by_level = f"；没有写时限的，按来源层级写 source.level（{levels}）" if levels and not case.source.level else ""
            self.add(("assigned",), f"已交办但没有办理时限，来源类型「{case.category}」也没有默认时限。",
                     f"填写 time_limit（交办通知所定的时限）{by_level}；本室对「{case.category}」有统一默认时限的，"
                     f"在 office.yaml 的 categories 中设置（本室规则）。")
        self.assignment_elements()
        self.registration_approval()
        if case.time_limit is not None and case.time_limit.date is not None and case.assigned is not None \
                and case.time_limit.date <= case.assigned:
            self.add(("time_limit",), f"办理时限 {case.time_limit} 不晚于交办日期 {case.assigned}。",
                     "办理时限应在交办之后：改正日期。")

    def assignment_elements(self) -> None:
        """责任人 and 任务要求 from 交办 on (2008 国办意见（四）：明确目标任务……和责任人)."""
        case, rules = self.case, self.office.assignment
        if not rules.binds(case.assigned):
            return
        since = f"自 {rules.effective_from} 起交办的事项" if rules.effective_from else "交办时"
        for key in rules.required:
            if getattr(case, key):
                continue
            what, fix = _ASSIGNMENT_ELEMENTS[key]
            self.add(("assigned",), f"事项已于 {case.assigned} 交办，但没有{what}（{key}）；{since}须一并明确。",
                     fix, field=key)

    def registration_approval(self) -> None:
        """立项审批: from 立项 to 交办, and required before 交办 where office.yaml asks for it."""
        case, rule = self.case, self.office.approvals.registration
        approval = case.approval
        if approval is not None:
            if approval.date < case.registered:
                self.add(("approval", "date"), f"立项审批日期 {approval.date} 早于立项日期 {case.registered}。", "改正日期。")
            elif case.assigned is not None and approval.date > case.assigned:
                self.add(("approval", "date"), f"立项审批日期 {approval.date} 晚于交办日期 {case.assigned}：须经领导同意后才能交办。",
                         "改正日期：领导同意后才能交办（电话请示同意的，写请示同意的日期，并在 note 中说明）。")
        elif rule is not None and rule.applies(case.category, case.assigned):
            since = f"（office.yaml 规定自 {rule.effective_from} 起交办的事项）" if rule.effective_from else ""
            self.add(("assigned",), f"事项已于 {case.assigned} 交办，但没有立项审批记录（approval）：立项须报领导同意{since}。",
                     "在交办日期前补上 `approval:`，写明 date（批准日期）和 by（批准人），如 by: 副市长 林静。",
                     field="approval")

    def log_order(self, key: str, entries: Sequence[Any], attr: str) -> None:
        for index in range(1, len(entries)):
            before, here = getattr(entries[index - 1], attr), getattr(entries[index], attr)
            if here < before:
                self.add((key, index, attr), f"{schemas.label('case', (key,))}第{index + 1}条（{here}）早于上一条（{before}）。",
                         "按日期先后排列，新的记录追加在末尾。")

    def after_assignment(self) -> None:
        case = self.case
        for kind in self.kinds:
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

    def receipts(self) -> None:
        """签收: one per 承办单位 of the item."""
        case = self.case
        seen: set[str] = set()
        for index, receipt in enumerate(case.receipts):
            if receipt.unit not in case.units:
                self.add(("receipts", index, "unit"), f"「{receipt.unit}」不是本事项的主办或协办单位，不能签收。",
                         f"签收单位写本事项的承办单位（{'、'.join(case.units) or '尚未交办'}）。")
            elif receipt.unit in seen:
                self.add(("receipts", index, "unit"), f"「{receipt.unit}」已经签收过。", "每个单位只签收一次：删除重复的一条。")
            seen.add(receipt.unit)

    def reopenings(self) -> None:
        """再督查 and 重新办理: only a reopening entry carries a new time limit, which must lie ahead of it."""
        for kind in self.kinds:
            if not kind.reopening:
                continue
            for index, entry in enumerate(log(self.case, kind)):
                limit = entry.time_limit
                if limit is not None and not entry.reopens:
                    self.add((kind.key, index, "time_limit"), f"没有重新办理，不应写{kind.reopening}时限。",
                             f"删除 time_limit；需要重新办理的，写明 {_REOPENING_RESULT[kind.key]}。")
                elif limit is not None and limit.date is not None and limit.date <= entry.date:
                    self.add((kind.key, index, "time_limit"), f"{kind.reopening}时限 {limit} 不晚于{kind.label}日期 {entry.date}。",
                             "重新办理的时限应在其后：改正日期。")

    def milestones(self) -> None:
        """节点: named once, each with one due date after 交办 and not after the case's own; reported done once."""
        case = self.case
        if case.milestones and case.assigned is None:
            self.add(("milestones",), "事项尚未交办，不应有节点。", "交办时再分解节点（先填写 assigned 和 lead_unit）。")
            return
        names: set[str] = set()
        try:
            plan = round_schedule(case, self.office, case.rounds()[0]) if case.milestones else None
        except (ValueError, IndexError):
            plan = None  # reported by the other checks
        calendar = calendar_for(self.office.holiday_overrides)
        for index, milestone in enumerate(case.milestones):
            here: PathKey = ("milestones", index)
            if milestone.name in names:
                self.add((*here, "name"), f"节点「{milestone.name}」重复。", "每个节点用不同的名称。")
            names.add(milestone.name)
            if (milestone.due is None) == (milestone.time_limit is None):
                self.add(here, f"节点「{milestone.name}」须写明完成期限（due）或节点时限（time_limit），二者只写一个。",
                         "写 `due: YYYY-MM-DD`，或 `time_limit: 3个月`（从交办次日起算）。")
                continue
            due = milestone_due(case, milestone, calendar)
            if due is None or case.assigned is None:
                continue
            where = (*here, "due" if milestone.due is not None else "time_limit")
            if due <= case.assigned:
                self.add(where, f"节点「{milestone.name}」的完成期限 {due} 不晚于交办日期 {case.assigned}。", "改正日期。")
            elif plan is not None and due > plan.due.date:
                self.add(where, f"节点「{milestone.name}」的完成期限 {due} 晚于事项到期日 {plan.due.date}。",
                         "节点应在事项到期前完成：提前节点期限，或先办理延期。")
        done: set[str] = set()
        for index, entry in enumerate(case.progress):
            if not entry.milestone:
                continue
            if entry.milestone not in names:
                known = "、".join(dict.fromkeys(m.name for m in case.milestones)) or "（本事项没有节点）"
                self.add(("progress", index, "milestone"), f"没有名为「{entry.milestone}」的节点。",
                         f"写节点的原名（{known}），或删除 milestone。")
            elif entry.milestone in done:
                self.add(("progress", index, "milestone"), f"节点「{entry.milestone}」已经报告完成。",
                         "每个节点只报告一次完成：删除这里的 milestone。")
            done.add(entry.milestone)

    def reports_and_reviews(self) -> None:
        reports, reviews = self.case.reports, self.case.reviews
        for index, review in enumerate(reviews):
            if index >= len(reports):
                self.add(("reviews", index), "这条审核没有对应的办理报告。",
                         "每条审核对应一份办理报告：先补上办理报告（reports），或删除多余的审核。")
                continue
            if review.falsified and review.passed:
                self.add(("reviews", index, "falsified"), "审核通过的办理报告不能同时认定为弄虚作假。",
                         "经调查核实弄虚作假的报告应退回：result 写「退回」并在 opinion 中写明核实的情况；未经核实的，删除 falsified。")
            if review.date < reports[index].date:
                self.add(("reviews", index, "date"),
                         f"审核日期 {review.date} 早于所审核的办理报告日期 {reports[index].date}。", "改正日期。")
            if index + 1 < len(reports):
                following = reports[index + 1]
                reopened = [r for r in self.case.rounds(following.date) if r.number > 1 and r.start >= review.date]
                if review.passed and not reopened:
                    self.add(("reports", index + 1),
                             "审核通过后事项已办结，不应再报送办理报告。",
                             "补充情况写入办理进展（progress）或回访复核（followups）；回访复核发现整改不到位的，"
                             "先记录 `result: 整改不到位` 和再督查时限（time_limit），再报送新的办理报告。")
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
        if case.followups and case.passed_on() is None:
            self.add(("followups",), "事项尚未办结（没有审核通过），不应有回访复核。", "审核通过后再记录回访复核。")
        else:
            self.after_closing("followups")
        self.satisfaction()
        self.after_closing("readings")
        self.after_closing("submissions")
        if case.cancelled is not None:
            if case.finished_on() is not None:
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

    def satisfaction(self) -> None:
        """满意度 is asked of 人大代表建议 and 政协提案 only, once they are answered (closed)."""
        case = self.case
        if not case.feedback:
            return
        if case.category not in SATISFACTION_CATEGORIES:
            self.add(("feedback",), f"「{case.category}」事项不征询满意度。",
                     f"满意度只用于{'、'.join(SATISFACTION_CATEGORIES)}（实施办法第十条）；其他事项的回访写入回访复核（followups）。")
            return
        self.after_closing("feedback")

    def after_closing(self, key: str) -> None:
        """Entries of ``key`` (回访复核, 满意度) come after the case was closed, and not while a reopened round runs."""
        case = self.case
        entries = getattr(case, key)
        if not entries:
            return
        first_pass = next((r.date for r in case.reviews if r.passed), None)
        for index, entry in enumerate(entries):
            day = entry.date
            passed = case.passed_on(day)
            name = LOGS[key].label
            if passed is None:
                when = (f"早于办结日期 {first_pass}" if first_pass is not None and first_pass > day
                        else "时事项尚未办结（办理报告待审核或已退回）")
                self.add((key, index, "date"), f"{name}日期 {day} {when}。", "改正日期：事项办结（审核通过）后才能记录。")
                continue
            # A round opened since the pass, before this entry (an earlier one the same day counts too).
            opened = [r for r in case.rounds(day) if r.number > 1 and passed <= r.start and r.opened_by != (key, index)
                      and (r.start < day or (r.opened_by is not None and r.opened_by[0] == key and r.opened_by[1] < index))]
            if opened:
                self.add((key, index), f"事项已于 {opened[-1].start} {opened[-1].kind}，新一轮尚未办结，不应再记录{name}。",
                         f"新一轮审核通过后再记录{name}。")

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
        for kind in self.kinds:
            for index, entry in enumerate(log(case, kind)):
                for name in kind.date_fields:
                    day = getattr(entry, name)
                    if day is not None and (include_future_kinds or name not in _DUE_DATES):
                        yield (kind.key, index, name), day
        if case.approval is not None:
            yield ("approval", "date"), case.approval.date
        if case.cancelled is not None:
            yield ("cancelled", "date"), case.cancelled.date
        if case.archive is not None:
            yield ("archive", "date"), case.archive.date
        if include_future_kinds:
            for index, milestone in enumerate(case.milestones):
                if milestone.due is not None:
                    yield ("milestones", index, "due"), milestone.due
        if include_future_kinds and case.time_limit is not None and case.time_limit.date is not None:
            yield ("time_limit",), case.time_limit.date


#: How an entry of a reopening log asks for another round.
_REOPENING_RESULT = {"followups": "`result: 整改不到位`", "feedback": "`result: 不满意`"}

#: What each 交办要素 is called and how to supply it.
_ASSIGNMENT_ELEMENTS = {
    "owner": ("明确责任人", "在交办日期下补上 `owner: 姓名`（主办单位的具体责任人，如 孙立新）。"),
    "requirements": ("写明任务要求", "补上 `requirements: 任务要求`（交办时明确的具体任务、标准和要求，如 年底前完成50个小区改造）。"),
}
def _plain(value: Any) -> Any:
    """A recorded value for comparison: nothing written, an empty text and an empty list are the same."""
    if value in (None, "", [], ()):
        return None
    return tuple(value) if isinstance(value, list) else value


#: Date fields that name a day ahead (a due date), not the day something happened.
_DUE_DATES = frozenset({"until"})


def _schema_as_corrected(doc: YamlDocument) -> list[Problem]:
    """The record as its corrections leave it conforms to the schema too: a corrected value may ask for
    another (a review corrected to 退回 needs its opinion), as it would had it been written so."""
    view = corrected_document(doc)
    if view is doc:
        return []
    return [dataclasses.replace(p, message=f"按更正后的记录：{p.message}") for p in schemas.check(view, "case")]


def check_document(doc: YamlDocument | None, found: list[Problem], office: Office, known_ids: Container[str],
                    today: dt.date | None) -> tuple[Case | None, list[Problem]]:
    if doc is None:
        return None, found
    found = found + schemas.check(doc, "case") + character_problems(doc, "case")
    if found:
        return None, found
    found = _schema_as_corrected(doc)
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


