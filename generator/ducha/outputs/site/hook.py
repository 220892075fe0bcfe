"""MkDocs hook: regenerate the case pages before each build, so `mkdocs build` and
`mkdocs serve` (which watches cases/ and office.yaml) always show the records as they are.

`ducha build` writes the pages itself (with a progress bar) and tells this hook to skip.
The date and profile come from DUCHA_TODAY / DUCHA_PROFILE; the date defaults to today
in Asia/Shanghai (this hook, like the CLI, is an edge that may read the clock).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ducha.outputs.site.build import READY_ENV, prepare, write
from ducha.errors import DataError
from ducha.outputs.text import problems_text
from ducha.outputs.site.pages import DETAIL_MARK, HTML_FLAG
from mkdocs.plugins import event_priority


def on_pre_build(config: Any, **kwargs: Any) -> None:
    docs = Path(config["docs_dir"]).resolve()
    if os.environ.get(READY_ENV) == str(docs):
        return
    root = Path(config["config_file_path"]).resolve().parent
    day = os.environ.get("DUCHA_TODAY")
    today = dt.date.fromisoformat(day) if day else dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    try:
        prepared = prepare(root, today, os.environ.get("DUCHA_PROFILE", "internal"))
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
