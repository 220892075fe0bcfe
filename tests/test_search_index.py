"""What the search shows can be copied: ids, 文号 and dates in its index keep no zero-width space inside them."""

from __future__ import annotations

import pytest

from ducha.outputs.site.search import segment, separator_test
from ducha.outputs.site.settings import packaged


def _separator() -> str:
    (search,) = [p["search"] for p in packaged()["plugins"] if isinstance(p, dict) and "search" in p]
    return str(search["separator"])


@pytest.mark.parametrize(("text", "wholes"), [
    ("DC-2026-0011 省生态环境督察反馈问题：工业园区污水处理厂提标改造", ["DC-2026-0011"]),
    ("青建〔2026〕133号 关于城区供暖管网改造情况的报告", ["青建〔2026〕133号"]),
    ("主办：市住建局，到期 2026-11-13，上级编号 QC-2026-0003。", ["2026-11-13", "QC-2026-0003"]),
])
def test_ids_and_numbers_in_the_index_paste_as_typed(text: str, wholes: list[str]) -> None:
    """An id copied from a search result used to carry U+200B between its parts: ``ducha history`` did not
    find it and ducha's own zero-width check refused it in YAML."""
    marked = segment(text, separator_test(_separator()))
    assert marked.replace("\u200b", "") == text  # nothing but the marks is added
    for whole in wholes:
        assert whole in marked, marked
    assert "\u200b" in segment("省生态环境督察反馈问题", separator_test(_separator()))  # words are still marked
