"""The live preview (``mkdocs serve`` and ``ducha serve``): an edited case shows within a second or
two at 10,000 cases, because a rebuild makes and builds only the pages that changed.

MkDocs serves every rebuild from a clean folder and builds every page it is given. The ducha
plugin gives it, besides the pages in the navigation, only the generated pages whose text
changed since they were last built; the HTML of the others is set aside before MkDocs cleans
the folder (into a hidden folder, which MkDocs leaves alone) and put back after the build.

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
from ducha.outputs.site.pages import GENERATED, case_makings, generate
from ducha.outputs.site.pages.case import case_markdown
from ducha.outputs.site.prepare import Caches, prepare
from ducha.outputs.site.urls import case_page

#: Where the built pages wait while MkDocs cleans the site folder (it never removes hidden entries).
KEPT = ".ducha-kept"
#: The attached files and the form page: copied once, kept like the pages.
ATTACHMENTS, FORM_PAGE = "attachments", "admin"
_SET_ASIDE = (*GENERATED, ATTACHMENTS, FORM_PAGE)


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
                    or prepared.data.measures != self.data.measures):
                self.stale = True  # the rebuild after makes the rest
            self.wanted = {page: text for page, (_, text) in self.made.items() if self.built.get(page) != text}
            return
        prepared = prepare(root, today, profile, self.caches)
        self._case_pages(prepared.data)
        pages = {page: text for page, (_, text) in self.made.items()}
        pages.update(generate(prepared.data, skip=frozenset(self.made)))
        for gone in set(self.built) - set(pages):
            del self.built[gone]
        self.wanted = {page: text for page, text in pages.items() if self.built.get(page) != text}
        self.data, self.stale = prepared.data, False

    def _case_pages(self, data: SiteData) -> bool:
        """Make again the case pages whose makings changed, forget those of cases that are gone; whether
        any changed. A case page shows its case, its status, its parent's and children's lights and its
        audit trail: when none of these changed, neither did the page."""
        changed = False
        pages = set()
        for s in data.statuses:
            page = case_page(s.case)
            pages.add(page)
            key = case_makings(data, s)
            if page in self.made and self.made[page][0] == key:
                continue
            self.made[page] = (key, case_markdown(data, s, data.children.get(s.case.id, [])))
            changed = True
        for page in set(self.made) - pages:  # a case removed (or moved to another year's folder)
            del self.made[page]
            self.built.pop(page, None)
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

    def set_aside(self, site: Path) -> None:
        """Move the built pages out of MkDocs' way before it cleans the site folder."""
        kept = site / KEPT
        if kept.exists():
            shutil.rmtree(kept)
        kept.mkdir(parents=True)
        for name in _SET_ASIDE:
            built = site / built_name(name)
            if built.exists():
                built.rename(kept / built.name)

    def put_back(self, site: Path) -> None:
        """After the build: what MkDocs just built joins the kept pages, pages that are gone are removed,
        and all of them go back into the site folder. Renames only: as much work as pages changed."""
        kept = site / KEPT
        for name in _SET_ASIDE:
            new = site / built_name(name)
            for file in [new] if new.is_file() else new.rglob("*") if new.is_dir() else []:
                if file.is_file():
                    target = kept / file.relative_to(site)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(file, target)
        current = {built_name(path) for path in self.built}
        for name in GENERATED:
            if (kept / name).is_dir():
                for stale in [p for p in (kept / name).rglob("*") if p.is_file() and p.relative_to(kept).as_posix() not in current]:
                    stale.unlink()
        for entry in kept.iterdir():
            target = site / entry.name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            entry.rename(target)
        kept.rmdir()

    def close(self) -> None:
        shutil.rmtree(self.door, ignore_errors=True)
