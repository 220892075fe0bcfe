"""The guard's check of links between offices (上下联动): what a pull request writes about another office's
records must be what that office's repository holds.

A link names the other office's 全宗号, a case id, a commit and the SHA-256 of the file there. Checked
against what was fetched of that office (fetched again when the commit is not there yet):

- the commit is in the other office's history, and its file for that id has that digest;
- a case taken in from above (``source.upstream``) was assigned to this office there, with the same
  title and 任务要求; a 上级变更 cites a version of the same case;
- a report taken from below (``reports[].downstream``) is that subordinate's own approved report, on a
  case it took in from this very case;
- and, on every case with a link that the pull request touches, this office's due date is not later
  than the superior's (at the version last recorded).

Neither office can change the other's records by this: a link only points into the other's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, parse_yaml, read_yaml
from ducha.load.neighbours import case_from, office_from
from ducha.model.case import CASES_DIR, Case, build_case
from ducha.model.corrections import corrected
from ducha.model.links import Link, Neighbour, Reading
from ducha.model.office import OFFICE_FILE, Office
from ducha.repo.anchor import record_digest
from ducha.repo.fetched import files_at_commits
from ducha.repo.offices import fetch_neighbours, readings
from ducha.repo.refs import commits_in
from ducha.repo.upstream import case_path, own_unit
from ducha.repo.values import FileChange
from ducha.rules import schema
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import deadline
from ducha.rules.metrics import CLOSED_STAGES

_FETCH_FIX = "先读取对方仓库（ducha intake 或 ducha rollup；CI 须能访问 office.yaml 中的 remote），再运行检查。"
_WRITTEN_FIX = "不要手工填写或修改链接：上级事项用 `ducha intake` 登记，下级报告用 `ducha rollup --accept` 采用。"


@dataclass(frozen=True)
class _Cited:
    """A link a pull request adds, where it stands, and what it must hold."""

    path: str
    doc: YamlDocument
    where: PathKey
    link: Link
    kind: str  # upstream, change, downstream
    case: Case
    entry: Mapping[str, Any] | None = None  # the report that cites a subordinate's


def _added(root: Path, change: FileChange, old_raw: bytes | None) -> tuple[list[_Cited], Case | None, YamlDocument | None]:
    doc, _ = read_yaml(root / change.path, change.path)
    if doc is None or not isinstance(doc.data, dict) or schema.check(doc, "case"):
        return [], None, None  # validation reports what is wrong
    case, _ = build_case(doc)
    if case is None:
        return [], None, None
    old: dict[str, Any] = {}
    if old_raw is not None:
        old_doc, _ = parse_yaml(old_raw, change.path)
        old = old_doc.data if old_doc is not None and isinstance(old_doc.data, dict) else {}
    cited = []
    upstream = case.source.upstream
    if upstream is not None and (old.get("source") or {}).get("upstream") != doc.data["source"]["upstream"]:
        cited.append(_Cited(change.path, doc, ("source", "upstream"), upstream, "upstream", case))
    for index in range(len(old.get("upstream_changes", [])), len(case.upstream_changes)):
        entry = case.upstream_changes[index]
        if upstream is not None:
            link = Link(upstream.office, upstream.id, entry.commit, entry.sha256)
            cited.append(_Cited(change.path, doc, ("upstream_changes", index), link, "change", case))
    for index in range(len(old.get("reports", [])), len(case.reports)):
        report = case.reports[index]
        if report.downstream is not None:
            cited.append(_Cited(change.path, doc, ("reports", index, "downstream"), report.downstream, "downstream",
                                case, doc.data["reports"][index]))
    return cited, case, doc


def _problem(cited: _Cited, message: str, fix: str = _WRITTEN_FIX) -> Problem:
    line, column = cited.doc.mark(cited.where)
    return Problem(cited.path, line, column, format_path(cited.where), message, fix)


def _held(root: Path, neighbours: Sequence[Neighbour], commits: Mapping[str, set[str]],
          now: dt.datetime | None) -> dict[str, Reading]:
    """Each neighbour's reading, fetched again when a commit cited from it is not in what was fetched."""
    found = {r.name: r for r in readings(root, neighbours)}
    missing = [n for n in neighbours if commits.get(n.name) and (
        found[n.name].commit is None or commits_in(root, found[n.name].commit or "", commits[n.name]) != commits[n.name])]
    if missing and now is not None:
        found.update({r.name: r for r in fetch_neighbours(root, missing, now)})
    return found


