"""``ducha build``: the site's pages for ``today``, then a full MkDocs build.

Full builds only: ``--dirty`` would drop Material's search index.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ducha.repo.audit import AuditTrail, trails as read_trails
from ducha.errors import UsageError
from ducha.repo.git import HistoryError, ShallowCloneError, check_repository
from ducha.outputs.ics import feeds
from ducha.load import load_all
from ducha.rules.periods import parse_period
from ducha.rules.period_report import build_report
from ducha.outputs.site.pages import PROFILES, SiteData, page_count, site_data, write_pages
from ducha.load import load_cases

DOCS_DIR = "site"
CONFIG = "mkdocs.yml"
#: Set while `ducha build` runs MkDocs, so the MkDocs hook does not generate the pages again.
READY_ENV = "DUCHA_PAGES_READY"


@dataclass(frozen=True)
class Prepared:
    """The data for the pages, and what was left out and why."""

    data: SiteData
    warnings: tuple[str, ...]


def _trails(root: Path) -> tuple[dict[str, AuditTrail], str, tuple[str, ...]]:
    try:
        check_repository(root)
    except ShallowCloneError:
        raise  # a wrong audit trail is worse than none: refuse
    except HistoryError:
        return {}, "", (f"{root} 不是 git 仓库：站点中不含审计记录。",)
    head, trails = read_trails(root)
    return trails, head, ()


def prepare(root: Path, today: dt.date, profile: str) -> Prepared:
    """Validate the records, compute every status for ``today``, and read the audit trails."""
    if profile not in PROFILES:
        raise UsageError(f"未知的发布范围「{profile}」：可选 {'、'.join(PROFILES)}。")
    office, cases = load_cases(root)  # past --today is allowed: facts after it are simply not shown yet
    notices, bulletins = load_all(root, office, frozenset(c.id for c in cases))
    trails, head, warnings = _trails(root)
    month = parse_period(f"{today.year}-{today.month:02d}")
    draft = build_report(office, cases, notices, bulletins, month, today, head or "（非 git 仓库）")
    data = site_data(office, cases, today, profile, head, trails, office.internal_fields, notices, draft)
    # The feeds come from the same statuses as the pages: the public site never lists 内部 items.
    return Prepared(replace(data, feeds=feeds(office, data.statuses, today)), warnings)


def write(root: Path, prepared: Prepared, progress: Callable[[int], None] | None = None) -> int:
    return write_pages(root / DOCS_DIR, prepared.data, progress)


def total_pages(prepared: Prepared) -> int:
    return page_count(prepared.data)


def site_dir(root: Path, profile: str) -> Path:
    return root / "build" / ("site" if profile == "internal" else "site-public")


def run_mkdocs(root: Path, profile: str) -> Path:
    """A full MkDocs build of the pages already written; returns the output folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    target = site_dir(root, profile)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    os.environ[READY_ENV] = str((root / DOCS_DIR).resolve())
    try:
        config = load_config(str(root / CONFIG), site_dir=str(target))
        build(config)
    finally:
        os.environ.pop(READY_ENV, None)
    return target
