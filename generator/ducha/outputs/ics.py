"""Calendar feeds (RFC 5545): due dates and 回头看 dates, one feed per unit and one for the office.

Written by hand: a handful of lines per event, escaped and folded as the RFC says
(folding at 75 octets, never inside a UTF-8 character). The same inputs give the same
bytes, so subscribers are not told about changes that are not there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ducha.io.atomic import write_files
from ducha.model.case import Stage
from ducha.model.office import OFFICE_FEED, Office, slug
from ducha.outputs.present import remaining
from ducha.rules.deadlines import Status, followup_owed


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event in a feed."""

    uid: str
    day: dt.date
    summary: str
    description: str
    units: tuple[str, ...]


#: RFC 5545 §3.3.11: TEXT holds no control character but HTAB; a line break is written ``\\n``.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029]")
_BREAK = re.compile("\r\n|[\r\n\u0085\u2028\u2029]")


def _escape(text: str) -> str:
    """A TEXT value per RFC 5545: backslash, semicolon and comma escaped; every kind of line
    break (a bare CR too) as ``\\n``; other controls dropped, so no value can end a line."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _BREAK.sub("\\\\n", text))


def _fold(line: str) -> str:
    """Fold at 75 octets without splitting a character (RFC 5545 §3.1): continuation lines start with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, at, room = [], 0, 75
    while len(data) - at > room:
        cut = at + room
        while data[cut] & 0xC0 == 0x80:  # never inside a character: back to its first byte
            cut -= 1
        pieces.append(data[at:cut])
        at, room = cut, 74  # the leading space takes one octet of the next line
    pieces.append(data[at:])
    return "\r\n ".join(piece.decode("utf-8") for piece in pieces)


def calendar_events(office: Office, statuses: Sequence[Status], today: dt.date) -> list[CalendarEvent]:
    """Due dates of open items and 回头看 dates of closed items still waiting for one."""
    found = []
    for s in statuses:
        case = s.case
        units = tuple(u for u in (case.lead_unit, *case.co_units) if u)
        if s.stage.is_open and s.due is not None:
            provisional = "（到期日暂定：该年放假安排尚未公布，按周一至周五推算）" if s.provisional else ""
            state = remaining(s)
            summary = f"【到期】{case.id} {case.title}{'（暂定）' if s.provisional else ''}"
            found.append(CalendarEvent(f"{case.id}-due@ducha", s.due, summary,
                               f"主办：{case.lead_unit}；协办：{'、'.join(case.co_units) or '无'}；{s.stage.label}，{state}。"
                               f"{provisional}（数据截至 {today}）", units))
        # The 回头看 the status board and the reminders ask for, on the day they start asking: the item's own
        # interval (急, 重点) and only for the items office.yaml wants one of (followup_for).
        closed = case.closed_on(today)
        after = office.followup_after(case.category, case.priority)
        if s.stage is Stage.CLOSED and closed is not None and after is not None and followup_owed(case, office, today):
            day = closed + dt.timedelta(days=after)
            found.append(CalendarEvent(f"{case.id}-followup@ducha", day, f"【回头看】{case.id} {case.title}",
                               f"{closed} 办结，办结后 {after} 天开展回访复核（回头看）。主办：{case.lead_unit}。", units))
    return sorted(found, key=lambda e: (e.day, e.uid))


def calendar_text(name: str, items: Sequence[CalendarEvent], today: dt.date) -> str:
    stamp = f"{today:%Y%m%d}T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ducha//督查事项//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape(name)}", "X-WR-TIMEZONE:Asia/Shanghai"]
    for e in items:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{stamp}", f"DTSTART;VALUE=DATE:{e.day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{e.day + dt.timedelta(days=1):%Y%m%d}", f"SUMMARY:{_escape(e.summary)}",
                  f"DESCRIPTION:{_escape(e.description)}", "CATEGORIES:督查事项", "TRANSP:TRANSPARENT",
                  "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P1D", f"DESCRIPTION:{_escape(e.summary)}", "END:VALARM",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def feeds(office: Office, statuses: Sequence[Status], today: dt.date, unit: str | None = None) -> dict[str, str]:
    """File name → iCalendar text: the office feed and one per unit (or just ``unit``'s)."""
    found = calendar_events(office, statuses, today)
    out = {}
    if unit is None:
        out[f"{OFFICE_FEED}.ics"] = calendar_text(f"{office.name}·督查事项", found, today)
    for u in office.units:
        if unit is None or u.name == unit:
            out[f"{slug(u.name)}.ics"] = calendar_text(f"{u.name}·督查事项", [e for e in found if u.name in e.units], today)
    return out


def write_feeds(folder: Path, files: dict[str, str]) -> list[Path]:
    written = {folder / name: text for name, text in files.items()}
    write_files(written, durable=False)  # regenerated at will: atomic, not worth an fsync each
    return list(written)
