"""Model-based test of `ducha guard` (issue 21, item 9): random pull requests, every verdict against a model.

A hypothesis state machine keeps one real repository: main starts as the tests' office with a few
random cases, then pull requests come one after another, honest and dishonest (appends, fact
rewrites, backdating, moves, hidden files, forged review trailers, office.yaml edits, records and
system together, branches behind main). The guard judges each one in-process; ``guard_model`` (which
imports nothing of ducha) says independently what it must report, and the two must agree on the
exit code and on which kind of problem each file has. An accepted pull request is merged the way
the platform merges it (a merge commit whose Reviewed-by trailer the server writes), so later
pull requests build on it; a refused one is thrown away.

What the guard on main does not do yet, because another item of issue 21 builds it, is generated
only when ``PENDING`` no longer names it (or with GUARD_MODEL_ALL=1); each such case also stands below as a
strict xfail. When the item lands, those xfails pass and fail the run: delete the item from ``PENDING`` and
its xfail marks together.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

from ducha.cli import cli

from . import guard_model as model
from .conftest import EXAMPLES

#: Promises of issue 21 that the guard on main does not keep yet, and the item that keeps them.
PENDING: dict[str, str] = {}
START = dt.date(2026, 4, 1)
OFFICE_ADDITIONS: dict[str, Any] = {"late_entry_workdays": 3}
UNITS = ("市住建局", "市教育局", "市财政局")
CATEGORIES = ("领导批示", "上级交办")
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull, "GIT_AUTHOR_NAME": "张三",
       "GIT_AUTHOR_EMAIL": "zhangsan@dcs.example.cn", "GIT_COMMITTER_NAME": "张三",
       "GIT_COMMITTER_EMAIL": "zhangsan@dcs.example.cn"}
FORGED = ("审核：督查室主任 周敏", "Reviewed-by: 王五 <wangwu@dcs.example.cn>", "Reviewed-on: https://git.dcs.example.cn/pulls/7",
          "审核人: 周敏")
#: How each of the guard's messages names its kind of problem; anything else is validation's (``invalid``).
KINDS = (("trailer", re.compile(r"^（提交 ")), ("conflict", re.compile("合并时冲突")), ("split", re.compile("既改动了记录")),
         ("hidden", re.compile("符号链接|扩展名是 .yml|备份或临时文件|下只能有")),
         ("manifest", re.compile("归档清单")),
         ("control", re.compile("启用日期")), ("invalid", re.compile("认定期限")),
         ("rewrite", re.compile("不能改写|已归档封存|印发后不得修改|只能追加")), ("remove", re.compile("删除了|改名或移动")),
         ("late", re.compile("补录")), ("office", re.compile("office.yaml 的改动使")), ("deadline", re.compile("到期日由")),
         ("notice", re.compile("数据提交")))


def kind_of(problem: dict[str, Any]) -> str:
    text = f"{problem['file']} {problem['message']}"
    return next((kind for kind, pattern in KINDS if pattern.search(text)), "invalid")


class _Dumper(yaml.SafeDumper):
    """Records are written out whole: validation refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> bytes:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False).encode("utf-8")


class Git:
    """The git CLI on one repository, with fixed names and a commit date that moves with the model's day."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.date = "2026-04-01T09:00:00+08:00"

    def __call__(self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> str:
        env = {**ENV, "GIT_AUTHOR_DATE": self.date, "GIT_COMMITTER_DATE": self.date}
        done = subprocess.run(["git", *args], cwd=self.root, env=env, input=stdin, capture_output=True)
        assert done.returncode in ok, (args, done.stderr.decode())
        return done.stdout.decode("utf-8")

    def world(self, rev: str, history: frozenset[str] = frozenset()) -> model.World:
        """Every file of ``rev``'s tree as the model reads it."""
        rows = [row.split("\t", 1) for row in self("ls-tree", "-r", "-z", rev).split("\0") if row]
        entries = [(meta.split()[0], meta.split()[2], path) for meta, path in rows]
        blobs = subprocess.run(["git", "cat-file", "--batch"], cwd=self.root, env=ENV, capture_output=True, check=True,
                               input="".join(f"{sha}\n" for _, sha, _ in entries).encode()).stdout
        files: dict[str, model.File] = {}
        docs: dict[str, model.Data] = {}
        at = 0
        for mode, _, path in entries:
            header_end = blobs.index(b"\n", at)
            size = int(blobs[at:header_end].split()[2])
            raw = blobs[header_end + 1:header_end + 1 + size]
            at = header_end + 2 + size
            files[path] = model.Link(raw.decode()) if mode == "120000" else raw
            if mode != "120000" and path.endswith((".yaml", ".yml")):
                try:
                    data = yaml.safe_load(raw)
                except yaml.YAMLError:
                    continue
                if isinstance(data, dict):
                    docs[path] = data
        return model.World(files, docs, history)


