"""Due dates, extensions and lights, on worked examples across the 2025–2026 holidays."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ducha.load.office import load_office
from ducha.model.case import Case, Source, Stage
from ducha.model.logs import Extension, Report, Review
from ducha.model.office import Office
from ducha.model.timelimit import parse_time_limit
from ducha.rules.deadlines import Light, deadline, schedule

from .conftest import EXAMPLES

OFFICE = load_office(EXAMPLES)
D = dt.date.fromisoformat


def case(assigned: str | None = "2026-03-02", limit: str | None = "5个工作日", category: str = "领导批示",
         **facts: object) -> Case:
    return Case(id="DC-2026-0001", title="测试", category=category, registered=D("2026-01-05"),
                path="cases/2026/DC-2026-0001.yaml", assigned=D(assigned) if assigned else None,
                lead_unit="市住建局", time_limit=parse_time_limit(limit) if limit else None, **facts)  # type: ignore[arg-type]


def due(c: Case, office: Office = OFFICE) -> str:
    plan = schedule(c, office)
    assert plan is not None
    return plan.due.date.isoformat()


@pytest.mark.parametrize(("assigned", "limit", "expected"), [
    ("2026-02-12", "5个工作日", "2026-02-26"),   # across Spring Festival 2026
    ("2026-10-03", "5个工作日", "2026-10-13"),   # assigned on a National Day holiday
    ("2026-02-14", "2个工作日", "2026-02-25"),   # assigned on a make-up Saturday
    ("2026-09-28", "30日", "2026-10-28"),        # 30 calendar days, lands on a working day
    ("2026-09-01", "30日", "2026-10-08"),        # 10月1日 is a holiday: next working day
    ("2026-01-31", "1个月", "2026-02-28"),       # no 31st in February: month's last day (a Saturday make-up day)
    ("2026-03-31", "2个月", "2026-06-01"),       # 5月31日 is a Sunday: next working day
    ("2025-12-31", "1日", "2026-01-04"),         # across the year and New Year holiday to the make-up Sunday
    ("2026-03-02", "2026-03-20", "2026-03-20"),  # an explicit date is the due date as written
])
def test_due_dates(assigned: str, limit: str, expected: str) -> None:
    assert due(case(assigned, limit)) == expected


def test_category_default_applies_when_no_limit_is_written() -> None:
    assert due(case("2026-03-02", None, category="人大代表建议")) == "2026-06-02"


def test_no_due_date_before_assignment() -> None:
    status = deadline(case(None, "5个工作日"), OFFICE, D("2026-03-05"))
    assert (status.due, status.light, status.stage) == (None, Light.NONE, Stage.REGISTERED)


def test_extension_counts_only_once_approved() -> None:
    pending = Extension(requested=D("2026-03-05"), reason="复杂", until=D("2026-03-31"))
    approved = Extension(requested=D("2026-03-05"), reason="复杂", approved=D("2026-03-06"),
                         approved_by="林静", until=D("2026-03-31"))
    assert due(case(extensions=(pending,))) == "2026-03-09"
    assert due(case(extensions=(approved,))) == "2026-03-31"
    # Before the approval day, the extension does not count yet.
    assert deadline(case(extensions=(approved,)), OFFICE, D("2026-03-05")).due == D("2026-03-09")


def test_extension_time_limit_counts_from_the_due_date_it_extends() -> None:
    first = Extension(D("2026-03-05"), "一", D("2026-03-05"), "林静", time_limit=parse_time_limit("5个工作日"))
    second = Extension(D("2026-03-12"), "二", D("2026-03-12"), "林静", time_limit=parse_time_limit("1个月"))
    # 3月9日 + 5个工作日 = 3月16日; + 1个月 = 4月16日.
    assert due(case(extensions=(first,))) == "2026-03-16"
    assert due(case(extensions=(first, second))) == "2026-04-16"


REPORT = Report(D("2026-03-06"), "测建〔2026〕1号", "吴永强", "完成")
LATE_REPORT = Report(D("2026-03-11"), "测建〔2026〕2号", "吴永强", "完成")
PASS = Review(D("2026-03-12"), "王晓峰", "通过")
RETURN = Review(D("2026-03-12"), "王晓峰", "退回", "补充")


@pytest.mark.parametrize(("today", "facts", "light", "left", "overdue", "stage"), [
    ("2026-03-03", {}, Light.GREEN, 4, 0, Stage.IN_PROGRESS),
    ("2026-03-04", {}, Light.YELLOW, 3, 0, Stage.IN_PROGRESS),       # K = 3 working days left
    ("2026-03-09", {}, Light.YELLOW, 0, 0, Stage.IN_PROGRESS),       # 0 remain on the due date itself
    ("2026-03-10", {}, Light.RED, None, 1, Stage.IN_PROGRESS),
    ("2026-03-14", {}, Light.RED, None, 5, Stage.IN_PROGRESS),       # calendar days overdue
    ("2026-03-07", {"reports": (REPORT,)}, Light.DONE, None, 0, Stage.PENDING_REVIEW),
    ("2026-03-12", {"reports": (REPORT,), "reviews": (PASS,)}, Light.DONE, None, 0, Stage.CLOSED),
    ("2026-03-12", {"reports": (LATE_REPORT,), "reviews": (PASS,)}, Light.LATE, None, 2, Stage.CLOSED),
    # Returned after the due date: overdue again until a new report comes in.
    ("2026-03-13", {"reports": (REPORT,), "reviews": (RETURN,)}, Light.RED, None, 4, Stage.RETURNED),
    # Facts dated after `today` are not known yet.
    ("2026-03-05", {"reports": (REPORT,), "reviews": (PASS,)}, Light.YELLOW, 2, 0, Stage.IN_PROGRESS),
])
def test_lights(today: str, facts: dict[str, Any], light: Light, left: int | None, overdue: int,
                stage: Stage) -> None:
    status = deadline(case(**facts), OFFICE, D(today))
    assert (status.light, status.working_days_left, status.days_overdue, status.stage) == (light, left, overdue, stage)


def test_returned_then_reported_again_is_judged_on_the_new_report() -> None:
    second = Report(D("2026-03-13"), "测建〔2026〕3号", "吴永强", "补充")
    status = deadline(case(reports=(REPORT, second), reviews=(RETURN,)), OFFICE, D("2026-03-16"))
    assert (status.stage, status.light, status.days_overdue) == (Stage.PENDING_REVIEW, Light.LATE, 4)


def test_provisional_due_date_in_an_unknown_year() -> None:
    status = deadline(case("2026-12-28", "5个工作日"), OFFICE, D("2026-12-29"))
    assert (status.due, status.provisional, status.light) == (D("2027-01-04"), True, Light.GREEN)
    assert status.as_json()["provisional"] is True


def test_provisional_is_cleared_by_an_office_override(tmp_path: Path) -> None:
    (tmp_path / "office.yaml").write_text(
        (EXAMPLES / "office.yaml").read_text(encoding="utf-8")
        + 'holiday_overrides:\n  "2027":\n    holidays: [2027-01-01]\n', encoding="utf-8")
    office = load_office(tmp_path)
    status = deadline(case("2026-12-28", "5个工作日"), office, D("2026-12-29"))
    assert (status.due, status.provisional) == (D("2027-01-05"), False)


def test_json_shape_is_the_contract() -> None:
    status = deadline(case(), OFFICE, D("2026-03-04"))
    data = status.as_json()
    assert {k: data[k] for k in ("id", "stage", "due", "light", "working_days_left", "days_overdue", "provisional")} == {
        "id": "DC-2026-0001", "stage": "in_progress", "due": "2026-03-09", "light": "yellow",
        "working_days_left": 3, "days_overdue": 0, "provisional": False}


REGIMES = """
  上级交办:
    time_limit: 30个工作日
    levels:
      中央批办:
        time_limit: 2个月
        max_extension: 2个月
  信访督办:
    custom: 是
    time_limit: 15个工作日
