"""Assembling each case's history: its versions, in the record's order, and the 审核 of each.

A case's history is every version of every path that ever held its id (the file name
is the id), gathered by the id and not by git's rename detection: a move that also edits
the file below git's 50 % similarity is still a move. ``read_histories`` builds the
histories of all cases (one ``git log`` over the whole repository) or of a few (the case
index names the main-line commits that changed each path the case ever had; only those
are read); both feed the same assembly, so the site, ``ducha history`` and the archive
tell one story.

Which versions count: the main line (first parents from HEAD) is the record. Every
commit on it that changed a case file counts; a merge brings in its branch's commits on
the cases the merge changed (against its first parent), and a merge's own edits (an
"evil merge": the result differs from every parent) count as the merge's.
Versions name their files' blobs; the contents are read (``blobs``) only when asked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.repo.blobs import BlobSink, Prefetch
from ducha.repo.cache import case_index, index_of, keep_index
from ducha.repo.casepaths import case_id_of
from ducha.repo.gitprocess import Repository, open_repository
from ducha.repo.log import COMMITS, MERGE_DIFFS, RECORDS, PathChange, parse_diffs, parse_records, stream_records
from ducha.repo.reviews import review_commit, review_of
from ducha.repo.signatures import signed_line, verify_signatures
from ducha.repo.values import CaseHistory, Commit, Histories, Version

#: Up to this many cases, one ``git log -- PATH`` each beats reading the whole log once.
_FEW = 16


@dataclass
class _Log:
    """What the assembly needs, however it was read."""

    position: dict[str, int]  # main-line commits that matter → how far behind HEAD (0 = HEAD)
    sides: dict[str, list[str]]  # main-line merge → the commits it brought in, parents first
    commits: dict[str, Commit]  # those whose changes were read (and the merges that bring them in)
    changes: dict[str, list[PathChange]]  # case files only
    touched: dict[str, set[str]]  # main-line commit → case paths it changed against its first parent


def _main_line(parents: dict[str, tuple[str, ...]], head: str) -> list[str]:
    line: list[str] = []
    sha: str | None = head
    while sha is not None and sha in parents:
        line.append(sha)
        sha = parents[sha][0] if parents[sha] else None
    return line


def _side(merge: str, parents: dict[str, tuple[str, ...]], members: set[str]) -> list[str]:
    """The commits ``merge`` brought in, parents before children (the same order however they were read)."""
    order: list[str] = []
    done: set[str] = set()
    stack: list[tuple[str, bool]] = [(p, False) for p in reversed(parents[merge][1:])]
    while stack:
        sha, expanded = stack.pop()
        if sha in done or sha not in members:
            continue
        if expanded:
            done.add(sha)
            order.append(sha)
        else:
            stack.append((sha, True))
            stack.extend((p, False) for p in reversed(parents[sha]) if p not in done)
    return order


def _sides(parents: dict[str, tuple[str, ...]], main_line: list[str]) -> dict[str, list[str]]:
    """For every main-line merge, the commits it brought in: reachable from it, not from its first parent."""
    claimed = set(main_line)
    members: dict[str, set[str]] = {}
    for merge in reversed(main_line):  # oldest merge first: it claims its commits
        mine: set[str] = set()
        stack = list(parents[merge][1:])
        while stack:
            current = stack.pop()
            if current in claimed or current not in parents:
                continue
            claimed.add(current)
            mine.add(current)
            stack.extend(parents[current])
        if mine:
            members[merge] = mine
    return {merge: _side(merge, parents, mine) for merge, mine in members.items()}


def _read_all(repo: Repository, case_ids: Collection[str] | None, sink: BlobSink | None) -> _Log:
    """Every commit and its changes in one pass; the case files' contents go to ``sink`` meanwhile."""
    log = _Log({}, {}, {}, {}, {})
    parents: dict[str, tuple[str, ...]] = {}
    trees: dict[str, str] = {}
    wanted = set(case_ids) if case_ids is not None else None
    prefetch = Prefetch(repo.root, sink) if sink is not None else None
    needed: set[str] = set()  # contents a newer version compares with (the log runs newest first)

    def read(sha: str, changes: list[PathChange], late: bool = False) -> None:
        log.changes[sha] = changes
        if prefetch is not None:
            mine = [c for c in changes if wanted is None or case_id_of(c.path) in wanted]
            needed.update(b for c in mine for b in c.parent_blobs if b is not None)
            # A 立项 is described without reading it: its content matters only to a later version.
            prefetch.add(c.blob for c in mine if c.status != "A" or c.blob in needed)
            if late:  # read after the older versions it compares with went by
                prefetch.add(b for c in mine for b in c.parent_blobs)

    try:
        for commit, tree, changes in stream_records(repo.stream(*COMMITS, repo.head)):
            parents[commit.sha] = commit.parents
            trees[commit.sha] = tree
            log.commits[commit.sha] = commit
            if changes:
                read(commit.sha, changes)
        main_line = _main_line(parents, repo.head)
        log.position = {sha: i for i, sha in enumerate(main_line)}
        log.sides = _sides(parents, main_line)
        own_edits, log.touched = _merge_diffs(repo, log, main_line, trees)
        for sha, changes in own_edits.items():
            read(sha, changes, late=True)
    except BaseException:
        if prefetch is not None:
            prefetch.abort()
        raise
    if prefetch is not None:
        prefetch.close()
    keep_index(repo, index_of([(sha, log.touched[sha]) for sha in main_line]))
    return log


