"""The settings that guard the guard: a pull request changing them is named in the guard's report as a change
to the office's controls, and the few that can switch a check off are bounded.

Controls are the office.yaml settings that decide what the checks let through or where secrets go
(启用日期, 补录期限, 审核签名公钥, 公开版隐藏的字段, 规则修订, the reminders' mail server and webhook), and
the demo list (``DEMO.sha256``), which lets a pull request delete the records it lists. Changing one is
a system change, so CODEOWNERS (the office's administrators) must approve it: the guard says so, by
name, old value and new. Bounded here: ``adopted_on`` is set once and never in the future
(``late_entry_workdays`` is bounded with office.yaml's other numbers, in ``rules.office``); once an
office has adopted ducha, the demo list only shrinks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument
from ducha.model.demo import DEMO_LIST, parse_demo_list
from ducha.model.office import OFFICE_FILE
from ducha.model.timelimit import parse_date

#: The controls in office.yaml, with their names; ``"*"`` stands for every category.
CONTROLS: tuple[tuple[PathKey, str], ...] = (
    (("adopted_on",), "启用日期"),
    (("late_entry_workdays",), "补录期限（工作日）"),
    (("review_signers",), "审核服务器的签名公钥"),
    (("internal_fields",), "公开版隐藏的字段"),
    (("categories", "*", "revisions"), "规则修订"),
    (("reminders", "smtp"), "提醒邮件的发信服务器（密码随之发送）"),
    (("reminders", "webhook"), "提醒消息的接收地址（令牌随之发送）"),
)
CODEOWNERS = "须经 CODEOWNERS 中的督查室管理员批准后才能合并"


@dataclass(frozen=True)
class ControlChange:
    """One control a pull request changes, as the guard names it in its report."""

    key: str  # e.g. late_entry_workdays, categories.领导批示.revisions, DEMO.sha256
    name: str
    before: str
    after: str

    def text(self) -> str:
        return f"{self.name}（{self.key}）：{self.before} → {self.after}"


def _show(value: Any) -> str:
    if value is None:
        return "（未设置）"
    if isinstance(value, list):
        return "、".join(_show(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{k}: {_show(v)}" for k, v in value.items()) or "（空）"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _keys(old: Any, new: Any, pattern: PathKey) -> list[PathKey]:
    """The paths ``pattern`` names in either version (``"*"`` expanded over both)."""
    if "*" not in pattern:
        return [pattern]
    at = pattern.index("*")
    head = pattern[:at]
    names = [*(_at(old, head) or {}), *(_at(new, head) or {})] if isinstance(_at(old, head) or {}, dict) \
        and isinstance(_at(new, head) or {}, dict) else []
    return [path for name in dict.fromkeys(names) for path in _keys(old, new, (*head, name, *pattern[at + 1:]))]


def office_control_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[ControlChange]:
    """The controls whose value differs between the base's office.yaml and the pull request's."""
    changes = []
    for pattern, name in CONTROLS:
        for path in _keys(old, new, pattern):
            before, after = _at(old, path), _at(new, path)
            if before != after:
                changes.append(ControlChange(".".join(map(str, path)), name, _show(before), _show(after)))
    return changes


def adoption_problems(old: Mapping[str, Any] | None, new: YamlDocument | None, today: dt.date, adopted: bool) -> list[Problem]:
    """``adopted_on`` is never a day ahead, and once the office has adopted ducha (``adopted``: see
    ``demo_list_changes``) it is set once: entries written up to it are not 补录. Before that it is the
    demo's, which ``ducha init`` replaces."""
    if new is None or not isinstance(new.data, dict):
        return []
    before, after = _at(old, ("adopted_on",)), new.data.get("adopted_on")
    line, column = new.mark(("adopted_on",)) if after is not None else (0, 0)
    if adopted and before is not None and after != before:
        return [Problem(OFFICE_FILE, line, column, "adopted_on",
                        f"启用日期（adopted_on）只能设置一次：原为 {before}，本次{'改为 ' + str(after) if after else '删除了它'}。"
                        "改动它，就能把此前写晚了的记录说成是从旧台账迁移来的，不按补录认定。",
                        f"恢复 `adopted_on: {before}`。")]
    day = parse_date(str(after)) if after is not None else None
    if day is not None and day > today:
        return [Problem(OFFICE_FILE, line, column, "adopted_on",
                        f"启用日期 {day} 晚于今天（{today}）：设在将来，在此之前写入的记录就都不按补录认定了。",
                        "写实际启用 ducha（迁移旧台账）的日期，不晚于今天。")]
    return []


def demo_list_changes(old: bytes | None, new: bytes | None, adopted: bool) -> tuple[list[ControlChange], list[Problem]]:
    """What a pull request does to the demo list: named as a control; after adoption it may only lose lines.

    ``adopted``: the office has begun its own records (the base has no demo list, or has already
    removed some of the records it lists). A line added then would let a later pull request delete
    a real record as if it were demo data.
    """
    if old == new:
        return [], []
    before = parse_demo_list(old.decode("utf-8", "replace")) if old is not None else {}
    after = parse_demo_list(new.decode("utf-8", "replace")) if new is not None else {}
    added = sorted(path for path, sha in after.items() if before.get(path) != sha)
    removed = sorted(path for path in before if path not in after)
    parts = ([f"新增或改动 {len(added)} 行（如 {added[0]}）"] if added else []) + \
        ([f"删去 {len(removed)} 行"] if removed else [])
    change = ControlChange(DEMO_LIST, "示例数据清单（列出的记录可以删除）", f"{len(before)} 行", f"{len(after)} 行：{'，'.join(parts)}")
    if not added or not adopted:
        return [change], []
    return [change], [Problem(DEMO_LIST, 0, 0, "", f"示例数据清单 {DEMO_LIST} 新增或改动了 {len(added)} 行（如 {added[0]}）："
                              "启用后，清单只能删减；登记在清单中的记录可以被删除，新增一行就能把真实记录当作示例数据删掉。",
                              f"撤销对 {DEMO_LIST} 的新增和改动（git checkout 基准分支 -- {DEMO_LIST}）；"
                              "示例数据只由 ducha 的示例仓库维护。")]
