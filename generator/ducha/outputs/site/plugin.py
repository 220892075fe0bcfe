"""ducha as a MkDocs plugin (``plugins: [search, ducha]`` in mkdocs.yml): the site's pages made from
the records and handed to MkDocs from memory, with what it takes to build 10,000 of them fast.

Registered through the ``mkdocs.plugins`` entry point, so plain ``mkdocs build``/``serve`` and
ProperDocs load it as they load any plugin; ``ducha build``/``serve`` run the same MkDocs build.
Its options: ``profile`` (internal or public), ``as_of`` (the day the lights are worked out for;
today in Beijing when unset — this ``on_config``, like the command line, is an edge that may
read the clock), ``records`` (the repository, by default mkdocs.yml's folder), ``vendor``
(the form page's npm files: DUCHA_VENDOR, else ``.vendor``) and ``local_backend`` (the form page
talks to this decap-server instead: ``ducha serve --form``'s local trial).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from ducha.errors import DataError, DuchaError, UsageError
from ducha.model.redaction import PROFILES
from ducha.outputs.problems import problems_text
from ducha.outputs.safe import terminal
from ducha.outputs.site import frame, settings
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.pages import GENERATED, rendered
from ducha.outputs.site.prepare import Prepared, prepare
from ducha.outputs.site.render import DETAIL_MARK, HTML_FLAG, body
from ducha.outputs.site.search import Index
from ducha.outputs.site.serving import Preview, built_name
from ducha.outputs.site.words import search_words, teach
from ducha.rules.layout import RECORD_DIRS

if TYPE_CHECKING:
    from ducha.outputs.site.watching import RecordWatch

#: What the site is made from: a change to any of them rebuilds the preview.
WATCHED = (*RECORD_DIRS, "office.yaml")
BEIJING = ZoneInfo("Asia/Shanghai")
_CASE_FILE = re.compile(r"^cases/(\d{4})/([^/]+)\.yaml$")
_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">')
#: Material's search worker splits a Chinese query into the words of the index it contains, but
#: only tries pieces that stop short of the query's last character (``j < length``): a query that
#: is itself a word (住建局, 供暖, 市财政局) is never looked up whole, and its first character
#: matches instead (住, 供 → 供给). The worker is patched to try the whole query too.
_WHOLE_QUERY = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in ")


class DuchaConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options in mkdocs.yml."""

    profile = c.Choice(PROFILES, default="internal")
    as_of = c.Optional(c.Type((str, dt.date)))
    records = c.Optional(c.Type(str))
    vendor = c.Optional(c.Type(str))
    local_backend = c.Optional(c.Type(str))


