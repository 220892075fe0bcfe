"""The schemas editors read: draft-07 (VS Code's YAML extension), a Chinese title and description on every key."""

from __future__ import annotations

import json
import marshal
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .conftest import EXAMPLES, REPO, Invoke, example_repo

PACKAGED = REPO / "generator" / "ducha" / "schemas"
SCHEMAS = sorted(PACKAGED.glob("*.schema.json"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def keys(schema: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, sub in (schema.get("properties") or {}).items():
        found.append((f"{path}{name}", sub))
        found += keys(sub, f"{path}{name}.")
        items = sub.get("items")
        if isinstance(items, dict):
            found += keys(items, f"{path}{name}[].")
    return found


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_draft7_with_chinese_titles(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert "unevaluatedProperties" not in path.read_text(encoding="utf-8")
    missing = [name for name, sub in keys(schema)
               if not (CHINESE.search(str(sub.get("title", ""))) and CHINESE.search(str(sub.get("description", ""))))]
    assert missing == []


def test_case_schema_keeps_the_contract_keys() -> None:
    schema = json.loads((PACKAGED / "case.schema.json").read_text(encoding="utf-8"))
    assert set(schema["properties"]) >= {
        "id", "title", "category", "source", "requirements", "parent", "registered", "assigned", "lead_unit",
        "co_units", "owner", "time_limit", "progress", "urges", "extensions", "reports", "reviews", "followups",
        "cancelled", "archive", "visibility"}


def test_a_cached_validator_compiled_from_another_schema_text_is_never_used(
        tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from ducha.rules.schema import _fast_validator

    root = example_repo(EXAMPLES / "invalid" / "unknown-field", tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _fast_validator.cache_clear()
    first = invoke(root, "validate", "--today", "2026-11-23")
    entries = sorted((tmp_path / "cache" / "ducha").glob("*.validator"))
    assert first.exit_code == 1 and [p.name.split("-")[0] for p in entries] == ["case", "office"]
    # Each entry now holds a validator that accepts anything, compiled from some other schema text.
    anything = ("{}", "accept", compile("def accept(data):\n    return data\n", "<stale>", "exec"))
    for entry in entries:
        entry.write_bytes(marshal.dumps(anything))
    _fast_validator.cache_clear()
    try:
        again = invoke(root, "validate", "--today", "2026-11-23")
    finally:
        _fast_validator.cache_clear()
    assert (again.exit_code, again.output) == (1, first.output)
    assert "[titel] 未知字段 `titel`" in again.output


def test_the_compiled_check_says_what_jsonschema_says_of_every_example() -> None:
    """The fast path (fastjsonschema's code, cut to a yes or no) passes exactly the files jsonschema passes:
    a file it refused in error would only cost time, one it passed in error would go unchecked."""
    from ducha.io.yamlfile import read_yaml
    from ducha.rules.schema import _fast_validator

    checked = {"case": 0, "office": 0}
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        name = "office" if path.name == "office.yaml" else "case" if path.parent.parent.name == "cases" else None
        doc = read_yaml(path)[0] if name else None
        if name is None or doc is None:
            continue
        data = doc.data
        try:
            _fast_validator(name)(data)
            fast = True
        except ValueError:
            fast = False
        assert fast == jsonschema.Draft7Validator(json.loads((PACKAGED / f"{name}.schema.json").read_text(
            encoding="utf-8"))).is_valid(data), path
        checked[name] += 1
    assert checked["case"] > 100 and checked["office"] > 5
