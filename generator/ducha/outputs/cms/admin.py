"""``ducha cms``: the /admin/ form page of the internal site, with the vendored Decap CMS.

The page is static: Decap's own files and the YAML reader it uses to keep files as people wrote
them (each pinned in ``vendor.txt`` by version and by the SHA-256 of its registry tarball, which
``make vendor`` puts in ``.vendor/``), ducha's format and start-up scripts, and the ``config.yml``
generated from the case schema and office.yaml. Every file is served from the page's own folder,
so no request leaves the intranet. Every write checks each tarball against its pinned sum and
takes the files out of the bytes it checked: a file changed in ``.vendor/`` never reaches the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import hashlib
import io
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

import yaml

from ducha.errors import UsageError
from ducha.model.case import CASES_DIR
from ducha.model.office import CmsSettings, Office
from ducha.outputs.cms.config import decap_config
from ducha.schemas import load_schema

#: Where ``make vendor`` puts the pinned npm packages' tarballs, under the repository.
VENDOR_DIR = ".vendor"
#: Each vendored package, as the page's sub-folder it is copied to.
_TARGETS = {"decap-cms": "decap-cms", "yaml": "yaml"}
_HERE = resources.files("ducha.outputs.cms")
_YEAR = re.compile(r"^[0-9]{4}$")
#: Left out of the page: source maps, and Decap's build without its bundled React (the page loads decap-cms.js).
_LEFT_OUT = ("*.map", "cms.js", "cms.js.*", "*.cms.js")


@dataclass(frozen=True)
class Pin:
    """One vendored npm package: its version, the SHA-256 of its registry tarball, and the folder of it
    the page uses."""

    name: str
    version: str
    sha256: str
    folder: str

    @property
    def tarball(self) -> str:
        """The file name ``npm pack`` gives it."""
        return f"{self.name}-{self.version}.tgz"


def pins() -> tuple[Pin, ...]:
    """The packages pinned in ``vendor.txt``."""
    lines = _HERE.joinpath("vendor.txt").read_text(encoding="utf-8").splitlines()
    return tuple(Pin(*line.split()[:4]) for line in lines if line.strip() and not line.startswith("#"))


def _checked(vendor: Path) -> tuple[dict[str, bytes], list[str]]:
    """Each pinned tarball whose SHA-256 is the pinned one, read once; and what is missing or wrong, in Chinese."""
    good, wrong = {}, []
    for pin in pins():
        path = vendor / pin.tarball
        data = path.read_bytes() if path.is_file() else None
        if data is not None and hashlib.sha256(data).hexdigest() == pin.sha256:
            good[pin.name] = data
        elif data is not None:
            wrong.append(f"{pin.name} {pin.version}（文件与登记的 SHA-256 不符，已被改动）")
        else:
            others = sorted(p.name[len(pin.name) + 1:-4] for p in vendor.glob(f"{pin.name}-*.tgz")) if vendor.is_dir() else []
            wrong.append(f"{pin.name} {pin.version}（{'现有 ' + '、'.join(others) if others else '未安装'}）")
    return good, wrong


def check_vendor(vendor: Path) -> list[str]:
    """What is missing, at another version or changed in ``vendor``, in Chinese; empty when all is as pinned."""
    return _checked(vendor)[1]


def require_vendor(vendor: Path) -> dict[str, bytes]:
    """Each pinned tarball in ``vendor``, checked; raises UsageError naming what is missing or wrong, with the fix."""
    checked, wrong = _checked(vendor)
    if wrong:
        raise UsageError(f"{vendor} 中的前端文件与 ducha 登记的版本和校验和不符：{'、'.join(wrong)}。"
                         "修改：在 ducha 的源代码目录运行 make vendor（用 npm 按登记的版本取得，并核对校验和），"
                         "在本单位的记录仓库中使用时，把环境变量 DUCHA_VENDOR 设为那里的 .vendor 目录。")
    return checked


def _unpack(pin: Pin, data: bytes, target: Path) -> None:
    """The pinned folder of a checked tarball (and its licence) into ``target``, from the checked bytes."""
    prefix = f"package/{pin.folder.strip('/')}/"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.name.startswith(prefix):
                name = member.name[len(prefix):]
            elif fnmatch.fnmatch(member.name, "package/LICENSE*"):
                name = member.name.removeprefix("package/")
            else:
                continue
            if not member.isfile() or any(fnmatch.fnmatch(PurePosixPath(name).name, p) for p in _LEFT_OUT):
                continue
            if ".." in PurePosixPath(name).parts:
                raise UsageError(f"{pin.tarball} 中有路径「{member.name}」指向包外：不使用这个文件。")
            source = archive.extractfile(member)
            assert source is not None
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read())


def case_years(root: Path, today: dt.date) -> list[int]:
    """The year folders under ``cases/``, and this year's (where new records go)."""
    folder = root / CASES_DIR
    found = {int(p.name) for p in folder.iterdir() if p.is_dir() and _YEAR.match(p.name)} if folder.is_dir() else set()
    return sorted(found | {today.year})


#: The platform a local trial stands in for (``--local-backend``: decap-server writes to this machine's
#: repository, as drafts on cms/… branches like Forgejo's pull requests): office.yaml needs no cms for it.
LOCAL_TRIAL = CmsSettings("forgejo", "http://localhost", "本机/试用", "")


def config_text(office: Office, years: Sequence[int], local_backend: str | None = None) -> str:
    """``config.yml`` of the page, with a first line saying where it comes from."""
    if office.cms is None and local_backend is not None:
        office = dataclasses.replace(office, cms=LOCAL_TRIAL)
    config = decap_config(office, load_schema("case"), years, local_backend)
    body = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)
    return "# 由 ducha cms 按 case.schema.json 和 office.yaml 生成，不要手工修改。\n" + body


def write_admin(target: Path, office: Office, years: Sequence[int], vendor: Path,
                local_backend: str | None = None) -> Path:
    """Write the whole page into ``target`` (replacing it whole, never half-written); returns it."""
    if office.cms is None and local_backend is None:
        raise UsageError("office.yaml 中没有 cms（填报表单）设置。修改：按 README「填报表单」一节在 office.yaml 中填写 cms；"
                         "只在本机试用的，加 --local-backend（见 README「在本机试用」）。")
    checked = require_vendor(vendor)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for pin in pins():
            _unpack(pin, checked[pin.name], staging / _TARGETS[pin.name])
        for item in _HERE.joinpath("static").iterdir():
            (staging / item.name).write_bytes(item.read_bytes())
        (staging / "config.yml").write_text(config_text(office, years, local_backend), encoding="utf-8")
        os.chmod(staging, 0o755)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