class DuchaPlugin(BasePlugin[DuchaConfig]):  # type: ignore[no-untyped-call]
    """The generated pages, their search entries and the form page, in one MkDocs build."""

    def __init__(self) -> None:
        #: The data ``ducha build`` prepared already (it reports its warnings first); made here otherwise.
        self.handed: Prepared | None = None
        #: Told of each page made (``ducha build``'s progress bar).
        self.progress: Callable[[int], None] | None = None
        #: Set while ``mkdocs serve`` runs: what it keeps between rebuilds.
        self.preview: Preview | None = None
        #: Set while ``mkdocs serve`` runs: the records' watch.
        self.watch: RecordWatch | None = None
        self.index = Index()
        self.templates = frame.CompiledTemplates()
        self.root = Path()
        self.today = dt.date.min
        self.data: SiteData | None = None
        self.taught: SiteData | None = None
        self.given: dict[str, str] = {}
        self.in_nav: frozenset[str] = frozenset()

    # The presence of on_startup keeps one plugin object for the whole of `mkdocs serve`.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        if command == "serve":
            self.preview = Preview()
            self.index = Index(dirty=True)  # a rebuild indexes only the pages it builds: keep the others'

    def on_shutdown(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        if self.preview is not None:
            self.preview.close()
            self.preview = None

    @event_priority(100)  # before the search plugin reads its separator
    def on_config(self, config: Any) -> Any:
        here = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.root = (here / self.config.records).resolve() if self.config.records else here.resolve()
        as_of = self.config.as_of
        if isinstance(as_of, str):
            try:
                as_of = dt.date.fromisoformat(as_of)
            except ValueError:
                raise PluginError(f"mkdocs.yml 中 ducha 的 as_of「{as_of}」不是日期：应写成 2026-11-23。") from None
        # The edge: the day in Beijing when no day is given (a preview reads it again at every rebuild).
        self.today = as_of if isinstance(as_of, dt.date) else dt.datetime.now(BEIJING).date()
        own = Path(config.config_file_path) if config.config_file_path else None
        try:
            settings.layer(config, settings.read(own) if own is not None and own.is_file() else {})
        except UsageError as error:
            raise PluginError(str(error)) from None
        dirs = config.theme.dirs
        dirs.insert(1 if config.theme.custom_dir else 0, str(settings.THEME_DIR))
        if self.preview is None:
            self.index = Index()
        else:
            self.preview.settings(_signature(config))
            config.site_dir = str(self.preview.build_folder(Path(config.site_dir)))
        search = next((plugin for name, plugin in config.plugins.items() if name.rpartition("/")[2] == "search"), None)
        self.index.separator = search.config.separator if search is not None else None
        return config

    def on_pre_build(self, *, config: Any) -> None:
        if self.preview is not None:
            self._rebuild(config)
        else:
            prepared, self.handed = self.handed, None
            if prepared is None:
                try:
                    prepared = prepare(self.root, self.today, self.config.profile)
                except DataError as error:
                    raise PluginError(problems_text(error.problems, error.checked_files)) from None
                except DuchaError as error:
                    raise PluginError(str(error)) from None
                for warning in prepared.warnings:
                    settings.log.warning(warning)
            self.data = prepared.data
        assert self.data is not None
        if self.data is not self.taught:  # a preview's quick rebuild keeps the last complete data
            teach(search_words(self.data))
            self.taught = self.data

    def _rebuild(self, config: Any) -> None:
        """A preview's rebuild: only what changed; when the records have problems, the last good pages
        with the problems over them."""
        preview = self.preview
        assert preview is not None
        try:
            preview.rebuild(self.root, self.today, self.config.profile)
        except DataError as error:
            settings.log.warning(problems_text(error.problems, error.checked_files).rstrip())
            if preview.data is None:  # nothing to show yet
                raise PluginError(problems_text(error.problems, error.checked_files)) from None
            preview.wanted = {}
            preview.problems = [terminal(f"{p.file}:{p.line}:{p.column}" if p.line else p.file) + f" {p.message} 修改：{p.fix}"
                                for p in error.problems]
            preview.flagged = {"index.md", *(_page_of(p.file) for p in error.problems)}
        else:
            preview.problems = []
        self.data = preview.data

    def on_files(self, files: Any, config: Any) -> Any:
        from mkdocs.structure.files import File

        assert self.data is not None
        clashes = sorted(f.src_uri for f in files if f.src_uri.split("/", 1)[0] in GENERATED and f.src_uri.endswith(".md"))
        if clashes:
            raise PluginError(f"{Path(config.docs_dir).name}/ 中的 {'、'.join(clashes)} 与 ducha 生成的页面同名。"
                              "修改：改名或移到别的文件夹。")
        for name, source in settings.packaged_files():  # ducha's own pages and styles, where the office has none
            if files.get_file_from_path(name) is None:
                files.append(File.generated(config, name, abs_src_path=str(source)))
        if config.nav is not None:
            config.nav = settings.with_scores_tab(config.nav, self.data.scores is not None)
        nav = settings.nav_pages(config.nav)
        if self.preview is not None:
            self.given = self.preview.given(nav)
            every = set(self.preview.built) | set(self.preview.wanted)
        else:
            self.given = rendered(self.data, self.progress)
            every = set(self.given)
        for path, text in self.given.items():
            files.append(File.generated(config, path, content=text))
        if self.preview is None:
            self.given = {}  # the files hold the texts now
        served = self.preview.served if self.preview is not None else None
        for status in self.data.statuses:  # internal pages only: the public profile's cases carry none
            case = status.case
            for attachment in case.attachments:
                name = f"{case.attachment_folder}/{attachment.file}"
                source = self.root / name
                if source.is_file() and (served is None or not (served / name).is_file()):  # a preview copies it once
                    files.append(File.generated(config, name, abs_src_path=str(source)))
        self.index.pages = {f.dest_uri for f in files.documentation_pages()} | {built_name(p) for p in every}
        return files

    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        self.in_nav = frozenset(page.file.src_uri for page in nav.pages)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        """Generated pages are already HTML: the page takes it as its content, without a Markdown converter.

        MkDocs builds a converter for every page even when there is nothing to convert (a tenth of a
        build at 10,000 pages); the page's own ``render`` is replaced by one that only places the HTML.
        """
        if page.meta.get(HTML_FLAG):
            from mkdocs.structure.toc import get_toc

            if page.file.src_uri not in self.in_nav:
                page.meta["template"] = frame.TEMPLATE

            def render(config: Any, files: Any) -> None:
                page.content = markdown
                page.toc = get_toc([])
                page.present_anchor_ids = set()

            page.render = render
        return markdown

    @event_priority(50)  # before the search plugin (priority 0) reads page.content
    def _before_search(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Show search nothing of a generated page: ducha indexes its searchable part itself, in one pass
        at the end (search.py); Material would parse the rest, or at least run a pattern over all of it
        (at 10,000 pages, a third of a build)."""
        if not page.meta.get(HTML_FLAG):
            return context
        content = page.content or ""
        head = content.partition(DETAIL_MARK)[0]
        search = page.meta.get("search") or {}
        if not search.get("exclude"):
            self.index.add(page.url, str(page.meta.get("title", page.title)), head, search.get("boost"))
            page.meta["search"] = {"exclude": True}
        page.ducha_content, page.content = content, ""
        return context

    @event_priority(-50)  # after the search plugin
    def _after_search(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        content = getattr(page, "ducha_content", None)
        if content is not None:
            page.content, page.ducha_content = content, None
        return context

    on_page_context = CombinedEvent(_before_search, _after_search)

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        if page.meta.get(HTML_FLAG):  # written next and never read again: 10,000 pages need not all stay in memory
            page.content = page.markdown = None
        preview = self.preview
        if preview is not None and preview.problems:
            preview.shown.add(page.file.src_uri)
            banner = _problems_banner(preview.problems)
            output = _ARTICLE.sub(lambda m: m.group(0) + banner, output, count=1)
        return output

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        env.globals["ducha_memo"] = frame.memo()
        # MkDocs makes a new environment for each build; a preview keeps the compiled templates
        # (a fifth of a rebuild at 10,000 cases is compiling them again).
        env.bytecode_cache = self.templates
        return env

    def on_post_build(self, *, config: Any) -> None:
        site = Path(config.site_dir)
        self.index.write(site / "search" / "search_index.json")
        for worker in (site / "assets" / "javascripts" / "workers").glob("search.*.min.js"):
            code = worker.read_text(encoding="utf-8")
            patched = _WHOLE_QUERY.sub(lambda m: m.group(0).replace(f"{m.group(1)}<", f"{m.group(1)}<=", 1), code, count=1)
            if patched != code:
                worker.write_text(patched, encoding="utf-8")
        preview = self.preview
        if preview is not None:
            preview.publish(self.given)
            if not preview.problems:
                preview.shown -= set(self.given)
            if preview.stale:
                preview.ask_again()
            site = preview.served or site
        self._form_page(site)

    def _form_page(self, site: Path) -> None:
        """The internal site's /admin/ form page, when office.yaml sets one up or a local trial runs (once per preview)."""
        assert self.data is not None
        office = self.data.office
        trial = self.config.local_backend
        if (self.config.profile != "internal" or (office.cms is None and trial is None)
                or (self.preview is not None and (site / "admin").is_dir())):
            return
        from ducha.outputs.cms.admin import VENDOR_DIR, case_years, write_admin

        vendor = Path(self.config.vendor or os.environ.get("DUCHA_VENDOR") or self.root / VENDOR_DIR)
        try:
            write_admin(site / "admin", office, case_years(self.root, self.today), vendor, trial)
        except UsageError as error:
            settings.log.warning(f"未生成填报表单：{error}")

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        """Watch the records by events (watching.py: MkDocs' own watch polls every file twice a second);
        where the server cannot be woken so, or the system gives no more watches, MkDocs' watch."""
        from ducha.outputs.site.watching import RecordWatch, waker

        doors = [self.preview.door] if self.preview is not None else []
        wake = waker(server)
        if wake is not None:
            watch = RecordWatch(self.root, WATCHED, doors, wake)
            try:
                watch.start()
            except OSError as error:
                settings.log.warning(f"无法由系统通知记录的修改（{error}），改为定时检查每个文件：记录多时预览会慢。")
            else:
                self.watch = watch
                settings.log.info(f"记录的修改由系统通知（不定时检查）：{'、'.join(sorted(watch.folders))}、office.yaml")
                return server
        for name in WATCHED:
            if (self.root / name).exists():
                server.watch(str(self.root / name))
        for door in doors:
            server.watch(str(door))
        return server


def _signature(config: Any) -> str:
    """The settings a built page depends on, as text: with other settings, every page is built again."""
    parts = {key: config.get(key) for key in ("site_name", "nav", "extra_css", "extra_javascript", "extra", "copyright",
                                                "use_directory_urls", "markdown_extensions", "mdx_configs")}
    parts["theme"] = {key: config.theme[key] for key in config.theme}
    parts["dirs"] = config.theme.dirs
    return json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)


def _page_of(file: str) -> str:
    match = _CASE_FILE.match(file)
    return f"cases/{match.group(1)}/{match.group(2)}.md" if match else "index.md"


def _problems_banner(problems: list[str]) -> str:
    return body("problems.html", problems=problems).rstrip("\n")
