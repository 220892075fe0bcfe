"""The built site in real headless Chromium, served on localhost under a sub-path."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from ducha.outputs.present import tally_columns
from ducha.rules.metrics import PARTS, Tally

from .conftest import TESTS, check_golden, demo_repo
from .gitrepo import GitRepo
from .links import broken, pages, parsed, resolve

TODAY = "2026-11-23"
#: Where the tests publish the site: under a sub-path, as an office does (mkdocs.yml's site_url).
PUBLISHED = {"DUCHA_SITE_URL": "http://127.0.0.1/ducha/"}
ARTIFACTS = TESTS / "artifacts"
XSS_ID = "DC-2026-0900"
XSS = f"""id: {XSS_ID}
title: "<script>window.__xss='title'</script><img src=x onerror=\\"window.__xss='img'\\">"
category: 其他交办
source:
  instruction: "[点我](javascript:window.__xss='md') <a href=\\"javascript:window.__xss='a'\\">链接</a>"
requirements: |
  <iframe src="javascript:window.__xss='iframe'"></iframe>
  **不应加粗** {{{{ config }}}} &lt;script&gt;window.__xss='entity'&lt;/script&gt;
registered: 2026-11-02
approval:
  date: 2026-11-02
  by: "<b onmouseover=\\"window.__xss='approval'\\">领导</b>"
assigned: 2026-11-02
lead_unit: 市住建局
owner: "\\"><svg onload=\\"window.__xss='owner'\\">"
progress:
  - date: 2026-11-03
    by: 市住建局  # a unit name is checked against office.yaml: markup cannot stand in it
    summary: "</textarea></title><script>window.__xss='summary'</script>"
notes: "javascript:window.__xss='notes'"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo repository as a fresh git repository with fixed dates, plus a hostile record, built."""
    root = tmp_path_factory.mktemp("site") / "repo"
    repo = GitRepo(root)
    demo_repo(root)
    repo.commit("导入示例数据", date="2026-11-20T09:00:00+08:00")
    repo.write(f"cases/2026/{XSS_ID}.yaml", XSS)
    repo.commit("测试：恶意输入", date="2026-11-21T09:00:00+08:00", author="李四")
    return root


@pytest.fixture(scope="module")
def site(built: Path) -> Path:
    from click.testing import CliRunner

    from ducha.cli import cli

    result = CliRunner(env=PUBLISHED).invoke(cli, ["--root", str(built), "build", "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # The Markdown pages as files too (the build makes them in memory), for the tests that read them.
    assert CliRunner().invoke(cli, ["--root", str(built), "pages", "--today", TODAY]).exit_code == 0
    return built / "build" / "site"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the site under the sub-path /ducha/."""
    www = tmp_path_factory.mktemp("www")
    (www / "ducha").symlink_to(site, target_is_directory=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/ducha/"
    httpd.shutdown()


class Visit:
    """A page opened in Chromium, remembering every request and dialog it caused."""

    def __init__(self, browser: object, url: str, width: int = 1280, height: int = 1000, wait_until: str = "networkidle",
                 **options: object) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height}, **options)  # type: ignore[attr-defined]
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dismiss)
        # networkidle waits for half a second without requests: what a check of every request needs; a check of
        # layout only needs the page loaded (wait_until="load").
        self.page.goto(url, wait_until=wait_until)

    def _dismiss(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def foreign_hosts(self) -> set[str]:
        return {urlparse(url).hostname or url for url in self.requests} - {"127.0.0.1"}


def test_dashboard_shows_the_lights(browser: object, server: str) -> None:
    visit = Visit(browser, server)
    visit.screenshot("dashboard")
    cards = {visit.page.inner_text(f".ducha-card.ducha-{c} span"): visit.page.inner_text(f".ducha-card.ducha-{c} strong")
             for c in ("red", "yellow", "green", "none", "done", "late")}
    # The demo plus the planted record (open, red on the day): see tests/golden/status-table.txt.
    assert cards == {"红灯": "7", "黄灯": "4", "绿灯": "7", "待审核": "2", "按期办结": "22", "超期办结": "6"}
    assert "数据截至 2026-11-23" in visit.page.inner_text(".ducha-asof")
    assert visit.foreign_hosts() == set()


def test_case_page_shows_light_timeline_and_audit(browser: object, server: str) -> None:
    visit = Visit(browser, server + "cases/2026/DC-2026-0010.html")
    visit.screenshot("case-DC-2026-0010")
    assert visit.page.get_attribute(".ducha-status .ducha-light", "data-light") == "red"
    assert "超期25个工作日" in visit.page.inner_text(".ducha-status")
    timeline = visit.page.inner_text(".ducha-timeline")
    assert "审核退回" in timeline and "报告未说明抢修结果" in timeline
    audit = visit.page.inner_text(".ducha-audit")
    assert "2026-11-20 09:00" in audit and "张三" in audit and "立项" in audit
    # Links work under the sub-path: the unit page is reachable.
    visit.page.click(".ducha-keys a")
    assert visit.page.url.endswith("/ducha/units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html")
    assert visit.page.inner_text("h1") == "市住建局"
    assert visit.foreign_hosts() == set()


def test_chinese_query_finds_the_case(browser: object, server: str) -> None:
    visit = Visit(browser, server)
    visit.page.click(".md-search__input")
    # The search worker loads the index after the page: typing earlier is lost. Its meta line
    # says 正在初始化搜索引擎 until it is ready.
    visit.page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && m.textContent.trim() !== '' && !m.textContent.includes('初始化'); }", timeout=30_000)
    visit.page.keyboard.type("燃气")
    # CJK text arrives as text input, with no key events; Material reads the query on keyup.
    visit.page.keyboard.press("End")
    visit.page.wait_for_selector(".md-search-result__item", timeout=15_000)
    visit.screenshot("search")
    results = visit.page.inner_text(".md-search-result__list").replace("\u200b", "")  # jieba's segment marks
    assert "冬季燃气安全隐患排查" in results
    assert visit.foreign_hosts() == set()


