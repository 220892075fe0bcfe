"""README's 规则一览 is the rules' registry (``ducha.rules.registry``), row for row; no rule lives in code outside it.

Three ways a rule could escape the table, each closed here: a row that differs from the registry; a ``Rule``
defined elsewhere in the package; a clause of a seed cited by the code (a message, a comment, a schema text)
that no registered rule cites. And each office.yaml key a rule names exists in office.yaml's schema.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import ducha
from ducha.rules.registry import RULES, Rule, rules_table
from ducha.schemas import load_schema

from .conftest import REPO
from .test_house import PACKAGE

#: A seed clause as the code cites it, normalised to (document, article): 实施办法 第十六条（二） and §十六 are one.
_NUM = "[一二三四五六七八九十]+"
CITATIONS = {
    "实施办法": re.compile(rf"(?:实施办法|004)\s*(?:第|§)\s*({_NUM})"),
    "中办 1999": re.compile(rf"(?:中办\s*1999|1999\s*中办)(?:\s*年意见)?\s*(?:§|第)?\s*({_NUM})"),
    "中办 2012": re.compile(rf"(?:中办\s*2012|2012\s*中办)(?:\s*年意见)?\s*§?\s*（({_NUM})）"),
    "国办 2008": re.compile(rf"(?:国办\s*2008|2008\s*国办)(?:\s*年意见)?\s*§?\s*（({_NUM})）"),
    "国办 2014": re.compile(rf"(?:国办发〔2014〕42号|国办\s*2014)\s*({_NUM})"),
}


def cited(text: str) -> set[tuple[str, str]]:
    return {(document, match.group(1)) for document, pattern in CITATIONS.items() for match in pattern.finditer(text)}


def test_readme_table_is_the_registry() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("| 编号 | 规则 | 依据 | office.yaml |")
    table = readme[start:readme.index("\n\n", start) + 1]
    assert table == rules_table()


def test_rule_ids_are_unique_and_every_rule_says_where_it_comes_from() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.text and r.clause for r in RULES)


def test_no_rule_is_defined_outside_the_registry() -> None:
    elsewhere = []
    for module in pkgutil.walk_packages(ducha.__path__, "ducha."):
        if module.name.startswith("ducha.cli") or module.name == "ducha.rules.registry":
            continue
        loaded = importlib.import_module(module.name)
        elsewhere += [f"{module.name}.{name}" for name, value in vars(loaded).items()
                      if isinstance(value, Rule) and value not in RULES]
    assert elsewhere == []


def test_every_seed_clause_the_code_cites_is_in_the_table() -> None:
    registered = set().union(*(cited(r.clause) for r in RULES))
    unregistered: dict[tuple[str, str], str] = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and path.name != "registry.py":
            for clause in cited(path.read_text(encoding="utf-8")) - registered:
                unregistered.setdefault(clause, path.relative_to(PACKAGE).as_posix())
    assert unregistered == {}


def _resolves(schema: dict[str, Any], key: str) -> bool:
    node: dict[str, Any] = schema
    for part in key.split("."):
        properties = node.get("properties", {})
        if part in properties:
            node = properties[part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return False
    return True


def test_every_office_yaml_key_a_rule_names_exists() -> None:
    schema = load_schema("office")
    missing = [f"{r.id}: {key}" for r in RULES for key in r.keys if not _resolves(schema, key)]
    assert missing == []


def test_the_table_tells_the_office_own_rules_from_the_seeds() -> None:
    """Each number the seeds do not set is labelled 本室规则 (issue 24): receipt, intervals, the default time limits
    of the office's own, the grace after a 督办令, the 督查专报 quota."""
    own = {r.id for r in RULES if r.own}
    assert {"承办.签收", "回访.回头看", "时限.本室默认", "通报.督办令无进展", "专报.年度任务", "承办.随时报告",
            "承办.续报", "督办.黄灯", "时限.上级交办"} <= own
    assert not any(r.own for r in RULES if r.id in {"时限.领导批示", "时限.国务院批示", "时限.中央批办", "延期.提前申请"})
