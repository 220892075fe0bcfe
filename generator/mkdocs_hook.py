"""MkDocs hook: regenerate the case pages before each build, so `mkdocs build` and
`mkdocs serve` (which watches cases/ and office.yaml) always show the records as they are.

`ducha build` writes the pages itself (with a progress bar) and tells this hook to skip.
The date and profile come from DUCHA_TODAY / DUCHA_PROFILE; the date defaults to today
in Asia/Shanghai (this hook, like the CLI, is an edge that may read the clock).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator.build import READY_ENV, prepare, write
from generator.errors import DataError
from generator.reporters import problems_text


def on_pre_build(config: Any, **kwargs: Any) -> None:
    docs = Path(config["docs_dir"]).resolve()
    if os.environ.get(READY_ENV) == str(docs):
        return
    root = Path(config["config_file_path"]).resolve().parent
    day = os.environ.get("DUCHA_TODAY")
    today = dt.date.fromisoformat(day) if day else dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    try:
        prepared = prepare(root, today, os.environ.get("DUCHA_PROFILE", "internal"))
    except DataError as error:  # show the problems in the serve log; keep the last good pages
        print(problems_text(error.problems, error.checked_files), end="")
        return
    write(root, prepared)
