"""Every file ducha writes: written whole beside its target, then renamed into place.

A reader (git, an editor, ``mkdocs serve``, a second ducha) sees the old file or the new
one, never half of one; a full disk or a crash leaves the old file as it was. A change
of several files writes every one of them first and renames them only when all are
written, so an error part-way renames nothing. A file that must not exist yet (a new
case, an issued notice) is created exclusively: of two writers racing for one name,
exactly one wins and the other is told, which is how ``ducha new`` hands out numbers.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Collection, Mapping
from pathlib import Path

from ducha.errors import DuchaError


class WriteError(DuchaError):
    """A file could not be written (disk full, no permission); nothing was changed.

    Not a bug in ducha (exit 3) but a problem the user can fix where the file goes: exit 1.
    """

    exit_code = 1


def _bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _temp_beside(target: Path, data: bytes, durable: bool) -> Path:
    """``data`` in a new hidden file in ``target``'s folder (same filesystem, so renaming is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            # 0o666 lets the umask decide, as for any file the user creates (mkstemp would give 0o600).
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    with contextlib.suppress(OSError):  # keep the mode of the file being replaced
        os.chmod(temp, os.stat(target).st_mode & 0o7777)
    return temp


def _sync_folders(folders: Collection[Path]) -> None:
    """Make the renames themselves survive a power cut (not every system can open a folder)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _failure(path: Path, error: OSError) -> WriteError:
    reason = "磁盘空间不足" if error.errno in (errno.ENOSPC, errno.EDQUOT) else (error.strerror or type(error).__name__)
    return WriteError(f"写入 {path} 失败（{reason}）：没有改动任何文件。修改：腾出磁盘空间或检查文件权限后重新运行。")


def write_files(files: Mapping[Path, bytes | str], new: Collection[Path] = (), durable: bool = True) -> None:
    """Write every file of one change, or none of them.

    Each goes to a temporary file beside its target first; only when all are written are
    the ones in ``new`` linked into place exclusively (FileExistsError, and nothing kept,
    when one already exists) and the others renamed over what was there.
    """
    special = {path: data for path, data in files.items() if _is_special(path)}
    if special:  # a device or pipe named as output (/dev/stdout, /dev/full): write into it, never replace it
        for path, data in special.items():
            _write_into(path, _bytes(data))
        files = {path: data for path, data in files.items() if path not in special}
    temps: dict[Path, Path] = {}
    created: list[Path] = []
    path = Path()
    try:
        for path, data in files.items():
            temps[path] = _temp_beside(path, _bytes(data), durable)
        for path in new:
            if path in temps:
                _link_exclusive(temps[path], path)
                created.append(path)
        for path, temp in temps.items():
            if path not in new:
                os.replace(temp, path)
    except BaseException as error:
        for made in created:
            made.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, FileExistsError):
            raise _failure(path, error) from error
        raise
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)  # already renamed or linked: gone or a second name
    if durable:
        _sync_folders({target.parent for target in files})


def _is_special(path: Path) -> bool:
    """Whether ``path`` exists and is not a regular file: renaming over it would destroy a device."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _write_into(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise _failure(path, error) from error


def _link_exclusive(temp: Path, path: Path) -> None:
    """Give the finished ``temp`` the name ``path``, failing if ``path`` exists.

    A hard link is git's and maildir's exclusive create: like ``open(O_CREAT | O_EXCL)`` it
    fails when the name is taken, but the file appears with all its content at once.
    Where links are not supported, fall back to O_EXCL on the name itself.
    """
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(fd)
        os.replace(temp, path)


def write_file(path: Path, data: bytes | str, durable: bool = True) -> None:
    """Replace (or create) one file atomically; ``durable`` also waits until it is on disk."""
    write_files({path: data}, durable=durable)


def create_file(path: Path, data: bytes | str) -> None:
    """Create ``path`` with ``data``; FileExistsError (nothing written) when it already exists."""
    write_files({path: data}, new=(path,))
