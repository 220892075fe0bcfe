"""Keep a folder of generated files in step with what a generator yields."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ducha.io.atomic import write_file


def sync_files(folder: Path, files: Iterable[tuple[str, str]], owned: Iterable[str],
               progress: Callable[[int], None] | None = None, keep: Iterable[str] = ()) -> int:
    """Write each (relative path, text) into ``folder``; remove stale files under the ``owned`` names.

    Only changed files are rewritten and only stale ones removed: ``mkdocs serve`` watches
    this folder, and rewriting everything on each rebuild would trigger the next one forever.
    Returns how many files there are; ``keep`` names files under ``owned`` that are not stale though not given.
    """
    wanted: set[Path] = set()
    made: set[Path] = set()
    present = {Path(top) / name for top, _, names in os.walk(folder) for name in names} if folder.is_dir() else set()
    for path, text in files:
        target = folder / path
        wanted.add(target)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        data = text.encode("utf-8")
        try:  # a file that is not there yet is not opened to find out: a first build writes 10,000
            unchanged = target in present and target.read_bytes() == data
        except OSError:
            unchanged = False
        if not unchanged:
            write_file(target, data, durable=False)  # a live preview never reads half a page
        if progress is not None:
            progress(1)
    wanted.update(folder / path for path in keep)  # written by someone else: not stale
    for name in owned:
        target = folder / name
        stale = [p for p in target.rglob("*") if p.is_file()] if target.is_dir() else [target] if target.exists() else []
        for file in stale:
            if file not in wanted:
                file.unlink()
    return len(wanted)
