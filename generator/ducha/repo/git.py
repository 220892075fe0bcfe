"""The only module that touches git. Everything it returns is a plain dataclass.

A case's history is every version of every path that ever held its id (the file name
is the id), gathered by the id and not by git's rename detection: a move that also edits
the file below git's 50 % similarity is still a move. ``read_histories`` builds the
histories of all cases (one ``git log`` over the whole repository) or of a few (git's
changed-path Bloom filters, one ``git log -- PATH`` per path the case ever had); both
feed the same assembly, so the site, ``ducha history`` and the archive tell one story.

Which versions count: the main line (first parents from HEAD) is the record. Every
commit on it that changed a case file counts; a merge brings in its branch's commits on
the cases the merge changed (against its first parent), and a merge's own edits (an
"evil merge": the result differs from every parent) count as the merge's.
File contents are read through one persistent ``git cat-file --batch``, only when asked.

Everything here runs the git command line directly: GitPython costs a quarter of a
second to import, half of what ``ducha history`` may take.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import os
import queue
import re
import subprocess
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from ducha.errors import DuchaError
from ducha.model.case import CASES_DIR

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Trailers Gitea/Forgejo write on merges (Reviewed-by) and the office's own Chinese ones.
_REVIEWER = re.compile(r"^(?:Reviewed-by|审核人|审核)\s*[:：]\s*(.+?)\s*$", re.M | re.I)
_SHA = re.compile("[0-9a-f]+")
_COMMIT_ID = re.compile(r"[0-9a-fA-F]{4,40}")
#: A case file: any ``*.yaml`` under cases/, as the loader sees it; its name is the id.
_CASE_PATH = re.compile(rf"^{CASES_DIR}/(?:[^/]+/)*[^/]+\.yaml$")
#: Settings of the user's own git config that would change what ``git log`` prints.
_PLAIN = ("-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "core.quotePath=false")
_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct%x1f%s%x1f%B%x1d"
#: ``git log`` of every commit, with each merge's own edits (-c: paths differing from all parents).
_LOG = ("log", "--raw", "-z", "-c", "--no-renames", "--no-abbrev", "--no-ext-diff")
#: New commits the changed-path filters may miss before ``ducha history`` writes them.
_GRAPH_SLACK = 256
#: Up to this many cases, one ``git log -- PATH`` each beats reading the whole log once.
_FEW = 16
_INDEX_HEADER = "ducha case-paths 1"
_SIGNATURES_HEADER = "ducha signatures 1"


class HistoryError(DuchaError):
    """The repository cannot give a trustworthy history (not a repository, shallow clone)."""

    exit_code = 2


class ShallowCloneError(HistoryError):
    """Only part of the history is here: authors, dates and reviewers would be wrong."""


_SHALLOW = ("当前仓库是浅克隆（shallow clone），只有部分提交历史，按它生成的审计记录会缺失作者和日期。"
            "修改：运行 `git fetch --unshallow`；CI 中 actions/checkout 请设置 `fetch-depth: 0`。")


@dataclass(frozen=True)
class Commit:
    """One commit, as the audit trail shows it."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: dt.datetime  # author date, Asia/Shanghai
    subject: str
    reviewers: tuple[str, ...]  # this commit's own review trailers, as written (trusted or not)
    committed: dt.datetime | None = None  # committer date: set by the server when it merges or rebases

    @property
    def short(self) -> str:
        return self.sha[:8]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


#: What ``git verify-commit`` (``%G?``) says of a commit's signature, reduced to three answers.
SIGNATURE_VERIFIED, SIGNATURE_NONE, SIGNATURE_UNTRUSTED = "verified", "unsigned", "untrusted"


@dataclass(frozen=True)
class Version:
    """One commit's change to one case file (or a move between two of its paths)."""

    commit: Commit
    status: str  # A added, M modified, D deleted, R moved (old_path → path), C a second file with the same id
    path: str
    old_path: str | None  # R, C, and an A that brings back a deleted record: the path it came from
    blob: str | None  # the file's content after this commit (None when deleted)
    old_blob: str | None  # before it (on a merge: in its first parent)
    other_blobs: tuple[str | None, ...]  # a merge's own edit: the file in its other parents
    reviewers: tuple[str, ...]  # the 审核: its merge's trailers, or a squash commit's verified by the server key
    merged_by: Commit | None  # the main-line merge that brought it in, if any
    review_commit: Commit | None = None  # the commit whose trailers ``reviewers`` are
    signature: str | None = None  # of review_commit, when office.yaml lists review_signers

    @property
    def by_merge(self) -> bool:
        """The change was made in the merge commit itself, not by a commit it brought in."""
        return self.commit.is_merge


