"""Escalation scenarios (tests/escalation/scenarios.yaml): records and issued notices in, proposals and tallies out.

The expected outcomes are written by hand in the scenario file, with the working days counted
in its comments; the test only builds each office and reads what ``ducha report`` proposes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import EXAMPLES, TESTS, Invoke

SCENARIOS: list[dict[str, Any]] = yaml.load((TESTS / "escalation" / "scenarios.yaml").read_text(encoding="utf-8"),
                                             Loader=yaml.BaseLoader)


def _case(case_id: str, facts: dict[str, Any]) -> str:
    lines = [f"id: {case_id}", f"title: 事项{case_id[-1]}", "category: 领导批示", "registered: 2025-11-03",
             "assigned: 2025-11-03", "lead_unit: 市住建局", "owner: 孙立新", "requirements: 按批示要求办理。"]
    if facts.get("progress"):
        lines += ["progress:"] + [f"  - date: {day}\n    summary: 已推进。" for day in facts["progress"]]
    if facts.get("urges"):
        lines += ["urges:"] + [f"  - date: {day}\n    method: {method}" for day, method in facts["urges"]]
    return "\n".join(lines) + "\n"


def _notice(notice: dict[str, Any]) -> str:
    lines = [f'number: "{notice["number"]}"', f"doc_no: 测督查〔2025〕{notice['number']}号", f"date: {notice['date']}",
             f"period: {notice['period']}", "data_commit: 0000000", "praised: []", "criticised:"]
    for unit, grounds in notice["criticised"].items():
        cases = sorted({case for case, _ in grounds})
        lines += [f"  - unit: {unit}", "    reason: 见逐项依据", f"    cases: [{', '.join(cases)}]", "    grounds:"]
        lines += [f"      - {{case: {case}, cause: {cause}}}" for case, cause in grounds]
    return "\n".join(lines) + "\n"


def office(root: Path, scenario: dict[str, Any]) -> Path:
    rules = "".join(f"  {key}: {value}\n" for key, value in scenario.get("office", {}).items())
    (root / "office.yaml").write_text((EXAMPLES / "office.yaml").read_text(encoding="utf-8")
                                      + f"notice_rules:\n  issuer: 测督查\n{rules}", encoding="utf-8")
    for case_id, facts in scenario["cases"].items():
        path = root / "cases" / "2025" / f"{case_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_case(case_id, facts), encoding="utf-8")
    for notice in scenario.get("notices", []):
        path = root / "notices" / "2025" / f"2025-{int(notice['number']):03d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_notice(notice), encoding="utf-8")
    return root


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if "report" in s], ids=lambda s: s["name"])
def test_proposals_and_tallies(scenario: dict[str, Any], tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, scenario)
    asked = scenario["report"]
    result = invoke(root, "report", "--period", asked["period"], "--as-of", asked["today"], "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    proposed = {m["unit"]: [[g["case"], g["cause"]] for g in m["grounds"]] for m in report["criticism"]}
    assert proposed == scenario["criticised"]
    for unit, reason in scenario.get("reasons", {}).items():
        assert next(m for m in report["criticism"] if m["unit"] == unit)["reason"] == reason
    assert all("督促检查工作实施办法 第十六条（二）" in m["basis"] or "本室规则" in m["basis"] for m in report["criticism"])
    assert not [m["basis"] for m in report["criticism"] + report["praise"] if "office.yaml" in m["basis"] or "_" in m["basis"]]
    tally = {row["unit"]: int(row["criticised_this_year"]) for row in report["units"] if row["criticised_this_year"]}
    assert tally == {unit: int(count) for unit, count in scenario["tally"].items()}
    if "next" in scenario:
        markdown = invoke(root, "report", "--period", asked["period"], "--as-of", asked["today"]).output
        count, outcome = scenario["next"]
        assert f"如本通报印发，为本年度第{count}次通报批评，按规定{outcome}。" in markdown


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if "issue" in s], ids=lambda s: s["name"])
def test_issuing_refuses(scenario: dict[str, Any], tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, scenario)
    asked = scenario["issue"]
    before = sorted(p.name for p in (root / "notices" / "2025").iterdir())
    result = invoke(root, "report", "--period", asked["period"], "--as-of", asked["today"], "--issue",
                    "--number", asked["number"])
    assert result.exit_code == 2
    assert result.output == f"错误：{scenario['refused']}修改：选择紧接其后的周，或改发其他类别的通报。\n"
    assert sorted(p.name for p in (root / "notices" / "2025").iterdir()) == before


def test_every_rule_is_cited_in_words_with_the_office_figure() -> None:
    """The 通报 draft goes to leaders: 「依据：office.yaml notice_rules.criticise_overdue_workdays」 told them nothing."""
    from ducha.model.office import NoticeRules
    from ducha.rules.escalation import ORDER_DEADLINE_RULE, ORDER_RULE, OVERDUE_RULE, PRAISE_RULE, RETURNS_RULE

    rules = NoticeRules(praise_min_items=3, criticise_after_order_workdays=5, criticise_overdue_workdays=20,
                        criticise_returns=2)
    assert [rule.basis(rules) for rule in (ORDER_RULE, ORDER_DEADLINE_RULE, OVERDUE_RULE, RETURNS_RULE, PRAISE_RULE)] == [
        "督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评（本室以下达后5个工作日为限）",
        "督办令所定限期；督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评",
        "本室规则：超期超过20个工作日仍未办结的，通报批评",
        "本室规则：办理报告被退回2次及以上的，通报批评",
        "本室规则：本期主办事项办结3项及以上，全部按期且无超期未办结的，通报表扬（通报表扬见中办 2012 年意见（八））",
    ]
