"""``ducha verify``: the archive seals hold, and the history they name is still there.

Archive manifests name the commit each record was sealed on; issued notices and 考核 results
name the commit whose records they were computed from. A history rewritten or squashed on the
server (``git checkout --orphan``, ``filter-branch``, a force push) cannot be prevented
by the guard, but it loses those commits: verify finds that every one of them is still
in the current history, and that each notice was computed from records that existed
before it was issued.

Where office.yaml lists the review server's keys, every main-line commit from the one that
listed them on must carry the server's signature: a rewrite of any of them (or a commit
pushed past the platform) is found, naming the first commit that breaks the line. Anchors
kept outside the repository (``repo.anchor``) catch a rewrite made after them without keys.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path

from ducha.errors import DataError, Problem
from ducha.io.yamlfile import read_yaml
from ducha.load.attachments import verify_attachments
from ducha.load.office import load_office
from ducha.load.validate import validate_paths
from ducha.model.assessments import ASSESSMENTS_DIR
from ducha.model.case import CASES_DIR, MANIFEST_NAME
from ducha.model.notices import NOTICES_DIR
from ducha.repo.anchor import check_anchor, parse_anchor
from ducha.repo.archive import VerifyResult, verify_archive
from ducha.repo.filechanges import commits_adding
from ducha.repo.gitprocess import head_sha, open_repository
from ducha.repo.linkcheck import links_lost
from ducha.repo.manifest import read_manifest_text
from ducha.repo.refs import is_ancestor, reachable_commits
from ducha.repo.signatures import signed_line, verify_signatures
from ducha.repo.values import SIGNATURE_NONE, SIGNATURE_VERIFIED

_REWRITTEN = ("不在当前的提交历史中：提交历史被改写过（如 git checkout --orphan、把全部历史压缩成一个提交、"
              "git filter-branch 或强制推送）。")
_RESTORE_HISTORY = ("从未被改写的克隆或备份中恢复原来的提交历史（在服务器上推回原来的分支），并查明改写的经过；"
                    "已有的提交历史不得改写。")


class _History:
    """The commits of the current history, found by full id or by an unambiguous prefix."""

    def __init__(self, commits: frozenset[str]) -> None:
        self._sorted = sorted(commits)

    def find(self, ref: str) -> str | None:
        ref = ref.strip().lower()
        if len(ref) < 7 or any(c not in "0123456789abcdef" for c in ref):
            return None
        start = bisect.bisect_left(self._sorted, ref)
        found = [sha for sha in self._sorted[start:start + 2] if sha.startswith(ref)]
        return found[0] if len(found) == 1 else None


def _sealed_commits(root: Path, history: _History) -> list[Problem]:
    problems = []
    for manifest in sorted((root / CASES_DIR).glob(f"*/{MANIFEST_NAME}")):
        name = manifest.relative_to(root).as_posix()
        for entry in read_manifest_text(manifest.read_text(encoding="utf-8")):
            if history.find(entry.sealed_on) is None:
                problems.append(Problem(name, entry.line, 1, "sealed_on",
                                        f"{entry.path} 封存时所基于的提交 {entry.sealed_on[:12]} {_REWRITTEN}",
                                        _RESTORE_HISTORY))
    return problems


#: The issued records that name the commit they were computed from: 通报 and 考核 results.
_COMPUTED = {NOTICES_DIR: "通报", ASSESSMENTS_DIR: "考核结果"}


def _data_commits(root: Path, history: _History, folder: str, what: str) -> tuple[int, list[Problem]]:
    problems = []
    added = commits_adding(root, folder)
    head = head_sha(root)
    files = sorted((root / folder).glob("*/*.yaml"))
    for file in files:
        name = file.relative_to(root).as_posix()
        doc, _ = read_yaml(file, name)
        if doc is None or not isinstance(doc.data, dict) or "data_commit" not in doc.data:
            continue  # `ducha validate` reports what is wrong with the file itself
        ref = str(doc.data["data_commit"])
        line, column = doc.mark(("data_commit",))
        commit = history.find(ref)
        issued_in = added.get(name) or head  # not committed yet: it would be added on top of HEAD
        if commit is None:
            problems.append(Problem(name, line, column, "data_commit", f"{what}依据的数据提交「{ref}」{_REWRITTEN}",
                                    _RESTORE_HISTORY + f"{what}印发后不得修改。"))
        elif issued_in is not None and not is_ancestor(root, commit, issued_in):
            command = "ducha report --issue" if folder == NOTICES_DIR else "ducha score --issue"
            problems.append(Problem(name, line, column, "data_commit",
                                    f"{what}依据的数据提交 {ref[:12]} 不在印发它的提交 {issued_in[:12]} 之前："
                                    f"{what}只能依据印发时已有的记录生成。",
                                    f"{what}印发后不得修改：查明该{what}的来历；新的{what}用 `{command}` 在当前记录上生成。"))
    return len(files), problems


def _open_attachments(root: Path) -> list[Problem]:
    """The attached files of every record not yet sealed (the archive check covers the sealed ones) hold
    the SHA-256 their record registers."""
    result = validate_paths([root / CASES_DIR], root)
    if result.office is None:
        return []
    office = result.office
    return [problem for case in result.cases if case.attachments and case.archive is None
            for problem in verify_attachments(root, office, case)]


def _links(root: Path) -> list[Problem]:
    """Links to other offices' records (上下联动) whose commit their fetched history no longer holds."""
    try:
        office = load_office(root)
    except DataError:
        return []  # validation reports a broken office.yaml
    if not (office.superior or office.subordinates):
        return []  # no neighbours: nothing to read twice
    result = validate_paths([root / CASES_DIR], root)
    return links_lost(root, office, result.cases) if result.office is not None else []