@dataclass
class CaseHistory:
    """Every version of one case, oldest first, whatever paths it had."""

    case_id: str
    path: str  # the newest path
    versions: list[Version] = field(default_factory=list)


@dataclass(frozen=True)
class Histories:
    """The histories of the cases asked for (all of them by default) at ``head``."""

    head: str
    by_id: dict[str, CaseHistory]

    def for_id(self, case_id: str) -> CaseHistory | None:
        return self.by_id.get(case_id)


def case_id_of(path: str) -> str:
    """The id a case path holds: its file name without ``.yaml``."""
    return path.rsplit("/", 1)[-1][:-5]


def is_case_path(path: str) -> bool:
    return _CASE_PATH.match(path) is not None


# --- running git -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Repo:
    """A checked repository: not shallow, with its HEAD (empty before the first commit)."""

    root: Path
    common_dir: Path
    head: str

    def run(self, *args: str, stdin: str | None = None, config: Sequence[str] = (), check: bool = True) -> str:
        return _run(self.root, *config, *args, stdin=stdin, check=check)

    def run_together(self, calls: Sequence[Sequence[str]]) -> list[str]:
        """Several git commands at once (each answer is small, or spooled to a file), in the order given."""
        with contextlib.ExitStack() as stack:
            running = []
            for args in calls:
                output = stack.enter_context(tempfile.TemporaryFile())
                running.append((subprocess.Popen(["git", *_PLAIN, *args], cwd=self.root, stdout=output,
                                                 stderr=subprocess.DEVNULL), output, args))
            answers = []
            for process, output, args in running:
                if process.wait() != 0:
                    raise HistoryError(f"git {args[0]} 失败。请检查仓库是否完整。")
                output.seek(0)
                answers.append(output.read().decode("utf-8", "replace"))
            return answers

    def ok(self, *args: str) -> bool:
        """Whether the git command succeeds (``merge-base --is-ancestor`` answers by exit code)."""
        return _call(self.root, *args).returncode == 0

    def answer(self, *args: str) -> str | None:
        """The output of a git command, or None when it fails (an unknown commit, no common history)."""
        done = _call(self.root, *args)
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    @property
    def ducha_dir(self) -> Path:
        return self.common_dir / "ducha"


def _call(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *_PLAIN, *args], cwd=root, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise HistoryError("找不到 git 命令：审计记录来自提交历史。请先安装 git。") from None


def _run(root: Path, *args: str, stdin: str | None = None, check: bool = True) -> str:
    done = _call(root, *args, stdin=stdin.encode("utf-8") if stdin is not None else None)
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise HistoryError(f"git {args[0] if args else ''} 失败：{message}。请检查仓库是否完整。")
    return done.stdout.decode("utf-8", "replace")


