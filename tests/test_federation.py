"""上下联动 for real: three offices (省 → 市 → 县), each its own repository with a bare repository on disk as
its remote, read by ``file://``, by a plain path, and by a ``git bundle`` carried across.

A task flows down two levels (``ducha intake``) and its report back up two levels (``ducha rollup --accept``);
the guard refuses links that do not hold; a rewritten history and an unreachable remote are shown, never
fatal; the public site shows only what each office publishes. The chain is built once for the module
(every step's output kept); tests that change it work on a copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import Result

from .conftest import Invoke
from .gitrepo import GitRepo

#: Fetch times the command line would read from the clock, fixed so that outputs are exact.
AT_0304 = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
AT_0309 = dt.datetime(2026, 3, 9, 9, 30, tzinfo=AT_0304.tzinfo)
AT_0320 = dt.datetime(2026, 3, 20, 10, 0, tzinfo=AT_0304.tzinfo)
AT_0323 = dt.datetime(2026, 3, 23, 9, 0, tzinfo=AT_0304.tzinfo)
AT_0325 = dt.datetime(2026, 3, 25, 9, 0, tzinfo=AT_0304.tzinfo)

SHENG_OFFICE = """name: 某省人民政府督查室
prefix: SD
fonds: "0001"
units:
  - name: 青川市督查室
    full_name: 青川市人民政府督查室
  - name: 省财政厅
    full_name: 某省财政厅
subordinates:
  - name: 青川市督查室
    remote: ../remotes/市.git
"""
SHI_OFFICE = """name: 青川市人民政府督查室
prefix: DC
fonds: "0371"
units:
  - name: 甲县督查室
    full_name: 甲县人民政府督查室
  - name: 市住建局
    full_name: 青川市住房和城乡建设局
superior:
  name: 某省人民政府督查室
  remote: file://{root}/remotes/省.git
subordinates:
  - name: 甲县督查室
    remote: ../remotes/县.git
"""
XIAN_OFFICE = """name: 甲县人民政府督查室
prefix: JX
fonds: "0372"
units:
  - name: 县住建局
    full_name: 甲县住房和城乡建设局
superior:
  name: 青川市人民政府督查室
  remote: ../carried/甲县督查室.bundle
  ref: refs/ducha/share/甲县督查室
"""
#: 交办 on Monday 2026-03-02 with 30个工作日: counted from 3月3日, 4+5+5+5+2 working days to 3月31日 (21),
#: 4月1—3日 (24), 4月6日 is 清明 (off), 7—10日 (28), 13日, 14日 (30): due 2026-04-14.
DUE = "2026-04-14"
SD_0001 = """id: SD-2026-0001
title: 燃气安全隐患排查整治
category: 上级交办
source:
  doc_no: 国办发〔2026〕3号
requirements: 对全省餐饮场所开展燃气安全排查。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 青川市督查室
owner: 周明
time_limit: 30个工作日
"""
SD_0002 = """id: SD-2026-0002
title: 省级财政专项资金清理
category: 上级交办
requirements: 清理专项资金。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 省财政厅
owner: 钱进
time_limit: 30个工作日
"""
SD_0003 = """id: SD-2026-0003
title: 信访积案化解（内部）
category: 上级交办
requirements: 化解信访积案。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 青川市督查室
owner: 周明
time_limit: 30个工作日
visibility: 内部
"""
#: The extension the 省 approves on SD-2026-0003 after the 市 took it in.
SD_0003_EXTENDED = SD_0003 + """extensions:
  - requested: 2026-03-05
    reason: 涉及多个部门，需要协调。
    approved: 2026-03-06
    approved_by: 省政府秘书长 高远
    until: 2026-05-15
"""
XIAN_HANDLED = """progress:
  - date: 2026-03-10
    by: 县住建局
    summary: 已排查餐饮场所120家。
reports:
  - date: 2026-03-18
    doc_no: 甲建〔2026〕5号
    signer: 赵刚
    summary: 排查整治完毕，发现隐患12处，已全部整改。
reviews:
  - date: 2026-03-19
    reviewer: 县督查室 孙丽
    result: 通过
notes: 县内部备注不上报
"""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}).stdout


def _sha256_at(repo: Path, commit: str, path: str) -> str:
    """The digest of a file as git holds it, worked out with git and hashlib alone."""
    raw = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=repo, capture_output=True, check=True).stdout
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Chain:
    """The three offices after the task went down and the report came back up, with every step's output."""

    root: Path
    sheng: GitRepo
    shi: GitRepo
    xian: GitRepo
    out: dict[str, Result] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # files as a step wrote them
    commits: dict[str, str] = field(default_factory=dict)


