"""The command line's edges: where it looks for the office, what it says when a file cannot be written,
when an option is missing, and when nothing is due — each in Chinese, with the exit code the guide gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha.cli import cli

from .conftest import DEMO, Invoke, demo_repo

TODAY = "2026-11-23"


def test_without_root_the_office_is_found_above_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = demo_repo(tmp_path / "office")
    (root / "cases" / "2026" / "草稿").mkdir()
    monkeypatch.chdir(root / "cases" / "2026" / "草稿")
    result = CliRunner().invoke(cli, ["status", "--today", TODAY])
    assert result.exit_code == 0
    assert "共 50 项（2026-11-23）：红灯 6，黄灯 4，绿灯 7，待审核 2，按期办结 22，超期办结 6，未交办 1，已撤销 2。" in result.output


def test_without_an_office_above_it_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert result.output == (f"错误：在 {tmp_path} 及其上级目录中找不到 office.yaml：请在督查仓库中运行，或用 --root 指定。\n"
                             "修改：用 `ducha validate -h` 查看用法。\n")


def test_no_command_is_answered_with_the_help() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0
    assert result.output.startswith("用法：ducha [选项] 命令 [参数]...\n\n  督查事项管理：校验记录、计算红黄绿灯。\n")


def test_a_file_that_cannot_be_written_is_named_with_what_to_do(tmp_path: Path, invoke: Invoke) -> None:
    root = demo_repo(tmp_path / "office")
    target = root / "office.yaml" / "通报.docx"  # a file where a folder should be
    result = invoke(root, "report", "--period", "2026-Q4", "--today", TODAY, "--format", "docx", "-o", str(target))
    assert result.exit_code == 1
    assert result.output == f"错误：无法读写文件「{root / 'office.yaml'}」：文件已存在。\n修改：换一个文件名。\n"
    assert (root / "office.yaml").read_bytes() == (DEMO / "office.yaml").read_bytes()


@pytest.mark.parametrize(("args", "expected"), [
    (["--issue"], "错误：印发通报须用 --number 指定序号，如 --number 12。"),
    (["--format", "docx"], "错误：docx 格式须用 -o 指定输出文件，如 -o 通报.docx。"),
])
def test_a_report_missing_an_option_says_which(tmp_path: Path, invoke: Invoke, args: list[str], expected: str) -> None:
    root = demo_repo(tmp_path / "office")
    result = invoke(root, "report", "--period", "2026-Q4", "--today", TODAY, *args)
    assert result.exit_code == 2
    assert result.output == f"{expected}\n修改：用 `ducha report -h` 查看用法。\n"
    assert not (root / "notices" / "2026" / "2026-014.yaml").exists()


def test_a_working_day_with_nothing_due_sends_nothing(tmp_path: Path, invoke: Invoke) -> None:
    root = tmp_path / "office"
    (root / "cases").mkdir(parents=True)
    shutil.copy(DEMO / "office.yaml", root / "office.yaml")
    result = invoke(root, "remind", "--today", TODAY, "--send")
    assert (result.exit_code, result.output) == (0, "2026-11-23 没有需要提醒的事项。\n")
    assert not (root / "reminders").exists()


def test_an_unexpected_error_shows_its_traceback_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = demo_repo(tmp_path / "office")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ducha.rules.deadlines.status_board", explode)
    monkeypatch.setenv("DUCHA_DEBUG", "1")
    result = CliRunner().invoke(cli, ["--root", str(root), "status", "--today", TODAY])
    assert result.exit_code == 3
    assert "Traceback (most recent call last):" in result.output and "RuntimeError: boom" in result.output
    assert result.output.endswith("内部错误：ducha 遇到了意外情况。请把 `DUCHA_DEBUG=1 ducha …` 的输出报告给维护人员。\n")
