"""One test per folder in tests/examples/{valid,invalid}: exit code and the exact message."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import EXAMPLES, Invoke, check_golden, example_repo

TODAY = "2026-11-23"


def _folders(kind: str) -> list[Path]:
    return sorted(p for p in (EXAMPLES / kind).iterdir() if p.is_dir())


@pytest.mark.parametrize("example", _folders("invalid"), ids=lambda p: p.name)
def test_invalid_example_reports_exact_problems(example: Path, tmp_path: Path, invoke: Invoke) -> None:
    root = example_repo(example, tmp_path)
    result = invoke(root, "validate", "--today", TODAY)
    assert result.exit_code == 1, result.output
    check_golden(example / "expected.txt", result.output)


@pytest.mark.parametrize("example", _folders("valid"), ids=lambda p: p.name)
def test_valid_example_passes(example: Path, tmp_path: Path, invoke: Invoke) -> None:
    root = example_repo(example, tmp_path)
    result = invoke(root, "validate", "--today", TODAY)
    assert result.exit_code == 0, result.output
    files = sum(len(list((root / folder).rglob("*.yaml"))) for folder in ("cases", "notices", "bulletins", "accountability", "surveys"))
    assert result.output == f"检查了 {files} 个文件，全部通过。\n"
