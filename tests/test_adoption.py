"""An office moves in: a clone of this repository becomes a real office's, and its records never break the tests.

The clone is of the repository as it ships (its code, CI files and schemas) with the tests' own
demo as its records, so that what this file checks holds in an office's repository too, whose
records are its own. That no test depends on the records at the repository's root is kept by
the watch in conftest (tests/liveguard.py) on every test of every run; the last tests here
show that the watch catches each way of reaching them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ducha.rules.layout import RECORD_DIRS

from . import liveguard
from .conftest import DEMO, REPO, Invoke, demo_repo
from .gitrepo import GitRepo

TODAY = "2026-11-25"
ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull, "GIT_AUTHOR_NAME": "办公室",
       "GIT_AUTHOR_EMAIL": "office@dcs.example.cn", "GIT_COMMITTER_NAME": "办公室",
       "GIT_COMMITTER_EMAIL": "office@dcs.example.cn", "GIT_AUTHOR_DATE": "2026-11-25T09:00:00+08:00",
       "GIT_COMMITTER_DATE": "2026-11-25T09:00:00+08:00"}
#: The demo's record files (tests/fixtures/demo less office.yaml): what DEMO.sha256 lists, counted by hand.
DEMO_FILES = 65


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env={**os.environ, **ENV}, capture_output=True, text=True,
                          check=True).stdout


def shipped(into: Path) -> Path:
    """The repository as it ships: every tracked file but the records, and the tests' demo as the records,
    listed in DEMO.sha256 (each file's SHA-256, worked out here with hashlib)."""
    tracked = git(REPO, "ls-files", "-z").split("\0")
    live = set(liveguard.LIVE_NAMES)
    for name in tracked:
        if name and name.split("/", 1)[0] not in live and (REPO / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(REPO / name, into / name)
    shutil.copytree(DEMO, into, dirs_exist_ok=True)
    demo = sorted(p.relative_to(into).as_posix() for folder in RECORD_DIRS for p in (into / folder).rglob("*") if p.is_file())
    listing = "".join(f"{hashlib.sha256((into / p).read_bytes()).hexdigest()}  {p}\n" for p in demo)
    (into / "DEMO.sha256").write_text("# 示例数据清单\n" + listing, encoding="utf-8")
    git(into, "init", "-q", "-b", "main")
    git(into, "add", "-A")
    git(into, "commit", "-q", "-m", "督查事项管理（示例数据）")
    return into


def clone(tmp_path: Path) -> Path:
    upstream = shipped(tmp_path / "upstream")
    target = tmp_path / "office"
    git(tmp_path, "clone", "-q", str(upstream), str(target))
    return target


def test_a_new_office_starts_without_demo_data(tmp_path: Path, invoke: Invoke) -> None:
    root = clone(tmp_path)
    assert len((root / "DEMO.sha256").read_text(encoding="utf-8").splitlines()) == 1 + DEMO_FILES
    git(root, "switch", "-q", "-c", "start")
    result = invoke(root, "init", "--name", "测试市人民政府督查室", "--prefix", "CS", "--fonds", "0100",
                    "--unit", "市财政局=测试市财政局", "--unit", "市教育局＝测试市教育局")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已启用「测试市人民政府督查室」：写入 office.yaml、schema/ 和站点设置 mkdocs.yml、site/，删除示例数据 {DEMO_FILES} 个文件。")
    records = [p for folder in RECORD_DIRS for p in (root / folder).rglob("*") if p.is_file()]
    assert records == [] and not (root / "DEMO.sha256").exists()
    packaged = REPO / "generator" / "ducha" / "schemas"  # what the installed ducha validates with
    names = sorted(p.name for p in packaged.glob("*.schema.json"))
    assert sorted(p.name for p in (root / "schema").iterdir()) == sorted([*names, "standard"])
    for name in names:  # the standard schemas for generic tools, and the office's own with its names as choices
        assert (root / "schema" / "standard" / name).read_bytes() == (packaged / name).read_bytes()
    assert '"enum": [\n        "市财政局",\n        "市教育局"\n      ]' in (root / "schema" / "case.schema.json").read_text("utf-8")
    again = invoke(root, "init", "--name", "别的督查室", "--prefix", "BD", "--fonds", "1", "--unit", "甲=甲单位")
    assert again.exit_code == 2 and "已经启用" in again.output
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "启用督查事项管理")
    # As a pull request, removing exactly the listed demo records together with office.yaml is the start of an office.
    started = invoke(root, "guard", "--base", "main", "--today", TODAY)
    assert started.exit_code == 0, started.output
    git(root, "switch", "-q", "main")
    git(root, "merge", "-q", "--ff-only", "start")
    git(root, "switch", "-q", "-c", "first-case")

    made = invoke(root, "new", "--title", "冬季供暖保障", "--category", "领导批示", "--registered", TODAY,
                  "--assigned", TODAY, "--lead-unit", "市财政局", "--owner", "韦宁",
                  "--requirements", "确保供暖季前完成管网检修")
    assert made.exit_code == 0 and made.output == "已新建 CS-2026-0001：cases/2026/CS-2026-0001.yaml\n", made.output
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "立项：冬季供暖保障")
    assert git(root, "status", "--porcelain") == ""
    # The CI checks on the office's data.
    guarded = invoke(root, "guard", "--base", "main", "--today", TODAY)
    assert guarded.exit_code == 0, guarded.output
    assert invoke(root, "validate", "--today", TODAY).exit_code == 0
    assert invoke(root, "verify-archive").exit_code == 0
    status = invoke(root, "status", "--today", TODAY, "--format", "json")
    assert '"id": "CS-2026-0001"' in status.output and '"light": "green"' in status.output


