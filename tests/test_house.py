"""The house keeps its shape: data flows one way through the rooms, only ``repo`` runs git, and
each module says the one job it does."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path
from types import GenericAlias

import pytest

from ducha.model.case import Case
from ducha.model.logs import LOG_KINDS

from .conftest import REPO

PACKAGE = REPO / "generator" / "ducha"
#: The rooms in the order data flows through them; a module may import its own room and those before it.
ORDER = {"errors": 0, "schemas": 0, "bytecode": 0, "io": 1, "starter": 1, "model": 2, "rules": 3, "load": 4, "repo": 5, "outputs": 6, "intake": 6,
         "cli": 7, "__init__": 0}
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
#: A module longer than this holds more than one job, unless a line of its docstring starting ``Size:`` says why.
MAX_LINES = 500
#: What the 台账 import may read of the outputs: how every label is worded, to tell a unit's edit from what the
#: export wrote. Nothing else: the layout both share is in ``model``.
INTAKE_READS_OF_OUTPUTS = frozenset({"ducha.outputs.present"})


def room(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def imported(path: Path) -> list[tuple[str, int]]:
    """Every module a file imports (at any depth: lazy imports count too), with their lines."""
    found = []
    package = ".".join(("ducha", *path.relative_to(PACKAGE).with_suffix("").parts[:-1]))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((name, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def imports(path: Path) -> list[tuple[str, int]]:
    """The ``ducha`` modules a file imports, with their lines."""
    return [(name, line) for name, line in imported(path) if name == "ducha" or name.startswith("ducha.")]


def room_of(path: Path) -> str:
    return room(".".join(("ducha", *path.relative_to(PACKAGE).with_suffix("").parts)))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_reaches_past_its_room(path: Path) -> None:
    here = room(".".join(("ducha", *path.relative_to(PACKAGE).with_suffix("").parts)))
    backwards = [f"line {line}: {name}" for name, line in imports(path) if ORDER[room(name)] > ORDER[here]]
    assert backwards == []


#: The one module that starts git processes; the rest of ``repo/`` asks git through it.
PROCESS_WRAPPER = "repo/gitprocess.py"


def _modes(tree: ast.AST) -> set[int]:
    """The ids of the values of ``"MODE"`` keys in dict literals: decap-server's ``MODE: git`` (``ducha serve
    --form``) names the mode it writes the repository in, and starts nothing."""
    return {id(value) for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant) and key.value == "MODE"}


def starts_git(path: Path) -> list[str]:
    """Where a module names the git command (the string ``"git"``, as in ``["git", …]``) or imports GitPython."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modes = _modes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == "git" and id(node) not in modes:
            found.append(f"line {node.lineno}: the git command")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] == "git"]
        elif isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "git":
            found.append(f"line {node.lineno}: from {node.module} import")
    return found


def test_only_the_process_wrapper_starts_git() -> None:
    starting = {p.relative_to(PACKAGE).as_posix(): starts_git(p) for p in MODULES}
    assert starting.pop(PROCESS_WRAPPER)  # it is seen where it does start git
    assert {module: where for module, where in starting.items() if where} == {}


def test_only_the_repo_room_runs_git() -> None:
    """Outside ``repo/``, nothing can hand git arguments: from the process wrapper, only its errors and
    the questions asked of a repository's root alone with a plain answer (is it usable, where is HEAD)."""
    from ducha.repo import gitprocess

    def harmless(name: str) -> bool:
        value = getattr(gitprocess, name)
        if isinstance(value, type):
            return issubclass(value, Exception)
        return (callable(value) and list(inspect.signature(value).parameters) == ["root"]
                and typing.get_type_hints(value)["return"] in (type(None), bool, str, str | None))

    reaching = []
    for path in MODULES:
        if path.relative_to(PACKAGE).parts[0] == "repo":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == gitprocess.__name__:
                reaching += [f"{path.name} line {node.lineno}: {a.name}" for a in node.names if not harmless(a.name)]
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [f"{node.module}.{a.name}" if isinstance(node, ast.ImportFrom) else a.name for a in node.names]
                reaching += [f"{path.name} line {node.lineno}: {name}" for name in names if name == gitprocess.__name__]
    assert reaching == []


def name_of(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_only_the_cli_room_imports_click() -> None:
    """Click stays at the edge: every core function can be called, and tested, without a terminal."""
    speaks_click = {p: [line for name, line in imported(p) if name.split(".")[0] == "click"] for p in MODULES}
    outside = [f"{name_of(p)}:{lines[0]}" for p, lines in speaks_click.items() if lines and room_of(p) != "cli"]
    assert outside == [] and speaks_click[PACKAGE / "cli" / "chinese.py"]


def test_nothing_outside_the_cli_room_imports_it() -> None:
    reaching = [f"{name_of(p)}:{line}: {name}" for p in MODULES if room_of(p) != "cli"
                for name, line in imports(p) if room(name) == "cli"]
    assert reaching == []


def test_every_module_says_its_job() -> None:
    """An opening docstring on every module but an empty ``__init__.py``."""
    silent = [name_of(p) for p in MODULES
              if p.read_text(encoding="utf-8").strip() and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert silent == []


def test_no_module_grows_past_its_size_without_a_reason() -> None:
    too_long = []
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        docstring = ast.get_docstring(ast.parse(text)) or ""
        reason = any(line.startswith("Size:") and line.removeprefix("Size:").strip() for line in docstring.splitlines())
        if lines > MAX_LINES and not reason:
            too_long.append(f"{name_of(path)}: {lines} lines")
    assert too_long == []


def test_every_log_kind_is_a_field_of_the_case() -> None:
    """A new dated log is also a ``Case`` field of its name holding its entries, which the recipe in logs.py names."""
    hints = typing.get_type_hints(Case)
    assert {kind.key: hints.get(kind.key) for kind in LOG_KINDS} == {kind.key: GenericAlias(tuple, (kind.entry, ...)) for kind in LOG_KINDS}


def test_outputs_and_intake_do_not_reach_into_each_other() -> None:
    reaches = []
    for path in MODULES:
        here = name_of(path).split("/")[0]
        other = {"outputs": "ducha.intake", "intake": "ducha.outputs"}.get(here)
        if other is None:
            continue
        reaches += [f"{name_of(path)} line {line}: {name}" for name, line in imports(path)
                    if (name == other or name.startswith(other + ".")) and not (here == "intake" and name in INTAKE_READS_OF_OUTPUTS)]
    assert reaches == []


#: Where the clock may be read: the command line's edge, and the MkDocs plugin's on_config (MkDocs calls it
#: at the start of every build: the same edge for `mkdocs build`). Everything else is handed the day.
CLOCK_READERS = {("cli/edge.py", "shanghai_today"), ("cli/edge.py", "beijing_now"), ("outputs/site/plugin.py", "on_config")}
_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"), ("time", "time"),
          ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"), ("time", "ctime")}


def test_nothing_reads_the_clock_but_the_edges() -> None:
    """Dates are pure: `today` is passed in. A call like ``dt.datetime.now()`` or ``time.time()`` anywhere else is refused."""
    readers = set()
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
                if (name, node.func.attr) in _CLOCK:
                    inside = [f.name for f in functions if f.lineno <= node.lineno <= (f.end_lineno or f.lineno)]
                    readers.add((name_of(path), inside[-1] if inside else "<module>"))
    assert readers == CLOCK_READERS
