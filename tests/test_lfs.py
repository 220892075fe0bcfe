"""Git LFS pointers and the object store behind them (``ducha.io.lfs``): a pointer is recognised only as the spec
writes it, and its content is found in the repository's own store — in a checkout, in a ``git worktree`` of it —
and nowhere else. (tests/test_attachments.py checks attachments in Git LFS end to end.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ducha.io.lfs import LfsPointer, lfs_object, read_pointer

from .gitrepo import GitRepo

CONTENT = b"%PDF-1.4 the attached document\n"
OID = hashlib.sha256(CONTENT).hexdigest()
POINTER = f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize {len(CONTENT)}\n".encode()


def test_a_pointer_is_read_as_the_spec_writes_it() -> None:
    assert read_pointer(POINTER) == LfsPointer(OID, 31)
    extended = POINTER.replace(b"oid ", b"ext-0-foo sha256:" + b"0" * 64 + b"\noid ", 1)
    assert read_pointer(extended) == LfsPointer(OID, 31)


def test_content_that_begins_like_a_pointer_is_content() -> None:
    assert read_pointer(POINTER + b"x" * 2048) is None  # a pointer is a few lines: this is a document
    assert read_pointer(POINTER.replace(b"sha256:", b"sha1:")) is None
    assert read_pointer(CONTENT) is None


def _stored(common: Path) -> Path:
    """CONTENT put in the LFS store of the git directory ``common``, where `git lfs fetch` puts it."""
    found = common / "lfs" / "objects" / OID[:2] / OID[2:4] / OID
    found.parent.mkdir(parents=True)
    found.write_bytes(CONTENT)
    return found


def test_the_content_is_found_in_the_repository_and_in_its_worktrees(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "office")
    repo.commit("启用")
    assert lfs_object(repo.root, OID) is None  # not fetched
    stored = _stored(repo.root / ".git")
    assert lfs_object(repo.root, OID) == stored
    repo.git("worktree", "add", "-q", "-b", "review", str(tmp_path / "review"))
    assert lfs_object(tmp_path / "review", OID) == stored.resolve()


def test_no_content_is_found_outside_a_repository_or_for_a_malformed_id(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "office")
    _stored(repo.root / ".git")
    assert lfs_object(repo.root, OID[:40]) is None
    assert lfs_object(tmp_path, OID) is None  # no .git here
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / ".git").write_text("not a gitdir line\n", encoding="utf-8")
    assert lfs_object(broken, OID) is None
    (broken / ".git").write_text(f"gitdir: {tmp_path / 'gone'}\n", encoding="utf-8")
    assert lfs_object(broken, OID) is None
