"""Approvals the seeds require, each asked for only when office.yaml names it: 立项审批, 领导审阅, 上报结果, 通报审批."""

from __future__ import annotations

import json
from pathlib import Path

from . import records
from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo

APPROVALS = """approvals:
  registration:
    effective_from: 2026-03-01
  reading:
    categories: [领导批示]
  report_back:
    categories: [领导批示]
"""
PATH = "cases/2026/DC-2026-0001.yaml"
CLOSED = records.CLOSED.replace("assigned: 2026-03-02", "approval:\n  date: 2026-03-02\n  by: 副市长 林静\nassigned: 2026-03-02")


def office_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("office.yaml", (EXAMPLES / "office.yaml").read_text(encoding="utf-8") + APPROVALS)
    return repo


def awaiting(repo: GitRepo, invoke: Invoke, today: str) -> list[str]:
    rows = json.loads(invoke(repo.root, "status", "--today", today, "--format", "json").output)
    awaited: list[str] = rows[0]["awaiting"]
    return awaited


def test_the_archive_waits_for_the_leader_and_the_report_back(tmp_path: Path, invoke: Invoke) -> None:
    repo = office_repo(tmp_path)
    repo.write(PATH, CLOSED)
    repo.commit("办结", date="2026-03-09T17:00:00+08:00")
    assert awaiting(repo, invoke, "2026-03-08") == []  # not closed yet: nothing owed
    assert awaiting(repo, invoke, "2026-03-10") == ["待领导审阅", "待上报结果"]
    waiting = invoke(repo.root, "archive", "--year", "2026", "--today", "2026-03-10")
    assert waiting.output == ("暂不归档 cases/2026/DC-2026-0001.yaml：待领导审阅、待上报结果。完成并记录后再归档：归档封存后不能再记录"
                              "（督促检查工作实施办法 第七条（八）、第十三条（七）；中办 2012 年意见（七）；"
                              "office.yaml followup_for、approvals）。\n"
                              "2026 年没有待归档的事项（已办结或已撤销且尚未归档）。\n")
    assert invoke(repo.root, "pages", "--today", "2026-03-10").exit_code == 0
    dashboard = (repo.root / "build/docs-internal/index.md").read_text(encoding="utf-8")
    assert "<h2>待领导审阅、待上报（1）</h2>" in dashboard and (
        '<td data-label="办结日期">2026-03-09</td><td data-label="待办">待领导审阅、待上报结果</td>') in dashboard

    repo.append(PATH, "readings:\n  - date: 2026-03-11\n    leader: 副市长 林静\n    opinion: 同意。\n")
    assert awaiting(repo, invoke, "2026-03-11") == ["待上报结果"]
    repo.append(PATH, "submissions:\n  - date: 2026-03-12\n    to: 省政府督查室\n    doc_no: 测政办〔2026〕3号\n")
    assert awaiting(repo, invoke, "2026-03-12") == []
    repo.commit("领导审阅，上报结果", date="2026-03-12T17:00:00+08:00")
    history = invoke(repo.root, "history", PATH.split("/")[-1][:-5]).output
    assert "领导审阅（副市长 林静）2026-03-11；上报结果（省政府督查室）2026-03-12" in history
    assert "2026-03-02  立项审批  副市长 林静同意立项" in history
    sealed = invoke(repo.root, "archive", "--year", "2026", "--today", "2026-03-13")
    assert sealed.exit_code == 0 and "已归档 cases/2026/DC-2026-0001.yaml" in sealed.output


def test_a_new_item_is_assigned_only_with_its_approval(tmp_path: Path, invoke: Invoke) -> None:
    repo = office_repo(tmp_path)
    refused = invoke(repo.root, "new", "--title", "校园安全检查", "--category", "领导批示", "--registered", "2026-03-02",
                     "--assigned", "2026-03-02", "--lead-unit", "市住建局", "--owner", "孙立新", "--requirements", "检查。")
    assert refused.exit_code == 1 and "[--approved-by] 事项已于 2026-03-02 交办，但没有立项审批记录（approval）" in refused.output
    made = invoke(repo.root, "new", "--title", "校园安全检查", "--category", "领导批示", "--registered", "2026-03-02",
                  "--assigned", "2026-03-03", "--lead-unit", "市住建局", "--owner", "孙立新", "--requirements", "检查。",
                  "--approved-by", "副市长 林静", "--priority", "急")
    assert made.exit_code == 0, made.output
    text = repo.read(PATH)
    assert "priority: 急\n" in text and "approval:\n  date: 2026-03-03\n  by: 副市长 林静\nassigned: 2026-03-03\n" in text
    # Before the rule's effective date an item needs none.
    earlier = invoke(repo.root, "new", "--title", "春节值守", "--category", "领导批示", "--registered", "2026-02-10",
                     "--assigned", "2026-02-10", "--lead-unit", "市住建局", "--owner", "孙立新", "--requirements", "值守。")
    assert earlier.exit_code == 0, earlier.output
