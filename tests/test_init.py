"""``ducha init`` asks for what it was not told and names every mistake at once; ``mark-demo`` lists the demo.

What a clone of the demo turns into is in test_adoption.py; here are the parts an office meets when
something is missing, wrong or already changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from click.testing import CliRunner

from ducha.cli import cli

from .conftest import Invoke, demo_repo

#: The demo's record folders in the order ducha lists them, and their files (tests/fixtures/demo, by hand).
DEMO_FOLDERS = ("cases", "notices", "bulletins", "accountability", "attachments")
DEMO_FILES = 65


def listing(root: Path) -> str:
    """DEMO.sha256 as the demo's maintainers write it: each record's SHA-256 (hashlib) and path, folder by folder."""
    lines = ["# 示例数据清单：ducha init 只删除这里列出、且内容未被改动的记录。各列：SHA-256  文件\n"]
    for folder in DEMO_FOLDERS:
        for file in sorted((root / folder).rglob("*"), key=str):
            if file.is_file():
                lines.append(f"{hashlib.sha256(file.read_bytes()).hexdigest()}  {file.relative_to(root).as_posix()}\n")
    return "".join(lines)


def test_init_asks_for_what_it_was_not_told(tmp_path: Path) -> None:
    # Name, the prefix left at its default (Enter), the 全宗号, two units (one with a full-width ＝), then Enter.
    typed = "青川市人民政府督查室\n\n0371\n市财政局=青川市财政局\n市教育局＝青川市教育局\n\n"
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "init"], input=typed)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "督查室名称（如 某某市人民政府督查室）: 青川市人民政府督查室", "编号前缀 [DC]: ", "档案全宗号（如 0371）: 0371",
        "逐个输入承办单位，写成 简称=全称（如 市财政局=某某市财政局），直接回车结束：",
        "单位: 市财政局=青川市财政局", "单位: 市教育局＝青川市教育局", "单位: ",
        "已启用「青川市人民政府督查室」：写入 office.yaml、schema/ 和站点设置 mkdocs.yml、site/，删除示例数据 0 个文件。",
        "下一步：检查 office.yaml，然后提交（git add -A && git commit -m \"启用督查事项管理\"）。"]
    office = yaml.safe_load((tmp_path / "office.yaml").read_text(encoding="utf-8"))
    assert (office["name"], office["prefix"], office["fonds"]) == ("青川市人民政府督查室", "DC", "0371")
    assert office["units"] == [{"name": "市财政局", "full_name": "青川市财政局"}, {"name": "市教育局", "full_name": "青川市教育局"}]
    assert office["notice_rules"] == {"issuer": "青川督查"}  # 发文机关代字: the place, then 督查
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulletins", "cases", "mkdocs.yml", "notices", "office.yaml", "schema",
                                                         "site"]


def test_init_names_every_mistake_at_once_and_writes_nothing(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke(tmp_path, "init", "--name", " ", "--prefix", "dc", "--fonds", "03-71",
                    "--unit", "市财政局", "--unit", "甲=甲单位", "--unit", "甲＝甲单位")
    assert result.exit_code == 2
    assert result.output == ("错误：督查室名称不能为空：如 --name 某某市人民政府督查室。"
                             "编号前缀「dc」应为 1—10 个大写英文字母，如 DC。"
                             "全宗号「03-71」应为 1—10 位数字或字母，如 0371（向本级档案馆确认）。"
                             "单位「市财政局」要写成 简称=全称。单位简称「甲」重复。\n")
    assert list(tmp_path.iterdir()) == []
    none = invoke(tmp_path, "init", "--name", "青川市人民政府督查室", "--prefix", "QC", "--fonds", "0371", "--unit", "=")
    assert none.exit_code == 2 and none.output == "错误：单位「」要写成 简称=全称。\n"


def test_init_keeps_demo_records_someone_changed(tmp_path: Path, invoke: Invoke) -> None:
    root = demo_repo(tmp_path / "office")
    (root / "DEMO.sha256").write_text(listing(root), encoding="utf-8")
    edited = root / "cases/2026/DC-2026-0001.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "notes: 已改\n", encoding="utf-8")
    (root / "notices/2026/2026-013.yaml").unlink()  # listed, gone already: nothing to do
    result = invoke(root, "init", "--name", "青川市人民政府督查室", "--prefix", "QC", "--fonds", "0371",
                    "--unit", "市财政局=青川市财政局")
    assert result.exit_code == 0, result.output
    # 65 listed: one edited (kept), one already gone, and the 2026 cases' folder stays for the kept one.
    assert result.output.splitlines()[:2] == [
        f"已启用「青川市人民政府督查室」：写入 office.yaml、schema/ 和站点设置 mkdocs.yml、site/，删除示例数据 {DEMO_FILES - 2} 个文件。",
        "保留 cases/2026/DC-2026-0001.yaml：它与示例数据清单中的内容不同（有人改过），请确认后自行处理。"]
    left = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "schema" not in p.relative_to(root).parts)
    assert left == ["cases/2026/DC-2026-0001.yaml", "mkdocs.yml", "office.yaml", "site/assets/logo.svg", "site/assets/office.css",
                    "site/guide.md"]
    assert sorted(p.name for p in root.iterdir()) == ["bulletins", "cases", "mkdocs.yml", "notices", "office.yaml", "schema", "site"]


def test_mark_demo_lists_every_record_with_its_sha256(tmp_path: Path, invoke: Invoke) -> None:
    root = demo_repo(tmp_path / "office")
    result = invoke(root, "mark-demo")
    assert (result.exit_code, result.output) == (0, "已写入 DEMO.sha256。\n")
    written = (root / "DEMO.sha256").read_text(encoding="utf-8")
    assert written == listing(root) and len(written.splitlines()) == 1 + DEMO_FILES
    assert "mark-demo" not in invoke(root, "--help").output  # for the demo's maintainers, not in the office's list
