"""Option values as the commands take them: dates, whole numbers, choices with Chinese names,
lists of units, and the options several commands share (``--as-of``, ``--profile``); a value
that cannot be taken is refused in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _typed(value: Any) -> str:
    """A refused value as the user typed it, safe to show on a terminal."""
    from ducha.outputs.safe import terminal

    return terminal(str(value))


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"日期「{_typed(value)}」格式不对，应写成 YYYY-MM-DD，如 2026-03-05。", param, ctx)


DATE = DateType()


class WholeNumber(click.ParamType):  # type: ignore[type-arg]
    """A whole number (a year, a notice number, a port), refused in Chinese."""

    name = "整数"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            self.fail(f"「{_typed(value)}」不是整数，应写成数字，如 2026。", param, ctx)
        return int(text)


NUMBER = WholeNumber()


class Identifier(click.ParamType):  # type: ignore[type-arg]
    """An id as it reads (DC-2026-0009, 2026-001): copied from the site, a document or a chat, it may carry
    invisible characters (the search's word marks, U+200B) or full-width letters and digits; they are dropped
    and folded, so the id is the one the reader sees."""

    name = "编号"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ducha.rules.characters import invisible_free

        return invisible_free(str(value)).strip()


IDENTIFIER = Identifier()


class Choices(click.ParamType):  # type: ignore[type-arg]
    """A choice written as its code or in Chinese: ``--light 红灯`` is ``--light red``.

    The table of codes and their Chinese names is asked for when the choice is first shown or
    read: the lights' names live in the rules, which the command list need not load.
    """

    def __init__(self, table: Callable[[], dict[str, tuple[str, ...]]]) -> None:
        self.table = table

    @cached_property
    def choices(self) -> dict[str, tuple[str, ...]]:
        return self.table()

    @cached_property
    def lookup(self) -> dict[str, str]:
        return {alias.lower(): code for code, aliases in self.choices.items() for alias in (code, *aliases)}

    @cached_property
    def name(self) -> str:  # type: ignore[override]
        return "|".join(aliases[0] if aliases else code for code, aliases in self.choices.items())

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"[{self.name}]"

    def described(self) -> str:
        return "、".join(f"{aliases[0]}（{code}）" if aliases else code for code, aliases in self.choices.items())

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        code = self.lookup.get(str(value).strip().lower())
        if code is None:
            self.fail(f"「{_typed(value)}」不是可选的值；可选：{self.described()}。", param, ctx)
        return code


def choices(*codes: str, **aliases: tuple[str, ...]) -> Choices:
    return Choices(lambda: {code: aliases.get(code, ()) for code in codes})


def _lights() -> dict[str, tuple[str, ...]]:
    from ducha.rules.deadlines import Light

    return {light.value: (light.label if light is not Light.NONE else "无灯",) for light in Light}


LIGHTS = Choices(_lights)
PROFILES = choices("internal", "public", internal=("内部",), public=("公开",))


def today_option(func: F) -> F:
    """``--as-of`` (alias ``--today``): the state as of that day, the same in every command."""
    return click.option("--as-of", "--today", "today", type=DATE, default=None,
                        help="按哪一天计算（默认：北京时间今天）：晚于这一天的记录内容不计入；校验和合并请求检查中"
                             "「不得晚于今天」和补录的判断也按这一天。--today 与之相同。")(func)


def profile_option(func: F) -> F:
    """``--profile``: which site is published, the office's own or the public one."""
    return click.option("--profile", type=PROFILES, default="internal",
                        help="发布范围：internal 督查室内部（全部），public 公开（不含「内部」事项和内部字段）。")(func)


def unit_list(values: tuple[str, ...]) -> tuple[str, ...]:
    """--co-units 市财政局、市教育局 (or repeated, or separated by commas): each unit once, in order."""
    split = [part for value in values for part in re.split(r"[、,，;；\s]+", value) if part]
    return tuple(dict.fromkeys(split))


def check_unit(office: Any, unit: str | None) -> None:
    """Refuse a --unit that is not registered, saying which registered one it most likely means."""
    from ducha.rules.units import unknown_unit

    if unit is not None and unit not in office.unit_names:
        message, fix = unknown_unit("单位", unit, office)
        raise click.UsageError(f"{_typed(message)}\n修改：{_typed(fix)}")
