"""``ducha build``: the site's pages for ``today``, then a full MkDocs build.

Each profile gets its own docs folder under ``build/`` (``build/docs-internal``…),
assembled from the packaged static pages, the office's own ``site/`` folder if it has
one, and the generated pages; nothing is written into the records' folders. The MkDocs
configuration is the packaged one, with the office's ``mkdocs.yml`` (if any) laid over
it. Full builds only: ``--dirty`` would drop Material's search index.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import yaml

from ducha.errors import UsageError
from ducha.io.atomic import write_file
from ducha.io.yamlfile import read_yaml
from ducha.load.records import Records, load_records
from ducha.load.validate import CheckCache
from ducha.model.case import Case
from ducha.model.office import Office
from ducha.model.redaction import PROFILES, Disclosure
from ducha.model.scoring import CRITICISM_ITEMS, PERIOD_KINDS
from ducha.outputs.ics import feeds
from ducha.outputs.site.pages import SiteData, page_count, rendered, unit_core, write_case_pages, write_pages
from ducha.repo.audit import AuditTrail, disclosed
from ducha.repo.audit import trails as read_trails
from ducha.repo.gitprocess import HistoryError, ShallowCloneError, check_repository, head_sha
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Status, deadline, status_board
from ducha.rules.escalation import criticism_tally
from ducha.rules.period_report import PeriodReport, build_report
from ducha.rules.periods import Period, parse_period, period_of
from ducha.rules.scoring import ScoreBoard, score_board

#: The office's own additions to the site: extra pages, or its own guide.md / assets/ducha.css.
OVERLAY_DIR = "site"
#: The office's own MkDocs settings, laid over the packaged ones (site_name, palette, nav…).
OFFICE_CONFIG = "mkdocs.yml"
#: Folders and files the site reads from the records: a change to any of them rebuilds the preview.
WATCHED = ("cases", "notices", "bulletins", "accountability", "attachments", "office.yaml", OVERLAY_DIR)
#: Set while `ducha build` runs MkDocs, so the MkDocs hook does not generate the pages again.
READY_ENV = "DUCHA_PAGES_READY"
#: How `ducha serve` tells the hook what to build: the repository, the day and the profile.
ROOT_ENV, TODAY_ENV, PROFILE_ENV = "DUCHA_ROOT", "DUCHA_TODAY", "DUCHA_PROFILE"
_STATIC = resources.files("ducha.outputs.site").joinpath("static")


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


def prepare(root: Path, today: dt.date, profile: str, live: Live | None = None, quick: bool = False) -> Prepared:
    """Validate the records, compute every status for ``today``, read the audit trails, and
    keep only what ``profile`` may see: every page and feed is made from what this returns.

    ``live``: what `ducha serve` kept from its last rebuild (files checked, trails, statuses), used
    again where nothing changed; ``quick`` also keeps its drafts and feeds, made again later.
    """
    if profile not in PROFILES:
        raise UsageError(f"未知的发布范围「{profile}」：可选 {'、'.join(PROFILES)}。")
    # The site as of that day: later facts are left out.
    records = load_records(root, as_of=today, cache=live.checks if live is not None else None)
    office, cases, notices, bulletins = records.office, records.cases, records.notices, records.bulletins
    trails, head, warnings = _trails(root) if live is None else live.trails_of(root)
    disclosure = Disclosure(profile, frozenset(office.internal_fields), office.notice_rules.publish)
    shown = disclosure.cases(cases)
    shown_ids = frozenset(c.id for c in shown)
    statuses = tuple(sorted(status_board(office, shown, today) if live is None else live.statuses_of(office, shown, today),
                            key=lambda s: s.case.id))
    drafts: tuple[PeriodReport, ...] = ()
    if quick and live is not None and live.data is not None:
        drafts, calendars = live.data.drafts, live.data.feeds
    else:
        if not disclosure.public:  # a draft 通报 is the office's working paper
            drafts = tuple(build_report(office, cases, notices, bulletins, period, today, head or "（非 git 仓库）",
                                        measures=records.measures)
                           for period in draft_periods(today))
        calendars = feeds(office, statuses, today)
    scores = _scores(records, statuses, disclosure, shown_ids, today, head)
    criticisms = dict(criticism_tally(notices, today.year)) if disclosure.shows_criticism() else {}
    # While the year is young, last year's tally stays in view: January has no criticism of its own yet.
    earlier = dict(criticism_tally(notices, today.year - 1)) if disclosure.shows_criticism() and today.month <= 3 else {}
    data = SiteData(
        office, today, profile, head, statuses,
        trails={case_id: disclosed(trail, disclosure) for case_id, trail in trails.items() if case_id in shown_ids},
        notices=tuple(disclosure.notice(n, shown_ids) for n in notices),
        criticisms=criticisms, drafts=drafts, feeds=calendars, last_year_criticisms=earlier,
        measures=disclosure.measures(records.measures, shown_ids), scores=scores,
        assessments=records.assessments if scores is not None else ())
    return Prepared(data, warnings)


def _scores(records: Records, statuses: Sequence[Status], disclosure: Disclosure, shown: frozenset[str], today: dt.date,
            head: str) -> ScoreBoard | None:
    """The current period's running 考核 scores: for the office always, for the public only when office.yaml says so
    (scored from every record, the lines naming what the audience may not see left blank)."""
    scoring = records.office.scoring
    if scoring is None or (disclosure.public and not scoring.publish):
        return None
    period = period_of(today, PERIOD_KINDS[scoring.period])
    board = score_board(records.office, records.cases, records.notices, records.measures, records.bulletins, period, today,
                        head or "（非 git 仓库）", statuses if not disclosure.public else None)
    if not disclosure.public:
        return board
    units = []
    for unit in board.units:
        lines = []
        for line in unit.lines:
            case, what, record = disclosure.score_line(line.case, line.what, line.record, line.rule in CRITICISM_ITEMS, shown)
            lines.append(dataclasses.replace(line, case=case, what=what, record=record))
        units.append(dataclasses.replace(unit, lines=tuple(lines)))
    return dataclasses.replace(board, units=tuple(units))


@dataclass
class Live:
    """What `ducha serve` keeps from one rebuild to the next, so that an edit rebuilds only what changed.

    Mutable, one per preview. (The MkDocs hook is loaded afresh for every rebuild; this module is not.)
    """

    checks: CheckCache = field(default_factory=CheckCache)
    head: str | None = None
    trails: dict[str, AuditTrail] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    office: Office | None = None
    statuses: dict[str, tuple[Case, Office, dt.date, Status]] = field(default_factory=dict)
    #: Each case page and what it was made from: made again only when that changes.
    made: dict[str, tuple[object, str]] = field(default_factory=dict)
    #: The last complete data: drafts and calendars for the quick rebuilds.
    data: SiteData | None = None
    #: An edit changed the records: the lists, drafts and calendars are made again next.
    stale: bool = False
    #: The problems the records have now, shown over the pages built while they last.
    problems: list[str] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)

    def trails_of(self, root: Path) -> tuple[dict[str, AuditTrail], str, tuple[str, ...]]:
        """The audit trails, read again only when the repository has a new commit."""
        try:
            head = head_sha(root)
        except HistoryError:
            head = None  # not a repository (or a shallow one): _trails says so
        if head is None or head != self.head:
            self.trails, _, self.warnings = _trails(root)
            self.head = head
        return self.trails, self.head or "", self.warnings

    def statuses_of(self, office: Office, cases: Sequence[Case], today: dt.date) -> list[Status]:
        """Each case's status, computed again only for a case (or office, or day) that changed."""
        calendar = calendar_for(office.holiday_overrides)
        if office != self.office:  # new settings: every due date may move
            self.statuses.clear()
            self.office = office
        out = []
        for case in cases:
            kept = self.statuses.get(case.id)
            if kept is not None and kept[0] is case and kept[2] == today:
                out.append(kept[3])
                continue
            status = deadline(case, office, today, calendar)
            self.statuses[case.id] = (case, office, today, status)
            out.append(status)
        return out


