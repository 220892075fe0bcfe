"""The first room: reading and writing files (YAML kept as written, text, attachments, atomic writes)."""

from ducha import bytecode

bytecode.pyyaml_pattern_precompiled()  # before this room imports PyYAML; `ducha --help` never enters it
