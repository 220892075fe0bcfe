"""The house keeps its shape: data flows one way through the rooms, and only ``repo`` runs git."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "generator" / "ducha"
#: The rooms in the order data flows through them; a module may import its own room and those before it.
ORDER = {"errors": 0, "schemas": 0, "io": 1, "model": 2, "rules": 3, "load": 4, "repo": 5, "outputs": 6, "intake": 6,
         "cli": 7, "__init__": 0}
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def room(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def imports(path: Path) -> list[tuple[str, int]]:
    """The ``ducha`` modules a file imports (at any depth: lazy imports count too), with their lines."""
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
    return [(name, line) for name, line in found if name == "ducha" or name.startswith("ducha.")]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_reaches_past_its_room(path: Path) -> None:
    here = room(".".join(("ducha", *path.relative_to(PACKAGE).with_suffix("").parts)))
    backwards = [f"line {line}: {name}" for name, line in imports(path) if ORDER[room(name)] > ORDER[here]]
    assert backwards == []


def test_only_the_repo_room_runs_git() -> None:
    runs_git = sorted(p.relative_to(PACKAGE).as_posix() for p in MODULES
                      if any(name in p.read_text(encoding="utf-8") for name in ("import git", "from git ", '"git"')))
    assert runs_git == ["repo/git.py"]


def test_only_the_cli_imports_click() -> None:
    assert sorted(p.relative_to(PACKAGE).as_posix() for p in MODULES if "import click" in p.read_text(encoding="utf-8")) == [
        "cli.py"]
