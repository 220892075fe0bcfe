"""A link checker for a built site: every internal link on every page, resolved as a browser resolves
it when the site is published under a sub-path (``/ducha/``), must lead to a file of the site (and to
an element of that page when it names one)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

#: The attributes that make a browser fetch or go somewhere.
_LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "form": "action"}


class _Page(HTMLParser):
    """The links and the element ids of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, target)
        self.ids: set[str] = set()
        self.tabs: list[tuple[str, str]] = []  # (href, label) of the tabs and the menu
        self._tab: str | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        target = found.get(_LINKING.get(tag, ""))
        if target is not None:
            self.links.append((tag, target))
        if tag == "a" and any(c in (found.get("class") or "").split() for c in ("md-tabs__link", "md-nav__link")):
            self._tab, self._label = str(found.get("href")), ""

    def handle_data(self, data: str) -> None:
        if self._tab is not None:
            self._label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._tab is not None:
            self.tabs.append((self._tab, " ".join(self._label.split())))
            self._tab = None


def parsed(page: Path) -> _Page:
    reader = _Page()
    reader.feed(page.read_text(encoding="utf-8"))
    return reader


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "admin" not in p.relative_to(site).parts)


def resolve(site: Path, base: str, page: Path, target: str) -> tuple[Path, str] | None:
    """The file (and the element id) a link on ``page`` leads to, when it stays within the site under ``base``."""
    url = urljoin(base + page.relative_to(site).as_posix(), target)
    parts = urlparse(url)
    if parts.scheme or parts.netloc or not parts.path.startswith(base):
        return None
    path = unquote(parts.path[len(base):])
    file = site / path / "index.html" if path.endswith("/") or not path else site / path
    return file, unquote(parts.fragment)


def broken(site: Path, base: str = "/ducha/") -> list[str]:
    """Every link that leaves the sub-path, or leads to no file, or to an element its page does not have."""
    found = []
    read: dict[Path, _Page] = {}

    def page_of(file: Path) -> _Page:
        if file not in read:
            read[file] = parsed(file)
        return read[file]

    for page in pages(site):
        where = page.relative_to(site).as_posix()
        for tag, target in page_of(page).links:
            if target.startswith(("mailto:", "data:", "javascript:")) or urlparse(target).scheme in ("http", "https"):
                if target.startswith("javascript:"):
                    found.append(f"{where}: <{tag}> {target}")
                continue
            resolved = resolve(site, base, page, target)
            if resolved is None:
                found.append(f"{where}: <{tag}> {target} 跳出子路径")
                continue
            file, fragment = resolved
            if not file.is_file():
                found.append(f"{where}: <{tag}> {target} → 无此文件")
            elif fragment and not fragment.startswith("__") and file.suffix == ".html" and fragment not in page_of(file).ids:
                found.append(f"{where}: <{tag}> {target} → 页面中无 #{fragment}")
    return found