def _open(root: Path) -> _Repo:
    not_a_repository = HistoryError(f"{root} 不是 git 仓库：审计记录来自提交历史。请在督查仓库中运行。")
    if not root.is_dir():
        raise not_a_repository
    done = _call(root, "rev-parse", "--show-toplevel", "--git-common-dir", "--is-shallow-repository")
    if done.returncode != 0:
        raise not_a_repository
    top, common, shallow = done.stdout.decode("utf-8", "replace").splitlines()[:3]
    if Path(top).resolve() != root.resolve():  # records inside some other repository: their paths are not ours
        raise not_a_repository
    if shallow == "true":
        raise ShallowCloneError(_SHALLOW)
    head = _run(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip()
    return _Repo(root, (root / common).resolve(), head)


def check_repository(root: Path) -> None:
    """Raise HistoryError unless ``root`` is a full (not shallow) git repository."""
    _open(root)


def head_sha(root: Path) -> str | None:
    """The commit HEAD points at, or None in a repository with no commit yet."""
    return _open(root).head or None


def _write_atomically(path: Path, text: str) -> None:
    """Derived data under .git/ducha: written whole or not at all; a read-only repository just goes without."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        pass


# --- reading the log ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    """One path as one commit left it: its blob in each parent (None: absent) and after."""

    path: str
    parent_blobs: tuple[str | None, ...]
    blob: str | None

    @property
    def status(self) -> str:
        if self.blob is None:
            return "D"
        return "A" if all(b is None for b in self.parent_blobs) else "M"


def _blob(text: str) -> str | None:
    return None if not text.strip("0") else text  # all zeros: no file on that side


def _parse_raw(raw: str) -> list[_Change]:
    """``--raw -z`` entries: ``:mode… blob… STATUS\\0path\\0``, one colon per parent (``-c``)."""
    tokens = raw.lstrip("\n\0").split("\0")
    changes = []
    i = 0
    while i + 1 < len(tokens) and tokens[i].startswith(":"):
        parents = len(tokens[i]) - len(tokens[i].lstrip(":"))
        meta = tokens[i][parents:].split(" ")
        blobs = meta[parents + 1: 2 * parents + 2]
        path = tokens[i + 1]
        if _CASE_PATH.match(path):
            changes.append(_Change(path, tuple(_blob(b) for b in blobs[:parents]), _blob(blobs[parents])))
        i += 2
    return changes


def _parse_record(chunk: str) -> tuple[Commit, list[_Change]]:
    header, _, raw = chunk.partition("\x1d")
    sha, parents, author, email, stamp, committed, subject, body = header.split("\x1f", 7)
    commit = Commit(
        sha=sha, parents=tuple(parents.split()), author=author, email=email,
        date=dt.datetime.fromtimestamp(int(stamp), SHANGHAI), subject=subject,
        reviewers=tuple(dict.fromkeys(m.group(1) for m in _REVIEWER.finditer(body))),
        committed=dt.datetime.fromtimestamp(int(committed), SHANGHAI),
    )
    return commit, _parse_raw(raw)


def _parse_log(output: str) -> Iterator[tuple[Commit, list[_Change]]]:
    for chunk in output.split("\x1e")[1:]:
        yield _parse_record(chunk)


def _stream_log(repo: _Repo, *args: str) -> Iterator[tuple[Commit, list[_Change]]]:
    """``git log`` parsed as it comes: the caller's work on each commit overlaps git's on the next."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(["git", *_PLAIN, *args], cwd=repo.root, stdout=subprocess.PIPE, stderr=errors)
        assert process.stdout is not None
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pending = ""
        chunks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        output = process.stdout.fileno()

        def drain() -> None:
            # Read on a thread of its own: while the caller parses a batch of contents, git
            # keeps writing instead of waiting on a full pipe.
            try:
                for data in iter(lambda: os.read(output, 1 << 16), b""):
                    chunks.put(data)
            finally:
                chunks.put(b"")  # the end, however the reading ended: the caller never waits for nothing

        threading.Thread(target=drain, daemon=True).start()
        for data in iter(chunks.get, b""):
            records = (pending + decoder.decode(data)).split("\x1e")
            pending = records.pop()
            for record in records:
                if record:
                    yield _parse_record(record)
        pending += decoder.decode(b"", final=True)
        if pending:
            yield _parse_record(pending)
        if process.wait() != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()
            raise HistoryError(f"git log 失败：{message}。请检查仓库是否完整。")


def _first_parent_paths(output: str) -> dict[str, set[str]]:
    """``--format=%x1e%H --raw`` output: the case paths each commit changed."""
    touched: dict[str, set[str]] = {}
    for chunk in output.split("\x1e")[1:]:
        sha = _SHA.match(chunk)
        if sha is not None:
            touched[sha.group()] = {c.path for c in _parse_raw(chunk[sha.end():])}
    return touched


@dataclass
class _Log:
    """What the assembly needs, however it was read."""

    position: dict[str, int]  # main-line commits that matter → how far behind HEAD (0 = HEAD)
    sides: dict[str, list[str]]  # main-line merge → the commits it brought in, parents first
    commits: dict[str, Commit]  # those whose changes were read (and the merges that bring them in)
    changes: dict[str, list[_Change]]  # case files only
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


def _read_all(repo: _Repo, case_ids: Collection[str] | None, sink: BlobSink | None) -> _Log:
    """Every commit and its changes in one pass; the case files' contents go to ``sink`` meanwhile."""
    log = _Log({}, {}, {}, {}, {})
    parents: dict[str, tuple[str, ...]] = {}
    paths: set[str] = set()
    wanted = set(case_ids) if case_ids is not None else None
    prefetch = _Prefetch(repo.root, sink) if sink is not None else None
    needed: set[str] = set()  # contents a newer version compares with (the log runs newest first)
    with tempfile.TemporaryFile() as merges:
        # What each main-line merge changed against its first parent, read by a second git
        # meanwhile: the two walks and the parsing here share the machine's cores.
        first_parent = subprocess.Popen(
            ["git", *_PLAIN, "log", "--first-parent", "--merges", "--diff-merges=first-parent", "--raw", "-z",
             "--no-renames", "--no-abbrev", "--format=%x1e%H", repo.head], cwd=repo.root, stdout=merges,
            stderr=subprocess.DEVNULL)
        for commit, changes in _stream_log(repo, *_LOG, f"--format={_FORMAT}", repo.head):
            parents[commit.sha] = commit.parents
            log.commits[commit.sha] = commit
            if changes:
                log.changes[commit.sha] = changes
                paths.update(c.path for c in changes)
                if prefetch is not None:
                    mine = [c for c in changes if wanted is None or case_id_of(c.path) in wanted]
                    needed.update(b for c in mine for b in c.parent_blobs if b is not None)
                    # A 立项 is described without reading it: its content matters only to a later version.
                    prefetch.add(c.blob for c in mine if c.status != "A" or c.blob in needed)
        if prefetch is not None:
            prefetch.close()
        if first_parent.wait() != 0:
            raise HistoryError("git log --first-parent 失败。请检查仓库是否完整。")
        merges.seek(0)
        log.touched = _first_parent_paths(merges.read().decode("utf-8", "replace"))
    main_line = _main_line(parents, repo.head)
    log.position = {sha: i for i, sha in enumerate(main_line)}
    log.sides = _sides(parents, main_line)
    for touched in log.touched.values():
        paths.update(touched)
    _write_index(repo, repo.head, paths)
    return log


# --- one case: the path index and the changed-path filters -------------------------------


def _read_index(repo: _Repo) -> tuple[str, set[str]] | None:
    try:
        lines = (repo.ducha_dir / "case-paths").read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 2 or not lines[0].startswith(_INDEX_HEADER + " "):
        return None
    return lines[0].split()[-1], {line for line in lines[1:] if line}


def _write_index(repo: _Repo, head: str, paths: set[str]) -> None:
    """Every case path any commit up to ``head`` changed: which paths to ask git about for one id.

    It holds the paths of every commit's change against its first parent; so it stays
    complete when brought forward over the commits a later HEAD adds (``_case_paths``).
    """
    old = _read_index(repo)
    if old is not None and old[0] == head and old[1] == paths:
        return
    _write_atomically(repo.ducha_dir / "case-paths", "\n".join([f"{_INDEX_HEADER} {head}", *sorted(paths)]) + "\n")


def _case_paths(repo: _Repo) -> set[str] | None:
    """The index brought up to HEAD, or None when it cannot be (missing, or history rewritten)."""
    index = _read_index(repo)
    if index is None:
        return None
    indexed, paths = index
    if indexed != repo.head:
        if not repo.ok("merge-base", "--is-ancestor", indexed, repo.head):
            return None
        new = _first_parent_paths(repo.run("log", "--diff-merges=first-parent", "--raw", "-z", "--no-renames",
                                           "--no-abbrev", "--format=%x1e%H", f"{indexed}..{repo.head}"))
        for touched in new.values():
            paths |= touched
        _write_index(repo, repo.head, paths)
    return paths


def _graph_layers(repo: _Repo) -> list[Path]:
    info = repo.common_dir / "objects" / "info"
    chain = info / "commit-graphs" / "commit-graph-chain"
    if chain.exists():
        return [info / "commit-graphs" / f"graph-{line.strip()}.graph"
                for line in chain.read_text(encoding="ascii").split() if line.strip()]
    return [info / "commit-graph"] if (info / "commit-graph").exists() else []


def _graph_state(repo: _Repo) -> tuple[bool, int]:
    """Whether every commit-graph layer has changed-path filters, and how many commits it holds."""
    layers = _graph_layers(repo)
    blooms, commits = bool(layers), 0
    try:
        for layer in layers:
            with layer.open("rb") as graph:
                header = graph.read(8)
                table = graph.read(12 * (header[6] + 1))
                chunks = {table[i:i + 4]: int.from_bytes(table[i + 4:i + 12], "big") for i in range(0, len(table), 12)}
                blooms = blooms and b"BIDX" in chunks
                graph.seek(chunks[b"OIDF"] + 255 * 4)
                commits += int.from_bytes(graph.read(4), "big")
    except (OSError, IndexError, KeyError):
        return False, 0
    return blooms, commits


def _ensure_commit_graph(repo: _Repo) -> None:
    """Git's changed-path Bloom filters make ``git log -- PATH`` skip the commits that did not touch it.

    Written when missing (or written without filters) and topped up when many commits are
    not in it yet; later ``git commit-graph write`` and ``git maintenance`` runs keep the filters.
    """
    blooms, commits = _graph_state(repo)
    if blooms and int(repo.run("rev-list", "--count", repo.head) or 0) - commits <= _GRAPH_SLACK:
        return
    split = "--split" if blooms else "--split=replace"
    repo.run("commit-graph", "write", "--reachable", "--changed-paths", split, "--no-progress", check=False)


def _read_some(repo: _Repo, case_ids: Collection[str]) -> _Log | None:
    """The commits that matter to ``case_ids`` only; None when the path index cannot say which."""
    _ensure_commit_graph(repo)
    paths = _case_paths(repo)
    if paths is None:
        return None
    wanted = set(case_ids)
    log = _Log({}, {}, {}, {}, {})
    candidates = sorted(p for p in paths if case_id_of(p) in wanted)
    # One path a call (git's filters take a single path), all at once; with several paths,
    # where each commit stands on the main line puts them in one order.
    calls = [("log", "--first-parent", "--format=%H", repo.head, "--", path) for path in candidates]
    outputs = repo.run_together([*calls, ("rev-list", "--first-parent", repo.head)] if len(calls) > 1 else calls)
    found = [output.split() for output in outputs[:len(calls)]]
    for path, shas in zip(candidates, found, strict=True):
        for sha in shas:
            log.touched.setdefault(sha, set()).add(path)
    if len([f for f in found if f]) > 1:
        log.position = {sha: i for i, sha in enumerate(outputs[-1].split()) if sha in log.touched}
    else:
        log.position = {sha: i for f in found for i, sha in enumerate(f)}
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
    output = repo.run(*_LOG, "--no-walk=unsorted", "--stdin", f"--format={_FORMAT}", stdin="\n".join(fetch) + "\n")
    for commit, changes in _parse_log(output):
        log.commits[commit.sha] = commit
        if changes:
            log.changes[commit.sha] = changes
    return log


# --- signatures --------------------------------------------------------------------------


def _verify(repo: _Repo, commits: Iterable[str], signers: Sequence[str]) -> dict[str, str]:
    """Each commit's signature checked by git against the office's allowed signers (cached by key list)."""
    wanted = set(commits)
    if not wanted:
        return {}
    digest = hashlib.sha256("\n".join(signers).encode("utf-8")).hexdigest()[:16]
    cache = repo.ducha_dir / "signatures"
    known: dict[str, str] = {}
    try:
        lines = cache.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        lines = []
    if lines and lines[0] == _SIGNATURES_HEADER:
        for line in lines[1:]:
            parts = line.split()
            if len(parts) == 3 and parts[0] == digest:
                known[parts[1]] = parts[2]
    missing = sorted(wanted - known.keys())
    if missing:
        with tempfile.TemporaryDirectory(prefix="ducha-signers-") as folder:
            allowed = Path(folder) / "allowed_signers"
            allowed.write_text("".join(line.strip() + "\n" for line in signers), encoding="utf-8")
            output = repo.run("log", "--no-walk=unsorted", "--stdin", "--format=%H %G?", stdin="\n".join(missing) + "\n",
                              config=("-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={allowed}"))
        for line in output.split("\n"):
            if line.strip():
                sha, code = line.split()
                known[sha] = (SIGNATURE_VERIFIED if code == "G" else SIGNATURE_NONE if code == "N"
                              else SIGNATURE_UNTRUSTED)
        _write_atomically(cache, "\n".join([_SIGNATURES_HEADER, *(f"{digest} {sha} {code}" for sha, code
                                                                  in sorted(known.items()))]) + "\n")
    return {sha: known[sha] for sha in wanted if sha in known}


# --- assembly ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One commit's changes to one case, before reviewers are known; ``paired`` is a move's source."""

    commit: Commit
    change: _Change
    paired: _Change | None
    merged_by: Commit | None


def _steps(log: _Log, case_ids: Collection[str] | None) -> dict[str, list[_Step]]:
    """Each case's changes that count, in the record's order: main-line step, its branch's commits first."""
    wanted = set(case_ids) if case_ids is not None else None
    eligible: list[tuple[tuple[int, int, int], str, Commit | None, list[_Change]]] = []
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
        per_id: dict[str, list[_Change]] = defaultdict(list)
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


def _review_commit(step: _Step) -> Commit | None:
    """Whose trailers are the 审核: a merge's own, else the main-line merge's; a plain commit's only if signed."""
    if step.commit.is_merge:
        return step.commit
    if step.merged_by is not None:
        return step.merged_by
    return step.commit if step.commit.reviewers else None


def _versions(steps: list[_Step], signatures: dict[str, str] | None) -> list[Version]:
    versions: list[Version] = []
    alive: dict[str, str | None] = {}  # path → blob, for the paths holding the id right now
    gone: tuple[str, str | None] | None = None  # the last path deleted, with its last content
    for step in steps:
        change, commit = step.change, step.commit
        reviewer = _review_commit(step)
        signature = signatures.get(reviewer.sha) if reviewer is not None and signatures is not None else None
        trusted = reviewer is not None and (reviewer.is_merge or signature == SIGNATURE_VERIFIED)
        reviewers = reviewer.reviewers if trusted and reviewer is not None else ()
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
            other_blobs=change.parent_blobs[1:] if commit.is_merge else (), reviewers=reviewers,
            merged_by=step.merged_by, review_commit=reviewer if reviewers else None,
            signature=signature if reviewers and signatures is not None else None,
        ))
    return versions


