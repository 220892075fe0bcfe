"""``ducha build``, ``ducha serve`` and ``ducha pages``: the friendly way into the same MkDocs build
that plain ``mkdocs build``/``serve`` run at the repository's root.

``build`` and ``serve`` hand MkDocs the office's mkdocs.yml (or the packaged one) with the
command line's profile and date for the ducha plugin (``settings.command_config``); ``build``
prepares the data itself first, so that problems are reported before MkDocs starts.
``pages`` writes the docs folder any engine can build: ducha's and the office's own pages,
the generated ones and the attached files, in ``build/docs-<profile>/``.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from ducha.errors import UsageError
from ducha.io.atomic import write_file
from ducha.outputs.site import settings
from ducha.outputs.site.pages import GENERATED, generate, page_count
from ducha.outputs.site.prepare import Prepared


def quiet() -> None:
    """MkDocs' and jieba's chatter is not for the office: warnings and errors only."""
    import jieba  # sets its own logger to DEBUG when imported: import it first, then quiet it

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)


class _Errors(logging.Handler):
    """MkDocs' error messages (it logs each, then stops with "Aborted"): the office is told them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(root: Path, prepared: Prepared, progress: Callable[[int], None] | None = None) -> Path:
    """A full MkDocs build of the prepared profile; returns the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from ducha.outputs.site.plugin import DuchaPlugin

    quiet()
    data = prepared.data
    file, overrides = settings.command_config(root, data.profile, data.today, data.office.name)
    errors = _Errors()
    logging.getLogger("mkdocs").addHandler(errors)
    try:
        config = load_config(str(file), **overrides)
        plugin = config.plugins[settings.PLUGIN]
        assert isinstance(plugin, DuchaPlugin)
        plugin.handed, plugin.progress = prepared, progress
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            plugin.handed = plugin.progress = None
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise UsageError(f"站点未能构建（{file.name}）：{'；'.join(errors.messages) or error}") from None
    finally:
        logging.getLogger("mkdocs").removeHandler(errors)
    return Path(config.site_dir)


def total_pages(prepared: Prepared) -> int:
    return page_count(prepared.data)


def serve(root: Path, today: dt.date, profile: str, port: int, pin_day: bool, office_name: str,
          local_backend: str | None = None) -> None:
    """Preview the site on localhost, rebuilding what changed whenever a record changes: plain
    ``mkdocs serve`` with the command line's profile (and day, with ``pin_day``; otherwise each
    rebuild uses the day it runs); with ``local_backend``, its form page talks to that decap-server."""
    from mkdocs.commands import serve as serving

    quiet()
    file, overrides = settings.command_config(root, profile, today, office_name, serving=True)
    if not pin_day:
        del overrides["plugins"][settings.PLUGIN]["as_of"]
    if local_backend is not None:
        overrides["plugins"][settings.PLUGIN]["local_backend"] = local_backend
    try:
        serving.serve(str(file), dev_addr=f"127.0.0.1:{port}", **overrides)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise UsageError(f"端口 {port} 已被占用，无法预览。修改：用 --port 换一个端口，或先停止占用它的程序。") from None


def docs_dir(root: Path, profile: str) -> Path:
    return root / "build" / f"docs-{profile}"


def _copy_tree(source: Path, target: Path) -> None:
    """Copy a folder into ``target``, rewriting only what differs."""
    for item in source.iterdir():
        if item.is_dir():
            _copy_tree(item, target / item.name)
            continue
        data = item.read_bytes()
        destination = target / item.name
        if not destination.is_file() or destination.read_bytes() != data:
            write_file(destination, data, durable=False)


def write_pages(root: Path, prepared: Prepared) -> Path:
    """The docs folder of the prepared profile for any engine: ducha's pages, the office's own over
    them, every generated page and the attached files the pages link to."""
    from ducha.io.files import sync_files

    docs = docs_dir(root, prepared.data.profile)
    for top in settings.PACKAGED_PAGES:
        _copy_tree(top, docs)
    own = root / settings.OFFICE_PAGES
    if own.is_dir():
        _copy_tree(own, docs)
    sync_files(docs, generate(prepared.data), GENERATED)
    for status in prepared.data.statuses:
        case = status.case
        for attachment in case.attachments:
            source = root / case.attachment_folder / attachment.file
            target = docs / case.attachment_folder / attachment.file
            if source.is_file() and (not target.is_file() or target.stat().st_size != source.stat().st_size):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    return docs
