"""Corrections (更正) and dated rule revisions: what validation accepts and refuses, and what the model reads."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from ducha.model.office import CategoryRule, RuleRevision
from ducha.model.timelimit import TimeLimit, TimeUnit

from .conftest import EXAMPLES, Invoke
from .test_guard import CASE, PATH, TODAY

ENTRY = """  - date: {date}
    field: {field}
{old}    new: {new}
    reason: 登记时误录。
    approved_by: 督查室主任 周敏
"""


def correction(field: str, new: str, old: str | None, date: str = "2026-03-06") -> str:
    return ENTRY.format(date=date, field=field, new=new, old=f"    old: {old}\n" if old is not None else "")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "office.yaml", tmp_path / "office.yaml")
    (tmp_path / PATH).parent.mkdir(parents=True)
    return tmp_path


def validate(root: Path, invoke: Invoke, *entries: str) -> list[str]:
    (root / PATH).write_text(CASE + "corrections:\n" + "".join(entries), encoding="utf-8")
    result = invoke(root, "validate", "--today", TODAY)
    return result.output.splitlines()[:-1]


def test_two_corrections_chain(root: Path, invoke: Invoke) -> None:
    first = correction("lead_unit", "市教育局", "市住建局")
    second = correction("lead_unit", "市财政局", "市教育局", date="2026-03-09")
    assert validate(root, invoke, first, second) == []
    board = json.loads(invoke(root, "status", "--today", TODAY, "--format", "json").output)
    assert board[0]["lead_unit"] == "市财政局"


def test_the_old_value_is_the_value_then_in_force(root: Path, invoke: Invoke) -> None:
    first = correction("lead_unit", "市教育局", "市住建局")
    second = correction("lead_unit", "市财政局", "市住建局", date="2026-03-09")  # should name 市教育局
    assert validate(root, invoke, first, second) == [
        (f"{PATH}:28:10: [corrections[1].old] 更正的原值「市住建局」与记录中主办单位的值「市教育局」不一致。"
        " 修改：原值照抄更正前的主办单位（市教育局）；原来没有填写的，不写 old。")]


def test_a_correction_that_changes_nothing_is_refused(root: Path, invoke: Invoke) -> None:
    assert validate(root, invoke, correction("title", "燃气安全隐患排查", "燃气安全隐患排查")) == [
        f"{PATH}:23:10: [corrections[0].new] 更正的新值与事项名称原来的值相同，没有更正任何内容。 修改：删除这条更正，或写明正确的新值。"]


def test_corrected_values_are_checked_where_they_are_written(root: Path, invoke: Invoke) -> None:
    assert validate(root, invoke, correction("registered", "2025-12-30", "2026-03-02")) == [
        (f"{PATH}:23:10: [corrections[0].new] 立项日期 2025-12-30 与编号年份 2026 不一致。"
        " 修改：编号中的年份应是立项年份：改正立项日期，或用 `ducha new` 重新取号。")]


def test_new_values_are_written_as_the_field_is(root: Path, invoke: Invoke) -> None:
    problems = validate(root, invoke, correction("co_units", "市财政局", None), correction("time_limit", "十天", None))
    assert problems == [
        f"{PATH}:22:10: [corrections[0].new] 「更正第1条·新值」应为列表（每项以 - 开头）。 修改：按模板改写「更正第1条·新值」的结构。",
        (f"{PATH}:27:10: [corrections[1].new] 「更正第2条·新值」的值「十天」格式不对。"
        " 修改：更正后的值，写法与所更正的字段相同：日期写 YYYY-MM-DD，办理时限写「N个工作日」「N日」「N个月」或具体日期，协办单位写成列表。")]


def test_co_units_are_corrected_as_a_list(root: Path, invoke: Invoke) -> None:
    assert validate(root, invoke, correction("co_units", "[市财政局, 市教育局]", None)) == []
    board = json.loads(invoke(root, "status", "--today", TODAY, "--format", "json").output)
    assert board[0]["co_units"] == ["市财政局", "市教育局"]


# --- Rule revisions with an effective date. ------------------------------------------------------------------

FIVE, TEN = TimeLimit(5, TimeUnit.WORKDAYS), TimeLimit(10, TimeUnit.WORKDAYS)
RULE = CategoryRule(FIVE, retention="30年", revisions=(
    RuleRevision(dt.date(2026, 12, 1), time_limit=TEN), RuleRevision(dt.date(2027, 1, 1), retention="永久")))


@pytest.mark.parametrize(("day", "limit", "retention"), [
    (dt.date(2026, 11, 30), FIVE, "30年"), (dt.date(2026, 12, 1), TEN, "30年"), (dt.date(2027, 1, 1), TEN, "永久"),
    (None, TEN, "永久")])
def test_a_rule_is_read_as_in_force_on_a_day(day: dt.date | None, limit: TimeLimit, retention: str) -> None:
    rule = RULE.on(day)
    assert (rule.time_limit, rule.retention) == (limit, retention)


def test_revisions_are_in_date_order(root: Path, invoke: Invoke) -> None:
    office = (root / "office.yaml").read_text(encoding="utf-8")
    (root / "office.yaml").write_text(office.replace("categories:\n", "categories:\n  领导批示:\n    revisions:\n"
                                                     "      - effective_from: 2027-01-01\n        time_limit: 7个工作日\n"
                                                     "      - effective_from: 2026-12-01\n        time_limit: 10个工作日\n"),
                                      encoding="utf-8")
    (root / PATH).write_text(CASE, encoding="utf-8")
    result = invoke(root, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "office.yaml:16:25: [categories.领导批示.revisions[1].effective_from] 规则修订的生效日期 2026-12-01 不晚于上一次修订"
        "（2027-01-01）。 修改：按生效日期先后排列，新的修订追加在末尾。")


# --- Corrections of a value inside a logged entry. -------------------------------------------------------------

#: The case of test_guard, reported on the day after its due date (2026-03-09) and passed.
REPORTED = CASE + """reports:
  - date: 2026-03-10
    doc_no: 测建〔2026〕5号
    signer: 吴永强
    summary: 排查整改完毕。
