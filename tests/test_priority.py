"""优先级 (急/重点): its own yellow threshold, first within its light; 回头看 only for the items that need one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import MappingProxyType

from ducha.load.office import load_office
from ducha.model.case import Case
from ducha.model.logs import Report, Review
from ducha.model.office import FollowupScope, PriorityRule
from ducha.rules.deadlines import Light, deadline, status_board

from .conftest import EXAMPLES

D = dt.date.fromisoformat
OFFICE = dataclasses.replace(
    load_office(EXAMPLES), followup_after_days=90,
    priorities=MappingProxyType({"急": PriorityRule(yellow_days=4, followup_after_days=30), "重点": PriorityRule(10, 60)}),
    followup_for=FollowupScope(frozenset({"领导批示"}), frozenset({"急", "重点"})))


def case(case_id: str = "DC-2026-0001", priority: str = "", category: str = "领导批示", assigned: str = "2026-03-02",
         **facts: object) -> Case:
    return Case(id=case_id, title="测试", category=category, registered=D("2026-03-02"), path=f"cases/2026/{case_id}.yaml",
                priority=priority, assigned=D(assigned), lead_unit="市住建局", owner="孙立新", requirements="排查",
                **facts)  # type: ignore[arg-type]


def test_each_priority_has_its_own_yellow_threshold() -> None:
    # 领导批示 5个工作日 from Monday 3月2日 → 3月9日; on 3月3日 four working days remain (4, 5, 6, 9).
    assert deadline(case(), OFFICE, D("2026-03-03")).light is Light.GREEN  # office threshold 3
    assert deadline(case(priority="急"), OFFICE, D("2026-03-03")).light is Light.YELLOW  # its own threshold 4
    assert deadline(case(priority="重点"), OFFICE, D("2026-03-03")).as_json()["priority"] == "重点"


def test_within_a_light_the_urgent_come_first() -> None:
    board = status_board(OFFICE, [
        case("DC-2026-0001", assigned="2026-02-02"),                  # red, long overdue
        case("DC-2026-0002", priority="重点", assigned="2026-02-24"),  # red, less overdue
        case("DC-2026-0003", priority="急", assigned="2026-02-25"),    # red, least overdue
        case("DC-2026-0004", assigned="2026-03-10"),                  # due 3月17日: 4 days left, green
        case("DC-2026-0005", priority="急", assigned="2026-03-11"),    # due 3月18日: 5 left, green even for 急
    ], D("2026-03-11"))
    assert [(s.case.id, s.light) for s in board] == [
        ("DC-2026-0003", Light.RED), ("DC-2026-0002", Light.RED), ("DC-2026-0001", Light.RED),
        ("DC-2026-0005", Light.GREEN), ("DC-2026-0004", Light.GREEN)]


def test_followup_only_for_items_that_need_one() -> None:
    closed = {"reports": (Report(D("2026-03-06"), "测建〔2026〕1号", "吴永强", "完成"),),
              "reviews": (Review(D("2026-03-09"), "王晓峰", "通过"),)}

    def due(on: str, **facts: object) -> bool:
        return deadline(case(**{**closed, **facts}), OFFICE, D(on)).followup_due  # type: ignore[arg-type]

    # 领导批示 is in scope: 90 days after 3月9日 is 6月7日.
    assert (due("2026-06-07"), due("2026-06-08")) == (False, True)
    # 其他交办 is not, unless its priority is: 重点 after 60 days (5月8日), 急 after 30 (4月8日).
    assert due("2026-12-31", category="其他交办") is False
    assert (due("2026-05-08", category="其他交办", priority="重点"), due("2026-05-09", category="其他交办", priority="重点")) \
        == (False, True)
    assert due("2026-04-09", category="其他交办", priority="急") is True


def test_a_key_item_reports_at_any_time() -> None:
    """实施办法 第九条「对领导特别关注的重要督查事项随时报告」: a 重点 item silent for more than a week is due a
    report even where the office asks ordinary items for none (7 days is 本室规则; office.yaml may set its own)."""
    from ducha.model.logs import Progress

    reported = {"progress": (Progress(D("2026-03-03"), "已部署排查"),)}

    def owes(on: str, office: object = OFFICE, **facts: object) -> bool:
        return deadline(case(**{**reported, **facts}), office, D(on)).progress_overdue  # type: ignore[arg-type]

    assert OFFICE.progress_interval_days is None
    assert (owes("2026-03-10", priority="重点"), owes("2026-03-11", priority="重点")) == (False, True)
    assert owes("2026-03-11") is False and owes("2026-03-11", priority="急") is False
    own = dataclasses.replace(OFFICE, progress_interval_days=30, priorities=MappingProxyType(
        {"重点": PriorityRule(progress_interval_days=3)}))
    assert (owes("2026-03-06", own, priority="重点"), owes("2026-03-07", own, priority="重点")) == (False, True)
    assert owes("2026-03-07", own) is False  # ordinary items keep the office's 30 days
