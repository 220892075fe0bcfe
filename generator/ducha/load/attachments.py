"""Checking attached files: each registered entry against office.yaml and the file on disk, and no file unregistered.

Also whether the office's Git LFS setting is in force (``.gitattributes``), which ``ducha attach``
asks before it writes a file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ducha.errors import Problem
from ducha.io.lfs import read_pointer, sha256_hex
from ducha.io.yamlfile import YamlDocument, read_yaml
from ducha.load.case_files import case_files
from ducha.model.case import ATTACHMENTS_DIR, CASES_DIR, Case
from ducha.model.logs import size_text
from ducha.model.office import ATTACHMENT_TYPES, Office


def attachment_problems(root: Path, office: Office, case: Case, doc: YamlDocument | None = None,
                        deep: bool = False, on_disk: bool = True) -> list[Problem]:
    """What is wrong with ``case``'s attached files: type, name, size limit, and the file itself —
    present and of its registered size (``validate``), and of its registered SHA-256 too when ``deep``
    (``ducha verify``); only the entries when not ``on_disk``. A Git LFS pointer stands for its content
    when it names the same hash and size."""
    problems: list[Problem] = []
    rules = office.attachments
    names: set[str] = set()
    for index, attachment in enumerate(case.attachments):
        def add(field: str, message: str, fix: str, index: int = index) -> None:
            line, column = doc.mark(("attachments", index, field)) if doc is not None else (0, 0)
            problems.append(Problem(case.path, line, column, f"attachments[{index}].{field}", message, fix))

        name = attachment.file
        if name in names:
            add("file", f"附件文件名「{name}」重复登记。", "每个文件只登记一次；同名的新版本用不同的文件名登记。")
        names.add(name)
        if attachment.type not in rules.types:
            add("type", f"附件类型「{attachment.type}」不在 office.yaml 允许的类型（{'、'.join(rules.types)}）中。",
                "转换为允许的格式后重新登记，或在 office.yaml 的 attachments.types 中增加该类型。")
        elif not name.lower().endswith(ATTACHMENT_TYPES[attachment.type]):
            add("file", f"文件名「{name}」与类型「{attachment.type}」不符。",
                f"类型写成与扩展名一致的，或文件名以 {'、'.join(ATTACHMENT_TYPES[attachment.type])} 结尾。")
        if attachment.bytes > rules.max_size:
            add("size", f"附件「{name}」有 {size_text(attachment.bytes)}，超过 office.yaml 规定的上限 {size_text(rules.max_size)}。",
                "压缩或分拆后登记；确需更大的，调整 office.yaml 的 attachments.max_size。")
        if not on_disk:
            continue  # the file is not written yet (ducha attach checks the entry first)
        path = root / case.attachment_folder / name
        where = f"{case.attachment_folder}/{name}"
        try:
            size = path.stat().st_size
        except OSError:
            add("file", f"附件文件 {where} 不存在。",
                "把登记时的文件放回该处（git checkout 恢复）；已登记的附件不能删除。")
            continue
        if size != attachment.bytes or deep:
            data = path.read_bytes()
            pointer = read_pointer(data)
            if pointer is not None:
                same = (pointer.sha256, pointer.size) == (attachment.sha256, attachment.bytes)
            else:
                same = size == attachment.bytes and (not deep or sha256_hex(data) == attachment.sha256)
            if not same:
                add("sha256" if size == attachment.bytes else "size",
                    f"附件文件 {where} 与登记的不一致（" + (f"大小 {size} 字节，登记为 {attachment.size} 字节" if size != attachment.bytes
                                                       else "SHA-256 不符") + "）：文件被替换或改动过。",
                    "从 git 历史中恢复登记时的文件；新的版本用 ducha attach 另行登记。")
    return problems


def verify_attachments(root: Path, office: Office, case: Case) -> list[Problem]:
    """Every attached file of ``case`` holds the SHA-256 its record registers (``ducha verify``), located
    at its entry in the record."""
    problems = attachment_problems(root, office, case, deep=True)
    if not problems:
        return problems
    doc, _ = read_yaml(root / case.path, case.path)  # marks are found only when something is wrong
    return attachment_problems(root, office, case, doc, deep=True)


GITATTRIBUTES = ".gitattributes"
#: What ``.gitattributes`` says when the office keeps attachments in Git LFS.
LFS_RULE = f"{ATTACHMENTS_DIR}/** filter=lfs diff=lfs merge=lfs -text"


def lfs_configured(root: Path) -> bool:
    """Whether ``.gitattributes`` hands the attachment folder to Git LFS."""
    attributes = root / GITATTRIBUTES
    return attributes.is_file() and LFS_RULE in attributes.read_text(encoding="utf-8").splitlines()


def lfs_missing() -> str:
    return ("office.yaml 规定附件用 Git LFS 保存（attachments.lfs: 是），但仓库根目录的 .gitattributes 中没有相应设置，"
            f"附件会直接存入 git。修改：在 .gitattributes 中加一行 `{LFS_RULE}`，作为系统改动单独提交、合并"
            "（Gitea、Forgejo 服务器须启用 LFS），然后再登记附件。")


def unregistered_attachments(root: Path, cases: Sequence[Case]) -> list[Problem]:
    """Every file under attachments/ belongs to a case that registers it: nothing hides there either."""
    top = root / ATTACHMENTS_DIR
    if not top.is_dir():
        return []
    registered = {f"{case.attachment_folder}/{a.file}" for case in cases for a in case.attachments}
    stray = []
    for folder, _, names in os.walk(top):
        for name in names:
            path = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            if path not in registered and path.count("/") == 3 and not name.startswith("."):  # else: the layout check
                stray.append(path)
    if not stray:
        return []
    loaded = {case.id for case in cases}
    unread = {file.stem for file in case_files([root / CASES_DIR])} - loaded  # their own problems come first
    return [Problem(path, 0, 0, "", "这个文件没有在任何督查事项中登记为附件，不会归档，也不会显示。",
                    "用 `ducha attach 编号 文件 --title 标题` 登记（文件放在 attachments/<年份>/<编号>/ 下），"
                    "不属于附件的文件移出该文件夹。")
            for path in sorted(stray) if path.split("/")[2] not in unread]
