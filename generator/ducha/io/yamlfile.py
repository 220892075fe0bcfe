"""Read one YAML file into plain data, keeping every scalar as written.

PyYAML's safe loader follows YAML 1.1: ``no`` becomes False, ``0012`` becomes 12,
dates become date objects and a repeated key silently keeps the last value. Each of
those changes what staff wrote, so this reader composes nodes with the C parser,
resolves nothing (every scalar stays a ``str``) and builds the data itself, refusing
duplicate keys, aliases and tags, and remembering where every value stands.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ducha.errors import Problem

try:  # The C parser is what makes validation fast; the pure one is a slow fallback.
    from yaml._yaml import CParser as _Composer
except ImportError:  # pragma: no cover - libyaml is present in our venv
    from yaml import BaseLoader as _Composer  # type: ignore[assignment]

#: A 督查事项 record is a few kilobytes; anything this large is a mistake or an attack.
MAX_FILE_BYTES = 512 * 1024
#: A record nests four levels deep (progress → entry → field); deeper is a mistake or an attack,
#: and building it would exhaust Python's recursion limit long before libyaml's own limit.
MAX_DEPTH = 16

_STR_TAG = "tag:yaml.org,2002:str"
_DEFAULT_TAGS = frozenset({_STR_TAG, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_BOM = b"\xef\xbb\xbf"
_FULLWIDTH_COLON_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*：", re.M)
_TAB_INDENT = re.compile(r"^[ ]*\t", re.M)
#: Full-width spaces (U+3000) where YAML wants indentation: before a list dash or a field name.
#: A Chinese paragraph inside a block of text may start with them; it is followed by text, not these.
_FULLWIDTH_INDENT = re.compile(r"^[ ]*\u3000[\u3000 ]*(?=-[ \u3000]|[A-Za-z_][A-Za-z0-9_]*[ \t]*[:：])", re.M)
#: A list item begun with a full-width or typographic dash (－ — –) instead of ASCII ``-``.
_DASHES = "－—–"
_FULLWIDTH_DASH = re.compile(f"^[ \u3000]*([{_DASHES}])[ \u3000]*[A-Za-z_][A-Za-z0-9_]*[ \t]*[:：]", re.M)
#: A list entry (``- date: …``) and a top-level ``key: value`` line with a value on it.
_LIST_ENTRY = re.compile(r"^[ ]*-[ ]+[A-Za-z_][A-Za-z0-9_]*[ ]*:")
_SCALAR_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ ]*:[ ]*[^\s#|>]")

Data = str | list["Data"] | dict[str, "Data"]
PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """The plain data of one file, and its node tree for finding where a value stands.

    Marks are looked up only when a problem is reported: valid files never pay for them.
    """

    path: str
    data: Any
    root: Node = field(repr=False)
    #: Every text of the data run together, for checks that look at all of them at once (characters).
    texts: str = field(default="", repr=False)

    def _nodes(self, path: PathKey) -> tuple[Node | None, Node]:
        """The key node (None for list items and the root) and value node nearest to ``path``."""
        key: Node | None = None
        node = self.root
        for part in path:
            if isinstance(node, MappingNode) and isinstance(part, str):
                # The first occurrence: a duplicate key was refused and is not in the data.
                found = next(((k, v) for k, v in node.value if k.value == part), None)
                if found is None:
                    break
                key, node = found
            elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
                key, node = None, node.value[part]
            else:
                break
        return key, node

    def mark(self, path: PathKey) -> tuple[int, int]:
        """1-based line and column of the value at ``path``, or of its nearest parent."""
        node = self._nodes(path)[1]
        return node.start_mark.line + 1, node.start_mark.column + 1

    def key_mark(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the key that introduces ``path`` (the value's when there is none)."""
        key, node = self._nodes(path)
        mark = (key or node).start_mark
        return mark.line + 1, mark.column + 1


