"""Click speaking Chinese: its own words, usage errors, the help layout, and the command and group classes.

Every word a user sees from Click itself (help headings, its error messages) is said here in
Chinese; the commands' own messages are written in Chinese where they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

#: Click's own words (help layout, its error messages), in Chinese. Click looks each one up
#: through gettext at the moment it is shown; the placeholders stay as Click fills them.
CLICK_TEXT = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Aborted!": "已取消。",
    "Error: {message}": "错误：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "No such command {name!r}.": "没有「{name}」这个命令。",
    "No such option {name!r}.": "没有 {name} 这个选项。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name} 后面要写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 后面要写 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多了一个参数（{args}）",
    "Got unexpected extra arguments ({args})": "多了几个参数（{args}）",
    "Did you mean {possibility}?": "是否想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想写其中之一：{possibilities}？）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Try '{command} {option}' for help.": "用 `{command} {option}` 查看用法。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "{value!r} is not a valid {number_type}.": "「{value}」不是{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "{value!r} is not one of {choices}.": "「{value}」不是可选的值（{choices}）。",
    "{value!r} is not {choice}.": "「{value}」不是 {choice}。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}「{filename}」不存在。",
    "{name} {filename!r} is a file.": "{name}「{filename}」是文件，不是目录。",
    "{name} {filename!r} is a directory.": "{name}「{filename}」是目录，不是文件。",
    "{name} {filename!r} is not readable.": "{name}「{filename}」不能读取。",
    "{name} {filename!r} is not writable.": "{name}「{filename}」不能写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件「{filename}」：{message}",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Do you want to continue?": "是否继续？",
    "Value must be an iterable.": "值必须是列表。",
}


def _chinese(message: str) -> str:
    return CLICK_TEXT.get(message, message)


def _chinese_plural(singular: str, plural: str, n: int) -> str:
    return _chinese(singular if n == 1 else plural)


def _speak_chinese() -> None:
    """Make Click say its own words in Chinese: each of its modules holds its own ``_``."""
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _chinese  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _chinese_plural  # type: ignore[attr-defined]


_speak_chinese()
click.types.StringParamType.name = "文字"  # the metavar of every plain option in help: TEXT → 文字


def _has_chinese(text: str) -> bool:
    # Not a regex: compiling a class of 20,000 characters costs every start-up, errors only need it.
    return any("\u4e00" <= char <= "\u9fff" for char in text)


class ChineseUsageError(click.UsageError):
    """A usage error shown entirely in Chinese, with how to get help."""

    def show(self, file: Any = None) -> None:
        path = self.ctx.command_path if self.ctx is not None else "ducha"
        fix = "" if "修改：" in self.message else f"\n修改：用 `{path} -h` 查看用法。"
        click.echo(f"错误：{self.message}{fix}", err=True)


def chinese_usage(error: click.UsageError) -> ChineseUsageError:
    """Click's own messages (missing, unknown or invalid options) in Chinese; ours are already."""
    message = error.format_message()
    if isinstance(error, click.MissingParameter) and error.param is not None:
        kind = "参数" if error.param.param_type_name == "argument" else "选项"
        message = f"缺少必填的{kind} {error.param.get_error_hint(error.ctx) if error.ctx else error.param.name}。"
    elif isinstance(error, click.NoSuchOption):
        close = f"是否想写 {'、'.join(error.possibilities)}？" if error.possibilities else ""
        message = f"没有 {error.option_name} 这个选项。{close}"
    elif isinstance(error, click.BadParameter) and error.param is not None:
        name = error.param.get_error_hint(error.ctx) if error.ctx else error.param.name
        choices = getattr(error.param.type, "choices", None)
        if _has_chinese(error.message):  # our own parameter types already say it in Chinese
            message = f"{name}：{error.message}"
        elif choices:
            message = f"{name} 的值无效，可选：{'、'.join(map(str, choices))}。"
        else:
            message = f"{name} 的值无效（{error.message}）。"
    elif not _has_chinese(message):
        message = f"命令用法不对（{message}）。"
    return ChineseUsageError(message, error.ctx)


class ChineseHelpFormatter(click.HelpFormatter):
    """Help text laid out with Chinese punctuation: 「用法：」「选项：」."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class DuchaContext(click.Context):
    formatter_class = ChineseHelpFormatter


def chinese_short_help(command: click.Command, limit: int) -> str:
    """A command's summary for the command list, cut after a Chinese clause: Click cuts at a space,
    and a Chinese sentence without one became a bare「...」."""
    text = command.short_help or (command.help or "").split("\n\n", 1)[0].replace("\n", " ").strip()
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in "。；，：")
    return text[: cut] + "……" if cut > 0 else text[: limit - 2] + "……"


class DuchaCommand(click.Command):
    """A command whose file errors name the file (a full disk reports no name of its own), with
    its usage line in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    context_class = DuchaContext

    def get_short_help_str(self, limit: int = 45) -> str:
        return chinese_short_help(self, limit)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.filename is None and ctx.params.get("output") is not None:
                error.filename = str(ctx.params["output"])
            raise


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], DuchaCommand]:
    """``@command()``: a ducha command; the group finds it through ``ducha.cli.COMMANDS``."""
    return click.command(name, cls=DuchaCommand, **attrs)


class ChineseGroup(click.Group):
    """A group of commands whose help, usage line and usage errors are in Chinese."""

    command_class = DuchaCommand
    group_class = type
    context_class = DuchaContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        return chinese_short_help(self, limit)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            click.echo(ctx.get_help())  # no command given: the help is the answer, not an error
            ctx.exit(0)
        except ChineseUsageError:
            raise
        except click.UsageError as error:
            raise chinese_usage(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ChineseUsageError:
            raise
        except click.UsageError as error:
            raise chinese_usage(error) from None
