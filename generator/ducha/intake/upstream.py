"""``ducha intake``: the tasks the superior office assigned to this office become cases here (上下联动).

The superior is fetched, and each of its cases assigned to this office (lead or co-unit) that no case
here names yet is written as a new case: category 上级交办, ``source.upstream`` naming the superior's
file at the fetched commit (全宗号, id, commit, SHA-256), title and 任务要求 carried over, and the
superior's due date as its 办理时限, so that it can never fall due later here (the office may give its
own units less). Files only: the office commits them through the usual pull request and review. Run
twice, it registers nothing twice.

A superior's case that changed after it was taken in (an extension approved above, a correction, a
撤销) is offered as a change to record (``record``), never applied: this office's due date moves only
by its own extension or correction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import DataError, UsageError
from ducha.intake.new_case import field_lines, next_id
from ducha.io.atomic import write_files
from ducha.io.yamltext import append_entry, yaml_scalar
from ducha.load.case_files import CaseIds
from ducha.load.neighbours import case_from
from ducha.load.office import load_office
from ducha.load.records import load_cases
from ducha.model.case import CASES_DIR, Case, Stage
from ducha.model.links import Link
from ducha.model.office import Office
from ducha.repo.anchor import record_digest
from ducha.repo.refs import commits_in
from ducha.repo.upstream import Above, Delegated, read_above, versions_above
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import deadline
from ducha.rules.links import UPSTREAM_CATEGORY
from ducha.rules.validation import check_text


@dataclass(frozen=True)
class Taken:
    """A case written by intake for one of the superior's."""

    id: str
    path: Path
    above: Delegated


@dataclass(frozen=True)
class Change:
    """A superior's case that changed after this office took it in (or last recorded a change)."""

    case_id: str  # this office's case
    above: Delegated  # the superior's case as fetched now
    cited: Link  # what this office recorded last
    summary: tuple[str, ...]  # what changed, in words
    advice: tuple[str, ...]  # what this office may do about it


@dataclass(frozen=True)
class Lost:
    """A link here whose commit the superior's history no longer holds: the superior rewrote its history."""

    case_id: str
    cited: Link


@dataclass(frozen=True)
class IntakeResult:
    """What intake found above and what it wrote here."""

    above: Above
    written: tuple[Taken, ...]
    known: tuple[str, ...]  # the superior's cases already registered here, by the superior's id
    changes: tuple[Change, ...]
    lost: tuple[Lost, ...]
    recorded: tuple[str, ...] = ()  # this office's cases a change was recorded on (``record``)


