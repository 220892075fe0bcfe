"""The JSON Schemas of the records, shipped inside the package.

They are the contract the tool enforces, so the tool reads its own copy; a data
repository's ``schema/`` folder holds the same files for editors (``ducha init`` writes
them, and a test keeps this repository's copy identical).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

NAMES = ("case", "office", "notice", "bulletin", "measure", "survey", "assessment")


def schema_text(name: str) -> str:
    """The schema file ``<name>.schema.json`` as text."""
    # Beside this module in the installed package (importlib.resources would cost a one-file check 4 ms to import).
    return (Path(__file__).parent / f"{name}.schema.json").read_text(encoding="utf-8")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``<name>.schema.json`` as a dict."""
    import json  # a one-file check reads its validator from the cache, never the schema itself

    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema
