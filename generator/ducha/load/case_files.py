"""Finding the records: the case files under a folder, and the case ids the repository holds."""

from __future__ import annotations

import os
import re
from collections.abc import Container, Iterable, Iterator
from pathlib import Path


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``*.yaml`` case file named or found under ``paths``, sorted, each once."""
    found: set[str] = set()
    for path in paths:
        if path.is_dir():
            found.update(entry.path for entry in _yaml_entries(os.fspath(path)))
        else:
            found.add(os.fspath(path))
    # Names, not Path objects, are gathered and sorted: hashing and comparing 10,000 Paths costs a tenth of a second.
    return [Path(name) for name in sorted(found)]


def _yaml_entries(folder: str) -> Iterator[os.DirEntry[str]]:
    """The ``*.yaml`` files under ``folder``, as the directory listing has them (no Path objects)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            yield from _yaml_entries(entry.path)
        elif entry.name.endswith(".yaml"):
            yield entry


#: A case id as the schema allows it; only such an id is looked up as a file name.
_CASE_ID = re.compile(r"[A-Z]{1,10}-[0-9]{4}-[0-9]{4,}")


class CaseIds(Container[str]):
    """Every case id in the repository, from file names alone, listed on first use.

    A one-file check (the pre-commit hook) needs them only for a ``parent``: a case filed where
    its id says (``cases/<year>/<id>.yaml``) is found with one look-up, so the check costs the
    same at 30,000 cases as at 10; only an id not there (missing, or filed in another year's
    folder) lists the names, never Path objects.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._ids: frozenset[str] | None = None

    @classmethod
    def of(cls, files: Iterable[Path]) -> CaseIds:
        ids = cls(Path())
        ids._ids = frozenset(os.path.basename(f)[:-5] for f in map(os.fspath, files))
        return ids

    def __contains__(self, case_id: object) -> bool:
        if (self._ids is None and isinstance(case_id, str) and _CASE_ID.fullmatch(case_id)
                and os.path.isfile(os.path.join(self._folder, case_id.split("-")[1], f"{case_id}.yaml"))):
            return True
        if self._ids is None:
            self._ids = frozenset(entry.name[:-5] for entry in _yaml_entries(os.fspath(self._folder)))
        return case_id in self._ids
