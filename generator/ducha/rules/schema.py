"""Check plain data against the JSON Schemas in ``schema/`` and say what is wrong, in Chinese.

Valid files take the fast path (a compiled fastjsonschema validator); only a file
that fails is re-checked with ``jsonschema`` to collect every error with its path.
"""

from __future__ import annotations

import ast
import functools
import marshal
import re
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ducha.bytecode import cache_dir, store
from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path
from ducha.model.logs import LOG_KINDS
from ducha.model.timelimit import guess_date
from ducha.schemas import load_schema, schema_text

_TYPE_NAMES = {"string": "文字", "array": "列表（每项以 - 开头）", "object": "字段组（下一级缩进的 字段: 值）",
               "integer": "整数"}


def _inline_refs(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its definition.

    fastjsonschema compiles each ``$ref`` into a call that formats a name string per value;
    inlined, the valid path does no string work at all.
    """
    if isinstance(node, list):
        return [_inline_refs(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        merged = {**definitions[ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline_refs(merged, definitions)
    return {key: _inline_refs(value, definitions) for key, value in node.items() if key != "definitions"}


#: fastjsonschema defines its uniqueItems helper inside the validator, so each call makes a new
#: function that refers to itself: a reference cycle per record checked, left for the garbage
#: collector. Defined once at module level instead, it is neither rebuilt nor a cycle.
_UNIQUE_HELPER = re.compile(r"^[ ]*(def fn\(var\): return .*)$", re.M)
#: Where an error message names a list item, the generated code fills it in from a copy of all
#: its local variables. It also does so for every ``if`` of an ``if``/``then`` that does not hold
#: (a review that passed), raised and caught on the valid path. Its messages are never shown (a
#: file that fails is checked again by jsonschema), so the names are left unfilled.
_ITEM_NAME = ".format(**locals())"
#: The generated code takes its exceptions from the fastjsonschema package; given ``_Invalid`` in their
#: place, a one-file check that hits the cache never loads the package (its import costs more than the check).
_EXCEPTIONS_IMPORT = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException\n"
#: Bumped whenever the generated code is rewritten differently, so that cached validators are not reused.
_REWRITE_VERSION = "4"


class _Invalid(ValueError):
    """What the compiled validator raises for a value that does not conform (fastjsonschema's own exceptions
    are ValueErrors too). Its message is never shown: a file that fails is checked again by jsonschema."""

    def __init__(self, message: str = "", *args: Any, **details: Any) -> None:
        super().__init__(message)


def _streamlined(source: str) -> str:
    """The generated validator with its uniqueItems helper defined once, at module level, and no
    list item named in its (unused) messages."""
    source = source.replace(_ITEM_NAME, "").replace(_EXCEPTIONS_IMPORT, "")
    helpers = set(_UNIQUE_HELPER.findall(source))
    if len(helpers) != 1:  # none (no uniqueItems) or an unexpected variant: leave it where it is
        return source
    return _UNIQUE_HELPER.sub("", source) + f"\n\n{helpers.pop()}\n"  # last: the schema's own function stays first


class _Patterns(dict[str, "re.Pattern[str]"]):
    """The schema's regular expressions by their text, each compiled when first used: a one-file check
    meets a few of them, and compiling them all costs more than the check."""

    def __init__(self, sources: dict[str, str]) -> None:
        super().__init__()
        self._sources = sources

    def __missing__(self, key: str) -> re.Pattern[str]:
        compiled = self[key] = re.compile(self._sources[key])
        return compiled


class _Lean(ast.NodeTransformer):
    """The generated validator cut to the yes or no the valid path needs (a file that fails is checked
    again by jsonschema): each ``raise`` raises the bare exception class, without the message, value and
    schema fragment fastjsonschema builds into it, which made most of the code to load; and its table of
    regular expressions compiles each one when first used."""

    def visit_Raise(self, node: ast.Raise) -> ast.Raise:
        if isinstance(node.exc, ast.Call):
            node.exc = node.exc.func
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        value = node.value
        if [getattr(target, "id", None) for target in node.targets] != ["REGEX_PATTERNS"] or not isinstance(value, ast.Dict):
            return node
        texts = [text for text in map(_compiled_text, value.values) if text is not None]
        if len(texts) < len(value.values):  # a pattern with flags: the table is left as generated
            return node
        node.value = ast.Call(func=ast.Name(id="_Patterns", ctx=ast.Load()), keywords=[],
                              args=[ast.Dict(keys=value.keys, values=texts)])
        return node


def _compiled_text(node: ast.expr) -> ast.expr | None:
    """``TEXT`` of ``re.compile(TEXT)`` (no flags), else None."""
    if (isinstance(node, ast.Call) and ast.unparse(node.func) == "re.compile" and not node.keywords
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0]
    return None


@functools.cache
def _fast_validator(name: str) -> Callable[[Any], Any]:
    """The compiled validator; its bytecode is cached per user, as compiling it costs more than a one-file check.

    An entry is used only for the very schema text it was compiled from, under the same fastjsonschema
    and Python versions, so a stale entry is never used. (The text is compared, not hashed: loading
    hashlib would cost a one-file check more than the comparison does.)
    """
    text = schema_text(name)
    tag = f"{name}-{zlib.crc32(text.encode()):08x}-{_generator_version()}-{sys.hexversion:x}-r{_REWRITE_VERSION}"
    folder = cache_dir()
    cached = folder / f"{tag}.validator" if folder is not None else None
    entry: tuple[str, str, Any] | None = None
    if cached is not None and cached.exists():
        try:
            entry = marshal.loads(cached.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            entry = None
        if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == text):
            entry = None
    if entry is None:
        import fastjsonschema  # only on a cache miss

        schema = load_schema(name)
        source = _streamlined(fastjsonschema.compile_to_code(_inline_refs(schema, schema.get("definitions", {}))))
        first = re.search(r"^def (\w+)\(", source, re.M)  # the schema's own function comes first
        assert first is not None
        lean = ast.fix_missing_locations(_Lean().visit(ast.parse(source)))
        entry = (text, first.group(1), compile(lean, f"<{name}.schema.json>", "exec"))
        if cached is not None:
            store(cached, marshal.dumps(entry))
    namespace: dict[str, Any] = {"JsonSchemaValueException": _Invalid, "JsonSchemaValuesException": _Invalid,
                                 "_Patterns": _Patterns}
    exec(entry[2], namespace)  # fastjsonschema's own code, generated from the package's schema
    validate: Callable[[Any], Any] = namespace[entry[1]]
    return validate


def _generator_version() -> str:
    """The installed fastjsonschema's version (its ``version.py``, read without importing the package)."""
    import importlib.util

    spec = importlib.util.find_spec("fastjsonschema")
    try:
        assert spec is not None and spec.origin is not None
        return f"{zlib.crc32(Path(spec.origin).with_name('version.py').read_bytes()):08x}"
    except (AssertionError, OSError):  # laid out otherwise: ask the package itself
        import fastjsonschema

        return str(fastjsonschema.VERSION)


@functools.cache
def _full_validator(name: str) -> Any:
    import jsonschema  # only files that fail need it, and it costs a tenth of a second to import

    return jsonschema.Draft7Validator(load_schema(name))


def _resolve(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        merged = dict(root["definitions"][ref.rsplit("/", 1)[1]])
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        return merged
    return schema


def subschema(name: str, path: PathKey) -> dict[str, Any]:
    """The schema that describes the value at ``path`` (titles and descriptions merged in)."""
    root = load_schema(name)
    schema = root
    for part in path:
        schema = _resolve(root, schema)
        if isinstance(part, int):
            schema = schema.get("items", {})
        else:
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            schema = props.get(part) or (extra if isinstance(extra, dict) else {})
    return _resolve(root, schema)


def format_hint(name: str, path: PathKey) -> str:
    """How a value at ``path`` must be written: the shared definition's description wins."""
    root = load_schema(name)
    parent = subschema(name, path[:-1]) if path else root
    raw = parent.get("properties", {}).get(path[-1]) if path and isinstance(path[-1], str) else None
    if raw is None and path and isinstance(path[-1], int):
        raw = parent.get("items")
    ref = raw.get("$ref") if isinstance(raw, dict) else None
    if isinstance(ref, str):
        description: str = root["definitions"][ref.rsplit("/", 1)[1]].get("description", "")
        return description
    return str(subschema(name, path).get("description", "按说明的格式填写。"))


def label(name: str, path: PathKey) -> str:
    """A Chinese name for the field at ``path``: 「交办日期」, 「办理进展第2条·日期」."""
    parts: list[str] = []
    for depth, part in enumerate(path):
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}第{part + 1}条" if parts else f"第{part + 1}条"
        else:
            parts.append(subschema(name, path[: depth + 1]).get("title", part))
    return "「" + "·".join(parts) + "」" if parts else "文件"


def known_part(name: str, data: Any) -> tuple[Any, tuple[str, ...]]:
    """``data`` without the keys the schema does not know (at any depth), and the dotted paths left out.

    For records written by another office's newer ducha (上下联动): what this one understands is read,
    what it does not is named, never guessed at.
    """
    root = load_schema(name)
    dropped: list[str] = []

    def walk(value: Any, schema: dict[str, Any], where: str) -> Any:
        schema = _resolve(root, schema)
        if isinstance(value, dict) and "properties" in schema:
            known = schema["properties"]
            kept = {}
            for key, item in value.items():
                if key in known:
                    kept[key] = walk(item, known[key], f"{where}.{key}" if where else key)
                elif schema.get("additionalProperties") is False:
                    dropped.append(f"{where}.{key}" if where else key)
                else:
                    kept[key] = item
            return kept
        if isinstance(value, list) and isinstance(schema.get("items"), dict):
            return [walk(item, schema["items"], where) for item in value]
        return value

    return walk(data, root, ""), tuple(dict.fromkeys(dropped))


def check(doc: YamlDocument, name: str) -> list[Problem]:
    """Every schema problem in ``doc``; an empty list when it conforms."""
    try:
        _fast_validator(name)(doc.data)
        return []
    except ValueError:  # _Invalid, or fastjsonschema's own where the generated code still imports them
        pass
    problems: list[Problem] = []
    misplaced = _misplaced_entries(doc) if name == "case" else {}
    for path, other in misplaced.items():
        key, fields = path[0], "、".join(doc.data[path[0]][path[1]])
        line, column = doc.key_mark(path)
        problems.append(Problem(
            doc.path, line, column, format_path(path),
            f"这一条（{fields}）看起来是{label(name, (other,))}，却写在了{label(name, (key,))} `{key}:` 下。",
            f"把这一条移到 `{other}:` 下（没有就在文件末尾另起一行写 `{other}:`）；不要删除其中的字段。"))
    for error in _full_validator(name).iter_errors(doc.data):
        if tuple(error.absolute_path)[:2] in misplaced:
            continue  # its fields are right, its place is wrong: said once above
        problems.extend(_translate(doc, name, error))
    return list(dict.fromkeys(problems))  # jsonschema repeats some errors under if/then


def _misplaced_entries(doc: YamlDocument) -> dict[PathKey, str]:
    """Log entries written under the wrong log: (log, index) → the log whose fields they have.

    An entry appended at the end of a file lands under whatever log comes last; the unknown
    fields it then has are the right fields in the wrong place, and deleting them loses data.
    """
    fields = {kind.key: set(subschema("case", (kind.key, 0)).get("properties", {})) for kind in LOG_KINDS}
    found: dict[PathKey, str] = {}
    for key, own in fields.items():
        entries = doc.data.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or set(entry) <= own:
                continue
            other = next((k for k, theirs in fields.items() if k != key and set(entry) <= theirs), None)
            if other is not None:
                found[(key, index)] = other
    return found


def _translate(doc: YamlDocument, name: str, error: Any) -> list[Problem]:
    path: PathKey = tuple(error.absolute_path)
    here = label(name, path)
    line, column = doc.mark(path)
    where = format_path(path)
    value = error.instance
    kind = error.validator
    schema = subschema(name, path)

    def one(message: str, fix: str, at: tuple[int, int] = (line, column), field: str = where) -> list[Problem]:
        return [Problem(doc.path, at[0], at[1], field, message, fix)]

    if kind == "required":
        missing = [key for key in error.validator_value if key not in value]
        out: list[Problem] = []
        at = doc.key_mark(path) if path else (1, 1)
        for key in missing:
            child = label(name, (*path, key))
            out += one(f"缺少必填字段{child}（{key}）。", f"在{here if path else '文件'}中补上 `{key}: …`。",
                       at=at, field=format_path((*path, key)))
        return out
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in [k for k in value if k not in allowed]:
            import difflib  # only for a field name that is wrong

            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            fix = (f"是否想写 `{guess[0]}`（{label(name, (*path, guess[0]))}）？否则删除该字段。"
                   if guess else f"删除该字段；可用的字段有：{'、'.join(allowed)}。")
            out += one(f"未知字段 `{key}`。", fix, at=doc.key_mark((*path, key)),
                       field=format_path((*path, key)))
        return out
    if "propertyNames" in error.relative_schema_path:
        at = doc.key_mark((*path, value)) if isinstance(value, str) else (line, column)
        fix = (f"改为以下之一：{'、'.join(error.validator_value)}。" if kind == "enum"
               else schema.get("description", "按说明填写。"))
        return one(f"「{value}」不能作为{here}下的字段名。", fix, at=at, field=format_path((*path, str(value))))
    if kind == "enum":
        choices = "、".join(str(c) for c in error.validator_value)
        return one(f"{here}的值「{value}」不在可选范围内。", f"改为以下之一：{choices}。")
    if kind == "pattern":
        as_date = guess_date(value) if isinstance(value, str) else None
        hint = format_hint(name, path)
        fix = f"改为 {as_date}（{hint.rstrip('。')}）。" if as_date else hint
        return one(f"{here}的值「{value}」格式不对。", fix)
    if kind == "type":
        expected = error.validator_value
        names = "或".join(_TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
        if value == "" and expected != "string":
            return one(f"{here}没有填写内容。", f"填写{here}，或删除这一行。")
        return one(f"{here}应为{names}。", f"按模板改写{here}的结构。")
    if kind == "minLength":
        return one(f"{here}不能为空。", f"填写{here}，或删除这一行。")
    if kind == "maxLength":
        return one(f"{here}太长（{len(value)} 字，上限 {error.validator_value} 字）。", "精简文字；详细内容写进任务要求或备注。")
    if kind == "uniqueItems":
        return one(f"{here}中有重复项。", "删除重复的一项。")
    if kind == "minItems":
        return one(f"{here}至少要有 {error.validator_value} 项。", f"补充{here}。")
    if kind == "dependencies":
        return one("填写了「交办日期」就必须填写「主办单位」（lead_unit）。", "补上 `lead_unit: 单位简称`，或删除交办日期。",
                   at=doc.key_mark((*path, "assigned")), field=format_path((*path, "lead_unit")))
    return one(f"{here}不符合格式要求：{error.message}。", "对照模板修改。")