def link_problems(root: Path, office: Office, records: Sequence[FileChange], blobs: Mapping[str, bytes | None],
                  today: dt.date, now: dt.datetime | None, files: Path | None = None) -> list[Problem]:
    """Every link the pull request adds, checked against the other office's history as fetched into ``root``;
    the records are read from ``files`` (the merge result being judged) when given."""
    if office.superior is None and not office.subordinates:
        return []  # without neighbours a record can hold no link (validation refuses one)
    cited: list[_Cited] = []
    linked_cases: list[tuple[str, YamlDocument, Case]] = []
    for change in records:
        if change.status == "D" or not change.path.startswith(f"{CASES_DIR}/") or not change.path.endswith(".yaml"):
            continue
        found, case, doc = _added(files or root, change, blobs.get(change.old_path or change.path))
        cited += found
        if case is not None and doc is not None and case.source.upstream is not None:
            linked_cases.append((change.path, doc, case))  # its due date is checked whatever the change
    if not cited and not linked_cases:
        return []
    problems: list[Problem] = []
    above = [c for c in cited if c.kind != "downstream"]
    below = [c for c in cited if c.kind == "downstream"]
    if above or linked_cases:
        problems += _check_above(root, office, above, linked_cases, today, now)
    if below:
        problems += _check_below(root, office, below, now)
    return problems


def _file_checks(root: Path, cited: Sequence[_Cited], reading: Reading, who: str) -> tuple[
        list[Problem], dict[tuple[str, str], bytes | None]]:
    """The commit is in the neighbour's history and its file has the digest written."""
    problems = []
    held = commits_in(root, reading.commit, {c.link.commit for c in cited}) if reading.commit else frozenset()
    files = files_at_commits(root, [(c.link.commit, name) for c in cited for name in (case_path(c.link.id), OFFICE_FILE)])
    for c in cited:
        if reading.commit is None:
            problems.append(_problem(c, f"无法核对：尚未读取{who}「{reading.name}」的仓库"
                                        f"{'（' + reading.error + '）' if reading.error else ''}。", _FETCH_FIX))
        elif c.link.commit not in held:
            problems.append(_problem(c, f"链接的提交 {c.link.short} 不在{who}「{reading.name}」仓库的提交历史中"
                                        f"（已读取到 {reading.commit[:8]}）：提交号写错，或对方改写了历史。"))
        elif (raw := files[(c.link.commit, case_path(c.link.id))]) is None:
            problems.append(_problem(c, f"{who}「{reading.name}」的仓库在提交 {c.link.short} 中没有事项 {c.link.id}。"))
        elif record_digest(raw) != c.link.sha256:
            problems.append(_problem(c, f"校验值与{who}「{reading.name}」仓库提交 {c.link.short} 中 {c.link.id} 的文件内容不符。"))
        else:
            other, _ = office_from(files[(c.link.commit, OFFICE_FILE)])
            if other is not None and not c.link.names(other.fonds, other.prefix):
                problems.append(_problem(c, f"链接写的全宗号 {c.link.office}（编号前缀 {c.link.prefix}）不是{who}「{reading.name}」的"
                                            f"（全宗号 {other.fonds}，编号前缀 {other.prefix}）。"))
    return problems, files


