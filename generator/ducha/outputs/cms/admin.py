"""``ducha cms``: the /admin/ form page of the internal site, with the vendored Decap CMS.

The page is static: Decap's own files (pinned in ``vendor.txt``, unpacked into ``.vendor/`` by
``make vendor``), the YAML reader it uses to keep files as people wrote them, ducha's format
and start-up scripts, and the ``config.yml`` generated from the case schema and office.yaml.
Every file is served from the page's own folder, so no request leaves the intranet.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from ducha.errors import UsageError
from ducha.model.case import CASES_DIR
from ducha.model.office import Office
from ducha.outputs.cms.config import decap_config
from ducha.schemas import load_schema

#: Where ``make vendor`` unpacks the pinned npm packages, under the repository.
VENDOR_DIR = ".vendor"
#: Each vendored package, as the page's sub-folder it is copied to.
_TARGETS = {"decap-cms": "decap-cms", "yaml": "yaml"}
_HERE = resources.files("ducha.outputs.cms")
_YEAR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Pin:
    """One vendored npm package: its version and the SHA-256 of its registry tarball."""

    name: str
    version: str
    sha256: str

    @property
    def stamp(self) -> str:
        """What ``make vendor`` writes into ``.vendor/<name>/.pinned`` after checking the sum."""
        return f"{self.name} {self.version} {self.sha256}"


def pins() -> tuple[Pin, ...]:
    """The packages pinned in ``vendor.txt``."""
    lines = _HERE.joinpath("vendor.txt").read_text(encoding="utf-8").splitlines()
    return tuple(Pin(*line.split()[:3]) for line in lines if line.strip() and not line.startswith("#"))


def check_vendor(vendor: Path) -> list[str]:
    """What is missing or at the wrong version in ``vendor``, in Chinese; empty when all is pinned."""
    wrong = []
    for pin in pins():
        stamp = vendor / pin.name / ".pinned"
        found = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else ""
        if found != pin.stamp:
            have = f"现有 {found.split()[1]}" if found.count(" ") >= 2 else "未安装"
            wrong.append(f"{pin.name} {pin.version}（{have}）")
    return wrong


def case_years(root: Path, today: dt.date) -> list[int]:
    """The year folders under ``cases/``, and this year's (where new records go)."""
    folder = root / CASES_DIR
    found = {int(p.name) for p in folder.iterdir() if p.is_dir() and _YEAR.match(p.name)} if folder.is_dir() else set()
    return sorted(found | {today.year})


def config_text(office: Office, years: Sequence[int], local_backend: str | None = None) -> str:
    """``config.yml`` of the page, with a first line saying where it comes from."""
    config = decap_config(office, load_schema("case"), years, local_backend)
    body = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)
    return "# 由 ducha cms 按 case.schema.json 和 office.yaml 生成，不要手工修改。\n" + body


def write_admin(target: Path, office: Office, years: Sequence[int], vendor: Path,
                local_backend: str | None = None) -> Path:
    """Write the whole page into ``target`` (replacing it whole, never half-written); returns it."""
    if office.cms is None:
        raise UsageError("office.yaml 中没有 cms（填报表单）设置。修改：按 README「填报表单」一节在 office.yaml 中填写 cms。")
    wrong = check_vendor(vendor)
    if wrong:
        raise UsageError(f"{vendor} 中的前端文件与 ducha 登记的版本不符：{'、'.join(wrong)}。"
                         "修改：在仓库根目录运行 make vendor（用 npm 按登记的版本和校验和安装）。")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, folder in _TARGETS.items():
            shutil.copytree(vendor / name, staging / folder, ignore=shutil.ignore_patterns(".pinned"))
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
