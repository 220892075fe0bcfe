"""MkDocs hook: regenerate the pages before each build, so `ducha serve` always shows the
records as they are (MkDocs watches cases/, notices/, bulletins/ and office.yaml).

`ducha build` writes the pages itself (with a progress bar) and tells this hook to skip.
The repository, date and profile come from DUCHA_ROOT / DUCHA_TODAY / DUCHA_PROFILE; the
date defaults to today in Asia/Shanghai (this hook, like the CLI, is an edge that may read
the clock). When a record turns invalid, the last good pages stay, and the problems are shown
at the top of the dashboard and of the page of each record that has them (and in the log).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from mkdocs.plugins import event_priority

from ducha.errors import DataError
from ducha.outputs.problems import problems_text
from ducha.outputs.safe import terminal
from ducha.outputs.site.build import IN_MEMORY, LIVE, PROFILE_ENV, READY_ENV, ROOT_ENV, TEMPLATES, TODAY_ENV, live_rebuild
from ducha.outputs.site.pages import GENERATED
from ducha.outputs.site.render import DETAIL_MARK, HTML_FLAG
from ducha.outputs.site.search import INDEX


def on_pre_build(config: Any, **kwargs: Any) -> None:
    docs = Path(config["docs_dir"]).resolve()
    if os.environ.get(READY_ENV) == str(docs) or ROOT_ENV not in os.environ:
        return
    root = Path(os.environ[ROOT_ENV])
    day = os.environ.get(TODAY_ENV)
    today = dt.date.fromisoformat(day) if day else dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    try:
        live_rebuild(root, today, os.environ.get(PROFILE_ENV, "internal"), docs)
    except DataError as error:  # keep the last good pages, with the problems over them
        print(problems_text(error.problems, error.checked_files), end="")
        LIVE.problems[:] = [terminal(f"{p.file}:{p.line}:{p.column}" if p.line else p.file) + f" {p.message} 修改：{p.fix}"
                            for p in error.problems]
        _touch(docs, ["index.md", *(_page_of(p.file) for p in error.problems)])
        return
    if LIVE.problems:  # fixed: the pages that showed the problems are built again without them
        LIVE.problems.clear()
        _touch(docs, list(LIVE.shown))
        LIVE.shown.clear()


IN_NAV = frozenset({"index.md", "cases/index.md", "units/index.md", "leaders/index.md", "categories/index.md",
                    "decisions.md", "notices/index.md", "archive/index.md", "calendars/index.md"})
_CASE_FILE = re.compile(r"^cases/(\d{4})/([^/]+)\.yaml$")


def _page_of(file: str) -> str:
    match = _CASE_FILE.match(file)
    return f"cases/{match.group(1)}/{match.group(2)}.md" if match else "index.md"


def _touch(docs: Path, pages: list[str]) -> None:
    """Mark generated pages as changed, so that a dirty rebuild builds them again."""
    for page in pages:
        target = docs / page
        if target.is_file():
            target.touch()
            LIVE.shown.add(page)


def _problems_banner() -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in LIVE.problems)
    return (f'<div class="ducha-problems" role="alert"><p><strong>记录有 {len(LIVE.problems)} 个问题：本页显示的是上次校验通过时的内容。'
            f"改正后本页自动更新。</strong></p><ul>{items}</ul></div>")


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    """The pages `ducha build` made in memory, in place of any generated page left on disk."""
    from mkdocs.structure.files import File

    pages = IN_MEMORY.get(str(Path(config["docs_dir"]).resolve()))
    if pages is not None:
        for file in list(files):
            if file.src_uri in pages or file.src_uri.split("/", 1)[0] in GENERATED:  # stale ones too
                files.remove(file)
        for path, text in pages.items():
            files.append(File.generated(config, path, content=text))
    INDEX.pages = {file.dest_uri for file in files.documentation_pages()}
    return files


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Generated pages are already HTML: the page takes it as its content, without a Markdown converter.

    MkDocs builds a converter for every page even when there is nothing to convert (a tenth of a
    build at 10,000 pages); the page's own ``render`` is replaced by one that only places the HTML.
    """
    if page.meta.get(HTML_FLAG) and page.file.src_uri not in IN_NAV:
        page.meta["template"] = "ducha.html"
    if page.meta.get(HTML_FLAG):
        from mkdocs.structure.toc import get_toc

        def render(config: Any, files: Any) -> None:
            page.content = markdown
            page.toc = get_toc([])
            page.present_anchor_ids = set()

        page.render = render
    return markdown


