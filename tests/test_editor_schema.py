"""The editor sees the office's vocabulary: ``schema/`` carries its categories and unit names as choices.

What an editor does with a schema is done here the way a YAML editor does it: the file read as
YAML 1.2 reads it (dates are text), every JSON Schema error placed at the line of its value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator

from .conftest import Invoke

UNITS = ("--unit", "市住建局=测试市住房和城乡建设局", "--unit", "市教育局=测试市教育局")
CASE = """# yaml-language-server: $schema=../../schema/case.schema.json
id: DC-2026-0001
title: 燃气安全隐患排查
category: 领导交办
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 住建局
co_units: [市教育局, 市文旅局]
owner: 孙立新
requirements: 全面排查。
progress:
  - date: 2026-03-04
    by: 市住建局
    summary: 已排查。
"""


def editor_marks(schema_file: Path, text: str) -> list[tuple[int, str]]:
    """Each place an editor underlines in ``text`` under ``schema_file``: (line, the value's path)."""
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    data = yaml.load(text, Loader=yaml.BaseLoader)
    root = yaml.compose(text, Loader=yaml.BaseLoader)
    marks = []
    for error in Draft7Validator(schema).iter_errors(data):
        node: Any = root
        for part in error.absolute_path:
            node = node.value[part] if isinstance(part, int) else next(v for k, v in node.value if k.value == part)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        marks.append((node.start_mark.line + 1, where))
    return sorted(marks)


def office(tmp_path: Path, invoke: Invoke) -> Path:
    result = invoke(tmp_path, "init", "--name", "测试市人民政府督查室", "--prefix", "DC", "--fonds", "0371", *UNITS)
    assert result.exit_code == 0, result.output
    return tmp_path


def test_the_editor_flags_a_wrong_category_and_an_unknown_unit_at_their_lines(tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, invoke)
    assert editor_marks(root / "schema/case.schema.json", CASE) == [(4, "category"), (7, "lead_unit"), (8, "co_units[1]")]
    # The standard schema, for tools that want the generic contract, knows no office's names.
    assert editor_marks(root / "schema/standard/case.schema.json", CASE) == []
    fixed = CASE.replace("领导交办", "领导批示").replace("lead_unit: 住建局", "lead_unit: 市住建局").replace(", 市文旅局", "")
    assert editor_marks(root / "schema/case.schema.json", fixed) == []


def test_the_choices_are_the_office_s_own(tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, invoke)
    case = json.loads((root / "schema/case.schema.json").read_text(encoding="utf-8"))
    assert case["definitions"]["unit"]["enum"] == ["市住建局", "市教育局"]
    assert "市住建局（测试市住房和城乡建设局）" in case["definitions"]["unit"]["description"]
    assert case["definitions"]["category"]["enum"] == [
        "重大决策部署", "重要会议", "重要文件", "领导批示", "上级交办", "年度重点工作", "调研交办", "人大代表建议", "政协提案", "其他交办"]
    for name in ("notice", "measure"):
        other = json.loads((root / f"schema/{name}.schema.json").read_text(encoding="utf-8"))
        assert other["definitions"]["unit"]["enum"] == ["市住建局", "市教育局"], name


def test_validate_keeps_schema_equal_to_office_yaml(tmp_path: Path, invoke: Invoke) -> None:
    root = office(tmp_path, invoke)
    assert invoke(root, "validate", "--today", "2026-11-23").exit_code == 0
    text = (root / "office.yaml").read_text(encoding="utf-8")
    (root / "office.yaml").write_text(text.replace("units:\n", "units:\n  - name: 市财政局\n    full_name: 测试市财政局\n"),
                                      encoding="utf-8")
    result = invoke(root, "validate", "--today", "2026-11-23")
    assert (result.exit_code, result.output.splitlines()[0]) == (1, (
        "schema/case.schema.json: schema/case.schema.json、schema/notice.schema.json、schema/measure.schema.json与 office.yaml 不一致："
        "编辑器会按过时的来源类型和单位名录提示（或没有文件可读）。 修改：运行 `ducha schema` 按 office.yaml 重写 schema/，"
        "与 office.yaml 的改动一并提交。"))
    assert invoke(root, "schema").output == ("已按 office.yaml 重写 schema/case.schema.json、schema/notice.schema.json、"
                                             "schema/measure.schema.json。请与 office.yaml 的改动一并提交。\n")
    assert invoke(root, "validate", "--today", "2026-11-23").exit_code == 0
    assert invoke(root, "schema").output == "schema/ 已与 office.yaml 一致，没有改动。\n"
