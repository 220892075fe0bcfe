"""Which ducha a benchmark times: this checkout and, with ``--before REF``, an older commit beside it.

The older commit's ``generator/`` is exported with `git archive` under the work folder, and each build
runs from a launcher of its own (the console script's three lines with its source first on the path), so
before and after are timed the same way, side by side in one run, on the same data and the same machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Build:
    """One version of ducha to time: its name in the tables and its ``generator/`` folder."""

    name: str
    source: Path
    launcher: Path

    def ducha(self, *args: str) -> list[str]:
        """The command line of ``ducha ARGS`` for this build."""
        return [str(self.launcher), *args]

    def python(self, snippet: str, *args: str) -> list[str]:
        """``python -c SNIPPET ARGS`` importing this build's ducha."""
        return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(self.source)!r})\n{snippet}", *args]


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--before", metavar="REF", help="also time this commit (e.g. main) beside the checkout")


def builds(before: str | None, work: Path) -> list[Build]:
    """The builds to time: ``before`` (when given) first, then this checkout."""
    found = []
    if before:
        sha = git("rev-parse", "--short", f"{before}^{{commit}}").strip()
        root = work / "builds" / sha
        if not (root / "generator").is_dir():
            root.mkdir(parents=True, exist_ok=True)
            archive = subprocess.run(["git", "archive", sha, "generator"], cwd=CHECKOUT, capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
        found.append(_build(f"before ({before} {sha})", root / "generator", work / "builds" / f"{sha}-ducha"))
    head = git("rev-parse", "--short", "HEAD").strip()
    dirty = "+" if git("status", "--porcelain", "--untracked-files=no", "generator").strip() else ""
    found.append(_build(f"after ({head}{dirty})", CHECKOUT / "generator", work / "builds" / "checkout-ducha"))
    return found


def _build(name: str, source: Path, launcher: Path) -> Build:
    launcher.parent.mkdir(parents=True, exist_ok=True)
    launcher.write_text(f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(source)!r})\n"
                        "from ducha.cli import main\nsys.exit(main())\n", encoding="utf-8")
    launcher.chmod(0o755)
    return Build(name, source, launcher)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=CHECKOUT, capture_output=True, text=True, check=True).stdout
