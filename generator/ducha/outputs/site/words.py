"""The office's own words, taught to the search's Chinese segmentation (jieba) before a build.

A general dictionary does not know unit short names (住建局), leaders' names or the issuer
part of a 文号 (青建 in 青建〔2026〕133号): without them jieba cuts such a name apart and a
query for it finds single characters instead.
"""

from __future__ import annotations

import logging
import re

from ducha.outputs.site.data import SiteData

#: jieba's frequency for the office's own words: high enough that it never cuts one apart.
SEARCH_WORD_FREQUENCY = 100_000
_ISSUER = re.compile(r"^([\u4e00-\u9fff]+)〔")
_LOCALITY = re.compile(r"^[省市区县镇乡]")


def unit_core(name: str) -> str:
    """A unit's short name without its 市 (住建局): what people type when they search for it."""
    return _LOCALITY.sub("", name)


def search_words(data: SiteData) -> list[str]:
    """Unit short names, the same without their 市 (住建局, which case pages also carry), full names,
    leaders' names, the issuer part of 文号 (青建 in 青建〔2026〕133号, 青督查 of the issued 通报), category names."""
    words: set[str] = set(data.office.category_names)
    for unit in data.office.units:
        words.update((unit.name, unit.full_name, unit_core(unit.name)))
    for status in data.statuses:
        case = status.case
        words.update(part for part in case.source.leader.split() if part)
        for number in [case.source.doc_no] + [r.doc_no for r in case.reports]:
            if match := _ISSUER.match(number):
                words.add(match.group(1))
    for notice in data.notices:  # an issued 通报 is looked up by its 文号 (青督查〔2026〕13号)
        if match := _ISSUER.match(notice.doc_no):
            words.add(match.group(1))
    # A word jieba is taught may hold no whitespace (its dictionary files are "word frequency tag" lines).
    return sorted(w for w in words if len(w) > 1 and not any(ch.isspace() for ch in w))


#: What the last ``teach`` changed in jieba's process-wide dictionary: its total, and each word's
#: frequency before it (None: not a word then). jieba's add_word only ever adds (its total grows at
#: every call), so without an undo a build would segment by what earlier builds in the same process
#: taught: the internal profile's words in the public index, every preview rebuild shifting the rest.
_BEFORE: tuple[int, dict[str, int | None]] | None = None


def teach(words: list[str]) -> None:
    """Make ``words`` (and only they, of all ever taught here) the office's words in jieba's dictionary
    (process-wide: Material's search plugin segments with it too), as a fresh process would have them."""
    global _BEFORE
    import jieba  # sets its own logger to DEBUG when imported: quieted at once

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    if _BEFORE is not None:
        total, frequencies = _BEFORE
        for word, frequency in frequencies.items():
            # A prefix entry of 0 is what jieba itself leaves for a word's beginnings: never a word.
            tokenizer.FREQ[word] = frequency or 0
        tokenizer.total = total
    before: dict[str, int | None] = {}
    total = tokenizer.total
    for word in words:
        if word not in before:
            before[word] = tokenizer.FREQ.get(word)
            jieba.add_word(word, SEARCH_WORD_FREQUENCY, "nz")
    _BEFORE = (total, before)
