"""``ducha init``: turn a clone of the demo repository (or an empty folder) into a real office's.

The demo records are listed, with their SHA-256, in ``DEMO.sha256`` at the repository
root: that list is what marks them as demo data. ``init`` writes the office's own
office.yaml, removes exactly the listed records that are still as shipped (and the
archive manifests that sealed only them), writes ``schema/`` for editors (the schemas with
the office's categories and units as choices), and removes the list. Anything else — a record an office wrote, a demo
record somebody edited — is kept and reported, never deleted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha import starter
from ducha.errors import UsageError
from ducha.intake.schemas import write_schemas
from ducha.io.atomic import write_file
from ducha.io.yamltext import yaml_scalar
from ducha.load.office import load_office
from ducha.model.case import CASES_DIR, MANIFEST_NAME
from ducha.model.demo import DEMO_LIST, parse_demo_list
from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR
from ducha.model.office import OFFICE_FILE, Unit
from ducha.repo.manifest import read_manifest_text
from ducha.rules.editor_schema import schema_files
from ducha.rules.layout import RECORD_DIRS

_PREFIX = re.compile(r"^[A-Z]{1,10}$")
_FONDS = re.compile(r"^[0-9A-Za-z]{1,10}$")


@dataclass(frozen=True)
class InitResult:
    """What ``init`` changed, and what it kept and why."""

    office: str
    removed: tuple[str, ...]
    kept: tuple[str, ...]  # demo records that were edited: not ours to delete
    schemas: tuple[str, ...]
    site: tuple[str, ...] = ()  # mkdocs.yml and the starter's pages written into site/


def demo_list(root: Path) -> dict[str, str]:
    """The demo records as ``path → sha256`` (empty when the repository is no longer the demo)."""
    path = root / DEMO_LIST
    return parse_demo_list(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_demo_list(root: Path) -> Path:
    """List every record under the record folders (cases/, notices/…) as demo data (for the demo's maintainers)."""
    lines = ["# 示例数据清单：ducha init 只删除这里列出、且内容未被改动的记录。各列：SHA-256  文件\n"]
    for folder in RECORD_DIRS:
        for file in sorted((root / folder).rglob("*"), key=str):
            if file.is_file():
                lines.append(f"{_sha256(file)}  {file.relative_to(root).as_posix()}\n")
    target = root / DEMO_LIST
    _write(target, "".join(lines))
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a failure never leaves half a file."""
    write_file(path, text)


def office_text(name: str, prefix: str, fonds: str, units: Sequence[Unit]) -> str:
    """office.yaml for a new office: its identity and units, and the seeds' defaults for the rest."""
    unit_lines = "".join(f"  - name: {yaml_scalar(u.name)}\n    full_name: {yaml_scalar(u.full_name)}\n" for u in units)
    return f"""# yaml-language-server: $schema=schema/office.schema.json
# 督查室配置（由 ducha init 生成）。单位名录中的简称是记录里 lead_unit / co_units 唯一可用的写法。
name: {yaml_scalar(name)}
prefix: {prefix}
fonds: "{fonds}"
units:
{unit_lines}# 各来源类型的默认办理时限与延期上限。不写的按原始依据（ducha 内置）：领导批示 5个工作日（督促检查工作
# 实施办法 第九条）；人大代表建议、政协提案 3个月、最迟不超过 6个月（实施办法 第十条）；上级交办中，来源层级
# 「国务院批示」没有时限要求的 30个工作日（国办 2008 年意见（五）），「中央批办」两个月、延期不超过两个月
# （中办 1999 年意见 七）。其他上级交办事项按交办通知所定时限填写 time_limit。本室要为某一来源类型统一默认时限的，
# 在此写明并注明本室规则，如：
#   上级交办:
#     time_limit: 30个工作日   # 本室规则
categories:
  人大代表建议:
    time_limit: 3个月
    max_total: 6个月
  政协提案:
    time_limit: 3个月
    max_total: 6个月
yellow_days: 3               # 本室规则：剩余 3 个工作日以内亮黄灯
progress_interval_days: 30   # 本室规则：超过 30 天没有新进展即提示续报（续报见实施办法 第十二条）
followup_after_days: 90      # 本室规则：办结满 90 天提示回头看（回头看见中办 2012 年意见（七）），回访复核记录前不归档
# 重点事项随时报告（实施办法 第九条）：不写时超过 7 天没有新进展即提示续报（7 天为本室规则，可在此改）：
# priorities:
#   重点:
#     progress_interval_days: 7
# 审核通过的每一份办理报告报领导同志审阅（实施办法 第七条（五）），审阅后才归档。从旧台账迁移的已办结事项
# 不补记审阅的，在 reading 下写 effective_from: 启用日期。其他审批环节见 README「记录格式」。
approvals:
  reading: {{}}
# 日历包尚未收录的年份，国务院办公厅放假通知公布后在此补充：
# holiday_overrides:
#   "2027":
#     holidays: [2027-01-01, 2027-02-05/2027-02-11]
#     workdays: [2027-02-14]
notice_rules:
  issuer: {yaml_scalar(prefix_issuer(name))}
# 公开版站点不显示的字段。
internal_fields: [owner, notes]
"""


def prefix_issuer(name: str) -> str:
    """A first guess at the 发文机关代字 for 通报 (``青川市人民政府督查室`` → ``青川督查``); edit office.yaml to taste."""
    place = re.split(r"[市区县州盟旗]", name, maxsplit=1)[0]
    return f"{place[:2]}督查" if place and place != name else "督查"


def check_identity(name: str, prefix: str, fonds: str, units: Sequence[Unit]) -> None:
    """Every problem with what the office typed, at once, in Chinese."""
    problems = []
    if not name.strip():
        problems.append("督查室名称不能为空：如 --name 某某市人民政府督查室。")
    if not _PREFIX.match(prefix):
        problems.append(f"编号前缀「{prefix}」应为 1—10 个大写英文字母，如 DC。")
    if not _FONDS.match(fonds):
        problems.append(f"全宗号「{fonds}」应为 1—10 位数字或字母，如 0371（向本级档案馆确认）。")
    if not units:
        problems.append("至少登记一个承办单位：--unit 简称=全称，如 --unit 市财政局=某某市财政局。")
    names = [u.name for u in units]
    for unit in units:
        if not unit.name or not unit.full_name:
            problems.append(f"单位「{unit.name or unit.full_name}」要写成 简称=全称。")
        if names.count(unit.name) > 1:
            problems.append(f"单位简称「{unit.name}」重复。")
    if problems:  # each a sentence of its own
        raise UsageError("".join(dict.fromkeys(problems)))


def parse_unit(text: str) -> Unit:
    """``简称=全称`` (a full-width ＝ is read the same)."""
    short, _, full = text.replace("＝", "=").partition("=")
    return Unit(short.strip(), full.strip())


def init_office(root: Path, name: str, prefix: str, fonds: str, units: Sequence[Unit]) -> InitResult:
    """Make ``root`` the office's own repository; refuse one that is already an office's."""
    check_identity(name, prefix, fonds, units)
    listed = demo_list(root)
    if (root / OFFICE_FILE).exists() and not listed:
        raise UsageError(f"{root} 已经启用（没有示例数据清单 {DEMO_LIST}）：不能再次初始化。"
                         f"修改单位或名称请直接编辑 {OFFICE_FILE}，经审核合并。")
    removed, kept = [], []
    for path, sha in sorted(listed.items()):
        file = root / path
        if not file.is_file():
            continue
        if path.endswith(MANIFEST_NAME):  # it goes when it sealed demo records only
            demo_only = all(e.path in listed for e in read_manifest_text(file.read_text(encoding="utf-8")))
        else:
            demo_only = _sha256(file) == sha
        if not demo_only:
            kept.append(path)
            continue
        file.unlink()
        removed.append(path)
    for folder in {Path(p).parent for p in removed}:
        current = root / folder
        while current != root and current.is_dir() and not any(current.iterdir()):
            current.rmdir()
            current = current.parent
    _write(root / OFFICE_FILE, office_text(name, prefix, fonds, units))
    site = [_site_settings(root, name)] + _site_pages(root)
    for records in (CASES_DIR, NOTICES_DIR, BULLETINS_DIR):
        (root / records).mkdir(exist_ok=True)  # the folders every office uses from the first day
    (root / DEMO_LIST).unlink(missing_ok=True)
    # Loading what init wrote reports a name YAML cannot hold, with its line; the schemas carry the office's names.
    write_schemas(root)
    return InitResult(name, tuple(removed), tuple(kept), tuple(schema_files(load_office(root))), tuple(site))


def _site_settings(root: Path, name: str) -> str:
    """mkdocs.yml named for the office: the starter's, or the one already there with its site_name replaced."""
    own = root / starter.CONFIG_FILE
    _write(own, starter.config_text(name, own.read_text(encoding="utf-8") if own.is_file() else None))
    return starter.CONFIG_FILE


def _site_pages(root: Path) -> list[str]:
    """The starter's pages (使用说明, styles, logo) that site/ does not have yet: the office's own are kept."""
    written = []
    for path, data in starter.page_files():
        target = root / starter.PAGES_DIR / path
        if not target.exists():
            write_file(target, data)
            written.append(target.relative_to(root).as_posix())
    return written