def _merge_diffs(repo: Repository, log: _Log, main_line: list[str],
                 trees: dict[str, str]) -> tuple[dict[str, list[PathChange]], dict[str, set[str]]]:
    """The merges' own edits, and the case paths each main-line commit changed against its first parent.

    The whole log leaves every merge's diffs out: diffing each merge against its parents would be
    a fifth more work than the rest of the walk. A merge's own edits are the paths where it differs
    from every parent: none when its files are all one parent's (its tree is that parent's), as a
    clean merge's are. What a main-line commit changed against its first parent is its own changes;
    a merge's, worked out from its branch when it merged cleanly. The rest is asked of git, in one
    ``diff-tree`` for both questions.
    """
    edited = [sha for sha, commit in log.commits.items()
              if commit.is_merge and all(trees[sha] != trees.get(p) for p in commit.parents)]
    touched: dict[str, set[str]] = {}
    asked: list[str] = []
    for sha in main_line:
        commit = log.commits[sha]
        net = _net_change(log, commit, trees) if commit.is_merge else {c.path for c in log.changes.get(sha, ())}
        if net is None:
            asked.append(sha)
        else:
            touched[sha] = net
    lines = [f"{sha}\n" for sha in edited] + [f"{sha} {log.commits[sha].parents[0]}\n" for sha in asked]
    if not lines:
        return {}, touched
    answers = parse_diffs(repo.run(*MERGE_DIFFS, stdin="".join(lines)))
    own = {sha: changes for sha, changes in zip(edited, answers[:len(edited)], strict=True) if changes}
    touched.update({sha: {c.path for c in changes} for sha, changes in zip(asked, answers[len(edited):], strict=True)})
    return own, touched


def _net_change(log: _Log, merge: Commit, trees: dict[str, str]) -> set[str] | None:
    """What a clean merge changed against its first parent: the paths its branch left changed, taken together.

    Clean: its branch is a line of plain commits begun at the first parent, and the merge's
    files are the branch's last commit's (its tree is that commit's). None for any other merge.
    """
    side = log.sides.get(merge.sha, [])
    if len(merge.parents) != 2 or not side or side[-1] != merge.parents[1] or trees[merge.sha] != trees[side[-1]]:
        return None
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for parent, sha in zip([merge.parents[0], *side], side, strict=False):
        if log.commits[sha].parents != (parent,):
            return None
        for change in log.changes.get(sha, ()):
            before.setdefault(change.path, change.parent_blobs[0])
            after[change.path] = change.blob
    return {path for path, blob in after.items() if blob != before[path]}


