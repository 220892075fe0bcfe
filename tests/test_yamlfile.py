"""The safe reader: scalars as written, hostile input refused quickly and clearly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from ducha.io.yamlfile import MAX_FILE_BYTES, read_yaml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml11_surprises_stay_as_written(tmp_path: Path) -> None:
    text = "a: no\nb: 0012\nc: 2026-03-05\nd: 1e3\ne: ~\nf: on\n"
    doc, problems = read_yaml(write(tmp_path, text))
    assert problems == [] and doc is not None
    assert doc.data == {"a": "no", "b": "0012", "c": "2026-03-05", "d": "1e3", "e": "~", "f": "on"}
    # What PyYAML's own safe loader would have made of the same text: the reason this reader exists.
    assert yaml.safe_load(text)["a"] is False and yaml.safe_load(text)["b"] == 10


def test_marks_are_one_based_line_and_column(tmp_path: Path) -> None:
    doc, _ = read_yaml(write(tmp_path, "id: X\nprogress:\n  - date: 2026-03-05\n    summary: 好\n"))
    assert doc is not None
    assert doc.mark(("progress", 0, "date")) == (3, 11)
    assert doc.key_mark(("progress",)) == (2, 1)
    assert doc.mark(("progress", 0, "missing")) == (3, 5)  # falls back to the parent


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    start = time.perf_counter()
    doc, problems = read_yaml(write(tmp_path, "\n".join(lines) + "\n"))
    elapsed = time.perf_counter() - start
    assert doc is not None and problems
    assert all("别名" in p.message for p in problems)
    # 9**12 nodes if expanded; refusing them takes milliseconds, not the lifetime of the machine.
    assert elapsed < 5


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "notes: |\n" + ("  很长的内容\n" * (MAX_FILE_BYTES // 10)))
    doc, problems = read_yaml(path, "cases/2026/DC-2026-0001.yaml")
    assert doc is None
    assert [(p.file, p.line, p.message[:4]) for p in problems] == [("cases/2026/DC-2026-0001.yaml", 0, "文件过大")]


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    doc, problems = read_yaml(tmp_path / "missing.yaml")
    assert doc is None and "无法读取文件" in problems[0].message


def test_control_character_is_reported_where_it_stands(tmp_path: Path) -> None:
    # Typed raw into the file (not as a "\\x07" escape): YAML refuses the whole file, so say where.
    doc, problems = read_yaml(write(tmp_path, "id: DC-2026-0001\ntitle: 坏\x07字符\nnotes: 好\x1b[2J\n"))
    assert doc is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, 9, "这一行有看不见的控制字符 U+0007，YAML 读不了含有它的文件。"),
        (3, 9, "这一行有看不见的转义符 ESC U+001B，YAML 读不了含有它的文件。"),
    ]
    assert problems[0].fix == "删除这个字符（常见于从网页、Word、微信复制的文字）；这一行的其他内容不要删。"


def test_a_line_break_yaml_sees_and_a_reader_does_not(tmp_path: Path) -> None:
    """A bare CR, NEL or line separator splits the line for YAML, so the fields after it would move."""
    path = tmp_path / "x.yaml"
    path.write_bytes("id: DC-2026-0001\ntitle: 燃气\r排查\nnotes: 甲\u2028乙\n".encode())
    doc, problems = read_yaml(path)
    assert doc is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, 10, "这一行有单独的回车符 CR U+000D，YAML 把它当成换行，后面的内容会读错位置。"),
        (3, 9, "这一行有行分隔符 U+2028，YAML 把它当成换行，后面的内容会读错位置。"),
    ]
    assert problems[0].fix == ("删除这个字符（常见于从网页、Word、老式 Mac 软件复制的文字）；"
                               "确要换行的，用 | 多行写法。")


def test_windows_line_ends_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("id: DC-2026-0001\r\ntitle: 燃气排查\r\n".encode())
    doc, problems = read_yaml(path)
    assert problems == [] and doc is not None and doc.data == {"id": "DC-2026-0001", "title": "燃气排查"}


#: Slips that break YAML, and what staff are told: where the slip begins (not where the parser gave
#: up), in Chinese, with what to do. Lines and columns counted by hand, 1-based.
SLIPS = [
    ('id: X\ntitle: "燃气排查\nlead_unit: 市住建局\n', 2, 8,
     "从这里开始的引号 \" 到文件末尾都没有配对的另一半。",
     "在这段文字的末尾补上 \"；文字里本身有引号的，改用全角引号“”。"),
    ('id: X\nco_units: [市财政局, 市教育局\nlead_unit: 市住建局\n', 2, 11,
     "从这里开始的方括号 [ 没有配对的 ]，或者列表项之间少了半角逗号。",
     "写成 [市财政局, 市教育局]：各项用半角逗号加空格隔开，以 ] 结束；某一项里有逗号、冒号或方括号的，给这一项加引号。"),
    ("id: {a\n", 1, 5, "从这里开始的花括号 { 没有配对的 }。",
     "记录里不用花括号：改写成下一级缩进的 `字段: 值`；花括号是文字的一部分的，给整个值加引号。"),
    ("id: X\nprogress:\n  - date: 2026-01-01\n   by: 市住建局\n", 4, 4, "这一行的缩进和上面的列表条目对不齐。",
     "同一条目的字段要对齐：`  - date:` 之后写 `    by:`（前面 4 个空格）；新的一条以 `  - ` 开头。不要删除内容。"),
    ("id: X\nprogress:\n  - date: 2026-01-01\n     by: 市住建局\n", 4, 6,
     "这一行比同一条目的其他字段多缩进了，YAML 把它读成了上一行的值的一部分。",
     "把这一行的缩进和同一条目的其他字段对齐；不要删除内容。"),
    ('id: X\ntitle: "燃气"排查\n', 2, 12, "引号后面还有文字：引号要包住整个值。",
     "把引号移到整个值的两端；文字里要用引号的，改用全角引号“”。"),
    ("id: X\n燃气排查\nlead_unit: 市住建局\n", 2, 1, "这一行既不是 `字段名: 值`，也不是列表项：找不到它的冒号。",
     "这是上一行文字的续行的，把上一行的值改用 | 多行写法；是字段的，写成 `字段名: 值`（半角冒号加空格）。"),
    ("id: X\ntitle: @燃气\n", 2, 8, "值不能以「@」开头：YAML 保留了这个符号。", "给整个值加上引号：\"…\"。"),
    ("id: X\ntitle: `燃气`\n", 2, 8, "值不能以「`」开头：YAML 保留了这个符号。", "给整个值加上引号：\"…\"。"),
    ('id: X\ntitle: "燃气\\q"\n', 2, 11, "双引号里的反斜杠 \\ 后面跟了 YAML 不认识的字符。",
     "改用单引号 '…'（单引号里的 \\ 就是它本身），或把 \\ 写成 \\\\。"),
    ("id: X\n...\ntitle: y\n", 2, 1, "文件中间有文档结束标记 ...，后面的内容读不到。", "删除只有 ... 的那一行。"),
    ("id: X\nsummary: |x\n  a\n", 2, 11, "| 或 > 后面要直接换行，文字从下一行写起。",
     "把 | 后面的文字移到下一行，比字段名多缩进 2 个空格。"),
    ("id: X\ntitle: 燃气\n- a\n", 3, 1, "这里读不懂：这一行不是 `字段名: 值` 的写法，或缩进和同级字段不一致。",
     "检查这一行的缩进是否与同级字段对齐；列表项要写在所属字段的下一行并缩进；值里有 [ ] { } # 等符号的，给整个值加引号。"),
    ("%YAML 1.1\n%YAML 1.1\n---\na: b\n", 2, 1, "YAML 格式错误（解析器原话：found duplicate %YAML directive）。",
     "检查这一行及上一行的缩进、冒号和引号是否成对。"),
]


@pytest.mark.parametrize(("text", "line", "column", "message", "fix"), SLIPS, ids=[s[3][:12] for s in SLIPS])
def test_a_yaml_slip_is_told_in_chinese_where_it_begins(tmp_path: Path, text: str, line: int, column: int, message: str,
                                                       fix: str) -> None:
    doc, problems = read_yaml(write(tmp_path, text))
    assert doc is None
    assert [(p.line, p.column, p.message, p.fix) for p in problems] == [(line, column, message, fix)]