def _template(case_id: str, d: Delegated, superior: Office, today: dt.date) -> str:
    case, link = d.case, d.link
    hide_source = "source" in superior.internal_fields
    source = [] if hide_source else [
        line for key, value in (("doc_no", case.source.doc_no), ("meeting", case.source.meeting),
                                ("leader", case.source.leader), ("instruction", case.source.instruction))
        if value for line in field_lines(key, value, "  ")]
    due = d.status.due
    lines = [
        "# yaml-language-server: $schema=../../schema/case.schema.json",
        f"# 督查事项 {case_id}：{superior.name} {case.id} 交办本室，由 ducha intake 登记。",
        "# 交办本室的承办单位时填写 assigned、lead_unit、owner；办理时限不得晚于上级的到期日。",
        f"id: {case_id}",
        f"title: {yaml_scalar(case.title)}",
        f"category: {UPSTREAM_CATEGORY}",
        *([f"priority: {case.priority}"] if case.priority else []),
        "source:",
        *source,
        "  upstream:",
        *(f"    {key}: {yaml_scalar(value) if key != 'office' else _quoted(value)}" for key, value in link.as_data().items()),
        *(field_lines("requirements", case.requirements) if case.requirements else []),
        f"registered: {today.isoformat()}",
        "# assigned: 交办日期",
        "# lead_unit: 主办单位简称",
        "# owner: 责任人",
        *([f"time_limit: {due.isoformat()}  # 上级到期日{'（暂定）' if d.status.provisional else ''}"] if due else []),
        *(["visibility: 内部"] if case.visibility == "内部" else []),
    ]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A 全宗号 always as text: 0371 written plain would read as a number elsewhere."""
    return f'"{text}"'


def _linked(cases: Sequence[Case], superior: Office) -> dict[str, Case]:
    """This office's cases taken in from the superior, by the superior's case id."""
    return {c.source.upstream.id: c for c in cases
            if c.source.upstream is not None and c.source.upstream.names(superior.fonds, superior.prefix)}


def _changes(root: Path, above: Above, linked: dict[str, Case], office: Office,
             today: dt.date) -> tuple[list[Change], list[Lost]]:
    """Each superior's case here whose file changed since recorded, with what changed in its task."""
    assert above.office is not None and above.reading.commit is not None
    now = {d.case.id: d for d in above.delegated}
    cited = {case.id: link for case in linked.values() if (link := case.upstream_link) is not None}
    kept = commits_in(root, above.reading.commit, {link.commit for link in cited.values()})
    lost = [Lost(case_id, link) for case_id, link in sorted(cited.items()) if link.commit not in kept]
    stale = {case_id: link for case_id, link in cited.items() if link.commit in kept}
    before = versions_above(root, [(link.commit, link.id) for link in stale.values()])
    gone = [link for link in stale.values() if link.id not in now]  # no longer assigned here (or 撤销 before today)
    current = versions_above(root, [(above.reading.commit, link.id) for link in gone])
    changes = []
    calendar = calendar_for(above.office.holiday_overrides)
    for case_id, link in sorted(stale.items()):
        d = now.get(link.id)
        if d is None:
            raw = current[(above.reading.commit, link.id)]
            if raw is None or record_digest(raw) == link.sha256:
                continue
            later, _ = case_from(raw, link.id)
            if later is None:
                continue
            status = deadline(later.as_of(today), above.office, today, calendar)
            d = Delegated(status, link.id, record_digest(raw), dataclasses.replace(link, commit=above.reading.commit,
                                                                                   sha256=record_digest(raw)))
        if d.sha256 == link.sha256:
            continue
        raw = before[(link.commit, link.id)]
        was = case_from(raw, link.id)[0] if raw is not None else None
        ours = next(c for c in linked.values() if c.id == case_id)
        summary, advice = _difference(was, d, above, ours, office, today)
        if summary:
            changes.append(Change(case_id, d, link, summary, advice))
    return changes, lost


