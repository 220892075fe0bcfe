"""Fetching neighbour offices (上下联动) into this repository, and what is known of each fetch.

Offices never write into each other's repositories. A neighbour's records come in by ``git fetch`` of
its remote (a URL, a path, or a ``git bundle`` file carried across a separated network) into
``refs/ducha/offices/<name>/head`` here, and are read from git objects, never checked out. Beside it,
``…/baseline`` keeps the commit read last before any rewrite, so that a history rewritten on the other
side is found at the next fetch (the baseline is no longer contained in what was fetched) and stays
flagged until the office accepts the new history. When and how each fetch went is kept in
``.git/ducha/offices.json``, outside the record folders and never committed: a failed fetch leaves the
last good read in place, marked stale with its time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ducha.io.atomic import write_file
from ducha.model.links import FETCHED_REFS, Neighbour, Reading
from ducha.model.office import slug
from ducha.repo.gitprocess import Repository, call, open_repository

#: The state of the last fetches, under ``.git/ducha/``.
STATE_FILE = "offices.json"
_STATE_VERSION = 1
#: Fetches at once: remotes answer slowly over a network; the local work is small.
_PARALLEL = 4
#: No automatic housekeeping while several fetches write into one repository at once.
_QUIET = ("-c", "gc.auto=0", "-c", "maintenance.auto=false", "-c", "fetch.writeCommitGraph=false",
          "-c", "protocol.ext.allow=never")


def head_ref(name: str) -> str:
    """Where the last fetch of ``name`` is kept."""
    return f"{FETCHED_REFS}/{slug(name)}/head"


def _baseline_ref(name: str) -> str:
    return f"{FETCHED_REFS}/{slug(name)}/baseline"


def _state_path(repo: Repository) -> Path:
    return repo.common_dir / "ducha" / STATE_FILE


def _load_state(repo: Repository) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(_state_path(repo).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    offices = data.get("offices") if isinstance(data, dict) else None
    return {k: v for k, v in offices.items() if isinstance(v, dict)} if isinstance(offices, dict) else {}


def _save_state(repo: Repository, state: dict[str, dict[str, Any]]) -> None:
    text = json.dumps({"version": _STATE_VERSION, "offices": state}, ensure_ascii=False, indent=1, sort_keys=True)
    write_file(_state_path(repo), text + "\n")


def _time(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _reading(neighbour: Neighbour, entry: dict[str, Any], commit: str | None) -> Reading:
    return Reading(neighbour.name, neighbour.remote, commit, _time(entry.get("read_at")) if commit else None,
                   str(entry.get("error") or ""), _time(entry.get("failed_at")),
                   entry.get("lost") or None, _time(entry.get("lost_at")))


def _refs(repo: Repository) -> dict[str, str]:
    listed = repo.run("for-each-ref", "--format=%(objectname) %(refname)", FETCHED_REFS)
    return {name: sha for sha, _, name in (line.partition(" ") for line in listed.splitlines()) if name}


def readings(root: Path, neighbours: Iterable[Neighbour]) -> tuple[Reading, ...]:
    """What was fetched of each neighbour, as last fetched (nothing is fetched here)."""
    repo = open_repository(root)
    state, refs = _load_state(repo), _refs(repo)
    return tuple(_reading(n, state.get(n.name, {}), refs.get(head_ref(n.name))) for n in neighbours)


def _fetch(repo: Repository, neighbour: Neighbour) -> str:
    """Fetch one neighbour's ref into its head ref; the failure in Chinese, or empty."""
    done = call(repo.root, *_QUIET, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--end-of-options",
                neighbour.remote, f"+{neighbour.ref}:{head_ref(neighbour.name)}")
    if done.returncode == 0:
        return ""
    said = [line.removeprefix("fatal: ").removeprefix("error: ").strip()
            for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return f"无法读取 {neighbour.remote} 的 {neighbour.ref}（git：{'；'.join(said[:2]) or '未知错误'}）"


def fetch_neighbours(root: Path, neighbours: Sequence[Neighbour], now: dt.datetime) -> tuple[Reading, ...]:
    """Fetch every neighbour (a few at once); what failed is kept stale, a rewritten history flagged."""
    repo = open_repository(root)
    state, before = _load_state(repo), _refs(repo)
    with ThreadPoolExecutor(max_workers=_PARALLEL) as pool:
        failures = list(pool.map(lambda n: _fetch(repo, n), neighbours))
    after = _refs(repo)
    stamp = now.isoformat(timespec="seconds")
    moves: list[str] = []
    for neighbour, failure in zip(neighbours, failures, strict=True):
        entry = state.setdefault(neighbour.name, {})
        if (entry.get("remote"), entry.get("ref")) != (neighbour.remote, neighbour.ref):
            entry.update(baseline=None, lost=None, lost_at=None)  # another source: another history to follow
        entry["remote"], entry["ref"] = neighbour.remote, neighbour.ref
        if failure:
            entry["error"], entry["failed_at"] = failure, stamp
            continue
        head = after.get(head_ref(neighbour.name))
        entry.update(error="", failed_at=None, read_at=stamp)
        baseline = entry.get("baseline") if isinstance(entry.get("baseline"), str) else None
        if head is None:
            continue
        if baseline is None or baseline == head:
            contained = True
        elif before.get(head_ref(neighbour.name)) == head and entry.get("lost") == baseline:
            contained = False  # found rewritten before, and nothing new fetched since
        else:
            contained = repo.ok("merge-base", "--is-ancestor", baseline, head)
        if contained:
            entry.update(baseline=head, lost=None, lost_at=None)
            if after.get(_baseline_ref(neighbour.name)) != head:
                moves.append(f"update {_baseline_ref(neighbour.name)} {head}\n")
        elif entry.get("lost") != baseline:
            entry.update(lost=baseline, lost_at=stamp)
    if moves:
        repo.run("update-ref", "--stdin", stdin="".join(moves))
    _save_state(repo, state)
    return tuple(_reading(n, state[n.name], after.get(head_ref(n.name))) for n in neighbours)


def accept_rewrite(root: Path, neighbour: Neighbour) -> Reading:
    """The office accepts a neighbour's rewritten history: what was fetched last becomes the baseline."""
    repo = open_repository(root)
    state, refs = _load_state(repo), _refs(repo)
    head = refs.get(head_ref(neighbour.name))
    entry = state.setdefault(neighbour.name, {})
    if head is not None:
        entry.update(baseline=head, lost=None, lost_at=None)
        repo.run("update-ref", _baseline_ref(neighbour.name), head)
        _save_state(repo, state)
    return _reading(neighbour, entry, head)