@pytest.fixture(scope="session")
def office_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' office with nothing recorded yet, committed once; every run of the machine starts from a copy."""
    root = tmp_path_factory.mktemp("guard-model") / "office"
    root.mkdir()
    office = yaml.safe_load((EXAMPLES / "office.yaml").read_text(encoding="utf-8"))
    (root / "office.yaml").write_bytes(dump({**office, **OFFICE_ADDITIONS}))
    (root / "README.md").write_text("# 测试市督查室\n", encoding="utf-8")
    git = Git(root)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "建立督查室仓库")
    return root


class Tally:
    """Pull requests judged, and by what verdict, across every run of the machine."""

    def __init__(self) -> None:
        self.prs = 0
        self.refused = 0
        self.kinds: dict[str, int] = {}


def machine(base: Path, tally: Tally, pending: frozenset[str]) -> type[RuleBasedStateMachine]:
    class GuardMachine(RuleBasedStateMachine):
        """Main, one pull request at a time, each judged by the guard and by the model."""

        def __init__(self) -> None:
            super().__init__()
            self.root = Path(tempfile.mkdtemp(prefix="guard-model-"))
            shutil.rmtree(self.root)
            shutil.copytree(base, self.root, symlinks=True)
            self.git = Git(self.root)
            self.today = START
            self.number = 0
            self.mains: list[str] = [self.git("rev-parse", "main").strip()]
            self.worlds: dict[str, model.World] = {}
            self.main = self._world("main")

        def teardown(self) -> None:
            shutil.rmtree(self.root, ignore_errors=True)

        # --- the repository ------------------------------------------------------------------------------------
        def _world(self, rev: str) -> model.World:
            history = frozenset(self.git("rev-list", "main").split())
            return self.git.world(rev, history)

        def _cases(self) -> list[str]:
            return sorted(p for p, _ in self.main.cases() if model.in_place(p, self.main))

        def _day(self, workdays_back: int) -> dt.date:
            day, left = self.today, workdays_back
            while left:
                day -= dt.timedelta(days=1)
                left -= model.is_workday(day, frozenset())
            return day

        def _new_case(self, data: st.DataObject, backdate: int = 0, late_reason: bool = False) -> tuple[str, bytes]:
            self.number += 1
            case_id = f"DC-2026-{self.number:04d}"
            registered = self._day(backdate)
            case: dict[str, Any] = {"id": case_id, "title": f"督查事项{self.number}",
                                    "category": data.draw(st.sampled_from(CATEGORIES), label="category"),
                                    "registered": registered}
            if data.draw(st.booleans(), label="assigned"):
                case |= {"assigned": registered, "lead_unit": data.draw(st.sampled_from(UNITS), label="lead"),
                         "owner": "孙立新", "requirements": "按要求办理并报送结果。"}
            if late_reason:
                case["late_reason"] = "纸质交办单迟到。"
            return f"cases/2026/{case_id}.yaml", dump(case)

        # --- one pull request ----------------------------------------------------------------------------------
        def pull_request(self, change: Callable[[Path, model.World], None], data: st.DataObject, system: bool = False,
                         title: str = "记录更新") -> None:
            """Branch from main (or, at times, from an older main), change it, judge it, merge it if accepted."""
            behind = len(self.mains) > 1 and data.draw(st.integers(0, 4), label="behind") == 4
            fork = data.draw(st.sampled_from(self.mains[-4:-1]), label="fork") if behind else self.mains[-1]
            self.git("checkout", "-q", "-f", "-B", "pr", fork)
            self.git("clean", "-q", "-f", "-d", "-x")
            change(self.root, self._world_at(fork))
            if system:
                (self.root / "README.md").write_text(f"# 测试市督查室\n\n第 {tally.prs} 次修改。\n", encoding="utf-8")
            trailer = data.draw(st.sampled_from(FORGED), label="trailer") \
                if data.draw(st.integers(0, 9), label="forge") == 9 else None
            # A forged 审核 in the pull request's own commit, or in a merge commit made by hand on its branch.
            in_merge = trailer is not None and data.draw(st.booleans(), label="in merge")
            self.git("add", "-A")
            commits = [(title if in_merge or trailer is None else f"{title}\n\n{trailer}")]
            self.git("commit", "-q", "--allow-empty", "-m", commits[0])
            if in_merge:
                commits.append(f"Merge branch 'main' into pr\n\n{trailer}")
                merge = self.git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-p", self.mains[0], "-m", commits[1]).strip()
                self.git("reset", "-q", "--soft", merge)
            head, tree = self.git("rev-parse", "HEAD", "HEAD^{tree}").split()
            shas = self.git("rev-list", "--topo-order", "--reverse", f"{fork}..{head}").split()
            expected, landing = self._expected(fork, head, tree, list(zip(shas, commits, strict=True)))
            result = CliRunner().invoke(cli, ["--root", str(self.root), "guard", "--base", "main", "--today",
                                              self.today.isoformat(), "--format", "json"], catch_exceptions=False)
            assert result.exit_code in (0, 1), result.output
            found = json.loads(result.output)["problems"]
            tally.prs += 1
            if tally.prs % 500 == 0:  # seen with -s in a long run
                print(f"guard model: {tally.prs} pull requests, {tally.refused} refused", flush=True)
            compare(expected, found, result.exit_code, f"{title} (fork {fork[:8]}, head {head[:8]}, today {self.today})")
            if result.exit_code == 0 and landing is not None:
                self._merge(landing, head, title)
            else:
                tally.refused += 1
                for kind in {k for k, _ in expected.must}:
                    tally.kinds[kind] = tally.kinds.get(kind, 0) + 1

        def _world_at(self, commit: str) -> model.World:
            if commit not in self.worlds:
                self.worlds[commit] = self.git.world(commit)
            return self.worlds[commit]

        def _expected(self, fork: str, head: str, tree: str, commits: list[tuple[str, str]]
                      ) -> tuple[model.Verdict, tuple[str, model.World] | None]:
            """The model's verdict on what would land, and what lands (None: git cannot merge it)."""
            main = self.mains[-1]
            if fork != main:
                out = self.git("merge-tree", "--write-tree", "--name-only", "--no-messages", main, head, ok=(0, 1))
                tree, *conflicts = [line for line in out.splitlines() if line]
                if conflicts:
                    return model.verdict(self._world_at(fork), self.git.world(head, self.main.history), commits, self.today,
                                         conflicts), None
            new = self.git.world(tree, self.main.history)
            return model.verdict(self.main, new, commits, self.today), (tree, new)

        def _merge(self, landing: tuple[str, model.World], head: str, title: str) -> None:
            """The platform's merge: a merge commit the server writes, with its own review trailers."""
            tree, world = landing
            message = (f"Merge pull request '{title}' (#{len(self.mains)}) from pr into main\n\n"
                       f"Reviewed-on: https://git.dcs.example.cn/dcs/records/pulls/{len(self.mains)}\n"
                       "Reviewed-by: 王五 <wangwu@dcs.example.cn>\n")
            merged = self.git("commit-tree", tree, "-p", self.mains[-1], "-p", head, "-m", message).strip()
            self.git("update-ref", "refs/heads/main", merged)
            self.mains.append(merged)
            self.main = model.World(world.files, world.docs, world.history | {head, merged})
            self.worlds[merged] = self.main

        def _edit_case(self, path: str, edit: Callable[[dict[str, Any]], None]) -> Callable[[Path, model.World], None]:
            def change(root: Path, fork: model.World) -> None:
                if path not in fork.docs:
                    return
                case = yaml.safe_load(dump(fork.docs[path]))
                edit(case)
                (root / path).write_bytes(dump(case))
            return change

        # --- the rules -------------------------------------------------------------------------------------------
        @initialize(data=st.data(), count=st.integers(1, 4))
        def start(self, data: st.DataObject, count: int) -> None:
            """Main starts with a few cases, registered before the machine's first day."""
            self.today = START - dt.timedelta(days=7)
            files = [self._new_case(data) for _ in range(count)]
            for path, raw in files:
                (self.root / path).parent.mkdir(parents=True, exist_ok=True)
                (self.root / path).write_bytes(raw)
            self.git("add", "-A")
            self.git("commit", "-q", "-m", "登记督查事项")
            self.mains = [self.git("rev-parse", "HEAD").strip()]
            self.main = self._world("main")
            self.worlds[self.mains[0]] = self.main
            self.today = START

        @rule(days=st.integers(0, 3))
        def time_passes(self, days: int) -> None:
            later = self.today + dt.timedelta(days=days)
            if later <= model.LAST - dt.timedelta(days=20):
                self.today = later
                self.git.date = f"{later.isoformat()}T09:00:00+08:00"

        @rule(data=st.data())
        def register(self, data: st.DataObject) -> None:
            """A new case, on its day or within the days allowed (honest), unless ``late-new-record`` is open."""
            backdate = data.draw(st.integers(0, 3 if "late-new-record" in pending else 8), label="backdate")
            path, raw = self._new_case(data, backdate, late_reason=backdate > 3 and data.draw(st.booleans()))

            def change(root: Path, fork: model.World) -> None:
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_bytes(raw)
            self.pull_request(change, data, system=data.draw(st.integers(0, 9), label="system") == 9, title="立项")

        @precondition(lambda self: bool(self._cases()))
        @rule(data=st.data(), log=st.sampled_from(("progress", "reports", "urges")), back=st.integers(0, 8),
              reason=st.booleans())
        def append(self, data: st.DataObject, log: str, back: int, reason: bool) -> None:
            """A dated entry appended to a case's log, maybe backdated, maybe with its 补录 reason."""
            path = data.draw(st.sampled_from(self._cases()), label="case")
            day = self._day(back)
            entry: dict[str, Any] = {
                "progress": {"date": day, "by": "市住建局", "summary": "已部署。"},
                "reports": {"date": day, "doc_no": f"测建〔2026〕{tally.prs}号", "signer": "吴永强", "summary": "办结。"},
                "urges": {"date": day, "method": "电话催办", "note": "催办。"},
            }[log]
            if reason:
                entry["late_reason"] = "纸质材料迟到。"
            self.pull_request(self._edit_case(path, lambda case: case.setdefault(log, []).append(entry)), data,
                              system=data.draw(st.integers(0, 9), label="system") == 9, title=f"追加{log}")

        @precondition(lambda self: bool(self._cases()))
        @rule(data=st.data(), result=st.sampled_from(("通过", "退回")))
        def review(self, data: st.DataObject, result: str) -> None:
            path = data.draw(st.sampled_from(self._cases()), label="case")
            entry = {"date": self.today, "reviewer": "王晓峰", "result": result, "opinion": "请补充办理材料。"}
            self.pull_request(self._edit_case(path, lambda case: case.setdefault("reviews", []).append(entry)), data,
                              title="审核结果")

        @precondition(lambda self: bool(self._cases()))
        @rule(data=st.data(), weeks=st.integers(1, 3), approve=st.booleans())
        def extend(self, data: st.DataObject, weeks: int, approve: bool) -> None:
            """An extension requested (and approved with it), or a pending one approved now or backdated."""
            path = data.draw(st.sampled_from(self._cases()), label="case")
            back = data.draw(st.integers(0, 2 if "late-inside-entry" in pending else 8), label="back")

            def edit(case: dict[str, Any]) -> None:
                extensions = case.setdefault("extensions", [])
                pending_one = next((e for e in extensions if "approved" not in e), None)
                if pending_one is not None:
                    pending_one |= {"approved": self._day(back), "approved_by": "副市长 林静"}
                    return
                entry: dict[str, Any] = {"requested": self.today, "reason": "涉及多个部门。",
                                         "until": self.today + dt.timedelta(weeks=weeks)}
                if approve:
                    entry |= {"approved": self.today, "approved_by": "副市长 林静"}
                extensions.append(entry)
            self.pull_request(self._edit_case(path, edit), data, title="延期")

        @precondition(lambda self: bool(self._cases()))
        @rule(data=st.data())
        def rewrite_fact(self, data: st.DataObject) -> None:
            """A fact rewritten in place (dishonest), or put right by an appended correction (honest)."""
            path = data.draw(st.sampled_from(self._cases()), label="case")
            case = self.main.docs[path]
            key = data.draw(st.sampled_from([k for k in ("title", "category", "registered", "lead_unit", "assigned", "owner")
                                             if k in case]), label="fact")
            new = {"title": "改过的标题", "category": "上级交办" if case["category"] == "领导批示" else "领导批示",
                   "registered": case["registered"] - dt.timedelta(days=1), "lead_unit": "市教育局",
                   "assigned": case["registered"], "owner": "李四"}[key]
            honest = data.draw(st.booleans(), label="honest")

            def edit(case: dict[str, Any]) -> None:
                if key not in case:
                    return  # a branch from before the fact was written (交办 after it forked)
                if honest:
                    case.setdefault("corrections", []).append(
                        {"date": self.today, "field": key, "old": case[key], "new": new, "reason": "登记有误。",
                         "approved_by": "督查室主任 周敏"})
                else:
                    case[key] = new
            self.pull_request(self._edit_case(path, edit), data, title="更正" if honest else "改写")

        @precondition(lambda self: any("assigned" not in self.main.docs[p] for p in self._cases()))
        @rule(data=st.data(), reason=st.booleans())
        def assign(self, data: st.DataObject, reason: bool) -> None:
            """交办 of a registered case: on its day or a little later, or (once item 4 is in) late with or without why."""
            path = data.draw(st.sampled_from([p for p in self._cases() if "assigned" not in self.main.docs[p]]), label="case")
            day = max(self._day(data.draw(st.integers(0, 3 if "late-new-record" in pending else 8), label="back")),
                      self.main.docs[path]["registered"])

            def edit(case: dict[str, Any]) -> None:
                case |= {"assigned": day, "lead_unit": data.draw(st.sampled_from(UNITS), label="lead"), "owner": "孙立新",
                         "requirements": "按要求办理并报送结果。"}
                if reason and "late-new-record" not in pending:  # the field comes with item 4
                    case["assigned_late_reason"] = "交办单迟到。"
            self.pull_request(self._edit_case(path, edit), data, title="交办")

        @precondition(lambda self: any(self.main.docs[p].get(k) for p in self._cases() for k in model.LOGS))
        @rule(data=st.data(), how=st.sampled_from(("backdate", "drop", "reword")))
        def rewrite_entry(self, data: st.DataObject, how: str) -> None:
            """An entry already recorded edited: its date moved back, removed, or its words changed."""
            path = data.draw(st.sampled_from([p for p in self._cases() if any(self.main.docs[p].get(k) for k in model.LOGS)]),
                             label="case")
            key = data.draw(st.sampled_from([k for k in model.LOGS if self.main.docs[path].get(k)]), label="log")

            def edit(case: dict[str, Any]) -> None:
                entries = case.get(key)
                if not entries:
                    return  # a branch from before the entry was made
                if how == "drop":
                    entries.pop()
                elif how == "backdate":
                    attr = model.LOGS[key]
                    entries[-1][attr] = entries[-1][attr] - dt.timedelta(days=1)
                else:
                    entries[-1]["summary"] = "改过的内容。"
            self.pull_request(self._edit_case(path, edit), data, title="改动已有条目")

        @precondition(lambda self: bool(self._cases()))
        @rule(data=st.data(), how=st.sampled_from(("delete", "rename", "move", "yml", "backup", "symlink", "stray")))
        def hide(self, data: st.DataObject, how: str) -> None:
            """A record deleted, renamed or moved, or something hidden beside the records."""
            path = data.draw(st.sampled_from(self._cases()), label="case")
            name = path.rsplit("/", 1)[1]

            def change(root: Path, fork: model.World) -> None:
                target = root / path
                if not target.exists():
                    return
                if how == "delete":
                    target.unlink()
                elif how == "rename":
                    target.rename(target.with_name(f"DC-2026-{9000 + tally.prs % 999:04d}.yaml"))
                elif how == "move":
                    (root / "cases/2025").mkdir(exist_ok=True)
                    target.rename(root / "cases/2025" / name)
                elif how == "yml":
                    target.rename(target.with_suffix(".yml"))
                elif how == "backup":
                    shutil.copy(target, target.with_name(name + ".bak"))
                elif how == "symlink":
                    (root / "cases/2026/link.yaml").symlink_to(name)
                else:
                    (root / "cases/2026/notes.txt").write_text("备忘\n", encoding="utf-8")
            self.pull_request(change, data, title=how)

        @rule(data=st.data(), how=st.sampled_from(("limit", "revision", "holiday", "yellow", "adopted", "late_days")))
        def edit_office(self, data: st.DataObject, how: str) -> None:
            """office.yaml: a time limit, a revision for new cases only, a holiday, the warning days, the controls."""
            if how in ("adopted", "late_days") and "controls" in pending:
                how = "yellow"

            def change(root: Path, fork: model.World) -> None:
                office = yaml.safe_load(dump(fork.office))
                categories = office.setdefault("categories", {})
                if how == "limit":
                    categories.setdefault("领导批示", {})["time_limit"] = data.draw(
                        st.sampled_from(("5个工作日", "7个工作日")), label="limit")
                elif how == "revision":
                    categories.setdefault("领导批示", {}).setdefault("revisions", []).append(
                        {"effective_from": self.today + dt.timedelta(days=data.draw(st.integers(-5, 5), label="from")),
                         "time_limit": "10个工作日"})
                elif how == "holiday":
                    day = self.today + dt.timedelta(days=data.draw(st.integers(-5, 10), label="holiday"))
                    office.setdefault("holiday_overrides", {}).setdefault(2026, {}).setdefault("holidays", []).append(day)
                elif how == "yellow":
                    office["yellow_days"] = data.draw(st.integers(1, 5), label="yellow")
                elif how == "adopted":
                    office["adopted_on"] = self.today + dt.timedelta(days=data.draw(st.integers(-3, 3), label="adopted"))
                else:
                    office["late_entry_workdays"] = data.draw(st.sampled_from((2, 5, 30)), label="late_days")
                (root / model.OFFICE).write_bytes(dump(office))
            self.pull_request(change, data, title=f"修改 office.yaml（{how}）")

    GuardMachine.TestCase.settings = settings(deadline=None, suppress_health_check=list(HealthCheck))
    return GuardMachine