def _difference(was: Case | None, now: Delegated, above: Above, ours: Case, office: Office,
                today: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What changed in the task above, and what this office may do about it."""
    assert above.office is not None
    summary, advice = [], []
    new = now.case
    old_status = deadline(was.as_of(today), above.office, today) if was is not None else None
    if old_status is not None and old_status.due != now.status.due:
        summary.append(f"上级到期日 {old_status.due or '无'} → {now.status.due or '无'}")
        status = deadline(ours, office, today)
        mine = status.due or (ours.time_limit.date if ours.time_limit is not None else None)  # before 交办: as written
        if now.status.due is not None and mine is not None and mine > now.status.due:
            advice.append(f"本室到期日 {mine} 晚于上级新的到期日 {now.status.due}：在登记上级变更的同一合并请求中追加更正"
                          f"（corrections），把 time_limit 改为 {now.status.due} 或更早。")
        elif now.status.due is not None and old_status.due is not None and now.status.due > old_status.due:
            advice.append("本室的到期日不随上级自动推迟：确需延期的，追加延期申请（extensions），经批准后生效。")
    if was is not None:
        for label, before, after in (("事项名称", was.title, new.title), ("任务要求", was.requirements, new.requirements),
                                     ("优先级", was.priority or "一般", new.priority or "一般")):
            if before != after:
                summary.append(f"{label}改为「{after}」" if label != "任务要求" else "任务要求有变化")
    if now.status.stage is Stage.CANCELLED and (was is None or was.cancelled is None):
        summary.append("上级已撤销该事项")
        advice.append("本室的事项如不再办理，填写撤销（cancelled）并报批。")
    if above.unit not in new.units:
        summary.append(f"上级已改由{new.lead_unit or '其他单位'}主办，不再交办本室")
    return tuple(summary), tuple(advice)


def intake(root: Path, today: dt.date, now: dt.datetime | None) -> IntakeResult:
    """Fetch the superior (when ``now`` is given), then write a case for each task it assigned here not yet registered."""
    office, cases = load_cases(root) if (root / CASES_DIR).is_dir() else (load_office(root), ())
    if office.superior is None:
        raise UsageError("office.yaml 没有设置上级督查室（superior）：先写明上级的 name 和 remote，见 README「上下联动」。")
    above = read_above(root, office, office.superior, today, now)
    if above.office is None or above.reading.commit is None:
        return IntakeResult(above, (), (), (), ())
    linked = _linked(cases, above.office)
    changes, lost = _changes(root, above, linked, office, today)
    fresh = [d for d in above.delegated if d.case.id not in linked and d.status.stage is not Stage.CANCELLED]
    files: dict[Path, str] = {}
    written = []
    known_ids = CaseIds(root / CASES_DIR)
    taken_ids: set[str] = set()
    problems = []
    for d in fresh:
        case_id = _next_free(root, office.prefix, today.year, taken_ids)
        taken_ids.add(case_id)
        path = root / CASES_DIR / str(today.year) / f"{case_id}.yaml"
        text = _template(case_id, d, above.office, today)
        _, found = check_text(text.encode("utf-8"), f"{CASES_DIR}/{today.year}/{case_id}.yaml", office,
                              _Ids(known_ids, taken_ids), today)
        problems += found
        files[path] = text
        written.append(Taken(case_id, path, d))
    if problems:
        raise DataError(problems, summary="没有写入任何文件：上级事项按本室规则登记时有上面的问题。")
    if files:
        write_files(files, new=tuple(files))
    return IntakeResult(above, tuple(written), tuple(sorted(linked)), tuple(changes), tuple(lost))


class _Ids:
    """The ids of the repository and those this intake is about to write."""

    def __init__(self, known: CaseIds, taken: set[str]) -> None:
        self.known, self.taken = known, taken

    def __contains__(self, case_id: object) -> bool:
        return case_id in self.taken or case_id in self.known


def _next_free(root: Path, prefix: str, year: int, taken: set[str]) -> str:
    number = int(next_id(root, prefix, year).rsplit("-", 1)[1])
    while f"{prefix}-{year}-{number:04d}" in taken:
        number += 1
    return f"{prefix}-{year}-{number:04d}"


def record_changes(root: Path, case_ids: Sequence[str], today: dt.date, now: dt.datetime | None) -> IntakeResult:
    """Append a 上级变更 entry to each named case (this office's id, or the superior's) that changed above."""
    result = intake(root, today, now)
    wanted = set(case_ids)
    chosen = [c for c in result.changes if c.case_id in wanted or c.above.case.id in wanted]
    unknown = wanted - {c.case_id for c in chosen} - {c.above.case.id for c in chosen}
    if unknown:
        raise UsageError(f"{'、'.join(sorted(unknown))} 没有需要登记的上级变更（先运行 ducha intake 查看）。")
    edits: dict[Path, str] = {}
    for change in chosen:
        path = root / CASES_DIR / change.case_id.split("-")[1] / f"{change.case_id}.yaml"
        text = path.read_text(encoding="utf-8")
        edits[path] = append_entry(text, "upstream_changes", {
            "date": today.isoformat(), "commit": change.above.link.commit, "sha256": change.above.sha256,
            "summary": "；".join(change.summary)})
    write_files(edits)
    return dataclasses.replace(result, recorded=tuple(c.case_id for c in chosen))
