"""Characters a record may not hold: control characters and invisible ones.

A NUL, an ESC or a bare carriage return typed through a YAML escape (``"\\x00"``, ``"\\r"``)
passes the parser but breaks what is made from the record: Word refuses it, Excel
refuses it, a calendar feed gets a forged line, a terminal obeys it. Zero-width and
direction-changing characters make two different texts look the same (``市财政局`` and
``市财政局`` plus U+200B are two units to the machine, one to a reader). A tab or a line
break is fine only in fields that hold running text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from ducha.errors import Problem
from ducha.io.charnames import character_name
from ducha.io.yamlfile import PathKey, YamlDocument, format_path
from ducha.rules import schema as schemas

#: Fields whose text may run over several lines (and hold a tab): everything else is one line.
MULTILINE_FIELDS = frozenset({"requirements", "instruction", "summary", "opinion", "note", "reason", "finding", "findings",
                              "suggestions", "notes", "description"})

#: Invisible formatting characters (Unicode category Cf) and the Hangul fillers that render as
#: nothing, written out as ranges: scanning the code space for them at import costs 0.2 s.
_INVISIBLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
              "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e0fff")
#: Line and paragraph separators (U+2028/U+2029) and NEL (U+0085) break lines as newlines do.
_BREAKS = "\u0085\u2028\u2029"
_IN_TEXT = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BREAKS}{_INVISIBLE}]")
_IN_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BREAKS}{_INVISIBLE}]")

def shown(text: str) -> str:
    """``text`` with every control and invisible character spelled out (``⟨U+200B⟩``): for
    messages that quote what was typed, so that a terminal neither hides nor obeys them."""
    return _IN_LINE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text) if _IN_LINE.search(text) else text


def invisible_free(text: str) -> str:
    """``text`` without invisible characters, NFKC-folded: what a reader takes it to say."""
    return unicodedata.normalize("NFKC", re.sub(f"[{_INVISIBLE}]", "", text))


def _strings(data: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _field(path: PathKey) -> str:
    named = [part for part in path if isinstance(part, str)]
    return named[-1] if named else ""


def character_problems(doc: YamlDocument, schema: str) -> list[Problem]:
    """Every value of ``doc`` holding a control or invisible character (a tab or line break
    only outside ``MULTILINE_FIELDS``), located to the value, the character named."""
    if not _IN_LINE.search(doc.texts):  # most records hold none: one search over all their text
        return []
    problems = []
    for path, text in _strings(doc.data, ()):
        multiline = _field(path) in MULTILINE_FIELDS
        found = (_IN_TEXT if multiline else _IN_LINE).search(text)
        if found is None:
            continue
        ch, position = found.group(), found.start() + 1
        line, column = doc.mark(path)
        here = schemas.label(schema, path)
        if ch == "\n" or ch in _BREAKS:
            message, fix = f"{here}不能换行（第{position}个字处）。", "写成一行；较长的说明写进任务要求、办理情况等可以多行的字段。"
        elif ch == "\t":
            message, fix = f"{here}中有制表符 Tab（第{position}个字处）。", "把 Tab 换成空格，或删除它。"
        else:
            where = "开头" if position == 1 else f"第{position - 1}个字之后"
            message = f"{here}{where}有看不见的{character_name(ch)}。"
            fix = "删除这个字符（常见于从网页、Word、微信复制的文字；双引号里的 \\x、\\u、\\r 转义也会产生它）"
            fix += "；需要换行的，用 | 多行写法。" if ch == "\r" else "。"
        problems.append(Problem(doc.path, line, column, format_path(path), message, fix))
    return problems
