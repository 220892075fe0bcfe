"""A reference model of what `ducha guard` promises, written from README's 「合并请求检查」 and issue 21.

It imports nothing of ducha: it reads a pull request as two states of the repository, what main
holds (``old``) and what would land (``new``, the merge result), with the messages of the pull
request's own commits, and says which problems the guard must report, each as (kind, file). The
kinds are the promises: ``trailer`` (审核 only from the platform), ``split`` (records and the system
apart), ``conflict``, ``remove`` (no record deleted, renamed or moved), ``rewrite`` (facts and logs
only appended, sealed and issued records untouched), ``manifest`` (archive manifests only appended),
``hidden`` (nothing hides under the record folders), ``late`` (a date written late says why),
``office`` (office.yaml moves no existing due date or light), ``deadline`` (a case's own due date
moves only with what explains it), ``notice`` (a notice's data_commit is in the history it lands
on), ``control`` (adopted_on set once, never ahead) and ``invalid`` (what validation refuses).

The calendar is written out by hand for the weeks the model's pull requests live in; the record
shapes are plain dicts as YAML reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

Date = dt.date
Data = dict[str, Any]

# --- The calendar: weekends, and 2026's rest days on weekdays and working weekend days (国办发明电〔2025〕7号). ----
REST = frozenset({Date(2026, 4, 6), Date(2026, 5, 1), Date(2026, 5, 4), Date(2026, 5, 5)})
WORK = frozenset({Date(2026, 5, 9)})
#: The model knows the calendar up to here (端午 starts on 19 June); nothing it computes goes beyond.
LAST = Date(2026, 6, 18)


class BeyondCalendar(Exception):
    """A date past what the model's calendar knows: the generator keeps away from it."""


def is_workday(day: Date, holidays: frozenset[Date]) -> bool:
    if day > LAST:
        raise BeyondCalendar(day)
    return (day in WORK or (day.weekday() < 5 and day not in REST)) and day not in holidays


def workdays_between(after: Date, through: Date, holidays: frozenset[Date]) -> int:
    """Working days in (after, through]."""
    count, day = 0, after + dt.timedelta(days=1)
    while day <= through:
        count += is_workday(day, holidays)
        day += dt.timedelta(days=1)
    return count


def add_workdays(start: Date, count: int, holidays: frozenset[Date]) -> Date:
    """The ``count``-th working day after ``start`` (start not counted)."""
    day = start
    while count:
        day += dt.timedelta(days=1)
        count -= is_workday(day, holidays)
    return day


# --- The office: default time limits by category (README, office.yaml's categories), revisions, holidays. -----
DEFAULT_LIMITS = {"领导批示": "5个工作日", "上级交办": "30个工作日", "人大代表建议": "3个月", "政协提案": "3个月"}
_WORKDAYS = re.compile(r"^(\d+)个工作日$")


def holidays_of(office: Mapping[str, Any]) -> frozenset[Date]:
    return frozenset(day for year in office.get("holiday_overrides", {}).values() for day in year.get("holidays", []))


def unit_names(office: Mapping[str, Any]) -> set[str]:
    return {unit["name"] for unit in office.get("units", [])}


def category_limit(office: Mapping[str, Any], category: str, assigned: Date) -> str | None:
    """The category's time limit for a case assigned on ``assigned``: the last revision in force then, or the rule."""
    rule = office.get("categories", {}).get(category, {})
    limit = rule.get("time_limit", DEFAULT_LIMITS.get(category))
    for revision in rule.get("revisions", []):
        if revision["effective_from"] <= assigned:
            limit = revision.get("time_limit", limit)
    return limit  # type: ignore[no-any-return]


def term_end(start: Date, limit: Any, holidays: frozenset[Date]) -> Date:
    if isinstance(limit, Date):
        return limit
    match = _WORKDAYS.match(str(limit))
    if match is None:
        raise BeyondCalendar(limit)  # months and days are never needed by the model's cases
    return add_workdays(start, int(match.group(1)), holidays)


# --- A case: its facts as corrected, its due date and light. ---------------------------------------------------
#: The facts (README: 事实不变, put right only by an appended correction) and the number (never changes).
FACTS = ("id", "title", "category", "priority", "source", "requirements", "parent", "registered", "assigned", "lead_unit",
         "co_units", "owner", "time_limit", "visibility")
#: What 交办 fixes: filled in before or with the first 交办, never afterwards.
ASSIGNMENT = ("lead_unit", "co_units", "time_limit")
#: Dated logs (only appended), with the field holding each entry's own date.
LOGS = {"receipts": "date", "progress": "date", "urges": "date", "extensions": "requested", "reports": "date",
        "reviews": "date", "followups": "date", "feedback": "date", "readings": "date", "submissions": "date",
        "attachments": "date", "corrections": "date"}
