"""Issued 通报 and 督查专报 as records.

An issued notice is ``notices/<year>/<year>-<NNN>.yaml``: written once by
``ducha report --issue``, never edited afterwards (the guard refuses it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NOTICES_DIR = "notices"
BULLETINS_DIR = "bulletins"


@dataclass(frozen=True)
class Ground:
    """One case behind a praise or criticism, and the cause: a case is criticised once per cause."""

    case: str
    cause: str


@dataclass(frozen=True)
class Mention:
    """A unit praised or criticised in a notice, with the reason, the cases behind it and the rule."""

    unit: str
    reason: str
    cases: tuple[str, ...]
    basis: str = ""  # the rule that proposed it, in words, with its clause or 本室规则
    grounds: tuple[Ground, ...] = ()


@dataclass(frozen=True)
class Notice:
    """An issued 通报."""

    path: str
    number: int
    doc_no: str
    date: dt.date
    period: str
    data_commit: str
    praised: tuple[Mention, ...]
    criticised: tuple[Mention, ...]
    approved_by: str = ""  # the leader who agreed to issue it (实施办法 §十四（五）), when office.yaml asks for one
    #: Set by redaction for an audience: the criticism list is not published to it at all, and the lists
    #: ("praised", "criticised") it sees without a mention that concerns cases it may not see. A page
    #: then says so, rather than 「（无）」 under a notice that did criticise.
    criticism_withheld: bool = False
    partly_withheld: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bulletin:
    """One issue of 《督查专报》."""

    path: str
    number: int
    date: dt.date
    title: str
    reports_problem: bool
    adopted: tuple[str, ...] = ()  # the units whose material it took up (督查专报采用, scored when office.yaml says so)


def notice_path(year: int, number: int) -> str:
    return f"{NOTICES_DIR}/{year}/{year}-{number:03d}.yaml"


def bulletin_path(year: int, number: int) -> str:
    return f"{BULLETINS_DIR}/{year}/{year}-{number:03d}.yaml"
