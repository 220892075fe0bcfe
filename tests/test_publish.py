"""Publishing as offices run it: both builds published atomically (.ci/publish/publish) and served by
Debian's nginx with the configuration in .ci/publish/, under /ducha/, checked with HTTP and Chromium."""

from __future__ import annotations

import base64
import getpass
import http.server
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest
from click.testing import CliRunner

from ducha.cli import cli

from .conftest import REPO, demo_repo, free_port
from .gitrepo import GitRepo
from .links import pages, parsed
from .test_cms import FORGEJO, vendored
from .test_site import Visit, search_for

TODAY = "2026-11-23"
PUBLISH = REPO / ".ci" / "publish"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
USER, PASSWORD = "dcs", "Ducha-2026-dcs"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Published:
    """The two sites as nginx serves them: the internal one's and the public one's address."""

    internal: str
    public: str
    sso: str  # the internal site behind the auth_request example
    srv: Path


def _build(root: Path, profile: str, port: int) -> Path:
    env = {"DUCHA_SITE_URL": f"http://127.0.0.1:{port}/ducha/", "DUCHA_VENDOR": str(vendored())}
    result = CliRunner(env=env).invoke(cli, ["--root", str(root), "build", "--today", TODAY, "--profile", profile])
    assert result.exit_code == 0, result.output
    return root / "build" / ("site" if profile == "internal" else "site-public")


