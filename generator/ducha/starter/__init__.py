"""The files an office's repository starts with besides its records: ``mkdocs.yml`` (the intranet
site's settings) and ``site/`` (the office's own pages: 使用说明, styles, logo).

``ducha init`` writes them for a new office; a repository without them builds its site from
these same files (the ducha plugin lays them under whatever the office has).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ducha.io.yamltext import yaml_scalar

#: Where they go in the office's repository, at its root.
CONFIG_FILE = "mkdocs.yml"
PAGES_DIR = "site"
_HERE = Path(str(resources.files("ducha.starter")))
#: The site's settings as ``ducha init`` writes them (site_name aside).
CONFIG = _HERE / "mkdocs.yml"
#: The office's own pages as ``ducha init`` writes them.
PAGES = _HERE / "site"
_SITE_NAME = re.compile(r"^site_name:.*$", re.M)


def site_name(office: str) -> str:
    """The site's name for an office: 「青川市人民政府督查室督查事项」."""
    return f"{office}督查事项"


def config_text(office: str, current: str | None = None) -> str:
    """mkdocs.yml for ``office``: ``current`` (an office's own file) with only its site_name line replaced,
    or the starter's."""
    text = CONFIG.read_text(encoding="utf-8") if current is None else current
    line = f"site_name: {yaml_scalar(site_name(office))}"
    return _SITE_NAME.sub(lambda _: line, text, count=1) if _SITE_NAME.search(text) else f"{line}\n{text}"


def page_files() -> list[tuple[str, bytes]]:
    """Every file of the starter's ``site/`` folder, as (path under site/, content)."""
    return [(p.relative_to(PAGES).as_posix(), p.read_bytes()) for p in sorted(PAGES.rglob("*")) if p.is_file()]
