"""What ducha keeps under ``.git`` so that reading one case need not read the whole log.

Its own files in ``.git/ducha`` (derived data, written whole or not at all: a read-only
repository just goes without): the case-path index here, the signature verdicts in
``signatures``. And git's commit-graph with changed-path Bloom filters, which make
``git log -- PATH`` skip the commits that did not touch the path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ducha.repo.gitprocess import Repository
from ducha.repo.log import PATHS, parse_paths

#: New commits the changed-path filters may miss before ``ducha history`` writes them.
_GRAPH_SLACK = 256
_INDEX_HEADER = "ducha case-paths 1"


def read_cached(repo: Repository, name: str) -> list[str]:
    """The lines of ``.git/ducha/<name>``; none when it is missing or unreadable."""
    try:
        return (repo.common_dir / "ducha" / name).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def write_cached(repo: Repository, name: str, text: str) -> None:
    """``.git/ducha/<name>`` written whole or not at all; a read-only repository just goes without."""
    path = repo.common_dir / "ducha" / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        pass


# --- the case-path index ------------------------------------------------------------------


def _read_index(repo: Repository) -> tuple[str, set[str]] | None:
    lines = read_cached(repo, "case-paths")
    if len(lines) < 2 or not lines[0].startswith(_INDEX_HEADER + " "):
        return None
    return lines[0].split()[-1], {line for line in lines[1:] if line}


def write_index(repo: Repository, head: str, paths: set[str]) -> None:
    """Every case path any commit up to ``head`` changed: which paths to ask git about for one id.

    It holds the paths of every commit's change against its first parent; so it stays
    complete when brought forward over the commits a later HEAD adds (``case_paths``).
    """
    old = _read_index(repo)
    if old is not None and old[0] == head and old[1] == paths:
        return
    write_cached(repo, "case-paths", "\n".join([f"{_INDEX_HEADER} {head}", *sorted(paths)]) + "\n")


def case_paths(repo: Repository) -> set[str] | None:
    """The index brought up to HEAD, or None when it cannot be (missing, or history rewritten)."""
    index = _read_index(repo)
    if index is None:
        return None
    indexed, paths = index
    if indexed != repo.head:
        if not repo.ok("merge-base", "--is-ancestor", indexed, repo.head):
            return None
        for touched in parse_paths(repo.run(*PATHS, f"{indexed}..{repo.head}")).values():
            paths |= touched
        write_index(repo, repo.head, paths)
    return paths


# --- git's commit-graph ---------------------------------------------------------------------


def _graph_layers(repo: Repository) -> list[Path]:
    info = repo.common_dir / "objects" / "info"
    chain = info / "commit-graphs" / "commit-graph-chain"
    if chain.exists():
        return [info / "commit-graphs" / f"graph-{line.strip()}.graph"
                for line in chain.read_text(encoding="ascii").split() if line.strip()]
    return [info / "commit-graph"] if (info / "commit-graph").exists() else []


def _graph_state(repo: Repository) -> tuple[bool, int]:
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


def ensure_commit_graph(repo: Repository) -> None:
    """Git's changed-path Bloom filters make ``git log -- PATH`` skip the commits that did not touch it.

    Written when missing (or written without filters) and topped up when many commits are
    not in it yet; later ``git commit-graph write`` and ``git maintenance`` runs keep the filters.
    """
    blooms, commits = _graph_state(repo)
    if blooms and int(repo.run("rev-list", "--count", repo.head) or 0) - commits <= _GRAPH_SLACK:
        return
    split = "--split" if blooms else "--split=replace"
    repo.run("commit-graph", "write", "--reachable", "--changed-paths", split, "--no-progress", check=False)