def format_path(path: PathKey) -> str:
    """``('progress', 2, 'date')`` → ``progress[2].date``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


#: A path under construction: (parent, key) pairs, flattened only when a problem needs it.
_Where = tuple[()] | tuple["_Where", str | int]


def _flatten(where: _Where) -> PathKey:
    parts: list[str | int] = []
    while where:
        where, part = where
        parts.append(part)
    return tuple(reversed(parts))


class _Builder:
    def __init__(self, path: str, check_aliases: bool) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.seen: set[int] | None = set() if check_aliases else None
        self.too_deep = False
        self.texts: list[str] = []

    def problem(self, node: Node, where: _Where, message: str, fix: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.path, mark.line + 1, mark.column + 1, format_path(_flatten(where)), message, fix)
        )

    def build(self, node: Node, where: _Where, depth: int = 0) -> Data | None:
        if depth > MAX_DEPTH:
            if self.too_deep:
                return None
            self.too_deep = True  # one report per file: a wide block of deep nesting is one mistake
            self.problem(
                node, where, f"嵌套层次过深（超过 {MAX_DEPTH} 层），督查事项记录最多只有四五层。",
                "检查是否误粘贴了大量方括号 [ ] 或花括号 { }；按模板改写这一段。",
            )
            return None
        if self.seen is not None:
            if id(node) in self.seen:
                self.problem(
                    node, where, "使用了 YAML 别名（*引用），记录中不允许。",
                    "把被引用的内容直接写出来，并删除 & 锚点和 * 别名。",
                )
                return None
            self.seen.add(id(node))
        if node.tag not in _DEFAULT_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(
                node, where, f"使用了 YAML 标签 {tag}，记录中不允许。",
                "删除以 ! 开头的标签，只写值本身。",
            )
            return None
        if isinstance(node, ScalarNode):
            text = str(node.value)
            self.texts.append(text)
            return text
        # A plain text value needs none of the checks above (no alias without `*`, the default tag, not
        # too deep): it is taken as it is, without a call per value (most of a record's nodes are these).
        plain = self.seen is None and depth < MAX_DEPTH
        texts = self.texts
        value: Data | None
        if isinstance(node, SequenceNode):
            items: list[Data] = []
            for index, child in enumerate(node.value):
                if plain and child.__class__ is ScalarNode and child.tag == _STR_TAG:
                    value = child.value
                    texts.append(child.value)
                else:
                    value = self.build(child, (where, index), depth + 1)
                if value is not None:
                    items.append(value)
            return items
        mapping: dict[str, Data] = {}
        first: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(
                    key_node, where, "字段名必须是简单文字。", "把字段名写成 `名称: 值` 的形式。"
                )
                continue
            key = str(key_node.value)
            if key in first:
                self.problem(
                    key_node, (where, key),
                    f"字段 {key} 重复出现（第一次在第 {first[key].start_mark.line + 1} 行），后一个会覆盖前一个，造成数据丢失。",
                    f"合并两处 {key} 的内容，只保留一个 {key}。",
                )
                continue
            first[key] = key_node
            if plain and value_node.__class__ is ScalarNode and value_node.tag == _STR_TAG:
                mapping[key] = value_node.value
                texts.append(value_node.value)
                continue
            value = self.build(value_node, (where, key), depth + 1)
            if value is not None:
                mapping[key] = value
        return mapping


class _Loader(_Composer):
    """Composes with the C parser alone (nothing is constructed); every untagged node gets the plain default tag."""

    _TAGS: ClassVar[dict[type[Node], str]] = {ScalarNode: "tag:yaml.org,2002:str", SequenceNode: "tag:yaml.org,2002:seq",
             MappingNode: "tag:yaml.org,2002:map"}

    # The composer calls these two around every node, for path-based resolvers, which records never
    # use. Builtins that do nothing: a Python method costs a call per node, a tenth of the parse.
    descend_resolver = staticmethod(operator.is_)  # (parent, index): ignored
    ascend_resolver = staticmethod(tuple)  # (): ignored

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        return self._TAGS[kind]


def _has_any(text: str, characters: str) -> bool:
    return any(character in text for character in characters)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _yaml_error_problem(path: str, text: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = str(getattr(error, "problem", "") or error) + " " + str(getattr(error, "context", "") or "")
    source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    if "\t" in problem or "'\\t'" in problem:
        return Problem(path, line, column, "", "这一行用了制表符（Tab）缩进，YAML 只认空格。",
                       "把 Tab 换成空格（每级缩进 2 个空格）。")
    if "：" in source_line:
        return Problem(path, line, column, "", "这一行用了全角冒号「：」，YAML 只认半角冒号。",
                       "把字段名后面的「：」改成半角「: 」（冒号后加一个空格）。")
    if "maximum nesting depth" in problem:
        return Problem(path, line, column, "", "嵌套层次过深，督查事项记录最多只有四五层。",
                       "检查是否误粘贴了大量方括号 [ ] 或花括号 { }；按模板改写这一段。")
    if ("mapping values are not allowed" in problem or "did not find expected key" in problem) \
            and _LIST_ENTRY.match(source_line):
        owner = _owning_key(text.splitlines()[: line - 1])
        if owner is not None:
            return Problem(path, line, column, "", f"这一条列表项前面缺少它所属的日志名：上方的 `{owner}:` 已经写了值，不是列表。",
                           "在这些条目的上一行加上所属日志的名称，如 `progress:`（办理进展）、`reports:`（办理报告）；"
                           "不要删除内容。")
    if "mapping values are not allowed" in problem:
        return Problem(path, line, column, "", "值里含有「: 」，YAML 把它当成了新的字段。",
                       "给整段文字加上引号，或改用 | 多行写法。")
    if "expected a single document" in problem:
        return Problem(path, line, column, "", "文件里有多个 YAML 文档（出现了 ---）。",
                       "一个文件只写一个督查事项，删除多余的 --- 分隔线。")
    if "special characters are not allowed" in problem or "unacceptable character" in problem:
        return Problem(path, line, column, "", "文件里有不可见的控制字符。",
                       "删除该位置的不可见字符（常见于从网页或 Word 粘贴的文字）。")
    if "found undefined alias" in problem or "found duplicate anchor" in problem:
        return Problem(path, line, column, "", "使用了 YAML 锚点或别名（& 或 *），记录中不允许。",
                       "把内容直接写出来，删除 & 和 *；若是正文里的 *，请给整段文字加引号。")
    return Problem(path, line, column, "", f"YAML 格式错误：{problem.strip()}。",
                   "检查这一行及上一行的缩进、冒号和引号是否成对。")


def _owning_key(lines: list[str]) -> str | None:
    """The top-level key a list item would belong to, when that key already holds a plain value."""
    for previous in reversed(lines):
        if not previous.strip() or previous.lstrip().startswith("#") or previous.startswith((" ", "-")):
            continue
        match = _SCALAR_KEY.match(previous)
        return match.group(1) if match else None
    return None


def read_yaml(file: Path, display: str | None = None) -> tuple[YamlDocument | None, list[Problem]]:
    """Read ``file``; return its document (None when unreadable) and every problem found.

    Problems that do not stop reading (a BOM, a full-width colon inside a key that
    still parsed) come back together with the document.
    """
    name = display if display is not None else str(file)
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, [Problem(name, 0, 0, "", f"无法读取文件：{error.strerror}。", "检查文件是否存在、是否有读取权限。")]
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes, name: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse the bytes of one file (from disk or from git) as ``read_yaml`` does."""
    problems: list[Problem] = []
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(name, 0, 0, "", f"文件过大（超过 {MAX_FILE_BYTES // 1024} KB）。",
                              "一个文件只记录一个督查事项；附件材料请另存，不要写进记录。")]
    if raw.startswith(_BOM):
        problems.append(Problem(name, 1, 1, "", "文件开头有 BOM 标记（UTF-8 with BOM）。",
                                "用编辑器另存为「UTF-8（无 BOM）」。"))
        raw = raw[len(_BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_col(raw, error.start)
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "文件似乎是 GBK/GB18030 编码。"
        except UnicodeDecodeError:
            pass
        problems.append(Problem(name, line, column, "", f"文件不是 UTF-8 编码。{hint}",
                                "用编辑器把文件另存为 UTF-8 编码。"))
        return None, problems
    # Each pattern below needs one particular character, which most files do not hold: looking for
    # that character first spares scanning every line start of every file with a regular expression.
    for match in _FULLWIDTH_COLON_KEY.finditer(text) if "：" in text else ():
        line, column = _line_col(raw, len(text[: match.end() - 1].encode("utf-8")))
        problems.append(Problem(name, line, column, match.group(1),
                                "字段名后用了全角冒号「：」，YAML 只认半角冒号。",
                                "把「：」改成半角「: 」（冒号后加一个空格）。"))
    if problems and any("全角冒号" in p.message for p in problems):
        return None, problems
    for match in _FULLWIDTH_INDENT.finditer(text) if "\u3000" in text else ():
        line, column = _line_col(raw, len(text[: match.start()].encode("utf-8")))
        problems.append(Problem(name, line, column, "", "这一行用了全角空格「　」缩进，YAML 只认半角空格。",
                                "把行首的全角空格换成半角空格（每级缩进 2 个空格）；不要删除这一行。"))
        return None, problems
    for match in _FULLWIDTH_DASH.finditer(text) if _has_any(text, _DASHES) else ():
        line, column = _line_col(raw, len(text[: match.start(1)].encode("utf-8")))
        problems.append(Problem(name, line, column, "", f"列表项开头用了「{match.group(1)}」，YAML 只认半角减号「-」。",
                                f"把「{match.group(1)}」改成半角「- 」（减号后加一个空格）；不要删除这一行。"))
        return None, problems
    for match in _TAB_INDENT.finditer(text) if "\t" in text else ():
        line, column = _line_col(raw, len(text[: match.end() - 1].encode("utf-8")))
        problems.append(Problem(name, line, column, "", "这一行用了制表符（Tab）缩进，YAML 只认空格。",
                                "把 Tab 换成空格（每级缩进 2 个空格）。"))
        return None, problems
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        problems.append(_yaml_error_problem(name, text, error))
        return None, problems
    if node is None:
        problems.append(Problem(name, 0, 0, "", "文件是空的。", "按模板填写，或用 `ducha new` 生成。"))
        return None, problems
    builder = _Builder(name, check_aliases="*" in text)
    data = builder.build(node, ())
    problems.extend(builder.problems)
    if builder.too_deep:  # what is left of it would only draw further, misleading problems
        return None, problems
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, 1, "", "文件内容应是「字段: 值」的形式。",
                                "按模板填写，每行写成 `字段名: 值`。"))
        return None, problems
    return YamlDocument(name, data, node, "".join(builder.texts)), problems
