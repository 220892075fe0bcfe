"""Escalation: what criticism in a 通报 costs a unit.

Criticisms are tallied per unit per calendar year, with the consequences of seed 004
§十六: 1 → 书面检查; 2 → 约谈、取消年度评先树优资格; 3 or more → 问责建议（纪检监察）.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ducha.model.notices import Notice


def consequence(count: int) -> str:
    """What ``count`` criticisms in one calendar year mean for a unit (seed 004 §十六)."""
    if count <= 0:
        return ""
    if count == 1:
        return "向党工委、管委会作出书面检查"
    if count == 2:
        return "主要领导约谈单位主要负责人，取消年度评先树优资格"
    return "提出问责建议，由纪检监察部门依规问责"


def criticism_tally(notices: Iterable[Notice], year: int) -> Counter[str]:
    """How many times each unit was criticised in notices issued in ``year``."""
    return Counter(m.unit for n in notices if n.date.year == year for m in n.criticised)
