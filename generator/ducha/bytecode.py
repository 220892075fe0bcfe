"""Bytecode ducha would otherwise compile on every run, kept between runs in the user's cache folder.

Every ``ducha`` command is a new Python process, and a one-file ``ducha validate`` (the pre-commit
check) is mostly start-up. Python keeps the bytecode of modules in ``.pyc`` files, but not the
methods ``@dataclass`` writes for each class (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
and ``__setattr__``/``__delattr__`` for a frozen one): it generates their source and compiles it,
some 400 compilations for the records, the office and the rules, a third of that check's time, on
every run. ``dataclasses`` runs each source it generates with ``exec``; for ducha's own classes,
that ``exec`` takes the source's bytecode from this cache instead of compiling it again. The source
text is the key, and ``exec`` of a text is ``exec`` of its compiled code, so the classes are exactly
what they would be without the cache; a changed class is a new text, compiled and added.

The schema validators ``rules.schema`` compiles are kept in the same folder. And one regular
expression PyYAML compiles when imported is given to ``re`` in a form that compiles in a tenth of
the time (``pyyaml_pattern_precompiled``).
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import marshal
import os
import re
import sys
from pathlib import Path
from types import CodeType
from typing import Any


def cache_dir() -> Path | None:
    """ducha's folder in the user's cache (``$XDG_CACHE_HOME/ducha``, else ``~/.cache/ducha``); None without a home."""
    home = os.path.expanduser("~")
    base = os.environ.get("XDG_CACHE_HOME") or (os.path.join(home, ".cache") if home != "~" else "")
    return Path(base) / "ducha" if base else None


def _module(namespace: object) -> str | None:
    """The ducha module code is run in (``dataclasses`` runs a class's methods in its module's namespace), else None."""
    name = namespace.get("__name__") if isinstance(namespace, dict) else None
    return name if isinstance(name, str) and (name == "ducha" or name.startswith("ducha.")) else None


class DataclassCode:
    """The compiled methods of ducha's dataclasses, by their source: a file per module, read when the module
    makes its first class, so a command reads only what the modules it imports need.

    A module makes its classes when imported, so the methods one process ran for a module are all the
    module has: a file is rewritten with exactly those when any of them had to be compiled (a class
    added or changed), and never holds the code of classes that are gone.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.cached: dict[str, dict[str, CodeType]] = {}
        self.ran: dict[str, dict[str, CodeType]] = {}
        self.compiled: set[str] = set()

    def _file(self, module: str) -> Path | None:
        return self.folder / f"{module}.code" if self.folder is not None else None

    def _entries(self, module: str) -> dict[str, CodeType]:
        entries = self.cached.get(module)
        if entries is None:
            path = self._file(module)
            try:
                found = marshal.loads(path.read_bytes()) if path is not None else None
            except (OSError, ValueError, EOFError, TypeError):  # none yet, or unreadable: compiled anew
                found = None
            entries = self.cached[module] = found if isinstance(found, dict) else {}
        return entries

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
        """``exec`` as ``dataclasses`` calls it: a source of ducha's is run from its cached bytecode."""
        module = _module(globals)
        if module is None or not isinstance(source, str):
            return builtins.exec(source, globals, locals, **options)
        code = self._entries(module).get(source)
        if type(code) is not CodeType:
            # What exec compiles a text to: no __future__ features of this module (dont_inherit), same file name.
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.compiled.add(module)
        self.ran.setdefault(module, {})[source] = code
        return builtins.exec(code, globals, locals, **options)

    def save(self) -> None:
        """Write the file of each module that compiled something (at exit)."""
        for module in sorted(self.compiled):
            path = self._file(module)
            if path is not None:
                store(path, marshal.dumps(self.ran[module]))
            self.cached[module] = dict(self.ran[module])
        self.compiled.clear()


def store(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all; on a read-only or full disk, what it would hold is compiled again
    next time."""
    import tempfile  # only when something was compiled

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def install() -> DataclassCode | None:
    """Have ``dataclasses`` take the methods of ducha's classes from the cache, from now on in this process;
    None when already installed (or when something else has replaced its ``exec``)."""
    if "exec" in vars(dataclasses):
        return None
    folder = cache_dir()
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-o{sys.flags.optimize}"
    cache = DataclassCode(folder / f"dataclasses-{tag}" if folder is not None else None)
    vars(dataclasses)["exec"] = cache.exec  # a module global shadowing the builtin, for dataclasses alone
    atexit.register(cache.save)
    return cache


#: The characters PyYAML's pure-Python reader refuses, as it writes them (``yaml.reader.Reader.NON_PRINTABLE``):
#: all but those it allows, up to U+10FFFF. Compiling a class of large ranges makes ``re`` walk every code
#: point below U+10000 one by one: 57M instructions, a ninth of a one-file ``ducha validate``, on importing
#: PyYAML, though ducha reads with libyaml's parser.
PYYAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
#: The same characters, written as the few small ranges they are.
NON_PRINTABLE = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"


def pyyaml_pattern_precompiled() -> bool:
    """Put PyYAML's pattern in ``re``'s cache of compiled patterns, compiled from the same characters written
    as ``NON_PRINTABLE``, before PyYAML is imported (``ducha.io`` does, first); whether it was. It matches
    exactly the same characters (a test compares them over every code point); only its compilation is
    cheaper. Where ``re`` keeps no such cache, or PyYAML is already imported, nothing is done and PyYAML
    compiles its own."""
    cache = vars(re).get("_cache")
    if "yaml" in sys.modules or not isinstance(cache, dict):
        return False
    cache[str, PYYAML_NON_PRINTABLE, 0] = re.compile(NON_PRINTABLE)
    return True
