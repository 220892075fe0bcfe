"""The schemas an office edits against: the standard ones with its categories and unit names as choices.

ducha checks every record against the standard schemas it ships (``ducha.schemas``) and its
rules, which know office.yaml. An editor knows only a schema: so a repository's ``schema/``
holds the standard schemas with the office's vocabulary written in as ``enum`` (its categories;
its units' short names, with their full names in the description), and VS Code's YAML extension
and the like flag ``category: 领导交办`` or an unregistered unit as it is typed. The standard
schemas go unchanged into ``schema/standard/`` for tools that want the generic contract.
Validation keeps the folder equal to what office.yaml gives (``load.validate``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from ducha.model.office import Office
from ducha.schemas import NAMES, load_schema, schema_text

SCHEMA_DIR = "schema"
STANDARD_DIR = f"{SCHEMA_DIR}/standard"


def _choices(definition: dict[str, Any], names: list[str], described: str) -> None:
    definition["enum"] = names
    definition["description"] = f"{definition.get('description', '')}本单位可选：{described}。"


def office_schema(name: str, office: Office) -> dict[str, Any]:
    """Schema ``name`` with the office's vocabulary as choices, wherever the standard one writes a unit or a category."""
    schema = copy.deepcopy(load_schema(name))
    definitions = schema.get("definitions", {})
    if "unit" in definitions:
        _choices(definitions["unit"], [unit.name for unit in office.units],
                 "、".join(unit.name if unit.full_name == unit.name else f"{unit.name}（{unit.full_name}）"
                          for unit in office.units))
    if "category" in definitions:
        _choices(definitions["category"], list(office.category_names), "、".join(office.category_names))
    return schema


def schema_files(office: Office) -> Mapping[str, str]:
    """Every file ``schema/`` holds for ``office``, by its path in the repository: the office's, then the standard."""
    files = {f"{SCHEMA_DIR}/{name}.schema.json": json.dumps(office_schema(name, office), ensure_ascii=False, indent=2) + "\n"
             for name in NAMES}
    files.update({f"{STANDARD_DIR}/{name}.schema.json": schema_text(name) for name in NAMES})
    return files
