"""附件: files kept beside a case, registered by SHA-256, sealed with the record, exported with the archive,
verified by `ducha verify`; internal pages only; Git LFS when the office enables it (Debian's git-lfs)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo
from .records import CLOSED

PATH = "cases/2026/DC-2026-0001.yaml"
CASE = CLOSED
PDF = (EXAMPLES / "valid/attachments/attachments/2026/DC-2026-0001/市长批示件.pdf").read_bytes()
PDF_SHA = "930672e15ced554fa9ce0d3a4c14c3573c2825379e71ff6b5ad9bb447de82cad"
STORED = "attachments/2026/DC-2026-0001/市长批示件.pdf"


def closed_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write(PATH, CASE)
    repo.commit("办结", date="2026-03-09T17:00:00+08:00")
    return repo


def attach(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> str:
    source = tmp_path / "批示件 扫描.pdf"
    source.write_bytes(PDF)
    result = invoke(repo.root, "attach", "DC-2026-0001", str(source), "--title", "市长批示件", "--date", "2026-03-10",
                    "--name", "市长批示件.pdf")
    assert result.exit_code == 0, result.output
    return result.output


def test_an_attachment_is_sealed_verified_and_exported(tmp_path: Path, invoke: Invoke) -> None:
    repo = closed_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "附件")
    output = attach(repo, invoke, tmp_path)
    assert output.startswith(f"已登记附件 {STORED}（629 字节，SHA-256 930672e15ced…）")
    assert hashlib.sha256((repo.root / STORED).read_bytes()).hexdigest() == PDF_SHA
    assert repo.read(PATH).endswith("attachments:\n  - date: 2026-03-10\n    file: 市长批示件.pdf\n    title: 市长批示件\n"
                                    f'    type: pdf\n    size: "629"\n    sha256: {PDF_SHA}\n')
    repo.commit("登记附件", date="2026-03-10T10:00:00+08:00")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-03-10")
    assert guard.exit_code == 0, guard.output
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "附件", "-m", "合并：附件", date="2026-03-10T11:00:00+08:00")
    history = invoke(repo.root, "history", "DC-2026-0001").output
    assert "新增附件「市长批示件」（市长批示件.pdf）" in history

    sealed = invoke(repo.root, "archive", "--year", "2026", "--today", "2026-03-12")
    assert sealed.exit_code == 0, sealed.output
    repo.commit("归档", date="2026-03-12T10:00:00+08:00")
    assert invoke(repo.root, "verify-archive").exit_code == 0
    package = tmp_path / "档案.zip"
    exported = invoke(repo.root, "export-archive", "--year", "2026", "-o", str(package))
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(package) as archive:
        assert archive.read("attachments/DC-2026-0001/市长批示件.pdf") == PDF
        sums = archive.read("SHA256SUMS").decode("utf-8")
    assert f"{PDF_SHA}  attachments/DC-2026-0001/市长批示件.pdf\n" in sums

    # A changed attachment, then a missing one: the sealed record's SHA-256 no longer holds.
    (repo.root / STORED).write_bytes(PDF.replace(b"gas", b"GAS"))
    changed = invoke(repo.root, "verify-archive")
    assert changed.exit_code == 1
    assert (f"{PATH}:24:13: [attachments[0].sha256] 附件文件 {STORED} 与登记的不一致（SHA-256 不符）：文件被替换或改动过。"
            in changed.output)
    (repo.root / STORED).unlink()
    missing = invoke(repo.root, "verify")
    assert missing.exit_code == 1 and f"[attachments[0].file] 附件文件 {STORED} 不存在。" in missing.output
    assert invoke(repo.root, "validate", "--today", "2026-03-12").exit_code == 1


def test_the_guard_keeps_registered_files_as_they_are(tmp_path: Path, invoke: Invoke) -> None:
    repo = closed_repo(tmp_path)
    attach(repo, invoke, tmp_path)
    repo.commit("登记附件", date="2026-03-10T10:00:00+08:00")
    repo.git("checkout", "-q", "-b", "替换")
    (repo.root / STORED).write_bytes(PDF + b"%")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-03-10")
    assert guard.exit_code == 1
    assert f"{STORED}: 改动了已登记的附件：记录中登记的 SHA-256 是原文件的。" in guard.output
    (repo.root / STORED).unlink()
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-03-10")
    assert f"{STORED}: 删除了已登记的附件：附件随记录保存、归档，不能删除。" in guard.output


def test_attach_refuses_what_the_office_does_not_allow(tmp_path: Path, invoke: Invoke) -> None:
    repo = closed_repo(tmp_path)
    sheet = tmp_path / "统计.xlsx"
    sheet.write_bytes(b"PK")
    result = invoke(repo.root, "attach", "DC-2026-0001", str(sheet), "--title", "统计表")
    assert result.exit_code == 2 and "「统计.xlsx」不是允许的附件类型（pdf、ofd、docx、jpg、png）" in result.output
    repo.append("office.yaml", "attachments:\n  max_size: 1KB\n")
    big = tmp_path / "大.pdf"
    big.write_bytes(b"%PDF" + b"0" * 2000)
    result = invoke(repo.root, "attach", "DC-2026-0001", str(big), "--title", "扫描件", "--date", "2026-03-10")
    assert result.exit_code == 1 and "附件「大.pdf」有 2.0KB，超过 office.yaml 规定的上限 1.0KB。" in result.output
    assert not (repo.root / "attachments").exists() and "attachments" not in repo.read(PATH)


def test_attachments_are_on_internal_pages_only(tmp_path: Path, invoke: Invoke) -> None:
    repo = closed_repo(tmp_path)
    attach(repo, invoke, tmp_path)
    repo.commit("登记附件", date="2026-03-10T10:00:00+08:00")
    for profile in ("internal", "public"):
        assert invoke(repo.root, "pages", "--today", "2026-03-10", "--profile", profile).exit_code == 0
    internal = repo.root / "build/docs-internal"
    page = (internal / "cases/2026/DC-2026-0001.md").read_text(encoding="utf-8")
    assert '<a href="../../attachments/2026/DC-2026-0001/市长批示件.pdf">市长批示件</a>' in page
    assert (internal / STORED).read_bytes() == PDF
    public = repo.root / "build/docs-public"
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in public.rglob("*") if p.is_file())
    assert "市长批示件" not in text and not (public / "attachments").exists()


def _git(root: Path, *args: str, **env: str) -> str:
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull, **env}
    return subprocess.run(["git", *args], cwd=root, env=environment, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("git-lfs") is None, reason="git-lfs is installed by `make tools` (Debian's git-lfs)")
def test_attachments_in_git_lfs(tmp_path: Path, invoke: Invoke) -> None:
    repo = closed_repo(tmp_path)
    repo.append("office.yaml", "attachments:\n  lfs: 是\n")
    refused = invoke(repo.root, "validate", "--today", "2026-03-10")
    assert refused.exit_code == 1 and "office.yaml: [attachments.lfs] office.yaml 规定附件用 Git LFS 保存" in refused.output
    source = tmp_path / "批示件.pdf"
    source.write_bytes(PDF)
    not_yet = invoke(repo.root, "attach", "DC-2026-0001", str(source), "--title", "市长批示件", "--date", "2026-03-10")
    assert not_yet.exit_code == 2 and "在 .gitattributes 中加一行 `attachments/** filter=lfs diff=lfs merge=lfs -text`" in not_yet.output
    repo.write(".gitattributes", "attachments/** filter=lfs diff=lfs merge=lfs -text\n")
    _git(repo.root, "lfs", "install", "--local")
    repo.commit("附件用 Git LFS 保存", date="2026-03-10T09:00:00+08:00")
    assert invoke(repo.root, "attach", "DC-2026-0001", str(source), "--title", "市长批示件", "--date", "2026-03-10",
                  "--name", "市长批示件.pdf").exit_code == 0
    repo.commit("登记附件", date="2026-03-10T10:00:00+08:00")
    assert _git(repo.root, "lfs", "ls-files", "--name-only").splitlines() == [STORED]
    pointer = _git(repo.root, "show", f"HEAD:{STORED}")
    assert pointer.startswith("version https://git-lfs.github.com/spec/v1\n") and f"oid sha256:{PDF_SHA}\n" in pointer
    assert invoke(repo.root, "verify").exit_code == 0
    # A clone that has not fetched the LFS content holds the pointer, which proves nothing by itself (issue 21):
    # refused until the content is in the clone's LFS object store; then the pointer is checked against the
    # registered hash, and the archive export asks for the content in the working tree.
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(repo.root), str(clone), GIT_LFS_SKIP_SMUDGE="1")
    assert (clone / STORED).read_text(encoding="utf-8") == pointer
    unfetched = invoke(clone, "validate", "--today", "2026-03-12")
    assert unfetched.exit_code == 1 and (
        f"{PATH}:20:11: [attachments[0].file] 附件文件 {STORED} 只有 Git LFS 指针，它所指的内容不在本仓库的 LFS 对象库中。"
        " 修改：运行 `git lfs pull`（或 `git lfs fetch`）取回附件内容后再检查；服务器上也没有的，用登记时的原文件恢复。"
    ) in unfetched.output.splitlines()
    _git(clone, "lfs", "fetch")
    assert (clone / STORED).read_text(encoding="utf-8") == pointer  # fetched into the object store only
    assert invoke(clone, "validate", "--today", "2026-03-12").exit_code == 0
    assert invoke(clone, "verify").exit_code == 0
    assert invoke(clone, "archive", "--year", "2026", "--today", "2026-03-12").exit_code == 0
    _git(clone, "add", "-A")
    _git(clone, "-c", "user.name=办公室", "-c", "user.email=office@dcs.example.cn", "commit", "-q", "-m", "归档")
    exported = invoke(clone, "export-archive", "--year", "2026", "-o", str(tmp_path / "档案.zip"))
    assert exported.exit_code == 2 and "修改：先运行 `git lfs pull` 取回附件" in exported.output


@pytest.mark.parametrize(("name", "why"), [
    ("con.pdf", "文件名「con.pdf」是 Windows 保留的设备名（CON），在 Windows 上无法创建这个文件"),
    ("LPT1.docx", "文件名「LPT1.docx」是 Windows 保留的设备名（LPT1），在 Windows 上无法创建这个文件"),
    ("x:y.pdf", "文件名「x:y.pdf」含有 Windows 等文件系统不允许的字符（:）"),
    ("批示?.pdf", "文件名「批示?.pdf」含有 Windows 等文件系统不允许的字符（?）"),
    ("批示.pdf.", "文件名「批示.pdf.」以点或空格结尾：Windows 会把它去掉，文件就对不上了"),
    ("e\u0301.pdf", "文件名「e\u0301.pdf」的字符不是标准的组合形式（NFC），在 macOS 上会被改写，与登记的不再一致"),
], ids=["con", "lpt1", "colon", "question mark", "trailing dot", "decomposed"])
def test_an_attachment_name_holds_on_every_file_system(tmp_path: Path, invoke: Invoke, name: str, why: str) -> None:
    repo = closed_repo(tmp_path)
    source = tmp_path / "批示件.pdf"
    source.write_bytes(PDF)
    result = invoke(repo.root, "attach", "DC-2026-0001", str(source), "--title", "市长批示件", "--date", "2026-03-10",
                    "--name", name)
    assert result.exit_code in (1, 2) and why in result.output
    assert not (repo.root / "attachments").exists()
    # Written by hand, the entry is refused where it stands.
    folder = repo.root / "attachments/2026/DC-2026-0001"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(PDF)
    repo.append(PATH, f"attachments:\n  - date: 2026-03-10\n    file: \"{name}\"\n    title: 市长批示件\n    type: pdf\n"
                      f"    size: \"629\"\n    sha256: {PDF_SHA}\n")
    validated = invoke(repo.root, "validate", "--today", "2026-03-10")
    assert validated.exit_code == 1 and (f"{PATH}:20:11: [attachments[0].file] {why}。 修改：改用只含汉字、字母、数字和 - _ 的文件名，"
                                         "用 `ducha attach --name 新文件名` 登记。") in validated.output.splitlines()


def test_a_git_lfs_pointer_without_lfs_is_not_the_document(tmp_path: Path, invoke: Invoke) -> None:
    """Issue 21: a 132-byte pointer registered as an attachment while `lfs: 否` passed validate, guard and verify;
    the document existed nowhere."""
    repo = closed_repo(tmp_path)
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{PDF_SHA}\nsize 629\n".encode()
    (repo.root / "attachments/2026/DC-2026-0001").mkdir(parents=True)
    (repo.root / STORED).write_bytes(pointer)
    repo.append(PATH, f"attachments:\n  - date: 2026-03-09\n    file: 市长批示件.pdf\n    title: 市长批示件\n    type: pdf\n"
                      f"    size: \"629\"\n    sha256: {PDF_SHA}\n")
    line = (f"{PATH}:20:11: [attachments[0].file] 附件文件 {STORED} 只是一个 Git LFS 指针（{len(pointer)} 字节），不是文件本身："
            "office.yaml 没有启用 Git LFS（attachments.lfs），指针所指的内容不在仓库里。 修改：把登记时的原文件放回该处；"
            "附件确要用 Git LFS 保存的，先在 office.yaml 中启用 attachments.lfs。")
    for command in (["validate", "--today", "2026-03-10"], ["guard", "--base", "main", "--today", "2026-03-10"]):
        result = invoke(repo.root, *command)
        assert result.exit_code == 1 and line in result.output.splitlines(), command
    repo.commit("登记附件", date="2026-03-09T18:00:00+08:00")
    verified = invoke(repo.root, "verify")
    assert verified.exit_code == 1 and line in verified.output.splitlines()