#: The preview running in this process (`ducha serve`).
LIVE = Live()


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory from one build to the next in this process; jinja
    checks each against its template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _CompiledTemplates()
#: Written into the docs folder to ask `ducha serve` for another rebuild (MkDocs skips dot files).
REFRESH = ".ducha-refresh"


def live_rebuild(root: Path, today: dt.date, profile: str, docs: Path) -> None:
    """Bring the preview's pages up to date with the records, doing as little as the edit requires.

    An edit to a case rewrites its page (and those of its parent and children) at once; the lists,
    unit pages, drafts and calendars that count it follow in the next rebuild, which this one asks
    for: the edited page shows within a second or two even at 10,000 cases. Raises DataError when
    the records have problems (the last good pages stay).
    """
    checked = LIVE.checks.rechecked
    if LIVE.data is not None and not LIVE.stale:
        prepared = prepare(root, today, profile, LIVE, quick=True)
        changed = write_case_pages(docs, prepared.data, LIVE.made)
        if (changed or LIVE.checks.rechecked != checked or prepared.data.notices != LIVE.data.notices
                or prepared.data.measures != LIVE.data.measures):
            LIVE.stale = True  # the next rebuild makes the rest; a change in the docs folder asks for it
            (docs / REFRESH).write_text(str(LIVE.checks.rechecked), encoding="utf-8")
        return
    prepared = prepare(root, today, profile, LIVE)
    assemble(root, prepared)
    write_pages(docs, prepared.data, skip=frozenset(LIVE.made))
    write_case_pages(docs, prepared.data, LIVE.made)
    LIVE.data, LIVE.stale = prepared.data, False


