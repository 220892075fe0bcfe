"""节点: a long task split into milestones, each with its own due date and light; the case takes the worst."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ducha.load.office import load_office
from ducha.model.case import Case, Milestone
from ducha.model.logs import Followup, Progress, Report, Review
from ducha.model.timelimit import parse_time_limit
from ducha.outputs.present import chase_reasons, flags
from ducha.rules.deadlines import Light, deadline

from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo

D = dt.date.fromisoformat
OFFICE = load_office(EXAMPLES)
# 交办 Wed 2026-01-14; due 2026-12-31. 节点 A on 4月30日; B 3个月 from 交办 → 4月14日 (a Tuesday).
SITES = Milestone("完成选址设计", due=D("2026-04-30"))
START = Milestone("全部开工", time_limit=parse_time_limit("3个月"))


def case(*progress: Progress, **facts: Any) -> Case:
    return Case(id="DC-2026-0001", title="口袋公园", category="年度重点工作", registered=D("2026-01-12"),
                path="cases/2026/DC-2026-0001.yaml", assigned=D("2026-01-14"), lead_unit="市住建局", owner="孙立新",
                requirements="建成20个", time_limit=parse_time_limit("2026-12-31"), milestones=(SITES, START),
                progress=progress, **facts)


def done(day: str, name: str) -> Progress:
    return Progress(D(day), f"{name}已完成", "市住建局", name)


@pytest.mark.parametrize(("today", "progress", "lights", "case_light", "reasons"), [
    # 4月10日 (Fri): A has 14 working days left (Qingming 4月4—6日 is behind); B has 2 (4月13日, 14日).
    ("2026-04-10", (), [Light.GREEN, Light.YELLOW], Light.YELLOW, ["节点「全部开工」剩2个工作日"]),
    ("2026-04-15", (), [Light.GREEN, Light.RED], Light.YELLOW, ["未达到序时进度（节点「全部开工」超期1个工作日）"]),
    # B reported done two days late; A still has 10 working days (4月17日, 20—24日, 27—30日): the case is green.
    ("2026-04-16", ("2026-04-16",), [Light.GREEN, Light.LATE], Light.GREEN, []),
    # 5月1—5日 are off: 5月6日 is the first working day past A's due date.
    ("2026-05-06", ("2026-04-16",), [Light.RED, Light.LATE], Light.YELLOW, ["未达到序时进度（节点「完成选址设计」超期1个工作日）"]),
])
def test_milestone_lights_and_the_case_light(today: str, progress: tuple[str, ...], lights: list[Light],
                                             case_light: Light, reasons: list[str]) -> None:
    status = deadline(case(*(done(day, "全部开工") for day in progress)), OFFICE, D(today))
    assert [m.light for m in status.milestones] == lights
    assert [m.due for m in status.milestones] == [D("2026-04-30"), D("2026-04-14")]
    assert (status.light, status.due_light) == (case_light, Light.GREEN)
    assert chase_reasons(status) == reasons


def test_behind_schedule_is_yellow_never_red_and_the_case_own_due_date_still_rules() -> None:
    late = deadline(case(), OFFICE, D("2026-05-06"))
    assert [m.name for m in late.behind] == ["完成选址设计", "全部开工"] and late.light is Light.YELLOW
    assert flags(late) == "未达到序时进度"
    assert late.as_json()["behind_schedule"] == ["完成选址设计", "全部开工"]
    overdue = deadline(case(), OFFICE, D("2027-01-05"))  # past the case's own due date: red
    assert (overdue.light, overdue.days_overdue) == (Light.RED, 5)


def test_milestones_stop_counting_once_the_case_is_closed_or_reopened() -> None:
    report = Report(D("2026-03-20"), "测建〔2026〕1号", "吴永强", "提前完成")
    passed = Review(D("2026-03-23"), "王晓峰", "通过")
    closed = deadline(case(reports=(report,), reviews=(passed,)), OFFICE, D("2026-05-06"))
    assert [m.light for m in closed.milestones] == [Light.NONE, Light.NONE] and closed.light is Light.DONE
    again = Followup(D("2026-04-01"), "督查二组", "未全部开工", "整改不到位", parse_time_limit("20个工作日"))
    reopened = deadline(case(reports=(report,), reviews=(passed,), followups=(again,)), OFFICE, D("2026-04-20"))
    assert (reopened.round, reopened.milestones, reopened.light) == (2, (), Light.GREEN)


RECORD = """id: DC-2026-0001
title: 新建城市口袋公园20个
category: 年度重点工作
registered: 2026-01-12
assigned: 2026-01-14
lead_unit: 市住建局
owner: 孙立新
requirements: 年内新建城市口袋公园20个。
time_limit: 2026-12-31
milestones:
  - name: 完成选址设计
    due: 2026-04-30
  - name: 建成10个
    due: 2026-08-31
