"""Calendar feeds, checked with an independent parser (the icalendar package)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from .conftest import DEMO, Invoke

TODAY = "2026-11-23"


def feed(folder: Path, name: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((folder / name).read_bytes())


def test_feeds_parse_and_hold_the_due_dates(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(DEMO, "ics", "--today", TODAY, "-o", str(tmp_path))
    assert result.exit_code == 0 and result.output == f"已生成 13 个日历文件：{tmp_path}\n"
    office = feed(tmp_path, "督查事项.ics")
    events = {str(e["UID"]): e for e in office.walk("VEVENT")}
    due = events["DC-2026-0012-due@ducha"]
    assert due.decoded("DTSTART") == dt.date(2026, 11, 25)
    assert str(due["SUMMARY"]) == "【到期】DC-2026-0012 冬季燃气安全隐患排查"
    assert "剩2个工作日" in str(due["DESCRIPTION"])
    provisional = events["DC-2026-0018-due@ducha"]  # due in 2027, whose holidays are not published yet
    assert "（暂定）" in str(provisional["SUMMARY"]) and "到期日暂定" in str(provisional["DESCRIPTION"])
    # The 回头看 falls due after the item's own interval: 急 30 days (DC-2026-0006, closed 2026-02-27), others 90
    # (DC-2026-0007, closed 2026-10-14); items office.yaml wants none of (其他交办 DC-2026-0027) have no date.
    assert events["DC-2026-0006-followup@ducha"].decoded("DTSTART") == dt.date(2026, 3, 29)
    assert events["DC-2026-0007-followup@ducha"].decoded("DTSTART") == dt.date(2027, 1, 12)
    assert "DC-2026-0027-followup@ducha" not in events
    assert "DC-2026-0028-due@ducha" in events and "DC-2026-0028-followup@ducha" not in events  # reopened: 再督查
    assert not any(uid.startswith("DC-2026-0029-followup") for uid in events)  # its 回头看 is done
    # A unit's feed holds the items it leads or co-handles, and nothing else.
    unit = {str(e["UID"]) for e in feed(tmp_path, "市财政局.ics").walk("VEVENT")}
    assert "DC-2026-0011-due@ducha" in unit and "DC-2026-0012-due@ducha" not in unit


def test_lines_are_folded_and_crlf(invoke: Invoke, tmp_path: Path) -> None:
    invoke(DEMO, "ics", "--today", TODAY, "-o", str(tmp_path))
    raw = (tmp_path / "督查事项.ics").read_bytes()
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    raw.decode("utf-8")  # folding never splits a character


def test_same_inputs_same_bytes(invoke: Invoke, tmp_path: Path) -> None:
    invoke(DEMO, "ics", "--today", TODAY, "-o", str(tmp_path / "a"))
    invoke(DEMO, "ics", "--today", TODAY, "-o", str(tmp_path / "b"))
    assert (tmp_path / "a/督查事项.ics").read_bytes() == (tmp_path / "b/督查事项.ics").read_bytes()
