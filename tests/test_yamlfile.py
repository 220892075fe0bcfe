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


def test_control_character_is_reported(tmp_path: Path) -> None:
    doc, problems = read_yaml(write(tmp_path, "title: 坏\x07字符\n"))
    assert doc is None
    assert problems[0].message == "文件里有不可见的控制字符。" and problems[0].line == 1