def _read_main_line(repo: _Repo, since: dt.date) -> _Log:
    """The main line from ``since`` on, each commit one step, a merge diffed against its first parent."""
    log = _Log({}, {}, {}, {}, {})
    output = repo.run(*_LOG, "--first-parent", "--diff-merges=first-parent",
                      f"--since={since.isoformat()}T00:00:00+08:00", f"--format={_FORMAT}", repo.head)
    for position, (commit, changes) in enumerate(_parse_log(output)):
        log.position[commit.sha] = position
        log.commits[commit.sha] = commit
        if changes:
            log.changes[commit.sha] = changes
    return log


def read_histories(root: Path, case_ids: Collection[str] | None = None, signers: Sequence[str] = (),
                   blob_sink: BlobSink | None = None, since: dt.date | None = None) -> Histories:
    """The histories of ``case_ids`` (every case by default), checked against the review server's keys.

    ``signers`` are SSH ``allowed_signers`` lines (office.yaml ``review_signers``); when
    given, each 审核 carries whether git verified its commit's signature with one of them.
    ``blob_sink`` is handed the case files' contents while the whole log is being read,
    so that parsing them overlaps git's work (it may get a few that no version uses).

    With ``since``, not a trail but the recent main line, for when entries were recorded:
    from that day on (Asia/Shanghai), each main-line commit one version, a merge diffed
    against its first parent, so a change is dated by the commit that brought it into the
    records. Each version still names the blob it replaced, which is all that question needs.
    """
    repo = _open(root)
    if not repo.head:
        return Histories("", {})
    few = case_ids is not None and len(case_ids) <= _FEW
    log = _read_main_line(repo, since) if since is not None else None
    if log is None and few and case_ids is not None:
        log = _read_some(repo, case_ids)
    if log is None:
        log = _read_all(repo, case_ids, blob_sink)
    steps = _steps(log, case_ids)
    signatures: dict[str, str] | None = None
    if signers:
        reviewed = {c.sha for s in (x for xs in steps.values() for x in xs)
                    if (c := _review_commit(s)) is not None and c.reviewers}
        signatures = _verify(repo, reviewed, signers)
    by_id = {}
    for case_id, case_steps in steps.items():
        versions = _versions(case_steps, signatures)
        by_id[case_id] = CaseHistory(case_id, versions[-1].path, versions)
    return Histories(repo.head, by_id)