# --- a few cases: through the case index ------------------------------------------------


def _read_some(repo: Repository, case_ids: Collection[str]) -> _Log:
    """The commits that matter to ``case_ids`` only: the index names the main-line ones."""
    index = case_index(repo)
    wanted = set(case_ids)
    log = _Log({}, {}, {}, {}, {})
    for path in index.entries:
        if case_id_of(path) in wanted:
            for depth, sha in index.commits(path):
                log.touched.setdefault(sha, set()).add(path)
                log.position[sha] = index.depth - depth
    fetch = list(log.position)
    if not fetch:
        return log
    heads = repo.run("rev-list", "--no-walk=unsorted", "--parents", "--stdin", stdin="\n".join(fetch) + "\n")
    for merge in (line.split()[0] for line in heads.split("\n") if len(line.split()) > 2):
        # a merge's branch: what the merge reaches that its first parent does not
        graph = [line.split() for line in repo.run("rev-list", "--parents", f"^{merge}^", merge).split("\n") if line]
        parents = {line[0]: tuple(line[1:]) for line in graph}
        log.sides[merge] = _side(merge, parents, set(parents) - {merge})
        fetch += log.sides[merge]
    output = repo.run(*RECORDS, "--no-walk=unsorted", "--stdin", stdin="\n".join(fetch) + "\n")
    for commit, changes in parse_records(output):
        log.commits[commit.sha] = commit
        if changes:
            log.changes[commit.sha] = changes
    return log


# --- the recent main line ----------------------------------------------------------------


def _read_main_line(repo: Repository, since: dt.date) -> _Log:
    """The main line from ``since`` on, each commit one step, a merge diffed against its first parent."""
    log = _Log({}, {}, {}, {}, {})
    output = repo.run(*RECORDS, "--first-parent", "--diff-merges=first-parent",
                      f"--since={since.isoformat()}T00:00:00+08:00", repo.head)
    for position, (commit, changes) in enumerate(parse_records(output)):
        log.position[commit.sha] = position
        log.commits[commit.sha] = commit
        if changes:
            log.changes[commit.sha] = changes
    return log


# --- assembly ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One commit's changes to one case, before reviewers are known; ``paired`` is a move's source."""

    commit: Commit
    change: PathChange
    paired: PathChange | None
    merged_by: Commit | None


def _steps(log: _Log, case_ids: Collection[str] | None) -> dict[str, list[_Step]]:
    """Each case's changes that count, in the record's order: main-line step, its branch's commits first."""
    wanted = set(case_ids) if case_ids is not None else None
    eligible: list[tuple[tuple[int, int, int], str, Commit | None, list[PathChange]]] = []
    for sha, position in log.position.items():
        changes = log.changes.get(sha)
        if changes:
            eligible.append(((-position, 1, 0), sha, None, changes))
        side = log.sides.get(sha)
        if side:  # a branch's work on a case counts when its merge changed that case
            touched = {case_id_of(p) for p in log.touched.get(sha, ())}
            for index, member in enumerate(side):
                kept = [c for c in log.changes.get(member, ()) if case_id_of(c.path) in touched]
                if kept:
                    eligible.append(((-position, 0, index), member, log.commits[sha], kept))
    eligible.sort(key=lambda item: item[0])
    by_id: dict[str, list[_Step]] = defaultdict(list)
    for _, sha, bringer, changes in eligible:
        commit = log.commits[sha]
        per_id: dict[str, list[PathChange]] = defaultdict(list)
        for change in changes:
            if wanted is None or case_id_of(change.path) in wanted:
                per_id[case_id_of(change.path)].append(change)
        for case_id, mine in per_id.items():
            added = [c for c in mine if c.status == "A"]
            deleted = [c for c in mine if c.status == "D"]
            sources = dict(zip((c.path for c in added), deleted, strict=False))  # a move: the id left one path for another
            moved = {c.path for c in sources.values()}
            for change in mine:
                if change.path not in moved:
                    by_id[case_id].append(_Step(commit, change, sources.get(change.path), bringer))
    return by_id


