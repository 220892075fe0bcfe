"""The demo repository: it validates, shows every light, and its status output is a reviewed golden file."""

from __future__ import annotations

import csv
import io
import json

from .conftest import DEMO, TESTS, Invoke, check_golden

TODAY = "2026-11-23"


def test_demo_data_validates(invoke: Invoke) -> None:
    result = invoke(DEMO, "validate", "--today", TODAY)
    assert result.exit_code == 0, result.output


def test_demo_shows_every_light_and_every_stage(invoke: Invoke) -> None:
    board = json.loads(invoke(DEMO, "status", "--today", TODAY, "--format", "json").output)
    assert {row["light"] for row in board} == {"green", "yellow", "red", "done", "late", "none"}
    assert {row["stage"] for row in board} == {"registered", "in_progress", "pending_review", "returned",
                                               "closed", "cancelled", "archived"}
    assert any(row["provisional"] for row in board)
    assert any(row["extended"] for row in board)


def test_status_table_golden(invoke: Invoke) -> None:
    result = invoke(DEMO, "status", "--today", TODAY)
    assert result.exit_code == 0
    check_golden(TESTS / "golden" / "status-table.txt", result.output)


def test_status_json_golden(invoke: Invoke) -> None:
    result = invoke(DEMO, "status", "--today", TODAY, "--format", "json")
    check_golden(TESTS / "golden" / "status.json", result.output)


def test_filters_and_csv_agree_with_json(invoke: Invoke) -> None:
    every = json.loads(invoke(DEMO, "status", "--today", TODAY, "--format", "json").output)
    red = json.loads(invoke(DEMO, "status", "--today", TODAY, "--format", "json", "--light", "red").output)
    assert red == [row for row in every if row["light"] == "red"] and red
    unit = json.loads(invoke(DEMO, "status", "--today", TODAY, "--format", "json", "--unit", "市财政局").output)
    assert unit == [row for row in every if row["lead_unit"] == "市财政局" or "市财政局" in row["co_units"]]
    rows = list(csv.DictReader(io.StringIO(invoke(DEMO, "status", "--today", TODAY, "--format", "csv").output)))
    assert [r["id"] for r in rows] == [r["id"] for r in every]
    assert rows[0]["light"] == every[0]["light"] == "red"


def test_most_urgent_first(invoke: Invoke) -> None:
    board = json.loads(invoke(DEMO, "status", "--today", TODAY, "--format", "json").output)
    # Within the reds: 急, then 重点, then the rest, each most overdue first.
    rank = {"急": 0, "重点": 1, None: 2}
    reds = [(rank[row["priority"]], -row["days_overdue"]) for row in board if row["light"] == "red"]
    assert reds == sorted(reds) and {r[0] for r in reds} == {1, 2}
    lights = [row["light"] for row in board]
    assert lights.index("red") < lights.index("yellow") < lights.index("green") < lights.index("done")


def test_table_width_shortcut_agrees_with_unicodedata() -> None:
    import unicodedata

    from ducha.outputs.text import display_width

    text = "".join(p.read_text(encoding="utf-8") for p in (DEMO / "cases").rglob("*.yaml"))
    for ch in set(text) | set("“”（）〔〕—…·、，。：；！？ｌ①"):
        expected = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        assert display_width(ch) == expected, repr(ch)
