"""The live records are data, never a fixture: a test that opens them fails, naming itself and the path.

The records at the repository's root (cases/, notices/, … and office.yaml) are the office's own:
an office replaces the demo with its records, and the tests must pass all the same. So nothing a
test runs may open them. An audit hook (PEP 578) sees every open, folder listing, removal, rename
and new folder in the process, whoever asks for it (the test, a fixture, the CLI through CliRunner,
a thread), after following symlinks and a changed working folder:

- in the test process, a touch is recorded against the running test (setup, call or teardown),
  and raised at the place of the touch as :class:`LiveRecordsTouched` (a BaseException, so that
  code catching ``Exception`` or ``OSError`` does not quietly carry on); the test then fails with
  its id and the path, even when the code under test swallowed the exception;
- a Python subprocess of this environment (``ducha`` at the repository root, ``python -c``, a
  script calling Python) runs the same hook: ``watch_subprocesses`` puts a ``.pth`` file in
  site-packages that starts it when the environment says so (see ``ENV_*``), and the subprocess
  writes what it touched to a folder that the test process reads after each phase of each test;
- any other program (git, node, a shell) is judged by what it is given: a working folder or
  an argument under the live records fails the test, and so does a subprocess given an
  environment without the watch (pass ``env={**os.environ, …}``). A program that finds the
  records by itself, say a shell command line that names ``cases/*`` from the repository root,
  is out of its sight.

This module is only the watch, with nothing but the standard library (a subprocess loads it at its
start); tests/liveguard_plugin.py reports what it saw to pytest.
"""

from __future__ import annotations

import _thread
import os
import sys
from collections.abc import Iterator

# A subprocess loads this file at its start: nothing but what the watch needs is imported here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


#: What the repository's root holds that is an office's own: the record folders (rules/layout.py's
#: RECORD_DIRS), the office's settings and demo list, the schemas written from them for its editors
#: (``ducha schema``), its site overlay and its sent reminders.
LIVE_NAMES = ("cases", "notices", "bulletins", "accountability", "surveys", "assessments", "attachments", "office.yaml",
              "DEMO.sha256", "schema", "site", "reminders")
#: The guarded paths (absolute, os.pathsep between them): set, the watch runs in every Python process started.
ENV_PATHS = "DUCHA_TEST_LIVE_RECORDS"
#: Where a watched subprocess writes what it touched, one file per process.
ENV_REPORTS = "DUCHA_TEST_LIVE_REPORTS"
#: This file, for the .pth to load in a subprocess.
ENV_MODULE = "DUCHA_TEST_LIVE_GUARD"
#: A pytest session of its own (``-p tests.liveguard_plugin``) watches this office's root instead of the
#: repository's: the watch's own test points it at a stand-in, so no test reaches the real records.
ENV_ROOT = "DUCHA_TEST_LIVE_ROOT"
PTH_NAME = "ducha_tests_liveguard.pth"
PTH = (f"import os; p = os.environ.get({ENV_MODULE!r}); p and os.path.isfile(p) and "
       "exec(compile(open(p, 'rb').read(), p, 'exec'), {'__name__': 'ducha_liveguard_subprocess', '__file__': p})\n")


class LiveRecordsTouched(BaseException):
    """Raised where a test's code touched the live records."""


#: The audit events that open, list or change a file: which arguments are paths, and which are the
#: folder (a file descriptor) that each path is relative to.
#: Removing, renaming or making a name changes the name itself, not what a symlink there points to:
#: for these only the folder holding the name is followed.
_OWN_NAME = frozenset({"os.remove", "os.rmdir", "os.mkdir", "os.rename", "os.link", "os.symlink", "shutil.rmtree"})
_EVENTS: dict[str, tuple[tuple[int, int | None], ...]] = {
    "open": ((0, None),), "os.listdir": ((0, None),), "os.scandir": ((0, None),), "os.truncate": ((0, None),),
    "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.mkdir": ((0, 2),), "os.chmod": ((0, 2),), "os.utime": ((0, 3),),
    "shutil.rmtree": ((0, 1),), "os.rename": ((0, 2), (1, 3)), "os.link": ((0, 2), (1, 3)), "os.symlink": ((1, 2),),
}


def _folder_of(descriptor: int) -> str:
    return os.readlink(f"/proc/self/fd/{descriptor}")


def _argument_paths(args: Any) -> Iterator[str]:
    """The arguments of a command line that can name a file: each, and what follows ``=`` in an option."""
    for arg in [args] if isinstance(args, str | bytes | os.PathLike) else args or ():
        if isinstance(arg, str | bytes | os.PathLike):
            path = os.fsdecode(arg)
            yield path
            if path.startswith("-") and "=" in path:
                yield path.split("=", 1)[1]


