"""The site's MkDocs configuration: the office's own ``mkdocs.yml``, with ducha's packaged defaults
laid under it key by key.

The starter's ``mkdocs.yml`` (``ducha.starter``) is what ``ducha init`` writes for a new office and
what a repository without its own builds with. Wherever an office's file is silent, the packaged
value holds: a file that sets only ``theme.palette`` keeps Material, Chinese, no web fonts,
the Chinese search separator and the navigation. Two paths read it, with the same result:

- plain ``mkdocs build``/``serve``: MkDocs loads the office's file; the ducha plugin fills the
  unset keys in its ``on_config`` (``layer``);
- ``ducha build``/``serve``: ``command_config`` adds what MkDocs needs before any plugin runs
  (a theme name, a site name, the ducha plugin itself) and the command line's profile and
  date, then the same ``layer``.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from ducha import starter
from ducha.errors import UsageError

#: The office's own settings and pages (使用说明, styles, logo), at its repository's root.
OFFICE_CONFIG, OFFICE_PAGES = starter.CONFIG_FILE, starter.PAGES_DIR
#: The name the ducha plugin is registered under (entry point group ``mkdocs.plugins``).
PLUGIN = "ducha"
PACKAGED_CONFIG = starter.CONFIG
#: The starter's pages (使用说明, the office's styles, logo) and ducha's stylesheet, laid under the office's
#: docs folder (its files win).
PACKAGED_PAGES = (starter.PAGES, Path(str(resources.files("ducha.outputs.site").joinpath("static"))))
#: The theme templates ducha adds (``ducha.html`` for generated pages outside the navigation).
THEME_DIR = Path(str(resources.files("ducha.outputs.site").joinpath("theme")))
#: The stylesheet the generated pages' classes are defined in: always loaded.
STYLESHEET = "assets/ducha.css"
#: Top-level keys ducha's pages need a value for; the packaged one holds where the office set none.
_LAYERED = ("use_directory_urls", "nav", "not_in_nav", "extra_css")
#: Theme keys likewise (the theme's own defaults are English, web fonts and indigo).
_THEME_KEYS = ("language", "font", "logo", "features", "palette")

log = logging.getLogger("mkdocs.plugins.ducha")


def read(path: Path) -> dict[str, Any]:
    """A MkDocs configuration file as written (``!ENV`` resolved, ``INHERIT`` merged), or a clear error."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with path.open("rb") as fd:
            raw = yaml_load(fd)
    except (OSError, ConfigurationError) as error:
        raise UsageError(f"{path.name} 无法读取：{error}。修改：按 YAML 格式改正（可对照 ducha 自带的 mkdocs.yml）。") from error
    if not isinstance(raw, dict):
        raise UsageError(f"{path.name} 应是「键: 值」的设置，而不是 {type(raw).__name__}。")
    return raw


@functools.lru_cache(maxsize=1)
def _packaged() -> dict[str, Any]:
    return read(PACKAGED_CONFIG)


def packaged() -> dict[str, Any]:
    """The packaged defaults, as written (read once; each caller gets its own copy)."""
    return copy.deepcopy(_packaged())


def plugin_entries(plugins: object) -> list[tuple[str, dict[str, Any]]]:
    """A ``plugins`` setting (a list of names and one-key mappings, or a mapping) as (name, options) pairs."""
    if isinstance(plugins, dict):
        return [(str(name), dict(options or {})) for name, options in plugins.items()]
    found = []
    for item in plugins if isinstance(plugins, list) else []:
        if isinstance(item, dict) and len(item) == 1:
            name, options = next(iter(item.items()))
            found.append((str(name), dict(options or {})))
        else:
            found.append((str(item), {}))
    return found


def _search_options(raw: dict[str, Any]) -> dict[str, Any]:
    for name, options in plugin_entries(raw.get("plugins", [])):
        if name.rpartition("/")[2] == "search":
            return options
    return {}


def layer(config: Any, raw: dict[str, Any]) -> None:
    """Fill what the office's file (``raw``) leaves unset with the packaged defaults, and hold what the
    pages cannot do without: relative ``.html`` links, no web fonts, ducha's stylesheet, inert site name."""
    from mkdocs.config.defaults import MkDocsConfig

    defaults = packaged()
    if raw.get("use_directory_urls") is True:
        raise UsageError("mkdocs.yml：ducha 生成的页面之间用 .html 相对链接，use_directory_urls 须为 false。"
                         "修改：删去 use_directory_urls 这一行，或写 use_directory_urls: false。")
    for key in _LAYERED:
        if key not in raw:
            config[key] = getattr(MkDocsConfig, key).validate(copy.deepcopy(defaults[key]))
    theme = raw.get("theme")
    theme_raw: dict[str, Any] = theme if isinstance(theme, dict) else {}
    if config.theme.name == "material":
        for key in _THEME_KEYS:
            if key not in theme_raw:
                config.theme[key] = copy.deepcopy(defaults["theme"][key])
        if config.theme["font"] is not False:  # Material fetches a font from the internet
            log.warning("内网站点不从互联网加载字体：已按 font: false 构建（mkdocs.yml 的 theme.font 不起作用）。")
            config.theme["font"] = False
    if STYLESHEET not in config.extra_css:
        config.extra_css.insert(0, STYLESHEET)
    extra = raw.get("extra")
    if not isinstance(extra, dict) or "generator" not in extra:
        config.extra["generator"] = defaults["extra"]["generator"]
    search = next((plugin for name, plugin in config.plugins.items() if name.rpartition("/")[2] == "search"), None)
    if search is not None and "separator" not in _search_options(raw):
        search.config.separator = _search_options(defaults)["separator"]
    from ducha.outputs.site.render import inert_title

    # MkDocs' and Material's templates print the site name unescaped: markup in it stays text.
    config.site_name = inert_title(config.site_name)


