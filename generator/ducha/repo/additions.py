"""What a pull request adds must be true to when it is added (part of ``repo.guard``): a 补录 says why
(``rules.late``); a new 通报 or 考核 result is computed from records already in the branch it lands in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from ducha.errors import Problem
from ducha.io.yamlfile import parse_yaml, read_yaml
from ducha.model.assessments import ASSESSMENTS_DIR
from ducha.model.case import CASES_DIR
from ducha.model.notices import NOTICES_DIR
from ducha.model.office import Office
from ducha.repo.refs import is_ancestor
from ducha.repo.scoreguard import new_assessment_problems
from ducha.repo.values import FileChange
from ducha.rules.late import unexplained_late


def added_problems(root: Path, records: list[FileChange], blobs: Mapping[str, bytes | None], office: Office,
                 today: dt.date, fork: str) -> list[Problem]:
    """What a pull request adds must be true to when it is added: a 补录 says why (``rules.late``), and a
    new notice is computed from records already in the branch it is added to."""
    problems: list[Problem] = []
    for change in records:
        if change.status == "D" or not change.path.endswith(".yaml"):
            continue
        old_path = change.old_path or change.path
        if change.path.startswith(f"{CASES_DIR}/"):
            new_doc, _ = read_yaml(root / change.path, change.path)
            old_raw = blobs.get(old_path)
            old_doc = parse_yaml(old_raw, old_path)[0] if old_raw is not None else None
            old = old_doc.data if old_doc is not None and isinstance(old_doc.data, dict) else None
            if new_doc is not None:
                problems += unexplained_late(change.path, old, new_doc, office, today)
        elif change.path.split("/", 1)[0] == NOTICES_DIR and blobs.get(old_path) is None:
            problems += _data_commit(root, change.path)
        elif change.path.split("/", 1)[0] == ASSESSMENTS_DIR and blobs.get(old_path) is None:
            problems += new_assessment_problems(root, change.path, fork)
    return problems


def _data_commit(root: Path, path: str) -> list[Problem]:
    doc, _ = read_yaml(root / path, path)
    if doc is None or not isinstance(doc.data, dict) or "data_commit" not in doc.data:
        return []  # validation reports what is wrong with the file
    ref = str(doc.data["data_commit"])
    if is_ancestor(root, ref, "HEAD"):
        return []
    line, column = doc.mark(("data_commit",))
    return [Problem(path, line, column, "data_commit",
                    f"通报依据的数据提交「{ref}」不是本分支已有的提交：通报只能依据印发时仓库中已有的记录生成。",
                    "不要手工填写或修改 data_commit：在本分支上用 `ducha report --issue` 重新生成该通报。")]