"""
PATH = "cases/2026/DC-2026-0001.yaml"


def lights(repo: GitRepo, invoke: Invoke, today: str) -> tuple[str, list[str]]:
    row = json.loads(invoke(repo.root, "status", "--today", today, "--format", "json").output)[0]
    return row["light"], row["behind_schedule"]


def test_milestone_lights_over_time_in_git(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, RECORD)
    repo.commit("交办，分解节点", date="2026-01-14T10:00:00+08:00")
    assert lights(repo, invoke, "2026-04-01") == ("green", [])
    assert lights(repo, invoke, "2026-04-28") == ("yellow", [])  # 节点 due in 2 working days
    assert lights(repo, invoke, "2026-05-08") == ("yellow", ["完成选址设计"])
    repo.append(PATH, "progress:\n  - date: 2026-05-08\n    by: 市住建局\n    summary: 选址设计全部完成。\n"
                      "    milestone: 完成选址设计\n")
    repo.commit("报告节点完成", date="2026-05-08T16:00:00+08:00")
    assert lights(repo, invoke, "2026-05-08") == ("green", [])
    assert lights(repo, invoke, "2026-09-01") == ("yellow", ["建成10个"])
    # The plan is only added to: rewriting a 节点's due date is refused like any recorded fact.
    repo.git("checkout", "-q", "-b", "改期")
    repo.replace(PATH, "due: 2026-08-31", "due: 2026-10-31")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-09-01")
    assert guard.exit_code == 1 and "改写了节点第2条" in guard.output
    repo.replace(PATH, "due: 2026-10-31", "due: 2026-08-31")
    repo.replace(PATH, "progress:", "  - name: 全部建成\n    due: 2026-11-30\nprogress:")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-09-01")
    assert guard.exit_code == 0, guard.output
    repo.commit("新增节点", date="2026-09-01T10:00:00+08:00")
    assert "新增节点「全部建成」（完成期限 2026-11-30）" in invoke(repo.root, "history", "DC-2026-0001").output
    assert invoke(repo.root, "pages", "--today", "2026-09-01").exit_code == 0
    page = (repo.root / "build/docs-internal/cases/2026/DC-2026-0001.md").read_text(encoding="utf-8")
    assert '<p class="ducha-warning">未达到序时进度（节点「建成10个」超期1个工作日）</p>' in page
    assert ('<td data-label="节点">完成选址设计</td><td data-label="要求">—</td><td data-label="完成期限">2026-04-30</td>'
            '<td data-label="完成情况">2026-05-08 超期完成（超期3个工作日）</td>') in page
    urge = tmp_path / "催办单.docx"
    assert invoke(repo.root, "doc", "urge", "DC-2026-0001", "--today", "2026-09-01", "-o", str(urge)).exit_code == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(str(urge)).paragraphs)
    assert "督查催办单（黄色）" in text
    assert "节点「建成10个」应于2026年8月31日完成，至今未报送完成情况，未达到序时进度" in text


def test_report_lists_items_behind_schedule(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, RECORD)
    repo.commit("交办", date="2026-01-14T10:00:00+08:00")
    report = invoke(repo.root, "report", "--period", "2026-05", "--today", "2026-05-08").output
    assert "未达到序时进度 1 项。" in report
    assert "| 1 | DC-2026-0001 | 新建城市口袋公园20个 | 市住建局 | 节点「完成选址设计」应于 2026-04-30 完成，超期3个工作日 |" in report


def test_no_milestone_no_change() -> None:
    plain = dataclasses.replace(case(), milestones=())
    status = deadline(plain, OFFICE, D("2026-05-06"))
    assert (status.milestones, status.light, status.behind) == ((), Light.GREEN, ())