#: Receives a case file's content (blob id, bytes) as soon as it is read.
BlobSink = Callable[[str, bytes], None]


class BlobReader:
    """File contents by blob id, through one persistent ``git cat-file --batch``."""

    #: Ids written before reading answers: small enough that neither pipe fills up and blocks.
    BATCH = 512

    def __init__(self, root: Path) -> None:
        self._root = root
        self._process: subprocess.Popen[bytes] | None = None

    def read(self, blob: str) -> bytes:
        return next(self.read_many([blob]))[1]

    def read_many(self, blobs: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        if self._process is None:
            self._process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self._root, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE)
        assert self._process.stdin is not None and self._process.stdout is not None
        for start in range(0, len(blobs), self.BATCH):
            batch = blobs[start:start + self.BATCH]
            self._process.stdin.write("".join(f"{blob}\n" for blob in batch).encode("ascii"))
            self._process.stdin.flush()
            for blob in batch:
                header = self._process.stdout.readline().split()
                if len(header) != 3:
                    raise HistoryError(f"git 对象 {blob} 不存在：仓库不完整。请重新克隆完整仓库。")
                yield blob, self._process.stdout.read(int(header[2]) + 1)[:-1]

    def close(self) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait()
            self._process = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _Prefetch:
    """Blobs read in batches as the log names them, each handed to the sink once."""

    def __init__(self, root: Path, sink: BlobSink) -> None:
        self._reader = BlobReader(root)
        self._sink = sink
        self._seen: set[str] = set()
        self._pending: list[str] = []

    def add(self, blobs: Iterable[str | None]) -> None:
        for blob in blobs:
            if blob is not None and blob not in self._seen:
                self._seen.add(blob)
                self._pending.append(blob)
        if len(self._pending) >= BlobReader.BATCH:
            self.flush()

    def flush(self) -> None:
        for blob, raw in self._reader.read_many(self._pending):
            self._sink(blob, raw)
        self._pending = []

    def close(self) -> None:
        self.flush()
        self._reader.close()