def _publish(site: Path, target: Path) -> None:
    done = subprocess.run([str(PUBLISH / "publish"), str(site), str(target)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _config(source: Path, srv: Path, internal: int, public: int, auth: int) -> str:
    """The office's configuration as shipped, pointed at this test's ports and folders."""
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"listen 80;(\s+server_name oa\.)", rf"listen 127.0.0.1:{internal};\1", text)
    text = re.sub(r"listen 80;(\s+server_name ducha\.)", rf"listen 127.0.0.1:{public};\1", text)
    text = text.replace("/srv/ducha/", f"{srv}/").replace("/etc/nginx/ducha.htpasswd", str(srv / "ducha.htpasswd"))
    return text.replace("http://127.0.0.1:9000/verify", f"http://127.0.0.1:{auth}/verify")


class _Auth(http.server.BaseHTTPRequestHandler):
    """A single sign-on service for auth_request: a session cookie it issued lets the request through."""

    def do_GET(self) -> None:
        ok = "ducha_session=4f2a9c" in (self.headers.get("Cookie") or "")
        self.send_response(204 if ok and self.path == "/verify" else 401)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _wait(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    if shutil.which("nginx") is None and not Path(NGINX).is_file():
        pytest.fail("Debian's nginx is required for the publishing test: `make test` installs it with apt.")
    work = tmp_path_factory.mktemp("publish")
    root = work / "office"
    repo = GitRepo(root)
    demo_repo(root)
    with (root / "office.yaml").open("a", encoding="utf-8") as file:
        file.write(FORGEJO)  # the internal site carries the form page, the public one never does
    repo.commit("导入", date="2026-11-20T09:00:00+08:00")
    internal_port, public_port, auth_port = free_port(), free_port(), free_port()
    srv = work / "srv"
    internal, public = _build(root, "internal", internal_port), _build(root, "public", public_port)
    for _ in range(2):  # published twice: the second release replaces the first in one rename
        _publish(internal, srv / "internal")
        _publish(public, srv / "public")
    salted = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD], capture_output=True, text=True, check=True).stdout.strip()
    (srv / "ducha.htpasswd").write_text(f"{USER}:{salted}\n", encoding="utf-8")
    servers = []
    sso = 0
    auth = http.server.ThreadingHTTPServer(("127.0.0.1", auth_port), _Auth)
    threading.Thread(target=auth.serve_forever, daemon=True).start()
    for name, source in (("basic", PUBLISH / "nginx.conf"), ("sso", PUBLISH / "nginx-auth-request.conf")):
        prefix = work / f"nginx-{name}"
        prefix.mkdir()
        own = free_port() if name == "sso" else internal_port
        (prefix / "site.conf").write_text(_config(source, srv, own, public_port, auth_port), encoding="utf-8")
        user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # workers read the test's own folders
        (prefix / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
            "events { worker_connections 64; }\n"
            f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            f"  access_log off;\n  include {prefix}/site.conf;\n}}\n", encoding="utf-8")
        check = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        servers.append(subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(own)
        if name == "sso":
            sso = own
    try:
        yield Published(f"http://127.0.0.1:{internal_port}/ducha/", f"http://127.0.0.1:{public_port}/ducha/",
                        f"http://127.0.0.1:{sso}/ducha/", srv)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        auth.shutdown()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body, following no redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


LOGIN = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
UNIT = quote("units/市住建局.html")
FEED = quote("calendars/督查事项.ics")


def test_the_internal_site_asks_for_a_login(published: Published) -> None:
    status, headers, _ = get(published.internal)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
    assert get(published.internal + FEED)[0] == 401  # every file, not only the pages
    wrong = {"Authorization": "Basic " + base64.b64encode(f"{USER}:错误".encode()).decode()}
    assert get(published.internal, wrong)[0] == 401
    status, _, body = get(published.internal, LOGIN)
    assert status == 200 and "督查事项总览".encode() in body
    assert get(published.internal + "admin/", LOGIN)[0] == 200  # the form page: internal only


def test_pages_search_and_calendars_with_the_right_types(published: Published) -> None:
    for base, headers in ((published.internal, LOGIN), (published.public, {})):
        status, found, _ = get(base + UNIT, headers)
        assert status == 200 and found["Content-Type"] == "text/html; charset=utf-8"
        status, found, body = get(base + "search/search_index.json", headers)
        assert status == 200 and found["Content-Type"] == "application/json; charset=utf-8" and "住建局".encode() in body
        status, found, body = get(base + FEED, headers)
        assert status == 200 and found["Content-Type"] == "text/calendar; charset=utf-8"
        assert body.startswith(b"BEGIN:VCALENDAR") and found["Cache-Control"] == "no-cache"
        status, found, _ = get(base.rstrip("/"), headers)
        assert status == 301 and found["Location"] == "/ducha/"


def test_the_public_site_is_open_and_has_no_form_page(published: Published) -> None:
    status, _, body = get(published.public)
    assert status == 200 and "督查事项总览".encode() in body
    assert get(published.public + "admin/")[0] == 404
    assert get(published.public + "admin/index.html")[0] == 404
    assert get(published.public + "cases/2026/DC-2026-0027.html")[0] == 404  # visibility: 内部


def test_a_missing_page_is_a_styled_404_under_the_sub_path(published: Published, browser: object) -> None:
    status, _, body = get(published.public + "cases/2026/DC-2026-9999.html")
    assert status == 404 and b'href="/ducha/assets/stylesheets/main.' in body
    visit = Visit(browser, published.public + "nowhere/at/all.html")
    assert visit.page.inner_text("h1") == "404 - Not found"
    assert visit.page.eval_on_selector(".md-header", "h => getComputedStyle(h).backgroundColor") == "rgb(43, 49, 55)"
    assert visit.foreign_hosts() == set()


def test_only_the_newest_releases_are_kept_and_one_is_served(published: Published) -> None:
    for target in ("internal", "public"):
        link = published.srv / target / "www" / "ducha"
        releases = sorted(p.name for p in (published.srv / target / "releases").iterdir())
        assert link.is_symlink() and os.readlink(link) == f"../releases/{releases[-1]}" and len(releases) == 2


def test_every_link_answers_through_nginx(published: Published) -> None:
    """The link checker over HTTP: every page's every internal link, as nginx answers it under /ducha/."""
    for base, headers, site in ((published.internal, LOGIN, published.srv / "internal/www/ducha"),
                                (published.public, {}, published.srv / "public/www/ducha")):
        targets = set()
        for page in pages(site):
            url = base + quote(page.relative_to(site).as_posix())
            for _, target in parsed(page).links:
                if not target.startswith(("http:", "https:", "mailto:", "data:")):
                    targets.add(quote(urljoin(url, target).partition("#")[0], safe=":/%?=&"))
        assert len(targets) > 100
        failed = [(t, status) for t in sorted(targets) if (status := get(t, headers)[0]) != 200]
        assert failed == []


def test_chromium_with_the_login_finds_pages_search_and_calendars(published: Published, browser: object) -> None:
    login = {"username": USER, "password": PASSWORD}
    visit = Visit(browser, published.internal, http_credentials=login)
    assert "督查事项总览" in visit.page.inner_text("h1")
    assert search_for(visit, "住建局")[:1] == ["units/%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80.html"]
    unit = Visit(browser, published.internal + UNIT, http_credentials=login)
    with unit.page.expect_response(lambda r: r.url.endswith(".ics")) as feed:
        unit.page.evaluate("() => fetch(document.querySelector(\"a[href$='.ics']\").href)")
    assert feed.value.status == 200 and feed.value.headers["content-type"] == "text/calendar; charset=utf-8"
    assert visit.foreign_hosts() == set() and unit.foreign_hosts() == set()
    from playwright.sync_api import Error

    anonymous = browser.new_page()  # type: ignore[attr-defined]
    with pytest.raises(Error, match="ERR_INVALID_AUTH_CREDENTIALS"):  # asked to log in, it has nothing to give
        anonymous.goto(published.internal)
    anonymous.close()


def test_single_sign_on_through_auth_request(published: Published) -> None:
    """The auth_request example: the single sign-on service lets a signed-in request through, no other."""
    assert get(published.sso)[0] == 401
    assert get(published.sso, {"Cookie": "ducha_session=forged"})[0] == 401
    status, _, body = get(published.sso, {"Cookie": "ducha_session=4f2a9c"})
    assert status == 200 and "督查事项总览".encode() in body
    status, found, _ = get(published.sso + FEED, {"Cookie": "ducha_session=4f2a9c"})
    assert status == 200 and found["Content-Type"] == "text/calendar; charset=utf-8"


def test_the_publish_workflow_builds_both_profiles_then_swaps_both(tmp_path: Path) -> None:
    """publish.yml on every push to main and every morning; its own steps, run here as the runner runs them
    (after 安装), leave both sites published."""
    import yaml

    workflow = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"] == {"branches": ["main"]} and triggers["schedule"] == [{"cron": "30 22 * * *"}]
    assert workflow["concurrency"] == {"group": "ducha-publish", "cancel-in-progress": False}
    job = workflow["jobs"]["publish"]
    steps = [step for step in job["steps"] if "run" in step]
    assert [step["name"] for step in steps] == ["安装", "校验记录", "构建内部版", "写出锚点（随内部版发布，另在服务器上按日留存一份）",
                                                "构建公开版", "发布（两个站点都构建成功后才替换）"]
    root = tmp_path / "office"
    repo = GitRepo(root)
    demo_repo(root)
    repo.commit("导入", date="2026-11-20T09:00:00+08:00")
    for tool in (".venv", ".ci"):  # what 安装 provides, and the checkout's own scripts
        (root / tool).symlink_to(REPO / tool, target_is_directory=True)
    urls = {"vars.DUCHA_INTERNAL_URL": "https://oa.example.gov.cn/ducha/", "vars.DUCHA_PUBLIC_URL": "https://ducha.example.gov.cn/ducha/"}
    env = {**os.environ, **job["env"], "DUCHA_PUBLISH_DIR": str(tmp_path / "srv")}
    for step in steps[1:]:
        step_env = {key: re.sub(r"\$\{\{ (\S+) \}\}", lambda m: urls[m.group(1)], value) for key, value in step.get("env", {}).items()}
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env={**env, **step_env}, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, step["name"] + done.stdout[-2000:] + done.stderr[-2000:]
    for profile, host in (("internal", "oa"), ("public", "ducha")):
        served = tmp_path / "srv" / profile / "www" / "ducha"
        assert (served / "index.html").is_file() and served.is_symlink()
        assert b'href="/ducha/assets/stylesheets/main.' in (served / "404.html").read_bytes()
        assert f"<loc>https://{host}.example.gov.cn/ducha/index.html</loc>" in (served / "sitemap.xml").read_text(encoding="utf-8")
    assert not (tmp_path / "srv/public/www/ducha/cases/2026/DC-2026-0027.html").exists()  # visibility: 内部
    # the anchor of what was published goes out with the internal site and stays on the server
    head = repo.git("rev-parse", "HEAD").strip()
    kept = tmp_path / "srv" / "anchors" / f"2026-11-20-{head}.txt"
    assert kept.read_bytes() == (tmp_path / "srv/internal/www/ducha/anchor.txt").read_bytes()
    assert kept.read_text(encoding="utf-8").startswith(f"ducha-anchor 1\ncommit {head}\ndate 2026-11-20T09:00:00+08:00\n")
    assert not (tmp_path / "srv/public/www/ducha/anchor.txt").exists()
