"""The data-only read of old versions (``parse_data``, ``DataReader``): the same data as ``parse_yaml``, whatever the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ducha.io.yamldata import DataReader, parse_data
from ducha.io.yamlfile import parse_yaml

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


def test_every_test_file_reads_the_same_part_by_part() -> None:
    """One reader for all of them, twice over: the second time every part comes from what it kept."""
    reader = DataReader()
    for _ in range(2):
        differing = [str(p.relative_to(TESTS)) for p in FILES if reader(p.read_bytes()) != _full(p.read_bytes())]
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
    # Where a part would begin (a name at the margin, an entry indented by two) but the text says otherwise.
    "a quoted text over a name at the margin": ('title: "第一行\nnext: 仍在引号里"\nb: x\n',
                                                {"title": "第一行 next: 仍在引号里", "b": "x"}),
    "a flow list over lines": ("co_units: [a,\nb]\n", {"co_units": ["a", "b"]}),
    "entries under a bare name": ("progress:\n  - date: 1\n    by: x\n  - date: 2\nnotes: y\n",
                                  {"progress": [{"date": "1", "by": "x"}, {"date": "2"}], "notes": "y"}),
    "a bare name without entries": ("progress:\nnotes: y\n", {"progress": "", "notes": "y"}),
    "entries at the margin": ("progress:\n- date: 1\n- date: 2\n", {"progress": [{"date": "1"}, {"date": "2"}]}),
    "the same entry in two lists": ("progress:\n  - a\nurges:\n  - a\n", {"progress": ["a"], "urges": ["a"]}),
    "Windows line ends": ("progress:\r\n  - a\r\nb: c\r\n", {"progress": ["a"], "b": "c"}),
    "a comment before the first name": ("# c\nprogress:\n  - a\n", {"progress": ["a"]}),
    "a repeated name far apart": ("a: 1\nb: 2\na: 3\n", {"a": "1", "b": "2"}),
    "the end of the document": ("a: x\n...\n", {"a": "x"}),
    "an entry under a field with a value": ("source:\n  doc_no: x\n  - y\n", None),
    "entries under a quoted empty value": ("progress: ''\n  - a\n", None),
    "a second document": ("a: x\n---\nb: y\n", None),
    "a name after the end of the document": ("a: x\n...\nb: y\n", None),
    "a plain text at the margin": ("a: x\nworld\n", None),
    "fields after the entries": ("progress:\n  - a\nnotes: x\nurges:\n  - b\n",
                                 {"progress": ["a"], "notes": "x", "urges": ["b"]}),
    "a field named like the entries' own name": ("progress:\n  - a\n_: x\n", {"progress": ["a"], "_": "x"}),
    "a block under a name alone on its line": ("source:\n  doc_no: x\ntitle: y\n", {"source": {"doc_no": "x"}, "title": "y"}),
    "an entry's line continuing the text of a field": ("progress:\n  - a\nnotes: x\n  - b\n",
                                                        {"progress": ["a"], "notes": "x - b"}),
    "a field name in quotes": ('"title": x\n\'notes\': y\n', {"title": "x", "notes": "y"}),
    "entries under a name in quotes": ("'progress':\n  - a\n", {"progress": ["a"]}),
    "a byte order mark (reported, and read)": ("\ufeffprogress:\n  - a\n", {"progress": ["a"]}),
    "a tab before a field": ("progress:\n  - a\n\tnotes: x\n", None),
    # Each part reads alone, yet together they are no mapping: fields away from the margin, flow style.
    "fields indented before a name at the margin": ("# 注释\n  nested: y\nprogress:\n", None),
    "a flow mapping before a name at the margin": ("{title: x}\nprogress:\n  - a\n", None),
    # Read with other texts' parts as one stream of documents, it would begin a document of its own.
    "a directive after a field": ("id: x\n%YAML 1.1\n", None),
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_tricky_texts_read_as_parse_yaml_reads_them(text: tuple[str, Any]) -> None:
    source, expected = text
    raw = source.encode("utf-8")
    assert parse_data(raw) == expected
    assert _full(raw) == expected
    reader = DataReader()
    assert reader(raw) == expected
    assert reader(raw) == expected


def test_texts_read_together_read_as_each_alone() -> None:
    """Their new parts are parsed as one text: the parts one of them cannot read alone spoil none of the others."""
    texts = [source.encode("utf-8") for source, _ in TRICKY.values()]
    assert DataReader().read_many(texts) == [expected for _, expected in TRICKY.values()]
    files = [p.read_bytes() for p in FILES]
    assert DataReader().read_many(files) == [_full(raw) for raw in files]


RECORD = "# yaml-language-server: $schema=../../schema/case.schema.json\nid: DC-2026-0001\ntitle: 老旧小区改造\nprogress:\n"


def entry(day: int) -> str:
    return f"  - date: 2026-03-{day:02d}\n    by: 市住建局\n    summary: |\n      第{day}次：已完成。\n"


def test_a_new_version_parses_only_what_it_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    from ducha.io.yamlfile import compose, compose_all

    parsed: list[str] = []  # each document parsed

    def counted(text: str) -> Any:
        parsed.append(text)
        return compose(text)

    def counted_all(text: str) -> Any:
        parsed.extend(text.split("---\n")[1:])
        return compose_all(text)

    monkeypatch.setattr("ducha.io.yamldata.compose", counted)
    monkeypatch.setattr("ducha.io.yamldata.compose_all", counted_all)
    reader = DataReader()
    versions = [RECORD + entry(2), RECORD + entry(2) + entry(5), RECORD + entry(2) + entry(6) + "notes: 改了一条\n"]
    first = reader(versions[0].encode())
    # The fields up to the list's name, the name, each entry (read under a name of its own, with what follows it)
    assert parsed == [RECORD.removesuffix("progress:\n"), "progress:\n", "_:\n" + entry(2)]
    parsed.clear()
    second = reader(versions[1].encode())
    assert parsed == ["_:\n" + entry(5)]
    parsed.clear()
    third = reader(versions[2].encode())
    assert parsed == ["_:\n" + entry(6) + "notes: 改了一条\n"]
    one = {"date": "2026-03-02", "by": "市住建局", "summary": "第2次：已完成。\n"}
    assert first == {"id": "DC-2026-0001", "title": "老旧小区改造", "progress": [one]}  # as it was, shared parts and all
    assert second["progress"] == [one, {"date": "2026-03-05", "by": "市住建局", "summary": "第5次：已完成。\n"}]
    assert third["notes"] == "改了一条" and third["progress"][1]["date"] == "2026-03-06"


#: Pieces of text a record's versions are made of: plain fields and entries, and every way YAML may
#: be written that cuts across where the part-by-part read begins a part (flow style, anchors and
#: aliases, comments, quoted names, block texts holding what looks like an entry, repeated fields,
#: documents, tabs).
FRAGMENTS = [
    "id: DC-2026-0001\n", "title: 老旧小区改造\n", "status: 办理中  # 注释\n", "# 注释\n", "\n",
    "progress:\n", "urges:\n", "milestones:\n", "  - date: 2026-03-02\n    by: 市住建局\n",
    "  - date: 2026-03-05\n    summary: |\n      第5次：已完成。\n      - 不是条目\n", "  - a\n", "- b\n",
    "  - {date: 2026-03-06, by: 市城管局}\n", "co_units: [市城管局, 市卫健委]\n", "co_units: [市城管局,\n  市卫健委]\n",
    "source:\n  doc_no: 青办〔2025〕1号\n", "  nested: y\n", "a: &x 1\n", "b: *x\n", "c: !!str 1\n", "? k\n: v\n",
    '"title": 引号里的名字\n', "'progress':\n", 'text: "第一行\nnext: 仍在引号里"\n', "notes: |\n  第一行\n  - 第二行\n",
    "notes: 第一句\n  接着第二句\n", "status: 已办结\n", "---\n", "...\n", "\tnotes: x\n", "notes: \tx\n", "%YAML 1.1\n",
]


@st.composite
def histories(draw: st.DrawFn) -> list[bytes]:
    """Versions of one record, each the one before with a piece added, taken out or replaced, as offices edit them."""
    pieces = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=10))
    crlf, bom = draw(st.booleans()), draw(st.integers(0, 9)) == 0
    versions = []
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(pieces)))
        change = draw(st.sampled_from(["add", "remove", "replace"]))
        if change == "add" or not pieces:
            pieces = [*pieces[:at], draw(st.sampled_from(FRAGMENTS)), *pieces[at:]]
        else:
            at = min(at, len(pieces) - 1)
            pieces = [*pieces[:at], *([draw(st.sampled_from(FRAGMENTS))] if change == "replace" else []), *pieces[at + 1:]]
        text = "".join(pieces).replace("\n", "\r\n") if crlf else "".join(pieces)
        versions.append(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return versions


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(versions=histories())
def test_every_version_of_a_history_reads_as_parse_yaml_reads_it(versions: list[bytes]) -> None:
    """Read one by one (each new version's parts alone) and all together: the same data as a full parse, every time."""
    expected = [_full(raw) for raw in versions]
    reader = DataReader()
    assert [reader(raw) for raw in versions] == expected
    assert reader.read_many(versions) == expected  # every part now from what the reader kept
    assert DataReader().read_many(versions) == expected
