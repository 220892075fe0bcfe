"""The live preview's watch over the records: the operating system says when a record changes (inotify
on Linux), instead of every file being looked at twice a second.

MkDocs' live-reload server watches what it is given with watchdog's ``PollingObserver``: every half
second it lists and stats each file under each watched folder. At 10,000 cases that keeps a fifth of
a core busy for good, slows every rebuild it runs beside, and the server is never idle. The records
(and the preview's door, ``serving.Preview.door``) are watched here with watchdog's native observer
instead; a change wakes the server's build loop as MkDocs' own watcher does. MkDocs still polls what
it watches itself: mkdocs.yml and the office's few pages in ``site/``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from ducha.outputs.site.settings import log

#: Events that change nothing: a rebuild reads every record, and must not set off the next one.
_READS = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED, EVENT_TYPE_CLOSED_NO_WRITE})


def waker(server: Any) -> Callable[[], None] | None:
    """What MkDocs' own watcher does on a change (``LiveReloadServer.watch``'s callback): set the server's
    ``_want_rebuild`` and wake its build loop through ``_rebuild_cond``. Its only public way in is
    ``watch()``, which polls; so these two private attributes are used, when the server has them (MkDocs
    1.6 and ProperDocs 1.6 alike; tests/test_site_watch.py fails loudly when they are gone). None
    when it has not: the caller falls back to ``watch()``."""
    condition = getattr(server, "_rebuild_cond", None)
    if not isinstance(condition, threading.Condition) or not isinstance(getattr(server, "_want_rebuild", None), bool):
        return None

    def wake() -> None:
        with condition:
            server._want_rebuild = True
            condition.notify_all()

    return wake


class _Changes(FileSystemEventHandler):
    """Passes on each event that may change something."""

    def __init__(self, told: Callable[[FileSystemEvent], None]) -> None:
        super().__init__()
        self.told = told

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _READS:
            self.told(event)


class RecordWatch:
    """The named files and folders under ``root`` and any other folders, watched by events; a change
    calls ``wake``. A named folder made while it runs (an office's first 通报) is watched from then on."""

    def __init__(self, root: Path, names: Iterable[str], others: Iterable[Path], wake: Callable[[], None]) -> None:
        self.root = root
        self.names = frozenset(names)
        self.wake = wake
        self.observer: BaseObserver = Observer()
        self.inside = _Changes(lambda event: wake())
        self.folders: dict[str, ObservedWatch] = {}
        # The root's own entries only (office.yaml, the folders coming and going), not the whole repository.
        self.observer.schedule(_Changes(self._at_root), str(root))
        for name in sorted(self.names):
            if (root / name).is_dir():
                self._watch_folder(name)
        for folder in others:
            self.observer.schedule(self.inside, str(folder), recursive=True)

    def start(self) -> None:
        """Start watching; OSError when the system will not (inotify's limits reached, say)."""
        try:
            self.observer.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop watching, and wait for the watching threads to end."""
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join()
        self.observer.unschedule_all()  # an observer never started still holds its watches' emitters

    def _watch_folder(self, name: str) -> None:
        old = self.folders.pop(name, None)
        if old is not None:  # the folder was removed and made again: its old watch ended with it
            self.observer.unschedule(old)
        self.folders[name] = self.observer.schedule(self.inside, str(self.root / name), recursive=True)

    def _at_root(self, event: FileSystemEvent) -> None:
        paths = [Path(str(event.src_path))] + ([Path(str(event.dest_path))] if event.dest_path else [])
        named = [path.name for path in paths if path.parent == self.root and path.name in self.names]
        if not named:
            return
        if event.is_directory and event.event_type != EVENT_TYPE_DELETED and (self.root / named[-1]).is_dir():
            try:
                self._watch_folder(named[-1])
            except OSError as error:  # raised here, it would end the observer's thread and every watch with it
                log.warning(f"无法由系统通知 {named[-1]}/ 中的修改（{error}）：重新启动预览后才能看到其中的修改。")
        self.wake()
