"""Shared fixtures: a CliRunner bound to a repository root, and example repositories in tmp_path."""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ducha.cli import cli

from . import liveguard
from .liveguard_plugin import pytest_collection_finish, pytest_runtest_makereport  # noqa: F401 - the watch's hooks

TESTS = Path(__file__).resolve().parent
EXAMPLES = TESTS / "examples"
#: The tests' own office: a frozen copy of the demo records. The live cases/, notices/,
#: bulletins/ and office.yaml at the repository root are data, never a fixture: an office
#: replaces them with its own, and no test may depend on them.
DEMO = TESTS / "fixtures" / "demo"
#: The repository itself, for what ships with the code (schemas, CI files), never for records.
REPO = TESTS.parent
#: Regenerate golden files with UPDATE_GOLDEN=1, then review them as a diff before committing.
#: Never in CI: there a golden that would change is a failure, whatever the environment says.
UPDATE_GOLDEN = bool(os.environ.get("UPDATE_GOLDEN")) and not os.environ.get("CI")

Invoke = Callable[..., Result]
CHROMIUM = shutil.which("chromium")
#: No test opens the live records (tests/liveguard.py), from the moment the tests are imported.
WATCH = liveguard.watch(REPO)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that opens the browser carries the ``browser`` marker, so it can be deselected; the modules with
    long tests (``slow``) start first, each kept whole (its module fixtures are made once per worker), so that no
    long test is left running alone at the end of a run on several workers (longest first)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    long = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in long)  # stable: each module's tests stay in their order


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless chromium, driven by playwright (no browser download), with nothing in the background."""
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is required for the browser tests: `make test` installs it with apt.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def invoke() -> Invoke:
    """Run ``ducha --root ROOT ARGS…`` in-process; returns the click Result."""
    runner = CliRunner()

    def run(root: Path, *args: str) -> Result:
        return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)

    return run


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def demo_repo(into: Path) -> Path:
    """A copy of the tests' demo office (records and office.yaml) in ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "office.yaml", into / "office.yaml")
    for folder in ("cases", "notices", "bulletins", "accountability", "attachments"):
        shutil.copytree(DEMO / folder, into / folder)
    return into


def example_repo(example: Path, into: Path) -> Path:
    """A repository in ``into`` holding the shared office.yaml overlaid with the example's files."""
    shutil.copy(EXAMPLES / "office.yaml", into / "office.yaml")
    for source in example.rglob("*"):
        if source.is_file() and source.name != "expected.txt":
            target = into / source.relative_to(example)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return into


_COMMIT = re.compile(r"(数据提交\W{0,4})[0-9a-f]{8,40}")


def check_golden(path: Path, actual: str) -> None:
    """Compare with a reviewed golden file (or rewrite it under UPDATE_GOLDEN=1).

    Commit ids are masked: they change with any file of the fixture repository, and are
    asserted by the tests that are about them.
    """
    actual = _COMMIT.sub(r"\1<提交>", actual)
    actual = re.sub(r"(<td[^>]*>)[0-9a-f]{8}</td>", r"\1<提交></td>", actual)
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    if actual == expected:
        return
    if UPDATE_GOLDEN:
        path.write_text(actual, encoding="utf-8")
        pytest.fail(f"golden file {path.name} rewritten: review `git diff {path}`, then run the tests again")
    assert expected is not None, f"missing golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert actual == expected
