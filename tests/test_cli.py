"""The CLI edge: exit codes, JSON output, and ``ducha new``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import DEMO, EXAMPLES, Invoke, demo_repo, example_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return example_repo(EXAMPLES / "valid" / "full-record", tmp_path)


def test_validate_json_lists_every_problem(tmp_path: Path, invoke: Invoke) -> None:
    root = example_repo(EXAMPLES / "invalid" / "unknown-field", tmp_path)
    result = invoke(root, "validate", "--format", "json", "--today", "2026-11-23")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["ok"] is False and payload["files"] == 1
    assert [(p["line"], p["column"], p["field"]) for p in payload["problems"]] == [(1, 1, "title"), (2, 1, "titel")]
    assert payload["problems"][1]["fix"].startswith("是否想写 `title`")


def test_validate_named_file_only(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "validate", str(repo / "cases/2026/DC-2026-0001.yaml"), "--today", "2026-11-23")
    assert (result.exit_code, result.output) == (0, "检查了 1 个文件，全部通过。\n")


def test_missing_path_is_a_usage_error(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "validate", str(repo / "nope.yaml"))
    assert result.exit_code == 2
    assert "找不到" in result.output


def test_bad_today_is_a_usage_error_in_chinese(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "status", "--today", "2026/11/23")
    assert result.exit_code == 2
    assert "日期「2026/11/23」格式不对，应写成 YYYY-MM-DD" in result.output


def test_status_refuses_invalid_data_with_the_problems(tmp_path: Path, invoke: Invoke) -> None:
    root = example_repo(EXAMPLES / "invalid" / "duplicate-key", tmp_path)
    result = invoke(root, "status", "--today", "2026-11-23")
    assert result.exit_code == 1
    assert result.output.startswith("cases/2026/DC-2026-0001.yaml:4:1: [title] 字段 title 重复出现")


def test_unknown_unit_filter_is_a_usage_error(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "status", "--unit", "市文旅局", "--today", "2026-11-23")
    assert result.exit_code == 2 and "未在 office.yaml 中登记" in result.output


def test_missing_office_yaml_is_reported(tmp_path: Path, invoke: Invoke) -> None:
    (tmp_path / "cases").mkdir()
    result = invoke(tmp_path, "validate")
    assert result.exit_code == 1
    assert result.output.startswith("office.yaml: 找不到 office.yaml。")


def test_unexpected_error_is_exit_3_without_traceback(repo: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ducha.rules.deadlines.status_board", explode)
    result = invoke(repo, "status", "--today", "2026-11-23")
    assert result.exit_code == 3
    assert "内部错误" in result.output and "Traceback" not in result.output


def test_new_writes_next_id_that_validates(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "new", "--title", "yes: 冒号与 # 号的标题", "--category", "领导批示",
                    "--registered", "2026-11-20", "--assigned", "2026-11-20", "--lead-unit", "市教育局",
                    "--owner", "高翔", "--requirements", "年底前完成")
    assert result.exit_code == 0, result.output
    assert result.output == "已新建 DC-2026-0002：cases/2026/DC-2026-0002.yaml\n"
    text = (repo / "cases/2026/DC-2026-0002.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/case.schema.json\n")
    assert 'title: "yes: 冒号与 # 号的标题"' in text
    check = invoke(repo, "validate", "--today", "2026-11-23")
    assert check.exit_code == 0, check.output


def test_new_in_an_empty_year_starts_at_0001(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "new", "--title", "明年的事", "--category", "其他交办", "--registered", "2027-01-04")
    assert result.output == "已新建 DC-2027-0001：cases/2027/DC-2027-0001.yaml\n"


def test_new_refuses_unknown_unit_and_writes_nothing(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "new", "--title", "事项", "--category", "领导批示", "--registered", "2026-11-20",
                    "--assigned", "2026-11-20", "--lead-unit", "住建局", "--co-units", "市财政局，市文旅局",
                    "--owner", "孙立新", "--requirements", "排查供暖管网。")
    assert result.exit_code == 1
    # Said of the options: the file a line number would point into was never written.
    assert result.output == (
        "ducha new: [--lead-unit] 主办单位「住建局」未在 office.yaml 中登记。 修改：是不是「市住建局」？写成登记的简称「市住建局」；"
        "确是新单位的，先在 office.yaml 的 units 中登记。\n"
        "ducha new: [--co-units] 协办单位「市文旅局」未在 office.yaml 中登记。 修改：改为已登记的单位简称（市住建局、市教育局、市财政局），"
        "或先在 office.yaml 的 units 中登记。\n"
        "没有写入任何文件：改正上面的选项后重新运行 ducha new。\n")
    assert not (repo / "cases/2026/DC-2026-0002.yaml").exists()


def test_new_says_which_option_gives_the_approval(tmp_path: Path, invoke: Invoke) -> None:
    """The demo office asks for 立项审批 from 2026-11-01: the fix names the option, not a YAML key to type."""
    from .conftest import demo_repo

    repo = demo_repo(tmp_path / "repo")
    result = invoke(repo, "new", "--title", "冬季供暖保障", "--category", "领导批示", "--registered", "2026-11-20",
                    "--assigned", "2026-11-20", "--lead-unit", "市住建局", "--owner", "孙立新", "--requirements", "排查供暖管网。")
    assert result.exit_code == 1
    assert result.output == (
        "ducha new: [--approved-by] 事项已于 2026-11-20 交办，但没有立项审批记录（approval）：立项须报领导同意"
        "（office.yaml 规定自 2026-11-01 起交办的事项）。 修改：加上 --approved-by 同意立项的领导，如 --approved-by \"副市长 林静\"；"
        "同意的日期不是交办日期的，再加 --approved YYYY-MM-DD。\n"
        "没有写入任何文件：改正上面的选项后重新运行 ducha new。\n")
    assert not (repo / "cases/2026/DC-2026-0037.yaml").exists()


def test_new_takes_every_field_of_an_assignment(repo: Path, invoke: Invoke) -> None:
    result = invoke(repo, "new", "--title", "冬季供暖保障", "--category", "领导批示", "--registered", "2026-11-20",
                    "--assigned", "2026-11-20", "--lead-unit", "市住建局", "--co-units", "市财政局、市教育局",
                    "--owner", "孙立新", "--leader", "市长 刘志远", "--instruction", "请立即部署。\n确保群众温暖过冬。",
                    "--doc-no", "测政〔2026〕8号", "--requirements", "一、排查管网；\n二、回复群众。", "--time-limit", "5个工作日",
                    "--visibility", "内部", "--notes", "市长热线转办")
    assert result.exit_code == 0, result.output
    assert (repo / "cases/2026/DC-2026-0002.yaml").read_text(encoding="utf-8").splitlines()[2:24] == [
        "id: DC-2026-0002", "title: 冬季供暖保障", "category: 领导批示", "# priority: 急 或 重点（一般事项不写）", "source:", "  doc_no: 测政〔2026〕8号",
        "  leader: 市长 刘志远", "  instruction: |-", "    请立即部署。", "    确保群众温暖过冬。", "requirements: |-",
        "  一、排查管网；", "  二、回复群众。", "registered: 2026-11-20",
        "# approval:（立项审批：office.yaml 要求时，交办前写明）", "#   date: 批准日期", "#   by: 批准人", "assigned: 2026-11-20", "lead_unit: 市住建局",
        "co_units: [市财政局, 市教育局]", "owner: 孙立新", "time_limit: 5个工作日"]
    assert invoke(repo, "validate", "--today", "2026-11-23").exit_code == 0


def test_chinese_light_names_filter_as_the_codes_do(invoke: Invoke) -> None:
    chinese = invoke(DEMO, "status", "--today", "2026-11-23", "--light", "红灯", "--format", "json")
    code = invoke(DEMO, "status", "--today", "2026-11-23", "--light", "red", "--format", "json")
    assert chinese.exit_code == 0 and chinese.output == code.output
    assert [row["id"] for row in json.loads(chinese.output)] == ["DC-2026-0028", "DC-2026-0011", "DC-2026-0010",
                                                                 "DC-2026-0009", "DC-2026-0003", "DC-2026-0017"]


@pytest.mark.parametrize("args", [["-h"], ["status", "-h"], ["new", "-h"], ["ledger", "-h"], ["ledger", "import", "-h"],
                                  ["report", "-h"], ["doc", "-h"], ["build", "-h"]])
def test_help_is_in_chinese(repo: Path, args: list[str]) -> None:
    from click.testing import CliRunner

    from ducha.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(repo), *args])
    assert result.exit_code == 0
    assert result.output.startswith("用法：ducha")
    assert "选项：" in result.output and "显示本帮助并退出。" in result.output
    assert not re.search(r"Usage|Options|Commands|Show this|TEXT|INTEGER|PATH|\[default|\[required", result.output)


def test_the_command_list_says_what_each_command_does(repo: Path) -> None:
    """Click shortens a summary at a space: a Chinese sentence has none, and `guard` was listed as「...」."""
    from click.testing import CliRunner

    from ducha.cli import cli

    listed = CliRunner().invoke(cli, ["--root", str(repo), "-h"]).output.split("命令：\n", 1)[1].splitlines()
    summaries = {line.split()[0]: line.split(None, 1)[1] for line in listed if line.strip()}
    assert summaries["guard"].startswith("合并请求检查：按合并进基准分支后的结果")
    assert summaries["cms"].startswith("填报表单：在内网站点写入 /admin/ 页面")
    assert summaries["doc"].startswith("单个事项的文书：notice 督查通知单")
    assert not [name for name, text in summaries.items() if text.endswith("...") or not re.search("[\u4e00-\u9fff]", text)]


def test_console_script_runs_outside_the_test_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    shutil.copytree(DEMO / "cases", tmp_path / "cases")
    shutil.copytree(DEMO / "attachments", tmp_path / "attachments")  # the cases' registered files
    shutil.copy(DEMO / "office.yaml", tmp_path)
    ducha = Path(sys.executable).parent / "ducha"
    done = subprocess.run([str(ducha), "validate", "--today", "2026-11-23"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    files = len(list((tmp_path / "cases").rglob("*.yaml")))
    assert (done.returncode, done.stdout) == (0, f"检查了 {files} 个文件，全部通过。\n")


@pytest.mark.parametrize(("parent_at", "expected"), [
    ("cases/2026/DC-2026-0001.yaml", "检查了 1 个文件，全部通过。\n"),
    ("cases/2025/DC-2026-0001.yaml", "检查了 1 个文件，全部通过。\n"),  # filed in another year's folder: still a case
    (None, ("cases/2026/DC-2026-0002.yaml:6:9: [parent] 上级事项「DC-2026-0001」不存在。 "
            "修改：填写已立项的督查事项编号（见 cases/ 下的文件名），或删除 parent。\n"
            "检查了 1 个文件，发现 1 个问题（涉及 1 个文件）。\n")),
])
def test_one_file_validate_finds_the_parent_wherever_it_is_filed(tmp_path: Path, invoke: Invoke, parent_at: str | None,
                                                                 expected: str) -> None:
    root = demo_repo(tmp_path)
    parent = root / "cases" / "2026" / "DC-2026-0001.yaml"
    if parent_at is None:
        parent.unlink()
    else:
        parent.rename(root / parent_at)
    result = invoke(root, "validate", "--today", "2026-11-23", str(root / "cases" / "2026" / "DC-2026-0002.yaml"))
    assert (result.exit_code, result.output) == (0 if parent_at else 1, expected)


#: What the pre-commit check must never load: the output stack (spreadsheets, Word, the site and
#: its search, calendars), git, the full schema validator, and the cores of the other commands.
NOT_FOR_ONE_FILE = ("openpyxl", "docx", "mkdocs", "jinja2", "jieba", "icalendar", "git", "jsonschema",
                    "ducha.repo", "ducha.intake", "ducha.outputs.text", "ducha.outputs.site", "ducha.outputs.docx",
                    "ducha.outputs.ledger", "ducha.outputs.ics", "ducha.model.notices", "ducha.model.measures",
                    "ducha.rules.escalation", "ducha.rules.period_report")


def run_loading(root: Path, *args: str, cache: Path | None = None) -> tuple[int, str, list[str]]:
    """``ducha ARGS`` run in a fresh interpreter (with ``cache`` as its user's cache folder when given):
    its exit code, its output and every module it loaded."""
    import os
    import subprocess
    import sys

    script = (f"import sys\nfrom ducha.cli import main\nsys.argv = ['ducha', *{args!r}]\n"
              "try:\n    main()\nfinally:\n    print(*sorted(sys.modules), file=sys.stderr)\n")
    env = None if cache is None else {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False,
                          env=env)
    return done.returncode, done.stdout, done.stderr.split()


def among(loaded: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in loaded if m.startswith(tuple(f"{name}." for name in names)) or m in names]


def test_one_file_validate_loads_only_what_it_checks_with(tmp_path: Path) -> None:
    root = demo_repo(tmp_path / "office")
    # DC-2026-0002 names a parent (so it is looked up) and an attached file.
    check = ("validate", "--today", "2026-11-23", "cases/2026/DC-2026-0002.yaml")
    first = run_loading(root, *check, cache=tmp_path / "cache")  # compiles the schema's validator into the cache
    code, output, loaded = run_loading(root, *check, cache=tmp_path / "cache")
    assert (first[:2], code, output) == ((0, "检查了 1 个文件，全部通过。\n"), 0, "检查了 1 个文件，全部通过。\n")
    assert "fastjsonschema" in first[2] and "ducha.rules.validation" in loaded  # the modules were listed at all
    # From the cache, the validator runs without the package that generated it; nothing guesses at a typo.
    assert among(loaded, (*NOT_FOR_ONE_FILE, "fastjsonschema", "difflib")) == []
    assert among(loaded, ("ducha.cli",)) == ["ducha.cli", "ducha.cli.chinese", "ducha.cli.edge", "ducha.cli.params",
                                             "ducha.cli.records"]  # no other command's module


def test_the_command_list_loads_no_command_core(tmp_path: Path) -> None:
    """``ducha -h`` lists every command with its summary, and reads no record, rule or output to do it."""
    code, output, loaded = run_loading(tmp_path, "-h")
    assert code == 0 and "validate " in output and "ledger " in output
    assert "ducha.cli.site" in loaded  # the modules were listed at all
    assert among(loaded, ("ducha.load", "ducha.io", "ducha.rules", "ducha.repo", "ducha.outputs", "ducha.intake", "yaml",
                          "fastjsonschema", "chinese_calendar", *NOT_FOR_ONE_FILE)) == []
    assert among(loaded, ("ducha.model",)) == ["ducha.model", "ducha.model.categories"]  # names for `new --help`


def test_every_command_is_in_the_table_the_group_reads() -> None:
    """The group finds commands through ``COMMANDS``: a command written in a module but left out of it would never run."""
    import importlib
    import pkgutil

    import click

    import ducha.cli
    from ducha.cli import COMMANDS

    modules = [importlib.import_module(f"ducha.cli.{m.name}") for m in pkgutil.iter_modules(ducha.cli.__path__)]
    found = {f"{module.__name__.rsplit('.', 1)[1]}:{name}": value for module in modules
             for name, value in vars(module).items() if isinstance(value, click.Command)}
    in_groups = [sub for group in found.values() if isinstance(group, click.Group) for sub in group.commands.values()]
    assert {where for where, value in found.items() if value not in in_groups} == set(COMMANDS.values())
    assert {name: found[where].name for name, where in COMMANDS.items() if found[where].name != name} == {
        "verify-archive": "verify"}


@pytest.mark.parametrize(("args", "expected"), [
    (["report"], "错误：缺少必填的选项 '--period'。\n修改：用 `ducha report -h` 查看用法。\n"),
    (["report", "--period", "2026", "--format", "pdf"], "错误：'--format'：「pdf」不是可选的值；可选：md、docx、json。\n"),
    (["status", "--light", "紫灯"], "错误：'--light'：「紫灯」不是可选的值；可选：绿灯（green）、黄灯（yellow）、红灯（red）、按期办结（done）、超期办结（late）、无灯（none）。\n"),
    (["archive", "--year", "二〇二六"], "错误：'--year'：「二〇二六」不是整数，应写成数字，如 2026。\n"),
    (["status", "extra"], "错误：多了一个参数（extra）\n修改：用 `ducha status -h` 查看用法。\n"),
    (["status", "--bogus"], "错误：没有 --bogus 这个选项。\n"),
    (["--nope"], "错误：没有 --nope 这个选项。\n"),
    (["history"], "错误：缺少必填的参数 '编号'。\n"),
    ([], "错误：缺少命令。\n修改：用 `ducha -h` 查看用法。\n"),
    (["status", "--today", "2026/1/1"], "错误：'--as-of' / '--today'：日期「2026/1/1」格式不对，应写成 YYYY-MM-DD，如 2026-03-05。\n"),
])
def test_usage_errors_are_in_chinese(repo: Path, args: list[str], expected: str) -> None:
    from click.testing import CliRunner

    from ducha.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(repo), *args], prog_name="ducha")
    assert result.exit_code == 2
    assert result.output.startswith(expected)
    assert not re.search(r"Error|Usage|Missing|Invalid|No such", result.output)


def test_as_of_is_the_state_of_that_day_in_every_command(invoke: Invoke, tmp_path: Path) -> None:
    """On 2025-10-10 the 2026 cases did not exist yet: they are left out, not reported as dated in the future."""
    status = invoke(DEMO, "status", "--as-of", "2025-10-10", "--format", "json")
    assert status.exit_code == 0, status.output
    ids = [row["id"] for row in json.loads(status.output)]
    assert ids and all(case_id.startswith("DC-2025-") for case_id in ids)
    archived = [row for row in json.loads(status.output) if row["stage"] == "archived"]
    assert archived == []  # the 2025 cases were sealed in 2026
    for args in (["report", "--period", "2025-Q3"], ["ics", "-o", str(tmp_path / "ics")],
                 ["ledger", "export", "-o", str(tmp_path / "台账.xlsx")]):
        assert invoke(DEMO, *args, "--as-of", "2025-10-10").exit_code == 0, args
