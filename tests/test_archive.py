"""归档: 档号, the manifest, verification, and the self-contained export."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import Invoke
from .gitrepo import GitRepo
from .test_guard import CASE, CLOSED

TODAY = "2026-11-23"
CANCELLED = """id: DC-2026-0003
title: 夜市摊点规范
category: 调研交办
requirements: 规范夜市摊点设置。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 孙立新
time_limit: 15个工作日
cancelled:
  date: 2026-03-10
  reason: 整体迁移，不再办理。
  approved_by: 市长 刘志远
"""
PERMANENT = CLOSED.replace("DC-2026-0002", "DC-2026-0004").replace("领导批示", "重大决策部署").replace(
    "registered: 2026-03-02\nassigned: 2026-03-02\n", "registered: 2026-03-02\nassigned: 2026-03-02\ntime_limit: 2026-06-30\n")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2026/DC-2026-0001.yaml", CASE)  # still open: not archived
    repo.write("cases/2026/DC-2026-0002.yaml", CLOSED)
    repo.write("cases/2026/DC-2026-0003.yaml", CANCELLED)
    repo.write("cases/2026/DC-2026-0004.yaml", PERMANENT)
    repo.commit("立项", date="2026-03-02T09:00:00+08:00")
    return repo


def test_archive_numbers_by_retention_and_seals(repo: GitRepo, invoke: Invoke) -> None:
    result = invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "已归档 cases/2026/DC-2026-0002.yaml  档号 0001-2026-D30-0001",
        "已归档 cases/2026/DC-2026-0003.yaml  档号 0001-2026-D10-0001",
        "已归档 cases/2026/DC-2026-0004.yaml  档号 0001-2026-Y-0001",
    ]
    assert repo.read("cases/2026/DC-2026-0002.yaml") == CLOSED + (
        "archive:\n  date: 2026-11-23\n  number: 0001-2026-D30-0001\n  retention: 30年\n")
    assert "archive" not in repo.read("cases/2026/DC-2026-0001.yaml")
    head = repo.git("rev-parse", "HEAD")
    lines = [line for line in repo.read("cases/2026/ARCHIVE.sha256").splitlines() if not line.startswith("#")]
    assert [line.split()[1:] for line in lines] == [
        ["cases/2026/DC-2026-0002.yaml", head, TODAY, "0001-2026-D30-0001"],
        ["cases/2026/DC-2026-0003.yaml", head, TODAY, "0001-2026-D10-0001"],
        ["cases/2026/DC-2026-0004.yaml", head, TODAY, "0001-2026-Y-0001"],
    ]
    assert invoke(repo.root, "validate", "--today", TODAY).exit_code == 0
    # Running again seals nothing new, and numbers are never reused.
    again = invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    assert again.output == "2026 年没有待归档的事项（已办结或已撤销且尚未归档）。\n"


def test_verify_detects_a_changed_sealed_record(repo: GitRepo, invoke: Invoke) -> None:
    invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    ok = invoke(repo.root, "verify-archive")
    assert (ok.exit_code, ok.output.splitlines()[0]) == (0, "已核验 3 份归档记录，全部与归档清单一致；0 份通报和全部封存所依据的提交都在当前提交历史中。")
    repo.replace("cases/2026/DC-2026-0002.yaml", "检查完毕。", "检查完毕，无问题。")
    bad = invoke(repo.root, "verify-archive")
    assert bad.exit_code == 1
    assert bad.output.startswith("cases/2026/DC-2026-0002.yaml: 已归档的记录被改动过（与归档清单 cases/2026/ARCHIVE.sha256 第 3 行的 SHA-256 不符）。")


def test_verify_detects_a_hand_written_archive_block(repo: GitRepo, invoke: Invoke) -> None:
    repo.append("cases/2026/DC-2026-0002.yaml", "archive:\n  date: 2026-11-23\n  number: 0001-2026-D30-0001\n  retention: 30年\n")
    result = invoke(repo.root, "verify-archive")
    assert result.exit_code == 1 and "不在任何归档清单中" in result.output


def test_export_is_self_contained_and_reproducible(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    repo.commit("归档 2026 年度", date="2026-11-23T10:00:00+08:00", author="王晓峰")
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    result = invoke(repo.root, "export-archive", "--year", "2026", "-o", str(first))
    assert (result.exit_code, result.output) == (0, f"已导出 3 件 2026 年度档案：{first}\n")
    invoke(repo.root, "export-archive", "--year", "2026", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "out")
    assert sorted(names) == sorted([
        "ARCHIVE.sha256", "SHA256SUMS", "说明.txt",
        *(f"{kind}/DC-2026-000{n}.{ext}" for n in (2, 3, 4) for kind, ext in
          (("records", "yaml"), ("timelines", "txt"), ("history", "json"))),
    ])
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "out", capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    timeline = (tmp_path / "out/timelines/DC-2026-0002.txt").read_text(encoding="utf-8")
    assert "档号：0001-2026-D30-0001（保管期限 30年）" in timeline
    assert "  2026-03-09  审核通过  王晓峰" in timeline
    assert "王晓峰" in timeline and "归档（档号 0001-2026-D30-0001）" in timeline


def test_export_refuses_when_a_seal_is_broken(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    repo.replace("cases/2026/DC-2026-0003.yaml", "整体迁移", "整体搬迁")
    result = invoke(repo.root, "export-archive", "--year", "2026", "-o", str(tmp_path / "x.zip"))
    assert result.exit_code == 1 and not (tmp_path / "x.zip").exists()


def test_export_of_an_empty_year_is_a_usage_error(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(repo.root, "export-archive", "--year", "2025", "-o", str(tmp_path / "x.zip"))
    assert result.exit_code == 2 and "2025 年没有已归档的督查事项" in result.output


FOLLOWUPS = "followup_after_days: 90\nfollowup_for:\n  categories: [领导批示]\n"


def test_the_archive_waits_for_the_followup_that_is_owed(repo: GitRepo, invoke: Invoke) -> None:
    """中办 2012 年意见（七）、实施办法 第十三条（七）: a sealed record takes no 回访复核, so a closed item
    the office wants a 回头看 of is sealed only once it is recorded (due or not yet)."""
    repo.append("office.yaml", FOLLOWUPS)
    repo.commit("回头看范围", date="2026-03-02T10:00:00+08:00")
    early = invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    assert early.exit_code == 0, early.output
    assert early.output.splitlines()[0] == (
        "暂不归档 cases/2026/DC-2026-0002.yaml：待回头看（回访复核）。完成并记录后再归档：归档封存后不能再记录"
        "（督促检查工作实施办法 第七条（八）、第十三条（七）；中办 2012 年意见（七）；office.yaml followup_for、approvals）。")
    assert "archive" not in repo.read("cases/2026/DC-2026-0002.yaml")
    # Out of the scope (重大决策部署) and cancelled items are sealed as before.
    assert "已归档 cases/2026/DC-2026-0003.yaml" in early.output and "已归档 cases/2026/DC-2026-0004.yaml" in early.output
    repo.append("cases/2026/DC-2026-0002.yaml",
                "followups:\n  - date: 2026-06-15\n    by: 市政府督查室\n    finding: 实地复核，隐患已全部整改。\n    result: 整改到位\n")
    sealed = invoke(repo.root, "archive", "--year", "2026", "--today", TODAY)
    assert sealed.exit_code == 0, sealed.output
    assert sealed.output.splitlines()[0] == "已归档 cases/2026/DC-2026-0002.yaml  档号 0001-2026-D30-0001"
    assert repo.read("cases/2026/DC-2026-0002.yaml").endswith("整改到位\narchive:\n  date: 2026-11-23\n"
                                                            "  number: 0001-2026-D30-0001\n  retention: 30年\n")