def test_planted_xss_never_executes(browser: object, server: str) -> None:
    visit = Visit(browser, server + f"cases/2026/{XSS_ID}.html")
    visit.screenshot("xss")
    assert visit.page.evaluate("window.__xss") is None
    assert visit.dialogs == []
    assert visit.page.locator("iframe, img[src='x'], svg[onload]").count() == 0
    assert visit.page.locator("a[href^='javascript']").count() == 0
    text = visit.page.inner_text("article")
    assert "<script>window.__xss='title'</script>" in text  # shown literally, as typed
    assert "**不应加粗**" in text and "[点我](javascript:" in text
    assert "＜script＞" in visit.page.title()  # the <title> gets inert lookalikes
    # Every page links to the planted one somewhere (lists, unit pages): none of them runs it either.
    for path in ("", "cases/2026/index.html", "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"):
        other = Visit(browser, server + path)
        assert other.page.evaluate("window.__xss") is None and other.dialogs == []
    assert visit.foreign_hosts() == set()


def test_built_html_references_no_other_host(site: Path) -> None:
    """Scripts, styles, fonts, images: everything the pages load is local."""
    loads = re.compile(r"""<(?:script|link(?! rel="canonical")|img|iframe)[^>]+(?:src|href)=["'](https?:)?//""")
    offenders = [p.relative_to(site).as_posix() for p in site.rglob("*.html") if loads.search(p.read_text("utf-8"))]
    assert offenders == []


def _rows(section: str) -> int:
    return section.count("<tr><td")


def test_each_count_on_a_unit_page_is_the_length_of_its_list(built: Path, site: Path) -> None:
    """A unit page said 主办 9 项 and listed 8 (a cancelled item was counted and listed nowhere). Each part
    of the sentence has its list: 在办 and 待审核 under 主办在办, then 已办结, 待交办, 已撤销."""
    checked = 0
    for path in sorted((built / "build/docs-internal/units").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"<p>主办 (\d+) 项：在办 (\d+) 项.*?待审核 (\d+) 项，已办结 (\d+) 项(?:，待交办 (\d+) 项)?(?:，已撤销 (\d+) 项)?，"
                          r".*?协办在办 (\d+) 项", text)
        if found is None:
            continue  # the index
        total, open_, pending, closed, registered, cancelled, co = (int(n or 0) for n in found.groups())
        sections = {part.split("</h2>")[0]: part for part in text.split("<h2>")[1:]}
        assert _rows(sections["主办在办"]) == open_ + pending, path.name
        assert _rows(sections["协办在办"]) == co, path.name
        assert _rows(sections["已办结"]) == closed, path.name
        assert _rows(sections.get("待交办", "")) == registered and _rows(sections.get("已撤销", "")) == cancelled, path.name
        assert open_ + pending + closed + registered + cancelled == total, path.name
        checked += 1
    assert checked == 12
    # The demo's 市城管局 leads two cancelled items (DC-2026-0026, and one since archived): counted and listed.
    city = (built / "build/docs-internal/units/市城管局.md").read_text(encoding="utf-8")
    assert "，已撤销 2 项，" in city and "DC-2026-0026" in city.split("<h2>已撤销</h2>")[1]