def _signed_line(root: Path) -> tuple[int | None, list[Problem]]:
    """Every main-line commit since office.yaml listed the server's keys carries its signature; the first that
    does not is named. (None, []) when office.yaml lists no key."""
    signers = load_office(root).review_signers
    if not signers:
        return None, []
    repo = open_repository(root)
    line = signed_line(repo)
    verdicts = verify_signatures(repo, line, signers)
    broken = [sha for sha in line if verdicts.get(sha) != SIGNATURE_VERIFIED]
    if not broken:
        return len(line), []
    first = broken[0]
    date, subject = repo.run("log", "-1", "--format=%cI%x1f%s", first).strip().split("\x1f", 1)
    how = "没有签名" if verdicts.get(first) == SIGNATURE_NONE else "的签名不是 office.yaml 所列审核服务器的"
    more = f"；此后还有 {len(broken) - 1} 个提交也不符" if len(broken) > 1 else ""
    return len(line), [Problem(f"（提交 {first[:8]}）", 0, 0, "review_signers",
                               f"主线上的提交 {first[:12]}（{date}「{subject}」）{how}：自提交 {line[0][:12]} 在 office.yaml 中"
                               f"登记审核服务器的签名公钥起，主线上的每个提交都由服务器在合并时签名。这是第一个不符的提交{more}："
                               "提交历史从这里起被改写过（git filter-branch、rebase、强制推送），或有人绕过合并请求直接推送。",
                               _RESTORE_HISTORY + "同时检查服务器的签名设置（README「审核签名」）。")]


def _anchors(root: Path, anchors: Sequence[Path]) -> list[Problem]:
    problems: list[Problem] = []
    for file in anchors:
        name = file.name
        try:
            anchor = parse_anchor(file.read_text(encoding="utf-8"), name)
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(name, 0, 0, "", f"读不了锚点文件 {file}。",
                                    "检查文件路径；锚点文件是 `ducha anchor` 写出的 UTF-8 文本。"))
            continue
        except DataError as error:
            problems += error.problems
            continue
        problems += check_anchor(root, anchor, name)
    return problems


def verify(root: Path, anchors: Sequence[Path] = ()) -> VerifyResult:
    """The archive (see ``verify_archive``), every sealed_on and data_commit in the current history, the
    server's signature on the main line, and each anchor's commit and records still in the history."""
    archive = verify_archive(root)
    history = _History(reachable_commits(root))
    notices, found = _data_commits(root, history, NOTICES_DIR, _COMPUTED[NOTICES_DIR])
    assessments, more = _data_commits(root, history, ASSESSMENTS_DIR, _COMPUTED[ASSESSMENTS_DIR])
    signed, unsigned = _signed_line(root)
    problems = [*archive.problems, *_sealed_commits(root, history), *found, *more, *_open_attachments(root), *unsigned,
                *_anchors(root, anchors), *_links(root)]
    return VerifyResult(archive.checked, tuple(sorted(problems, key=Problem.sort_key)), notices, signed, len(anchors),
                        assessments)
