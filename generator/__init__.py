"""ducha: 督查事项 kept as YAML records in git."""

from pathlib import Path

#: The repository's own ``schema/`` folder is the contract editors and CI read;
#: the tool is installed editable from the same checkout, so it reads it in place.
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