def _tally_rows(table: str) -> list[dict[str, str]]:
    """Each row of a tally table as {heading: cell text}."""
    heads = re.findall(r"<th>(.*?)</th>", table.split("</thead>")[0])
    return [dict(zip(heads, (re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)), strict=True))
            for row in re.findall(r"<tr><td.*?</tr>", table.split("</thead>")[1])]


def _tally_tables(text: str) -> list[str]:
    return re.findall(r'<table class="ducha-grid ducha-tally">.*?</table>', text, re.S)


#: The parts a tally row's 合计 adds up from; 其中红灯 and 其中黄灯 are held in 在办, and not added again.
_PARTS = ("待交办", "在办", "待审核", "已办结", "已撤销")


def test_a_tally_table_has_a_column_for_every_part() -> None:
    """The columns that add up to 合计 are the parts every item is counted in, whatever parts come to be."""
    every = Tally(total=9, open=3, red=1, yellow=1, green=1, pending=1, closed_on_time=1, closed_late=1, registered=1,
                  cancelled=1, closed_undated=1)
    assert {name for _, name in tally_columns([every])} - {"total", "red", "yellow"} == set(PARTS)
    assert [heading for heading, _ in tally_columns([every])] == [
        "合计", "待交办", "在办", "其中红灯", "其中黄灯", "待审核", "已办结", "已撤销"]
    assert [heading for heading, _ in tally_columns([replace(every, registered=0, cancelled=0)], "协办合计")] == [
        "协办合计", "在办", "其中红灯", "其中黄灯", "待审核", "已办结"]


def test_the_units_index_columns_add_up_to_its_totals(built: Path, site: Path) -> None:
    """The 承办单位 index's 合计 counted 待交办 and 已撤销 items that had no column: 市城管局's row said 合计 8 and its
    columns 在办 4、待审核 0、已办结 2 (six). Worked by hand from the demo's records, on 2026-11-23, 市城管局 leads
    DC-2026-0028, 0017 (红灯), 0004 (黄灯), 0020 (绿灯) in hand; 0035 and DC-2025-0004 closed; 0026 and DC-2025-0009
    cancelled. No unit leads an item waiting for 交办 (DC-2026-0025 has no 主办单位 yet): no 待交办 column there, while
    the 来源类型 table, where 重大决策部署 holds DC-2026-0025, has one. Every tally table (units, categories, 批示领导,
    the dashboard's) is made the same way: each row's parts add up to its 合计."""
    lead, co = _tally_tables((built / "build/docs-internal/units/index.md").read_text(encoding="utf-8"))
    city = next(row for row in _tally_rows(lead) if row["单位"] == "市城管局")
    assert city == {"单位": "市城管局", "合计": "8", "在办": "4", "其中红灯": "2", "其中黄灯": "1", "待审核": "0", "已办结": "2",
                    "已撤销": "2", "按期办结率": "100.0%"}
    assert "协办合计" in co and "待交办" not in lead
    categories = _tally_rows(_tally_tables((built / "build/docs-internal/categories/index.md").read_text(encoding="utf-8"))[0])
    decisions = next(row for row in categories if row["来源类型"] == "重大决策部署")
    assert (decisions["合计"], decisions["待交办"], decisions["已办结"]) == ("2", "1", "1")
    checked = 0
    for path in ("units/index.md", "categories/index.md", "leaders/index.md", "index.md"):
        for table in _tally_tables((built / "build/docs-internal" / path).read_text(encoding="utf-8")):
            for row in _tally_rows(table):
                total = row.get("合计", row.get("协办合计"))
                assert total is not None and sum(int(row.get(part, "0")) for part in _PARTS) == int(total), (path, row)
                assert int(row["其中红灯"]) + int(row["其中黄灯"]) <= int(row["在办"]), (path, row)
                checked += 1
    assert checked > 30


def test_items_waiting_for_assignment_are_on_the_dashboard(built: Path, site: Path) -> None:
    """DC-2026-0025 was registered on Friday 2026-11-20 and is not yet 交办: on Monday 11-23 it has waited 1 working day."""
    text = (built / "build/docs-internal/index.md").read_text(encoding="utf-8")
    waiting = text.split('id="registered"><h2>待交办（1）</h2>')[1].split("</section>")[0]
    assert "DC-2026-0025" in waiting and '<td data-label="已等待">1个工作日</td>' in waiting
    assert "，待交办 1 项，已撤销 2 项，" in text


