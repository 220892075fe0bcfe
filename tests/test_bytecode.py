"""The methods of ducha's dataclasses come from the user's cache, compiled once, and are exactly what compiling gives."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path
from types import CodeType

import pytest

from ducha import bytecode

#: A run that makes the record and office classes and uses them: equality, hashing, repr, frozen fields.
USE = """
import dataclasses
from ducha.model.office import Unit
a, b = Unit("市发改委", "青州市发展和改革委员会"), Unit("市发改委", "青州市发展和改革委员会")
try:
    a.name = "改"
except dataclasses.FrozenInstanceError:
    frozen = True
print(a == b, hash(a) == hash(b), repr(a), frozen, dataclasses.replace(a, name="市财政局").name)
import ducha.model.case
"""
EXPECTED = "True True Unit(name='市发改委', full_name='青州市发展和改革委员会') True 市财政局\n"


def run(cache: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", USE], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def cache_files(cache: Path) -> dict[str, dict[str, CodeType]]:
    """The cache's entries, by module."""
    (folder,) = (cache / "ducha").glob("dataclasses-*")
    return {path.stem: marshal.loads(path.read_bytes()) for path in sorted(folder.glob("*.code"))}


def stamps(cache: Path) -> list[tuple[str, int]]:
    return [(path.name, path.stat().st_mtime_ns) for path in sorted((cache / "ducha").rglob("*.code"))]


def test_the_second_run_compiles_nothing_and_the_cached_code_is_what_compiling_gives(tmp_path: Path) -> None:
    assert run(tmp_path) == EXPECTED
    entries = cache_files(tmp_path)
    assert {"ducha.errors", "ducha.model.office", "ducha.model.case", "ducha.model.logs"} <= set(entries)
    assert len(entries["ducha.model.office"]) > 50  # some 20 frozen classes, six methods or so each
    assert all(code == compile(source, "<string>", "exec", dont_inherit=True)
               for module in entries.values() for source, code in module.items())
    before = stamps(tmp_path)
    assert run(tmp_path) == EXPECTED
    assert stamps(tmp_path) == before  # nothing had to be compiled: nothing rewritten


def test_a_damaged_cache_file_is_compiled_anew_and_replaced(tmp_path: Path) -> None:
    run(tmp_path)
    (folder,) = (tmp_path / "ducha").glob("dataclasses-*")
    (folder / "ducha.model.office.code").write_bytes(b"\x00not marshal data")
    assert run(tmp_path) == EXPECTED
    assert len(cache_files(tmp_path)["ducha.model.office"]) > 50


def test_only_ducha_modules_code_is_cached(tmp_path: Path) -> None:
    cache = bytecode.DataclassCode(tmp_path)
    source = "def __create_fn__():\n def answer():\n  return 42\n return answer"
    elsewhere: dict[str, object] = {}
    cache.exec(source, {"__name__": "somebody.else"}, elsewhere)
    cache.save()
    assert list(tmp_path.iterdir()) == [] and callable(elsewhere["__create_fn__"])
    ours: dict[str, object] = {}
    cache.exec(source, {"__name__": "ducha.model.case"}, ours)
    cache.save()
    assert [path.name for path in tmp_path.iterdir()] == ["ducha.model.case.code"]
    assert ours["__create_fn__"]()() == 42  # type: ignore[operator]


def test_a_changed_class_leaves_no_stale_code_behind(tmp_path: Path) -> None:
    old = {"x = 0": compile("x = 0", "<string>", "exec", dont_inherit=True),
           "y = 0": compile("y = 0", "<string>", "exec", dont_inherit=True)}
    (tmp_path / "ducha.probe.code").write_bytes(marshal.dumps(old))
    cache = bytecode.DataclassCode(tmp_path)
    for source in ("y = 0", "x = 1"):  # x changed, y as it was
        cache.exec(source, {"__name__": "ducha.probe"}, {})
    cache.save()
    kept: dict[str, CodeType] = marshal.loads((tmp_path / "ducha.probe.code").read_bytes())
    assert sorted(kept) == ["x = 1", "y = 0"]


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    cache = bytecode.DataclassCode(blocked / "ducha")  # a folder that would be under a file
    namespace: dict[str, object] = {}
    cache.exec("x = 1", {"__name__": "ducha.probe"}, namespace)
    cache.save()
    assert namespace == {"x": 1} and not (blocked / "ducha").exists()


def test_a_cache_file_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ducha" / "x.code"
    bytecode.store(target, b"first")

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    bytecode.store(target, b"second")
    assert target.read_bytes() == b"first" and [p.name for p in target.parent.iterdir()] == ["x.code"]


def test_pyyamls_pattern_and_the_precompiled_one_match_the_same_characters() -> None:
    import re

    every = "".join(map(chr, range(0x110000)))
    theirs, ours = re.compile(bytecode.PYYAML_NON_PRINTABLE), re.compile(bytecode.NON_PRINTABLE)
    found = ours.findall(every)
    assert theirs.findall(every) == found and len(found) == 2111  # 9 + 2 + 18 + 6 + 26 C0/C1 controls, 2048 surrogates, 2


def test_pyyaml_imported_after_the_io_room_takes_the_precompiled_pattern() -> None:
    probe = ("import ducha.io, yaml.reader; from ducha.bytecode import NON_PRINTABLE; "
             "print(yaml.reader.Reader.NON_PRINTABLE.pattern == NON_PRINTABLE)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "True\n"  # False: PyYAML changed its pattern, and compiles it itself again
    import yaml  # noqa: F401

    assert not bytecode.pyyaml_pattern_precompiled()  # PyYAML already imported: too late, nothing done