#: Logs of 承办: none before 交办, none dated before it.
AFTER_ASSIGNMENT = ("receipts", "progress", "urges", "extensions", "reports")
#: Blocks written once.
ONCE = ("cancelled", "archive", "approval")
#: Dates inside an entry that may be written after the entry itself (an approval), and what they are.
LATER_DATES = {"extensions": ("approved",)}
#: Corrections of these may move a due date.
TERM_FIELDS = ("category", "registered", "assigned", "time_limit")


def fact(case: Mapping[str, Any], key: str) -> Any:
    """A fact as the last approved correction of it says, else as first written."""
    value = case.get(key)
    for correction in case.get("corrections", []):
        if correction["field"] == key:
            value = correction["new"]
    return value


def closed(case: Mapping[str, Any]) -> bool:
    return any(review["result"] == "通过" for review in case.get("reviews", []))


def due_dates(case: Mapping[str, Any], office: Mapping[str, Any]) -> list[Date]:
    """The due date before each extension, and (last) the due date now; [] before 交办."""
    assigned = fact(case, "assigned")
    if assigned is None:
        return []
    holidays = holidays_of(office)
    limit = fact(case, "time_limit") or category_limit(office, fact(case, "category"), assigned)
    due = term_end(assigned, limit, holidays)
    dues = []
    for extension in case.get("extensions", []):
        dues.append(due)
        if "approved" in extension:
            due = extension["until"]
    return [*dues, due]


def due(case: Mapping[str, Any], office: Mapping[str, Any]) -> Date | None:
    found = due_dates(case, office)
    return found[-1] if found else None


def light(case: Mapping[str, Any], office: Mapping[str, Any], today: Date, yellow_days: int) -> str | None:
    """README 红黄绿灯: a reported case is on time or late by its report's date; an open one by the days left."""
    end = due(case, office)
    if end is None:
        return None
    if case.get("reports"):
        return "按期" if case["reports"][-1]["date"] <= end else "超期"
    if today > end:
        return "红灯"
    return "黄灯" if workdays_between(today, end, holidays_of(office)) <= yellow_days else "绿灯"


def case_invalid(path: str, case: Mapping[str, Any], office: Mapping[str, Any], today: Date) -> bool:
    """What validation refuses in one case, of the rules the model's pull requests can break."""
    units = unit_names(office)
    assigned, registered = case.get("assigned"), case["registered"]
    dates = [registered, *([assigned] if assigned else [])]
    for key, attr in LOGS.items():
        entries = case.get(key, [])
        days = [entry[attr] for entry in entries]
        if days != sorted(days) or (key in AFTER_ASSIGNMENT and entries and (assigned is None or days[0] < assigned)):
            return True
        dates += days + [entry[later] for entry in entries for later in LATER_DATES.get(key, ()) if later in entry]
    if path != f"cases/{str(case['id']).split('-')[1]}/{case['id']}.yaml" or any(day > today for day in dates):
        return True
    if assigned is not None:
        if assigned < registered:
            return True
        if fact(case, "lead_unit") not in units or not set(case.get("co_units", [])) <= units:
            return True
        handling = {fact(case, "lead_unit"), *case.get("co_units", [])}
        if any(receipt["unit"] not in handling for receipt in case.get("receipts", [])):
            return True
    current = dict(case)
    for correction in case.get("corrections", []):
        name = correction["field"]
        if correction.get("old", current.get(name)) != current.get(name) or correction["new"] == current.get(name):
            return True
        if name == "lead_unit" and correction["new"] not in units:
            return True
        current[name] = correction["new"]
    reviews, reports = case.get("reviews", []), case.get("reports", [])
    if not len(reports) - 1 <= len(reviews) <= len(reports) \
            or any(review["date"] < report["date"] for review, report in zip(reviews, reports, strict=False)):
        return True
    try:
        dues = due_dates(case, office)
    except BeyondCalendar:
        return False
    for extension, before in zip(case.get("extensions", []), dues, strict=False):
        if extension["requested"] > before or ("approved" in extension and (
                extension["until"] <= before or extension["approved"] < extension["requested"])):
            return True
    return False


# --- The repository as the model sees it. -----------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    """A symbolic link (git stores its target)."""

    target: str


File = bytes | Link
RECORD_DIRS = ("cases", "notices", "bulletins", "accountability", "attachments")
MANIFEST = "ARCHIVE.sha256"
OFFICE = "office.yaml"
_ISSUE_NAME = re.compile(r"^(\d{4})-\d{3,}\.yaml$")


