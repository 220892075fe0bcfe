"""Every unit name anywhere in a record is checked against office.yaml's list, the same way.

A hypothesis test writes records of every kind with generated names in every unit-name field
(registered short names, full names, near names, unknown names) and runs the whole validation
over them: each name office.yaml does not register is reported at its own field, with the
registered name it most likely meant, and no registered name is.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ducha.load.validate import validate_repository
from ducha.rules.units import ITEMS, unit_places

from .conftest import EXAMPLES, Invoke

#: The examples' office.yaml registers these (short name → full name).
REGISTERED = {"市住建局": "测试市住房和城乡建设局", "市教育局": "测试市教育局", "市财政局": "测试市财政局"}
#: Names staff write for them, and names of units that are not registered at all.
SLIPS = ["住建局", "测试市教育局", "市财政", "教育局", "市文旅局", "市规划局"]
#: Every unit-name field of every record kind, written out by hand: the schema must agree (below).
UNIT_FIELDS = {
    "case": ["lead_unit", "co_units[]", "receipts[].unit", "progress[].by"],
    "notice": ["praised[].unit", "criticised[].unit"],
    "measure": ["unit"],
    "bulletin": [],
}
TODAY = dt.date(2026, 11, 23)


def _fields(places: Any, prefix: str = "") -> list[str]:
    if places is None:
        return []
    _, children = places
    if children is None:
        return [prefix]
    found = []
    for key, child in children.items():
        found += _fields(child, f"{prefix}[]" if key == ITEMS else f"{prefix}.{key}" if prefix else str(key))
    return found


def test_the_schemas_name_every_unit_field() -> None:
    """A field holding a unit name uses the schemas' ``unit`` definition; the list above is the one the test fills."""
    assert {kind: _fields(unit_places(kind)) for kind in UNIT_FIELDS} == UNIT_FIELDS


names = st.sampled_from([*REGISTERED, *SLIPS])


@st.composite
def records(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """A case, a 通报 and a 督查问责 record, each valid but for the unit names drawn into every unit field."""
    lead = draw(names)
    co = draw(st.lists(names.filter(lambda n: n != lead), max_size=2, unique=True))
    case = {
        "id": "DC-2026-0001", "title": "燃气安全隐患排查", "category": "上级交办", "registered": "2026-03-02",
        "assigned": "2026-03-02", "lead_unit": lead, "co_units": co, "owner": "孙立新", "requirements": "全面排查。",
        "receipts": [{"date": "2026-03-03", "unit": draw(names), "by": "李明"}],
        "progress": [{"date": "2026-03-04", "by": name, "summary": "已排查。"}
                     for name in draw(st.lists(names, min_size=1, max_size=2))],
    }
    if not co:
        del case["co_units"]
    notice = {"number": "1", "doc_no": "测督查〔2026〕1号", "date": "2026-04-01", "period": "2026-03", "data_commit": "0" * 40,
              "praised": [{"unit": draw(names), "reason": "按期办结。", "cases": ["DC-2026-0001"]}],
              "criticised": [{"unit": draw(names), "reason": "超期未办结。", "cases": ["DC-2026-0001"]}]}
    measure = {"number": "1", "kind": "约谈", "date": "2026-04-02", "unit": draw(names), "cases": ["DC-2026-0001"],
               "reason": "超期未办结。", "by": "督查室主任 周敏"}
    return {"cases/2026/DC-2026-0001.yaml": case, "notices/2026/2026-001.yaml": notice,
            "accountability/2026/2026-001.yaml": measure}


def _unit_values(data: dict[str, Any]) -> dict[str, str]:
    """The field → name of every unit name in one record, found by hand from the fields listed above."""
    found: dict[str, str] = {}
    for key in ("lead_unit", "unit"):
        if key in data:
            found[key] = data[key]
    for index, name in enumerate(data.get("co_units", [])):
        found[f"co_units[{index}]"] = name
    for log, field in (("receipts", "unit"), ("progress", "by"), ("praised", "unit"), ("criticised", "unit")):
        for index, entry in enumerate(data.get(log, [])):
            found[f"{log}[{index}].{field}"] = entry[field]
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_every_unit_name_in_every_record_kind_is_checked(files: dict[str, dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copy(EXAMPLES / "office.yaml", root / "office.yaml")
        for path, data in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        problems = validate_repository(root, TODAY).problems
    unregistered = {(p.file, p.field) for p in problems if "未在 office.yaml 中登记" in p.message}
    expected = {(path, field) for path, data in files.items() for field, name in _unit_values(data).items()
                if name not in REGISTERED}
    assert unregistered == expected, problems
    near = {"住建局": "市住建局", "测试市教育局": "市教育局", "市财政": "市财政局", "教育局": "市教育局"}
    for problem in problems:
        name = problem.message.partition("「")[2].partition("」")[0]
        if "未在 office.yaml 中登记" in problem.message and name in near:
            assert f"「{near[name]}」" in problem.fix, problem


def test_a_progress_report_by_an_unregistered_name_is_refused_like_the_lead_unit(tmp_path: Path, invoke: Invoke) -> None:
    """The issue's own example: ``progress[].by: 住建局`` passed while ``lead_unit: 住建局`` did not."""
    shutil.copy(EXAMPLES / "office.yaml", tmp_path / "office.yaml")
    (tmp_path / "cases" / "2026").mkdir(parents=True)
    (tmp_path / "cases/2026/DC-2026-0001.yaml").write_text(
        "id: DC-2026-0001\ntitle: 燃气安全隐患排查\ncategory: 上级交办\nregistered: 2026-03-02\nassigned: 2026-03-02\n"
        "lead_unit: 住建局\nowner: 孙立新\nrequirements: 全面排查。\nprogress:\n  - date: 2026-03-04\n    by: 住建局\n"
        "    summary: 已排查。\n  - date: 2026-03-05\n    by: 市规划局\n    summary: 已复查。\n", encoding="utf-8")
    result = invoke(tmp_path, "validate", "--today", "2026-11-23")
    assert result.output.splitlines()[:3] == [
        ("cases/2026/DC-2026-0001.yaml:6:12: [lead_unit] 主办单位「住建局」未在 office.yaml 中登记。"
        " 修改：是不是「市住建局」？写成登记的简称「市住建局」；确是新单位的，先在 office.yaml 的 units 中登记。"),
        ("cases/2026/DC-2026-0001.yaml:11:9: [progress[0].by] 报告单位「住建局」未在 office.yaml 中登记。"
        " 修改：是不是「市住建局」？写成登记的简称「市住建局」；确是新单位的，先在 office.yaml 的 units 中登记。"),
        ("cases/2026/DC-2026-0001.yaml:14:9: [progress[1].by] 报告单位「市规划局」未在 office.yaml 中登记。"
        " 修改：改为已登记的单位简称（市住建局、市教育局、市财政局），或先在 office.yaml 的 units 中登记。")]