def test_a_record_added_to_the_demo_passes_the_checks(tmp_path: Path, invoke: Invoke) -> None:
    root = clone(tmp_path)
    git(root, "switch", "-q", "-c", "new-case")
    made = invoke(root, "new", "--title", "冬季供暖保障", "--category", "领导批示", "--registered", TODAY,
                  "--assigned", TODAY, "--lead-unit", "市财政局", "--owner", "韦宁",
                  "--requirements", "确保供暖季前完成管网检修", "--approved-by", "副市长 林静")  # the demo asks for 立项审批
    # The demo's last 2026 item is DC-2026-0036.
    assert made.exit_code == 0 and made.output == "已新建 DC-2026-0037：cases/2026/DC-2026-0037.yaml\n", made.output
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "新增督查事项")
    assert invoke(root, "validate", "--today", TODAY).exit_code == 0
    guarded = invoke(root, "guard", "--base", "main", "--today", TODAY)
    assert guarded.exit_code == 0, guarded.output


def test_the_watch_covers_every_record_folder_at_the_root() -> None:
    """What the watch guards is what ducha reads as records, and what this repository holds at its root."""
    assert set(RECORD_DIRS) | {"office.yaml", "DEMO.sha256"} <= set(liveguard.LIVE_NAMES)
    at_root = {p.name for p in REPO.iterdir()}
    assert {"cases", "notices", "bulletins", "accountability", "attachments", "office.yaml"} <= at_root
    assert liveguard.live_paths(REPO) == tuple(os.path.realpath(REPO / name) for name in liveguard.LIVE_NAMES)


#: Tests that reach the live records, each in its own way; run in a pytest of their own, every one must fail.
#: OFFICE there is a stand-in office built from tests/fixtures, watched as the live records would be.
REACHING = '''
import os, shutil, subprocess, sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha.cli import cli

OFFICE = Path({office!r})
DUCHA = str(Path(sys.executable).parent / "ducha")


def test_reads_the_office() -> None:
    (OFFICE / "office.yaml").read_text(encoding="utf-8")


def test_swallows_the_error() -> None:
    try:
        open(OFFICE / "DEMO.sha256", "rb").close()
    except BaseException:
        pass


def test_cli_in_process() -> None:
    CliRunner().invoke(cli, ["--root", str(OFFICE), "status", "--today", "2026-11-23"])  # its errors are caught


def test_lists_a_folder_from_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(OFFICE)
    sorted(Path("notices").iterdir())


def test_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "mine").symlink_to(OFFICE / "bulletins")
    sorted((tmp_path / "mine").rglob("*"))


def test_copies_a_folder(tmp_path: Path) -> None:
    shutil.copytree(OFFICE / "accountability", tmp_path / "copy")


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    return Path(shutil.copytree(OFFICE / "cases", tmp_path / "cases"))


def test_a_fixture_copies_the_cases(cases: Path) -> None:
    pass


def test_ducha_subprocess_at_the_root() -> None:
    subprocess.run([DUCHA, "validate", "--today", "2026-11-23"], cwd=OFFICE, capture_output=True)


def test_python_subprocess_reads_a_record() -> None:
    code = f"open({{str(OFFICE / 'attachments')!r}} + '/x', 'rb')"
    subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True)


def test_git_given_a_record() -> None:
    subprocess.run(["git", "log", "--oneline", "--", "office.yaml"], cwd=OFFICE, capture_output=True)


def test_subprocess_without_the_watch() -> None:
    subprocess.run([sys.executable, "-c", "pass"], env={{"PATH": os.environ["PATH"]}})


def test_a_folder_named_cases_elsewhere_is_fine(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "x.yaml").write_text("id: x", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    assert (OFFICE / "cases").is_dir()  # seeing that the folder exists is not opening it
'''
#: Each test above and what its failure names: a path under the repository and how it was reached.
#: ducha itself reads the first record file it comes to, whichever that is.
ANY_RECORD = r"(cases|notices|bulletins|accountability|attachments|office\.yaml) \((open|os\.scandir|os\.listdir)\)"
CAUGHT = {
    "test_reads_the_office": r"office\.yaml \(open\)",
    "test_swallows_the_error": r"DEMO\.sha256 \(open\)",
    "test_cli_in_process": ANY_RECORD,
    "test_lists_a_folder_from_the_root": r"notices \(os\.listdir\)",
    "test_through_a_symlink": r"bulletins \(os\.scandir\)",
    "test_copies_a_folder": r"accountability \(os\.scandir\)",
    "test_a_fixture_copies_the_cases": r"cases \(os\.scandir\)",
    "test_ducha_subprocess_at_the_root": ANY_RECORD + r" in \S+/ducha validate --today 2026-11-23（子进程 \d+）",
    "test_python_subprocess_reads_a_record": r"attachments/x \(open\) in -c（子进程 \d+）",
    "test_git_given_a_record": r"office\.yaml \(subprocess\.Popen\)",
    "test_subprocess_without_the_watch": r"-c pass: its environment has no DUCHA_TEST_LIVE_RECORDS",
}


