"""The Decap CMS configuration of the form page, generated from the case schema and office.yaml.

Nothing here is written by hand per field: every property of ``case.schema.json`` becomes a
form field in the schema's (= the files') order, labelled and explained by its Chinese title
and description; enums become choices, units the office's registered units, patterns the
schema's own regular expressions, and logs lists that cannot lose or reorder entries. A field
added to the schema appears in the form at the next build, so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ducha.model.case import CASES_DIR
from ducha.model.office import CmsSettings, Office

#: The name the page registers its own YAML format under (see static/ducha-format.js):
#: it keeps the file's text and key order, so a form edit diffs like a hand edit.
FORMAT = "ducha-yaml"
#: Fields written as prose: a multi-line box instead of a one-line input.
PROSE_FIELDS = frozenset({"requirements", "instruction", "summary", "opinion", "reason", "finding", "notes"})
#: Decap requires a media folder; the records take no uploads, so nothing is ever written there.
MEDIA_FOLDER = "cms-media"
_UNIT_REF = "#/definitions/unit"
#: The widget (static/ducha-admin.js) that shows a fact as text: a unit reads 事项名称, 主办单位 or 到期 but
#: does not change them (the guard would refuse it); what it adds are the logs, which the page puts first.
FACT_WIDGET = "ducha-fact"
#: Fields whose values office.yaml lists (the schema only says "a string"): offered as choices.
_OFFICE_CHOICES: Mapping[str, Callable[[Office], Sequence[str]]] = {"category": lambda office: office.category_names}


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """``node`` with its ``$ref`` (one level, as the case schema uses them) merged in; its own keys win."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return dict(node)
    target = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def _unit_options(office: Office) -> list[dict[str, str]]:
    return [{"label": unit.name if unit.full_name == unit.name else f"{unit.name}（{unit.full_name}）", "value": unit.name}
            for unit in office.units]


def _field(schema: Mapping[str, Any], office: Office, name: str, raw: Mapping[str, Any], required: bool) -> dict[str, Any]:
    node = _resolve(schema, raw)
    field: dict[str, Any] = {"name": name, "label": node.get("title", name), "required": required}
    description = str(node.get("description", ""))
    kind = node.get("type")
    is_unit = raw.get("$ref") == _UNIT_REF
    if kind == "object":
        # Decap checks an optional object's required fields even when the object is left empty:
        # there the schema's rule (all or nothing) is left to validation in CI.
        own = node.get("required", []) if required else []
        field.update(widget="object", collapsed=True, fields=[
            _field(schema, office, sub, spec, sub in own) for sub, spec in node.get("properties", {}).items()])
    elif kind == "array":
        items = node.get("items", {})
        if items.get("type") == "object":
            own = items.get("required", [])
            field.update(widget="list", allow_add=True, allow_remove=False, allow_reorder=False, collapsed=True,
                         fields=[_field(schema, office, sub, spec, sub in own)
                                 for sub, spec in items.get("properties", {}).items()])
            description += "已有记录只能查看，不能修改或删除；在末尾添加新记录。"
        elif items.get("$ref") == _UNIT_REF:
            field.update(widget="select", multiple=True, options=_unit_options(office))
        else:
            field.update(widget="list")
    elif "enum" in node:
        field.update(widget="select", options=list(node["enum"]))
    elif name in _OFFICE_CHOICES and kind == "string":
        field.update(widget="select", options=list(_OFFICE_CHOICES[name](office)))
    elif is_unit:
        field.update(widget="select", options=_unit_options(office))
    else:
        field["widget"] = "text" if name in PROSE_FIELDS else "string"
        if "pattern" in node:
            field["pattern"] = [node["pattern"], f"格式不对：{description or node.get('title', name)}"]
    if description:
        field["hint"] = description
    return field


def _is_log(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> bool:
    node = _resolve(schema, spec)
    return node.get("type") == "array" and node.get("items", {}).get("type") == "object"


def _fact(field: dict[str, Any]) -> dict[str, Any]:
    """A fact shown as text: its label, its sub-fields' labels (to name the parts of 来源 or 立项审批), no input."""
    shown: dict[str, Any] = {key: field[key] for key in ("name", "label", "hint") if key in field}
    if "fields" in field:
        shown["fields"] = [{"name": sub["name"], "label": sub["label"]} for sub in field["fields"]]
    return {**shown, "widget": FACT_WIDGET, "required": False}


def case_fields(schema: Mapping[str, Any], office: Office) -> list[dict[str, Any]]:
    """Every property of the case schema as a Decap field, in the schema's (= the files') order: the logs as
    lists a unit adds to, every other field a fact shown as text (the page shows the logs first)."""
    required = schema.get("required", [])
    fields = []
    for name, spec in schema["properties"].items():
        field = _field(schema, office, name, spec, name in required)
        fields.append(field if _is_log(schema, spec) else _fact(field))
    return fields


def _backend(cms: CmsSettings) -> dict[str, Any]:
    backend: dict[str, Any] = {
        "name": cms.backend, "repo": cms.repo, "base_url": cms.base_url.rstrip("/"), "api_root": cms.api,
        "app_id": cms.app_id, "branch": cms.commit_branch,
        "commit_messages": {
            "create": "表单：新建 {{slug}}", "update": "表单：填报 {{slug}}", "delete": "表单：删除 {{slug}}",
            "uploadMedia": "表单：上传 {{path}}", "deleteMedia": "表单：删除 {{path}}",
        },
    }
    return backend


def decap_config(office: Office, schema: Mapping[str, Any], years: Sequence[int],
                 local_backend: str | None = None) -> dict[str, Any]:
    """The whole ``config.yml`` of the form page.

    One collection per year folder (``cases/<year>/``), newest first. Entries can be neither
    created (a new case needs the next free id: ``ducha new``) nor deleted; ``local_backend``
    points the page at a ``decap-server`` on this machine instead of the platform.
    """
    if office.cms is None:
        raise ValueError("office.yaml has no cms section")
    config: dict[str, Any] = {
        "locale": "zh_Hans",
        "backend": _backend(office.cms),
        "media_folder": MEDIA_FOLDER,
        "show_preview_links": False,
        "collections": [{
            "name": f"cases-{year}", "label": f"{year}年督查事项", "label_singular": "督查事项",
            "folder": f"{CASES_DIR}/{year}", "extension": "yaml", "format": FORMAT,
            "create": False, "delete": False, "identifier_field": "id", "summary": "{{id}}　{{title}}",
            "sortable_fields": ["id", "title"], "editor": {"preview": False},
            "description": "办理进展、督办、延期、办理报告、审核、回访复核只能在末尾添加；已记录的内容不能修改或删除"
                           "（合并请求检查会拒绝）。新建事项由督查室用 ducha new 办理。",
            "fields": case_fields(schema, office),  # a list per collection: no YAML anchors in config.yml
        } for year in sorted(set(years), reverse=True)],
    }
    if office.cms.backend == "forgejo":
        config["publish_mode"] = "editorial_workflow"
    if local_backend is not None:
        config["local_backend"] = {"url": local_backend, "allowed_hosts": ["localhost", "127.0.0.1"]}
    return config