def _check_above(root: Path, office: Office, cited: Sequence[_Cited], linked: Sequence[tuple[str, YamlDocument, Case]],
                 today: dt.date, now: dt.datetime | None) -> list[Problem]:
    superior = office.superior
    if superior is None:
        return []  # validation says a link needs a superior
    recorded = {link.commit for _, _, case in linked if (link := case.upstream_link) is not None}
    reading = _held(root, [superior], {superior.name: {c.link.commit for c in cited} | recorded}, now)[superior.name]
    problems, files = _file_checks(root, cited, reading, "上级")
    if problems:
        return problems
    for c in cited:
        other, _ = office_from(files[(c.link.commit, OFFICE_FILE)])
        theirs, _ = case_from(files[(c.link.commit, case_path(c.link.id))] or b"", c.link.id)
        if other is None or theirs is None:
            continue
        if c.kind == "change" and c.case.source.upstream is not None and c.link.id != c.case.source.upstream.id:
            problems.append(_problem(c, "上级变更引用的不是本事项的上级事项。"))
        if c.kind != "upstream":
            continue
        unit = own_unit(other, office.name)
        if not unit or unit not in theirs.units or theirs.assigned is None:
            problems.append(_problem(c, f"上级事项 {c.link.id} 在该提交中没有交办本室。"))
        for key, mine, above in (("title", c.case.title, theirs.title), ("requirements", c.case.requirements, theirs.requirements)):
            if mine != above:
                line, column = c.doc.mark((key,))
                problems.append(Problem(c.path, line, column, key, f"{'事项名称' if key == 'title' else '任务要求'}与上级事项 "
                                                                    f"{c.link.id} 不同：登记上级交办事项须照录上级的写法。",
                                        "照录上级事项的原文（ducha intake 写入的内容不要改动）。"))
    return problems + _due_dates(root, office, linked, today)


def _due_dates(root: Path, office: Office, linked: Sequence[tuple[str, YamlDocument, Case]],
               today: dt.date) -> list[Problem]:
    """A case taken in from above falls due no later than the superior's case, at the version last recorded."""
    wanted = {path: link for path, _, case in linked if (link := case.upstream_link) is not None}
    files = files_at_commits(root, [(link.commit, name) for link in wanted.values()
                                    for name in (case_path(link.id), OFFICE_FILE)])
    problems = []
    for path, doc, case in linked:
        link = wanted.get(path)
        if link is None:
            continue
        other, _ = office_from(files[(link.commit, OFFICE_FILE)])
        theirs, _ = case_from(files[(link.commit, case_path(link.id))] or b"", link.id)
        if other is None or theirs is None:
            continue
        try:
            above = deadline(theirs.as_of(today), other, today, calendar_for(other.holiday_overrides))
            mine = deadline(case.as_of(today), office, today)
        except ValueError:
            continue
        # Before 交办 here, the date intake wrote is the due date it will have.
        due = mine.due or (case.time_limit.date if case.time_limit is not None else None)
        if above.due is not None and due is not None and due > above.due:
            line, column = doc.mark(corrected(doc.data)[1].get(("time_limit",), ("time_limit",)))  # where the value in force is
            problems.append(Problem(path, line, column, "time_limit",
                                    f"到期日 {due} 晚于上级事项 {link.id} 的到期日 {above.due}："
                                    "上级交办的事项，本室的期限不能晚于上级。",
                                    f"把办理时限改为 {above.due} 或更早（已写下的用更正 corrections）；需要更多时间的，请上级先批准延期，"
                                    "再用 `ducha intake --record` 登记上级变更。"))
    return problems