def test_the_watch_fails_every_test_that_reaches_the_live_records(tmp_path: Path) -> None:
    office = GitRepo(tmp_path / "office")  # the stand-in for the repository's own records
    demo_repo(office.root)
    (office.root / "DEMO.sha256").write_text("# 示例数据清单\n", encoding="utf-8")
    office.commit("导入", date="2026-11-20T09:00:00+08:00")
    (tmp_path / "test_reaching.py").write_text(REACHING.format(office=str(office.root)), encoding="utf-8")
    own_reports = tmp_path / "reports"  # the inner session's subprocesses report to it, not to this test
    own_reports.mkdir()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.liveguard_plugin",
                           "--rootdir", str(tmp_path), "--basetemp", str(tmp_path / "inner"), str(tmp_path / "test_reaching.py")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO), liveguard.ENV_REPORTS: str(own_reports),
                               liveguard.ENV_ROOT: str(office.root)})
    out = done.stdout
    assert re.search(rf"^{len(CAUGHT) - 1} failed, 1 passed, 1 error in ", out.splitlines()[-1]), out[-3000:]
    headers = list(re.finditer(r"^_+ (?:ERROR at setup of )?(\w+) _+$", out, re.M))
    sections = {m.group(1): out[m.end():(headers[n + 1].start() if n + 1 < len(headers) else len(out))]
                for n, m in enumerate(headers)}
    assert set(sections) == set(CAUGHT), out[-3000:]
    live = re.escape(os.path.realpath(office.root))
    for name, path in CAUGHT.items():
        said = sections[name]
        assert re.search(rf"^test_reaching\.py::{name} \((setup|call)\) opened the live records", said, re.M), said[:2000]
        assert re.search(rf"^  {live}/{path}" if not path.startswith("-c") else path, said, re.M), (name, said[:2000])



def test_a_new_offices_rules_are_the_seeds_and_say_which_are_its_own(tmp_path: Path, invoke: Invoke) -> None:
    """What ducha init writes: no 2-month extension cap for every 上级交办 (中办 1999 七 caps 中央批办 only), every report
    that passes 审核 goes to the leaders (实施办法 七（五）), and each number the seeds do not set says 本室规则."""
    import datetime as dt

    from ducha.load.office import load_office

    result = invoke(tmp_path, "init", "--name", "测试市人民政府督查室", "--prefix", "CS", "--fonds", "0100",
                    "--unit", "市财政局=测试市财政局")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "office.yaml").read_text(encoding="utf-8")
    office = load_office(tmp_path)
    assert office.rule("上级交办").max_extension is None and office.rule("上级交办").time_limit is None
    assert (str(office.rule("上级交办", None, "中央批办").max_extension), str(office.rule("上级交办", None, "国务院批示").time_limit)) \
        == ("2个月", "30个工作日")
    assert office.approvals.reading is not None
    assert all(office.approvals.reading.applies(category, dt.date(2027, 1, 4)) for category in office.category_names)
    assert office.bulletins.enabled is False  # 中办 1999 三's quota binds 省级党委办公厅
    for key in ("yellow_days:", "progress_interval_days:", "followup_after_days:"):
        line = next(line for line in text.splitlines() if line.startswith(key))
        assert "# 本室规则" in line, line
