"""Which of the office's controls a pull request changes, and which changes it may not make, read from git;
and which deleted records are the demo's (matched by content, not path).

What counts as a control and what values it may take is ``rules.controls``; this module finds the
office.yaml and demo list on both sides, and whether the office had adopted ducha at the fork.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from ducha.errors import Problem
from ducha.io.yamlfile import parse_yaml
from ducha.model.demo import DEMO_LIST, listed_as_demo, parse_demo_list
from ducha.model.office import OFFICE_FILE
from ducha.repo.blobs import files_at
from ducha.repo.values import FileChange
from ducha.rules.controls import ControlChange, adoption_problems, demo_list_changes, office_control_changes
from ducha.rules.layout import RECORD_DIRS


def control_changes(root: Path, fork: str, blobs: Mapping[str, bytes | None], today: dt.date) -> tuple[list[ControlChange], list[Problem]]:
    """The office's controls this pull request changes (rules.controls), and those it may not change so."""
    base_office, head_office = blobs.get(OFFICE_FILE), _read(root / OFFICE_FILE)
    base_demo, head_demo = blobs.get(DEMO_LIST), _read(root / DEMO_LIST)
    if base_office == head_office and base_demo == head_demo:
        return [], []
    adopted = _adopted(root, fork, base_demo)
    old_doc = parse_yaml(base_office, OFFICE_FILE)[0] if base_office is not None else None
    new_doc = parse_yaml(head_office, OFFICE_FILE)[0] if head_office is not None else None
    old = old_doc.data if old_doc is not None and isinstance(old_doc.data, dict) else None
    new = new_doc.data if new_doc is not None and isinstance(new_doc.data, dict) else None
    changes, problems = office_control_changes(old, new), adoption_problems(old, new_doc, today, adopted)
    demo_changes, demo_problems = demo_list_changes(base_demo, head_demo, adopted)
    return changes + demo_changes, problems + demo_problems


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _adopted(root: Path, fork: str, demo_list: bytes | None) -> bool:
    """Whether the office had begun its own records at ``fork``: ``ducha init`` removed the demo list, or some record
    it lists is gone. (A listed record merely changed is the demo's own maintenance: its list is renewed next.)"""
    if demo_list is None:
        return True
    listed = parse_demo_list(demo_list.decode("utf-8", "replace"))
    return any(raw is None for raw in files_at(root, fork, list(listed)).values())


def demo_removals(root: Path, fork: str, changes: list[FileChange]) -> set[str]:
    """Deleted records that the base's DEMO.sha256 lists, unchanged (by content): removing them starts an
    office's own records. An archive manifest goes with them when it is the demo's, unchanged."""
    deleted = [c.path for c in changes if c.status == "D" and c.path.split("/", 1)[0] in RECORD_DIRS]
    listed_raw = files_at(root, fork, [DEMO_LIST]).get(DEMO_LIST) if deleted else None
    if listed_raw is None:
        return set()
    listed = parse_demo_list(listed_raw.decode("utf-8", "replace"))
    return {path for path, raw in files_at(root, fork, deleted).items() if raw is not None and listed_as_demo(listed, path, raw)}
