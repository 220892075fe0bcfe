"""One parser bounds every date and time limit (issue 21, item 3): a typo like ``99999个工作日`` or
year 9999 is refused where it is written, with file:line and the fix, so it can never reach a command
that would fail on it — in a record, office.yaml, a 督办令, an option."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo
from .records import ASSIGNED, PATH


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("bounds") / "repo")
    repo.write(PATH, ASSIGNED)
    repo.commit("交办")
    return repo


def test_an_order_with_a_deadline_past_any_calendar_is_refused(repo: GitRepo, invoke: Invoke) -> None:
    result = invoke(repo.root, "measure", "--kind", "督办令", "--unit", "市住建局", "--case", "DC-2026-0001",
                    "--reason", "进展缓慢。", "--by", "副市长 林静", "--deadline", "99999个工作日", "--date", "2026-03-12")
    assert (result.exit_code, result.output) == (2, "错误：限期「99999个工作日」超出 1—999个工作日的范围。修改：检查数字是否写错。\n")
    assert not (repo.root / "accountability").exists()


ORDER = """number: "1"
kind: 督办令
doc_no: 测督令〔2026〕1号
date: 2026-03-12
unit: 市住建局
cases: [DC-2026-0001]
reason: 进展缓慢。
deadline: 99999个工作日
by: 副市长 林静
"""


def _validate(tmp_path: Path, invoke: Invoke, files: dict[str, str]) -> tuple[int, str]:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "office.yaml").write_text((EXAMPLES / "office.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in {PATH: ASSIGNED, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    result = invoke(root, "validate", "--today", "2026-03-20")
    return result.exit_code, result.output.splitlines()[0]


def test_a_hand_written_order_past_any_calendar_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    assert _validate(tmp_path, invoke, {"accountability/2026/2026-001.yaml": ORDER}) == (
        1, "accountability/2026/2026-001.yaml:8:11: [deadline] 限期「99999个工作日」超出 1—999个工作日的范围。 修改：检查数字是否写错。")


@pytest.mark.parametrize(("edit", "expected"), [
    (("time_limit: 5个工作日\n", "time_limit: 99999个工作日\n"),
     "cases/2026/DC-2026-0001.yaml:9:13: [time_limit] 办理时限「99999个工作日」超出 1—999个工作日的范围。 修改：检查数字是否写错。"),
    (("time_limit: 5个工作日\n", "time_limit: 9999-12-31\n"),
     "cases/2026/DC-2026-0001.yaml:9:13: [time_limit] 办理时限「9999-12-31」超出 2000—2099 年的范围。 修改：检查年份是否写错。"),
    (("assigned: 2026-03-02\n", "assigned: 2026-03-02\nprogress:\n  - date: 9999-12-31\n    summary: 已排查。\n"),
     "cases/2026/DC-2026-0001.yaml:7:11: [progress[0].date] 日期 9999-12-31 超出 2000—2099 年的范围。 修改：检查年份是否写错。"),
], ids=["workdays", "year 9999", "entry date"])
def test_a_record_past_any_calendar_is_refused(tmp_path: Path, invoke: Invoke, edit: tuple[str, str], expected: str) -> None:
    record = (ASSIGNED + "time_limit: 5个工作日\n").replace(*edit)
    assert _validate(tmp_path, invoke, {PATH: record}) == (1, expected)


@pytest.mark.parametrize(("edit", "expected"), [
    (("    time_limit: 30个工作日\n", "    time_limit: 99999个工作日\n"),
     "office.yaml:13:17: [categories.上级交办.time_limit] 时限「99999个工作日」超出 1—999个工作日的范围。 修改：检查数字是否写错。"),
    (("categories:\n", "late_entry_workdays: 999\ncategories:\n"),
     "office.yaml:11:22: [late_entry_workdays] 补录的认定期限（工作日）「999」超出 1—10 的范围。 修改：写 1 到 10 之间的整数。"),
    (("categories:\n", "followup_after_days: 99999999\ncategories:\n"),
     "office.yaml:11:22: [followup_after_days] 办结后回头看的天数「99999999」超出 1—3650 的范围。 修改：写 1 到 3650 之间的整数。"),
    (("categories:\n", "adopted_on: 9999-12-31\ncategories:\n"),
     "office.yaml:11:13: [adopted_on] 日期 9999-12-31 超出 2000—2099 年的范围。 修改：检查年份是否写错。"),
], ids=["time limit", "late entry workdays", "followup days", "adopted on"])
def test_office_settings_past_their_bounds_are_refused(tmp_path: Path, invoke: Invoke, edit: tuple[str, str],
                                                       expected: str) -> None:
    office = (EXAMPLES / "office.yaml").read_text(encoding="utf-8").replace(*edit)
    assert _validate(tmp_path, invoke, {"office.yaml": office}) == (1, expected)


@pytest.mark.parametrize("command", [["status", "--as-of"], ["pages", "--today"], ["report", "--period", "2026", "--today"]])
def test_an_option_past_the_years_is_a_usage_error(repo: GitRepo, invoke: Invoke, command: list[str]) -> None:
    result = invoke(repo.root, *command, "9999-12-31")
    assert result.exit_code == 2
    assert result.output.endswith("日期 9999-12-31 超出 2000—2099 年的范围。修改：检查年份是否写错。\n")