def compare(expected: model.Verdict, found: list[dict[str, Any]], exit_code: int, where: str) -> None:
    """The guard and the model agree: refused exactly when the model has a must, each must reported, nothing else."""
    said = {(kind_of(p), p["file"]) for p in found}
    files = {file for _, file in expected.must | expected.may}
    missing = expected.must - said
    extra = {(kind, file) for kind, file in said if file not in files}
    assert exit_code == (1 if expected.must else 0) and not missing and not extra, (
        f"{where}: the guard and the model disagree\n  model: {sorted(expected.must)} (may {sorted(expected.may)})\n"
        f"  guard: {sorted(said)}\n  messages: {[p['message'] for p in found]}")


def run_machine(base: Path, prs: int, steps: int) -> Tally:
    """Runs of the machine until ``prs`` pull requests have been judged (some steps only let time pass)."""
    tally = Tally()
    GuardMachine = machine(base, tally, frozenset() if os.environ.get("GUARD_MODEL_ALL") else frozenset(PENDING))
    while tally.prs < prs:
        run_state_machine_as_test(GuardMachine, settings=settings(
            max_examples=max(1, (prs - tally.prs) // steps), stateful_step_count=steps, deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.reuse, Phase.generate] if os.environ.get("GUARD_MODEL_NO_SHRINK") else list(Phase)))
    return tally


@pytest.mark.slow
def test_guard_agrees_with_the_model(office_repo: Path) -> None:
    started = time.perf_counter()
    wanted = int(os.environ.get("GUARD_MODEL_PRS", "100"))
    tally = run_machine(office_repo, prs=wanted, steps=20)
    print(f"guard model: {tally.prs} pull requests, {tally.refused} refused {tally.kinds}, "
          f"{time.perf_counter() - started:.1f} s")
    assert tally.prs >= wanted and tally.refused and tally.prs - tally.refused


@pytest.mark.soak
def test_guard_agrees_with_the_model_at_length(office_repo: Path) -> None:
    wanted = int(os.environ.get("GUARD_MODEL_PRS", "5000"))
    started, cpu = time.perf_counter(), os.times()
    tally = run_machine(office_repo, prs=wanted, steps=25)
    done = os.times()
    print(f"guard model: {tally.prs} pull requests, {tally.refused} refused {tally.kinds}, "
          f"{time.perf_counter() - started:.0f} s wall, CPU {done.user + done.system - cpu.user - cpu.system:.0f} s in pytest "
          f"+ {done.children_user + done.children_system - cpu.children_user - cpu.children_system:.0f} s in git")
    assert tally.prs >= wanted



# --- What the guard on main does not do yet: each pending promise as one explicit pull request. -----------------
TODAY = dt.date(2026, 4, 1)
ASSIGNED: dict[str, Any] = {"id": "DC-2026-0001", "title": "燃气安全隐患排查", "category": "领导批示", "registered": dt.date(2026, 3, 2),
            "assigned": dt.date(2026, 3, 2), "lead_unit": "市住建局", "owner": "孙立新", "requirements": "按要求办理并报送结果。"}
#: Requested on its due day (3月9日) and not yet approved.
PENDING_EXTENSION: dict[str, Any] = {**ASSIGNED, "extensions": [{"requested": dt.date(2026, 3, 9), "reason": "涉及多个部门。",
                                                 "until": dt.date(2026, 3, 31)}]}


def _judge(office_repo: Path, tmp_path: Path, main: dict[str, Any], branch: dict[str, Any]) -> tuple[model.Verdict, set[str]]:
    """Main holds ``main`` (path → data), the branch changes it to ``branch``: the model's verdict and the guard's kinds."""
    root = tmp_path / "office"
    shutil.copytree(office_repo, root, symlinks=True)
    git = Git(root)
    for files, message in ((main, "登记"), (branch, "补录")):
        if message == "补录":
            git("checkout", "-q", "-b", "pr")
        for path, data in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(dump(data))
        git("add", "-A")
        git("commit", "-q", "--allow-empty", "-m", message)
    expected = model.verdict(git.world("main"), git.world("pr", frozenset(git("rev-list", "main").split())),
                             [(git("rev-parse", "pr").strip(), message)], TODAY)
    result = CliRunner().invoke(cli, ["--root", str(root), "guard", "--base", "main", "--today", TODAY.isoformat(),
                                      "--format", "json"], catch_exceptions=False)
    return expected, {kind_of(p) for p in json.loads(result.output)["problems"]}


def test_an_approval_added_weeks_late_inside_an_old_entry_is_a_late_entry(office_repo: Path, tmp_path: Path) -> None:
    approved = {**PENDING_EXTENSION, "extensions": [{**PENDING_EXTENSION["extensions"][0], "approved": dt.date(2026, 3, 10),
                                                     "approved_by": "副市长 林静"}]}
    expected, said = _judge(office_repo, tmp_path, {"cases/2026/DC-2026-0001.yaml": PENDING_EXTENSION},
                            {"cases/2026/DC-2026-0001.yaml": approved})
    assert {kind for kind, _ in expected.must} == {"late"}
    assert said == {"late"}


def test_a_case_registered_a_month_late_says_why(office_repo: Path, tmp_path: Path) -> None:
    expected, said = _judge(office_repo, tmp_path, {}, {"cases/2026/DC-2026-0001.yaml": ASSIGNED})
    assert {kind for kind, _ in expected.must} == {"late"}
    assert said == {"late"}


@pytest.mark.parametrize("control", [{"adopted_on": dt.date(2099, 12, 31)}, {"late_entry_workdays": 999}])
def test_the_office_cannot_switch_the_checks_off(office_repo: Path, tmp_path: Path, control: dict[str, Any]) -> None:
    office = yaml.safe_load((office_repo / "office.yaml").read_text(encoding="utf-8"))
    expected, said = _judge(office_repo, tmp_path, {"cases/2026/DC-2026-0001.yaml": ASSIGNED},
                            {"office.yaml": {**office, **control}})
    assert expected.must
    assert said and said <= {"control", "invalid"}
