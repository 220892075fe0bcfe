"""Unit names in the records: every one checked against office.yaml's list, and what a slip most likely meant.

Where a record holds a unit name is the schema's to say: a field whose schema is the shared
``unit`` definition (``lead_unit``, a 签收's ``unit``, a progress report's ``by``, a notice's
praised unit, a measure's unit…), in whatever record kind. ``unit_problems`` walks a record to
every such place, so a new field or record kind written with the definition is checked with no
change here, and every one is checked the same way.

Staff write a unit's full name (青川市交通运输局), a near name (交通局, 市交通局), two names
joined by a full-width comma that YAML reads as one (``[市教育局，市财政局]``), or a name
with an invisible character pasted in. Each gets the registered short name it points to.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path
from ducha.model.corrections import written_path
from ducha.model.office import Office
from ducha.rules.characters import invisible_free
from ducha.schemas import load_schema

#: How a record's schema says "a registered unit's short name".
UNIT_REF = "#/definitions/unit"

_JOINERS = re.compile(r"[，、,；;\s]+")


@dataclass(frozen=True)
class UnitGuess:
    """Why the name is not registered, and what to write instead."""

    why: str
    fix: str


def guess_unit(name: str, office: Office) -> UnitGuess | None:
    """The likely slip behind ``name`` (not a registered short name), or None when nothing is near."""
    names = [u.name for u in office.units]
    if invisible_free(name) in names and invisible_free(name) != name:
        real = invisible_free(name)
        return UnitGuess(f"其中有看不见的字符或全角字母数字，看起来像「{real}」却不是同一个名字",
                         f"删掉后重新输入为「{real}」")
    parts = [part for part in _JOINERS.split(name) if part]
    if len(parts) > 1 and all(part in names for part in parts):
        joiner = next(ch for ch in name if _JOINERS.match(ch))
        shown = "全角逗号「，」" if joiner == "，" else f"「{joiner}」"
        return UnitGuess(f"这是 {len(parts)} 个单位，用{shown}隔开被读成了一个",
                         f"用半角逗号加空格分隔：[{', '.join(parts)}]")
    full = {u.full_name: u.name for u in office.units}
    if name in full:
        return UnitGuess("这是单位全称", f"记录中写登记的简称「{full[name]}」")
    import difflib  # only for a unit that is not found

    close = difflib.get_close_matches(name, names + list(full), n=1, cutoff=0.6)
    contains = [n for n in names if len(name) >= 2 and (name in n or n in name)]
    if close or contains:
        found = full.get(close[0], close[0]) if close else contains[0]
        return UnitGuess("", f"是不是「{found}」？写成登记的简称「{found}」")
    return None


def unknown_unit(role: str, name: str, office: Office) -> tuple[str, str]:
    """Message and fix for a unit name that is not registered, with the likely slip named."""
    guess = guess_unit(name, office)
    message = f"{role}「{name}」未在 office.yaml 中登记" + (f"：{guess.why}。" if guess and guess.why else "。")
    if guess is not None:
        return message, f"{guess.fix}；确是新单位的，先在 office.yaml 的 units 中登记。"
    return message, f"改为已登记的单位简称（{'、'.join(sorted(office.unit_names))}），或先在 office.yaml 的 units 中登记。"


#: Where unit names stand in one record kind: ``(title, None)`` at a unit name, else ``(title, children)``
#: with the children by key (a mapping's) or ``ITEMS`` (a list's), holding only the ways down to unit names.
_Places = tuple[str, "dict[str | int, _Places] | None"]
ITEMS = 0


def _places(root: dict[str, Any], node: dict[str, Any], title: str) -> _Places | None:
    if node.get("$ref") == UNIT_REF:
        return (title, None)
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        node = {**root["definitions"][ref.rsplit("/", 1)[1]], **node, "$ref": None}
    children: dict[str | int, _Places] = {}
    for key, sub in node.get("properties", {}).items():
        found = _places(root, sub, str(sub.get("title", title)))
        if found is not None:
            children[key] = found
    items = node.get("items")
    if isinstance(items, dict):
        found = _places(root, items, str(items.get("title", title)))
        if found is not None:
            children[ITEMS] = found
    return (title, children) if children else None


@functools.cache
def unit_places(kind: str) -> _Places | None:
    """Where the schema of record ``kind`` (case, notice…) puts unit names; None when nowhere."""
    root = load_schema(kind)
    return _places(root, root, "")


def unit_names_in(data: Any, kind: str) -> Iterator[tuple[PathKey, str, str]]:
    """Every unit name in a record of ``kind``: its place, the name, and what the schema calls the field."""
    def walk(value: Any, here: _Places, path: PathKey) -> Iterator[tuple[PathKey, str, str]]:
        title, children = here
        if children is None:
            if isinstance(value, str):
                yield path, value, title
        elif isinstance(value, dict):
            for key, child in children.items():
                if isinstance(key, str) and key in value:
                    yield from walk(value[key], child, (*path, key))
        elif isinstance(value, list) and ITEMS in children:
            for index, item in enumerate(value):
                yield from walk(item, children[ITEMS], (*path, index))

    places = unit_places(kind)
    if places is not None:
        yield from walk(data, places, ())


def unit_problems(doc: YamlDocument, kind: str, office: Office, issued: str = "") -> list[Problem]:
    """Every unit name in ``doc`` (read as the model reads it: corrected) that office.yaml does not register;
    ``issued`` names what ``doc`` is when it may not be edited once merged (通报), which the fix then says."""
    names = office.unit_names
    problems = []
    for path, name, title in unit_names_in(doc.data, kind):
        if name not in names:
            line, column = doc.mark(path)
            message, fix = unknown_unit(title, name, office)
            if issued:
                fix = f"已印发的{issued}不得修改：是 office.yaml 删去或改动了这个单位的，恢复它的登记；尚未合并的，{fix}"
            problems.append(Problem(doc.path, line, column, format_path(written_path(doc, path)), message, fix))
    return problems