def test_generated_pages_golden(built: Path, site: Path) -> None:
    """Reviewed as diffs: the dashboard and one case page as generated Markdown."""
    for name, path in (("dashboard.md", "index.md"), ("case-DC-2026-0011.md", "cases/2026/DC-2026-0011.md")):
        check_golden(TESTS / "golden" / name, (built / "build/docs-internal" / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def public_site(built: Path, site: Path) -> Path:
    from click.testing import CliRunner

    from ducha.cli import cli

    result = CliRunner(env=PUBLISHED).invoke(cli, ["--root", str(built), "build", "--today", TODAY, "--profile", "public"])
    assert result.exit_code == 0, result.output
    return built / "build" / "site-public"


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_every_internal_link_resolves_under_a_sub_path(site: Path, public_site: Path, profile: str) -> None:
    """Every page, every link, script, style and image, as a browser resolves it under /ducha/."""
    built = site if profile == "internal" else public_site
    assert len(pages(built)) > 90
    assert broken(built, "/ducha/") == []


def test_tabs_and_menu_lead_where_they_say_on_every_page(site: Path) -> None:
    """承办单位 leads to the units index from every page, whichever folder the page is in (the frame of
    generated pages is rendered once per folder and reused)."""
    from ducha.outputs.site.settings import packaged

    targets = {label: site / path.replace(".md", ".html") for item in packaged()["nav"] for label, path in item.items()}
    checked, wrong = 0, []
    for page in pages(site):
        for href, label in parsed(page).tabs:
            if label in targets:
                checked += 1
                resolved = resolve(site, "/ducha/", page, href)
                if resolved is None or resolved[0] != targets[label]:
                    wrong.append(f"{page.relative_to(site).as_posix()}: {label} → {href}")
    assert checked > 100 * len(targets) and wrong == []


def test_public_profile_leaves_out_internal_records(built: Path, public_site: Path) -> None:
    public = public_site
    assert not (public / "cases/2026/DC-2026-0027.html").exists()  # visibility: 内部
    assert (public / "cases/2026/DC-2026-0028.html").exists()
    page = (public / "cases/2026/DC-2026-0028.html").read_text(encoding="utf-8")
    assert "责任人" not in page  # an internal field
    import icalendar

    internal_feed = (built / "build/site/calendars/督查事项.ics").read_bytes()
    public_feed = (public / "calendars/督查事项.ics").read_bytes()
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(internal_feed).walk("VEVENT")}
    public_uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(public_feed).walk("VEVENT")}
    # The public feed leaves the 内部 item out altogether (test_disclosure plants a marker in each field to prove it).
    # DC-2026-0027 is 其他交办, of which office.yaml asks no 回头看: no such date in either feed.
    assert "DC-2026-0006-followup@ducha" in uids and "DC-2026-0006-followup@ducha" in public_uids
    assert not any(uid.startswith("DC-2026-0027-") for uid in uids | public_uids)


def test_pages_render_the_same_without_the_ducha_plugin(built: Path, site: Path, tmp_path: Path) -> None:
    """The plugin only saves work: an engine that just reads the Markdown files `ducha pages` writes,
    with the packaged settings and no ducha plugin, shows the same pages."""
    import yaml
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from ducha.outputs.site.settings import packaged, plugin_entries

    plain = packaged()
    plain["plugins"] = [{name: options} for name, options in plugin_entries(plain["plugins"]) if name != "ducha"]
    assert len(plain["plugins"]) == 1
    plain.update(docs_dir=str(built / "build/docs-internal"), site_dir=str(tmp_path / "plain"),
                 site_name="青川市人民政府督查室督查事项")
    (tmp_path / "plain.yml").write_text(yaml.safe_dump(plain, allow_unicode=True), encoding="utf-8")
    build(load_config(str(tmp_path / "plain.yml")))

    def article(root: Path, page: str) -> str:
        text = (root / page).read_text(encoding="utf-8")
        body = text[text.index("<article"):text.index("</article>")]
        return re.sub(r"\s+", " ", body.replace("<!-- ducha:detail -->", ""))

    for page in ("index.html", "cases/2026/DC-2026-0011.html", f"cases/2026/{XSS_ID}.html", "units/index.html"):
        assert article(site, page) == article(tmp_path / "plain", page), page