@dataclass
class World:
    """One state of the repository: every file, the YAML the model wrote parsed (``docs``), and main's commits."""

    files: dict[str, File]
    docs: dict[str, Data]
    history: frozenset[str] = frozenset()

    @property
    def office(self) -> Data:
        return self.docs[OFFICE]

    def cases(self) -> Iterator[tuple[str, Data]]:
        """Every file read as a case: a .yaml anywhere under cases/."""
        for path, data in self.docs.items():
            if path.startswith("cases/") and path.endswith(".yaml") and isinstance(self.files.get(path), bytes):
                yield path, data


def top(path: str) -> str:
    return path.split("/", 1)[0]


def is_case_path(path: str) -> bool:
    return path.startswith("cases/") and path.endswith(".yaml")


def in_place(path: str, world: World) -> bool:
    """README 什么都藏不住: a regular file of a known kind in its known place."""
    parts = path.split("/")
    if isinstance(world.files[path], Link):
        return False
    if parts[0] == "cases":
        if path.endswith(".yaml"):
            return True  # read as a case wherever it lies under cases/: validation names a wrong place
        return len(parts) == 3 and parts[2] == MANIFEST and parts[1].isdigit()
    match = _ISSUE_NAME.match(parts[-1])
    return len(parts) == 3 and match is not None and match.group(1) == parts[1]


def renames(old: World, new: World, changed: set[str]) -> dict[str, str]:
    """A file gone from one path whose very bytes appear at a new path has moved there (git's rename)."""
    added = {new.files[p]: p for p in sorted(changed - old.files.keys())}
    return {p: added[old.files[p]] for p in sorted(changed - new.files.keys()) if old.files[p] in added}


# --- The promises. ------------------------------------------------------------------------------------------------
_CLAIM = re.compile(r"^[ \t]*(Reviewed-by|Reviewed-on|审核人|审核)[ \t]*[:：]", re.M)
Expect = tuple[str, str]


@dataclass
class Verdict:
    """What the guard must report (``must``), and what it may report beside it in the same file (``may``)."""

    must: set[Expect] = field(default_factory=set)
    may: set[Expect] = field(default_factory=set)


def verdict(old: World, new: World, commits: Sequence[tuple[str, str]], today: Date,
            conflicts: Iterable[str] = ()) -> Verdict:
    """What the guard must say of a pull request whose own commits are ``commits`` (sha, message), judged on what
    would land (``new``) against main (``old``), or, when git cannot merge the two, on the branch's own changes
    (``new`` against the fork, ``old``) with the ``conflicts`` named."""
    found = Verdict()
    must = found.must
    must |= {("trailer", f"（提交 {sha[:8]}）") for sha, message in commits if _CLAIM.search(message)}
    must |= {("conflict", path) for path in conflicts}
    changed = {p for p in old.files.keys() | new.files.keys() if old.files.get(p) != new.files.get(p)}
    records = {p for p in changed if top(p) in RECORD_DIRS}
    if records and changed - records:
        must.add(("split", min(changed - records)))
    moved = renames(old, new, changed)
    for path in sorted(records & old.files.keys()):
        is_manifest = path.endswith(MANIFEST)
        if path not in new.files:
            must.add(("manifest", path) if is_manifest else ("remove", moved.get(path, path)))
        elif is_manifest:
            old_text, new_text = old.files[path], new.files[path]
            if not (isinstance(new_text, bytes) and isinstance(old_text, bytes) and new_text.startswith(old_text)):
                must.add(("manifest", path))
        elif not is_case_path(path) or "archive" in old.docs[path]:
            must.add(("rewrite", path))  # issued notices and bulletins, sealed records: not a byte changes
        elif rewritten(old.docs[path], new.docs[path]):
            must.add(("rewrite", path))
    must |= {("hidden", p) for p in new.files if top(p) in RECORD_DIRS and p in changed and not in_place(p, new)}
    must |= {("invalid", p) for p, case in new.cases() if in_place(p, new) and case_invalid(p, case, new.office, today)}
    must |= {("invalid", p) for p in issue_gaps(new)}
    before = {new_path: old_path for old_path, new_path in moved.items()}
    for path, case in new.cases():
        was = old.docs.get(before.get(path, path)) if before.get(path, path) in old.files else None
        if late(was, case, new.office, today):
            must.add(("late", path))
        if was is not None and path in old.files and path not in moved.values():
            moves = own_due_moves(was, case, new.office)
            if moves and any(p == path for _, p in must):
                found.may.add(("deadline", path))
            elif moves:
                must.add(("deadline", path))
    must |= {("notice", p) for p in records - old.files.keys() if p.startswith("notices/") and p in new.docs
             and new.docs[p]["data_commit"] not in new.history}
    if old.office != new.office:
        changes = office_changes(old, new, today)
        if ("invalid", OFFICE) in changes and ("office", OFFICE) in changes:
            changes.discard(("office", OFFICE))  # due dates under an office.yaml that does not read are not judged
            found.may.add(("office", OFFICE))
        must |= changes
    return found


