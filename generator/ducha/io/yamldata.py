"""The data alone of YAML texts: old versions of records, read for what they say and never to be corrected.

``parse_data`` reads one text as ``parse_yaml`` would, without collecting problems or texts
(the audit trail reads some 25,000 versions at 10,000 cases). A ``DataReader`` reads the
many versions of the same records: one version differs from the one before in a field or
an entry or two, so it parses each top-level field, and each entry of a top-level list,
once for all the versions whose text holds it word for word. Whatever would draw a problem
is left to ``parse_yaml`` itself, so the data is the same however it was read.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ducha.io.yamlfile import BOM, MAX_DEPTH, MAX_FILE_BYTES, PLAIN_TAGS, STR_TAG, Data, checked_text, compose, parse_yaml


class _NotPlain(Exception):
    """A text ``parse_data`` leaves to ``parse_yaml``: it would draw a problem there."""


def _plain_data(node: Node, depth: int) -> Data:
    """The data of a node tree with no tags, aliases, repeated or complex keys, nor deep nesting."""
    if node.tag not in PLAIN_TAGS:
        raise _NotPlain
    if node.__class__ is ScalarNode:
        return str(node.value)
    if depth >= MAX_DEPTH and node.value:
        raise _NotPlain
    if node.__class__ is SequenceNode:
        return [child.value if child.__class__ is ScalarNode and child.tag == STR_TAG else _plain_data(child, depth + 1)
                for child in node.value]
    mapping: dict[str, Data] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key_node.__class__ is not ScalarNode or key_node.tag not in PLAIN_TAGS or key in mapping:
            raise _NotPlain
        mapping[key] = (value_node.value if value_node.__class__ is ScalarNode and value_node.tag == STR_TAG
                        else _plain_data(value_node, depth + 1))
    return mapping


def _plain(text: str, kind: type[Node], depth: int) -> Any:
    """The data of ``text``, whose top node must be of ``kind``; raises _NotPlain for anything else."""
    try:
        node = compose(text)
    except yaml.YAMLError:
        raise _NotPlain from None
    if node is None or node.__class__ is not kind:
        raise _NotPlain
    return _plain_data(node, depth)


def _checked(raw: bytes) -> str | None:
    """The text to read quickly; raises _NotPlain for a file whose reading would report something."""
    if len(raw) > MAX_FILE_BYTES or raw.startswith(BOM) or b"*" in raw:
        raise _NotPlain
    text, _ = checked_text(raw, "")
    return text


def _full(raw: bytes) -> Any:
    document, _ = parse_yaml(raw, "")
    return document.data if document is not None else None


def parse_data(raw: bytes) -> Any:
    """``parse_yaml(raw, ...)``'s data (None where it gives no document), for when only the data matters."""
    try:
        text = _checked(raw)
    except _NotPlain:
        return _full(raw)
    if text is None:
        return None
    try:
        node = compose(text)
        if node is None or node.__class__ is not MappingNode:
            return None
        return _plain_data(node, 0)
    except (yaml.YAMLError, _NotPlain):
        return _full(raw)


#: Where a part begins: a field name at the margin, or an entry of a top-level list (indented by two).
_PART = re.compile(rb"\n(?=[A-Za-z_]|  - )")
#: A field whose value is the list of entries that follow it.
_LIST_FIELD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*:[ ]*\n")
_ENTRY = b"  - "
_NAME_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


class DataReader:
    """``parse_data`` for many versions of the same records, each part of a text checked and parsed once.

    A part is a top-level field (its name at the margin, and every line up to the next such
    name) or an entry of a top-level list. Each is read alone as it is read in the whole
    text: every check on a text looks at its lines one by one, and YAML's block structure
    starts afresh at the margin. Where that might not hold (a quoted text or a ``[…]``
    running over a part's end leaves the part unreadable; ``---``, ``...``, a repeated field,
    an entry under anything but a bare ``name:``), the whole text is read by ``parse_data``
    instead. Parts are shared between the versions holding them: read only.
    """

    def __init__(self) -> None:
        #: A part → its field's name (None for an entry), its data, and whether entries may follow it.
        self._parts: dict[bytes, tuple[str | None, Any, bool]] = {}

    def __call__(self, raw: bytes) -> Any:
        if (len(raw) > MAX_FILE_BYTES or raw.startswith((BOM, b"%", b"...")) or b"*" in raw
                or b"\n---" in raw or b"\n..." in raw):
            return parse_data(raw)
        try:
            return self._joined(raw)
        except _NotPlain:
            return parse_data(raw)

    def _joined(self, raw: bytes) -> dict[str, Any]:
        cuts = [match.end() for match in _PART.finditer(raw)]
        if cuts and raw[0] not in _NAME_START:
            del cuts[0]  # what comes before the first field (comments) is read with it
        cuts.append(len(raw))
        parts = self._parts
        data: dict[str, Any] = {}
        named: str | None = None  # the field a list of entries may follow
        entries: list[Any] | None = None
        start = 0
        for end in cuts:
            part = raw[start:end]
            start = end
            found = parts.get(part)
            if found is None:
                found = parts[part] = self._read(part)
            key, value, bare = found
            if key is None:
                if entries is None:
                    if named is None:
                        raise _NotPlain
                    entries = data[named] = []
                entries.extend(value)
            elif key in data:
                raise _NotPlain
            else:
                data[key] = value
                named, entries = (key if bare else None), None
        return data

    @staticmethod
    def _read(part: bytes) -> tuple[str | None, Any, bool]:
        text, _ = checked_text(part, "")
        if text is None:
            raise _NotPlain
        if part.startswith(_ENTRY):
            return None, _plain(text, SequenceNode, 1), False
        field = _plain(text, MappingNode, 0)
        if len(field) != 1:
            raise _NotPlain
        ((key, value),) = field.items()
        return key, value, _LIST_FIELD.fullmatch(part) is not None
