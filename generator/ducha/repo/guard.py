"""``ducha guard --base REV``: a pull request may add to the records, never rewrite, hide or remove them.

What is judged is what the pull request would land: REV's tip merged with the branch (and
with what is not committed yet), compared with REV's tip (``repo.landing``). A branch that is
behind main is therefore neither blamed for main's newer entries nor able to undo a seal or
a notice main made after it forked; a merge that conflicts is refused, naming the files.
Refused:

- a commit of the pull request (any in REV..HEAD, merges included) whose message claims a
  review: 审核 is written by the platform when it merges (``repo.reviews``);
- a pull request that changes records (cases/, notices/, bulletins/) and anything else:
  records and the system that judges them are reviewed apart;
- a record file deleted, renamed or moved (cases, issued notices, 督查专报, archive manifests);
- a case's facts rewritten in place (a mistake is put right by an appended, approved
  correction), a dated log entry edited or removed, an archived record touched, an
  archive manifest changed other than by appending, an issued notice or bulletin touched;
- an existing case whose due date or light comes out differently under the head's
  office.yaml than under the base's, or whose own due date moves without an approved
  extension or a correction appended in this pull request;
- a 考核 result that its data commit does not give, or scoring rules that change the scores
  of a period already ended (``repo.scoreguard``);

and everything validation refuses (including a file of unknown kind under the record folders).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha.errors import DataError, Problem
from ducha.io.yamlfile import YamlDocument, format_path, parse_yaml, read_yaml
from ducha.load.office import parse_office
from ducha.load.validate import ValidationResult, validate_repository
from ducha.model.assessments import ASSESSMENTS_DIR
from ducha.model.case import ATTACHMENTS_DIR, CASES_DIR, MANIFEST_NAME, Case, build_case
from ducha.model.corrections import edit_as_corrections, moves_due
from ducha.model.demo import DEMO_LIST, parse_demo_list
from ducha.model.logs import LOG_KINDS, LOGS
from ducha.model.measures import ACCOUNTABILITY, MEASURES_DIR
from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR
from ducha.model.office import OFFICE_FILE, Office
from ducha.model.surveys import SURVEYS_DIR
from ducha.repo.additions import added_problems
from ducha.repo.blobs import files_at
from ducha.repo.changes import FACTS, IDENTITY, Kind, compare
from ducha.repo.filechanges import changed_files
from ducha.repo.landing import landed
from ducha.repo.linkcheck import link_problems
from ducha.repo.manifest import read_manifest_text
from ducha.repo.refs import merge_base, resolve
from ducha.repo.reviews import claimed_reviews
from ducha.repo.scoreguard import closed_scores_moved
from ducha.repo.values import FileChange
from ducha.rules import schema
from ducha.rules.calendar import Calendar, calendar_for
from ducha.rules.deadlines import Status, deadline
from ducha.rules.layout import RECORD_DIRS

_APPEND_ONLY_FIX = ("恢复原来的内容；已记录的条目只能追加，不能改写或删除。值确有错误的，在 corrections（更正）末尾追加一条：field 写"
                    "该值的位置（如 reports[0].doc_no），写明 date、old（原值）、new（新值）、reason（理由）和 approved_by（批准人）。")
_IDENTITY_FIX = "恢复原值：编号一经使用不能更改。编号错了的事项，填写撤销（cancelled）并报批后，用 ducha new 重新立项。"
_FACT_FIX = ("恢复原来写下的值。确有错误的，在 corrections（更正）末尾追加一条，写明 date（日期）、field（字段）、"
             "old（原值）、new（新值）、reason（理由）和 approved_by（批准人）：经批准的更正在各处按新值显示，原值留在记录中。")
_SPLIT_FIX = ("把改动拆成两个合并请求：一个只含 cases/、notices/、bulletins/、accountability/、surveys/ 等下的记录，"
              "另一个只含其他文件"
              "（由督查室管理员审核）。可用 `git checkout 基准分支 -- 文件` 从本分支撤下其中一类改动。")
_OFFICE_FIX = ("撤销这项改动。只适用于新事项的时限变更，写进该来源类型的 revisions（规则修订），注明晚于已有事项交办日期的 "
               "effective_from（生效日期）；日历包已收录年份的节假日不能改写。确需改变某个已有事项期限的，"
               "在该事项中追加经批准的延期（extensions）或更正（corrections）。")
_ISSUED = {NOTICES_DIR: "已印发的督查通报", BULLETINS_DIR: "已印发的督查专报", MEASURES_DIR: "已下达（记录）的督查问责记录",
           SURVEYS_DIR: "已合并的督查调研或调查记录", ASSESSMENTS_DIR: "已印发的考核结果"}
_SHOWN = 5


@dataclass(frozen=True)
class GuardResult:
    """What the guard found, compared with ``base`` (the base branch's tip); ``merged``: the branch was behind
    it, and what was judged is the two merged."""

    base: str
    changed: int
    problems: tuple[Problem, ...]
    merged: bool = False


def _top(path: str) -> str:
    return path.split("/", 1)[0]


def _is_record(change: FileChange) -> bool:
    return _top(change.path) in RECORD_DIRS or (change.old_path is not None and _top(change.old_path) in RECORD_DIRS)


def _demo_removals(root: Path, fork: str, changes: list[FileChange]) -> set[str]:
    """Deleted records that the base's DEMO.sha256 lists, unchanged: removing them starts an office's own records.

    An archive manifest goes with them when everything it sealed is demo data.
    """
    deleted = [c.path for c in changes if c.status == "D" and _is_record(c)]
    listed_raw = files_at(root, fork, [DEMO_LIST]).get(DEMO_LIST) if deleted else None
    if listed_raw is None:
        return set()
    listed = parse_demo_list(listed_raw.decode("utf-8", "replace"))
    removable = set()
    for path, raw in files_at(root, fork, deleted).items():
        if raw is None:
            continue
        if path.endswith(MANIFEST_NAME):
            demo_only = all(e.path in listed for e in read_manifest_text(raw.decode("utf-8", "replace")))
        else:
            demo_only = hashlib.sha256(raw).hexdigest() == listed.get(path)
        if demo_only:
            removable.add(path)
    return removable


def _split(changes: list[FileChange]) -> list[Problem]:
    """Records and the system change apart: one pull request touching both is refused."""
    records = sorted(c.path for c in changes if _is_record(c))
    system = sorted(c.path for c in changes if not _is_record(c))
    if not records or not system:
        return []
    shown = "、".join(system[:_SHOWN]) + (f" 等 {len(system)} 个" if len(system) > _SHOWN else "")
    return [Problem(system[0], 0, 0, "", f"同一合并请求既改动了记录（{len(records)} 个文件，如 {records[0]}），"
                                         f"又改动了记录以外的文件（{shown}）：记录与系统（程序、格式、配置、CI、测试）"
                                         "必须分开提交、分别审核，否则一个合并请求就能改掉评判它的规则。", _SPLIT_FIX)]


def _problem(doc: YamlDocument | None, path: str, where: tuple[str | int, ...], message: str, fix: str,
             in_old: bool = False) -> Problem:
    line, column = doc.mark(where) if doc is not None else (0, 0)
    if in_old and line:
        message += f"（原文件第 {line} 行）"
        line, column = 0, 0
    return Problem(path, line, column, format_path(where), message, fix)


def _fix_for(key: str | int) -> str:
    if key in IDENTITY:
        return _IDENTITY_FIX
    return _FACT_FIX if key in FACTS else _APPEND_ONLY_FIX


def _entry_fix(where: tuple[str | int, ...], old: dict[str, Any], new: dict[str, Any]) -> str:
    """For an entry edited in place: the corrections that say what the edit meant to, one per value changed."""
    if not (wanted := edit_as_corrections(where, old, new)):
        return _APPEND_ONLY_FIX
    said = "；".join(f"field: {field}，old: {was}，new: {now}" for field, was, now in wanted)
    return ("恢复原来的内容：已记录的条目不能改写。原记录确有错误的，在 corrections（更正）末尾追加经批准的更正"
            f"（{'每个值一条' if len(wanted) > 1 else '一条'}）——{said}——并写明 date（批准日期）、reason（理由）和 "
            "approved_by（批准人）：更正后各处按新值显示，原值留在记录中。")


def _check_case(root: Path, change: FileChange, old_raw: bytes, sealed: Mapping[str, str]) -> list[Problem]:
    path, old_path = change.path, change.old_path or change.path
    old_doc, _ = parse_yaml(old_raw, old_path)
    if change.status == "D":
        return [Problem(old_path, 0, 0, "", "删除了督查事项文件：督查事项不能删除。",
                        "恢复该文件（git checkout 基准分支 -- 文件）；如事项不再办理，填写撤销（cancelled）并报批。")]
    if old_path != path:
        return [Problem(path, 0, 0, "id", f"文件由 {old_path} 改名或移动为 {path}：记录的文件名和位置由编号决定，"
                                          "一经使用不能更改（改名后各处按新名字读，原编号会被再次发放）。",
                        f"用 git mv 改回 {old_path}。")]
    new_doc, _ = read_yaml(root / path, path)
    old_data = old_doc.data if old_doc is not None else None
    new_data = new_doc.data if new_doc is not None else None
    if old_path in sealed or (isinstance(old_data, dict) and "archive" in old_data):
        if (root / path).read_bytes() != old_raw:
            return [Problem(path, 0, 0, "archive", "该记录已归档封存，不能再做任何修改。",
                            "撤销对该文件的全部改动；归档记录如确需更正，须经档案管理程序另行处理。")]
        return []
    if not isinstance(old_data, dict) or not isinstance(new_data, dict):
        return []  # unreadable: validation reports why
    problems = []
    for item in compare(old_data, new_data):
        if item.kind is Kind.REWRITTEN:
            key = item.path[0] if item.path else ""
            doc = old_doc if item.in_old else new_doc
            text = f"{item.text}：{'编号' if key in IDENTITY else '已记录的事实'}不能改写。" if key in IDENTITY + FACTS \
                else f"{item.text}：已记录的内容只能追加，不能改写或删除。"
            fix = _entry_fix(item.path, old_data, new_data) if key in LOGS and not item.in_old else _fix_for(key)
            problems.append(_problem(doc, path, item.path, text, fix, in_old=item.in_old))
    return problems


def _check_manifest(root: Path, change: FileChange, old: bytes) -> list[Problem]:
    new = (root / change.path).read_bytes() if change.status != "D" and (root / change.path).exists() else b""
    if change.status in "DR" or not new.startswith(old):
        return [Problem(change.old_path or change.path, 0, 0, "",
                        "改动、删除或移动了归档清单中已有的内容：归档清单只能追加。",
                        "恢复原有各行和原文件位置，只在末尾追加新归档的记录（由 ducha archive 写入）。")]
    return []


def _check_issued(change: FileChange) -> Problem:
    """Any change to an issued notice or bulletin: they are published documents."""
    old_path = change.old_path or change.path
    what = _ISSUED[_top(old_path)]
    if change.status == "D":
        return Problem(old_path, 0, 0, "", f"删除了{what}：印发后不得删除。", "恢复该文件（git checkout 基准分支 -- 文件）。")
    if old_path != change.path:
        return Problem(change.path, 0, 0, "", f"把{what} {old_path} 改名或移动为 {change.path}：印发后不得改名。",
                       f"用 git mv 改回 {old_path}。")
    return Problem(change.path, 0, 0, "", f"改动了{what}：印发后不得修改。", "撤销对该文件的改动；如需更正，另行印发新的一期。")


def _outcome_appended(root: Path, change: FileChange, old: bytes) -> bool:
    """The one change a merged 督查问责 record takes: a 问责's outcome (处理结果), appended once, the
    record above it untouched to the byte (实施办法 第十六条（三）：问责及处理结果在一定范围内公布)."""
    if _top(change.path) != MEASURES_DIR or change.status != "M" or change.old_path not in (None, change.path):
        return False
    new = (root / change.path).read_bytes()
    if not (old.endswith(b"\n") and new.startswith(old)):
        return False
    before, _ = parse_yaml(old, change.path)
    after, _ = parse_yaml(new, change.path)
    if before is None or after is None or not isinstance(before.data, dict) or not isinstance(after.data, dict):
        return False
    added = set(after.data) - set(before.data)
    return (before.data.get("kind") == ACCOUNTABILITY and added == {"outcome"}
            and all(after.data[key] == value for key, value in before.data.items()))


def _check_attachment(change: FileChange) -> Problem:
    """Any change to a registered attachment: its record names it by its SHA-256."""
    old_path = change.old_path or change.path
    if change.status == "D":
        return Problem(old_path, 0, 0, "", "删除了已登记的附件：附件随记录保存、归档，不能删除。",
                       "恢复该文件（git checkout 基准分支 -- 文件）。")
    if old_path != change.path:
        return Problem(change.path, 0, 0, "", f"把附件 {old_path} 改名或移动为 {change.path}：记录按原文件名登记。",
                       f"用 git mv 改回 {old_path}。")
    return Problem(change.path, 0, 0, "", "改动了已登记的附件：记录中登记的 SHA-256 是原文件的。",
                   "恢复原文件（git checkout 基准分支 -- 文件）；新的版本用 `ducha attach` 另取文件名登记。")


def _sealed_at_base(blobs: Mapping[str, bytes | None]) -> dict[str, str]:
    sealed: dict[str, str] = {}
    for path, raw in blobs.items():
        if path.endswith(MANIFEST_NAME) and raw is not None:
            for entry in read_manifest_text(raw.decode("utf-8", "replace")):
                sealed[entry.path] = entry.sha256
    return sealed


def _case_at(raw: bytes | None, path: str) -> tuple[Case | None, dict[str, Any] | None]:
    """A case as another version held it (None when it does not read cleanly)."""
    if raw is None:
        return None, None
    doc, problems = parse_yaml(raw, path)
    if doc is None or problems or schema.check(doc, "case"):
        return None, None
    case, _ = build_case(doc)
    return case, doc.data


def _explained(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether the pull request appends what may move a due date: an approval, a correction of a term,
    or an entry that reopens the case for another round with its own time limit (再督查, 重新办理)."""
    def approved(data: Mapping[str, Any]) -> int:
        return sum(1 for e in data.get("extensions", []) if "approved" in e)

    def appended(key: str) -> list[Any]:
        return list(new.get(key, []))[len(old.get(key, [])):]

    reopened = any(kind.reopens(entry) for kind in LOG_KINDS if kind.reopening for entry in appended(kind.key))
    return (approved(new) > approved(old) or any(moves_due(str(c.get("field"))) for c in appended("corrections"))
            or reopened)


def _safe_deadline(case: Case, office: Office, today: dt.date, calendar: Calendar) -> Status | None:
    try:
        return deadline(case, office, today, calendar)
    except ValueError:  # a term beyond the calendar: validation reports it
        return None


def _own_deadline(case_path: str, old: tuple[Case | None, dict[str, Any] | None], new: Case | None,
                  new_data: Mapping[str, Any] | None, office: Office, today: dt.date) -> list[Problem]:
    """A case's own due date moves only with what this pull request appends to explain it."""
    (old_case, old_data), calendar = old, calendar_for(office.holiday_overrides)
    if old_case is None or new is None or old_data is None or new_data is None:
        return []
    before, after = _safe_deadline(old_case, office, today, calendar), _safe_deadline(new, office, today, calendar)
    if before is None or after is None or before.due is None or before.due == after.due:
        return []
    if _explained(old_data, new_data):
        return []
    return [Problem(case_path, 0, 0, "time_limit", f"到期日由 {before.due} 变为 {after.due}，但本次没有追加经批准的延期或更正："
                                                   "到期日只能由经批准的延期（extensions）或更正（corrections）改变。",
                    "撤销改变到期日的改动；确需延期的，追加延期申请并写明批准日期和批准人。")]


def _changed_keys(old: Any, new: Any, prefix: str = "", depth: int = 2) -> list[str]:
    """Dotted keys (two levels deep) whose values differ between two versions of office.yaml."""
    if depth == 0 or not isinstance(old, dict) or not isinstance(new, dict):
        return [prefix] if old != new else []
    keys: list[str] = []
    for key in dict.fromkeys([*old, *new]):
        keys += _changed_keys(old.get(key), new.get(key), f"{prefix}.{key}" if prefix else str(key), depth - 1)
    return keys


def _office_moves(root: Path, base_raw: bytes, cases: Iterable[Case], today: dt.date) -> list[Problem]:
    """Every existing case keeps the due date and light the base's office.yaml gave it."""
    head_raw = (root / OFFICE_FILE).read_bytes() if (root / OFFICE_FILE).exists() else None
    if head_raw is None or head_raw == base_raw:
        return []
    try:
        before_office, after_office = parse_office(base_raw), parse_office(head_raw)
    except DataError:
        return []  # validation reports a broken office.yaml
    # Yellow thresholds (priorities' too) are warning settings the office may change; the calendar and time limits are not.
    after_office = dataclasses.replace(after_office, yellow_days=before_office.yellow_days,
                                       priorities=before_office.priorities)
    before_calendar = calendar_for(before_office.holiday_overrides)
    after_calendar = calendar_for(after_office.holiday_overrides)
    moved: list[tuple[Case, Status, Status]] = []
    for case in cases:
        before = _safe_deadline(case, before_office, today, before_calendar)
        after = _safe_deadline(case, after_office, today, after_calendar)
        # A guessed date may become the official one; an assigned case with no due date at all (its category had
        # no default, which validation refuses) gets its first, which moves nothing.
        if before is None or after is None or before.provisional or before.due is None:
            continue
        if (before.due, before.light) != (after.due, after.light):
            moved.append((case, before, after))
    if not moved:
        return []
    moved.sort(key=lambda item: item[0].id)
    shown = "；".join(f"{c.id} {b.due or '无'}（{b.light.label}）→ {a.due or '无'}（{a.light.label}）"
                     for c, b, a in moved[:_SHOWN])
    more = f"；另有 {len(moved) - _SHOWN} 个" if len(moved) > _SHOWN else ""
    old_doc, _ = parse_yaml(base_raw, OFFICE_FILE)
    new_doc, _ = parse_yaml(head_raw, OFFICE_FILE)
    keys = _changed_keys(old_doc.data if old_doc else None, new_doc.data if new_doc else None)
    first = tuple(keys[0].split(".")) if keys else ()
    line, column = new_doc.mark(first) if new_doc is not None and first else (0, 0)
    return [Problem(OFFICE_FILE, line, column, "、".join(keys[:3]),
                    f"office.yaml 的改动使 {len(moved)} 个已有事项的到期日或灯色随之改变（{shown}{more}）："
                    "已有事项的期限只能由经批准的延期或更正改变。", _OFFICE_FIX)]


def guard(root: Path, base: str, today: dt.date, now: dt.datetime | None = None) -> GuardResult:
    """Every problem in what the branch at ``root`` (with its uncommitted changes) would land on ``base``.

    Links to other offices' records (上下联动) are checked against what ``root`` fetched of them; ``now``: the time
    of a fetch, when a link cites a commit not fetched yet.
    """
    tip = resolve(root, base)
    fork = merge_base(root, tip)
    if fork is None:
        return GuardResult(tip, 0, (Problem("（提交历史）", 0, 0, "", f"当前分支与 {base} 没有共同的提交历史：历史可能被重建或改写，"
                                                                  "无法判断改动了什么。",
                                            f"从 {base} 新建分支（git switch -c 新分支 {base}），把要提交的记录改动重新加上。"),))
    claims = _claimed_reviews(root, tip)
    neighbours = Neighbours(root, now)
    if fork == tip:  # up to date with the base: what lands is this working tree
        found = judge(root, tip, today, neighbours=neighbours)
        return dataclasses.replace(found, problems=_sorted([*claims, *found.problems]))
    with landed(root, tip) as landing:
        if landing.root is not None:
            found = judge(landing.root, tip, today, neighbours=neighbours)
            return GuardResult(tip, found.changed, _sorted([*claims, *found.problems]), merged=True)
    # It cannot be merged as it is: the conflicts, and what the branch itself changed since it forked.
    found = judge(root, fork, today, neighbours=neighbours)
    conflicts = [Problem(path, 0, 0, "", f"本分支与 {base} 都改动了这个文件，合并时冲突：无法判断合并后的记录。",
                         f"先把 {base} 合并进本分支（git fetch 后 git merge {base}），解决冲突后再提交；记录只能在末尾追加，"
                         "解决冲突时保留双方追加的条目。") for path in landing.conflicts]
    return GuardResult(tip, found.changed, _sorted([*claims, *conflicts, *found.problems]), merged=True)


def _sorted(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(set(problems), key=Problem.sort_key))


def _claimed_reviews(root: Path, tip: str) -> list[Problem]:
    """The pull request's own commits carry no review trailer: only the platform writes 审核, when it merges."""
    return [Problem(f"（提交 {claim.sha[:8]}）", 0, 0, "",
                    f"提交 {claim.sha[:8]}「{claim.subject}」的说明中写有审核记录（{'；'.join(claim.lines)}）："
                    "审核只能由平台在合并时写入，合并请求中的提交（含合并提交）不得带有 Reviewed-by、Reviewed-on、审核、审核人等行。",
                    "改写本分支的提交说明，删去这些行（git rebase -i 基准分支，把该提交标为 reword；合并提交加 --rebase-merges），"
                    "再强制推送本分支（git push --force-with-lease）；或从基准分支新建分支，重新提交改动。")
            for claim in claimed_reviews(root, tip)]


@dataclass(frozen=True)
class Neighbours:
    """Where the other offices' records were fetched (the office's own repository, not a scratch merge of it), and
    the time of a fetch if one is needed."""

    home: Path
    now: dt.datetime | None = None


def judge(root: Path, fork: str, today: dt.date, whole: bool = True, neighbours: Neighbours | None = None) -> GuardResult:
    """Every problem in the change from ``fork`` to the working tree at ``root``; unless ``whole``, only what a
    change may do to the records already there (for a commit inside a pull request, judged whole when it lands).
    Links to other offices are checked where ``neighbours`` says they were fetched (not on the server's hook)."""
    changes = changed_files(root, fork, None, untracked_in=RECORD_DIRS)
    demo = _demo_removals(root, fork, changes)  # the start of an office (ducha init): not a deletion of records
    problems = _split([c for c in changes if c.path not in demo]) if whole else []
    records = [c for c in changes if _is_record(c) and c.path not in demo]
    old_paths = sorted({c.old_path or c.path for c in records}
                       | {f"{CASES_DIR}/{c.path.split('/')[1]}/{MANIFEST_NAME}" for c in records
                          if c.path.startswith(f"{CASES_DIR}/") and c.path.count("/") >= 2})
    blobs = files_at(root, fork, [*old_paths, OFFICE_FILE])
    sealed = _sealed_at_base(blobs)
    changed = 0
    for change in records:
        old_path = change.old_path or change.path
        old_raw = blobs.get(old_path)
        if old_raw is None:
            if change.path.startswith(f"{CASES_DIR}/") and change.path.endswith(".yaml"):
                changed += 1
            continue  # a new file: validation and the layout check cover it
        if _top(old_path) == ATTACHMENTS_DIR:
            problems.append(_check_attachment(change))
        elif _top(old_path) in _ISSUED:
            if not _outcome_appended(root, change, old_raw):
                problems.append(_check_issued(change))
        elif old_path.endswith(MANIFEST_NAME):
            problems += _check_manifest(root, change, old_raw)
        elif old_path.endswith(".yaml"):
            changed += 1
            problems += _check_case(root, change, old_raw, sealed)
    if not whole:
        return GuardResult(fork, changed, _sorted(problems))
    head = validate_repository(root, today, ahead_in={c.path for c in records})  # the base was judged when it landed
    problems += head.problems
    problems += _deadlines(root, fork, records, blobs, head, today, set(problems))
    problems += closed_scores_moved(root, blobs.get(OFFICE_FILE), today)
    if head.office is not None:
        problems += added_problems(root, records, blobs, head.office, today, fork)
        if neighbours is not None:
            problems += link_problems(neighbours.home, head.office, records, blobs, today, neighbours.now, files=root)
    return GuardResult(fork, changed, tuple(sorted(set(problems), key=Problem.sort_key)))


def _deadlines(root: Path, fork: str, records: list[FileChange], blobs: Mapping[str, bytes | None],
               head: ValidationResult, today: dt.date, found: set[Problem]) -> list[Problem]:
    """Due dates move only by what explains them: per changed case, and for every case under office.yaml."""
    if head.office is None:
        return []
    by_path = {case.path: case for case in head.cases}
    refused = {p.file for p in found}
    base_cases: dict[str, Case] = {}
    problems: list[Problem] = []
    for change in records:
        old_path = change.old_path or change.path
        if not old_path.startswith(f"{CASES_DIR}/") or not old_path.endswith(".yaml"):
            continue
        old = _case_at(blobs.get(old_path), old_path)
        if old[0] is not None:
            base_cases[old_path] = old[0]
        if change.status == "M" and change.path not in refused:
            new_doc, _ = read_yaml(root / change.path, change.path)
            problems += _own_deadline(change.path, old, by_path.get(change.path),
                                      new_doc.data if new_doc is not None else None, head.office, today)
    base_office = blobs.get(OFFICE_FILE)
    if base_office is not None:
        touched = {c.path for c in records}
        unchanged = (case for path, case in by_path.items() if path not in touched)
        problems += _office_moves(root, base_office, [*unchanged, *base_cases.values()], today)
    return problems