#: How long after a month or quarter ends its 通报 is still being drafted (and shown beside the current ones).
DRAFTING_DAYS = 15


def draft_periods(today: dt.date) -> list[Period]:
    """The periods whose 通报 the office may be drafting: this month and quarter, and, in the first
    fortnight after they end, the month and quarter just ended (in January: December and Q4)."""
    periods = [parse_period(f"{today.year}-{today.month:02d}"), parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")]
    if today.day <= DRAFTING_DAYS:
        ended = today.replace(day=1) - dt.timedelta(days=1)
        periods.append(parse_period(f"{ended.year}-{ended.month:02d}"))
        if today.month % 3 == 1:  # the first month of a quarter: the quarter before has just ended
            periods.append(parse_period(f"{ended.year}-Q{(ended.month - 1) // 3 + 1}"))
    return periods


def docs_dir(root: Path, profile: str) -> Path:
    return root / "build" / f"docs-{profile}"


def site_dir(root: Path, profile: str) -> Path:
    return root / "build" / ("site" if profile == "internal" else "site-public")


def _copy_tree(source: Any, target: Path) -> None:
    """Copy a packaged (Traversable) or on-disk folder into ``target``, rewriting only what differs."""
    for item in source.iterdir():
        if item.is_dir():
            _copy_tree(item, target / item.name)
            continue
        data = item.read_bytes()
        destination = target / item.name
        if not destination.is_file() or destination.read_bytes() != data:
            write_file(destination, data, durable=False)


def static_files(root: Path, docs: Path) -> None:
    """The packaged pages and styles, then the office's own ``site/`` over them."""
    _copy_tree(_STATIC.joinpath("docs"), docs)
    if (root / OVERLAY_DIR).is_dir():
        _copy_tree(root / OVERLAY_DIR, docs)


def assemble(root: Path, prepared: Prepared) -> Path:
    """The docs folder of the prepared profile with its static pages, and the search words beside it."""
    docs = docs_dir(root, prepared.data.profile)
    static_files(root, docs)
    copy_attachments(root, docs, prepared.data)
    words = search_words_file(root, prepared.data.profile)
    text = "".join(f"{word} {SEARCH_WORD_FREQUENCY} nz\n" for word in search_words(prepared.data))
    if not words.is_file() or words.read_text(encoding="utf-8") != text:
        words.write_text(text, encoding="utf-8")
    return docs


def write(root: Path, prepared: Prepared, progress: Callable[[int], None] | None = None) -> Path:
    """Assemble the docs folder of the prepared profile with every generated page written into it."""
    docs = assemble(root, prepared)
    write_pages(docs, prepared.data, progress)
    return docs


def copy_attachments(root: Path, docs: Path, data: SiteData) -> None:
    """The attached files the pages link to (internal pages only: the public profile's cases carry none)."""
    for status in data.statuses:
        case = status.case
        for attachment in case.attachments:
            source = root / case.attachment_folder / attachment.file
            target = docs / case.attachment_folder / attachment.file
            if source.is_file() and (not target.is_file() or target.stat().st_size != source.stat().st_size):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)


