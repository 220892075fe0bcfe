"""Every number people read agrees with a count made here, with plain loops over the YAML files.

On twelve days across 2025–2027 the demo office's dashboard, unit pages, `status` footer and
the year's report (Markdown and JSON) are compared with counts that use none of ducha's
code: where a case stands follows from its dated facts alone.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import Invoke, demo_repo

DAYS = ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-01-15", "2026-03-31", "2026-06-30",
        "2026-09-30", "2026-11-23", "2026-12-31", "2027-01-08", "2027-06-30"]


def records(root: Path) -> list[dict[str, Any]]:
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) for p in sorted((root / "cases").rglob("*.yaml"))]


def where(record: dict[str, Any], day: str) -> str:
    """未交办, 在办, 待审核, 已办结 or 已撤销 on ``day``, from the record's dates (ISO strings compare as days)."""
    if record.get("cancelled", {}).get("date", "9999") <= day:
        return "已撤销"
    reports = [r for r in record.get("reports", []) if r["date"] <= day]
    reviews = [r for r in record.get("reviews", []) if r["date"] <= day]
    if len(reports) > len(reviews):
        return "待审核"
    if reviews and reviews[-1]["result"] == "通过":
        # 再督查 and 重新办理: a 回访复核 that found 整改不到位, or a deputy 不满意, since the pass reopens the case.
        reopenings = [f for f in record.get("followups", []) if f.get("result") == "整改不到位"]
        reopenings += [f for f in record.get("feedback", []) if f.get("result") == "不满意"]
        reopened = any(reviews[-1]["date"] <= f["date"] <= day for f in reopenings)
        return "在办" if reopened else "已办结"
    return "在办" if record.get("assigned", "9999") <= day else "未交办"


def counted(cases: list[dict[str, Any]], day: str, unit: str | None = None) -> Counter[str]:
    shown = [r for r in cases if r["registered"] <= day and (unit is None or r.get("lead_unit") == unit)]
    tally = Counter(where(r, day) for r in shown)
    tally["共"] = len(shown)
    return tally


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_repo(tmp_path_factory.mktemp("reconcile") / "office")


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, pattern
    return int(found.group(1))


@pytest.mark.slow
@pytest.mark.parametrize("day", DAYS)
def test_every_number_agrees_with_the_records(day: str, office: Path, invoke: Invoke) -> None:
    expected = counted(records(office), day)
    # `status`: the footer.
    footer = next(line for line in invoke(office, "status", "--as-of", day).output.splitlines() if line.startswith("共 "))
    red, yellow, green = (number(rf"{name} (\d+)", footer) for name in ("红灯", "黄灯", "绿灯"))
    on_time, late = number(r"按期办结 (\d+)", footer), number(r"超期办结 (\d+)", footer)
    assert number(r"共 (\d+) 项", footer) == expected["共"]
    assert red + yellow + green == expected["在办"]
    assert number(r"待审核 (\d+)", footer) == expected["待审核"]
    assert on_time + late == expected["已办结"]
    assert number(r"未交办 (\d+)", footer) == expected["未交办"]
    assert number(r"已撤销 (\d+)", footer) == expected["已撤销"]
    # The dashboard: its sentence and its tiles.
    assert invoke(office, "pages", "--as-of", day).exit_code == 0
    dashboard = (office / "build" / "docs-internal" / "index.md").read_text(encoding="utf-8")
    assert number(r"共 (\d+) 项", dashboard) == expected["共"]
    assert number(r"在办 (\d+) 项", dashboard) == expected["在办"]
    assert number(r"待审核 (\d+) 项", dashboard) == expected["待审核"]
    assert number(r"已办结 (\d+) 项", dashboard) == expected["已办结"]
    tiles = dict(re.findall(r"<span>(\S+?)</span><strong>(\d+)</strong>", dashboard))
    assert (int(tiles["红灯"]), int(tiles["黄灯"]), int(tiles["绿灯"])) == (red, yellow, green)
    assert (int(tiles["待审核"]), int(tiles["按期办结"]), int(tiles["超期办结"])) == (expected["待审核"], on_time, late)
    # Each unit page.
    cases = records(office)
    for unit in sorted({r["lead_unit"] for r in cases if "lead_unit" in r}):
        mine = counted(cases, day, unit)
        page = (office / "build" / "docs-internal" / "units" / f"{unit}.md").read_text(encoding="utf-8")
        assert number(r"主办 (\d+) 项", page) == mine["共"], unit
        assert number(r"在办 (\d+) 项", page) == mine["在办"], unit
        assert number(r"待审核 (\d+) 项", page) == mine["待审核"], unit
        assert number(r"已办结 (\d+) 项", page) == mine["已办结"], unit
    # The year's report: registered in the year up to the day, in both formats.
    year = day[:4]
    report = json.loads(invoke(office, "report", "--period", year, "--as-of", day, "--format", "json").output)
    registered = sum(1 for r in cases if r["registered"].startswith(year) and r["registered"] <= day)
    returned = sum(1 for r in cases for v in r.get("reviews", []) if v["date"].startswith(year) and v["date"] <= day
                   and v["result"] == "退回")
    assert (report["totals"]["新立项"], report["totals"]["退回重办"]) == (registered, returned)
    markdown = invoke(office, "report", "--period", year, "--as-of", day).output
    assert f"| 新立项 | {registered} |" in markdown and f"| 退回重办 | {returned} |" in markdown
    assert f"本期新立项 {registered} 项" in markdown


