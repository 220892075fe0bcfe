"""What a version of a record changed, in the office's words (``ducha.repo.changes``): what the guard refuses as a
rewrite and what the audit trail shows. The commits' side is in tests/test_history.py and tests/test_guard.py;
here the comparison itself, on record data written out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from ducha.repo.changes import Change, Kind, compare, merge_compare

ADDED, REWRITTEN = Kind.ADDED, Kind.REWRITTEN
FIRST = {"date": "2026-03-05", "by": "市住建局", "summary": "已排查餐饮场所620家。"}
SECOND = {"date": "2026-03-09", "by": "市住建局", "summary": "已整改隐患12处。"}
CASE: dict[str, Any] = {"id": "DC-2026-0001", "title": "燃气安全隐患排查", "time_limit": "30个工作日", "progress": [FIRST]}
EXTENDED = {"requested": "2026-03-05", "reason": "涉及多个部门。", "approved": "2026-03-06", "approved_by": "副市长 林静",
            "until": "2026-04-30"}
AGAIN = {"requested": "2026-04-20", "reason": "仍需协调。", "approved": "2026-04-21", "approved_by": "市长 刘志远",
         "time_limit": "10个工作日"}


@pytest.mark.parametrize(("old", "new", "changes"), [
    (None, None, []),
    (CASE, {**CASE, "source": {"doc_no": "青政办〔2026〕3号", "leader": "市长 刘志远"}},
     [Change(ADDED, ("source",), "补充依据·文号 青政办〔2026〕3号、依据·批示领导 市长 刘志远")]),  # never the key doc_no
    (CASE, {**CASE, "approval": {"by": "秘书长 王明", "date": "2026-03-02"}},
     [Change(ADDED, ("approval",), "立项审批（秘书长 王明同意，2026-03-02）")]),
    ({**CASE, "approval": {"by": "秘书长 王明", "date": "2026-03-02"}},
     {**CASE, "approval": {"by": "市长 刘志远", "date": "2026-03-02"}}, [Change(REWRITTEN, ("approval",), "改写了立项审批")]),
    ({**CASE, "notes": "待补材料"}, CASE, [Change(ADDED, ("notes",), "删除备注（原为 待补材料）", in_old=True)]),
    (CASE, {**CASE, "progress": "已排查餐饮场所620家。"}, [Change(REWRITTEN, ("progress",), "办理进展的结构被改写")]),
    # A second extension runs from the term the first one approved, not from the original 30个工作日.
    ({**CASE, "extensions": [EXTENDED]}, {**CASE, "extensions": [EXTENDED, AGAIN]},
     [Change(ADDED, ("extensions", 1), "办理时限 2026-04-30 → 延长10个工作日（延期，市长 刘志远批准）")]),
])
def test_a_version_is_told_in_the_offices_words(old: dict[str, Any] | None, new: dict[str, Any] | None,
                                                changes: list[Change]) -> None:
    assert compare(old, new) == changes


@pytest.mark.parametrize(("branch", "result", "changes"), [
    ({**CASE, "progress": [FIRST, SECOND]}, CASE,
     [Change(REWRITTEN, ("progress",), "未并入分支上的新增办理进展 2026-03-09")]),
    (CASE, {**CASE, "progress": [{**FIRST, "summary": "已排查餐饮场所600家。"}]},
     [Change(REWRITTEN, ("progress", 0), "改写了办理进展第1条")]),
    (CASE, {**CASE, "progress": "已排查"}, [Change(REWRITTEN, ("progress",), "办理进展的结构被改写")]),
    (CASE, {**CASE, "title": "燃气安全专项整治"},
     [Change(REWRITTEN, ("title",), "改写了事项名称 燃气安全隐患排查 → 燃气安全专项整治")]),
    (CASE, None, [Change(REWRITTEN, (), "删除了记录文件", in_old=True)]),
])
def test_a_merge_is_judged_by_what_no_parent_had(branch: dict[str, Any], result: dict[str, Any] | None,
                                                 changes: list[Change]) -> None:
    """An "evil merge": what the merge commit itself rewrote, dropped or left out of the branch it merged."""
    assert merge_compare(CASE, [branch], result) == changes
