"""Writes are atomic and numbers unique: a full disk changes nothing, two `ducha new` get two numbers."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ducha.intake import new_case as new_case_module
from ducha.intake.new_case import Assignment, new_case
from ducha.io.atomic import WriteError, create_file, write_file, write_files

from .conftest import Invoke
from .gitrepo import GitRepo
from .ledger_columns import column

TODAY = "2026-03-10"
CASE = """id: DC-2026-{n}
title: 燃气安全隐患排查{n}
category: 上级交办
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 孙立新
requirements: 对全市餐饮场所开展燃气安全排查。
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the module itself ---------------------------------------------------------------------------------


def test_write_file_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("旧内容\n", encoding="utf-8")
    target.chmod(0o640)
    write_file(target, "新内容\n")
    assert target.read_text(encoding="utf-8") == "新内容\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]  # no temporary file left


def test_a_write_error_midway_renames_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    first.write_text("一\n", encoding="utf-8")
    second.write_text("二\n", encoding="utf-8")
    real_write = os.write
    calls = []

    def write_then_fail(fd: int, data: object) -> int:
        calls.append(fd)
        if len(calls) == 2:  # the second file: half of it goes out, then the disk is full
            real_write(fd, bytes(data)[:3])  # type: ignore[call-overload]
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "write", write_then_fail)
    with pytest.raises(WriteError, match="磁盘空间不足"):
        write_files({first: "一改\n", second: "二改" * 100})
    monkeypatch.undo()
    assert _files(tmp_path) == {"one.yaml": "一\n".encode(), "two.yaml": "二\n".encode()}


def test_create_file_refuses_an_existing_name_and_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "DC-2026-0001.yaml"
    create_file(target, "甲\n")
    with pytest.raises(FileExistsError):
        create_file(target, "乙\n")
    assert _files(tmp_path) == {"DC-2026-0001.yaml": "甲\n".encode()}


