"""What changed between two versions of a record, in the office's own words.

Pure: it compares plain data (as ``yamlfile`` reads it). The audit trail shows these
changes; the guard refuses the ones that rewrite history instead of adding to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ducha.io.yamlfile import PathKey
from ducha.model.logs import APPROVAL_KEYS, LOGS, extension_term, late_mark
from ducha.rules import schema as schemas

#: The number: never changes, not even by a correction (a wrong number is cancelled and re-registered).
IDENTITY = ("id",)
#: Facts fixed once recorded: never edited in place. A mistake is put right by an appended,
#: approved correction (``corrections``), which the model applies everywhere.
FACTS = ("title", "category", "priority", "source", "requirements", "parent", "registered", "assigned", "lead_unit",
         "co_units", "time_limit", "owner", "visibility")
#: Written at 交办: may be filled in before or together with the first 交办, fixed from then on.
ASSIGNMENT = ("lead_unit", "co_units", "time_limit")
#: What the guard protects as written (everything except the free working notes).
FIXED = IDENTITY + FACTS
#: One-time blocks, and the reasons a record was written late (补录): once there, they stay as written.
ONCE = ("cancelled", "archive", "approval", "late_reason", "assigned_late_reason")
#: A version whose data did not change (comments, spacing, or a move).
UNCHANGED = "格式调整（内容未变）"


class Kind(Enum):
    """Whether a change adds to the record or rewrites it."""

    ADDED = "added"  # allowed: new entries, first values of facts, the working notes
    REWRITTEN = "rewritten"  # refused by the guard


@dataclass(frozen=True)
class Change:
    """One change, located at ``path`` in the newer version (the older when removed)."""

    kind: Kind
    path: PathKey
    text: str
    in_old: bool = False  # the path points into the older version (something removed)
    about: str = ""  # the record's field whose values the text shows, when not the path's own (a correction's field)

    @property
    def field(self) -> str:
        """The top-level field of the record whose values this change shows: who may see it depends on it."""
        return (self.about or str(self.path[0] if self.path else "")).partition(".")[0]


def field_name(key: str) -> str:
    """The Chinese name of a record's top-level field, as the schema titles it."""
    return schemas.label("case", (key,)).strip("「」")


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_show(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{k}: {_show(v)}" for k, v in value.items())
    return str(value)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _term(data: dict[str, Any], upto: int) -> str:
    """The time limit in force before extension ``upto``: the last approved term, or the original."""
    for extension in reversed(data.get("extensions", [])[:upto]):
        if "approved" in extension:
            return extension_term(extension.get("until"), extension.get("time_limit"))
    return str(data.get("time_limit", "默认时限"))


def _extension_text(data: dict[str, Any], index: int) -> str:
    extension = data["extensions"][index]
    new = extension_term(extension.get("until"), extension.get("time_limit"))
    return f"办理时限 {_term(data, index)} → {new}（延期，{extension.get('approved_by', '')}批准）"


def _milestone_wording(entry: dict[str, Any]) -> str:
    return f"新增节点「{entry.get('name', '')}」（完成期限 {entry.get('due') or entry.get('time_limit', '')}）"


#: Lists that are not dated logs but, once written, are only added to: the 节点 of the plan.
PLANS = {"milestones": _milestone_wording}


def _appended(data: dict[str, Any], key: str, index: int) -> str:
    entry = data[key][index]
    if key == "extensions" and "approved" in entry:
        return _extension_text(data, index)
    if key in PLANS:
        return PLANS[key](entry) if isinstance(entry, dict) else f"新增{field_name(key)}"
    return LOGS[key].wording(entry)


def _log_changes(key: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = old.get(key, []), new.get(key, [])
    if not isinstance(before, list) or not isinstance(after, list):
        return [Change(Kind.REWRITTEN, (key,), f"{field_name(key)}的结构被改写")]
    changes: list[Change] = []
    for index in range(min(len(before), len(after))):
        was, now = before[index], after[index]
        if was == now:
            continue
        if (key == "extensions" and isinstance(was, dict) and isinstance(now, dict)
                and "approved" not in was and set(now) - set(was) <= APPROVAL_KEYS
                and {k: v for k, v in now.items() if k not in APPROVAL_KEYS} == was):
            late = now.get("approved_late_reason")
            changes.append(Change(Kind.ADDED, (key, index), _extension_text(new, index) + (late_mark(late) if late else "")))
        else:
            changes.append(Change(Kind.REWRITTEN, (key, index), f"改写了{field_name(key)}第{index + 1}条"))
    for index in range(len(after), len(before)):
        changes.append(Change(Kind.REWRITTEN, (key, index), f"删除了{field_name(key)}第{index + 1}条", in_old=True))
    for index in range(len(before), len(after)):
        entry = after[index] if isinstance(after[index], dict) else {}
        late = entry.get("late_reason")
        about = str(entry.get("field", "")) if key == "corrections" else ""
        changes.append(Change(Kind.ADDED, (key, index), _appended(new, key, index) + (late_mark(late) if late else ""),
                              about=about))
    return changes


def _fact_change(key: str, was: Any, now: Any, old: dict[str, Any]) -> Change:
    """A change to a fact: adding a first value is recording it; anything else rewrites it."""
    name = field_name(key)
    if was is None and isinstance(now, dict):
        was = {}  # a first 依据: each sub-field by its Chinese name, never its key (doc_no)
    if isinstance(was, dict) and isinstance(now, dict):  # 依据: a new sub-field is recorded, an old one is fixed
        for sub, value in was.items():
            if now.get(sub) != value:
                label = schemas.label("case", (key, sub)).strip("「」")
                return Change(Kind.REWRITTEN, (key, sub), f"改写了{label} {_show(value)} → {_show(now.get(sub, '（删除）'))}",
                              in_old=sub not in now)
        added = "、".join(f"{schemas.label('case', (key, sub)).strip('「」')} {_short(_show(v))}"
                         for sub, v in now.items() if sub not in was)
        return Change(Kind.ADDED, (key,), f"补充{added}")
    if was is None and not (key in ASSIGNMENT and "assigned" in old):
        return Change(Kind.ADDED, (key,), f"{name} 设为 {_short(_show(now))}")
    if was is None:
        return Change(Kind.REWRITTEN, (key,), f"交办后补填了{name}（{_short(_show(now))}），改变了交办的内容")
    text = f"{name} {_show(was)} → {_show(now)}" if now is not None else f"删除了{name}（原为 {_short(_show(was))}）"
    return Change(Kind.REWRITTEN, (key,), f"改写了{text}", in_old=now is None)


def compare(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """The changes from ``old`` to ``new`` (None: the file did not exist / was deleted)."""
    if old is None and new is None:
        return []
    if old is None:
        assert new is not None
        return [Change(Kind.ADDED, (), "立项")]
    if new is None:
        return [Change(Kind.REWRITTEN, (), "删除了记录文件", in_old=True)]
    changes: list[Change] = []
    for key in dict.fromkeys([*old, *new]):
        if key in LOGS or key in PLANS:
            changes += _log_changes(key, old, new)
            continue
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        name = field_name(key)
        if key in FIXED:
            changes.append(_fact_change(key, was, now, old))
        elif key in ONCE and was is not None:
            changes.append(Change(Kind.REWRITTEN, (key,), f"改写了{name}", in_old=now is None))
        elif key == "cancelled":
            changes.append(Change(Kind.ADDED, (key,), f"撤销（{_short(_show(now.get('reason', '')))}）"
                                  if isinstance(now, dict) else "撤销"))
        elif key == "approval":
            changes.append(Change(Kind.ADDED, (key,), f"立项审批（{now.get('by', '')}同意，{now.get('date', '')}）"
                                  if isinstance(now, dict) else "立项审批"))
        elif key == "archive":
            changes.append(Change(Kind.ADDED, (key,), f"归档（档号 {now.get('number', '')}）"
                                  if isinstance(now, dict) else "归档"))
        elif was is None:
            changes.append(Change(Kind.ADDED, (key,), f"{name} 设为 {_short(_show(now))}"))
        elif now is None:
            changes.append(Change(Kind.ADDED, (key,), f"删除{name}（原为 {_short(_show(was))}）", in_old=True))
        else:
            changes.append(Change(Kind.ADDED, (key,), f"{name} {_short(_show(was))} → {_short(_show(now))}"))
    return changes


def describe(changes: Sequence[Change]) -> str:
    """All changes as one line, e.g. ``新增办理进展 2026-03-05；审核：通过``."""
    return "；".join(change.text for change in changes) or UNCHANGED


def _merge_log_changes(key: str, first: dict[str, Any], others: list[dict[str, Any]],
                       result: dict[str, Any]) -> list[Change]:
    lists = [p.get(key, []) for p in (first, *others)]
    after = result.get(key, [])
    if not isinstance(after, list) or not all(isinstance(x, list) for x in lists):
        return [Change(Kind.REWRITTEN, (key,), f"{field_name(key)}的结构被改写")]
    before = lists[0]
    dropped = {j for j, entry in enumerate(before) if entry not in after}
    changes: list[Change] = []
    for index, entry in enumerate(after):
        if any(entry in entries for entries in lists):
            continue  # taken from a parent as it was
        if index in dropped:  # the first parent's entry at this place, edited by the merge
            dropped.discard(index)
            changes += _log_changes(key, {key: [before[index]]}, {key: [entry]})
        else:
            changes.append(Change(Kind.ADDED, (key, index), _appended(result, key, index)))
    changes += [Change(Kind.REWRITTEN, (key, j), f"删除了{field_name(key)}第{j + 1}条", in_old=True) for j in sorted(dropped)]
    for other in others:
        for j, entry in enumerate(other.get(key, [])):
            if entry not in after and entry not in before:
                changes.append(Change(Kind.REWRITTEN, (key,), f"未并入分支上的{_appended(other, key, j)}"))
    return changes


def merge_compare(first: dict[str, Any] | None, others: list[dict[str, Any] | None],
                  result: dict[str, Any] | None) -> list[Change]:
    """What a merge commit changed by itself (an "evil merge"), against its first parent.

    What the merge took from a parent as it was is the work of the commits it brought in,
    shown with them; left is what no parent had, and what the merge dropped.
    """
    parents = [p for p in (first, *others) if p is not None]
    if result is None or not parents:
        return compare(first, result)
    base = first if first is not None else parents[0]
    rest = [p for p in others if p is not None and p is not base]
    changes: list[Change] = []
    for key in dict.fromkeys([*base, *result]):
        if key in LOGS:
            changes += _merge_log_changes(key, base, rest, result)
        elif all(result.get(key) != p.get(key) for p in parents):
            was = {key: base[key]} if key in base else {}
            changes += compare(was, {key: result[key]} if key in result else {})
    return changes
