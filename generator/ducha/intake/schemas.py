"""``ducha schema``: write ``schema/`` as office.yaml gives it (the office's vocabulary as choices, and the standard
schemas), whole or not at all; ``ducha init`` writes it the same way."""

from __future__ import annotations

from pathlib import Path

from ducha.io.atomic import write_files
from ducha.load.office import load_office
from ducha.rules.editor_schema import schema_files


def write_schemas(root: Path) -> tuple[str, ...]:
    """Bring ``schema/`` in line with ``root``'s office.yaml; the files it rewrote (none when already in line)."""
    wanted = schema_files(load_office(root))
    changed = {path: text for path, text in wanted.items()
               if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text}
    write_files({root / path: text for path, text in changed.items()})
    return tuple(changed)
