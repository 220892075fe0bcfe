"""Write YAML by editing text: scalars that read back unchanged, entries appended to a log.

Appending an entry to one of a record's logs by editing its text, not by re-dumping YAML.

Re-dumping would drop comments and rewrite what staff wrote; this inserts the new lines
at the end of the log's block (or adds the log at the end of the file) and touches
nothing else. Callers validate the result before keeping it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#:]*(?<!\s)$")
#: Values a YAML 1.1 reader (PyYAML, many editors) would turn into something else.
_YAML11_WORDS = re.compile(r"^(?:y|n|yes|no|true|false|on|off|null|~|[-+.\d][\d_.:eE+-]*)$", re.I)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A line break (or tab) in a plain scalar is folded into a space when read back: quote it.
_BREAKS = re.compile(r"[\n\r\t]")


#: Anything that is not one plain line: line breaks, tabs and other controls go quoted (escaped).
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back unchanged (dates stay plain, as staff write them)."""
    if _ISO_DATE.fullmatch(text):
        return text
    if _PLAIN_SAFE.fullmatch(text) and not _YAML11_WORDS.fullmatch(text) and not _NOT_ONE_LINE.search(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def block_scalar(text: str, indent: str) -> list[str] | None:
    """Several lines of text as a literal block (``|-``) at ``indent``, when it reads back unchanged."""
    lines = text.split("\n")
    if (text != text.strip() or _NOT_ONE_LINE.search(text.replace("\n", ""))
            or any(line != line.rstrip() for line in lines) or lines[0].startswith(" ")):
        return None
    return ["|-\n"] + [f"{indent}{line}\n" if line else "\n" for line in lines]


_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*:")


def entry_lines(fields: dict[str, str], indent: int, nested: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """``- key: value`` lines for one entry, at the list's own indentation; ``nested`` fields (a mapping of
    plain values, such as a link to another office's case) follow, each as a block of its own."""
    pad = " " * indent
    lines = []
    for n, (key, value) in enumerate(fields.items()):
        lead = f"{pad}- " if n == 0 else f"{pad}  "
        block = block_scalar(value, pad + "    ") if "\n" in value else None
        if block is not None:  # a cell typed over several lines (Alt+Enter) stays several lines
            lines.append(f"{lead}{key}: {block[0]}")
            lines += block[1:]
        else:
            lines.append(f"{lead}{key}: {yaml_scalar(value)}\n")
    for key, values in (nested or {}).items():
        lines.append(f"{pad}  {key}:\n")
        lines += [f"{pad}    {name}: {yaml_scalar(value)}\n" for name, value in values.items()]
    return lines


def append_entry(text: str, key: str, fields: dict[str, str],
                 nested: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """``text`` with one more entry at the end of the top-level list ``key``."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if re.match(rf"^{key}\s*:", line)), None)
    if start is None:
        return "".join(lines) + f"{key}:\n" + "".join(entry_lines(fields, 2, nested))
    if re.match(rf"^{key}\s*:\s*\[\s*\]\s*(#.*)?$", lines[start]):
        lines[start] = f"{key}:\n"
        return "".join(lines[: start + 1] + entry_lines(fields, 2, nested) + lines[start + 1:])
    end = start + 1
    while end < len(lines) and not _TOP_KEY.match(lines[end]):
        end += 1
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and column-0 comments before the next key stay where they are
    first_item = next((line for line in lines[start + 1:end] if line.lstrip().startswith("- ")), "  - ")
    indent = len(first_item) - len(first_item.lstrip())
    return "".join(lines[:end] + entry_lines(fields, indent, nested) + lines[end:])
