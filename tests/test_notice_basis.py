"""An issued 通报 agrees with the records at its data_commit, or says it is a leader's own decision (issue 21, item 3).

A hand-written notice criticising 市财政局 for DC-2026-0014 (which 市数据局 handles, with 市人社局 and
市民政局) with a real data_commit used to pass the guard and count towards 市财政局's yearly criticisms.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Invoke
from .gitrepo import GitRepo, committed_demo

NOTICE = "notices/2026/2026-014.yaml"
TODAY = "2026-11-23"
#: What `ducha report --period 2026-11 --issue` proposes on the demo records on 2026-11-23.
PROPOSED = """  - unit: 市城管局
    reason: DC-2026-0028 督办令限期届满仍无明显进展
    cases: [DC-2026-0028]
    grounds:
      - {case: DC-2026-0028, cause: 督办令 2026-11-02 后无明显进展}
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    root = committed_demo(tmp_path_factory.mktemp("notice") / "repo")
    repo = GitRepo.__new__(GitRepo)
    repo.root = root
    return repo


@pytest.fixture
def notice(demo: GitRepo) -> Iterator[Path]:
    path = demo.root / NOTICE
    yield path
    path.unlink(missing_ok=True)


def _write(demo: GitRepo, path: Path, criticised: str) -> None:
    commit = demo.git("rev-parse", "HEAD")
    path.write_text(f'number: "14"\ndoc_no: 青督查〔2026〕14号\ndate: {TODAY}\nperiod: 2026-11\ndata_commit: {commit}\n'
                    f"approved_by: 市长 刘志远\npraised: []\ncriticised:\n{criticised}", encoding="utf-8")


def _guard(demo: GitRepo, invoke: Invoke) -> tuple[int, list[str]]:
    result = invoke(demo.root, "guard", "--base", "main", "--today", TODAY)
    return result.exit_code, [line for line in result.output.splitlines() if line.startswith(NOTICE)]


def test_the_issued_notice_agrees(demo: GitRepo, invoke: Invoke, notice: Path) -> None:
    issued = invoke(demo.root, "report", "--period", "2026-11", "--today", TODAY, "--issue", "--number", "14",
                    "--approver", "市长 刘志远")
    assert issued.exit_code == 0, issued.output
    assert _guard(demo, invoke) == (0, [])


def test_a_part_of_the_proposal_agrees(demo: GitRepo, invoke: Invoke, notice: Path) -> None:
    _write(demo, notice, PROPOSED)
    assert _guard(demo, invoke) == (0, [])


def test_a_unit_is_not_criticised_for_a_case_it_never_handled(demo: GitRepo, invoke: Invoke, notice: Path) -> None:
    _write(demo, notice, "  - unit: 市财政局\n    reason: DC-2026-0014 超期未办结\n    cases: [DC-2026-0014]\n")
    commit = demo.git("rev-parse", "HEAD")[:12]
    assert _guard(demo, invoke) == (1, [
        (f"{NOTICE}:9:11: [criticised[0]] 市财政局不在依据数据提交 {commit} 按 2026-11（截至 2026-11-23）算出的拟批评名单中。 "
        "修改：通报只能采纳 `ducha report` 依据数据提交算出的拟表扬、拟批评名单（用 `ducha report --issue` 生成）；"
        "确是领导决定列入的，在这一项中写明 `leader_decision: {approved_by: 批准的领导, reason: 理由}`。"),
        (f"{NOTICE}:11:13: [criticised[0].cases[0]] DC-2026-0014 不是市财政局主办或协办的事项（数据提交 {commit} 时的承办单位："
        "市数据局、市人社局、市民政局）：不能因它批评市财政局。 修改：删除这一事项；通报只能就单位承办的事项批评该单位。")])


def test_a_criticism_beyond_the_proposal_is_a_leaders_decision(demo: GitRepo, invoke: Invoke, notice: Path) -> None:
    extra = "  - unit: 市数据局\n    reason: DC-2026-0014 推进缓慢\n    cases: [DC-2026-0014]\n"
    _write(demo, notice, PROPOSED + extra)
    code, lines = _guard(demo, invoke)
    assert code == 1 and [line.split(" 修改：")[0] for line in lines] == [
        (f"{NOTICE}:14:11: [criticised[1]] 市数据局不在依据数据提交 {demo.git('rev-parse', 'HEAD')[:12]} 按 2026-11"
        "（截至 2026-11-23）算出的拟批评名单中。")]
    _write(demo, notice, PROPOSED + extra + "    leader_decision: {approved_by: 市长 刘志远, reason: 市政府常务会议决定通报。}\n")
    assert _guard(demo, invoke) == (0, [])
    assert invoke(demo.root, "pages", "--today", TODAY).exit_code == 0  # the published notice says whose decision it was
    page = (demo.root / "build/docs-internal/notices/2026-014.md").read_text(encoding="utf-8")
    assert "<li>市数据局：DC-2026-0014 推进缓慢（领导决定：市长 刘志远批准；市政府常务会议决定通报。）</li>" in page


def test_a_case_or_a_cause_added_to_a_proposal_is_refused(demo: GitRepo, invoke: Invoke, notice: Path) -> None:
    widened = PROPOSED.replace("cases: [DC-2026-0028]", "cases: [DC-2026-0028, DC-2026-0035]").replace(
        "后无明显进展}\n", "后无明显进展}\n      - {case: DC-2026-0028, cause: 办理报告被退回3次}\n")
    _write(demo, notice, widened)
    code, lines = _guard(demo, invoke)
    commit = demo.git("rev-parse", "HEAD")[:12]
    assert code == 1 and [line.split(" 修改：")[0] for line in lines] == [
        (f"{NOTICE}:9:11: [criticised[0]] 批评市城管局涉及的 DC-2026-0035 不在依据数据提交 {commit} 按 2026-11（截至 2026-11-23）"
        "算出的拟批评名单所列的事项中（DC-2026-0028）：这些事项当时不符合所述规则。"),
        (f"{NOTICE}:9:11: [criticised[0]] 批评市城管局的依据 DC-2026-0028「办理报告被退回3次」不在依据数据提交 {commit} 按 2026-11"
        "（截至 2026-11-23）算出的拟批评名单的依据中。")]


def test_a_notice_on_records_that_do_not_load_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo.__new__(GitRepo)
    repo.root = committed_demo(tmp_path / "repo")
    case = "cases/2026/DC-2026-0014.yaml"
    good = repo.read(case)
    repo.write(case, good.replace("registered: 2026-", "registered: 2026-13-", 1))
    broken = repo.commit("写错的日期", date="2026-11-21T09:00:00+08:00")
    repo.write(case, good)
    repo.commit("改正", date="2026-11-21T10:00:00+08:00")
    path = repo.root / NOTICE
    path.write_text(f'number: "14"\ndoc_no: 青督查〔2026〕14号\ndate: {TODAY}\nperiod: 2026-11\ndata_commit: {broken}\n'
                    f"approved_by: 市长 刘志远\npraised: []\ncriticised: []\n", encoding="utf-8")
    assert _guard(repo, invoke) == (1, [
        (f"{NOTICE}:5:14: [data_commit] 通报依据的数据提交 {broken[:12]} 中的记录有问题，`ducha report` 在它上面无法生成通报："
        "通报内容无从核对。 修改：在记录无误的提交上用 `ducha report --issue` 重新生成通报。")])