def _versions(steps: list[_Step], signatures: dict[str, str], signed: frozenset[str]) -> list[Version]:
    versions: list[Version] = []
    alive: dict[str, str | None] = {}  # path → blob, for the paths holding the id right now
    gone: tuple[str, str | None] | None = None  # the last path deleted, with its last content
    for step in steps:
        change, commit = step.change, step.commit
        reviewer = review_commit(commit, step.merged_by)
        review = review_of(reviewer, signatures.get(reviewer.sha), reviewer.sha in signed)
        status, old_path, old_blob = change.status, None, change.parent_blobs[0]
        if step.paired is not None:
            status, old_path, old_blob = "R", step.paired.path, step.paired.parent_blobs[0]
            alive.pop(step.paired.path, None)
        elif status == "A" and alive:
            status, (old_path, old_blob) = "C", next(iter(alive.items()))
        elif status == "A" and gone is not None:
            old_path, old_blob = gone
        if change.blob is None:
            alive.pop(change.path, None)
            gone = (change.path, change.parent_blobs[0])
        else:
            alive[change.path] = change.blob
        versions.append(Version(
            commit=commit, status=status, path=change.path, old_path=old_path, blob=change.blob, old_blob=old_blob,
            other_blobs=change.parent_blobs[1:] if commit.is_merge else (), reviewers=review.reviewers,
            merged_by=step.merged_by, review_commit=reviewer if reviewer.reviewers else None,
            signature=review.signature,
        ))
    return versions


def read_histories(root: Path, case_ids: Collection[str] | None = None, signers: Sequence[str] = (),
                   blob_sink: BlobSink | None = None, since: dt.date | None = None) -> Histories:
    """The histories of ``case_ids`` (every case by default), checked against the review server's keys.

    ``signers`` are SSH ``allowed_signers`` lines (office.yaml ``review_signers``); when
    given, each 审核 from the commit that listed them on counts only if git verified its
    commit's signature with one of them (``repo.reviews`` decides what every 审核 is worth).
    ``blob_sink`` is handed the case files' contents while the whole log is being read,
    so that parsing them overlaps git's work (it may get a few that no version uses).

    With ``since``, not a trail but the recent main line, for when entries were recorded:
    from that day on (Asia/Shanghai), each main-line commit one version, a merge diffed
    against its first parent, so a change is dated by the commit that brought it into the
    records. Each version still names the blob it replaced, which is all that question needs.
    """
    repo = open_repository(root)
    if not repo.head:
        return Histories("", {})
    if since is not None:
        log = _read_main_line(repo, since)
    elif case_ids is not None and len(case_ids) <= _FEW:
        log = _read_some(repo, case_ids)
    else:
        log = _read_all(repo, case_ids, blob_sink)
    steps = _steps(log, case_ids)
    signatures: dict[str, str] = {}
    signed: frozenset[str] = frozenset()
    if signers:
        signed = frozenset(signed_line(repo))
        reviewed = {c.sha for step in (x for xs in steps.values() for x in xs)
                    if (c := review_commit(step.commit, step.merged_by)).reviewers}
        signatures = verify_signatures(repo, reviewed, signers)
    by_id = {}
    for case_id, case_steps in steps.items():
        versions = _versions(case_steps, signatures, signed)
        by_id[case_id] = CaseHistory(case_id, versions[-1].path, versions)
    return Histories(repo.head, by_id)


