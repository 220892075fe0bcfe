"""Which repository paths hold cases, and the id each holds: its file name, whatever folder it is in."""

from __future__ import annotations

import re

from ducha.model.case import CASES_DIR

#: A case file: any ``*.yaml`` under cases/, as the loader sees it; its name is the id.
_CASE_PATH = re.compile(rf"^{CASES_DIR}/(?:[^/]+/)*[^/]+\.yaml$")


def case_id_of(path: str) -> str:
    """The id a case path holds: its file name without ``.yaml``."""
    return path.rsplit("/", 1)[-1][:-5]


def is_case_path(path: str) -> bool:
    return _CASE_PATH.match(path) is not None
