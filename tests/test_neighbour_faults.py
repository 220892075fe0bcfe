"""A neighbour office that is broken, careless or dishonest (上下联动): a 市 and its 县, each its own small
repository in ``tmp_path``, each reading the other by a plain path. Whatever the other side holds — never
fetched, an unreadable office.yaml, another office's records, case files that cannot be read or link
elsewhere, damaged totals — ``ducha intake`` and ``ducha rollup`` say so in Chinese and carry on with what
can be read; nothing is written and nothing crashes. (tests/test_federation.py walks the honest chain.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from .conftest import Invoke
from .gitrepo import GitRepo

#: The fetch time the command line would read from the clock.
AT = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

SHI_OFFICE = """name: 青川市人民政府督查室
prefix: DC
fonds: "0371"
units:
  - name: 甲县督查室
    full_name: 甲县人民政府督查室
  - name: 市住建局
    full_name: 青川市住房和城乡建设局
subordinates:
  - name: 甲县督查室
    remote: ../县
"""
XIAN_OFFICE = """name: 甲县人民政府督查室
prefix: JX
fonds: "0372"
units:
  - name: 县住建局
    full_name: 甲县住房和城乡建设局
superior:
  name: 青川市人民政府督查室
  remote: ../市
"""
#: 交办 on Monday 2026-03-02 with 30个工作日: counted from 3月3日, 21 working days to 3月31日, 4月1—3日 (24),
#: 4月6日 is 清明 (off), 7—10日 (28), 13日, 14日 (30): due 2026-04-14.
DC_0001 = """id: DC-2026-0001
title: 燃气安全隐患排查整治
category: 上级交办
requirements: 对全县餐饮场所开展燃气安全排查。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 甲县督查室
owner: 李华
time_limit: 30个工作日
"""
#: A case of the 市's own that only mentions the 县 in its text: not assigned to it.
DC_0002 = """id: DC-2026-0002
title: 老旧小区改造
category: 上级交办
requirements: 市住建局会同甲县督查室调研。
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 钱进
time_limit: 30个工作日
"""


def _xian_case(number: int, upstream_office: str, upstream_id: str, registered: str = "2026-03-04") -> str:
    return (f"id: JX-{registered[:4]}-{number:04d}\ntitle: 燃气安全隐患排查整治\ncategory: 上级交办\nsource:\n  upstream:\n"
            f'    office: "{upstream_office}"\n    id: {upstream_id}\n    commit: {"a" * 40}\n    sha256: {"b" * 64}\n'
            f"requirements: 排查。\nregistered: {registered}\n")


def _offices(tmp_path: Path) -> tuple[GitRepo, GitRepo]:
    """The 市 with two cases (one assigned to the 县) and the 县 with nothing yet, both committed."""
    shi, xian = GitRepo(tmp_path / "市"), GitRepo(tmp_path / "县")
    shi.write("office.yaml", SHI_OFFICE)
    shi.write("cases/2026/DC-2026-0001.yaml", DC_0001)
    shi.write("cases/2026/DC-2026-0002.yaml", DC_0002)
    shi.commit("立项交办")
    xian.write("office.yaml", XIAN_OFFICE)
    xian.commit("启用")
    return shi, xian


@pytest.fixture
def fetched_at(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr("ducha.cli.federation.beijing_now", lambda: AT)
    return AT


def _run(invoke: Invoke, repo: GitRepo, *args: str, code: int = 0) -> str:
    result = invoke(repo.root, *args, "--today", "2026-03-20")
    assert result.exit_code == code, result.output
    return result.output


def _untouched(repo: GitRepo) -> None:
    assert repo.git("status", "--porcelain", "--", "cases") == ""


# --- intake: the superior as the 县 reads it ------------------------------------------------------------------


def test_intake_before_any_fetch_says_nothing_was_read(tmp_path: Path, invoke: Invoke) -> None:
    _, xian = _offices(tmp_path)
    assert _run(invoke, xian, "intake", "--no-fetch") == (
        "上级「青川市人民政府督查室」：尚未读取。\n注意：尚未读取（运行 ducha rollup 或 ducha intake）。\n")
    _untouched(xian)


def test_intake_without_a_superior_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    shi, _ = _offices(tmp_path)
    assert _run(invoke, shi, "intake", code=2) == (
        "错误：office.yaml 没有设置上级督查室（superior）：先写明上级的 name 和 remote，见 README「上下联动」。\n")


@pytest.mark.parametrize(("office", "notes"), [
    (SHI_OFFICE.replace("青川市人民政府督查室", "白河市人民政府督查室").replace(
        "subordinates:\n  - name: 甲县督查室\n    remote: ../县\n", ""),
     ("注意：读取的是「白河市人民政府督查室」的记录，不是 office.yaml 所写的上级「青川市人民政府督查室」的："
      "检查 superior 的 name 和 remote。\n"
      "注意：上级的 office.yaml 没有把「甲县人民政府督查室」列为下级督查室（subordinates 及单位名录中的全称）："
      "上级须先登记本室，才能向本室交办事项。\n没有新的上级交办事项。\n")),
    # Nothing can be taken in from a superior whose office.yaml cannot be read.
    ("name: [青川市\n", "注意：对方的 office.yaml 无法读取：从这里开始的方括号 [ 没有配对的 ]，或者列表项之间少了半角逗号。\n"),
], ids=["another office, not listing this one", "unreadable office.yaml"])
def test_a_superior_that_is_another_office_or_cannot_be_read_is_named(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime, office: str, notes: str) -> None:
    shi, xian = _offices(tmp_path)
    shi.write("office.yaml", office)
    commit = shi.commit("改动")
    assert _run(invoke, xian, "intake") == f"上级「青川市人民政府督查室」：提交 {commit[:8]}，读取于 2026-03-20 10:00。\n" + notes
    _untouched(xian)


def test_an_unreadable_case_above_is_named_and_the_rest_taken_in(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _offices(tmp_path)
    shi.write("cases/2026/DC-2026-0003.yaml", "id: DC-2026-0003\nlead_unit: 甲县督查室\ntitle: [\n")
    shi.commit("又一件")
    out = _run(invoke, xian, "intake")
    assert out.splitlines()[1:] == [
        "注意：cases/2026/DC-2026-0003.yaml 无法读取：YAML 格式错误（解析器原话：did not find expected node content）。",
        # DC-2026-0002 names the 县 only in its 任务要求: not a task for it.
        "已登记 JX-2026-0001：上级 DC-2026-0001 燃气安全隐患排查整治，上级到期日 2026-04-14 → cases/2026/JX-2026-0001.yaml",
        "请核对后提交（git add cases && git commit），经审核合并后生效。"]
    assert sorted(p.name for p in (xian.root / "cases" / "2026").iterdir()) == ["JX-2026-0001.yaml"]


# --- rollup: the subordinate as the 市 reads it ---------------------------------------------------------------


def test_rollup_in_an_office_without_subordinates_says_so(tmp_path: Path, invoke: Invoke) -> None:
    _, xian = _offices(tmp_path)
    assert _run(invoke, xian, "rollup", "--no-fetch") == "office.yaml 没有设置下级督查室（subordinates）。\n"
    assert _run(invoke, xian, "status", "--offices") == "office.yaml 没有设置下级督查室（subordinates）。\n"


def test_rollup_before_any_fetch_shows_the_office_unread(tmp_path: Path, invoke: Invoke) -> None:
    shi, _ = _offices(tmp_path)
    assert _run(invoke, shi, "rollup", "--no-fetch") == (
        "下级督查室办理情况（2026-03-20，按各下级自己的规则和日历计算）\n"
        "下级督查室        交办  未登记  红灯  黄灯  绿灯  待审核  按期办结  超期办结  按期办结率  超期未办结\n"
        "甲县督查室        1     1       0     0     0     0       0         0         —           0\n\n"
        "甲县督查室：尚未读取\n  注意：尚未读取（运行 ducha rollup 或 ducha intake）\n"
        "  尚未登记的交办事项：DC-2026-0001\n")


def test_rollup_names_a_subordinate_that_cannot_be_read_or_is_another_office(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _offices(tmp_path)
    xian.write("office.yaml", "name: 甲县人民政府督查室\nprefix: JX\n")
    broken = xian.commit("写坏了")
    assert _run(invoke, shi, "rollup").endswith(
        f"甲县督查室：提交 {broken[:8]}，读取于 2026-03-20 10:00\n"
        "  未能读取：对方的 office.yaml 无法读取：units：缺少必填字段「单位名录」（units）。\n"
        "  尚未登记的交办事项：DC-2026-0001\n")
    xian.write("office.yaml", XIAN_OFFICE.replace("甲县人民政府督查室", "乙县人民政府督查室"))
    other = xian.commit("另一个县")
    assert _run(invoke, shi, "rollup").endswith(
        f"甲县督查室：提交 {other[:8]}，读取于 2026-03-20 10:00\n"
        "  未能读取：读取的是「乙县人民政府督查室」的记录，不是「甲县人民政府督查室」的：检查 office.yaml 中该下级督查室的 remote。\n"
        "  尚未登记的交办事项：DC-2026-0001\n")


def test_rollup_reads_only_the_subordinates_cases_that_name_one_of_this_offices(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _offices(tmp_path)
    xian.write("cases/2026/JX-2026-0001.yaml", _xian_case(1, "0371", "DC-2026-0001"))
    xian.write("cases/2026/JX-2026-0002.yaml", "id: JX-2026-0002\nsource:\n  upstream: [\n")
    xian.write("cases/2026/JX-2026-0003.yaml", _xian_case(3, "9999", "DC-2026-0001"))  # another office's DC-2026-0001
    xian.write("cases/2026/JX-2026-0004.yaml", _xian_case(4, "0371", "DC-2026-0099"))
    xian.write("cases/2026/JX-2026-0005.yaml", _xian_case(5, "0371", "DC-2026-0001", registered="2026-03-25"))
    commit = xian.commit("登记")
    assert _run(invoke, shi, "rollup").endswith(
        "甲县督查室        1     0       0     0     0     0       0         0         —           0\n\n"
        f"甲县督查室：提交 {commit[:8]}，读取于 2026-03-20 10:00\n"
        "  未能读取：cases/2026/JX-2026-0002.yaml 无法读取：YAML 格式错误（解析器原话：did not find expected node content）。\n"
        "  未能读取：JX-2026-0004 所写的上级事项 DC-2026-0099 在本室不存在。\n")
    _untouched(shi)


#: What a subordinate publishes of all its own cases (``ducha share`` writes it).
TOTALS = ('{"as_of": "2026-03-19", "total": 9, "open": 5, "red": 1, "yellow": 1, "green": 3, "pending": 1, '
          '"closed_on_time": 2, "closed_late": 1, "registered": 0, "cancelled": 0}\n')


def test_rollup_shows_the_totals_a_subordinate_publishes_and_ignores_damaged_ones(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _offices(tmp_path)
    xian.write("shared/totals.json", TOTALS)
    xian.commit("发布")
    # 按期办结率 2 of the 3 closed: 66.7%.
    assert ("  本身的全部事项（对方发布，截至 2026-03-19）：共 9 项：红灯 1，黄灯 1，绿灯 3，待审核 1，按期办结 2，超期办结 1，"
            "按期办结率 66.7%\n") in _run(invoke, shi, "rollup")
    for damaged in ('{"as_of": "2026-03-19", "total": 9}', TOTALS.replace("2026-03-19", "昨天"),
                    TOTALS.replace('"red": 1', '"red": "一"'), "[9]", "not json"):
        xian.write("shared/totals.json", damaged)
        commit = xian.commit("写坏了")
        assert _run(invoke, shi, "rollup").endswith(
            f"甲县督查室：提交 {commit[:8]}，读取于 2026-03-20 10:00\n  尚未登记的交办事项：DC-2026-0001\n"), damaged


#: 120个月 from 2099-01-05, then an approved extension of 120个月 more: due in 2119, past the calendar (2110).
BEYOND_THE_CALENDAR = """time_limit: 120个月
extensions:
  - requested: 2099-02-02
    reason: 工程量大。
    approved: 2099-02-03
    approved_by: 县长 赵刚
    time_limit: 120个月
