"""The one small exception hierarchy, translated to exit codes at the CLI edge.

0 ok, 1 data problems found, 2 usage, 3 unexpected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located to line and column, with its fix.

    ``line`` and ``column`` are 1-based; 0 means "the file as a whole".
    """

    file: str
    line: int
    column: int
    field: str
    message: str
    fix: str

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.message)


class DuchaError(Exception):
    """Base of every error the tool raises on purpose."""

    exit_code = 3


class UsageError(DuchaError):
    """The command was called wrongly (bad option, missing path)."""

    exit_code = 2


class DataError(DuchaError):
    """The records or office.yaml have problems; all of them are carried."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem], checked_files: int = 0, summary: str = "") -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        self.checked_files = checked_files
        #: What to say after the problems instead of counting checked files (they were not files).
        self.summary = summary