class Preview:
    """`ducha serve` seen from outside: pages, and MkDocs' own signal that a rebuild is done.

    Each page MkDocs serves carries the number of the build it comes from (its live-reload
    script), and ``/livereload/<number>/…`` answers as soon as a later build is visible: waiting
    on it is waiting for the next rebuild, never for a guessed time.
    """

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}/"
        self.build = 0  # the latest build seen

    def get(self, path: str) -> str | None:
        """The page at ``path`` (None when there is none), noting the build it comes from."""
        import urllib.error
        import urllib.request

        try:
            text: str = urllib.request.urlopen(self.base + path, timeout=60).read().decode("utf-8")
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise
        if found := re.search(r"livereload\((\d+), \d+\)", text):
            self.build = max(self.build, int(found.group(1)))
        return text

    def next_build(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for a build later than the latest seen; whether one came."""
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(f"{self.base}livereload/{self.build}/1", timeout=seconds) as answer:
                build = int(answer.read())
        except (TimeoutError, urllib.error.URLError) as error:
            if isinstance(error, urllib.error.URLError) and not isinstance(error.reason, TimeoutError):
                raise
            return False
        came = build > self.build
        self.build = max(self.build, build)
        return came

    def until(self, check: Callable[[], bool], seconds: float = 90) -> bool:
        """Whether ``check`` holds, now or after one of the rebuilds of the next ``seconds``."""
        import time

        deadline = time.monotonic() + seconds
        while not check():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.next_build(left)
        return True

    def says(self, text: str, page: str, present: bool = True) -> bool:
        return self.until(lambda: (text in (self.get(page) or "")) == present)

    def gone(self, page: str) -> bool:
        return self.until(lambda: self.get(page) is None)


@pytest.mark.slow
def test_live_preview_picks_up_a_changed_case(built: Path, tmp_path: Path) -> None:
    """`ducha serve` and plain `mkdocs serve` at the office's root, side by side on the same records: each
    edit shows in both."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from concurrent.futures import ThreadPoolExecutor

    from ducha.starter import CONFIG, PAGES

    repo = tmp_path / "repo"
    shutil.copytree(built, repo, ignore=shutil.ignore_patterns("build"))
    shutil.copy(CONFIG, repo / "mkdocs.yml")
    shutil.copytree(PAGES, repo / "site")
    ports = []
    for _ in range(2):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
    tools = Path(sys.executable).parent
    commands = {"ducha": [str(tools / "ducha"), "serve", "--port", str(ports[0]), "--today", TODAY],
                "mkdocs": [str(tools / "mkdocs"), "serve", "-a", f"127.0.0.1:{ports[1]}"]}
    env = {**os.environ, "DUCHA_AS_OF": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    servers = {name: subprocess.Popen(command, cwd=repo, stdout=logs[name].open("w"), stderr=subprocess.STDOUT, env=env)
               for name, command in commands.items()}
    previews = {name: Preview(port) for name, port in zip(commands, ports, strict=True)}
    page = "cases/2026/DC-2026-0013.html"

    def busy_seconds(pid: int) -> float:
        """CPU time (user + system) the process has used so far."""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def everywhere(check: Callable[[Preview], bool]) -> list[str]:
        """The servers where ``check`` does not hold (after their rebuilds of the next 90 seconds)."""
        return [name for name, preview in previews.items() if not check(preview)]

    try:
        # Listening once the first build is done (the only wait that has to ask again: nothing answers before).
        deadline = time.monotonic() + 90
        for name, port in zip(commands, ports, strict=True):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert servers[name].poll() is None and time.monotonic() < deadline, logs[name].read_text()
                    time.sleep(0.1)
        assert everywhere(lambda p: p.says("低保对象动态复核", page)) == []
        case = repo / "cases/2026/DC-2026-0013.yaml"
        good = case.read_text(encoding="utf-8").replace("title: 低保对象动态复核", "title: 低保对象动态复核（已更新）")
        case.write_text(good, encoding="utf-8")
        assert everywhere(lambda p: p.says("低保对象动态复核（已更新）", page)) == []
        # The case page first; the year's list (and every other list that names the case) in the rebuild after.
        assert everywhere(lambda p: p.says("低保对象动态复核（已更新）", "cases/2026/index.html")) == []
        # Then nothing changes, and nothing is rebuilt: a rebuild reading or writing the pages must not set off the
        # next one. The rebuilds settle (three seconds without one), then four more seconds pass without one and
        # the servers are all but idle (a rebuild of this site takes more than a second of CPU).
        def rebuilt(seconds: float) -> bool:
            """Whether either server made a rebuild in the next ``seconds`` (both watched at once)."""
            with ThreadPoolExecutor(len(previews)) as pool:
                return any(list(pool.map(lambda preview: preview.next_build(seconds), previews.values())))

        settle = time.monotonic() + 60
        while rebuilt(3):
            assert time.monotonic() < settle, "the preview keeps rebuilding with nothing changed"
        before = {name: busy_seconds(server.pid) for name, server in servers.items()}
        assert not rebuilt(4)
        assert {name: busy_seconds(server.pid) - before[name] < 1.0 for name, server in servers.items()} == {
            "ducha": True, "mkdocs": True}
        # The rest is the plugin's work, the same under both: `ducha serve` alone (half the rebuilds).
        servers["mkdocs"].terminate()
        servers["mkdocs"].wait(timeout=10)
        del previews["mkdocs"]
        # A record turns invalid: the last good page stays, with the problem over it (and over the dashboard).
        case.write_text(good + "titel: 错字\n", encoding="utf-8")
        assert everywhere(lambda p: p.says("记录有 1 个问题：本页显示的是上次校验通过时的内容", page)) == []
        assert everywhere(lambda p: p.says("未知字段 `titel`", "index.html")) == []
        case.write_text(good, encoding="utf-8")
        assert everywhere(lambda p: p.says("ducha-problems", page, present=False)) == []
        assert everywhere(lambda p: p.says("ducha-problems", "index.html", present=False)) == []
        # A case removed: its page goes too (not kept from an earlier rebuild), and so does its line in the lists.
        index = "search/search_index.json"
        assert everywhere(lambda p: (p.get(index) or "").count("cases/2026/DC-2026-0013.html") == 1) == []
        case.unlink()
        assert everywhere(lambda p: p.gone(page)) == []
        assert everywhere(lambda p: p.says("cases/2026/DC-2026-0013.html", index, present=False)) == []  # nor searched
        assert everywhere(lambda p: p.says("低保对象动态复核", "cases/2026/index.html", present=False)) == []
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)
    assert f"预览地址：http://127.0.0.1:{ports[0]}/" in logs["ducha"].read_text(encoding="utf-8")


def test_notices_section_and_consequences_on_unit_pages(browser: object, server: str) -> None:
    visit = Visit(browser, server + "notices/index.html")
    text = visit.page.inner_text("article")
    assert "青督查〔2026〕13号" in text and "青督查〔2026〕12号" in text
    assert "市住建局：1 次，向市政府作出书面检查" in text
    visit.page.click("text=2026年11月督查通报（草稿）")
    # 市住建局's overdue DC-2026-0010 was criticised by notice 13 already: not proposed again for the same cause.
    draft = visit.page.inner_text("article")
    proposals = draft.split("拟表扬、拟批评")[-1]
    assert "市住建局" not in proposals and "排名规则：本期未被通报批评的在前" in draft
    unit = Visit(browser, server + "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html")
    assert "2026年已被通报批评 1 次：向市政府作出书面检查。" in unit.page.inner_text("article")
    assert visit.foreign_hosts() == set() and unit.foreign_hosts() == set()


#: Every kind of page, as (artifact name, path under the site).
PAGES = [("dashboard", ""), ("case", "cases/2026/DC-2026-0011.html"), ("unit", "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"),
         ("units", "units/index.html"), ("leader", "leaders/002.html"), ("year", "cases/2026/index.html"),
         ("notices", "notices/index.html"), ("draft", "notices/draft-2026-11.html"), ("archive", "archive/2025.html"),
         ("category", "categories/%E9%A2%86%E5%AF%BC%E6%89%B9%E7%A4%BA.html"), ("guide", "guide.html")]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 390])
