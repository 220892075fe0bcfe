"""The site's settings as an office keeps them: mkdocs.yml and site/ at the root, plain MkDocs and ducha
alike, the packaged defaults under the office's own key by key, and what ducha init writes."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ducha.starter import CONFIG, PAGES

from .conftest import Invoke, demo_repo
from .gitrepo import GitRepo
from .test_site import Quiet, Visit, search_for

TODAY = "2026-11-23"
MKDOCS = Path(sys.executable).parent / "mkdocs"


def office(tmp_path: Path, settings: str | None = None, pages: bool = True) -> Path:
    """The tests' demo office as a git repository, with mkdocs.yml (``settings``, else the repository's
    own) and site/ (the starter's, which the repository's own copies: site/ at the root is live) when asked for."""
    repo = GitRepo(tmp_path / "office")
    root = demo_repo(repo.root)
    if settings is not None:
        (root / "mkdocs.yml").write_text(settings, encoding="utf-8")
    if pages:
        shutil.copytree(PAGES, root / "site")
    repo.commit("导入", date="2026-11-20T09:00:00+08:00")
    return root


def mkdocs(root: Path, *args: str, profile: str = "internal") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DUCHA_AS_OF": TODAY, "DUCHA_PROFILE": profile, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(MKDOCS), "build", "-q", *args], cwd=root, env=env, capture_output=True, text=True, check=False)


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["internal", "public"])
def test_plain_mkdocs_at_the_root_builds_what_ducha_builds(tmp_path: Path, invoke: Invoke, profile: str) -> None:
    root = office(tmp_path, CONFIG.read_text(encoding="utf-8"))
    done = mkdocs(root, "-d", str(tmp_path / "plain"), profile=profile)
    assert done.returncode == 0, done.stderr
    result = invoke(root, "build", "--today", TODAY, "--profile", profile)
    assert result.exit_code == 0, result.output
    ours = files(root / "build" / ("site" if profile == "internal" else "site-public"))
    plain = files(tmp_path / "plain")
    assert sorted(ours) == sorted(plain)
    assert [name for name in ours if ours[name] != plain[name]] == []
    assert ("cases/2026/DC-2026-0027.html" in ours) == (profile == "internal")  # visibility: 内部


def test_a_repository_without_settings_builds_from_the_packaged_ones(tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, pages=False)
    assert not (root / "mkdocs.yml").exists() and not (root / "site").exists()
    result = invoke(root, "build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    site = root / "build" / "site"
    for name in ("index.html", "guide.html", "assets/ducha.css", "assets/office.css", "assets/logo.svg", "units/index.html"):
        assert (site / name).is_file(), name
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>督查事项总览 - 青川市人民政府督查室督查事项</title>" in page
    assert 'lang="zh"' in page and "fonts.googleapis" not in page


def test_the_office_pages_win_and_may_not_take_a_generated_name(tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path)
    (root / "site" / "guide.md").write_text("# 使用说明\n\n本室自己的说明。\n", encoding="utf-8")
    (root / "site" / "rules.md").write_text("# 工作制度\n\n第一条。\n", encoding="utf-8")
    assert invoke(root, "build", "--today", TODAY).exit_code == 0
    assert "本室自己的说明" in (root / "build/site/guide.html").read_text(encoding="utf-8")
    assert "第一条" in (root / "build/site/rules.html").read_text(encoding="utf-8")
    (root / "site" / "units").mkdir()
    (root / "site" / "units" / "index.md").write_text("# 单位\n", encoding="utf-8")
    result = invoke(root, "build", "--today", TODAY)
    assert result.exit_code == 2
    assert "units/index.md 与 ducha 生成的页面同名。修改：改名或移到别的文件夹。" in result.output


def test_directory_urls_are_refused_with_the_fix(tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, "use_directory_urls: true\n")
    result = invoke(root, "build", "--today", TODAY)
    assert result.exit_code == 2
    assert "use_directory_urls 须为 false。修改：删去 use_directory_urls 这一行，或写 use_directory_urls: false。" in result.output


def test_init_writes_the_site_settings_and_keeps_the_office_own(tmp_path: Path, invoke: Invoke) -> None:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    args = ("init", "--name", "测试市人民政府督查室", "--prefix", "CS", "--fonds", "0100", "--unit", "市财政局=测试市财政局")
    result = invoke(fresh, *args)
    assert result.exit_code == 0, result.output
    written = (fresh / "mkdocs.yml").read_text(encoding="utf-8")
    assert written == CONFIG.read_text(encoding="utf-8").replace("site_name: 督查事项\n", "site_name: 测试市人民政府督查室督查事项\n")
    assert sorted(p.relative_to(fresh / "site").as_posix() for p in (fresh / "site").rglob("*") if p.is_file()) == [
        "assets/logo.svg", "assets/office.css", "guide.md"]
    assert (fresh / "site/guide.md").read_bytes() == (PAGES / "guide.md").read_bytes()
    # A clone of the demo: its mkdocs.yml keeps every setting but the name, its own pages stay as they are.
    clone = tmp_path / "clone"
    shutil.copytree(PAGES, clone / "site")
    (clone / "site/guide.md").write_text("# 本室说明\n", encoding="utf-8")
    (clone / "mkdocs.yml").write_text("# 本室设置\nsite_name: 示例督查室督查事项\ntheme:\n  name: material\n  palette:\n"
                                      "    primary: teal\n", encoding="utf-8")
    (clone / "DEMO.sha256").write_text("# 示例数据清单\n", encoding="utf-8")
    assert invoke(clone, *args).exit_code == 0
    assert (clone / "mkdocs.yml").read_text(encoding="utf-8") == (
        "# 本室设置\nsite_name: 测试市人民政府督查室督查事项\ntheme:\n  name: material\n  palette:\n    primary: teal\n")
    assert (clone / "site/guide.md").read_text(encoding="utf-8") == "# 本室说明\n"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on localhost; sites go under /ducha/ in it."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(Quiet, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}/ducha/"
    httpd.shutdown()


#: Material's teal, as the header shows it.
TEAL = "rgb(0, 148, 133)"


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ducha", "mkdocs"])
def test_a_palette_alone_overrides_only_the_palette(browser: object, tmp_path: Path, invoke: Invoke,
                                                     served: tuple[Path, str], how: str) -> None:
    """README's example: only a palette. Material, Chinese, no web fonts, the navigation and the Chinese
    search all stay, and no request leaves the machine. Plain mkdocs needs what MkDocs checks before any
    plugin runs (site name, folders, the theme's name, the plugins); ducha build adds those."""
    if how == "ducha":
        root = office(tmp_path, "theme:\n  palette:\n    primary: teal\n")
        assert invoke(root, "build", "--today", TODAY).exit_code == 0
    else:
        root = office(tmp_path, "site_name: 青川市人民政府督查室督查事项\ndocs_dir: site\nsite_dir: build/site\ntheme:\n"
                                "  name: material\n  palette:\n    primary: teal\nplugins:\n  - search\n  - ducha\n")
        done = mkdocs(root)
        assert done.returncode == 0, done.stderr
    www, url = served
    shutil.copytree(root / "build" / "site", www / "ducha")
    visit = Visit(browser, url)
    assert visit.page.eval_on_selector(".md-header", "h => getComputedStyle(h).backgroundColor") == TEAL
    assert visit.page.get_attribute("html", "lang") == "zh"
    assert visit.page.eval_on_selector_all(".md-tabs__link", "links => links.map(a => a.innerText.trim())")[:3] == [
        "总览", "督查事项", "承办单位"]
    visit.page.click(".md-tabs__link >> text=承办单位")
    visit.page.wait_for_load_state("networkidle")
    assert visit.page.url == url + "units/index.html"
    assert search_for(visit, "住建局")[:1] == ["units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"]
    assert visit.requests and visit.foreign_hosts() == set()
    assert "fonts.googleapis" not in (root / "build/site/index.html").read_text(encoding="utf-8")


def test_the_office_name_is_text_wherever_it_is_written(browser: object, tmp_path: Path, invoke: Invoke,
                                                         served: tuple[Path, str]) -> None:
    """office.yaml's name and mkdocs.yml's site name reach every page as text: no element, no script."""
    name = '青川<img src=x onerror="window.__xss=1">督查室'
    root = office(tmp_path, pages=False)
    office_yaml = root / "office.yaml"
    text = office_yaml.read_text(encoding="utf-8")
    office_yaml.write_text(text.replace("name: 青川市人民政府督查室", f"name: '{name}'", 1), encoding="utf-8")
    assert invoke(root, "build", "--today", TODAY).exit_code == 0
    www, url = served
    shutil.copytree(root / "build" / "site", www / "ducha")
    for path in ("", "cases/2026/DC-2026-0011.html", "units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"):
        visit = Visit(browser, url + path)
        assert visit.page.evaluate("window.__xss") is None
        assert visit.page.locator("img[src='x']").count() == 0
        assert "青川＜img src=x onerror=＂window.__xss=1＂＞督查室督查事项" in visit.page.inner_text(".md-header__title")
    dashboard = Visit(browser, url)
    assert dashboard.page.inner_text("h1") == f"{name} · 督查事项总览"  # the page's own heading: escaped, exact


@pytest.mark.slow
def test_properdocs_builds_the_same_site(tmp_path: Path) -> None:
    """The engine seam: ProperDocs (MkDocs 1.x's continuation) loads the plugin through the same entry point
    and builds the same pages, but for the engine's name in the generator tag."""
    root = office(tmp_path, CONFIG.read_text(encoding="utf-8"))
    done = mkdocs(root, "-d", str(tmp_path / "mkdocs"))
    assert done.returncode == 0, done.stderr
    env = {**os.environ, "DUCHA_AS_OF": TODAY, "DUCHA_PROFILE": "internal"}
    proper = subprocess.run([str(MKDOCS.with_name("properdocs")), "build", "-q", "-f", "mkdocs.yml", "-d", str(tmp_path / "proper")],
                            cwd=root, env=env, capture_output=True, text=True, check=False)
    assert proper.returncode == 0, proper.stderr
    theirs, ours = files(tmp_path / "proper"), files(tmp_path / "mkdocs")
    assert sorted(theirs) == sorted(ours) and len(ours) > 150

    from importlib.metadata import version

    engine, ours_engine = f"mkdocs-ProperDocs {version('properdocs')}".encode(), f"mkdocs-{version('mkdocs')}".encode()

    def same(name: str) -> bool:
        return theirs[name].replace(engine, ours_engine) == ours[name]

    assert [name for name in ours if not same(name)] == []
    assert b'content="' + engine + b", mkdocs-material" in theirs["cases/2026/DC-2026-0011.html"]


def test_a_web_font_is_never_loaded_and_a_bad_date_is_named(tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, "theme:\n  name: material\n  font:\n    text: Roboto\n")
    assert invoke(root, "build", "--today", TODAY).exit_code == 0
    page = (root / "build/site/index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in page and "fonts.gstatic" not in page
    (root / "mkdocs.yml").write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([str(MKDOCS), "build", "-q"], cwd=root, capture_output=True, text=True, check=False,
                          env={**os.environ, "DUCHA_AS_OF": "下周一", "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 1 and "mkdocs.yml 中 ducha 的 as_of「下周一」不是日期：应写成 2026-11-23。" in done.stderr