def files_at(root: Path, rev: str, paths: list[str]) -> dict[str, bytes | None]:
    """The content of each of ``paths`` at ``rev`` (None where it did not exist), through one process."""
    _open(root)  # refuses what is not a repository, or a shallow clone
    # A name with a line break would be two questions to ``cat-file --batch``: such a path is not there.
    asked = [path for path in dict.fromkeys(paths) if "\n" not in path]
    found: dict[str, bytes | None] = dict.fromkeys(paths)
    for path, kind, data in _cat_files(root, [f"{rev}:{path}" for path in asked], asked):
        found[path] = data if kind == b"blob" else None
    return found


def resolve(root: Path, rev: str) -> str:
    """The full commit id of ``rev``; a clear error when it does not exist."""
    commit = _open(root).answer("rev-parse", "--verify", f"{rev}^{{commit}}")
    if commit is None:
        raise HistoryError(f"找不到提交「{rev}」。修改：检查分支名或提交号；CI 中请用 fetch-depth: 0 取得完整历史。")
    return commit.strip()


def merge_base(root: Path, base: str, head: str = "HEAD") -> str | None:
    """The newest commit both ``base`` and ``head`` descend from; None when they share no history."""
    found = _open(root).answer("merge-base", base, head)
    return (found.strip() or None) if found is not None else None


