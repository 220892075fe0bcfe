"""MkDocs hook: regenerate the pages before each build, so `ducha serve` always shows the
records as they are (MkDocs watches cases/, notices/, bulletins/ and office.yaml).

`ducha build` writes the pages itself (with a progress bar) and tells this hook to skip.
The repository, date and profile come from DUCHA_ROOT / DUCHA_TODAY / DUCHA_PROFILE; the
date defaults to today in Asia/Shanghai (this hook, like the CLI, is an edge that may read
the clock). When a record turns invalid, the last good pages stay and the problems are
printed in the preview's log.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mkdocs.plugins import event_priority

from ducha.errors import DataError
from ducha.outputs.site.build import PROFILE_ENV, READY_ENV, ROOT_ENV, TODAY_ENV, prepare, write
from ducha.outputs.site.pages import DETAIL_MARK, HTML_FLAG
from ducha.outputs.text import problems_text


def on_pre_build(config: Any, **kwargs: Any) -> None:
    docs = Path(config["docs_dir"]).resolve()
    if os.environ.get(READY_ENV) == str(docs) or ROOT_ENV not in os.environ:
        return
    root = Path(os.environ[ROOT_ENV])
    day = os.environ.get(TODAY_ENV)
    today = dt.date.fromisoformat(day) if day else dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    try:
        prepared = prepare(root, today, os.environ.get(PROFILE_ENV, "internal"))
    except DataError as error:  # show the problems in the serve log; keep the last good pages
        print(problems_text(error.problems, error.checked_files), end="")
        return
    write(root, prepared)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Generated pages are already HTML: keep it aside and give Markdown nothing to parse."""
    if page.meta.get(HTML_FLAG):
        page.ducha_html = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    return getattr(page, "ducha_html", html)


@event_priority(50)  # before the search plugin (priority 0) reads page.content
def on_page_context(context: Any, page: Any, **kwargs: Any) -> Any:
    """Show search only what it indexes; parsing the excluded detail of 10,000 pages is a third of the build."""
    content = page.content or ""
    if page.meta.get(HTML_FLAG) and DETAIL_MARK in content:
        head, _, detail = content.partition(DETAIL_MARK)
        page.ducha_detail = detail
        page.content = head + DETAIL_MARK
    return context


def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    detail = getattr(page, "ducha_detail", None)
    return output if detail is None else output.replace(DETAIL_MARK, DETAIL_MARK + detail, 1)
