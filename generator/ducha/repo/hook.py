"""``ducha hook pre-receive``: the server itself refuses what the guard refuses, on every push to main.

CI can be misconfigured, and a workflow file can be edited; a hook on the server cannot be
reached from a pull request. It runs the ducha installed on the server, never the code being
pushed or a previous push put on main (two pushes would get round that: first one that
weakens the guard, then the rewrite). For each update of main it

- refuses deleting main and any push that is not a fast-forward (a force push rewrites history);
- judges every commit that lands, not only the net change, so a rewrite reverted within the
  same push is still refused: each main-line commit whole, as the guard judges a pull
  request (what it changes against its first parent), and each commit a merge brings in by
  the record rules, with no review trailer in its message;
- where the office.yaml already on main lists the review server's keys, requires each
  main-line commit to be signed with one of them.

The pushed commits are not in the repository yet but in the push's quarantine, where
``git worktree add`` is refused: each is checked out in a scratch repository whose alternates
list the quarantine and the repository's objects (``repo.scratch``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import Problem
from ducha.io.yamldata import parse_data
from ducha.model.office import OFFICE_FILE
from ducha.repo.blobs import files_at
from ducha.repo.gitprocess import open_repository, run
from ducha.repo.guard import judge
from ducha.repo.refs import is_ancestor
from ducha.repo.reviews import review_trailers
from ducha.repo.scratch import check_out, scratch_repository
from ducha.repo.signatures import verify_signatures
from ducha.repo.values import SIGNATURE_NONE, SIGNATURE_VERIFIED

ZERO = "0" * 40
_RESTORE = "不要改写 main 的提交历史：撤销改动应另提合并请求（追加更正、撤销），经 ducha guard 检查和审核后合并。"


@dataclass(frozen=True)
class Update:
    """One line of pre-receive's input: a ref moving from ``old`` to ``new`` (all zeros: none)."""

    old: str
    new: str
    ref: str


@dataclass(frozen=True)
class Refusal:
    """What is wrong with one pushed commit (``commit`` empty: with the update as a whole)."""

    commit: str
    subject: str
    problems: tuple[Problem, ...]


def parse_updates(text: str) -> list[Update]:
    """pre-receive's standard input: ``<old> <new> <ref>`` a line."""
    updates = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            updates.append(Update(*parts))
    return updates


def _keys_at(place: Path, commit: str) -> tuple[str, ...]:
    """The review server's keys as office.yaml lists them at ``commit`` (on main before the push)."""
    raw = files_at(place, commit, [OFFICE_FILE])[OFFICE_FILE]
    data = parse_data(raw) if raw is not None else None
    keys = data.get("review_signers") if isinstance(data, dict) else None
    return tuple(str(k) for k in keys) if isinstance(keys, list) else ()


def _unsigned(place: Path, line: list[str], keys: Sequence[str]) -> list[Refusal]:
    verdicts = verify_signatures(open_repository(place), line, keys)
    refusals = []
    for sha in line:
        if verdicts.get(sha) != SIGNATURE_VERIFIED:
            how = "没有签名" if verdicts.get(sha) == SIGNATURE_NONE else "的签名不是 office.yaml 所列审核服务器的"
            refusals.append(Refusal(sha, _subject(place, sha), (Problem(
                f"（提交 {sha[:8]}）", 0, 0, "review_signers",
                f"推送到 main 的提交 {sha[:12]} {how}：office.yaml 登记了审核服务器的签名公钥，main 上的每个提交都由服务器在合并时签名。",
                "经合并请求合并（由服务器签名），不要直接推送到 main；服务器的签名设置见 README「审核签名」。"),)))
    return refusals


def _subject(place: Path, sha: str) -> str:
    return run(place, "log", "-1", "--format=%s", sha).strip()


def _claims(sha: str, message: str) -> list[Problem]:
    lines = review_trailers(message)
    if not lines:
        return []
    return [Problem(f"（提交 {sha[:8]}）", 0, 0, "", f"合并进来的提交 {sha[:8]} 的说明中写有审核记录（{'；'.join(lines)}）："
                                                   "审核只能由平台在合并时写入，合并请求中的提交不得带有 Reviewed-by、审核等行。",
                    "改写合并请求的提交说明，删去这些行后重新合并。")]


def _landing(place: Path, old: str, new: str, today: dt.date) -> list[Refusal]:
    """Every commit in ``old..new``, oldest first: main-line ones judged whole, the rest by the record rules."""
    main_line = run(place, "rev-list", "--first-parent", "--reverse", f"{old}..{new}").split()
    refusals: list[Refusal] = []
    keys = _keys_at(place, old)
    if keys:
        refusals += _unsigned(place, main_line, keys)
    on_line = set(main_line)
    listing = run(place, "log", "--reverse", "--topo-order", "--format=%x1e%H%x1f%P%x1f%B", f"{old}..{new}")
    for chunk in listing.split("\x1e")[1:]:
        sha, parents, message = chunk.split("\x1f", 2)
        first_parent = parents.split()[0] if parents.split() else None
        if first_parent is None:
            continue  # a second root commit cannot reach main as a fast-forward without a merge judging it
        check_out(place, sha)
        if sha in on_line:
            found = judge(place, first_parent, today).problems
        else:
            found = (*_claims(sha, message), *judge(place, first_parent, today, whole=False).problems)
        if found:
            refusals.append(Refusal(sha, message.split("\n", 1)[0], tuple(found)))
    return refusals


def pre_receive(objects: Sequence[Path], updates: Sequence[Update], today: dt.date,
                branch: str = "main") -> list[Refusal]:
    """What is wrong with the updates of ``branch`` in a push, reading the objects from the stores ``objects``
    (the quarantine and the repository's own)."""
    refusals: list[Refusal] = []
    ref = f"refs/heads/{branch}"
    for update in updates:
        if update.ref != ref or update.old == update.new:
            continue
        if update.new == ZERO:
            refusals.append(Refusal("", "", (Problem(ref, 0, 0, "", f"不允许删除 {branch} 分支：它的提交历史就是督查事项的审计记录和档案。",
                                                     _RESTORE),)))
            continue
        if update.old == ZERO:
            continue  # the repository's first push: there is no history yet to keep
        with scratch_repository(objects) as place:
            if not is_ancestor(place, update.old, update.new):
                refusals.append(Refusal("", "", (Problem(ref, 0, 0, "", f"不允许强制推送 {branch}：推送后 {update.old[:8]} 不再在历史中，"
                                                                     "已有的提交历史会被改写。", _RESTORE),)))
                continue
            refusals += _landing(place, update.old, update.new, today)
    return refusals