#: Pages made in memory for a build running in this process, by docs folder: the MkDocs hook hands
#: them to MkDocs as generated files. Writing 10,000 Markdown files only for MkDocs to read them back
#: costs a tenth of a build.
IN_MEMORY: dict[str, dict[str, str]] = {}


#: jieba's frequency for the office's own words: high enough that it never cuts one apart.
SEARCH_WORD_FREQUENCY = 100_000
_ISSUER = re.compile(r"^([\u4e00-\u9fff]+)〔")


def search_words(data: SiteData) -> list[str]:
    """The words people search for that a general dictionary does not know, for jieba (search is
    segmented with it): unit short names, the same without their 市 (住建局, which case pages also
    carry), full names, leaders' names, the issuer part of 文号 (青建 in 青建〔2026〕133号, 青督查 of the
    issued 通报), category names."""
    words: set[str] = set(data.office.category_names)
    for unit in data.office.units:
        words.update((unit.name, unit.full_name, unit_core(unit.name)))
    for status in data.statuses:
        case = status.case
        words.update(part for part in case.source.leader.split() if part)
        for number in [case.source.doc_no] + [r.doc_no for r in case.reports]:
            if match := _ISSUER.match(number):
                words.add(match.group(1))
    for notice in data.notices:  # an issued 通报 is looked up by its 文号 (青督查〔2026〕13号)
        if match := _ISSUER.match(notice.doc_no):
            words.add(match.group(1))
    # A line of jieba's file is "word frequency tag": a word may hold no whitespace.
    return sorted(w for w in words if len(w) > 1 and not any(ch.isspace() for ch in w))


def search_words_file(root: Path, profile: str) -> Path:
    return root / "build" / f"search-words-{profile}.txt"


def pages_in_memory(prepared: Prepared, progress: Callable[[int], None] | None = None) -> dict[str, str]:
    """Every generated page as (path in the docs folder → text), for ``run_mkdocs``."""
    return rendered(prepared.data, progress)


def total_pages(prepared: Prepared) -> int:
    return page_count(prepared.data)


