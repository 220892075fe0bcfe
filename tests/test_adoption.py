"""An office moves in: a clone of this repository becomes a real office's, and its records never break the tests.

Both paths run the clone's own test suite (browser, LibreOffice and slow tests aside, which
read no records either) after its records changed: the suite must not care what the
office has recorded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ducha.schemas import NAMES, schema_text

from .conftest import REPO, Invoke

TODAY = "2026-11-25"
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull, "GIT_AUTHOR_NAME": "办公室",
       "GIT_AUTHOR_EMAIL": "office@dcs.example.cn", "GIT_COMMITTER_NAME": "办公室",
       "GIT_COMMITTER_EMAIL": "office@dcs.example.cn", "GIT_AUTHOR_DATE": "2026-11-25T09:00:00+08:00",
       "GIT_COMMITTER_DATE": "2026-11-25T09:00:00+08:00"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env=ENV, capture_output=True, text=True, check=True).stdout


def clone(tmp_path: Path) -> Path:
    target = tmp_path / "office"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(target)], env=ENV, check=True)
    git(target, "checkout", "-q", "-B", "main")  # the code under test is `main` of the clone, whatever branch it came from
    return target


def own_tests_pass(root: Path) -> None:
    """The clone's test suite, as `make test` runs it, minus the tests that only drive browsers and LibreOffice."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m",
                           "not browser and not libreoffice and not slow"],
                          cwd=root, env={**ENV, "CI": "true", "DUCHA_VENDOR": str(REPO / ".vendor")},  # `make vendor`'s
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]


@pytest.mark.slow
def test_a_new_office_starts_without_demo_data(tmp_path: Path, invoke: Invoke) -> None:
    root = clone(tmp_path)
    assert (root / "DEMO.sha256").is_file(), "the demo repository lists its demo records"
    git(root, "switch", "-q", "-c", "start")
    result = invoke(root, "init", "--name", "测试市人民政府督查室", "--prefix", "CS", "--fonds", "0100",
                    "--unit", "市财政局=测试市财政局", "--unit", "市教育局＝测试市教育局")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("已启用「测试市人民政府督查室」：写入 office.yaml 和 schema/，删除示例数据 65 个文件。")  # the 65 lines of DEMO.sha256
    records = [p for folder in ("cases", "notices", "bulletins") for p in (root / folder).rglob("*") if p.is_file()]
    assert records == [] and not (root / "DEMO.sha256").exists()
    for name in NAMES:
        assert (root / "schema" / f"{name}.schema.json").read_text(encoding="utf-8") == schema_text(name)
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
    own_tests_pass(root)


@pytest.mark.slow
def test_a_record_added_to_the_demo_keeps_the_tests_green(tmp_path: Path, invoke: Invoke) -> None:
    root = clone(tmp_path)
    made = invoke(root, "new", "--title", "冬季供暖保障", "--category", "领导批示", "--registered", TODAY,
                  "--assigned", TODAY, "--lead-unit", "市财政局", "--owner", "韦宁",
                  "--requirements", "确保供暖季前完成管网检修", "--approved-by", "副市长 林静")  # the demo asks for 立项审批
    assert made.exit_code == 0, made.output
    assert invoke(root, "validate", "--today", TODAY).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "新增督查事项")
    own_tests_pass(root)


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
