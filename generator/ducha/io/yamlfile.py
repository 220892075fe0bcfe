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
from ducha.io.charnames import character_name

try:  # The C parser is what makes validation fast; the pure one is a slow fallback.
    from yaml._yaml import CParser as _Composer
except ImportError:  # pragma: no cover - libyaml is present in our venv
    from yaml import BaseLoader as _Composer  # type: ignore[assignment]

#: A 督查事项 record is a few kilobytes; anything this large is a mistake or an attack.
MAX_FILE_BYTES = 512 * 1024
#: A record nests four levels deep (progress → entry → field); deeper is a mistake or an attack,
#: and building it would exhaust Python's recursion limit long before libyaml's own limit.
MAX_DEPTH = 16

STR_TAG = "tag:yaml.org,2002:str"
PLAIN_TAGS = frozenset({STR_TAG, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
BOM = b"\xef\xbb\xbf"
_FULLWIDTH_COLON_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*：", re.M)
#: What that needs somewhere: a field name's last character before the colon. Chinese text is full of
#: 「：」 after Chinese words; looking for this first spares trying every line start of such a file.
_NAME_BEFORE_FULLWIDTH_COLON = re.compile(r"[A-Za-z0-9_][ \t]*：")
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

#: Characters YAML refuses anywhere in a file (C0 and C1 controls other than tab, LF and CR; DEL;
#: the non-characters U+FFFE/U+FFFF), and line breaks a reader does not see but YAML obeys (a CR
#: not followed by LF, NEL, U+2028, U+2029). libyaml reports the first kind at the file's start
#: in English and the second as a misplaced key on a later line: found here, where they stand.
_RAW_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|\r(?!\n)|[\x85\u2028\u2029]")
#: Every character ``_RAW_REFUSED`` may match, as one class: a file without any (nearly every file)
#: is passed by one quick scan instead of the alternatives tried at every character.
_RAW_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029]")

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
        if node.tag not in PLAIN_TAGS:
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
                if plain and child.__class__ is ScalarNode and child.tag == STR_TAG:
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
            if plain and value_node.__class__ is ScalarNode and value_node.tag == STR_TAG:
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


#: A field line (``    by: 市住建局``): indentation, a field name, its colon.
_FIELD_LINE = re.compile(r"^([ ]*)[A-Za-z_][A-Za-z0-9_]*[ ]*:")
_OUTSIDE_QUOTES = "检查这一行及上一行的缩进、冒号和引号是否成对。"


def _yaml_error_problem(path: str, text: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    begun = getattr(error, "context_mark", None)  # where the thing the parser was reading began
    start = (begun.line + 1, begun.column + 1) if begun is not None else (line, column)
    said = str(getattr(error, "problem", "") or error).strip()
    context = str(getattr(error, "context", "") or "")
    problem = said + " " + context
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""

    def at(where: tuple[int, int], message: str, fix: str) -> Problem:
        return Problem(path, where[0], where[1], "", message, fix)

    if "\t" in problem or "'\\t'" in problem:
        return at((line, column), "这一行用了制表符（Tab）缩进，YAML 只认空格。", "把 Tab 换成空格（每级缩进 2 个空格）。")
    if "：" in source_line:
        return at((line, column), "这一行用了全角冒号「：」，YAML 只认半角冒号。",
                  "把字段名后面的「：」改成半角「: 」（冒号后加一个空格）。")
    if "maximum nesting depth" in problem:
        return at((line, column), "嵌套层次过深，督查事项记录最多只有四五层。",
                  "检查是否误粘贴了大量方括号 [ ] 或花括号 { }；按模板改写这一段。")
    if ("mapping values are not allowed" in problem or "did not find expected key" in problem) \
            and _LIST_ENTRY.match(source_line):
        owner = _owning_key(lines[: line - 1])
        if owner is not None:
            return at((line, column), f"这一条列表项前面缺少它所属的日志名：上方的 `{owner}:` 已经写了值，不是列表。",
                      "在这些条目的上一行加上所属日志的名称，如 `progress:`（办理进展）、`reports:`（办理报告）；"
                      "不要删除内容。")
    if "mapping values are not allowed" in problem:
        field = _FIELD_LINE.match(source_line)
        if field is not None and field.end() == column and line > 1:  # a whole field line read as the value above
            return at((line, len(field.group(1)) + 1), "这一行比同一条目的其他字段多缩进了，YAML 把它读成了上一行的值的一部分。",
                      "把这一行的缩进和同一条目的其他字段对齐；不要删除内容。")
        return at((line, column), "值里含有「: 」，YAML 把它当成了新的字段。", "给整段文字加上引号，或改用 | 多行写法。")
    if "expected a single document" in problem:
        return at((line, column), "文件里有多个 YAML 文档（出现了 ---）。", "一个文件只写一个督查事项，删除多余的 --- 分隔线。")
    if "special characters are not allowed" in problem or "unacceptable character" in problem:
        return at((line, column), "文件里有不可见的控制字符。", "删除该位置的不可见字符（常见于从网页或 Word 粘贴的文字）。")
    if "found undefined alias" in problem or "found duplicate anchor" in problem \
            or "while scanning an anchor" in problem or "while scanning an alias" in problem:
        return at((line, column), "使用了 YAML 锚点或别名（& 或 *），记录中不允许。",
                  "把内容直接写出来，删除 & 和 *；若是正文里的 *，请给整段文字加引号。")
    if "unknown escape character" in said:
        return at((line, column), "双引号里的反斜杠 \\ 后面跟了 YAML 不认识的字符。",
                  "改用单引号 '…'（单引号里的 \\ 就是它本身），或把 \\ 写成 \\\\。")
    if "while scanning a quoted scalar" in context:
        quote = lines[start[0] - 1][start[1] - 1] if 0 < start[0] <= len(lines) else '"'
        return at(start, f"从这里开始的引号 {quote} 到文件末尾都没有配对的另一半。",
                  f"在这段文字的末尾补上 {quote}；文字里本身有引号的，改用全角引号“”。")
    if "while parsing a flow sequence" in context:
        return at(start, "从这里开始的方括号 [ 没有配对的 ]，或者列表项之间少了半角逗号。",
                  "写成 [市财政局, 市教育局]：各项用半角逗号加空格隔开，以 ] 结束；某一项里有逗号、冒号或方括号的，给这一项加引号。")
    if "while parsing a flow mapping" in context:
        return at(start, "从这里开始的花括号 { 没有配对的 }。",
                  "记录里不用花括号：改写成下一级缩进的 `字段: 值`；花括号是文字的一部分的，给整个值加引号。")
    if "expected '-' indicator" in said:
        return at((line, column), "这一行的缩进和上面的列表条目对不齐。",
                  "同一条目的字段要对齐：`  - date:` 之后写 `    by:`（前面 4 个空格）；新的一条以 `  - ` 开头。不要删除内容。")
    if "could not find expected ':'" in said:
        return at(start, "这一行既不是 `字段名: 值`，也不是列表项：找不到它的冒号。",
                  "这是上一行文字的续行的，把上一行的值改用 | 多行写法；是字段的，写成 `字段名: 值`（半角冒号加空格）。")
    if "cannot start any token" in said and 0 < column <= len(source_line):
        return at((line, column), f"值不能以「{source_line[column - 1]}」开头：YAML 保留了这个符号。", "给整个值加上引号：\"…\"。")
    if "expected <document start>" in said:
        return at((line - 1 if line > 1 else line, 1), "文件中间有文档结束标记 ...，后面的内容读不到。", "删除只有 ... 的那一行。")
    if "while scanning a block scalar" in context:
        return at((line, column), "| 或 > 后面要直接换行，文字从下一行写起。", "把 | 后面的文字移到下一行，比字段名多缩进 2 个空格。")
    if "did not find expected key" in said:
        if column > 1 and source_line[column - 2: column - 1] in ('"', "'"):
            return at((line, column), "引号后面还有文字：引号要包住整个值。", "把引号移到整个值的两端；文字里要用引号的，改用全角引号“”。")
        return at((line, column), "这里读不懂：这一行不是 `字段名: 值` 的写法，或缩进和同级字段不一致。",
                  "检查这一行的缩进是否与同级字段对齐；列表项要写在所属字段的下一行并缩进；值里有 [ ] { } # 等符号的，给整个值加引号。")
    return at((line, column), f"YAML 格式错误（解析器原话：{said}）。", _OUTSIDE_QUOTES)


def _raw_character_problems(name: str, text: str) -> list[Problem]:
    """Every line holding a character YAML refuses or breaks the line at, located to the character."""
    problems: list[Problem] = []
    last_line = 0
    for match in _RAW_REFUSED.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if line == last_line:  # one problem a line: the fix is the same for the rest of it
            continue
        last_line = line
        column = match.start() - text.rfind("\n", 0, match.start())
        ch = match.group()
        if ch in "\r\x85\u2028\u2029":
            bare = "单独的" if ch == "\r" else ""
            problems.append(Problem(name, line, column, "",
                                    f"这一行有{bare}{character_name(ch)}，YAML 把它当成换行，后面的内容会读错位置。",
                                    "删除这个字符（常见于从网页、Word、老式 Mac 软件复制的文字）；确要换行的，用 | 多行写法。"))
        else:
            problems.append(Problem(name, line, column, "", f"这一行有看不见的{character_name(ch)}，YAML 读不了含有它的文件。",
                                    "删除这个字符（常见于从网页、Word、微信复制的文字）；这一行的其他内容不要删。"))
    return problems


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
    text, problems = checked_text(raw, name)
    if text is None:
        return None, problems
    try:
        node = compose(text)
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


def compose(text: str) -> Node | None:
    """The node tree of a checked text (None when it holds no document); raises yaml.YAMLError."""
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def compose_all(text: str) -> list[Node]:
    """The node trees of a checked text of several documents (each begun by ``---``); raises yaml.YAMLError."""
    loader = _Loader(text)
    try:
        nodes: list[Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
        return nodes
    finally:
        loader.dispose()


def checked_text(raw: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """The text of ``raw``, or None with the problems that keep YAML from reading it as staff meant."""
    problems: list[Problem] = []
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(name, 0, 0, "", f"文件过大（超过 {MAX_FILE_BYTES // 1024} KB）。",
                              "一个文件只记录一个督查事项；附件材料请另存，不要写进记录。")]
    if raw.startswith(BOM):
        problems.append(Problem(name, 1, 1, "", "文件开头有 BOM 标记（UTF-8 with BOM）。",
                                "用编辑器另存为「UTF-8（无 BOM）」。"))
        raw = raw[len(BOM):]
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
    for match in _FULLWIDTH_COLON_KEY.finditer(text) if _NAME_BEFORE_FULLWIDTH_COLON.search(text) else ():
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
    if _RAW_SUSPECT.search(text) and _RAW_REFUSED.search(text):
        problems.extend(_raw_character_problems(name, text))
        return None, problems
    for match in _TAB_INDENT.finditer(text) if "\t" in text else ():
        line, column = _line_col(raw, len(text[: match.end() - 1].encode("utf-8")))
        problems.append(Problem(name, line, column, "", "这一行用了制表符（Tab）缩进，YAML 只认空格。",
                                "把 Tab 换成空格（每级缩进 2 个空格）。"))
        return None, problems
    return text, problems