reviews:
  - date: 2026-03-12
    reviewer: 王晓峰
    result: 通过
"""


def validate_reported(root: Path, invoke: Invoke, *entries: str) -> list[str]:
    (root / PATH).write_text(REPORTED + ("corrections:\n" + "".join(entries) if entries else ""), encoding="utf-8")
    result = invoke(root, "validate", "--today", TODAY)
    return result.output.splitlines()[:-1]


def test_a_corrected_report_date_is_the_date_every_output_judges_by(root: Path, invoke: Invoke) -> None:
    def light() -> str:
        board = json.loads(invoke(root, "status", "--today", TODAY, "--format", "json").output)
        return str(board[0]["light"])

    assert validate_reported(root, invoke) == [] and light() == "late"  # 10 March, a day after the due date
    assert validate_reported(root, invoke, correction("reports[0].date", "2026-03-09", "2026-03-10", date="2026-03-12")) == []
    assert light() == "done"


def test_a_corrected_entry_is_held_to_every_rule_it_would_be_written_under(root: Path, invoke: Invoke) -> None:
    assert validate_reported(root, invoke, correction("reports[0].date", "2026-03-13", "2026-03-10", date="2026-03-12")) == [
        f"{PATH}:25:11: [reviews[0].date] 审核日期 2026-03-12 早于所审核的办理报告日期 2026-03-13。 修改：改正日期。"]
    assert validate_reported(root, invoke, correction("progress[0].date", "2026-02-27", "2026-03-04")) == [
        f"{PATH}:32:10: [corrections[0].new] 日期 2026-02-27 早于交办日期 2026-03-02。 修改：改正日期。"]


def test_a_corrected_verdict_asks_for_what_the_verdict_needs(root: Path, invoke: Invoke) -> None:
    assert validate_reported(root, invoke, correction("reviews[0].result", "退回", "通过", date="2026-03-12")) == [
        f"{PATH}:25:5: [reviews[0].opinion] 按更正后的记录：缺少必填字段「审核第1条·审核意见」（opinion）。 修改：在「审核第1条」中补上 `opinion: …`。"]


@pytest.mark.parametrize(("entry", "expected"), [
    (correction("reports[0].opinion", "x", "y"),
     "[corrections[0].field] 「更正第1条·更正字段」的值「reports[0].opinion」格式不对。"),
    (correction("attachments[0].sha256", "0" * 64, None),
     "[corrections[0].field] 「更正第1条·更正字段」的值「attachments[0].sha256」格式不对。"),
    (correction("reviews[0].opinion", "报告完整。", None, date="2026-03-12"),
     "[corrections[0].field] 审核第1条·审核意见原来没有填写，更正只能改正已写下的值。"),
    (correction("reports[0].signer", "吴永刚", "吴永强", date="2026-03-09"),
     "[corrections[0].date] 更正日期 2026-03-09 早于所更正的办理报告（2026-03-10）：尚未记录的内容无从更正。"),
    (correction("reports[0].signer", "吴永刚", "吴永", date="2026-03-12"),
     "[corrections[0].old] 更正的原值「吴永」与记录中办理报告第1条·签发人的值「吴永强」不一致。"),
    (correction("reports[0].date", "2026-3-9", "2026-03-10", date="2026-03-12"),
     "[corrections[0].new] 「更正第1条·新值」的值「2026-3-9」格式不对。"),
])
def test_an_entry_correction_names_a_value_written_there(entry: str, expected: str, root: Path, invoke: Invoke) -> None:
    problems = validate_reported(root, invoke, entry)
    assert len(problems) == 1 and expected in problems[0], problems