def test_no_page_scrolls_sideways(browser: object, server: str, width: int) -> None:
    """On a wide screen and on a phone, every page fits its width: tables become cards, charts shrink."""
    wide = []
    for name, path in PAGES:
        visit = Visit(browser, server + path, width, wait_until="load")
        visit.screenshot(f"{name}-{width}")
        scroll = visit.page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide.append((name, scroll))
        if width == 1400 and name in ("dashboard", "year"):  # the lists use the whole width
            table = visit.page.eval_on_selector("table.ducha-grid", "t => t.getBoundingClientRect().width")
            assert table > 1200, (name, table)
        visit.page.close()
    search = Visit(browser, server, width)
    search_for(search, "住建局")
    search.screenshot(f"search-{width}")
    assert search.page.evaluate("document.documentElement.scrollWidth") <= width
    assert wide == []


def test_table_headers_stay_in_view(browser: object, server: str) -> None:
    # A short window over a list of the year's items: the list is longer than the view.
    visit = Visit(browser, server + "categories/%E9%A2%86%E5%AF%BC%E6%89%B9%E7%A4%BA.html", 1400, 300)
    # Scroll into the middle of the longest table: its header must stay pinned at the top of the view.
    top = visit.page.evaluate(
        "() => { const t = [...document.querySelectorAll('table.ducha-grid')].sort((a, b) => b.rows.length - a.rows.length)[0];"
        " const r = t.getBoundingClientRect(); window.scrollTo(0, window.scrollY + r.top + r.height / 2 - 100);"
        " return new Promise(done => requestAnimationFrame(() => done(t.tHead.rows[0].cells[0].getBoundingClientRect().top))); }")
    site_header = visit.page.eval_on_selector(".md-header", "h => h.getBoundingClientRect().bottom")
    assert abs(top - site_header) < 2  # pinned right under the site's own header


