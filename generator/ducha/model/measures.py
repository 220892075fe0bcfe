"""督查问责记录: 督办令, 约谈, 书面检查 and 问责 as issued records, linked to a unit and its cases.

Each is ``accountability/<year>/<year>-<NNN>.yaml``, written once by ``ducha measure`` and, like
an issued 通报, never edited once merged (the guard refuses it). The seed (督促检查工作实施办法
第十六条) orders them: a 督办令 first; 通报批评 when the work still shows no clear progress after
it; in one calendar year one criticism means a 书面检查, two a 约谈, three or more 问责.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ducha.model.timelimit import TimeLimit

MEASURES_DIR = "accountability"
ORDER = "督办令"
TALK = "约谈"
SELF_CRITICISM = "书面检查"
ACCOUNTABILITY = "问责"
#: The kinds, in the order the seed escalates them.
MEASURE_KINDS = (ORDER, TALK, SELF_CRITICISM, ACCOUNTABILITY)
#: What the n-th criticism of a year calls for (seed 004 §十六（二）（三）): 1 书面检查, 2 约谈, 3+ 问责.
OWED_BY_CRITICISMS = {1: SELF_CRITICISM, 2: TALK, 3: ACCOUNTABILITY}


@dataclass(frozen=True)
class Measure:
    """One 督查问责 record: what was done to which unit, for which cases, when and by whom."""

    path: str
    number: int
    kind: str
    date: dt.date
    unit: str
    cases: tuple[str, ...]
    reason: str
    by: str
    doc_no: str = ""
    requirements: str = ""
    deadline: TimeLimit | None = None  # a 督办令's own 限期: a date, or a time limit counted from its date
    notice: str = ""  # the 通报 (发文字号) it follows, for 书面检查, 约谈 and 问责 after a criticism

    @property
    def id(self) -> str:
        return f"{self.date.year}-{self.number:03d}"

    @property
    def title(self) -> str:
        """How it is named in lists: its 发文字号 when it has one."""
        return f"{self.kind}（{self.doc_no}）" if self.doc_no else self.kind


def measure_path(year: int, number: int) -> str:
    return f"{MEASURES_DIR}/{year}/{year}-{number:03d}.yaml"


def owed(count: int) -> str:
    """The measure a unit's ``count``-th criticism of a year calls for (empty for none)."""
    return OWED_BY_CRITICISMS[min(count, 3)] if count > 0 else ""
