"""The form page's local trial (``ducha serve --form``): decap-server, at the version pinned in
``tests/decap-server/package-lock.json``, run by Node.js as a child process on a free port of this
machine, in git mode on the office's own repository; stopped whenever its caller stops.

The child never outlives ducha: it is stopped when the ``with`` block ends, by a return, an error or
Ctrl+C, and on Linux the kernel also ends it should ducha itself be killed (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ducha.errors import UsageError
from ducha.outputs.cms.admin import require_vendor

#: Where ``make decap-server`` installs it (npm ci), under ducha's source folder.
PACKAGE_DIR = Path("tests") / "decap-server"
#: Its program, in the package folder.
SCRIPT = Path("node_modules") / "decap-server" / "dist" / "index.js"
#: How long it may take to listen (Node starts it in about a second; a busy machine takes longer).
START_SECONDS = 30.0
_INSTALL = ("修改：在 ducha 的源代码目录运行 make decap-server（用 npm 按 tests/decap-server/package-lock.json 的版本和校验和安装；"
            "没有 Node.js 的先运行 make node，或 sudo apt install nodejs npm）；在本单位的记录仓库中使用时，"
            "把环境变量 DUCHA_DECAP_SERVER 设为那里的 tests/decap-server 目录。")


@dataclass(frozen=True)
class LocalBackend:
    """A running decap-server: its API's address (the page's ``local_backend``) and its process id."""

    url: str
    pid: int


def decap_program(package: Path) -> tuple[str, Path]:
    """Node.js and decap-server's script in ``package``; raises UsageError saying how to install what is missing."""
    node = shutil.which("node")
    if node is None:
        raise UsageError("本机试用填报表单要用 Node.js，但没有找到 node 命令。" + _INSTALL)
    script = package / SCRIPT
    if not script.is_file():
        raise UsageError(f"本机试用填报表单要用 decap-server，但 {package} 中没有安装（缺 {SCRIPT.as_posix()}）。" + _INSTALL)
    return node, script


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Linux ends the child when ducha ends, however it ends (even killed outright)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextmanager
def local_backend(root: Path, package: Path) -> Iterator[LocalBackend]:
    """decap-server on a free port of 127.0.0.1, in git mode on the repository ``root``: drafts are
    commits on its ``cms/…`` branches, as Forgejo's pull requests would be. Stopped when the block ends."""
    node, script = decap_program(package)
    port = _free_port()
    env = {**os.environ, "MODE": "git", "GIT_REPO_DIRECTORY": str(root.resolve()), "PORT": str(port),
           "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "warn"}
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen([node, str(script)], env=env, cwd=root, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        try:
            deadline = time.monotonic() + START_SECONDS
            while not _listening(port):
                if child.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    said = log.read().decode("utf-8", "replace").strip()[-800:]
                    raise UsageError(f"decap-server 未能启动（{script}）：{said or '没有输出'}。" + _INSTALL)
                time.sleep(0.1)
            yield LocalBackend(f"http://127.0.0.1:{port}/api/v1", child.pid)
        finally:
            _stop(child)


@contextmanager
def form_trial(root: Path, profile: str, vendor: Path, package: Path) -> Iterator[LocalBackend]:
    """What ``ducha serve --form`` needs before the preview starts, checked first (the internal site, the page's
    vendored files, Node.js and decap-server), then decap-server running on ``root`` until the block ends."""
    if profile != "internal":
        raise UsageError(f"填报表单只在内部版站点中（现为 --profile {profile}）。修改：去掉 --profile，或不用 --form。")
    require_vendor(vendor)
    with local_backend(root, package) as backend:
        yield backend