def test_dashboard_queues_with_their_counts(browser: object, server: str) -> None:
    visit = Visit(browser, server, 1400)
    counts = visit.page.eval_on_selector_all(".ducha-queues a", "links => links.map(a => a.innerText.replace(/\\s+/g, ' '))")
    assert counts == ["待审核 2", "待签收 2", "待交办 1", "超期未办结 7", "临期 4", "需续报 8", "待回头看 4", "待领导审阅、待上报 1", "督办令 1"]

    def ids(anchor: str) -> list[str]:
        found = visit.page.eval_on_selector_all(f"#{anchor} tbody td[data-label='事项'] a", "links => links.map(a => a.innerText)")
        return [str(text) for text in found]

    # Worked out from the records for 2026-11-23: the longest waiting report first; then 急 and 重点 items
    # before the others (0028 and 0011 are 重点), each group by days overdue (0028's 再督查 round due 10-28,
    # 0011 11-13; 0010 due 10-19, 0009 11-03, 0003 11-15, 0017 and the planted 0900 both 11-16); yellow: 0012
    # (急, 2 working days left), then 0013 (today), 0024 (2 left), 0004 (a 节点 behind, due far off); silent
    # units, red before green; closed >90 days ago where office.yaml's followup_for asks for a 回头看.
    assert ids("pending") == ["DC-2026-0023", "DC-2026-0022"]
    assert visit.page.inner_text("#pending tbody tr:first-child td[data-label='已等待']") == "6个工作日"
    assert ids("receipt") == [XSS_ID, "DC-2026-0012"]
    assert ids("overdue") == ["DC-2026-0028", "DC-2026-0011", "DC-2026-0010", "DC-2026-0009", "DC-2026-0003",
                              "DC-2026-0017", XSS_ID]
    assert ids("near") == ["DC-2026-0012", "DC-2026-0013", "DC-2026-0024", "DC-2026-0004"]
    assert visit.page.inner_text("#near h2") == "临期（4）"
    assert "未达到序时进度" in visit.page.inner_text("#near tbody tr:last-child td[data-label='原因']")
    assert "3个工作日内到期" in visit.page.inner_text("#near .ducha-note")
    assert ids("progress") == ["DC-2026-0028", "DC-2026-0011", "DC-2026-0010", "DC-2026-0003", "DC-2026-0016",
                               "DC-2026-0020", "DC-2026-0021", "DC-2026-0001"]
    assert ids("followup") == ["DC-2026-0006", "DC-2026-0030", "DC-2026-0033", "DC-2026-0034"]
    assert ids("awaiting") == ["DC-2026-0008"]
    assert "督办令（1）" in visit.page.inner_text("#orders h2")
    assert visit.page.locator("svg.ducha-trend").count() == 2  # on-time rate and overdue by month, drawn inline
    visit.page.click(".ducha-queues a[href='#near']")
    assert visit.page.url.endswith("#near")


def test_leader_and_unit_views(browser: object, server: str) -> None:
    leader = Visit(browser, server + "leaders/002.html")
    assert leader.page.inner_text("h1") == "市长 刘志远批示交办的事项"
    listed = leader.page.eval_on_selector_all("td[data-label='编号'] a", "links => links.map(a => a.innerText)")
    # The items 市长 刘志远 instructed, in hand first (most urgent first), then the others by urgency.
    assert sorted(listed) == ["DC-2025-0004", "DC-2025-0009", "DC-2026-0006", "DC-2026-0010", "DC-2026-0022",
                              "DC-2026-0024", "DC-2026-0031"]
    assert listed[:3] == ["DC-2026-0010", "DC-2026-0024", "DC-2026-0022"]
    unit = Visit(browser, server + "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html")
    assert unit.page.eval_on_selector_all(".ducha-queues a", "links => links.map(a => a.innerText.replace(/\\s+/g, ' '))") == [
        "待审核 0", "待签收 1", "超期未办结 3", "临期 1", "需续报 3"]


def test_notices_page_names_periods_and_keeps_drafts(browser: object, server: str) -> None:
    visit = Visit(browser, server + "notices/index.html")
    text = visit.page.inner_text("article")
    assert "2026年第47周" in text and "2026年第三季度" in text and "2026-W47" not in text
    assert "2026年11月督查通报（草稿）" in text and "2026年第四季度督查通报（草稿）" in text
    notice = Visit(browser, server + "notices/2026-013.html")
    assert "市住建局：DC-2026-0010 超期24个工作日未办结" in notice.page.inner_text("article")
    assert notice.page.inner_text("article").count("DC-2026-0010") == 1  # named once, not again in brackets


