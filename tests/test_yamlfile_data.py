"""The data-only read of old versions (``parse_data``): the same data as ``parse_yaml``, whatever the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ducha.io.yamlfile import parse_data, parse_yaml

TESTS = Path(__file__).parent
#: Every record and office file the tests hold, valid and invalid (BOM, tabs, aliases, duplicate keys, ...).
FILES = sorted(p for folder in (TESTS / "fixtures" / "demo", TESTS / "examples") for p in folder.rglob("*.yaml"))


def _full(raw: bytes) -> Any:
    document, _ = parse_yaml(raw, "x.yaml")
    return document.data if document is not None else None


def test_every_test_file_reads_the_same() -> None:
    assert len(FILES) > 100
    differing = [str(p.relative_to(TESTS)) for p in FILES if parse_data(p.read_bytes()) != _full(p.read_bytes())]
    assert differing == []


TRICKY = {
    "block scalars": (
        "summary: |\n  第一行：已完成\n\n  第三行\nnote: >-\n  折叠的\n  一段文字\nkeep: |+\n  末尾\n\nz: x\n",
        {"summary": "第一行：已完成\n\n第三行\n", "note": "折叠的 一段文字", "keep": "末尾\n\n", "z": "x"},
    ),
    "quoted and YAML 1.1 look-alikes": (
        "a: 'it''s'\nb: \"tab\\tand \\u4e2d\"\nc: no\nd: 0012\ne: 2025-03-02\nf: ~\ng: ''\nh:\n",
        {"a": "it's", "b": "tab\tand 中", "c": "no", "d": "0012", "e": "2025-03-02", "f": "~", "g": "", "h": ""},
    ),
    "flow lists and nested logs": (
        ("co_units: [市城管局, \"市卫健委, 二处\"]\nempty: []\nprogress:\n  - date: 2025-03-05\n    by: 市住建局\n"
         "    files: [a.pdf]\n  - date: 2025-03-06\n    summary: 第7236次进展：整改措施落实到位。\nsource: {doc_no: 青办〔2025〕1号}\n"),
        {"co_units": ["市城管局", "市卫健委, 二处"], "empty": [],
         "progress": [{"date": "2025-03-05", "by": "市住建局", "files": ["a.pdf"]},
                      {"date": "2025-03-06", "summary": "第7236次进展：整改措施落实到位。"}],
         "source": {"doc_no": "青办〔2025〕1号"}},
    ),
    "comments and a multi-line plain scalar": (
        "# 注释\ntitle: 老旧小区改造  # 行尾注释\nrequirements: 第一句\n  接着第二句\n",
        {"title": "老旧小区改造", "requirements": "第一句 接着第二句"},
    ),
    # What would draw a problem goes through parse_yaml itself: its data, not a second opinion.
    "a repeated key keeps the first": ("a: 1\na: 2\nb: x\n", {"a": "1", "b": "x"}),
    "an alias is left out": ("a: &x 1\nb: *x\n", {"a": "1"}),
    "a tag is left out": ("a: !!int 1\nb: x\n", {"b": "x"}),
    "a complex key is left out": ("? [k]\n: v\nb: x\n", {"b": "x"}),
    "a list at the top": ("- a\n- b\n", None),
    "empty": ("# nothing\n", None),
    "broken YAML": ("a: [1, 2\n", None),
    "a full-width colon after a key": ("title： x\n", None),
    "a line separator": ("a: x\u2028b: y\n", None),
    "too deep": ("a: " + "[" * 20 + "]" * 20 + "\n", None),
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_tricky_texts_read_as_parse_yaml_reads_them(text: tuple[str, Any]) -> None:
    source, expected = text
    raw = source.encode("utf-8")
    assert parse_data(raw) == expected
    assert _full(raw) == expected
