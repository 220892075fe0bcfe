"""Reading another office's records at a fetched commit, from git objects (nothing is checked out): which
case files hold a text, and the bytes of many files at many commits through one ``git cat-file``.

The commits are the neighbours' fetched heads (``repo.offices``), all in this repository's object store,
so one process answers for every neighbour at once.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from ducha.model.case import CASES_DIR
from ducha.model.links import is_commit_id
from ducha.repo.blobs import cat_files
from ducha.repo.cache import read_cached, write_cached
from ducha.repo.gitprocess import HistoryError, call, open_repository


def case_files_holding(root: Path, commits: Iterable[str], text: str) -> dict[str, list[str]]:
    """The case files (under ``cases/``) at each commit whose content holds ``text``: one ``git grep`` for the
    commits not asked about before (a commit's files never change, so the answer is kept in ``.git/ducha``)."""
    wanted = sorted({commit for commit in commits if is_commit_id(commit)})
    if not wanted:
        return {}
    repo = open_repository(root)
    cache = f"{_CACHE}-{zlib.crc32(text.encode()):08x}"  # one per text looked for: intake's and rollup's apart
    lines = read_cached(repo, cache)
    known: dict[str, list[str]] = {}
    if lines and lines[0] == f"{_CACHE_HEADER} {text}":
        for line in lines[1:]:
            commit, _, paths = line.partition(" ")
            if commit in wanted:
                known[commit] = [path for path in paths.split("\t") if path]
    missing = [commit for commit in wanted if commit not in known]
    if missing:
        known.update(_grep(root, missing, text))
        write_cached(repo, cache, "\n".join([f"{_CACHE_HEADER} {text}",
                                              *(f"{c} {chr(9).join(known[c])}" for c in wanted)]) + "\n")
    return {commit: known[commit] for commit in wanted}


#: Which case files of the fetched commits link upward: under ``.git/ducha``, for the commits in use only.
_CACHE, _CACHE_HEADER = "linked-files", "ducha linked-files 1"


def _grep(root: Path, wanted: list[str], text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {commit: [] for commit in wanted}
    done = call(root, "grep", "-l", "-z", "-F", "-I", "--no-color", "-e", text, *wanted, "--", f"{CASES_DIR}/")
    if done.returncode not in (0, 1):  # 1: nothing found
        raise HistoryError(f"在已读取的对方记录中查找失败（{done.stderr.decode('utf-8', 'replace').strip()}）。"
                           "修改：重新运行 `ducha rollup` 或 `ducha intake` 读取对方仓库。")
    for item in done.stdout.decode("utf-8", "replace").split("\0"):
        commit, _, path = item.partition(":")
        if path.endswith(".yaml") and commit in found and "\t" not in path and "\n" not in path:
            found[commit].append(path)
    return found


def files_at_commits(root: Path, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
    """The bytes of each (commit, path) asked for (None where the file does not exist there), through one process."""
    asked = [(commit, path) for commit, path in dict.fromkeys(wanted) if is_commit_id(commit) and "\n" not in path]
    found: dict[tuple[str, str], bytes | None] = dict.fromkeys(wanted)
    if asked:
        open_repository(root)
        for key, kind, data in cat_files(root, [f"{commit}:{path}" for commit, path in asked], asked):
            found[key] = data if kind == b"blob" else None
    return found