def test_drafts_around_the_turn_of_the_year(built: Path, tmp_path: Path) -> None:
    """In January: this month's and quarter's drafts, December's and Q4's, and last year's tally stays."""
    from ducha.outputs.site.pages.notices import notices_index
    from ducha.outputs.site.prepare import draft_periods, prepare

    assert [p.code for p in draft_periods(dt.date(2027, 1, 6))] == ["2027-01", "2027-Q1", "2026-12", "2026-Q4"]
    assert [p.code for p in draft_periods(dt.date(2027, 1, 20))] == ["2027-01", "2027-Q1"]
    assert [p.code for p in draft_periods(dt.date(2026, 11, 23))] == ["2026-11", "2026-Q4"]
    page = notices_index(prepare(built, dt.date(2027, 1, 6), "internal").data)
    assert "2027年通报批评统计" in page and "2026年通报批评统计" in page and "市住建局</a>：1 次" in page


#: Real queries a staffer types, and the page that must come first: units by short, bare and full
#: name, leaders, ids, 文号 and topics.
QUERIES = [
    ("住建局", "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"),
    ("市住建局", "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"),
    ("青川市住房和城乡建设局", "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"),
    ("财政局", "units/%E5%B8%82%E8%B4%A2%E6%94%BF%E5%B1%80.html"),
    ("交通运输局", "units/%E5%B8%82%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93%E5%B1%80.html"),
    ("青川市数据和政务服务管理局", "units/%E5%B8%82%E6%95%B0%E6%8D%AE%E5%B1%80.html"),
    ("发改委", "units/%E5%B8%82%E5%8F%91%E6%94%B9%E5%A7%94.html"),
    ("刘志远", "leaders/002.html"),
    ("林静", "leaders/001.html"),
    ("DC-2026-0009", "cases/2026/DC-2026-0009.html"),
    ("DC-2025-0003", "cases/2025/DC-2025-0003.html"),
    ("青建〔2026〕133号", "cases/2026/DC-2026-0010.html"),
    ("青数据〔2026〕80号", "cases/2026/DC-2026-0032.html"),
    ("国办发〔2026〕18号", "cases/2026/DC-2026-0014.html"),
    ("青督查〔2026〕13号", "notices/2026-013.html"),  # an issued 通报 by its own 文号
    ("青督查〔2026〕12号", "notices/2026-012.html"),
    ("燃气", "cases/2026/DC-2026-0012.html"),
    ("供暖", "cases/2026/DC-2026-0010.html"),
    ("低保", "cases/2026/DC-2026-0013.html"),
    ("路灯", "cases/2026/DC-2026-0017.html"),
    ("数字政府", "cases/2026/DC-2026-0032.html"),
    ("公交", "cases/2026/DC-2026-0018.html"),
    ("农民工工资", "cases/2026/DC-2026-0006.html"),
    ("共享单车", "cases/2026/DC-2026-0035.html"),
    ("垃圾分类", "cases/2026/DC-2026-0028.html"),
    ("口袋公园", "cases/2026/DC-2026-0004.html"),
]


def search_for(visit: Visit, query: str, prefix: str = "/ducha/") -> list[str]:
    """Type ``query`` into the site's search and return the result pages, best first (paths under ``prefix``)."""
    page = visit.page
    if page.viewport_size["width"] < 960:  # on a phone the search field opens from its icon
        page.click("label.md-header__button[for='__search']")
    else:
        page.click(".md-search__input")
    page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                           " return m && m.textContent.trim() !== '' && !m.textContent.includes('初始化'); }", timeout=30_000)
    page.fill(".md-search__input", "")
    page.keyboard.press("End")  # Material reads the query on keyup
    page.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent.includes('键入')")
    page.fill(".md-search__input", query)  # the whole query at once: no results for half-typed ones …
    page.keyboard.press("End")  # … and a key, for Material reads the query on keyup
    page.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent.includes('结果')",
                           timeout=15_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
    return [urlparse(str(h)).path.split(prefix, 1)[1] for h in hrefs]


def test_search_finds_units_leaders_ids_numbers_and_topics(browser: object, server: str) -> None:
    visit = Visit(browser, server)
    found = {query: search_for(visit, query) for query, _ in QUERIES}
    visit.screenshot("search-quality")
    misses = [(query, expected, found[query][:3]) for query, expected in QUERIES if found[query][:1] != [expected]]
    assert misses == []
    assert "cases/2026/DC-2026-0020.html" not in found["供暖"]  # 停车位供给 shares a character, not a word
    assert visit.foreign_hosts() == set()
