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
    if facts.get("reviews"):  # [report date, review date, 通过|退回, (是: 弄虚作假)]
        lines += ["reports:"] + [f"  - date: {r[0]}\n    doc_no: 测建〔2025〕{n}号\n    signer: 吴永强\n    summary: 已办结。"
                                 for n, r in enumerate(facts["reviews"], 1)]
        lines += ["reviews:"] + [f"  - date: {r[1]}\n    reviewer: 王晓峰\n    result: {r[2]}"
                                 + ("\n    opinion: 与实际不符。" if r[2] == "退回" else "")
                                 + (f"\n    falsified: {r[3]}" if len(r) > 3 else "") for r in facts["reviews"]]
    return "\n".join(lines) + "\n"


def _measure(number: int, measure: dict[str, Any]) -> str:
    lines = [f'number: "{number}"', f"kind: {measure['kind']}", f"date: {measure['date']}",
             f"unit: {measure.get('unit', '市住建局')}", f"cases: [{measure.get('case', 'DC-2025-0001')}]", "reason: 见通报。",
             "by: 市政府"]
    if "notice" in measure:
        lines.append(f"notice: 测督查〔2025〕{measure['notice']}号")
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
    for number, measure in enumerate(scenario.get("measures", []), start=1):
        path = root / "accountability" / "2025" / f"2025-{number:03d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_measure(number, measure), encoding="utf-8")
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
    owed: dict[str, list[list[str]]] = {}
    for o in report["owed"]:
        owed.setdefault(o["unit"], []).append([str(o["count"]), o["kind"], o["done"]])
    assert owed == scenario.get("owed", {})
    assert [m["unit"] for m in report["praise"]] == scenario.get("praised", [])
    assert [m["unit"] for m in report["withheld"]] == scenario.get("withheld", [])
    accountability = {m["unit"]: [[g["case"], g["cause"]] for g in m["grounds"]] for m in report["accountability"]}
    assert accountability == scenario.get("accountability", {})
    for unit, reason in scenario.get("accountability_reasons", {}).items():
        assert next(m for m in report["accountability"] if m["unit"] == unit)["reason"] == reason
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
    """The 通报 draft goes to leaders: 「依据：office.yaml notice_rules.criticise_overdue_workdays；本室规则」 told them nothing."""
    from ducha.model.office import NoticeRules
    from ducha.rules.registry import ORDER_DEADLINE, ORDER_NO_PROGRESS, OVERDUE, PRAISE, RETURNS, UNREPORTED, cited

    rules = NoticeRules(praise_min_items=3, criticise_after_order_workdays=5, criticise_overdue_workdays=20,
                        criticise_returns=2)
    assert [cited(rule, rules) for rule in (ORDER_NO_PROGRESS, ORDER_DEADLINE, OVERDUE, RETURNS, PRAISE, UNREPORTED)] == [
        "督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评（本室以下达后5个工作日为限）",
        "督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评",
        "本室规则：超期超过20个工作日仍未办结的，通报批评",
        "本室规则：同一事项办理报告被退回2次的，通报批评",
        "本室规则：本期主办事项不少于3项且全部按期办结、无超期未办结、本期未被批评的，通报表扬（通报表扬见中办 2012 年意见（八））",
        "中办 1999 年意见 七；督促检查工作实施办法 第十五条（一）",
    ]


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if "refused_record" in s], ids=lambda s: s["name"])
def test_records_refused(scenario: dict[str, Any], tmp_path: Path, invoke: Invoke) -> None:
    result = invoke(office(tmp_path, scenario), "validate", "--today", "2025-12-31")
    assert result.exit_code == 1
    assert scenario["refused_record"] in result.output
