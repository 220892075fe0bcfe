"""What a unit name that is not registered most likely meant.

Staff write a unit's full name (青川市交通运输局), a near name (交通局, 市交通局), two names
joined by a full-width comma that YAML reads as one (``[市教育局，市财政局]``), or a name
with an invisible character pasted in. Each gets the registered short name it points to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ducha.model.office import Office
from ducha.rules.characters import invisible_free

_JOINERS = re.compile(r"[，、,；;\s]+")


@dataclass(frozen=True)
class UnitGuess:
    """Why the name is not registered, and what to write instead."""

    why: str
    fix: str


def guess_unit(name: str, office: Office) -> UnitGuess | None:
    """The likely slip behind ``name`` (not a registered short name), or None when nothing is near."""
    names = [u.name for u in office.units]
    if invisible_free(name) in names and invisible_free(name) != name:
        real = invisible_free(name)
        return UnitGuess(f"其中有看不见的字符或全角字母数字，看起来像「{real}」却不是同一个名字",
                         f"删掉后重新输入为「{real}」")
    parts = [part for part in _JOINERS.split(name) if part]
    if len(parts) > 1 and all(part in names for part in parts):
        joiner = next(ch for ch in name if _JOINERS.match(ch))
        shown = "全角逗号「，」" if joiner == "，" else f"「{joiner}」"
        return UnitGuess(f"这是 {len(parts)} 个单位，用{shown}隔开被读成了一个",
                         f"用半角逗号加空格分隔：[{', '.join(parts)}]")
    full = {u.full_name: u.name for u in office.units}
    if name in full:
        return UnitGuess("这是单位全称", f"记录中写登记的简称「{full[name]}」")
    import difflib  # only for a unit that is not found

    close = difflib.get_close_matches(name, names + list(full), n=1, cutoff=0.6)
    contains = [n for n in names if len(name) >= 2 and (name in n or n in name)]
    if close or contains:
        found = full.get(close[0], close[0]) if close else contains[0]
        return UnitGuess("", f"是不是「{found}」？写成登记的简称「{found}」")
    return None


def unknown_unit(role: str, name: str, office: Office) -> tuple[str, str]:
    """Message and fix for a unit name that is not registered, with the likely slip named."""
    guess = guess_unit(name, office)
    message = f"{role}「{name}」未在 office.yaml 中登记" + (f"：{guess.why}。" if guess and guess.why else "。")
    if guess is not None:
        return message, f"{guess.fix}；确是新单位的，先在 office.yaml 的 units 中登记。"
    return message, f"改为已登记的单位简称（{'、'.join(sorted(office.unit_names))}），或先在 office.yaml 的 units 中登记。"
