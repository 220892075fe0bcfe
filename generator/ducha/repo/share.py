"""``ducha share``: what this office publishes for each neighbour office (上下联动), and never more.

A fetch of a repository brings its whole history, 内部 cases and names included. Where two offices do not
agree to share their full histories, each publishes for the other a history of its own: one commit per
change on ``refs/ducha/share/<neighbour>``, whose tree holds only

- the cases exchanged with that neighbour (for the superior: those taken in from it; for a subordinate:
  those assigned to it), as the very blobs of this office's history, so their SHA-256 is the same;
- office.yaml without what is not the neighbour's business (mail settings, the form's platform, other
  offices' addresses), for the neighbour to compute due dates under this office's own rules and calendar;
- ``schema/case.schema.json``, which names the record format;
- for the superior, ``shared/totals.json``: this office's own totals over all its cases.

Each commit's parent is the one published before, so the neighbour finds a rewritten share as it finds
any rewritten history. ``--bundle`` also writes each share as a ``git bundle`` file to carry across
separated networks. Only committed records are shared.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ducha.errors import UsageError
from ducha.io.yamlfile import parse_yaml
from ducha.load.neighbours import SCHEMA_FILE
from ducha.load.records import load_cases
from ducha.model.case import CASES_DIR, Case
from ducha.model.links import FORMAT_VERSION, SHARED_REFS, Neighbour
from ducha.model.office import OFFICE_FILE, Office, slug
from ducha.repo.gitprocess import HistoryError, Repository, call, open_repository
from ducha.repo.rollup import TOTALS_FILE
from ducha.rules.deadlines import status_board
from ducha.rules.metrics import tally
from ducha.schemas import schema_text

#: Settings of office.yaml a neighbour never receives.
PRIVATE_SETTINGS = ("reminders", "cms", "review_signers")
#: A neighbour office's address, as written into what is shared with another office.
UNSHARED = "unshared"
_AUTHOR = {"GIT_AUTHOR_NAME": "ducha", "GIT_AUTHOR_EMAIL": "ducha@localhost",
           "GIT_COMMITTER_NAME": "ducha", "GIT_COMMITTER_EMAIL": "ducha@localhost"}


@dataclass(frozen=True)
class Shared:
    """What was published for one neighbour."""

    neighbour: str
    ref: str
    commit: str
    cases: tuple[str, ...]  # ids
    new: bool  # a new commit was made (the shared files changed)
    bundle: Path | None = None


def share_ref(name: str) -> str:
    """Where the share for the neighbour ``name`` is published in this repository."""
    return f"{SHARED_REFS}/{slug(name)}"


def _office_for(raw: bytes, neighbour: Neighbour, office: Office) -> str:
    """office.yaml as the neighbour may see it."""
    doc, _ = parse_yaml(raw, OFFICE_FILE)
    data: dict[str, Any] = dict(doc.data) if doc is not None and isinstance(doc.data, dict) else {}
    for key in PRIVATE_SETTINGS:
        data.pop(key, None)
    superior = data.pop("superior", None)
    subordinates = data.pop("subordinates", None) or []
    if office.superior is not None and neighbour == office.superior and isinstance(superior, dict):
        data["superior"] = {"name": superior["name"], "remote": UNSHARED}
    mine = [dict(s, remote=UNSHARED) for s in subordinates if isinstance(s, dict) and s.get("name") == neighbour.name]
    if mine:
        data["subordinates"] = mine
    return "# 共享给「" + neighbour.name + "」的 office.yaml（ducha share 生成）\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=1000)


def _exchanged(cases: Sequence[Case], neighbour: Neighbour, office: Office) -> list[Case]:
    if office.superior is not None and neighbour == office.superior:
        return [c for c in cases if c.source.upstream is not None]
    return [c for c in cases if neighbour.name in c.units]


def _blob(repo: Repository, text: str) -> str:
    return repo.run("hash-object", "-w", "--stdin", stdin=text).strip()


def _commit(repo: Repository, entries: dict[str, str], parent: str | None, message: str, date: str) -> tuple[str, bool]:
    """A commit of exactly ``entries`` (path → blob) on ``parent``; the parent itself when nothing changed."""
    with tempfile.TemporaryDirectory() as folder:
        index = {"GIT_INDEX_FILE": os.path.join(folder, "index")}
        listing = "".join(f"100644 {blob}\t{path}\n" for path, blob in sorted(entries.items()))
        done = call(repo.root, "update-index", "--add", "--index-info", stdin=listing.encode(), env=index)
        tree = call(repo.root, "write-tree", env=index)
        if done.returncode or tree.returncode:
            raise HistoryError("生成共享的提交失败。请检查仓库是否完整（git fsck）。")
    tree_id = tree.stdout.decode().strip()
    if parent is not None and repo.run("rev-parse", f"{parent}^{{tree}}").strip() == tree_id:
        return parent, False
    made = call(repo.root, "commit-tree", tree_id, *(("-p", parent) if parent else ()), "-m", message,
                env={**_AUTHOR, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
    if made.returncode:
        raise HistoryError("生成共享的提交失败。请检查仓库是否完整（git fsck）。")
    return made.stdout.decode().strip(), True


def share(root: Path, today: dt.date, bundles: Path | None = None) -> tuple[Shared, ...]:
    """Publish for every neighbour office what it may see (``refs/ducha/share/<name>``), as of HEAD."""
    repo = open_repository(root)
    if not repo.head:
        raise UsageError("仓库还没有提交：共享的只能是已提交的记录。")
    if repo.run("status", "--porcelain", "--", CASES_DIR, OFFICE_FILE).strip():
        raise UsageError("cases/ 或 office.yaml 有未提交的改动：共享的只能是已提交的记录。先提交（或撤销）这些改动。")
    office, cases = load_cases(root)
    neighbours = ([office.superior] if office.superior else []) + list(office.subordinates)
    if not neighbours:
        raise UsageError("office.yaml 没有设置上级或下级督查室（superior、subordinates），没有可共享的对象。")
    blobs = dict(line.split(" ", 2)[2].split("\t", 1)[::-1] for line in
                 repo.run("ls-tree", "-r", "HEAD", "--", f"{CASES_DIR}/", OFFICE_FILE).splitlines())
    office_raw = repo.run("cat-file", "blob", blobs[OFFICE_FILE]).encode("utf-8")
    schema = json.loads(schema_text("case"))
    schema.setdefault("x-format-version", FORMAT_VERSION)
    schema_blob = _blob(repo, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    date = repo.run("log", "-1", "--format=%cI", "HEAD").strip()
    totals = tally(status_board(office, [c.as_of(today) for c in cases if c.registered <= today], today))
    published = {"as_of": today.isoformat(), **{name: getattr(totals, name) for name in (
        "total", "open", "red", "yellow", "green", "pending", "closed_on_time", "closed_late", "registered", "cancelled")}}
    done = []
    for neighbour in neighbours:
        chosen = _exchanged(cases, neighbour, office)
        entries = {c.path: blobs[c.path] for c in chosen if c.path in blobs}
        entries[OFFICE_FILE] = _blob(repo, _office_for(office_raw, neighbour, office))
        entries[SCHEMA_FILE] = schema_blob
        if office.superior is not None and neighbour == office.superior:
            entries[TOTALS_FILE] = _blob(repo, json.dumps(published, ensure_ascii=False, indent=1) + "\n")
        ref = share_ref(neighbour.name)
        parent = repo.answer("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
        message = (f"共享给「{neighbour.name}」：{len(chosen)} 个往来事项\n\n"
                   f"Ducha-Source: {repo.head}\nDucha-Format: {FORMAT_VERSION}\n")
        commit, new = _commit(repo, entries, parent.strip() if parent else None, message, date)
        if new:
            repo.run("update-ref", ref, commit)
        bundle = None
        if bundles is not None:
            bundles.mkdir(parents=True, exist_ok=True)
            bundle = bundles / f"{slug(neighbour.name)}.bundle"
            repo.run("bundle", "create", "-q", str(bundle.resolve()), ref)
        done.append(Shared(neighbour.name, ref, commit, tuple(sorted(c.id for c in chosen if c.path in blobs)), new,
                           bundle))
    return tuple(done)