"""


def test_two_regimes_of_one_category_and_an_offices_own_category(tmp_path: Path) -> None:
    """上级交办 counts 30 working days (国办 2008); a 中央批办 within it two months (中办 1999 §七).

    Assigned 2026-03-02: 30 working days are 3-03…4-14 (清明 4-4…4-6 off) → 2026-04-14; two months → Sat 2026-05-02,
    inside 劳动节 (5-1…5-5 off) → Wed 2026-05-06. 信访督办, the office's own, 15 working days → 2026-03-23.
    """
    text = (EXAMPLES / "office.yaml").read_text(encoding="utf-8")
    old = "  上级交办:\n    time_limit: 30个工作日\n    max_extension: 2个月\n"
    assert old in text
    (tmp_path / "office.yaml").write_text(text.replace(old, REGIMES.lstrip("\n"), 1), encoding="utf-8")
    office = load_office(tmp_path)
    plain = case(limit=None, category="上级交办")
    central = replace(plain, source=Source(level="中央批办"))
    own = case(limit=None, category="信访督办")
    assert (due(plain, office), due(central, office), due(own, office)) == ("2026-04-14", "2026-05-06", "2026-03-23")
    assert "信访督办" in office.category_names and office.category_names[:2] == ("重大决策部署", "重要会议")
    assert str(office.rule("上级交办", None, "中央批办").max_extension) == "2个月"
    assert office.rule("上级交办").max_extension is None
