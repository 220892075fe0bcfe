"""Reading another office's records from their bytes (上下联动): its office.yaml and case files as its own
ducha wrote them, in whichever version of the shared record format that ducha writes.

A newer ducha reads every older format as it is. A record in a newer format than this ducha knows is
read for what this one understands: keys it does not know are left out, and the reading says which.
Nothing read here is written back, and nothing here fails: what cannot be read is a note on the reading.
"""

from __future__ import annotations

import dataclasses
import json

from ducha.errors import DataError
from ducha.io.yamlfile import YamlDocument, parse_yaml
from ducha.load.office import office_from_document
from ducha.model.case import Case, build_case
from ducha.model.links import FORMAT_VERSION
from ducha.model.office import OFFICE_FILE, Office
from ducha.rules import schema

#: Where a repository keeps the schemas it was written with (``ducha init`` writes them).
SCHEMA_FILE = "schema/case.schema.json"
#: The key of that schema naming the shared record format (absent before offices linked their records).
FORMAT_KEY = "x-format-version"


def format_of(schema_raw: bytes | None) -> int:
    """The shared format another office's records are written in, from its ``schema/case.schema.json``."""
    try:
        version = json.loads(schema_raw)[FORMAT_KEY] if schema_raw else 1
    except (ValueError, TypeError, KeyError):
        return 1
    return version if isinstance(version, int) and version > 0 else 1


def newer_format_note(version: int) -> str:
    """What a reading says when the other office writes a newer format than this ducha knows."""
    return (f"对方使用较新的记录格式（第 {version} 版，本室 ducha 为第 {FORMAT_VERSION} 版）：本室不认识的字段未读取。"
            "修改：升级本室的 ducha。") if version > FORMAT_VERSION else ""


def _document(raw: bytes, name: str, kind: str) -> tuple[YamlDocument | None, str, tuple[str, ...]]:
    """The document, what is wrong with it, and the keys left out because this ducha does not know them."""
    doc, problems = parse_yaml(raw, name)
    if doc is None:
        return None, problems[0].message if problems else "无法读取", ()
    if not schema.check(doc, kind):
        return doc, "", ()
    data, dropped = schema.known_part(kind, doc.data)
    doc = dataclasses.replace(doc, data=data)
    found = schema.check(doc, kind)
    if found:
        first = found[0]
        return None, f"{first.field}：{first.message}" if first.field else first.message, dropped
    return doc, "", dropped


def office_from(raw: bytes | None) -> tuple[Office | None, str]:
    """Another office's office.yaml, or why it cannot be read."""
    if raw is None:
        return None, f"对方仓库中没有 {OFFICE_FILE}。"
    doc, _ = parse_yaml(raw, OFFICE_FILE)
    if doc is not None:
        try:
            return office_from_document(doc), ""  # checks the schema itself: most offices pass at once
        except DataError:
            pass
    doc, wrong, _ = _document(raw, OFFICE_FILE, "office")
    if doc is None:
        return None, f"对方的 {OFFICE_FILE} 无法读取：{wrong}"
    try:
        return office_from_document(doc), ""
    except DataError as error:
        first = error.problems[0]
        return None, f"对方的 {OFFICE_FILE} 无法读取：{first.field}：{first.message}"


def case_from(raw: bytes, path: str) -> tuple[Case | None, str]:
    """Another office's case file, or why it cannot be read."""
    doc, wrong, _ = _document(raw, path, "case")
    if doc is None:
        return None, f"{path} 无法读取：{wrong}"
    case, problems = build_case(doc)
    if case is None:
        return None, f"{path} 无法读取：{problems[0].message if problems else '日期不存在'}"
    return case, ""
