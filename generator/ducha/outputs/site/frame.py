"""Material's page frame (tabs, side menu, footer, styles, scripts, configuration) rendered once per
folder for the generated pages outside the navigation, and reused for the others in that folder.

Half of a build at 10,000 cases is otherwise Material rendering the same frame again. A block
is reused only where its output cannot differ: the ``ducha.html`` template goes only to generated
pages that are not in the navigation (no tab or menu entry is ever marked as theirs), and every
link in the frame is relative, so it depends on the page's folder. The folder, not the depth:
``units/x.html`` and ``leaders/y.html`` are equally deep, but their link to ``units/index.html``
is ``index.html`` in one and ``../units/index.html`` in the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
import jinja2.bccache
from jinja2 import pass_context

#: The theme template of the generated pages outside the navigation (in ``theme/``).
TEMPLATE = "ducha.html"


def folder(url: str) -> str:
    """The folder of a page's URL (``units/x.html`` → ``units``)."""
    return url.rpartition("/")[0]


def memo() -> Callable[..., Any]:
    """``ducha_memo(name, render)`` for the template: a block rendered once per page folder, then reused."""
    rendered: dict[tuple[str, str], Any] = {}

    @pass_context
    def ducha_memo(context: Any, name: str, render: Callable[[], Any]) -> Any:
        page = context.get("page")
        if page is None:
            return render()
        key = (name, folder(page.url))
        if key not in rendered:
            rendered[key] = render()
        return rendered[key]

    return ducha_memo


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory from one build to the next in this process; jinja
    checks each against its template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
