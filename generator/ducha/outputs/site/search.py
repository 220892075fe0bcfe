"""The search index: the generated pages indexed in one pass, beside what Material indexes itself.

Material's search plugin parses every page's HTML and runs jieba once per run of Chinese
characters: at 10,000 pages that is a third of a build. The generated pages' searchable part
is simple HTML that ducha wrote; its words are segmented here in one call per page, with the
same zero-width spaces between them, and the entries join Material's in ``search_index.json``.
The index is written as UTF-8 (Material escapes every Chinese character in six bytes).

``ducha serve`` rebuilds only the pages that changed: the entries of the others are kept
here between rebuilds (the MkDocs hook itself is loaded afresh for every build).
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Elements the search leaves out (the page's title is indexed from its front matter).
_EXCLUDED = re.compile(r"<(\w+)[^>]*\sdata-search-exclude[^>]*>.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
#: 133号 stays one word, as a query types it: jieba cuts the number from the character.
_NUMBER_MARK = re.compile("(?<=\\d)\u200b(?=号)")
#: A space already separates words: no zero-width space beside it.
_AROUND_SPACE = re.compile("\u200b?( )\u200b?")


def searchable(head: str) -> str:
    """The text of a generated page's searchable part, HTML-escaped as Material escapes text."""
    text = _SPACE.sub(" ", _TAG.sub(" ", _EXCLUDED.sub(" ", head))).strip()
    return html.escape(html.unescape(text), quote=False)


def segment(text: str, separates: Callable[[str], bool] = lambda _: False) -> str:
    """``text`` with zero-width spaces between jieba's words, as Material's index has them; none beside a
    character the search splits at anyway (``separates``: its punctuation), which would only add bytes
    (three each: a quarter of a Chinese index)."""
    import jieba

    words = [word for word in jieba.cut(text) if word]
    out = words[:1]
    for before, word in itertools.pairwise(words):
        if not (separates(before[-1]) or separates(word[0])):
            out.append("\u200b")
        out.append(word)
    return _AROUND_SPACE.sub(r"\1", _NUMBER_MARK.sub("", "".join(out)))


def separator_test(separator: str | None) -> Callable[[str], bool]:
    """Whether the search (with ``separator``, its setting) splits at a character."""
    if not separator:
        return lambda _: False
    pattern = re.compile(separator)
    return functools.lru_cache(maxsize=4096)(lambda ch: ch != "\u200b" and pattern.fullmatch(ch) is not None)


@dataclass
class Index:
    """The entries of the last builds, by page; mutable state for the life of one `ducha serve`."""

    dirty: bool = False
    #: The search's separator setting: no zero-width space is written beside a character it splits at.
    separator: str | None = None
    ours: dict[str, dict[str, Any]] = field(default_factory=dict)  # location → entry
    theirs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # page → Material's entries
    pending: list[tuple[str, str, str, float | None]] = field(default_factory=list)
    #: The pages of this build (a rebuild of what changed must not keep finding a removed one).
    pages: set[str] = field(default_factory=set)

    def add(self, location: str, title: str, head: str, boost: float | None) -> None:
        """A generated page to index at the end of the build."""
        self.pending.append((location, title, searchable(head), boost))

    def write(self, path: Path) -> None:
        """Join this build's pages to Material's index at ``path`` (and the pages kept from before)."""
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"config": {}, "docs": []}
        found: dict[str, list[dict[str, Any]]] = {}
        for doc in data.get("docs", []):
            found.setdefault(str(doc["location"]).partition("#")[0], []).append(doc)
        if not self.dirty:  # a full build: pages that are gone must not be found
            self.ours.clear()
            self.theirs.clear()
        self.theirs.update(found)
        separates = separator_test(self.separator)
        for location, title, text, boost in self.pending:
            entry: dict[str, Any] = {"location": location, "title": segment(title, separates), "text": segment(text, separates)}
            if boost is not None:
                entry["boost"] = boost
            self.ours[location] = entry
        self.pending.clear()
        if self.dirty:
            for gone in [page for page in self.theirs if page.endswith(".html") and page not in self.pages]:
                del self.theirs[gone]
            for gone in [page for page in self.ours if page.partition("#")[0] not in self.pages]:
                del self.ours[gone]
        data["docs"] = [doc for docs in self.theirs.values() for doc in docs] + list(self.ours.values())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


#: The index of the build (or preview) running in this process.
INDEX = Index()
