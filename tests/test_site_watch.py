"""The live preview's watch over the records (outputs/site/watching.py), in MkDocs' own live-reload server:
the records wake its build loop by events, none of them is left to its polling, and nothing keeps running
after it stops. (The preview seen from outside, editing a case under `ducha serve` and `mkdocs serve`:
test_site.py's test_live_preview_picks_up_a_changed_case.)"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from ducha.outputs.site import settings
from ducha.outputs.site.plugin import DuchaPlugin
from ducha.rules.layout import RECORD_DIRS

from .conftest import demo_repo


def test_records_wake_the_server_by_events_and_none_is_polled(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    root = demo_repo(tmp_path / "office")
    file, overrides = settings.command_config(root, "internal", dt.date(2026, 11, 23), "测试督查室", serving=True)
    config = load_config(str(file), site_dir=str(tmp_path / "site"), **overrides)
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    builds = threading.Semaphore(0)
    server = LiveReloadServer(builder=builds.release, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    server.build_delay = 0  # the server's wait for more changes: nothing to wait for here
    server = config.plugins.on_serve(server, config=config, builder=server.builder)
    # MkDocs' own watcher polls every file it is given twice a second: the plugin gives it none. When this
    # fails, MkDocs' server no longer has _want_rebuild and _rebuild_cond (watching.waker) and the plugin fell
    # back to MkDocs' polling watch: find the new way to wake the server's build loop.
    assert [emitter.watch.path for emitter in server.observer.emitters] == []
    serving = threading.Thread(target=server.serve)
    serving.start()
    try:
        def rebuilt() -> bool:
            """A rebuild came (waits up to a minute); the ones the same change set off are taken too."""
            came = builds.acquire(timeout=60)
            while builds.acquire(timeout=0.3):
                pass
            return came

        case = root / "cases/2026/DC-2026-0013.yaml"
        case.write_text(case.read_text(encoding="utf-8") + "notes: 已更新\n", encoding="utf-8")
        assert rebuilt()
        (root / "office.yaml").write_text((root / "office.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert rebuilt()
        # A records folder the office had none of at the start (its first 问卷): watched as soon as it is made.
        assert "surveys" in RECORD_DIRS and not (root / "surveys").exists()
        (root / "surveys").mkdir()
        assert rebuilt()
        (root / "surveys/2026").mkdir()
        (root / "surveys/2026/2026-001.yaml").write_text("title: 满意度调查\n", encoding="utf-8")
        assert rebuilt()
        # The preview's door: a rebuild asks for the next one (the lists after the case pages).
        plugin = config.plugins["ducha"]
        assert isinstance(plugin, DuchaPlugin) and plugin.preview is not None
        plugin.preview.ask_again()
        assert rebuilt()
    finally:
        server.shutdown()  # not wait=True: it would join MkDocs' own observer, never started with nothing to poll
        serving.join(timeout=30)
        server.serve_thread.join(timeout=30)
        config.plugins.on_shutdown()
    assert set(threading.enumerate()) <= before
