"""Another office's files read from their bytes (上下联动): whatever a neighbour wrote, this office gets either the
record or one Chinese sentence saying why not, never an exception (``ducha.load.neighbours``)."""

from __future__ import annotations

import pytest

from ducha.load.neighbours import case_from, format_of, newer_format_note, office_from

UNITS = "units:\n  - name: 县住建局\n    full_name: 甲县住房和城乡建设局\n"
CASE = "cases/2026/JX-2026-0001.yaml"
CASE_HEAD = "id: JX-2026-0001\ntitle: 燃气安全排查\ncategory: 上级交办\nrequirements: 排查。\n"


@pytest.mark.parametrize(("raw", "version"), [
    (None, 1),  # written before offices linked their records
    (b"{}", 1),
    (b'{"x-format-version": 3}', 3),
    (b"\xff not json", 1),  # a damaged schema file is read as the first format, never a crash
    (b"[]", 1),
    (b'{"x-format-version": "2"}', 1),
    (b'{"x-format-version": 0}', 1),
])
def test_the_format_a_neighbour_writes_comes_from_its_schema(raw: bytes | None, version: int) -> None:
    assert format_of(raw) == version


def test_a_newer_format_is_named_and_an_older_one_is_not() -> None:
    assert newer_format_note(1) == ""
    assert newer_format_note(99) == ("对方使用较新的记录格式（第 99 版，本室 ducha 为第 2 版）：本室不认识的字段未读取。"
                                     "修改：升级本室的 ducha。")


@pytest.mark.parametrize(("raw", "why"), [
    (None, "对方仓库中没有 office.yaml。"),
    (b"name: [unclosed\n", "对方的 office.yaml 无法读取：从这里开始的方括号 [ 没有配对的 ]，或者列表项之间少了半角逗号。"),
    # Keys this ducha does not know are left out, and what is left must still be a whole office.yaml.
    (b"prefix: JX\nfuture_key: 1\n" + UNITS.encode(), "对方的 office.yaml 无法读取：name：缺少必填字段「督查室名称」（name）。"),
    # Right by the schema, wrong by office.yaml's own rules: the first problem, with where it is.
    (("name: 甲县人民政府督查室\nprefix: JX\n" + UNITS + "categories:\n  上级交办:\n    revisions:\n"
      "      - effective_from: 2026-03-01\n        time_limit: 10个工作日\n"
      "      - effective_from: 2026-01-01\n        time_limit: 20个工作日\n").encode(),
     ("对方的 office.yaml 无法读取：categories.上级交办.revisions[1].effective_from："
      "规则修订的生效日期 2026-01-01 不晚于上一次修订（2026-03-01）。")),
])
def test_an_office_yaml_that_cannot_be_read_says_why(raw: bytes | None, why: str) -> None:
    assert office_from(raw) == (None, why)


def test_an_office_yaml_of_a_newer_format_is_read_for_what_this_ducha_knows() -> None:
    office, why = office_from(("name: 甲县人民政府督查室\nprefix: JX\nfonds: \"0372\"\nfuture_key: 1\n" + UNITS).encode())
    assert why == "" and office is not None
    assert (office.name, office.prefix, office.fonds, [u.full_name for u in office.units]) == (
        "甲县人民政府督查室", "JX", "0372", ["甲县住房和城乡建设局"])


@pytest.mark.parametrize(("text", "why"), [
    ("id: [\n", "YAML 格式错误（解析器原话：did not find expected node content）。"),
    ("id: JX-2026-0001\nfuture: 1\n", "title：缺少必填字段「事项名称」（title）。"),
    (CASE_HEAD + "registered: 2026-02-30\n", "日期「2026-02-30」不存在。"),
])
def test_a_case_file_that_cannot_be_read_says_which_and_why(text: str, why: str) -> None:
    assert case_from(text.encode(), CASE) == (None, f"{CASE} 无法读取：{why}")


def test_a_case_of_a_newer_format_is_read_without_the_keys_this_ducha_does_not_know() -> None:
    case, why = case_from((CASE_HEAD + "registered: 2026-02-03\nfuture: {a: 1}\n").encode(), CASE)
    assert why == "" and case is not None
    assert (case.id, case.title, case.registered.isoformat(), case.path) == ("JX-2026-0001", "燃气安全排查", "2026-02-03", CASE)