@event_priority(50)  # before the search plugin (priority 0) reads page.content
def on_page_context(context: Any, page: Any, **kwargs: Any) -> Any:
    """Show search only what it indexes; parsing the excluded detail of 10,000 pages is a third of the build."""
    content = page.content or ""
    if page.meta.get(HTML_FLAG) and DETAIL_MARK in content:
        head, _, detail = content.partition(DETAIL_MARK)
        page.ducha_detail = detail
        page.content = head + DETAIL_MARK
    search = page.meta.get("search") or {}
    if page.meta.get(HTML_FLAG) and not search.get("exclude"):  # indexed in one pass at the end (search.py)
        INDEX.add(page.url, str(page.meta.get("title", page.title)), page.content.partition(DETAIL_MARK)[0],
                  search.get("boost"))
        page.meta["search"] = {"exclude": True}
    return context


def on_startup(command: str, dirty: bool, **kwargs: Any) -> None:
    INDEX.dirty = dirty  # a preview rebuilding only what changed keeps the other pages' entries


def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    detail = getattr(page, "ducha_detail", None)
    if detail is not None:
        output = output.replace(DETAIL_MARK, DETAIL_MARK + detail, 1)
    if LIVE.problems:
        output = _ARTICLE.sub(lambda m: m.group(0) + _problems_banner(), output, count=1)
    return output


_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">')


#: Material's search worker splits a Chinese query into the words of the index it contains, but
#: only tries pieces that stop short of the query's last character (``j < length``): a query that
#: is itself a word (住建局, 供暖, 市财政局) is never looked up whole, and its first character
#: matches instead (住, 供 → 供给). The worker is patched to try the whole query too.
_WHOLE_QUERY = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in ")


def on_post_build(config: Any, **kwargs: Any) -> None:
    site = Path(config["site_dir"])
    INDEX.write(site / "search" / "search_index.json")
    if INDEX.dirty:  # a rebuild of what changed leaves the pages of removed records behind: not in the preview
        kept = INDEX.pages | set(config["theme"].static_templates)
        for built in site.rglob("*.html"):
            if built.relative_to(site).as_posix() not in kept:
                built.unlink()
    for worker in (site / "assets" / "javascripts" / "workers").glob("search.*.min.js"):
        code = worker.read_text(encoding="utf-8")
        patched = _WHOLE_QUERY.sub(lambda m: m.group(0).replace(f"{m.group(1)}<", f"{m.group(1)}<=", 1), code, count=1)
        if patched != code:
            worker.write_text(patched, encoding="utf-8")


def on_env(env: Any, config: Any, files: Any, **kwargs: Any) -> Any:
    """``ducha_memo`` for the ducha.html template: a block rendered once per folder depth, then reused.

    Only pages outside the navigation use that template: no tab or menu entry is ever marked as
    theirs, so at one depth the block comes out the same for all of them.
    """
    rendered: dict[tuple[str, int], Any] = {}

    @pass_context
    def memo(context: Any, name: str, render: Any) -> Any:
        page = context.get("page")
        key = (name, page.url.count("/") if page is not None else -1)
        if key not in rendered:
            rendered[key] = render()
        return rendered[key]

    env.globals["ducha_memo"] = memo
    # MkDocs makes a new environment for each build; `ducha serve` keeps the compiled templates
    # (a fifth of a dirty rebuild at 10,000 cases is compiling them again).
    env.bytecode_cache = TEMPLATES
    return env