@dataclass(frozen=True)
class FileChange:
    """A file changed between a base commit and the working tree."""

    status: str  # A, M, D, R
    path: str
    old_path: str | None


def changed_files(root: Path, base: str, folder: str | None = CASES_DIR,
                  untracked_in: tuple[str, ...] | None = None) -> list[FileChange]:
    """Files under ``folder`` (None: anywhere) that differ between ``base`` and the working tree (moves detected).

    Files git does not track yet count as added when they lie under ``untracked_in`` (default: ``folder``):
    a record written but not yet committed is checked before it is pushed. Besides git's rename
    detection, a case file deleted in one folder and added in another under the same name is a
    move (R) however much it was edited: the id says so, as in the trail.
    """
    repo = _open(root)
    where = [folder] if folder is not None else []
    output = repo.run("diff", "--name-status", "-z", "-M", base, "--", *where)
    tokens = output.split("\0")
    changes: list[FileChange] = []
    i = 0
    while i < len(tokens) and tokens[i]:
        status = tokens[i][0]
        if status in "RC":
            changes.append(FileChange(status, tokens[i + 2], tokens[i + 1]))
            i += 3
        else:
            changes.append(FileChange(status, tokens[i + 1], None))
            i += 2
    untracked = repo.run("ls-files", "--others", "--exclude-standard", "-z", "--",
                         *(untracked_in if untracked_in is not None else where))
    changes += [FileChange("A", path, None) for path in untracked.split("\0") if path]
    return _pair_moves(changes)