class Watch:
    """The audit hook of one process, and what it has seen since it was last asked."""

    def __init__(self, guarded: tuple[str, ...]) -> None:
        self.guarded = guarded
        self.seen: list[str] = []
        self.reports: str | None = None  # a subprocess: write each touch here
        self.active = True
        self._busy = _thread._local()

    def _paths(self, event: str, args: tuple[Any, ...]) -> Iterator[str]:
        """The absolute paths an event names (not yet following symlinks)."""
        if event == "subprocess.Popen":  # a program's working folder, and its arguments read from there
            _executable, argv, cwd, env = args
            where = os.fsdecode(cwd) if cwd is not None else os.getcwd()
            yield where
            for arg in _argument_paths(argv):
                yield os.path.join(where, arg)
            if env is not None and ENV_PATHS not in env and os.fsencode(ENV_PATHS) not in env:
                self._touched(event, f"{_command(argv)}: its environment has no {ENV_PATHS}, so nothing watches it "
                                     "(pass env={**os.environ, ...})")
            return
        for at, relative_to in _EVENTS[event]:
            path = args[at]
            if isinstance(path, int):  # an open folder (os.scandir(fd), as shutil.rmtree does)
                yield _folder_of(path)
                continue
            if not isinstance(path, str | bytes | os.PathLike):
                continue
            name = os.fsdecode(path)
            if os.path.isabs(name):
                yield name
            elif relative_to is not None and isinstance(args[relative_to], int) and args[relative_to] >= 0:
                yield os.path.join(_folder_of(args[relative_to]), name)
            elif event == "open" and args[1] is None:
                continue  # os.open does not tell its dir_fd: a name relative to an unknown folder
            else:
                yield os.path.join(os.getcwd(), name)

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if (event not in _EVENTS and event != "subprocess.Popen") or not self.active or getattr(self._busy, "on", False):
            return
        self._busy.on = True
        try:
            for path in self._paths(event, args):
                try:
                    if event in _OWN_NAME:
                        full = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
                    else:
                        full = os.path.realpath(path)
                except (ValueError, OSError):  # not a path (a NUL in an argument)
                    continue
                if any(full == live or full.startswith(live + os.sep) for live in self.guarded):
                    self._touched(event, full)
        except (ValueError, OSError):  # a closed descriptor, a removed working folder: nothing of ours
            pass
        finally:
            self._busy.on = False

    def _touched(self, event: str, path: str) -> None:
        what = f"{path} ({event})"
        self.seen.append(what)
        if self.reports is not None:
            with open(os.path.join(self.reports, f"{os.getpid()}.txt"), "a", encoding="utf-8") as report:
                report.write(f"{what} in {_command(sys.argv)}\n")
        raise LiveRecordsTouched(f"opened the live records: {what}")

    def take(self) -> list[str]:
        """What this process and its subprocesses touched since the last call, and forget it."""
        found, self.seen = self.seen, []
        folder = os.environ.get(ENV_REPORTS)
        if folder and os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                report = os.path.join(folder, name)
                with open(report, encoding="utf-8") as lines:
                    found += [f"{line.rstrip()}（子进程 {name.removesuffix('.txt')}）" for line in lines]
                os.unlink(report)
        return found


def _command(argv: Any) -> str:
    return " ".join(os.fsdecode(a) for a in _argument_paths(argv))[:200]


def live_paths(root: Path) -> tuple[str, ...]:
    return tuple(os.path.realpath(os.path.join(root, name)) for name in LIVE_NAMES)


WATCHING: Watch | None = None
#: Where a subprocess's watch can be found by a test process started as that subprocess.
_STARTED = "ducha_liveguard_started"


def watch(root: Path) -> Watch:
    """The watch of this (test) process over ``root``'s live records, installed once (a hook stays for
    the life of a process); Python subprocesses started from now on run it too."""
    import atexit
    import shutil
    import tempfile

    global WATCHING
    if WATCHING is None:
        WATCHING = Watch(live_paths(root))
        sys.addaudithook(WATCHING.hook)
        started = getattr(sys.modules.get(_STARTED), "watch", None)
        if started is not None:  # this process is itself a watched subprocess (an xdist worker): the test
            started.active = False  # process's own watch takes over
        reports = tempfile.mkdtemp(prefix="ducha-live-")
        atexit.register(shutil.rmtree, reports, ignore_errors=True)
        os.environ.update({ENV_PATHS: os.pathsep.join(WATCHING.guarded), ENV_REPORTS: reports, ENV_MODULE: __file__})
        watch_subprocesses()
    return WATCHING


def watch_subprocesses() -> None:
    """The .pth that starts the watch in each Python process of this environment while ENV_MODULE is set."""
    import sysconfig
    from pathlib import Path

    target = Path(sysconfig.get_paths()["purelib"]) / PTH_NAME
    try:
        if not target.is_file() or target.read_text(encoding="utf-8") != PTH:
            temporary = target.with_name(f".{PTH_NAME}.{os.getpid()}")
            temporary.write_text(PTH, encoding="utf-8")
            os.replace(temporary, target)
    except OSError as error:
        raise SystemExit(f"cannot watch the tests' subprocesses: {error} (use a virtual environment: make install)") from error


def _start_in_subprocess() -> None:
    paths = os.environ.get(ENV_PATHS)
    reports = os.environ.get(ENV_REPORTS)
    if not paths or not reports or _STARTED in sys.modules:  # a venv's lib64 is its lib: the .pth runs twice
        return
    started = Watch(tuple(paths.split(os.pathsep)))
    started.reports = reports
    holder = type(sys)(_STARTED)
    holder.watch = started  # type: ignore[attr-defined]
    sys.modules[_STARTED] = holder
    sys.addaudithook(started.hook)


if __name__ == "ducha_liveguard_subprocess":
    _start_in_subprocess()
