"""督查调研, 专业评估, 民意调查 and 满意度调查 (中办 1999 年意见 四；国办发〔2014〕42号 三、四；实施办法 第十三条
（八）（十）（十一）；中办 2012 年意见（七）): records of their own, cited by a case's 回访复核, listed in the 通报
and on the site, and, like a 督查专报, never rewritten once merged."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo

EXAMPLE = EXAMPLES / "valid" / "surveys-cited"
POLL = """number: "3"
kind: 民意调查
date: 2026-06-10
title: 夜市摊点设置民意调查
by: 市统计局城调队
method: 网络问卷
findings: 七成受访者支持集中设置夜市。
respondents: 1200
"""


def test_a_survey_is_cited_listed_and_never_rewritten(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    for folder in ("cases", "surveys"):
        shutil.copytree(EXAMPLE / folder, repo.root / folder)
    repo.commit("调研和满意度调查", date="2026-06-01T10:00:00+08:00")

    report = invoke(repo.root, "report", "--period", "2026-Q2", "--today", "2026-06-30").output
    assert "### 督查调研、评估和调查（2）" in report
    assert ("| 1 | 2026-001 | 督查调研 | 市住建局 | 2026-04-08「餐饮场所燃气安全整改落实情况」（督查二组）：抽查12家餐饮场所，"
            "4家燃气报警器仍未安装； 部分经营者对报警器作用认识不足；建议：由市住建局会同燃气公司上门安装，10个工作日内完成并复查 |"
            ) in report
    assert ("| 2 | 2026-002 | 满意度调查 | 市住建局 | 2026-05-18「餐饮场所燃气安全整改群众满意度」（市统计局城调队）："
            "受访商户和周边居民对整改结果总体满意，少数反映安装通知不及时；样本300份，满意率92.3% |") in report
    assert "督查调研、评估和调查" not in invoke(repo.root, "report", "--period", "2026-Q3", "--today", "2026-09-30").output

    assert invoke(repo.root, "pages", "--today", "2026-06-30").exit_code == 0
    case = (repo.root / "build/docs-internal/cases/2026/DC-2026-0001.md").read_text(encoding="utf-8")
    assert "<h2>督查调研、评估和调查</h2>" in case and "样本 300 份，满意率 92.3%" in case
    assert "餐饮场所燃气安全整改落实情况" in (repo.root / "build/docs-internal/notices/surveys.md").read_text(encoding="utf-8")
    assert invoke(repo.root, "pages", "--today", "2026-06-30", "--profile", "public").exit_code == 0
    assert not (repo.root / "build/docs-public/notices/surveys.md").exists()  # working papers: 在一定范围内
    assert "督查调研" not in (repo.root / "build/docs-public/cases/2026/DC-2026-0001.md").read_text(encoding="utf-8")

    shutil.rmtree(repo.root / "build")
    repo.git("checkout", "-q", "-b", "民意调查")
    repo.write("surveys/2026/2026-003.yaml", POLL)
    repo.commit("民意调查", date="2026-06-11T10:00:00+08:00")
    added = invoke(repo.root, "guard", "--base", "main", "--today", "2026-06-11")
    assert added.exit_code == 0, added.output
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "民意调查", "-m", "合并：民意调查", date="2026-06-11T11:00:00+08:00")
    repo.git("checkout", "-q", "-b", "改调查")
    repo.replace("surveys/2026/2026-003.yaml", "七成", "九成")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-06-12")
    assert guard.exit_code == 1
    assert "surveys/2026/2026-003.yaml: 改动了已合并的督查调研或调查记录：印发后不得修改。" in guard.output
