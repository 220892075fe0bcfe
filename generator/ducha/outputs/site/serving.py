"""The live preview (``mkdocs serve`` and ``ducha serve``): an edited case shows within a second or
two at 10,000 cases, because a rebuild makes and builds only the pages that changed.

MkDocs builds every page it is given, into a folder it cleans first. The ducha plugin gives it,
besides the pages in the navigation, only the generated pages whose text changed since they were
last built, and has it build into a folder of its own; what was built is then moved into the
folder the preview serves, over the old files one by one. The other pages stay where they are
all along: no page is missing while a rebuild runs.

An edit to a case rebuilds its page (and those of its parent and children) at once; the
lists, unit pages, drafts and calendars that count it follow in the rebuild after, which
this one asks for by touching a file the preview watches. When the records turn invalid,
the last good pages stay, with the problems shown over the dashboard and the pages of the
records that have them.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ducha.outputs.site.data import SiteData
from ducha.outputs.site.pages import case_makings, generate
from ducha.outputs.site.pages.case import case_markdown
from ducha.outputs.site.prepare import Caches, prepare
from ducha.outputs.site.urls import case_page

#: The attached files and the form page: copied into the served folder once, and kept there.
COPIED_ONCE = ("attachments/", "admin/")


def built_name(path: str) -> str:
    """The built file of a generated page (``cases/2026/X.md`` → ``cases/2026/X.html``)."""
    return path[:-3] + ".html" if path.endswith(".md") else path


@dataclass
class Preview:
    """What a preview keeps from one rebuild to the next. Mutable, one per ``serve``."""

    caches: Caches = field(default_factory=Caches)
    #: The last complete data: drafts and calendars for the quick rebuilds.
    data: SiteData | None = None
    #: An edit changed the records (or the settings): the lists, drafts and calendars are made again next.
    stale: bool = False
    #: Each case page and what it was made from: made again only when that changes.
    made: dict[str, tuple[object, str]] = field(default_factory=dict)
    #: Every generated page now, and the text its built HTML was made from.
    built: dict[str, str] = field(default_factory=dict)
    #: The generated pages whose text is not what was built: they are given to MkDocs now.
    wanted: dict[str, str] = field(default_factory=dict)
    #: The problems the records have now, shown over the pages built while they last ...
    problems: list[str] = field(default_factory=list)
    #: ... on the dashboard and on the page of each record that has one ...
    flagged: set[str] = field(default_factory=set)
    #: ... and the pages that show them, built again once they are fixed.
    shown: set[str] = field(default_factory=set)
    #: The settings the built pages were made with: with other settings, every page is built again.
    signature: str = ""
    #: A folder the preview watches: a file written there asks for another rebuild.
    door: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ducha-serve-")))
    #: The folder the preview serves, and the one MkDocs builds into (beside it, on the same disk).
    served: Path | None = None
    staging: Path | None = None
    #: What the last build wrote besides the generated pages (assets, guide, search index …).
    outputs: set[str] = field(default_factory=set)
    #: Generated pages that are gone since the last build: their files go from the served folder.
    gone: set[str] = field(default_factory=set)

    def build_folder(self, served: Path) -> Path:
        """Where MkDocs builds, for the folder the preview serves."""
        if self.served != served or self.staging is None:
            self.served = served
            self.staging = Path(tempfile.mkdtemp(prefix=".ducha-build-", dir=served.parent))
        return self.staging

    def settings(self, signature: str) -> None:
        """The settings of this rebuild: if they changed, every page is built again."""
        if signature != self.signature:
            self.signature = signature
            self.built.clear()
            self.stale = True

    def rebuild(self, root: Path, today: dt.date, profile: str) -> None:
        """Work out which generated pages to give MkDocs now (``wanted``), doing as little as the edit
        requires. Raises DataError when the records have problems (the last good pages stay)."""
        checked = self.caches.checks.rechecked
        if self.data is not None and not self.stale:
            prepared = prepare(root, today, profile, self.caches, earlier=self.data)
            changed = self._case_pages(prepared.data)
            if (changed or self.caches.checks.rechecked != checked or prepared.data.notices != self.data.notices
                    or prepared.data.measures != self.data.measures
                    or prepared.data.surveys != self.data.surveys):
                self.stale = True  # the rebuild after makes the rest
            self.wanted = {page: text for page, (_, text) in self.made.items() if self.built.get(page) != text}
            return
        prepared = prepare(root, today, profile, self.caches)
        self._case_pages(prepared.data)
        pages = {page: text for page, (_, text) in self.made.items()}
        pages.update(generate(prepared.data, skip=frozenset(self.made)))
        for gone in set(self.built) - set(pages):
            del self.built[gone]
            self.gone.add(gone)
        self.wanted = {page: text for page, text in pages.items() if self.built.get(page) != text}
        self.data, self.stale = prepared.data, False

    def _case_pages(self, data: SiteData) -> bool:
        """Make again the case pages whose makings changed, forget those of cases that are gone; whether
        any changed. A case page shows its case, its status, its parent's and children's lights and its
        audit trail: when none of these changed, neither did the page."""
        changed = False
        pages = set()
        made = self.made
        for s in data.statuses:
            page = case_page(s.case)
            pages.add(page)
            key = case_makings(data, s)
            kept = made.get(page)
            if kept is not None and kept[0] == key:
                continue
            self.made[page] = (key, case_markdown(data, s, data.children.get(s.case.id, [])))
            changed = True
        for page in set(self.made) - pages:  # a case removed (or moved to another year's folder)
            del self.made[page]
            self.built.pop(page, None)
            self.gone.add(page)
            changed = True
        return changed

    def given(self, in_nav: Iterable[str]) -> dict[str, str]:
        """The pages to give MkDocs: those that changed, those in the navigation (MkDocs links the tabs
        only to pages it is given), and those that show the problems or showed them until now."""
        pages = dict(self.wanted)
        for path in {*in_nav, *self.shown, *(self.flagged if self.problems else ())}:
            if path not in pages and path in self.built:
                pages[path] = self.built[path]
        return pages

    def ask_again(self) -> None:
        """Ask the preview for another rebuild (the lists after the case pages)."""
        (self.door / "refresh").write_text(str(self.caches.checks.rechecked), encoding="utf-8")

    def publish(self, given: dict[str, str]) -> None:
        """Move what MkDocs just built into the served folder, file by file (each replaced in one rename),
        and remove what is gone: pages of records that are no more, files the build no longer makes."""
        assert self.served is not None and self.staging is not None
        self.built.update(given)
        produced = set()
        for top, _, names in os.walk(self.staging):
            for name in names:
                source = os.path.join(top, name)
                relative = os.path.relpath(source, self.staging).replace(os.sep, "/")
                produced.add(relative)
                target = self.served / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
        pages = {built_name(page) for page in self.built}
        others = {name for name in produced - pages if not name.startswith(COPIED_ONCE)}
        for name in [*(built_name(page) for page in self.gone), *(self.outputs - others - pages)]:
            (self.served / name).unlink(missing_ok=True)
        self.outputs, self.gone = others, set()

    def close(self) -> None:
        shutil.rmtree(self.door, ignore_errors=True)
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
