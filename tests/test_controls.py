"""Settings that guard the guard (issue 21, item 5): a pull request changing the office's controls is named as
such in the guard's report (CODEOWNERS approve it), adopted_on is set once and never ahead, and the demo
list, matched by content, only shrinks once the office has adopted ducha ("demo laundering")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import records
from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo

TODAY = "2026-03-10"
CONTROLS = """late_entry_workdays: 5
internal_fields: [owner]
review_signers:
  - gitea@dcs.example.cn ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx
reminders:
  smtp:
    host: mail.example.cn
    sender: ducha@example.cn
  webhook:
    url: http://im.example.cn/hook
"""


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write(records.PATH, records.ASSIGNED)
    repo.commit("交办")
    repo.git("checkout", "-q", "-b", "pr")
    return repo


def _guard(repo: GitRepo, invoke: Invoke, *options: str) -> tuple[int, str]:
    result = invoke(repo.root, "guard", "--base", "main", "--today", TODAY, *options)
    return result.exit_code, result.output


def test_a_change_to_the_controls_is_named_for_the_reviewer(repo: GitRepo, invoke: Invoke) -> None:
    repo.append("office.yaml", CONTROLS)
    repo.replace("office.yaml", "categories:\n", "categories:\n  领导批示:\n    revisions:\n"
                                                  "      - effective_from: 2026-04-01\n        time_limit: 10个工作日\n")
    code, output = _guard(repo, invoke)
    assert code == 0, output
    assert output.splitlines()[1:] == [
        "本合并请求改动了督查室的控制设置（须经 CODEOWNERS 中的督查室管理员批准后才能合并）：",
        "- 补录期限（工作日）（late_entry_workdays）：（未设置） → 5",
        "- 审核服务器的签名公钥（review_signers）：（未设置） → gitea@dcs.example.cn ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx",
        "- 公开版隐藏的字段（internal_fields）：（未设置） → owner",
        "- 规则修订（categories.领导批示.revisions）：（未设置） → effective_from: 2026-04-01；time_limit: 10个工作日",
        "- 提醒邮件的发信服务器（密码随之发送）（reminders.smtp）：（未设置） → host: mail.example.cn；sender: ducha@example.cn",
        "- 提醒消息的接收地址（令牌随之发送）（reminders.webhook）：（未设置） → url: http://im.example.cn/hook"]
    data = json.loads(_guard(repo, invoke, "--format", "json")[1])
    assert [c["key"] for c in data["controls"]] == ["late_entry_workdays", "review_signers", "internal_fields",
                                                     "categories.领导批示.revisions", "reminders.smtp", "reminders.webhook"]


def test_pointing_the_reminders_at_another_server_is_named(repo: GitRepo, invoke: Invoke) -> None:
    repo.append("office.yaml", CONTROLS)
    repo.commit("提醒", date="2026-03-02T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "-b", "pr2")
    repo.replace("office.yaml", "host: mail.example.cn", "host: mail.elsewhere.net")
    repo.replace("office.yaml", "internal_fields: [owner]", "internal_fields: []")
    code, output = _guard(repo, invoke)
    assert code == 0 and output.splitlines()[2:] == [
        "- 公开版隐藏的字段（internal_fields）：owner → （空）",
        ("- 提醒邮件的发信服务器（密码随之发送）（reminders.smtp）：host: mail.example.cn；sender: ducha@example.cn"
        " → host: mail.elsewhere.net；sender: ducha@example.cn")]


@pytest.mark.parametrize(("before", "after", "expected"), [
    (None, "adopted_on: 2099-12-31\n",
     ("office.yaml:18:13: [adopted_on] 启用日期 2099-12-31 晚于今天（2026-03-10）：设在将来，在此之前写入的记录就都不按补录认定了。"
     " 修改：写实际启用 ducha（迁移旧台账）的日期，不晚于今天。")),
    ("adopted_on: 2026-03-02\n", "adopted_on: 2026-03-09\n",
     ("office.yaml:18:13: [adopted_on] 启用日期（adopted_on）只能设置一次：原为 2026-03-02，本次改为 2026-03-09。"
     "改动它，就能把此前写晚了的记录说成是从旧台账迁移来的，不按补录认定。 修改：恢复 `adopted_on: 2026-03-02`。")),
    ("adopted_on: 2026-03-02\n", "",
     ("office.yaml: [adopted_on] 启用日期（adopted_on）只能设置一次：原为 2026-03-02，本次删除了它。"
     "改动它，就能把此前写晚了的记录说成是从旧台账迁移来的，不按补录认定。 修改：恢复 `adopted_on: 2026-03-02`。")),
], ids=["in the future", "moved", "removed"])
def test_adopted_on_is_set_once_and_never_ahead(repo: GitRepo, invoke: Invoke, before: str | None, after: str,
                                                expected: str) -> None:
    if before is not None:
        repo.append("office.yaml", before)
        repo.commit("启用日期", date="2026-03-02T10:00:00+08:00")
        repo.git("checkout", "-q", "main")
        repo.git("merge", "-q", "--ff-only", "pr")
        repo.git("checkout", "-q", "-b", "pr2")
    repo.write("office.yaml", (EXAMPLES / "office.yaml").read_text(encoding="utf-8") + after)
    code, output = _guard(repo, invoke)
    assert code == 1 and expected in output.splitlines()


def test_adopted_on_set_for_the_first_time_is_named(repo: GitRepo, invoke: Invoke) -> None:
    repo.append("office.yaml", "adopted_on: 2026-03-02\n")
    code, output = _guard(repo, invoke)
    assert code == 0 and output.splitlines()[-1] == "- 启用日期（adopted_on）：（未设置） → 2026-03-02"


# --- the demo list -------------------------------------------------------------------------------------

OPEN = records.ASSIGNED.replace("0001", "0002").replace("2026", "2025")
SEALED = records.CLOSED.replace("2026", "2025")


@pytest.fixture
def demo(tmp_path: Path, invoke: Invoke) -> GitRepo:
    """The demo as shipped: a 2025 case sealed, two open, and DEMO.sha256 listing them and the manifest."""
    repo = GitRepo(tmp_path / "demo")
    repo.write("cases/2025/DC-2025-0001.yaml", SEALED)
    repo.write("cases/2025/DC-2025-0002.yaml", OPEN)
    repo.write("cases/2025/DC-2025-0003.yaml", OPEN.replace("0002", "0003"))
    repo.commit("示例数据", date="2026-03-02T10:00:00+08:00")
    assert invoke(repo.root, "archive", "--year", "2025", "--today", "2026-03-02").exit_code == 0
    assert invoke(repo.root, "mark-demo").exit_code == 0
    repo.commit("示例数据清单", date="2026-03-02T11:00:00+08:00")
    return repo


def _office_adopts(repo: GitRepo, invoke: Invoke) -> None:
    """The office removes a demo case (it has adopted ducha), and closes and seals another as its own (its content,
    and the manifest's, change)."""
    (repo.root / "cases/2025/DC-2025-0003.yaml").unlink()
    repo.append("cases/2025/DC-2025-0002.yaml", records.CLOSED[len(records.ASSIGNED):].replace("2026", "2025"))
    assert invoke(repo.root, "archive", "--year", "2025", "--today", "2026-03-09").exit_code == 0
    repo.commit("办结归档", date="2026-03-09T10:00:00+08:00")


def test_a_manifest_is_demo_by_its_content_not_its_paths(demo: GitRepo, invoke: Invoke) -> None:
    """Every line of the manifest names a listed path, but it now also seals the office's own record."""
    _office_adopts(demo, invoke)
    demo.git("checkout", "-q", "-b", "pr")
    for path in ("cases/2025/ARCHIVE.sha256", "cases/2025/DC-2025-0001.yaml"):
        (demo.root / path).unlink()
    code, output = _guard(demo, invoke)
    assert code == 1 and output.splitlines()[0].startswith(
        "cases/2025/ARCHIVE.sha256: 改动、删除或移动了归档清单中已有的内容：归档清单只能追加。")


def test_demo_laundering_is_refused(demo: GitRepo, invoke: Invoke) -> None:
    """`ducha mark-demo` after adoption would list a real record as demo, for a later pull request to delete it."""
    _office_adopts(demo, invoke)
    demo.git("checkout", "-q", "-b", "pr")
    assert invoke(demo.root, "mark-demo").exit_code == 0
    code, output = _guard(demo, invoke)
    assert code == 1 and output.splitlines()[0] == (
        "DEMO.sha256: 示例数据清单 DEMO.sha256 新增或改动了 2 行（如 cases/2025/ARCHIVE.sha256）：启用后，清单只能删减；"
        "登记在清单中的记录可以被删除，新增一行就能把真实记录当作示例数据删掉。 修改：撤销对 DEMO.sha256 的新增和改动"
        "（git checkout 基准分支 -- DEMO.sha256）；示例数据只由 ducha 的示例仓库维护。")
    assert output.splitlines()[-1] == ("- 示例数据清单（列出的记录可以删除）（DEMO.sha256）：4 行 → 3 行：新增或改动 2 行"
                                       "（如 cases/2025/ARCHIVE.sha256），删去 1 行")


def test_a_demo_list_that_init_removed_does_not_come_back(demo: GitRepo, invoke: Invoke) -> None:
    (demo.root / "DEMO.sha256").unlink()
    demo.commit("启用", date="2026-03-03T10:00:00+08:00")
    demo.git("checkout", "-q", "-b", "pr")
    assert invoke(demo.root, "mark-demo").exit_code == 0
    code, output = _guard(demo, invoke)
    assert code == 1 and output.splitlines()[0].startswith("DEMO.sha256: 示例数据清单 DEMO.sha256 新增或改动了 4 行")


def test_the_demo_itself_may_renew_its_list(demo: GitRepo, invoke: Invoke) -> None:
    """The demo's maintainers add a demo case and edit another, then renew the list (records and system apart)."""
    demo.write("cases/2025/DC-2025-0004.yaml", OPEN.replace("0002", "0004"))
    demo.append("cases/2025/DC-2025-0003.yaml", "notes: 示例。\n")
    demo.commit("新的示例事项", date="2026-03-03T10:00:00+08:00")
    demo.git("checkout", "-q", "-b", "pr")
    assert invoke(demo.root, "mark-demo").exit_code == 0
    code, output = _guard(demo, invoke)
    assert code == 0 and output.splitlines()[-1] == (
        "- 示例数据清单（列出的记录可以删除）（DEMO.sha256）：4 行 → 5 行：新增或改动 2 行（如 cases/2025/DC-2025-0003.yaml）")