def test_a_taken_new_name_in_a_batch_writes_none_of_it(tmp_path: Path) -> None:
    old, taken, fresh = tmp_path / "old.yaml", tmp_path / "taken.yaml", tmp_path / "fresh.yaml"
    old.write_text("原文\n", encoding="utf-8")
    taken.write_text("别人的\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_files({old: "改过\n", fresh: "新的\n", taken: "我的\n"}, new=(fresh, taken))
    assert _files(tmp_path) == {"old.yaml": "原文\n".encode(), "taken.yaml": "别人的\n".encode()}


# --- ledger import --apply on a full disk --------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    for n in ("0001", "0002"):
        repo.write(f"cases/2026/DC-2026-{n}.yaml", CASE.format(n=n))
    repo.commit("立项")
    return repo


def _filled_sheet(repo: GitRepo, invoke: Invoke, target: Path) -> Path:
    """The exported 台账 with progress on both cases and one new case: three files to write."""
    result = invoke(repo.root, "ledger", "export", "--today", TODAY, "-o", str(target))
    assert result.exit_code == 0, result.output
    wb = load_workbook(target)
    ws = wb.active
    for row in (3, 4):
        ws.cell(row, column("进展日期")).value = "2026-03-09"
        ws.cell(row, column("进展情况")).value = "已排查餐饮场所620家，整改隐患35处。" * 20
    new = ws.max_row + 1
    for name, value in (("事项名称", "冬季供暖质量专项督查"), ("来源", "领导批示"), ("主办单位", "市住建局"),
                        ("交办日期", "2026-03-09"), ("责任人", "孙立新"), ("任务要求", "专项督查供暖质量。")):
        ws.cell(new, column(name)).value = value
    wb.save(target)
    return target


def test_ledger_import_on_a_full_disk_changes_no_record(repo: GitRepo, invoke: Invoke, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = _filled_sheet(repo, invoke, tmp_path / "台账.xlsx")
    before = _files(repo.root / "cases")
    real_write = os.write
    calls = []

    def full_disk_on_second_file(fd: int, data: object) -> int:
        calls.append(fd)
        if len(calls) == 2:
            real_write(fd, bytes(data)[:100])  # type: ignore[call-overload]  # cut off mid-character
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "write", full_disk_on_second_file)
    result = invoke(repo.root, "ledger", "import", str(sheet), "--today", TODAY, "--apply")
    monkeypatch.undo()
    assert result.exit_code == 1  # the disk, not a bug in ducha
    assert "失败（磁盘空间不足）：没有改动任何文件。" in result.output
    assert _files(repo.root / "cases") == before  # no record changed, no new one, no temporary file


def test_ledger_import_apply_writes_all_three(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    sheet = _filled_sheet(repo, invoke, tmp_path / "台账.xlsx")
    result = invoke(repo.root, "ledger", "import", str(sheet), "--today", TODAY, "--apply")
    assert result.exit_code == 0, result.output
    assert sorted(_files(repo.root / "cases")) == [
        "2026/DC-2026-0001.yaml", "2026/DC-2026-0002.yaml", "2026/DC-2026-0003.yaml"]
    assert "  - date: 2026-03-09\n" in repo.read("cases/2026/DC-2026-0002.yaml")


_FULL_DISK = r"""
set -e
mount -t tmpfs -o size=256k tmpfs "$DISK"
cp -r "$REPO" "$DISK/repo"
# Fill the disk up to its last free block: the first record fits, the second does not.
dd if=/dev/zero of="$DISK/filler" bs=$(stat -f -c %S "$DISK") count=$(( $(stat -f -c %a "$DISK") - 1 )) 2>/dev/null
set +e
"$PYTHON" -c 'from ducha.cli import main; main()' \
    --root "$DISK/repo" ledger import "$SHEET" --today 2026-03-10 --apply >"$OUT/stdout" 2>"$OUT/stderr"
echo $? >"$OUT/rc"
cp -r "$DISK/repo/cases" "$OUT/cases"
"""


def test_ledger_import_on_a_real_full_tmpfs(repo: GitRepo, invoke: Invoke, tmp_path: Path) -> None:
    """The same, on a real 256 KiB tmpfs with one block free (in a user namespace, so no root is needed)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            f"mount -t tmpfs -o size=64k tmpfs {tmp_path}"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("this system does not allow mounting a tmpfs in a user namespace")
    sheet = _filled_sheet(repo, invoke, tmp_path / "台账.xlsx")
    (tmp_path / "disk").mkdir()
    (tmp_path / "out").mkdir()
    env = {**os.environ, "DISK": str(tmp_path / "disk"), "REPO": str(repo.root), "SHEET": str(sheet),
           "OUT": str(tmp_path / "out"), "PYTHON": sys.executable}
    done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", _FULL_DISK],
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert (out / "rc").read_text().strip() == "1", (out / "stdout").read_text() + (out / "stderr").read_text()
    assert "失败（磁盘空间不足）：没有改动任何文件。" in (out / "stderr").read_text(encoding="utf-8")
    assert _files(out / "cases") == _files(repo.root / "cases")


# --- ducha new: two at once get two numbers ------------------------------------------------------------


def test_two_new_cases_racing_for_one_number_get_two(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both read the folder before either writes (the barrier makes the race certain), then both create."""
    real_next_id = new_case_module.next_id
    barrier = threading.Barrier(2)
    first_call: set[int] = set()

    def next_id_in_step(root: Path, prefix: str, year: int) -> str:
        found = real_next_id(root, prefix, year)
        if threading.get_ident() not in first_call:
            first_call.add(threading.get_ident())
            barrier.wait(timeout=10)  # both have seen DC-2026-0003 as free
        return found

    monkeypatch.setattr(new_case_module, "next_id", next_id_in_step)
    made: list[str] = []
    errors: list[BaseException] = []

    def make(title: str) -> None:
        try:
            made.append(new_case(repo.root, Assignment(title, "领导批示", dt.date(2026, 3, 9))).id)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=make, args=(title,)) for title in ("甲事项", "乙事项")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(made) == ["DC-2026-0003", "DC-2026-0004"]
    titles = {repo.read(f"cases/2026/{case_id}.yaml").split("title: ")[1].split("\n")[0] for case_id in made}
    assert titles == {"甲事项", "乙事项"}  # neither file was lost or overwritten


def test_new_from_several_processes_at_once(repo: GitRepo) -> None:
    script = ("import datetime, sys; from pathlib import Path; from ducha.intake.new_case import Assignment, new_case\n"
              "for i in range(5): new_case(Path(sys.argv[1]), Assignment(f'事项{sys.argv[2]}-{i}', '领导批示', datetime.date(2026, 3, 9)))\n")
    workers = [subprocess.Popen([sys.executable, "-c", script, str(repo.root), str(n)]) for n in range(4)]
    assert [w.wait(timeout=60) for w in workers] == [0, 0, 0, 0]
    files = sorted(p.name for p in (repo.root / "cases/2026").iterdir())
    assert files == [f"DC-2026-{n:04d}.yaml" for n in range(1, 23)]  # 2 before + 20 new, no gap, none lost
    titles = {repo.read(f"cases/2026/{name}").split("title: ")[1].split("\n")[0] for name in files[2:]}
    assert len(titles) == 20

