"""What only the command line reads from the world: the clock (today in Beijing), the working
directory (the office's folder) and, in a server hook, where git keeps the pushed objects; the
core is handed them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

#: Beijing time: Asia/Shanghai has kept UTC+8 without summer time since 1991, so a fixed offset
#: gives the same day without loading the time-zone database (or needing one installed).
BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def shanghai_today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def beijing_now() -> dt.datetime:
    """The time of a fetch from a neighbour office, to the second, in Beijing time."""
    return dt.datetime.now(BEIJING).replace(microsecond=0)


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds office.yaml."""
    from ducha.model.office import OFFICE_FILE

    for folder in (start, *start.parents):
        if (folder / OFFICE_FILE).is_file():
            return folder
    raise click.UsageError(f"在 {start} 及其上级目录中找不到 {OFFICE_FILE}：请在督查仓库中运行，或用 --root 指定。")


def office_root(ctx: click.Context) -> Path:
    """The office's folder: ``--root``, or the nearest one above the working directory."""
    root: Path | None = ctx.obj.get("root")
    return root if root is not None else find_root(Path.cwd())


def hook_object_stores() -> list[Path]:
    """Where git, running a server hook, keeps the objects: the push's quarantine first, then the repository's.

    git runs the hook in the repository's folder, with ``GIT_DIR`` set (``.`` for a bare one);
    during pre-receive the pushed objects wait in ``GIT_QUARANTINE_PATH`` (``GIT_OBJECT_DIRECTORY``),
    and the repository's own stores are listed in ``GIT_ALTERNATE_OBJECT_DIRECTORIES``.
    """
    git_dir = Path(os.environ.get("GIT_DIR") or ".")
    stores = [os.environ.get("GIT_QUARANTINE_PATH", ""), os.environ.get("GIT_OBJECT_DIRECTORY", ""),
              *os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES", "").split(os.pathsep)]
    found = [Path(os.path.abspath(store)) for store in stores if store] + [Path(os.path.abspath(git_dir / "objects"))]
    return list(dict.fromkeys(found))