def rewritten(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether a case's change rewrites what was recorded instead of adding to it."""
    for key in dict.fromkeys([*old, *new]):
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if key in LOGS:
            before, after = was or [], now or []
            if len(after) < len(before):
                return True
            for entry, then in zip(before, after, strict=False):
                added = {k: v for k, v in then.items() if k not in entry}
                if {k: then[k] for k in entry if k in then} != entry or (added and not (
                        key == "extensions" and "approved" not in entry and set(added) <= {"approved", "approved_by"})):
                    return True
        elif key in FACTS:
            if isinstance(was, dict) and isinstance(now, dict):
                if any(now.get(sub) != value for sub, value in was.items()):
                    return True
            elif was is not None or (key in ASSIGNMENT and "assigned" in old):
                return True
        elif key in ONCE and was is not None:
            return True
    return False


def written_dates(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> Iterator[tuple[Date, bool]]:
    """Issue 21 item 4: every date a change writes into a record (new record, new entry, or a date added to an old
    entry), with whether a 补录 reason stands beside it."""
    if old is None:
        for key in ("registered", "assigned"):
            if key in new:
                yield new[key], bool(new.get("late_reason"))
    elif "assigned" in new and "assigned" not in old:
        yield new["assigned"], bool(new.get("assigned_late_reason"))
    for key, attr in LOGS.items():
        before = (old or {}).get(key, [])
        for index, entry in enumerate(new.get(key, [])):
            if index >= len(before):
                yield entry[attr], bool(entry.get("late_reason"))
                yield from ((entry[later], bool(entry.get("late_reason"))) for later in LATER_DATES.get(key, ()) if later in entry)
            else:
                yield from ((entry[later], bool(entry.get(f"{later}_late_reason"))) for later in LATER_DATES.get(key, ())
                            if later in entry and later not in before[index])


def late(old: Mapping[str, Any] | None, new: Mapping[str, Any], office: Mapping[str, Any], today: Date) -> bool:
    """README 补录: written more than late_entry_workdays after its date, without late_reason (before adoption, never)."""
    adopted = office.get("adopted_on")
    if adopted is not None and today <= adopted:
        return False
    limit, holidays = office.get("late_entry_workdays", 3), holidays_of(office)
    return any(not reason and day <= today and workdays_between(day, today, holidays) > limit
               for day, reason in written_dates(old, new))


def own_due_moves(old: Mapping[str, Any], new: Mapping[str, Any], office: Mapping[str, Any]) -> bool:
    """A case's due date moved, with no approval, no correction of its term and no reopening appended to explain it."""
    try:
        before, after = due(old, office), due(new, office)
    except BeyondCalendar:
        return False
    if before is None or before == after:
        return False
    approvals = [sum("approved" in e for e in case.get("extensions", [])) for case in (old, new)]
    terms = [c["field"] for c in new.get("corrections", [])[len(old.get("corrections", [])):] if c["field"] in TERM_FIELDS]
    return approvals[1] <= approvals[0] and not terms


def office_changes(old: World, new: World, today: Date) -> set[Expect]:
    """README 1: every existing case keeps the due date and light the base's office.yaml gave it (yellow_days aside);
    issue 21 item 5: adopted_on is set once and never ahead."""
    found: set[Expect] = set()
    yellow = old.office.get("yellow_days", 3)
    for _, case in old.cases():
        try:
            if (due(case, old.office), light(case, old.office, today, yellow)) != \
                    (due(case, new.office), light(case, new.office, today, yellow)):
                found.add(("office", OFFICE))
        except BeyondCalendar:
            continue
    was, now = old.office.get("adopted_on"), new.office.get("adopted_on")
    if (was is not None and now != was) or (now is not None and now > today):
        found.add(("control", OFFICE))
    if not 1 <= new.office.get("late_entry_workdays", 3) <= 10:
        found.add(("invalid", OFFICE))
    for rule in new.office.get("categories", {}).values():
        starts = [revision["effective_from"] for revision in rule.get("revisions", [])]
        if any(later <= earlier for earlier, later in pairwise(starts)):
            found.add(("invalid", OFFICE))
    return found


def issue_gaps(world: World) -> set[str]:
    """Issued notices and bulletins are numbered without a gap within their year: the one after a gap is refused."""
    gaps = set()
    for folder in ("notices", "bulletins"):
        numbers = sorted((int(data["number"]), path) for path, data in world.docs.items()
                         if path.startswith(f"{folder}/") and isinstance(world.files.get(path), bytes) and in_place(path, world))
        gaps |= {path for (before, _), (number, path) in pairwise(numbers) if number > before + 1}
    return gaps