"""


def test_a_due_date_beyond_the_calendar_is_named_never_fatal(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _offices(tmp_path)
    xian.write("cases/2099/JX-2099-0001.yaml", _xian_case(1, "0371", "DC-2026-0001", registered="2099-01-05").replace(
        "registered: 2099-01-05\n", "registered: 2099-01-05\nassigned: 2099-01-05\nlead_unit: 县住建局\nowner: 王强\n")
        + BEYOND_THE_CALENDAR)
    xian.commit("登记")
    rollup = invoke(shi.root, "rollup", "--today", "2099-06-01")
    assert rollup.exit_code == 0, rollup.output
    assert rollup.output.endswith(
        "  未能读取：JX-2099-0001 的到期日无法计算：办理时限（含延期）超出了日历范围（2110 年），请下级更正。\n"
        "  尚未登记的交办事项：DC-2026-0001\n")
    # The other way round (each office's own checks refuse such a record in its own repository).
    xian.git("rm", "-q", "cases/2099/JX-2099-0001.yaml")
    xian.commit("删除")
    shi.write("cases/2099/DC-2099-0001.yaml", DC_0001.replace("2026", "2099").replace("2099-03-02", "2099-01-05")
              .replace("time_limit: 30个工作日\n", BEYOND_THE_CALENDAR))
    shi.write("cases/2026/DC-2026-0001.yaml", DC_0001.replace("lead_unit: 甲县督查室", "lead_unit: 市住建局"))
    shi.commit("交办")
    intake = invoke(xian.root, "intake", "--today", "2099-06-01")
    assert intake.exit_code == 0, intake.output
    assert intake.output.splitlines()[1:] == [
        "注意：上级事项 DC-2099-0001 的到期日无法计算：办理时限（含延期）超出了日历范围（2110 年），请上级更正。",
        "没有新的上级交办事项。"]


# --- the superior changes a task after it was taken in ---------------------------------------------------------


def _taken_in(tmp_path: Path, invoke: Invoke) -> tuple[GitRepo, GitRepo]:
    """The 县 has taken in DC-2026-0001 (as JX-2026-0001, due 2026-04-14) on 2026-03-04 and committed it."""
    shi, xian = _offices(tmp_path)
    assert invoke(xian.root, "intake", "--today", "2026-03-04").exit_code == 0
    xian.commit("登记上级交办事项")
    return shi, xian


def test_a_shorter_term_and_a_rewritten_task_above_are_offered_with_what_to_do(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _taken_in(tmp_path, invoke)
    shi.write("cases/2026/DC-2026-0001.yaml", DC_0001.replace("title: 燃气安全隐患排查整治", "title: 燃气安全专项整治")
              .replace("对全县餐饮场所", "对全县餐饮场所和学校").replace("category: 上级交办\n", "category: 上级交办\npriority: 急\n")
              .replace("30个工作日", "20个工作日"))
    shi.commit("更正")
    before = xian.read("cases/2026/JX-2026-0001.yaml")
    # 20个工作日 counted from 3月3日: 4 + 5 + 5 + 5 to 3月27日 (19), 3月30日 (20).
    assert _run(invoke, xian, "intake").splitlines()[1:] == [
        "已登记过的上级事项 1 个，不重复登记。",
        ("上级事项有变化（本室记录未改动）：JX-2026-0001（上级 DC-2026-0001）：上级到期日 2026-04-14 → 2026-03-30；"
         "事项名称改为「燃气安全专项整治」；任务要求有变化；优先级改为「急」。"),
        ("    本室到期日 2026-04-14 晚于上级新的到期日 2026-03-30：在登记上级变更的同一合并请求中追加更正（corrections），"
         "把 time_limit 改为 2026-03-30 或更早。"),
        "    知悉后登记：ducha intake --record JX-2026-0001"]
    assert xian.read("cases/2026/JX-2026-0001.yaml") == before


def test_a_task_cancelled_or_moved_to_another_unit_above_is_offered(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _taken_in(tmp_path, invoke)
    shi.append("cases/2026/DC-2026-0001.yaml", "cancelled:\n  date: 2026-03-10\n  reason: 并入全市专项行动。\n"
                                               "  approved_by: 市长 刘志远\n")
    shi.commit("撤销")
    assert _run(invoke, xian, "intake").splitlines()[2:] == [
        "上级事项有变化（本室记录未改动）：JX-2026-0001（上级 DC-2026-0001）：上级已撤销该事项。",
        "    本室的事项如不再办理，填写撤销（cancelled）并报批。",
        "    知悉后登记：ducha intake --record JX-2026-0001"]
    shi.write("cases/2026/DC-2026-0001.yaml", DC_0001.replace("lead_unit: 甲县督查室", "lead_unit: 市住建局"))
    shi.commit("改由市住建局主办")
    assert _run(invoke, xian, "intake").splitlines()[2:] == [
        "上级事项有变化（本室记录未改动）：JX-2026-0001（上级 DC-2026-0001）：上级已改由市住建局主办，不再交办本室。",
        "    知悉后登记：ducha intake --record JX-2026-0001"]


def test_recording_a_change_that_is_not_there_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    _, xian = _taken_in(tmp_path, invoke)
    assert _run(invoke, xian, "intake", "--no-fetch", "--record", "JX-2026-0001", "--record", "DC-2026-0009", code=2) == (
        "错误：DC-2026-0009、JX-2026-0001 没有需要登记的上级变更（先运行 ducha intake 查看）。\n")
    _untouched(xian)


# --- accepting a subordinate's report ---------------------------------------------------------------------------

#: The 县's handling of its case: 交办 on 3月5日, reported on 3月10日 and approved by the 县 on 3月11日.
XIAN_HANDLED = """assigned: 2026-03-05
lead_unit: 县住建局
owner: 王强
time_limit: 2026-04-14
reports:
  - date: 2026-03-10
    doc_no: 甲建〔2026〕5号
    signer: 赵刚
    summary: 排查整治完毕。
