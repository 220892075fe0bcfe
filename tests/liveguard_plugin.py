"""The watch over the live records (tests/liveguard.py) as pytest hooks: what a test touched fails it.

conftest.py takes these hooks; a pytest session of its own takes them with ``-p tests.liveguard_plugin``.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from . import liveguard


def pytest_configure(config: pytest.Config) -> None:
    """Watch the repository this file belongs to, or the office ``liveguard.ENV_ROOT`` names (conftest has
    watched the repository already when it loads these hooks)."""
    import os

    liveguard.watch(Path(os.environ.get(liveguard.ENV_ROOT) or Path(__file__).resolve().parents[1]))


def pytest_collection_finish(session: pytest.Session) -> None:
    if liveguard.WATCHING is not None and (touched := liveguard.WATCHING.take()):
        raise pytest.UsageError("collecting the tests opened the live records:\n  " + "\n  ".join(touched))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test whose code (or a subprocess it started) touched the live records fails, even if that code
    caught the error: the report names the test, the phase and every path."""
    report = yield
    if liveguard.WATCHING is not None and (touched := liveguard.WATCHING.take()):
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} ({call.when}) opened the live records at the repository's root; tests "
                           "build their own offices (conftest.demo_repo, tests/fixtures):\n  " + "\n  ".join(touched)
                           + (f"\n\n{report.longrepr}" if report.longrepr else ""))
    return report
