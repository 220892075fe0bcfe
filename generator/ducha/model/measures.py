"""督查问责记录: 督办令, 督查约谈, 约谈, 书面检查 and 问责 as issued records, linked to a unit and its cases.

Each is ``accountability/<year>/<year>-<NNN>.yaml``, written once by ``ducha measure`` and, like
an issued 通报, never edited once merged (the guard refuses it) — but for the outcome of a 问责,
which the 纪检监察 body decides later and is appended once (``ducha outcome``). The seed
(督促检查工作实施办法 第十五、十六条) orders them: a 督办令 first; 通报批评 when the work still
shows no clear progress after it; in one calendar year the first criticism calls for a 书面检查,
the second for a 约谈 of the unit's 主要负责人 by the 主要领导, the third and each later one for
问责. A 督查约谈 (§十六（一）) is another thing: the 有关领导 talk to a unit's 负责人 about a problem
the 督查 found, at any time, and it answers no criticism. The measures a criticism calls for
name the 通报 they answer (``notice``): that, not their kind alone, is what matches them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ducha.model.timelimit import TimeLimit

MEASURES_DIR = "accountability"
ORDER = "督办令"
INSPECTION_TALK = "督查约谈"  # §十六（一）: 有关领导约谈责任单位负责人, for a problem the 督查 found
TALK = "约谈"  # §十六（二）: 主要领导约谈单位主要负责人, after the second criticism of a year
SELF_CRITICISM = "书面检查"
ACCOUNTABILITY = "问责"
#: The kinds, in the order the seed escalates them.
MEASURE_KINDS = (ORDER, INSPECTION_TALK, TALK, SELF_CRITICISM, ACCOUNTABILITY)
#: What the n-th criticism of a year calls for (seed 004 §十六（二）（三）): 1 书面检查, 2 约谈, 3 and each later 问责.
OWED_BY_CRITICISMS = {1: SELF_CRITICISM, 2: TALK, 3: ACCOUNTABILITY}


@dataclass(frozen=True)
class Outcome:
    """问责及处理结果 (§十六（三）): what the 纪检监察 or 组织 body decided, when, and which body."""

    date: dt.date
    result: str
    by: str


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
    notice: str = ""  # the 通报 (发文字号) it answers, for 书面检查, 约谈 and 问责 after a criticism
    outcome: Outcome | None = None  # a 问责's result, appended once decided

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