def command_config(root: Path, profile: str, as_of: dt.date, office_name: str,
                   serving: bool = False) -> tuple[Path, dict[str, Any]]:
    """What ``ducha build``/``serve`` hand MkDocs: the configuration file (the office's, or the packaged
    one) and the settings laid over it — the command line's profile and date for the ducha plugin, and
    what MkDocs needs before any plugin runs where the office's file lacks it."""
    own = root / OFFICE_CONFIG
    file = own if own.is_file() else PACKAGED_CONFIG
    raw = read(own) if own.is_file() else {}
    defaults = packaged()
    overrides: dict[str, Any] = {}
    theme = raw.get("theme")
    if isinstance(theme, dict) and "name" not in theme and "custom_dir" not in theme:
        overrides["theme"] = {"name": defaults["theme"]["name"], **theme}
    if not raw.get("site_name"):
        overrides["site_name"] = starter.site_name(office_name)
    entries = plugin_entries(raw["plugins"]) if "plugins" in raw else plugin_entries(defaults["plugins"])
    if all(name != PLUGIN for name, _ in entries):
        entries.append((PLUGIN, {}))
    options = {"profile": profile, "as_of": as_of.isoformat(), "records": str(root.resolve())}
    # A mapping, not a list: MkDocs takes list items apart as it reads them, and `mkdocs serve` reads
    # the same settings again at every rebuild.
    overrides["plugins"] = {name: {**opts, **options} if name == PLUGIN else opts for name, opts in entries}
    docs = root / str(raw.get("docs_dir", "docs" if own.is_file() else OFFICE_PAGES))
    if not docs.is_dir():  # no pages of the office's own: the starter's
        overrides["docs_dir"] = str(starter.PAGES)
    elif not own.is_file():  # the packaged settings name site/ beside themselves: the office's is meant
        overrides["docs_dir"] = str(docs.resolve())
    if not serving:  # `mkdocs serve` builds into a folder of its own
        overrides["site_dir"] = str(site_dir(root, profile, raw))
    return file, overrides


def site_dir(root: Path, profile: str, raw: dict[str, Any] | None = None) -> Path:
    """Where ``ducha build`` puts a profile's site: mkdocs.yml's ``site_dir`` (build/site), and the public
    build beside it (build/site-public), so that one never overwrites the other."""
    named = root / str((raw or {}).get("site_dir") or packaged()["site_dir"])
    return named if profile == "internal" else named.with_name(named.name + "-public")


def packaged_files() -> list[tuple[str, Path]]:
    """ducha's own files for the docs folder, as (path in the docs folder, file)."""
    return [(p.relative_to(top).as_posix(), p) for top in PACKAGED_PAGES for p in sorted(top.rglob("*")) if p.is_file()]


#: The 考核 page, and the tab that leads to it.
SCORES_PAGE, SCORES_TAB = "scores/index.md", "考核"


def with_scores_tab(nav: list[Any], shown: bool) -> list[Any]:
    """The navigation with the 考核 tab exactly when the site has the page (office.yaml keeps scores and
    the profile shows them): where the office's ``nav`` puts it, else right after 通报 (at the end
    without one); taken out where the site has no such page, so that no tab leads nowhere."""
    def names(item: Any) -> bool:
        return bool((next(iter(item.values())) if isinstance(item, dict) else item) == SCORES_PAGE)

    def without(items: list[Any]) -> list[Any]:
        kept = []
        for item in items:
            if names(item):
                continue
            value = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else None
            kept.append({next(iter(item)): without(value)} if isinstance(value, list) else item)
        return kept

    if not shown:
        return without(nav)
    if SCORES_PAGE in nav_pages(nav):
        return nav
    at = next((i + 1 for i, item in enumerate(nav) if isinstance(item, dict) and "notices/index.md" in item.values()), len(nav))
    return [*nav[:at], {SCORES_TAB: SCORES_PAGE}, *nav[at:]]



def nav_pages(nav: Any) -> list[str]:
    """The pages the navigation names (``index.md``, ``cases/index.md`` …), at any depth."""
    found: list[str] = []
    for item in nav or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            found += nav_pages(value)
        elif isinstance(value, str) and value.endswith(".md"):
            found.append(value)
    return found