def _check_below(root: Path, office: Office, cited: Sequence[_Cited], now: dt.datetime | None) -> list[Problem]:
    heads = {r.name: r for r in readings(root, office.subordinates)}
    offices = files_at_commits(root, [(r.commit, OFFICE_FILE) for r in heads.values() if r.commit])
    named: dict[tuple[str, str], str] = {}
    for reading in heads.values():
        other = office_from(offices[(reading.commit, OFFICE_FILE)])[0] if reading.commit else None
        if other is not None:
            named[(other.fonds, other.prefix)] = reading.name
    problems: list[Problem] = []
    groups: dict[str, list[_Cited]] = {}
    for c in cited:
        name = named.get((c.link.office, c.link.prefix))
        if name is None:
            problems.append(_problem(c, f"没有全宗号为 {c.link.office}、编号前缀为 {c.link.prefix} 的下级督查室（按已读取的各下级仓库）。",
                                     _FETCH_FIX))
        else:
            groups.setdefault(name, []).append(c)
    wanted = {name: {c.link.commit for c in group} for name, group in groups.items()}
    found = _held(root, [n for n in office.subordinates if n.name in groups], wanted, now)
    for name, group in groups.items():
        found_problems, files = _file_checks(root, group, found[name], "下级")
        problems += found_problems
        if found_problems:
            continue
        for c in group:
            theirs, _ = case_from(files[(c.link.commit, case_path(c.link.id))] or b"", c.link.id)
            if theirs is None:
                continue
            link = theirs.source.upstream
            if link is None or not link.names(office.fonds, office.prefix) or link.id != c.case.id:
                problems.append(_problem(c, f"下级事项 {c.link.id} 不是从本室的 {c.case.id} 登记的。"))
                continue
            report = theirs.closing_report() if theirs.stage_on() in CLOSED_STAGES else None
            entry = c.entry or {}
            if report is None:
                problems.append(_problem(c, f"下级事项 {c.link.id} 在该提交中尚未审核通过办理报告：只能采用下级审核通过的报告。"))
            elif (report.date.isoformat(), report.doc_no, report.signer, report.summary) != (
                    entry.get("date"), entry.get("doc_no"), entry.get("signer"), entry.get("summary")):
                problems.append(_problem(c, f"这份办理报告与下级 {c.link.id} 审核通过的报告（{report.date} {report.doc_no}）不一致："
                                            "采用下级的报告须照录其日期、发文字号、签发人和办理情况。"))
    return problems


def links_lost(root: Path, office: Office, cases: Sequence[Case]) -> list[Problem]:
    """``ducha verify``: every link in the records whose commit the other office's history, as last fetched here,
    no longer holds (that office rewrote its history). Offices never fetched here are not judged."""
    above = [(case, link) for case in cases if (link := case.upstream_link) is not None]
    below = [(case, index, r.downstream) for case in cases for index, r in enumerate(case.reports) if r.downstream]
    if not above and not below:
        return []
    neighbours = ([office.superior] if office.superior else []) + list(office.subordinates)
    heads = {r.name: r for r in readings(root, neighbours) if r.commit}
    offices = files_at_commits(root, [(r.commit or "", OFFICE_FILE) for r in heads.values()])
    by_fonds = {}
    for reading in heads.values():
        other, _ = office_from(offices[(reading.commit or "", OFFICE_FILE)])
        if other is not None:
            by_fonds[(other.fonds, other.prefix)] = reading
    cited: list[tuple[Case, PathKey, Link]] = [(case, ("source", "upstream"), link) for case, link in above]
    cited += [(case, ("reports", index, "downstream"), link) for case, index, link in below]
    problems = []
    for reading in {id(r): r for r in by_fonds.values()}.values():
        mine = [(case, where, link) for case, where, link in cited
                if by_fonds.get((link.office, link.prefix)) is reading]
        held = commits_in(root, reading.commit or "", {link.commit for _, _, link in mine})
        for case, where, link in mine:
            if link.commit not in held:
                problems.append(Problem(
                    case.path, 0, 0, format_path(where),
                    f"所链接的「{reading.name}」的提交 {link.short}（{link.id}）已不在对方的提交历史中"
                    f"（读取到 {(reading.commit or '')[:8]}）：对方改写了历史，链接所依据的记录可能已被改动。",
                    "与对方核实；请对方恢复原来的提交历史。上级事项确有新版本的，核实后用 `ducha intake --record` 登记。"))
    return problems
