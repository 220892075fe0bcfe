"""更正: which recorded values a correction may put right, what each is called, and the record with them applied.

A correction names its field as ducha names a place in a record when it reports a problem
there: a fact by its key (``lead_unit``, ``source.doc_no``), a value inside a logged entry by
the log, the entry's place counted from 0, and the entry's field (``reports[1].doc_no``: the
second 办理报告's 发文字号). What may be corrected inside an entry is read from the schema, so
a new log kind's fields can be corrected with no change here.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yaml.nodes import Node

from ducha.io.yamlfile import PathKey, YamlDocument
from ducha.model.logs import CORRECTABLE, LOG_KINDS, LOGS
from ducha.schemas import load_schema

#: ``reports[1].doc_no``: a log, the entry's place (from 0), a field of the entry.
_ENTRY_FIELD = re.compile(r"^([a-z_]+)\[([0-9]+)\]\.([a-z_]+)$")
#: Fields of an entry that identify a file kept beside the record (its name, type, size and SHA-256): a
#: different file is attached anew, never corrected into an old entry.
_FILE_IDENTITY = frozenset({"file", "type", "size", "sha256"})


def _correctable_in(key: str) -> tuple[str, ...]:
    item = load_schema("case")["properties"][key]["items"]
    return tuple(name for name in item["properties"] if not name.endswith("late_reason")
                 and not (key == "attachments" and name in _FILE_IDENTITY))


@functools.cache
def entry_fields() -> Mapping[str, tuple[str, ...]]:
    """Per log (but the corrections themselves), the fields of its entries that a correction may put right."""
    return {kind.key: _correctable_in(kind.key) for kind in LOG_KINDS if kind.key != "corrections"}


def target(field: str) -> PathKey | None:
    """Where in the record a correction's ``field`` points: ``("lead_unit",)``, ``("source", "doc_no")``,
    ``("reports", 1, "doc_no")``; None when it names nothing a correction may put right."""
    if field in CORRECTABLE:
        return tuple(field.split("."))
    match = _ENTRY_FIELD.match(field)
    if match is None or match[3] not in entry_fields().get(match[1], ()):
        return None
    return match[1], int(match[2]), match[3]


#: Facts whose correction may move a due date: the term, what sets its default, and the day it runs from.
_TERM_FACTS = frozenset({"category", "registered", "assigned", "time_limit"})
#: Fields of an extension whose correction may move a due date: its grant and its term.
_EXTENSION_TERMS = frozenset({"approved", "until", "time_limit"})


def moves_due(field: str) -> bool:
    """Whether a correction of ``field`` may move a due date: the term and the day it runs from, an
    extension's grant and term, the day, verdict and term of an entry that reopened the case."""
    path = target(field)
    if path is None:
        return False
    if len(path) == 1:
        return path[0] in _TERM_FACTS
    kind, name = LOGS[str(path[0])], path[-1]
    if kind.key == "extensions":
        return name in _EXTENSION_TERMS
    return bool(kind.reopening) and name in {kind.date_field, kind.reopen_when[0], *kind.limit_fields}


def corrected_key(field: str) -> str:
    """The record's top-level field a correction of ``field`` changes: ``reports`` for ``reports[1].doc_no``."""
    return re.split(r"[.\[]", field, maxsplit=1)[0]


def _title(key: str, name: str) -> str:
    return str(load_schema("case")["properties"][key]["items"]["properties"].get(name, {}).get("title", name))


def correction_name(field: str) -> str:
    """What a correction of ``field`` corrects, in words: 主办单位, 依据·文号, 办理报告第2条·发文字号."""
    if field in CORRECTABLE:
        return CORRECTABLE[field]
    where = target(field)
    if where is None:
        return field
    key, index, name = where
    return f"{LOGS[str(key)].label}第{int(index) + 1}条·{_title(str(key), str(name))}"


def value_at(data: Any, path: PathKey) -> Any:
    """The value at ``path`` in plain data, or None when nothing is written there."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def corrected(data: dict[str, Any]) -> tuple[dict[str, Any], dict[PathKey, PathKey]]:
    """The record with every correction applied in order, and where each corrected value is written.

    Plain data in, plain data out: the record itself is never edited, so the history keeps the
    value first written and the correction that replaced it. A correction that points at nothing
    (an entry that does not exist) changes nothing; validation says why.
    """
    entries = data.get("corrections")
    if not entries:
        return data, {}
    values = dict(data)
    copied: set[str] = set()
    where: dict[PathKey, PathKey] = {}
    for index, entry in enumerate(entries):
        path = target(str(entry["field"]))
        if path is None:
            continue
        key = str(path[0])
        if len(path) > 1 and key not in copied:
            values[key] = copy.deepcopy(values.get(key) or ({} if isinstance(path[1], str) else []))
            copied.add(key)
        holder = value_at(values, path[:-1]) if len(path) > 1 else values
        if not isinstance(holder, dict):
            continue
        holder[str(path[-1])] = entry["new"]
        where[path] = ("corrections", index, "new")
    return values, where


def written_at(where: Mapping[PathKey, PathKey], path: PathKey) -> PathKey:
    """Where the value at ``path`` that is in force is written: in the correction that last set it (or a
    value inside it), else where ``path`` itself stands."""
    for length in range(len(path), 0, -1):
        found = where.get(path[:length])
        if found is not None:
            return (*found, *path[length:])
    return path


@dataclass(frozen=True)
class CorrectedDocument(YamlDocument):
    """A record read with its corrections applied: its data is the corrected data, and a place whose value
    a correction set is marked where that correction writes it, so a problem with it is shown there."""

    where: Mapping[PathKey, PathKey] = dataclasses.field(default_factory=dict, repr=False)

    def _nodes(self, path: PathKey) -> tuple[Node | None, Node]:
        return super()._nodes(written_at(self.where, path))


def corrected_document(doc: YamlDocument) -> YamlDocument:
    """``doc`` as the model reads it: with its corrections applied (itself when it has none)."""
    if not isinstance(doc.data, dict):
        return doc
    values, where = corrected(doc.data)
    if not where:
        return doc
    return CorrectedDocument(doc.path, values, doc.root, doc.texts, where)


def written_path(doc: YamlDocument, path: PathKey) -> PathKey:
    """Where the value at ``path`` of ``doc`` as read is written (in a correction, for a corrected value)."""
    return written_at(doc.where, path) if isinstance(doc, CorrectedDocument) else path


def edit_as_corrections(where: PathKey, old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """An entry edited in place (``where``: its log and index) as the corrections that would say it: (field,
    old value, new value) per value changed; empty when the edit is not one a correction can make."""
    if len(where) != 2 or not isinstance(where[1], int):
        return []
    was, now = value_at(old, where), value_at(new, where)
    if not isinstance(was, dict) or not isinstance(now, dict) or set(was) != set(now):
        return []
    found = [(f"{where[0]}[{where[1]}].{name}", was[name], now[name]) for name in was if was[name] != now[name]]
    return found if all(target(field) is not None for field, _, _ in found) else []