def _pair_moves(changes: list[FileChange]) -> list[FileChange]:
    deleted: dict[str, list[FileChange]] = defaultdict(list)
    for change in changes:
        if change.status == "D" and is_case_path(change.path):
            deleted[case_id_of(change.path)].append(change)
    paired: list[FileChange] = []
    moved: set[str] = set()
    for change in changes:
        sources = deleted.get(case_id_of(change.path)) if change.status == "A" and is_case_path(change.path) else None
        if sources:
            source = sources.pop(0)
            moved.add(source.path)
            paired.append(FileChange("R", change.path, source.path))
        else:
            paired.append(change)
    return [c for c in paired if not (c.status == "D" and c.path in moved)]


def reachable_commits(root: Path) -> frozenset[str]:
    """Every commit in the current history (reachable from HEAD); empty before the first commit."""
    commits = _open(root).answer("rev-list", "HEAD")
    return frozenset(commits.split()) if commits is not None else frozenset()


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    """Whether ``ancestor`` is ``descendant`` or lies in its history (False when either is unknown)."""
    if not _COMMIT_ID.fullmatch(ancestor):
        return False  # only commit ids: a value from a record must never reach git as an option
    return _open(root).ok("merge-base", "--is-ancestor", ancestor, descendant)


def commits_adding(root: Path, folder: str) -> dict[str, str]:
    """For each file under ``folder`` in the current history, the commit that first added it."""
    output = _open(root).answer("log", "--diff-filter=A", "--name-only", "-z", "--format=%x1e%H", "HEAD", "--", folder)
    if output is None:
        return {}
    added: dict[str, str] = {}
    for chunk in output.split("\x1e")[1:]:  # newest first: the oldest adding commit wins
        sha, _, names = chunk.partition("\0")
        for name in names.strip("\n\0").split("\0"):
            if name:
                added[name] = sha
    return added


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """Many file contents at once: one ``git cat-file --batch`` fed every id, read in one go.

    Asking for thousands of blobs one round trip at a time costs more than git's own work.
    """
    wanted = sorted(set(blobs))
    if not wanted:
        return {}
    _open(root)  # refuses what is not a repository, or a shallow clone
    return {blob: data for blob, _, data in _cat_files(root, wanted, wanted)}


def _cat_files(root: Path, names: Sequence[str], keys: Sequence[str]) -> Iterator[tuple[str, bytes, bytes]]:
    """One ``git cat-file --batch`` fed every name at once: (key, kind, content) of each object that exists."""
    if not names:
        return
    done = _call(root, "cat-file", "--batch", stdin="\n".join(names).encode() + b"\n")
    if done.returncode != 0:
        raise HistoryError(f"读取 {root} 中的记录内容失败（{done.stderr.decode('utf-8', 'replace').strip()}）。"
                           "修改：用 `git fsck` 检查仓库是否完好。")
    out, at = done.stdout, 0
    for key in keys:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3:  # "<name> <kind> <size>"; "<name> missing" has no content
            size = int(header[2])
            yield key, header[1], out[at:at + size]
            at += size + 1