def closed_on(record: dict[str, Any], day: str) -> str | None:
    """The day a closed record passed its last review (its closure), from the YAML alone."""
    if where(record, day) != "已办结":
        return None
    return str([r for r in record["reviews"] if r["date"] <= day][-1]["date"])


#: Days on which the scores are reconciled in the default run; the rest of DAYS in the slow one.
SCORE_DAYS = ["2026-11-23"]


@pytest.mark.parametrize("day", [*SCORE_DAYS, *(pytest.param(d, marks=pytest.mark.slow) for d in DAYS if d not in SCORE_DAYS)])
def test_scores_count_as_the_unit_pages_status_and_report_do(day: str, office: Path, invoke: Invoke) -> None:
    """Each unit's 考核 counts for the year: closures and returns counted here from the YAML, on time or late as
    `status` lights them, red as `status` says, the same as the 通报's unit row and the unit page's score line;
    and the score's own lines for the lead unit are those closures and returns."""
    year = day[:4]
    cases = records(office)
    scores = {u["unit"]: u for u in json.loads(invoke(office, "score", "--period", year, "--as-of", day, "--format", "json").output)}
    report = {row["unit"]: row for row in json.loads(invoke(office, "report", "--period", year, "--as-of", day,
                                                            "--format", "json").output)["units"]}
    lights = {row["id"]: row["light"] for row in json.loads(invoke(office, "status", "--as-of", day, "--format", "json").output)}
    assert invoke(office, "pages", "--as-of", day).exit_code == 0
    for unit, score in scores.items():
        mine = [r for r in cases if r.get("lead_unit") == unit and r["registered"] <= day]
        closed = [r["id"] for r in mine if (closed_on(r, day) or "").startswith(year) and lights[r["id"]] != "none"]
        returned = sum(1 for r in mine for v in r.get("reviews", []) if v["date"].startswith(year) and v["date"] <= day
                       and v["result"] == "退回")
        counts = score["counts"]
        assert counts == {"closed_on_time": sum(lights[c] == "done" for c in closed), "closed_late": sum(lights[c] == "late" for c in closed),
                          "overdue_open": sum(lights[r["id"]] == "red" for r in mine), "returned": returned}, unit
        row = report[unit]
        assert (row["on_time"], row["late"], row["overdue_open"]) == (counts["closed_on_time"], counts["closed_late"],
                                                                     counts["overdue_open"]), unit
        lead = Counter(item["rule"] for item in score["items"] if item["role"] == "主办")
        assert (lead["closed_on_time"], lead["closed_late"], lead["returned"]) == (
            counts["closed_on_time"], counts["closed_late"], counts["returned"]), unit
        page = (office / "build" / "docs-internal" / "units" / f"{unit}.md").read_text(encoding="utf-8")
        assert f"考核得分 <strong>{score['score']}</strong>，第 {score['rank']} 名" in page, unit
        assert (f"本期主办事项按期办结 {counts['closed_on_time']} 项、超期办结 {counts['closed_late']} 项" in page
                and f"超期未办结 {counts['overdue_open']} 项，退回重办 {counts['returned']} 次" in page), unit
