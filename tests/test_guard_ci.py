"""The CI judge is the base branch's ducha: a pull request that weakens the guard is still refused by it.

The repositories here carry ducha's own source, as the office's repository does; the pull
request edits `generator/ducha/repo/guard.py` so that it refuses nothing. `.ci/guard-with-base`,
taken from the base branch as the workflow does, runs the base's code against the PR's files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO
from .gitrepo import GitRepo
from .test_guard import CASE, JUDGED, PATH, TODAY

#: What the dishonest pull request appends to the guard: a `guard` that finds nothing wrong.
DISARMED = '''

def guard(root: Path, base: str, today: dt.date, now: dt.datetime | None = None) -> GuardResult:  # noqa: F811 - "simplified"
    return GuardResult(resolve(root, base), 0, ())
'''
GUARD = "generator/ducha/repo/guard.py"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """An office repository whose main branch holds ducha's source, the CI script and one case."""
    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(REPO / "generator", repo.root / "generator", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (repo.root / ".ci").mkdir()
    shutil.copy(REPO / ".ci" / "guard-with-base", repo.root / ".ci" / "guard-with-base")
    shutil.copy(REPO / "pyproject.toml", repo.root / "pyproject.toml")
    repo.write(PATH, CASE)
    repo.commit("初始化")
    repo.git("checkout", "-q", "-b", "pr")
    return repo


def judge(repo: GitRepo, today: str = TODAY) -> subprocess.CompletedProcess[str]:
    """What the workflow runs: the base branch's script, with the base branch's ducha."""
    script = repo.root.parent / "guard-with-base"
    script.write_text(repo.git("show", "main:.ci/guard-with-base"), encoding="utf-8")
    return subprocess.run(["bash", str(script), "main", "--python", sys.executable, "--today", today],
                          cwd=repo.root, capture_output=True, text=True, check=False)


def own_guard(repo: GitRepo) -> subprocess.CompletedProcess[str]:
    """The pull request's own ducha judging itself (what a CI running the PR's code would do)."""
    code = (f"import sys; sys.path.insert(0, {str(repo.root / 'generator')!r}); from ducha.cli import main; "
            f"sys.argv = ['ducha', 'guard', '--base', 'main', '--today', {TODAY!r}]; main()")
    return subprocess.run([sys.executable, "-I", "-B", "-c", code], cwd=repo.root, capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": ""})


def test_a_pull_request_that_disarms_the_guard_is_refused_by_the_base(repo: GitRepo) -> None:
    repo.append(GUARD, DISARMED)
    repo.replace(PATH, "title: 燃气安全隐患排查", "title: 燃气安全隐患排查（已整改）")
    repo.commit("简化检查；更新事项名称")
    mine = own_guard(repo)
    assert mine.returncode == 0 and "全部校验通过" in mine.stdout, mine.stdout + mine.stderr  # disarmed indeed
    verdict = judge(repo)
    assert verdict.returncode == 1, verdict.stdout + verdict.stderr
    lines = verdict.stdout.splitlines()
    assert lines[0].startswith(f"{PATH}:2:8: [title] 改写了事项名称 燃气安全隐患排查 → 燃气安全隐患排查（已整改）：已记录的事实不能改写。")
    assert lines[1].startswith(f"{GUARD}: 同一合并请求既改动了记录（1 个文件，如 {PATH}），又改动了记录以外的文件（{GUARD}）"), lines
    assert lines[2] == "检查了 1 个文件，发现 2 个问题（涉及 2 个文件）。"
    assert "使用基准分支 main" in verdict.stderr


def test_the_base_judges_an_honest_pull_request_and_lets_it_through(repo: GitRepo) -> None:
    repo.append(PATH, "  - requested: 2026-03-06\n    reason: 需协调燃气公司。\n    until: 2026-03-27\n")
    repo.commit("申请延期")
    verdict = judge(repo, JUDGED)
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
    assert "1 个督查事项文件有改动，均为追加；全部校验通过。" in verdict.stdout
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "合并请求\n\nReviewed-by: 王晓峰", "pr")
    assert "until: 2026-03-27" in repo.read(PATH)


def test_the_script_refuses_an_unknown_base(repo: GitRepo) -> None:
    done = subprocess.run(["bash", str(REPO / ".ci" / "guard-with-base"), "no-such-branch", "--python", sys.executable],
                          cwd=repo.root, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "找不到基准分支「no-such-branch」" in done.stderr


SYSTEM = ["generator/ducha/repo/guard.py", "schema/case.schema.json", "office.yaml", ".github/workflows/ci.yml",
          ".gitea/CODEOWNERS", ".ci/guard-with-base", "Makefile", "mkdocs.yml", "site/overrides/main.html",
          "tests/test_guard.py", "benchmarks/bench_guard.py", "pyproject.toml", "README.md", "新文件.txt"]
RECORDS = ["cases/2026/DC-2026-0001.yaml", "cases/2026/ARCHIVE.sha256", "notices/2026/2026-012.yaml",
           "bulletins/2026/2026-001.yaml"]
OWNERS = {**{path: ["@ducha-office/admins"] for path in SYSTEM}, **{path: ["@ducha-office/reviewers"] for path in RECORDS}}


def rules(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def github_owners(path: str) -> list[str]:
    """GitHub's reading: the last matching pattern wins; `*` matches all, `/dir/` a folder, `/file` a file."""
    owners: list[str] = []
    for pattern, *names in rules(REPO / ".github" / "CODEOWNERS"):
        if pattern == "*" or (pattern.endswith("/") and path.startswith(pattern[1:])) or path == pattern[1:]:
            owners = names
    return owners


def gitea_owners(path: str) -> list[str]:
    """Gitea's reading: every matching rule adds its owners; `!` matches every file the pattern does not."""
    import re

    owners: list[str] = []
    for pattern, *names in rules(REPO / ".gitea" / "CODEOWNERS"):
        negative = pattern.startswith("!")
        if bool(re.fullmatch(pattern.lstrip("!"), path)) != negative:
            owners += names
    return owners


def test_codeowners_name_the_admin_team_for_every_system_path() -> None:
    assert {path: github_owners(path) for path in OWNERS} == OWNERS
    assert {path: gitea_owners(path) for path in OWNERS} == OWNERS


# --- the judge's workflow is the base branch's -------------------------------------------------------------


def workflows() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every workflow: its text and what YAML reads (``on:`` is read as True by YAML 1.1)."""
    found = {}
    for path in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        data["on"] = data.pop(True, data.get("on"))
        found[path.name] = (text, data)
    return found


def test_a_pull_request_that_edits_the_workflows_cannot_change_its_judge() -> None:
    """Issue 21: the guard ran in a `pull_request` workflow, which is taken from the pull request itself."""
    every = workflows()
    judges = [name for name, (text, _) in every.items() if "guard-with-base" in text]
    assert judges == ["guard.yml"]
    _, guard = every["guard.yml"]
    assert set(guard["on"]) == {"pull_request_target"}  # the workflow file comes from the base branch
    assert guard["permissions"] == {"contents": "read"}
    steps = guard["jobs"]["guard"]["steps"]
    assert steps[0]["with"] == {"ref": "${{ github.event.pull_request.head.sha }}", "fetch-depth": 0,
                                "persist-credentials": False}
    # Nothing from the pull request's checkout is run: the script and the ducha it installs are the base's.
    assert steps[1]["run"].splitlines() == ['git show "$BASE:.ci/guard-with-base" > "$RUNNER_TEMP/guard-with-base"',
                                            'bash "$RUNNER_TEMP/guard-with-base" "$BASE"']
    assert len(steps) == 2
    own = [name for name, (_, data) in every.items() if "pull_request" in (data["on"] or {})]
    assert own == ["ci.yml"] and "guard" not in every["ci.yml"][1]["jobs"]


def test_every_push_to_main_leaves_an_anchor_outside_the_repository() -> None:
    _, anchor = workflows()["anchor.yml"]
    assert anchor["on"] == {"push": {"branches": ["main"]}}
    runs = [step.get("run", "") for step in anchor["jobs"]["anchor"]["steps"]]
    assert '.venv/bin/ducha anchor -o "锚点-${GITHUB_SHA}.txt"' in runs and ".venv/bin/ducha verify" in runs
    upload = anchor["jobs"]["anchor"]["steps"][-1]
    assert upload["uses"] == "actions/upload-artifact@v3" and upload["with"]["path"] == "锚点-${{ github.sha }}.txt"