class _Steps:
    """Runs ducha in-process with the clock fixed at each step."""

    def __init__(self, chain: Chain, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
        self.chain, self.invoke, self.monkeypatch = chain, invoke, monkeypatch

    def run(self, repo: GitRepo, name: str, *args: str, at: dt.datetime = AT_0304, code: int = 0) -> Result:
        for module in ("ducha.cli.federation", "ducha.cli.archive"):
            self.monkeypatch.setattr(f"{module}.beijing_now", lambda: at)
        result = self.invoke(repo.root, *args)
        assert result.exit_code == code, (name, result.output)
        self.chain.out[name] = result
        return result

    def commit(self, repo: GitRepo, message: str, date: str) -> str:
        sha = repo.commit(message, date=f"{date}T09:00:00+08:00")
        repo.git("push", "-q", "origin", "main")
        return sha


def _office(repo: GitRepo, text: str) -> None:
    repo.write("office.yaml", text)


def _build(root: Path, invoke: Invoke) -> Chain:
    (root / "remotes").mkdir(parents=True)
    for name in ("省", "市", "县"):
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(root / "remotes" / f"{name}.git")], check=True)
    chain = Chain(root, GitRepo(root / "省"), GitRepo(root / "市"), GitRepo(root / "县"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        steps = _Steps(chain, invoke, monkeypatch)
        sheng, shi, xian = chain.sheng, chain.shi, chain.xian
        for repo, name in ((sheng, "省"), (shi, "市"), (xian, "县")):
            repo.git("remote", "add", "origin", f"../remotes/{name}.git")  # relative: a copy of the chain pushes to its own
        _office(sheng, SHENG_OFFICE)
        _office(shi, SHI_OFFICE.format(root=root))
        _office(xian, XIAN_OFFICE)
        for path, text in (("SD-2026-0001", SD_0001), ("SD-2026-0002", SD_0002), ("SD-2026-0003", SD_0003)):
            sheng.write(f"cases/2026/{path}.yaml", text)
        chain.commits["省"] = steps.commit(sheng, "立项交办", "2026-03-02")
        steps.commit(shi, "启用", "2026-03-02")
        steps.commit(xian, "启用", "2026-03-02")

        # Down one level: the 市 takes in what the 省 assigned to it, by file://.
        steps.run(shi, "intake", "intake", "--today", "2026-03-04")
        for case_id in ("DC-2026-0001", "DC-2026-0002"):
            chain.texts[case_id] = shi.read(f"cases/2026/{case_id}.yaml")
        steps.run(shi, "intake again", "intake", "--today", "2026-03-04")
        steps.run(shi, "guard intake", "guard", "--base", "main", "--today", "2026-03-04")
        shi.replace("cases/2026/DC-2026-0001.yaml", f"time_limit: {DUE}", "time_limit: 2026-04-30")
        steps.run(shi, "guard later due", "guard", "--base", "main", "--today", "2026-03-04", code=1)
        shi.replace("cases/2026/DC-2026-0001.yaml", "time_limit: 2026-04-30", f"time_limit: {DUE}")
        shi.replace("cases/2026/DC-2026-0001.yaml", "title: 燃气安全隐患排查整治", "title: 燃气安全排查")
        steps.run(shi, "guard changed title", "guard", "--base", "main", "--today", "2026-03-04", code=1)
        shi.replace("cases/2026/DC-2026-0001.yaml", "title: 燃气安全排查", "title: 燃气安全隐患排查整治")
        steps.commit(shi, "登记上级交办事项", "2026-03-04")
        shi.replace("cases/2026/DC-2026-0001.yaml", "# assigned: 交办日期\n# lead_unit: 主办单位简称\n# owner: 责任人\n",
                    "assigned: 2026-03-04\nlead_unit: 甲县督查室\nowner: 李华\n")
        chain.commits["市 交办"] = steps.commit(shi, "交办甲县", "2026-03-04")
        steps.run(shi, "share", "share", "--today", "2026-03-04", "--bundle", str(root / "carried"))

        # Down the second level: the 县 takes it in from the bundle the 市 published for it.
        steps.run(xian, "xian intake", "intake", "--today", "2026-03-05", at=AT_0304)
        chain.texts["JX-2026-0001"] = xian.read("cases/2026/JX-2026-0001.yaml")
        steps.run(xian, "xian guard intake", "guard", "--base", "main", "--today", "2026-03-05", at=AT_0304)
        steps.commit(xian, "登记上级交办事项", "2026-03-05")

        # Changed above after intake: offered to the 市, never applied.
        sheng.write("cases/2026/SD-2026-0003.yaml", SD_0003_EXTENDED)
        chain.commits["省 延期"] = steps.commit(sheng, "批准延期", "2026-03-06")
        steps.run(shi, "intake changed", "intake", "--today", "2026-03-09", at=AT_0309)
        chain.texts["DC-2026-0002 after offer"] = shi.read("cases/2026/DC-2026-0002.yaml")
        steps.run(shi, "intake record", "intake", "--today", "2026-03-09", "--no-fetch", "--record", "DC-2026-0002",
                  at=AT_0309)
        steps.run(shi, "guard record", "guard", "--base", "main", "--today", "2026-03-09", at=AT_0309)
        steps.commit(shi, "登记上级变更", "2026-03-09")

        # The 县 handles it and approves its unit's report.
        xian.replace("cases/2026/JX-2026-0001.yaml", "# assigned: 交办日期\n# lead_unit: 主办单位简称\n# owner: 责任人\n",
                     "assigned: 2026-03-05\nlead_unit: 县住建局\nowner: 王强\n")
        xian.append("cases/2026/JX-2026-0001.yaml", XIAN_HANDLED)
        chain.commits["县 办结"] = steps.commit(xian, "办结", "2026-03-19")

        # Up one level: the 市 reads the 县 (a path to its bare repository) and accepts its report.
        steps.run(shi, "rollup", "rollup", "--today", "2026-03-20", at=AT_0320)
        steps.run(shi, "accept", "rollup", "--today", "2026-03-20", "--no-fetch", "--accept", "DC-2026-0001", at=AT_0320)
        chain.texts["DC-2026-0001 accepted"] = shi.read("cases/2026/DC-2026-0001.yaml")
        steps.run(shi, "guard accept", "guard", "--base", "main", "--today", "2026-03-20", at=AT_0320)
        shi.append("cases/2026/DC-2026-0001.yaml", "reviews:\n  - date: 2026-03-20\n    reviewer: 市督查室 周敏\n    result: 通过\n")
        chain.commits["市 办结"] = steps.commit(shi, "采用甲县办理报告，审核通过", "2026-03-20")
        steps.run(shi, "status", "status", "--today", "2026-03-20", at=AT_0320)

        # Up the second level: the 省 reads the 市 (full history) and accepts the report the 市 accepted.
        steps.run(sheng, "sheng rollup", "rollup", "--today", "2026-03-23", at=AT_0323)
        steps.run(sheng, "sheng accept", "rollup", "--today", "2026-03-23", "--no-fetch", "--accept", "SD-2026-0001",
                  at=AT_0323)
        steps.run(sheng, "sheng guard accept", "guard", "--base", "main", "--today", "2026-03-23", at=AT_0323)
        path = "cases/2026/SD-2026-0001.yaml"
        honest = sheng.read(path)
        for name, old, new in (("sha256", "sha256: ", "sha256: 0"), ("doc_no", "甲建〔2026〕5号", "甲建〔2026〕6号"),
                               ("commit", f"commit: {chain.commits['市 办结']}", "commit: " + "1" * 40)):
            sheng.write(path, honest.replace(old, new, 1) if name != "sha256" else re.sub(  # a digit it does not have
                r"sha256: ([0-9a-f])", lambda m: "sha256: " + ("1" if m[1] == "0" else "0"), honest, count=1))
            steps.run(sheng, f"sheng guard forged {name}", "guard", "--base", "main", "--today", "2026-03-23", at=AT_0323,
                      code=1)
        sheng.write(path, honest)
        sheng.append(path, "reviews:\n  - date: 2026-03-23\n    reviewer: 省督查室 吴刚\n    result: 通过\n")
        steps.commit(sheng, "采用青川市办理报告，审核通过", "2026-03-23")
        steps.run(sheng, "sheng status offices", "status", "--offices", "--today", "2026-03-23", at=AT_0323)
        steps.run(sheng, "sheng report", "report", "--period", "2026-03", "--today", "2026-03-31", at=AT_0323)
    return chain


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    from click.testing import CliRunner

    from ducha.cli import cli

    runner = CliRunner()

    def invoke(root: Path, *args: str) -> Result:
        return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)

    return _build(tmp_path_factory.mktemp("chain"), invoke)


@pytest.fixture
def copy(chain: Chain, tmp_path: Path) -> Chain:
    """The chain copied, for a test that changes it (remotes are relative paths, so the copy reads itself)."""
    root = tmp_path / "chain"
    shutil.copytree(chain.root, root, symlinks=True)
    return Chain(root, _repo(root / "省"), _repo(root / "市"), _repo(root / "县"), commits=chain.commits)


def _repo(root: Path) -> GitRepo:
    repo = GitRepo.__new__(GitRepo)
    repo.root = root
    return repo


# --- down ---------------------------------------------------------------------------------------------------


def test_a_task_from_above_becomes_a_case_here(chain: Chain) -> None:
    commit = chain.commits["省"]
    digest = _sha256_at(chain.root / "省", commit, "cases/2026/SD-2026-0001.yaml")
    assert chain.out["intake"].output == (
        f"上级「某省人民政府督查室」：提交 {commit[:8]}，读取于 2026-03-04 09:30。\n"
        f"已登记 DC-2026-0001：上级 SD-2026-0001 燃气安全隐患排查整治，上级到期日 {DUE} → cases/2026/DC-2026-0001.yaml\n"
        f"已登记 DC-2026-0002：上级 SD-2026-0003 信访积案化解（内部），上级到期日 {DUE} → cases/2026/DC-2026-0002.yaml\n"
        "请核对后提交（git add cases && git commit），经审核合并后生效。\n")
    assert chain.texts["DC-2026-0001"] == (
        "# yaml-language-server: $schema=../../schema/case.schema.json\n"
        "# 督查事项 DC-2026-0001：某省人民政府督查室 SD-2026-0001 交办本室，由 ducha intake 登记。\n"
        "# 交办本室的承办单位时填写 assigned、lead_unit、owner；办理时限不得晚于上级的到期日。\n"
        "id: DC-2026-0001\n"
        "title: 燃气安全隐患排查整治\n"
        "category: 上级交办\n"
        "source:\n"
        "  doc_no: 国办发〔2026〕3号\n"
        "  upstream:\n"
        '    office: "0001"\n'
        "    id: SD-2026-0001\n"
        f"    commit: {commit}\n"
        f"    sha256: {digest}\n"
        "requirements: 对全省餐饮场所开展燃气安全排查。\n"
        "registered: 2026-03-04\n"
        "# assigned: 交办日期\n"
        "# lead_unit: 主办单位简称\n"
        "# owner: 责任人\n"
        f"time_limit: {DUE}  # 上级到期日\n")
    # 内部 above stays 内部 here; the task of the 省财政厅 (SD-2026-0002) was not for the 市.
    assert chain.texts["DC-2026-0002"].endswith(f"time_limit: {DUE}  # 上级到期日\nvisibility: 内部\n")
    assert chain.out["guard intake"].output.endswith("2 个督查事项文件有改动，均为追加；全部校验通过。\n")


def test_intake_run_twice_registers_nothing_twice(chain: Chain) -> None:
    assert chain.out["intake again"].output == (
        f"上级「某省人民政府督查室」：提交 {chain.commits['省'][:8]}，读取于 2026-03-04 09:30。\n"
        "已登记过的上级事项 2 个，不重复登记。\n没有新的上级交办事项。\n")
    assert sorted(p.name for p in (chain.root / "市" / "cases" / "2026").iterdir()) == ["DC-2026-0001.yaml", "DC-2026-0002.yaml"]


def test_the_guard_holds_what_intake_wrote(chain: Chain) -> None:
    assert "cases/2026/DC-2026-0001.yaml:" in chain.out["guard later due"].output
    assert (f"[time_limit] 到期日 2026-04-30 晚于上级事项 SD-2026-0001 的到期日 {DUE}："
            "上级交办的事项，本室的期限不能晚于上级。") in chain.out["guard later due"].output
    assert "[title] 事项名称与上级事项 SD-2026-0001 不同：登记上级交办事项须照录上级的写法。" in chain.out["guard changed title"].output


def test_a_bundle_carries_the_task_down_a_second_level(chain: Chain) -> None:
    share = chain.out["share"].output
    assert "共享给「甲县督查室」：refs/ducha/share/甲县督查室（已更新" in share and "1 个事项，bundle：" in share
    shared = _git(chain.root / "市", "ls-tree", "-r", "--name-only", "refs/ducha/share/甲县督查室").split()
    assert shared == ["cases/2026/DC-2026-0001.yaml", "office.yaml", "schema/case.schema.json"]
    share_commit = _git(chain.root / "市", "rev-parse", "refs/ducha/share/甲县督查室").strip()
    text = chain.texts["JX-2026-0001"]
    assert f"    office: \"0371\"\n    id: DC-2026-0001\n    commit: {share_commit}\n" in text
    # The share holds the very blob of the 市's history: the digest is the same whichever is read.
    assert f"    sha256: {_sha256_at(chain.root / '市', chain.commits['市 交办'], 'cases/2026/DC-2026-0001.yaml')}\n" in text
    assert text.endswith(f"time_limit: {DUE}  # 上级到期日\n")
    assert chain.out["xian guard intake"].output.endswith("1 个督查事项文件有改动，均为追加；全部校验通过。\n")
    office_shared = _git(chain.root / "市", "show", "refs/ducha/share/甲县督查室:office.yaml")
    assert "superior" not in office_shared and "remote: unshared" in office_shared and "../remotes" not in office_shared


def test_a_change_above_is_offered_never_applied(chain: Chain) -> None:
    out = chain.out["intake changed"].output
    assert ("上级事项有变化（本室记录未改动）：DC-2026-0002（上级 SD-2026-0003）：上级到期日 2026-04-14 → 2026-05-15。\n"
            "    本室的到期日不随上级自动推迟：确需延期的，追加延期申请（extensions），经批准后生效。\n"
            "    知悉后登记：ducha intake --record DC-2026-0002\n") in out
    assert chain.texts["DC-2026-0002 after offer"] == chain.texts["DC-2026-0002"]
    assert "已登记上级变更 DC-2026-0002：上级到期日 2026-04-14 → 2026-05-15。" in chain.out["intake record"].output
    recorded = (chain.root / "市" / "cases" / "2026" / "DC-2026-0002.yaml").read_text(encoding="utf-8")
    assert recorded.startswith(chain.texts["DC-2026-0002"])
    extended = chain.commits["省 延期"]
    assert recorded.endswith("upstream_changes:\n  - date: 2026-03-09\n"
                             f"    commit: {extended}\n"
                             f"    sha256: {_sha256_at(chain.root / '省', extended, 'cases/2026/SD-2026-0003.yaml')}\n"
                             "    summary: 上级到期日 2026-04-14 → 2026-05-15\n")
    assert chain.out["guard record"].output.endswith("均为追加；全部校验通过。\n")


# --- up -----------------------------------------------------------------------------------------------------


def test_the_report_comes_back_up_two_levels(chain: Chain) -> None:
    xian_commit, shi_commit = chain.commits["县 办结"], chain.commits["市 办结"]
    assert chain.texts["DC-2026-0001 accepted"].endswith(
        "reports:\n  - date: 2026-03-18\n    doc_no: 甲建〔2026〕5号\n    signer: 赵刚\n"
        "    summary: 排查整治完毕，发现隐患12处，已全部整改。\n    downstream:\n      office: \"0372\"\n"
        f"      id: JX-2026-0001\n      commit: {xian_commit}\n"
        f"      sha256: {_sha256_at(chain.root / '县', xian_commit, 'cases/2026/JX-2026-0001.yaml')}\n")
    sheng = (chain.root / "省" / "cases" / "2026" / "SD-2026-0001.yaml").read_text(encoding="utf-8")
    assert ("reports:\n  - date: 2026-03-18\n    doc_no: 甲建〔2026〕5号\n    signer: 赵刚\n"
            "    summary: 排查整治完毕，发现隐患12处，已全部整改。\n    downstream:\n      office: \"0371\"\n"
            f"      id: DC-2026-0001\n      commit: {shi_commit}\n"
            f"      sha256: {_sha256_at(chain.root / '市', shi_commit, 'cases/2026/DC-2026-0001.yaml')}\n") in sheng
    assert chain.out["guard accept"].output.endswith("均为追加；全部校验通过。\n")
    assert chain.out["sheng guard accept"].output.endswith("均为追加；全部校验通过。\n")


def test_rollup_shows_the_subordinates_own_view(chain: Chain) -> None:
    # 县's own rules: 交办 2026-03-05 with the date the 市 gave (2026-04-14); reported 3-18, passed 3-19: on time.
    assert chain.out["rollup"].output == (
        "下级督查室办理情况（2026-03-20，按各下级自己的规则和日历计算）\n"
        "下级督查室        交办  未登记  红灯  黄灯  绿灯  待审核  按期办结  超期办结  按期办结率  超期未办结\n"
        "甲县督查室        1     0       0     0     0     0       1         0         100.0%      0\n\n"
        f"甲县督查室：提交 {chain.commits['县 办结'][:8]}，读取于 2026-03-20 10:00\n")
    assert chain.out["status"].output.endswith(
        "下级办理情况（各下级按自己的规则计算；本室的灯色仍按本室的到期日）\n"
        f"DC-2026-0001（本室：按期办结，到期 {DUE}）\n"
        f"  甲县督查室 JX-2026-0001：已办结，按期办结，到期 {DUE}（提交 {chain.commits['县 办结'][:8]}，读取于 2026-03-20 10:00）\n"
        "      最新进展：2026-03-10 县住建局：已排查餐饮场所120家。\n"
        "      审核通过的办理报告：2026-03-18 甲建〔2026〕5号（签发：赵刚）：排查整治完毕，发现隐患12处，已全部整改，2026-03-19 审核通过\n")


def test_status_offices_and_the_report_rank_subordinate_offices(chain: Chain) -> None:
    assert chain.out["sheng status offices"].output.startswith(
        "下级督查室办理情况（2026-03-23，按各下级自己的规则和日历计算）\n"
        "下级督查室        交办  未登记  红灯  黄灯  绿灯  待审核  按期办结  超期办结  按期办结率  超期未办结\n"
        "青川市督查室      2     0       0     0     0     0       1         0         100.0%      0\n")
    report = chain.out["sheng report"].output
    assert ("| 排名 | 下级督查室 | 办结 | 按期 | 超期 | 按期办结率 | 超期未办结 | 协办事项 | 本年度被通报批评 |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
            "| 1 | 青川市督查室 | 1 | 1 | 0 | 100.0% | 0 | 0 | — |\n") in report
    assert f"- 青川市督查室：提交 {chain.commits['市 办结'][:8]}，读取于 2026-03-23 09:00\n" in report


def test_the_guard_refuses_a_report_the_subordinate_never_approved(chain: Chain) -> None:
    out = chain.out
    assert "[reports[0].downstream] 校验值与下级「青川市督查室」仓库提交" in out["sheng guard forged sha256"].output
    assert ("[reports[0].downstream] 这份办理报告与下级 DC-2026-0001 审核通过的报告（2026-03-18 甲建〔2026〕5号）不一致："
            "采用下级的报告须照录其日期、发文字号、签发人和办理情况。") in out["sheng guard forged doc_no"].output
    assert "[reports[0].downstream] 链接的提交 11111111 不在下级「青川市督查室」仓库的提交历史中" in out["sheng guard forged commit"].output


def test_no_office_writes_into_another(chain: Chain) -> None:
    for name in ("省", "市", "县"):
        refs = _git(chain.root / "remotes" / f"{name}.git", "for-each-ref", "--format=%(refname)").split()
        assert refs == ["refs/heads/main"]
        assert _git(chain.root / name, "status", "--porcelain", "--", "cases", "office.yaml") == ""
    fetched = _git(chain.root / "省", "for-each-ref", "--format=%(refname)", "refs/ducha").split()
    assert fetched == ["refs/ducha/offices/青川市督查室/baseline", "refs/ducha/offices/青川市督查室/head"]


# --- failures are shown, never fatal ----------------------------------------------------------------------


def test_a_rewritten_history_is_flagged_everywhere(copy: Chain, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    xian, shi = _repo(copy.root / "县"), _repo(copy.root / "市")
    xian.replace("cases/2026/JX-2026-0001.yaml", "发现隐患12处", "发现隐患2处")
    xian.git("commit", "-q", "--amend", "-a", "--no-edit", date="2026-03-19T09:00:00+08:00")
    xian.git("push", "-q", "--force", "origin", "main")
    monkeypatch.setattr("ducha.cli.federation.beijing_now", lambda: AT_0325)
    lost = copy.commits["县 办结"][:8]
    flag = f"历史被改写：2026-03-25 09:00 发现，此前读取的提交 {lost} 已不在对方的提交历史中"
    result = invoke(shi.root, "rollup", "--today", "2026-03-25")
    assert result.exit_code == 0 and flag in result.output
    assert flag in invoke(shi.root, "rollup", "--today", "2026-03-25").output  # still, at the next read
    assert flag in invoke(shi.root, "status", "--today", "2026-03-25").output
    assert flag in invoke(shi.root, "report", "--period", "2026-03", "--today", "2026-03-31").output
    assert invoke(shi.root, "pages", "--today", "2026-03-25").exit_code == 0
    pages = shi.root / "build" / "docs-internal"
    assert flag in (pages / "offices.md").read_text(encoding="utf-8")
    assert flag in (pages / "cases" / "2026" / "DC-2026-0001.md").read_text(encoding="utf-8")
    verified = invoke(shi.root, "verify")
    assert verified.exit_code == 1
    assert f"[reports[0].downstream] 所链接的「甲县督查室」的提交 {lost}（JX-2026-0001）已不在对方的提交历史中" in verified.output
    accepted = invoke(shi.root, "rollup", "--today", "2026-03-25", "--accept-rewrite", "甲县督查室")
    assert accepted.exit_code == 0 and "历史被改写" not in accepted.output


def test_an_unreachable_remote_is_stale_not_fatal(copy: Chain, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    shi = _repo(copy.root / "市")
    (copy.root / "remotes" / "县.git").rename(copy.root / "remotes" / "县-搬走.git")
    monkeypatch.setattr("ducha.cli.federation.beijing_now", lambda: AT_0325)
    result = invoke(shi.root, "rollup", "--today", "2026-03-25")
    assert result.exit_code == 0
    assert ("注意：数据可能已过时：2026-03-25 09:00 读取失败（无法读取 ../remotes/县.git 的 main（git：" in result.output
            and "显示的是 2026-03-20 10:00 读取的数据" in result.output)
    assert "甲县督查室        1     0       0     0     0     0       1" in result.output  # the last good read
    assert invoke(shi.root, "pages", "--profile", "public", "--today", "2026-03-25").exit_code == 0
    public = (shi.root / "build" / "docs-public" / "offices.md").read_text(encoding="utf-8")
    # The public is told the data is old, not where the repository lives nor what git answered.
    assert "数据可能已过时：2026-03-25 09:00 读取失败（对方仓库暂时无法读取），显示的是 2026-03-20 10:00 读取的数据" in public
    assert "remotes" not in public and "git：" not in public


def test_a_newer_format_below_is_read_for_what_is_known(copy: Chain, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    xian, shi = _repo(copy.root / "县"), _repo(copy.root / "市")
    assert '"format": 1' in invoke(shi.root, "rollup", "--today", "2026-03-25", "--no-fetch", "--format", "json").output
    xian.write("schema/case.schema.json", '{"x-format-version": 99}\n')
    xian.append("cases/2026/JX-2026-0001.yaml", "future_field: 将来的字段\n")
    xian.commit("新格式", date="2026-03-24T09:00:00+08:00")
    xian.git("push", "-q", "origin", "main")
    monkeypatch.setattr("ducha.cli.federation.beijing_now", lambda: AT_0325)
    result = invoke(shi.root, "rollup", "--today", "2026-03-25")
    assert "对方使用较新的记录格式（第 99 版，本室 ducha 为第 2 版）：本室不认识的字段未读取。修改：升级本室的 ducha。" in result.output
    assert "甲县督查室        1     0       0     0     0     0       1" in result.output


# --- what each office publishes ----------------------------------------------------------------------------


def test_the_public_site_shows_only_what_each_office_publishes(chain: Chain, invoke: Invoke) -> None:
    sheng = chain.root / "省"
    for profile in ("internal", "public"):
        assert invoke(sheng, "pages", "--profile", profile, "--today", "2026-03-23").exit_code == 0
    internal, public = sheng / "build" / "docs-internal", sheng / "build" / "docs-public"
    page = (public / "cases" / "2026" / "SD-2026-0001.md").read_text(encoding="utf-8")
    assert "下级办理情况" in page and "DC-2026-0001" in page
    assert not (public / "cases" / "2026" / "SD-2026-0003.md").exists()
    assert "DC-2026-0002" not in (public / "offices.md").read_text(encoding="utf-8")
    assert "DC-2026-0002" in (internal / "offices.md").read_text(encoding="utf-8")
    shi = chain.root / "市"
    assert invoke(shi, "pages", "--today", "2026-03-23").exit_code == 0
    for folder, theirs in ((internal, "李华"), (public, "李华"), (shi / "build" / "docs-internal", "王强")):
        every = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.md"))
        # A subordinate's 责任人 and notes are its own: no page above shows them, internal or public.
        assert theirs not in every and "县内部备注" not in every
    assert "排查整治完毕，发现隐患12处" in (shi / "build" / "docs-internal" / "offices.md").read_text(encoding="utf-8")


def test_what_the_superior_receives_carries_the_offices_own_totals(chain: Chain) -> None:
    shi = chain.root / "市"
    shared = _git(shi, "ls-tree", "-r", "--name-only", "refs/ducha/share/某省人民政府督查室").split()
    # At the share (2026-03-04): both cases taken in from above; none of the 市's own cases go up.
    assert shared == ["cases/2026/DC-2026-0001.yaml", "cases/2026/DC-2026-0002.yaml", "office.yaml",
                      "schema/case.schema.json", "shared/totals.json"]
    totals = _git(shi, "show", "refs/ducha/share/某省人民政府督查室:shared/totals.json")
    # DC-2026-0001 交办 that day, due 2026-04-14: open and green; DC-2026-0002 registered only.
    assert totals == ('{\n "as_of": "2026-03-04",\n "total": 2,\n "open": 1,\n "red": 0,\n "yellow": 0,\n "green": 1,\n'
                      ' "pending": 0,\n "closed_on_time": 0,\n "closed_late": 0,\n "registered": 1,\n "cancelled": 0\n}\n')


def test_accept_takes_only_what_the_subordinate_approved(copy: Chain, invoke: Invoke) -> None:
    sheng = copy.root / "省"
    waiting = invoke(sheng, "rollup", "--no-fetch", "--today", "2026-03-23", "--accept", "SD-2026-0003")
    assert waiting.exit_code == 2
    assert waiting.output == "错误：SD-2026-0003 的下级办理报告尚未经下级审核通过（青川市督查室 DC-2026-0002 立项）。\n"
    again = invoke(sheng, "rollup", "--no-fetch", "--today", "2026-03-23", "--accept", "SD-2026-0001")
    assert again.exit_code == 2 and again.output == "错误：SD-2026-0001 已采用过 青川市督查室 DC-2026-0001 的这份办理报告。\n"
    assert _git(sheng, "status", "--porcelain", "--", "cases") == ""


def test_intake_without_its_superior_writes_nothing(copy: Chain, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    xian = copy.root / "县"
    (copy.root / "carried" / "甲县督查室.bundle").unlink()
    monkeypatch.setattr("ducha.cli.federation.beijing_now", lambda: AT_0325)
    result = invoke(xian, "intake", "--today", "2026-03-25")
    assert result.exit_code == 0
    assert result.output.startswith("上级「青川市人民政府督查室」：提交 ")
    assert "注意：数据可能已过时：2026-03-25 09:00 读取失败（无法读取 ../carried/甲县督查室.bundle 的 refs/ducha/share/甲县督查室" in result.output
    assert _git(xian, "status", "--porcelain", "--", "cases") == ""


def test_a_due_date_here_never_runs_past_the_superiors(copy: Chain, invoke: Invoke) -> None:
    shi = _repo(copy.root / "市")
    path = "cases/2026/DC-2026-0002.yaml"
    recorded = shi.read(path)
    correction = ("corrections:\n  - date: 2026-03-24\n    field: time_limit\n    old: 2026-04-14\n    new: {day}\n"
                  "    reason: 上级已批准延期至 2026-05-15。\n    approved_by: 市督查室主任 周敏\n")
    # The 上级变更 recorded on 2026-03-09 says the 省 extended SD-2026-0003 to 2026-05-15: up to that day is allowed.
    # The problem stands at the correction's new value: line 29 of the file (template 19 lines, the change 5, this 5).
    shi.write(path, recorded + correction.format(day="2026-05-15"))
    assert invoke(shi.root, "guard", "--base", "main", "--today", "2026-03-24").exit_code == 0
    shi.write(path, recorded + correction.format(day="2026-06-01"))
    refused = invoke(shi.root, "guard", "--base", "main", "--today", "2026-03-24")
    assert refused.exit_code == 1
    assert (f"{path}:29:10: [time_limit] 到期日 2026-06-01 晚于上级事项 SD-2026-0003 的到期日 2026-05-15："
            "上级交办的事项，本室的期限不能晚于上级。") in refused.output


# --- 考核 (issue 25, item 5) ---------------------------------------------------------------------------------

#: The 市's scoring rules (appended to its office.yaml), with a 30-day 续报 interval.
SHI_SCORING = """progress_interval_days: 30
scoring:
  period: 年度
  base: "100"
  items:
    closed_on_time: {points: "1", label: 按期办结}
    closed_late: {points: "-1", label: 超期办结}
    overdue_workdays: {points: "-0.5", cap: "-3", label: 超期每个工作日}
    returned: {points: "-1", label: 退回重办}
    progress_missed: {points: "-0.5", label: 未按时续报}
    receipt_overdue: {points: "-0.5", label: 超时未签收}
"""
#: The 县 handles the task late instead: its first report (4月8日) is sent back the next day, the second comes
#: two working days after the due date (4月14日) and passes on 4月17日.
XIAN_LATE = """progress:
  - date: 2026-03-10
    by: 县住建局
    summary: 已排查餐饮场所120家。
reports:
  - date: 2026-04-08
    doc_no: 甲建〔2026〕5号
    signer: 赵刚
    summary: 排查完毕。
  - date: 2026-04-16
    doc_no: 甲建〔2026〕6号
    signer: 赵刚
    summary: 发现隐患12处，已全部整改。
reviews:
  - date: 2026-04-09
    reviewer: 县督查室 孙丽
    result: 退回
    opinion: 未写明整改情况。
  - date: 2026-04-17
    reviewer: 县督查室 孙丽
    result: 通过
"""


def test_subordinate_offices_are_scored_on_their_own_records(copy: Chain, invoke: Invoke) -> None:
    xian, shi = copy.xian, copy.shi
    xian.replace("cases/2026/JX-2026-0001.yaml", XIAN_HANDLED, XIAN_LATE)
    late = xian.commit("重新办理", date="2026-04-17T09:00:00+08:00")
    xian.git("push", "-q", "origin", "main")
    shi.append("office.yaml", SHI_SCORING)
    assert invoke(shi.root, "rollup", "--today", "2026-04-20").exit_code == 0
    result = invoke(shi.root, "score", "--period", "2026", "--offices", "--as-of", "2026-04-30", "--format", "json")
    assert result.exit_code == 0, result.output
    [office] = json.loads(result.output)
    # By hand, the 市's rules on the 县's record of JX-2026-0001 (交办 3月5日, due 4月14日): sent back on 4-09 (-1);
    # in hand again and 31 days past the progress of 3-10 on 4-10 (-0.5; 30 on 4-09 is not past); 4月15、16日
    # overdue until the report (2 × -0.5); closed late on 4-17 (-1).
    assert (office["unit"], office["score"], office["data_commit"]) == ("甲县督查室", 96.5, late)
    assert [[i["date"], i["rule"], i["case"], i["points"]] for i in office["items"]] == [
        ["2026-01-01", "base", None, 100], ["2026-04-09", "returned", "JX-2026-0001", -1],
        ["2026-04-10", "progress_missed", "JX-2026-0001", -0.5], ["2026-04-16", "overdue_workdays", "JX-2026-0001", -1],
        ["2026-04-17", "closed_late", "JX-2026-0001", -1]]
    # The 市's own board still scores the unit on the 市's record (the report it accepted, passed on 3-20: on time).
    own = json.loads(invoke(shi.root, "score", "--period", "2026", "--as-of", "2026-04-30", "--format", "json").output)
    mine = next(u for u in own if u["unit"] == "甲县督查室")
    assert [[i["date"], i["rule"], i["case"], i["points"]] for i in mine["items"]] == [
        ["2026-01-01", "base", None, 100], ["2026-03-20", "closed_on_time", "DC-2026-0001", 1]]
    text = invoke(shi.root, "score", "--period", "2026", "--offices", "--as-of", "2026-04-30").output
    assert f"下级督查室的记录：甲县督查室 提交 {late[:12]}" in text
    refused = invoke(xian.root, "score", "--period", "2026", "--offices", "--as-of", "2026-04-30")
    assert refused.exit_code == 2 and "office.yaml 中没有下级督查室（subordinates）" in refused.output
