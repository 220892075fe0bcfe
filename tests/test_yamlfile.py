"""The safe reader: scalars as written, hostile input refused quickly and clearly."""

from __future__ import annotations

import time
from pathlib import Path

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
