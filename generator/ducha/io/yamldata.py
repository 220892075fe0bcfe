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
from collections.abc import Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ducha.io.yamlfile import BOM, MAX_DEPTH, MAX_FILE_BYTES, PLAIN_TAGS, STR_TAG, Data, checked_text, compose, compose_all, parse_yaml


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
    return _plain_node(node, kind, depth)


def _plain_node(node: Node | None, kind: type[Node], depth: int) -> Any:
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


#: Where a part begins: an entry of a top-level list (indented by two), or a field name alone on its
#: line (a list's, or a block's). Every other field is read with the part before it.
_PART = re.compile(rb"\n(?=  - |[A-Za-z_][A-Za-z0-9_]*:[ ]*\n)")
#: A part that is only a field name: the entries that follow are its list.
_LIST_FIELD = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*):[ ]*\n")
_ENTRY = b"  - "
#: An entry is read under a name of its own (as a list's entries are read under the list's name),
#: with the fields that may follow it: a field of that name after it is a repeated field, read whole.
_ENTRIES = "_"


class DataReader:
    """``parse_data`` for many versions of the same records, each part of a text checked and parsed once.

    A part is an entry of a top-level list, with any top-level fields after it; or the rest:
    top-level fields from the margin up to the next entry or the next name alone on its line
    (a list's name). Each is read alone as it is read in the whole text: every check on a text
    looks at its lines one by one, and YAML's block structure starts afresh at the margin and
    at each entry of a list. Where that might not hold (a quoted text or a ``[…]`` running over
    a part's end leaves the part unreadable; ``---``, ``...``, a directive (``%``), a repeated field, an entry under
    anything but a bare ``name:``), the whole text is read by ``parse_data`` instead. Parts are
    shared between the versions holding them: read only.
    """

    def __init__(self) -> None:
        #: A part → the entries it holds (None: not an entry), its top-level fields, and the list
        #: name it is (None unless it is a name alone on its line); or _UNREADABLE.
        self._parts: dict[bytes, tuple[list[Any] | None, dict[str, Any], str | None]] = {}

    def __call__(self, raw: bytes) -> Any:
        return self.read_many([raw])[0]

    def read_many(self, raws: Sequence[bytes]) -> list[Any]:
        """The data of each text; the parts not seen before, in all of them, read together."""
        split = [_pieces(raw) for raw in raws]
        parts = self._parts
        unknown = [part for part in dict.fromkeys(part for pieces in split if pieces for part in pieces) if part not in parts]
        if unknown:
            self._learn(unknown)
        found = []
        for raw, pieces in zip(raws, split, strict=True):
            try:
                if pieces is None:
                    raise _NotPlain
                found.append(self._joined(pieces))
            except _NotPlain:
                found.append(parse_data(raw))
        return found

    def _joined(self, pieces: list[bytes]) -> dict[str, Any]:
        parts = self._parts
        data: dict[str, Any] = {}
        named: str | None = None  # the list that entries may extend
        entries: list[Any] | None = None
        for part in pieces:
            found = parts[part]
            if found is _UNREADABLE:
                raise _NotPlain
            items, fields, bare = found
            if items is not None:
                if entries is None:
                    if named is None:
                        raise _NotPlain
                    entries = data[named] = []
                entries.extend(items)
                if not fields:
                    continue
            named, entries = bare, None
            if not data.keys().isdisjoint(fields):
                raise _NotPlain
            data.update(fields)
        return data

    def _learn(self, unknown: list[bytes]) -> None:
        """Read the parts not seen before: as the documents of one text (``---`` before each), which
        reads each as it reads it alone; one by one when that fails, to tell which ones cannot be read."""
        if len(unknown) > 1 and all(part.endswith(b"\n") for part in unknown):
            text, _ = checked_text(b"".join(b"---\n" + _alone(part) for part in unknown), "")
            try:
                nodes = compose_all(text) if text is not None else []
                if len(nodes) == len(unknown):
                    self._parts.update({part: _meaning(part, node) for part, node in zip(unknown, nodes, strict=True)})
                    return
            except (yaml.YAMLError, _NotPlain):
                pass
        for part in unknown:
            text, _ = checked_text(_alone(part), "")
            try:
                self._parts[part] = _meaning(part, compose(text)) if text is not None else _UNREADABLE
            except (yaml.YAMLError, _NotPlain):
                self._parts[part] = _UNREADABLE


#: A part that cannot be read alone: a text holding it is read whole.
_UNREADABLE: tuple[None, dict[str, Any], None] = (None, {}, None)


def _pieces(raw: bytes) -> list[bytes] | None:
    """The parts of a text; None for one that is read whole."""
    if (len(raw) > MAX_FILE_BYTES or raw.startswith((BOM, b"%", b"...")) or b"*" in raw
            or b"\n---" in raw or b"\n..." in raw or b"\n%" in raw):
        return None
    cuts = [match.end() for match in _PART.finditer(raw)]
    return [raw[start:end] for start, end in zip([0, *cuts], [*cuts, len(raw)], strict=True)]


def _alone(part: bytes) -> bytes:
    """A part as a text of its own: an entry under a name, as a list's entries are under the list's name."""
    return b"%s:\n%s" % (_ENTRIES.encode(), part) if part.startswith(_ENTRY) else part


def _meaning(part: bytes, node: Node | None) -> tuple[list[Any] | None, dict[str, Any], str | None]:
    """A part's entries (None: not an entry), its top-level fields, and the list name it is (if it is only that)."""
    fields: dict[str, Any] = _plain_node(node, MappingNode, 0)
    assert isinstance(node, MappingNode)
    if node.flow_style or node.start_mark.column != 0:  # its fields are not at the margin, as the next part's are
        raise _NotPlain
    if not part.startswith(_ENTRY):
        bare = _LIST_FIELD.fullmatch(part)
        return None, fields, bare.group(1).decode() if bare else None
    items = fields.pop(_ENTRIES, None)
    if not isinstance(items, list):
        raise _NotPlain
    return items, fields, None
