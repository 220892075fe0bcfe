"""Nothing can hide: every file under the record folders is a known kind in its known place.

A case renamed to ``.yml``, a ``.bak`` copy or a notice moved one folder down is skipped by
every reader, so it silently drops out of the status board, the site and the reports (and
``ducha new`` hands its number out again). Validation therefore walks the folders themselves
instead of trusting a glob.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from ducha.errors import Problem
from ducha.model.assessments import ASSESSMENTS_DIR
from ducha.model.case import ATTACHMENTS_DIR, CASES_DIR, MANIFEST_NAME
from ducha.model.measures import MEASURES_DIR
from ducha.model.notices import BULLETINS_DIR, NOTICES_DIR
from ducha.model.surveys import SURVEYS_DIR

#: The folders that hold records, with what each may contain.
RECORD_DIRS = (CASES_DIR, NOTICES_DIR, BULLETINS_DIR, MEASURES_DIR, SURVEYS_DIR, ASSESSMENTS_DIR, ATTACHMENTS_DIR)
_YEAR = re.compile(r"^\d{4}$")
_ISSUE_NAME = re.compile(r"^(\d{4})-\d{3,}\.yaml$")
_PERIOD_NAME = re.compile(r"^(\d{4})(-H[12]|-Q[1-4])?\.yaml$")
_BACKUP = re.compile(r"(\.(bak|orig|rej|tmp|swp|swo|old|save)|~)$", re.I)
_PLACES = {
    CASES_DIR: "督查事项记录（cases/<年份>/<编号>.yaml）和归档清单（cases/<年份>/ARCHIVE.sha256）",
    NOTICES_DIR: "已印发的通报（notices/<年份>/<年份>-<序号>.yaml）",
    BULLETINS_DIR: "督查专报（bulletins/<年份>/<年份>-<序号>.yaml）",
    MEASURES_DIR: "督查问责记录（accountability/<年份>/<年份>-<序号>.yaml）",
    SURVEYS_DIR: "督查调研和调查记录（surveys/<年份>/<年份>-<序号>.yaml）",
    ASSESSMENTS_DIR: "考核结果（assessments/<年份>/<考核期间>.yaml，如 assessments/2026/2026-H1.yaml）",
    ATTACHMENTS_DIR: "事项的附件（attachments/<年份>/<编号>/<文件名>）",
}


def _walk(root: Path, folder: str) -> Iterator[tuple[str, bool]]:
    """Every entry under ``root/folder`` as (repository path, is a symlink); symlinked folders are not entered."""
    top = root / folder
    if not top.is_dir():
        return
    for here, dirs, files in os.walk(top):
        rel = Path(here).relative_to(root).as_posix()
        for name in list(dirs):
            if os.path.islink(os.path.join(here, name)):
                dirs.remove(name)
                yield f"{rel}/{name}", True
        for name in files:
            yield f"{rel}/{name}", os.path.islink(os.path.join(here, name))


def _known(folder: str, parts: list[str]) -> bool:
    """Whether a regular file at ``parts`` (below ``folder``) is a record kind in its place."""
    name = parts[-1]
    if folder == CASES_DIR:
        # Any .yaml here is read as a case, and validation names a wrong folder or file name.
        return name.endswith(".yaml") or (len(parts) == 2 and bool(_YEAR.match(parts[0])) and name == MANIFEST_NAME)
    if folder == ATTACHMENTS_DIR:
        # Whether a case registers the file is validation's to say (it knows the records).
        return len(parts) == 3 and bool(_YEAR.match(parts[0])) and not name.startswith(".")
    match = (_PERIOD_NAME if folder == ASSESSMENTS_DIR else _ISSUE_NAME).match(name)
    return len(parts) == 2 and match is not None and match.group(1) == parts[0]


def layout_problems(root: Path) -> list[Problem]:
    """Every file under cases/, notices/ and bulletins/ that is not a record kind in its known place."""
    problems: list[Problem] = []
    for folder in RECORD_DIRS:
        for path, is_link in _walk(root, folder):
            parts = path.split("/")[1:]
            name = parts[-1]
            if is_link:
                problems.append(Problem(path, 0, 0, "", "这是符号链接：记录必须是普通文件，否则各处读到的可能是别的文件。",
                                        "用实际文件替换它（或删除）。"))
            elif _known(folder, parts):
                continue
            elif name.endswith(".yml"):
                problems.append(Problem(path, 0, 0, "", "扩展名是 .yml：ducha 只读取 .yaml 文件，这份记录不会出现在"
                                                        "任何统计、站点和通报中。",
                                        f"用 git mv 改回 {name[:-4]}.yaml；记录的文件名一经使用不能更改。"))
            elif _BACKUP.search(name):
                problems.append(Problem(path, 0, 0, "", "这是备份或临时文件，不是记录。",
                                        "删除它：每个版本都已保存在 git 历史中，不需要另存备份。"))
            else:
                problems.append(Problem(path, 0, 0, "", f"{folder}/ 下只能有{_PLACES[folder]}，这个文件不是其中之一，"
                                                        "会被所有统计忽略。",
                                        "按上面的规则改名或移到正确的文件夹（git mv）；不属于记录的文件移出该文件夹。"))
    return problems