reviews:
  - date: 2026-03-11
    reviewer: 县督查室 孙丽
    result: 通过
"""


def _handled_below(tmp_path: Path, *numbers: int) -> tuple[GitRepo, str]:
    """The 县 has handled DC-2026-0001 in each numbered case, and the 市 has read it; the 县's commit."""
    shi, xian = _offices(tmp_path)
    for number in numbers:
        xian.write(f"cases/2026/JX-2026-{number:04d}.yaml", _xian_case(number, "0371", "DC-2026-0001") + XIAN_HANDLED)
    return shi, xian.commit("办结")


def test_accepting_what_cannot_be_accepted_is_refused_and_nothing_written(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, _ = _handled_below(tmp_path, 1, 2)
    _run(invoke, shi, "rollup")
    for case_id, refusal in (
            ("DC-2026-0099", "本室没有事项 DC-2026-0099。"),
            ("DC-2026-0002", "DC-2026-0002 没有下级办理情况：交办下级督查室、下级已登记并经 ducha rollup 读取后才能采用其办理报告。"),
            ("DC-2026-0001", ("DC-2026-0001 有多个下级审核通过的办理报告（甲县督查室 JX-2026-0001、甲县督查室 JX-2026-0002）："
                              "请在记录中手工追加要采用的一份。"))):
        assert _run(invoke, shi, "rollup", "--accept", case_id, code=2) == f"错误：{refusal}\n"
    _untouched(shi)


RETURNED = "reviews:\n  - date: 2026-03-10\n    reviewer: 市督查室 周敏\n    result: 退回\n    opinion: 排查不全。\n"


def test_a_report_is_accepted_only_after_this_offices_last_one_was_reviewed(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, commit = _handled_below(tmp_path, 1)
    own = "reports:\n  - date: 2026-03-09\n    doc_no: 青建〔2026〕1号\n    signer: 周敏\n    summary: 先行排查。\n"
    shi.append("cases/2026/DC-2026-0001.yaml", own)
    shi.commit("本室的报告")
    _run(invoke, shi, "rollup")
    assert _run(invoke, shi, "rollup", "--accept", "DC-2026-0001", code=2) == (
        "错误：DC-2026-0001 的上一份办理报告尚未审核：先审核，再采用下级的报告。\n")
    _untouched(shi)
    shi.append("cases/2026/DC-2026-0001.yaml", RETURNED)
    shi.commit("退回")
    assert _run(invoke, shi, "rollup", "--accept", "DC-2026-0001") == (
        f"已在 DC-2026-0001 追加办理报告：采用 甲县督查室 JX-2026-0001 审核通过的报告（提交 {commit[:8]}，"
        "cases/2026/DC-2026-0001.yaml）。\n"
        "请审核这份报告（在 reviews 中追加审核），核对后提交（git add cases && git commit），经审核合并后生效。\n")
    # Reported on 3月10日 and taken in on 3月20日, 8 working days later (more than the 3 allowed): the entry says why.
    digest = hashlib.sha256((tmp_path / "县" / "cases/2026/JX-2026-0001.yaml").read_bytes()).hexdigest()
    assert shi.read("cases/2026/DC-2026-0001.yaml") == DC_0001 + own + (
        "  - date: 2026-03-10\n    doc_no: 甲建〔2026〕5号\n    signer: 赵刚\n    summary: 排查整治完毕。\n"
        "    late_reason: 下级督查室于 2026-03-11 审核通过，本室于 2026-03-20 经 ducha rollup 读取后采用\n"
        f"    downstream:\n      office: \"0372\"\n      id: JX-2026-0001\n      commit: {commit}\n      sha256: {digest}\n"
        + RETURNED)


# --- the guard: links written by hand ---------------------------------------------------------------------------


def _linked_case(number: int, office: str, case_id: str, commit: str, digest: str, title: str = "燃气安全隐患排查整治",
                 requirements: str = "对全县餐饮场所开展燃气安全排查。") -> str:
    return (f"id: JX-2026-{number:04d}\ntitle: {title}\ncategory: 上级交办\nsource:\n  upstream:\n"
            f'    office: "{office}"\n    id: {case_id}\n    commit: {commit}\n    sha256: {digest}\n'
            f"requirements: {requirements}\nregistered: 2026-03-20\n")


def test_the_guard_refuses_links_to_what_the_superior_never_wrote(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _taken_in(tmp_path, invoke)
    commit = shi.git("rev-parse", "HEAD")
    real = hashlib.sha256(DC_0001.encode()).hexdigest()
    # Each forged in its own file: a case the superior does not have, and the right case under another 全宗号.
    xian.write("cases/2026/JX-2026-0002.yaml", _linked_case(2, "0371", "DC-2026-0099", commit, real))
    xian.write("cases/2026/JX-2026-0003.yaml", _linked_case(3, "9999", "DC-2026-0001", commit, real))
    refused = _run(invoke, xian, "guard", "--base", "main", code=1)
    assert (f"cases/2026/JX-2026-0002.yaml:6:5: [source.upstream] 上级「青川市人民政府督查室」的仓库在提交 {commit[:8]} 中"
            "没有事项 DC-2026-0099。") in refused
    assert ("cases/2026/JX-2026-0003.yaml:6:5: [source.upstream] 链接写的全宗号 9999（编号前缀 DC）不是上级「青川市人民政府督查室」的"
            "（全宗号 0371，编号前缀 DC）。") in refused
    # A real case of the superior's, but not one it assigned here.
    (xian.root / "cases/2026/JX-2026-0003.yaml").unlink()
    other = hashlib.sha256(DC_0002.encode()).hexdigest()
    xian.write("cases/2026/JX-2026-0002.yaml", _linked_case(2, "0371", "DC-2026-0002", commit, other, title="老旧小区改造",
                                                            requirements="市住建局会同甲县督查室调研。"))
    refused = _run(invoke, xian, "guard", "--base", "main", code=1)
    assert ("cases/2026/JX-2026-0002.yaml:6:5: [source.upstream] 上级事项 DC-2026-0002 在该提交中没有交办本室。"
            " 修改：不要手工填写或修改链接：上级事项用 `ducha intake` 登记，下级报告用 `ducha rollup --accept` 采用。") in refused


def test_the_guard_refuses_a_report_from_below_that_is_not_this_cases(
        tmp_path: Path, invoke: Invoke, fetched_at: dt.datetime) -> None:
    shi, xian = _offices(tmp_path)
    cases = {1: _xian_case(1, "0371", "DC-2026-0001") + XIAN_HANDLED,  # approved, for DC-2026-0001
             2: _xian_case(2, "0371", "DC-2026-0002") + XIAN_HANDLED,  # approved, but for DC-2026-0002
             3: _xian_case(3, "0371", "DC-2026-0001")}  # for DC-2026-0001, not handled yet
    for number, text in cases.items():
        xian.write(f"cases/2026/JX-2026-{number:04d}.yaml", text)
    commit = xian.commit("办理")
    _run(invoke, shi, "rollup")
    reports = "".join(
        f"  - date: 2026-03-10\n    doc_no: 甲建〔2026〕5号\n    signer: 赵刚\n    summary: 排查整治完毕。\n"
        f'    downstream:\n      office: "{office}"\n      id: JX-2026-{number:04d}\n      commit: {commit}\n'
        f"      sha256: {hashlib.sha256(cases[number].encode()).hexdigest()}\n"
        for office, number in (("9999", 1), ("0372", 2), ("0372", 3)))
    shi.append("cases/2026/DC-2026-0001.yaml", "reports:\n" + reports)
    refused = _run(invoke, shi, "guard", "--base", "main", code=1)
    # Each entry is 9 lines from line 11 (after the case's 9 and `reports:`); a link stands at its first key.
    path = "cases/2026/DC-2026-0001.yaml"
    assert (f"{path}:16:7: [reports[0].downstream] 没有全宗号为 9999、编号前缀为 JX 的下级督查室（按已读取的各下级仓库）。"
            " 修改：先读取对方仓库（ducha intake 或 ducha rollup；CI 须能访问 office.yaml 中的 remote），再运行检查。") in refused
    assert f"{path}:25:7: [reports[1].downstream] 下级事项 JX-2026-0002 不是从本室的 DC-2026-0001 登记的。" in refused
    assert (f"{path}:34:7: [reports[2].downstream] 下级事项 JX-2026-0003 在该提交中尚未审核通过办理报告："
            "只能采用下级审核通过的报告。") in refused


# --- share: only what is committed, only to neighbours ----------------------------------------------------------


def test_share_publishes_only_committed_records_and_only_once(tmp_path: Path, invoke: Invoke) -> None:
    alone = GitRepo(tmp_path / "alone")  # the examples' office.yaml: no superior, no subordinates
    assert _run(invoke, alone, "share", code=2) == "错误：仓库还没有提交：共享的只能是已提交的记录。\n"
    alone.commit("启用")
    assert _run(invoke, alone, "share", code=2) == (
        "错误：office.yaml 没有设置上级或下级督查室（superior、subordinates），没有可共享的对象。\n")
    shi, _ = _offices(tmp_path)
    shi.append("cases/2026/DC-2026-0002.yaml", "# 未提交\n")
    assert _run(invoke, shi, "share", code=2) == (
        "错误：cases/ 或 office.yaml 有未提交的改动：共享的只能是已提交的记录。先提交（或撤销）这些改动。\n")
    shi.git("checkout", "--", "cases")
    first = _run(invoke, shi, "share")
    commit = shi.git("rev-parse", "refs/ducha/share/甲县督查室")
    assert first.startswith(f"共享给「甲县督查室」：refs/ducha/share/甲县督查室（已更新，提交 {commit[:8]}，1 个事项）\n")
    again = _run(invoke, shi, "share")
    assert again == first.replace("已更新", "无变化")
    assert shi.git("rev-parse", "refs/ducha/share/甲县督查室") == commit
