"""The office's words taught to jieba: each build segments by its own words only, as a fresh process would,
however many builds (both profiles, every preview rebuild) ran before it in the same process."""

from __future__ import annotations

import jieba

from ducha.outputs.site.words import teach

SENTENCE = "青川住建局不在清单中"


def cut() -> list[str]:
    return list(jieba.cut(SENTENCE))


def test_teaching_again_undoes_what_the_last_build_taught() -> None:
    teach([])
    fresh, total = cut(), jieba.dt.total
    teach(["住建局不", "青川"])
    assert cut()[:2] == ["青川", "住建局不"]  # taught words are never cut apart
    teach(["住建局不", "青川"])  # a rebuild with the same words: the dictionary as after one build
    assert jieba.dt.total == total + 2 * 100_000
    teach(["住建局"])  # the next build's words: the last build's are gone
    assert "住建局不" not in cut() and "住建局" in cut()
    teach([])
    assert (cut(), jieba.dt.total) == (fresh, total)
    assert not jieba.dt.FREQ.get("住建局不")
