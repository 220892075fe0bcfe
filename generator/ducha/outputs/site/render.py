"""The Jinja2 environment that makes every generated page from its kind's template.

Autoescaping is on and cannot be forgotten: every value a template prints passes through
``_escaped`` (HTML-escaped, newlines as ``<br>`` so no value can end a raw HTML block and
turn the rest into Markdown), and markup comes only from the templates and their macros.
Python code hands templates data, never HTML. A page is YAML front matter (written here,
JSON-quoted) and the HTML body its template renders; any engine that reads Markdown can
build it, and the MkDocs plugin skips the Markdown step for it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Any

import jinja2
from markupsafe import Markup

from ducha.model.logs import size_text
from ducha.outputs import present
from ducha.outputs.site import urls, words, worklists
from ducha.rules import queues
from ducha.rules.metrics import Tally
from ducha.rules.period_report import ranking_rule

#: Front-matter flag on generated pages: the body is already HTML. Any Markdown engine renders it
#: as is; the MkDocs plugin also skips Markdown parsing for it, which is half the build.
HTML_FLAG = "ducha_html"
#: Separates what search should index (title, status, summary) from a page's detail.
#: Record text cannot produce it: every value is escaped, so "<!--" never comes from a record.
DETAIL_MARK = "<!-- ducha:detail -->"

_SPECIAL = re.compile("[&<>\"'\r\n]")


def _escaped(value: object) -> Markup:
    """Every printed value, escaped once: markup from a macro passes, anything else becomes text."""
    if isinstance(value, Markup):
        return value
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    text = value if isinstance(value, str) else str(value)
    if _SPECIAL.search(text) is None:  # most values: nothing to escape, and a million of them a build
        return Markup(text)
    return Markup(html.escape(text, quote=True).replace("\r", "").replace("\n", "<br>"))


_INERT = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ", "\r": " "})


def inert_title(text: str) -> str:
    """A title safe in templates that do not escape (MkDocs' and Material's: ``striptags`` even
    unescapes): markup characters become full-width lookalikes."""
    return text.translate(_INERT)


def _joined(items: Iterable[object], separator: str = "") -> object:
    """Jinja's ``join``, escaping as every other value is (markup from macros stays markup)."""
    items = list(items)
    if any(hasattr(item, "__html__") for item in items):
        return Markup(separator).join(_escaped(item) for item in items)
    return separator.join(str(item) for item in items)


def _counted(rows: dict[str, Tally]) -> list[tuple[str, Tally]]:
    """The rows of a tally that count anything."""
    return [(name, t) for name, t in rows.items() if t.total]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ducha.outputs.site", "templates"),
        autoescape=True, finalize=_escaped, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
    env.filters["join"] = _joined
    env.globals.update(
        href=urls.href, case_page=urls.case_page, unit_page=urls.unit_page, category_page=urls.category_page,
        draft_page=urls.draft_page, notice_page=urls.notice_page, calendar_file=urls.calendar_file,
        light_label=present.light_label, other_parts=present.other_parts, tally_columns=present.tally_columns,
        remaining=present.remaining, rate_text=present.rate_text,
        criticism_count=present.criticism_count, receipt_text=present.receipt_text,
        withheld_review=present.withheld_review,
        milestone_light=present.milestone_light, milestone_reasons=present.milestone_reasons,
        provisional_note=present.PROVISIONAL_NOTE, detail_mark=Markup(DETAIL_MARK),
        counted=_counted, submitted=queues.submitted, last_progress=worklists.last_progress,
        near_reason=worklists.near_reason, order_state=lambda data, measure: data.order_state(measure),
        unit_core=words.unit_core, size_text=size_text, ranking_rule=ranking_rule,
        reading_text=present.reading_text, reading_flags=present.reading_flags, below_report=present.below_report,
        latest_progress=present.latest_progress, offices_page=urls.OFFICES_PAGE)
    return env


_ENV = _environment()


def body(template: str, **context: Any) -> str:
    """The HTML body of one page from ``template`` (in ``templates/``)."""
    return _ENV.get_template(template).render(context)


def page(title: str, html_body: str, search: bool = True, boost: int | None = None) -> str:
    """A whole page: front matter (title, the HTML flag, no side navigation or table of contents: the
    tabs lead to every list, and tables get the width), then the body."""
    meta = [f"title: {json.dumps(inert_title(title), ensure_ascii=False)}", f"{HTML_FLAG}: true",
            "hide:\n  - navigation\n  - toc"]
    if not search:
        meta.append("search:\n  exclude: true")
    elif boost is not None:  # a unit's or a leader's own page comes before the items that name it
        meta.append(f"search:\n  boost: {boost}")
    return "---\n" + "\n".join(meta) + "\n---\n\n" + html_body