def config_file(root: Path, profile: str, office_name: str, scores: bool = False) -> Path:
    """Write the MkDocs configuration for ``profile`` into ``build/`` and return its path; ``scores``: the 考核
    page is in this profile's site, and in its tabs."""
    config: dict[str, Any] = yaml.safe_load(_STATIC.joinpath("mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = f"{office_name}督查事项"
    if scores:
        at = next((i + 1 for i, entry in enumerate(config["nav"]) if "通报" in entry), len(config["nav"]))
        config["nav"].insert(at, {"考核": "scores/index.md"})
    own = root / OFFICE_CONFIG
    if own.is_file():
        doc, problems = read_yaml(own, OFFICE_CONFIG)
        if doc is None:
            raise UsageError(f"{OFFICE_CONFIG} 无法读取：{problems[0].message} 修改：{problems[0].fix}")
        config.update(yaml.safe_load(own.read_text(encoding="utf-8")) or {})
    # What the office may not change: where things are, and the hook that makes the pages.
    words = search_words_file(root, profile)
    if words.is_file():  # the office's names segmented as whole words in the search index
        for index, plugin in enumerate(config.get("plugins", [])):
            name = plugin if isinstance(plugin, str) else next(iter(plugin), "")
            if name == "search":
                options = {} if isinstance(plugin, str) else dict(plugin["search"] or {})
                options["jieba_dict_user"] = str(words.resolve())
                config["plugins"][index] = {"search": options}
    # Pages outside the navigation use ducha.html (tabs and menu rendered once per depth).
    config["theme"] = {**config["theme"], "custom_dir": str(Path(str(_STATIC)) / "overrides")}
    config.update({
        "docs_dir": str(docs_dir(root, profile).resolve()),
        "site_dir": str(site_dir(root, profile).resolve()),
        "hooks": [str(Path(str(_STATIC)).parent / "hook.py")],
        "watch": [str((root / name).resolve()) for name in WATCHED if (root / name).exists()],
    })
    target = root / "build" / f"mkdocs-{profile}.yml"
    write_file(target, yaml.safe_dump(config, allow_unicode=True, sort_keys=False), durable=False)
    return target


def quiet() -> None:
    """MkDocs' and jieba's chatter is not for the office: warnings and errors only."""
    import jieba  # sets its own logger to DEBUG when imported: import it first, then quiet it

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    # `ducha serve` rebuilds only what changed on purpose: MkDocs' warning about it is not for the office.
    logging.getLogger("mkdocs.commands.build").addFilter(lambda record: "'dirty' build" not in record.getMessage())
    jieba.setLogLevel(logging.WARNING)


def run_mkdocs(root: Path, prepared: Prepared, pages: dict[str, str] | None = None) -> Path:
    """A full MkDocs build of ``pages`` (made in memory), or of the pages already written when None;
    returns the output folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    profile = prepared.data.profile
    quiet()
    docs = str(docs_dir(root, profile).resolve())
    os.environ[READY_ENV] = docs
    if pages is not None:
        IN_MEMORY[docs] = pages
    try:
        build(load_config(str(config_file(root, profile, prepared.data.office.name, prepared.data.scores is not None))))
    finally:
        os.environ.pop(READY_ENV, None)
        IN_MEMORY.pop(docs, None)
    return site_dir(root, profile)


def serve(root: Path, today: dt.date, profile: str, port: int, pin_day: bool) -> None:
    """Preview the site on localhost, rebuilding the pages whenever a record changes.

    ``pin_day``: keep computing for ``today``; otherwise each rebuild uses the day it runs.
    """
    import watchdog.events
    import watchdog.observers
    from mkdocs.commands import serve as serving
    from mkdocs.livereload import LiveReloadServer

    class OnlyChanges(watchdog.events.FileSystemEventHandler):
        """Passes on changes only. The system also reports a file opened or closed unwritten, and
        MkDocs rebuilds on any event: every build reading the pages would start the next, forever."""

        def __init__(self, handler: watchdog.events.FileSystemEventHandler) -> None:
            self.handler = handler

        def dispatch(self, event: watchdog.events.FileSystemEvent) -> None:
            if event.event_type not in (watchdog.events.EVENT_TYPE_OPENED, watchdog.events.EVENT_TYPE_CLOSED_NO_WRITE):
                self.handler.dispatch(event)

    class ToldObserver(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
        def schedule(self, handler: watchdog.events.FileSystemEventHandler, path: str, **kwargs: Any) -> Any:
            return super().schedule(OnlyChanges(handler), path, **kwargs)

    class Told(LiveReloadServer):
        """MkDocs' preview server, told of changes by the system (inotify where there is one) instead
        of looking at every watched file twice a second: with 20,000 of them (records and pages) the
        looking alone keeps half a core busy and delays each rebuild by up to half a second."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.observer = ToldObserver()

    serving.LiveReloadServer = Told  # type: ignore[attr-defined]

    docs = docs_dir(root, profile)
    live_rebuild(root, today, profile, docs)  # fail now, with the problems, not inside MkDocs
    assert LIVE.data is not None
    os.environ.update({ROOT_ENV: str(root.resolve()), PROFILE_ENV: profile})
    if pin_day:
        os.environ[TODAY_ENV] = today.isoformat()
    quiet()
    # Dirty builds: MkDocs builds again only the pages whose files changed.
    config = config_file(root, profile, LIVE.data.office.name, LIVE.data.scores is not None)
    serving.serve(str(config), dev_addr=f"127.0.0.1:{port}", build_type="dirty")
