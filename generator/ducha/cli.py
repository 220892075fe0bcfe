"""The ``ducha`` command: parses options, calls one core function, prints its result.

The only place that reads the clock, touches the terminal, or turns errors into exit codes.

Size: being split (issue 20)
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ducha.errors import DataError, DuchaError
from ducha.load.records import load_cases
from ducha.load.validate import validate_paths, validate_repository
from ducha.model.case import CASES_DIR, Case
from ducha.model.office import OFFICE_FILE, STANDARD_CATEGORIES
from ducha.outputs.problems import problems_json, problems_text
from ducha.outputs.safe import terminal
from ducha.rules.deadlines import Light, status_board

# Each command imports the core it alone needs inside its body: `ducha validate ONE_FILE` runs
# as a pre-commit check, and its start-up is most of its cost.

F = TypeVar("F", bound=Callable[..., Any])

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


#: Beijing time: Asia/Shanghai has kept UTC+8 without summer time since 1991, so a fixed offset
#: gives the same day without loading the time-zone database (or needing one installed).
BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def shanghai_today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds office.yaml."""
    for folder in (start, *start.parents):
        if (folder / OFFICE_FILE).is_file():
            return folder
    raise click.UsageError(f"在 {start} 及其上级目录中找不到 {OFFICE_FILE}：请在督查仓库中运行，或用 --root 指定。")


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"日期「{terminal(str(value))}」格式不对，应写成 YYYY-MM-DD，如 2026-03-05。", param, ctx)


DATE = DateType()


class WholeNumber(click.ParamType):  # type: ignore[type-arg]
    """A whole number (a year, a notice number, a port), refused in Chinese."""

    name = "整数"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            self.fail(f"「{terminal(str(value))}」不是整数，应写成数字，如 2026。", param, ctx)
        return int(text)


NUMBER = WholeNumber()


class Choices(click.ParamType):  # type: ignore[type-arg]
    """A choice written as its code or in Chinese: ``--light 红灯`` is ``--light red``."""

    def __init__(self, choices: dict[str, tuple[str, ...]]) -> None:
        self.choices = choices
        self.lookup = {alias.lower(): code for code, aliases in choices.items() for alias in (code, *aliases)}
        self.name = "|".join(aliases[0] if aliases else code for code, aliases in choices.items())

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"[{self.name}]"

    def described(self) -> str:
        return "、".join(f"{aliases[0]}（{code}）" if aliases else code for code, aliases in self.choices.items())

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        code = self.lookup.get(str(value).strip().lower())
        if code is None:
            self.fail(f"「{terminal(str(value))}」不是可选的值；可选：{self.described()}。", param, ctx)
        return code


def choices(*codes: str, **aliases: tuple[str, ...]) -> Choices:
    return Choices({code: aliases.get(code, ()) for code in codes})


LIGHTS = Choices({light.value: (light.label if light is not Light.NONE else "无灯",) for light in Light})
PROFILES = choices("internal", "public", internal=("内部",), public=("公开",))


def today_option(func: F) -> F:
    """``--as-of`` (alias ``--today``): the state as of that day, the same in every command."""
    return click.option("--as-of", "--today", "today", type=DATE, default=None,
                        help="按哪一天的状态计算：晚于这一天的记录内容不计入（默认：北京时间今天）。"
                             "记录中「不得晚于今天」的检查始终按实际日期。--today 与之相同。")(func)


def _root(ctx: click.Context) -> Path:
    root: Path | None = ctx.obj.get("root")
    return root if root is not None else find_root(Path.cwd())


def emit_problems(error: DataError, fmt: str = "text") -> None:
    if error.summary and fmt == "text":
        click.echo(problems_text(error.problems, 0, summary=False) + error.summary)
        return
    render = problems_json if fmt == "json" else problems_text
    click.echo(render(error.problems, error.checked_files or len({p.file for p in error.problems})), nl=False)


def check_unit(office: Any, unit: str | None) -> None:
    """Refuse a --unit that is not registered, saying which registered one it most likely means."""
    from ducha.rules.units import unknown_unit

    if unit is not None and unit not in office.unit_names:
        message, fix = unknown_unit("单位", unit, office)
        raise click.UsageError(f"{terminal(message)}\n修改：{terminal(fix)}")


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


_ERRNO_TEXT = {
    errno.ENOSPC: ("磁盘空间不足", "清理磁盘空间，或用 -o 写到别的磁盘"),
    errno.EDQUOT: ("超出磁盘配额", "清理空间，或用 -o 写到别的位置"),
    errno.EACCES: ("没有权限", "换一个有写入权限的位置，或请管理员开通权限"),
    errno.EPERM: ("不允许这样操作", "换一个位置，或请管理员开通权限"),
    errno.ENOENT: ("文件或目录不存在", "检查路径是否写对，所在目录是否已经建好"),
    errno.EISDIR: ("这是一个目录，不是文件", "在目录后写上文件名"),
    errno.ENOTDIR: ("路径中有一段不是目录", "检查路径是否写对"),
    errno.EROFS: ("所在磁盘是只读的", "换一个可以写入的位置"),
    errno.EEXIST: ("文件已存在", "换一个文件名"),
    errno.ENAMETOOLONG: ("文件名太长", "换一个短一些的文件名"),
    errno.EIO: ("磁盘读写出错", "检查磁盘或网络盘是否正常，稍后重试"),
}


def file_error(error: OSError) -> str:
    """What went wrong reading or writing a file, in Chinese, with what to do."""
    what, fix = _ERRNO_TEXT.get(error.errno or 0, (error.strerror or "读写文件失败", "检查路径、权限和磁盘空间"))
    name = f"「{error.filename}」" if error.filename else ""
    return f"无法读写文件{name}：{what}。\n修改：{fix}。"


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


class DuchaGroup(click.Group):
    """Turns every failure into a Chinese message and an exit code: 1 data, 2 usage, 3 unexpected."""

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
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except DataError as error:
            emit_problems(error)
            ctx.exit(error.exit_code)
        except DuchaError as error:
            click.echo(f"错误：{error}", err=True)
            ctx.exit(error.exit_code)
        except OSError as error:  # a disk, a permission, a path: the user's to fix, not a bug
            click.echo(f"错误：{file_error(error)}", err=True)
            ctx.exit(1)
        except Exception:  # the last line of defence: never a bare traceback for users
            if os.environ.get("DUCHA_DEBUG"):
                import traceback

                traceback.print_exc()
            click.echo("内部错误：ducha 遇到了意外情况。请把 `DUCHA_DEBUG=1 ducha …` 的输出报告给维护人员。", err=True)
            ctx.exit(3)


@click.group(name="ducha", cls=DuchaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="督查仓库根目录（含 office.yaml）；默认从当前目录向上查找。")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """督查事项管理：校验记录、计算红黄绿灯。"""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[路径]...")
@click.option("--format", "fmt", type=choices("text", "json", text=("文字",)), default="text", help="输出格式。")
@today_option
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str, today: dt.date | None) -> None:
    """校验督查事项记录（默认 cases/ 下全部文件）。"""
    root = _root(ctx)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"找不到 {'、'.join(map(str, missing))}。")
    day = today or shanghai_today()
    result = validate_paths(list(paths), root, day) if paths else validate_repository(root, day)
    render = problems_json if fmt == "json" else problems_text
    click.echo(render(result.problems, result.files), nl=False)
    if not result.ok:
        ctx.exit(1)


@cli.command()
@today_option
@click.option("--unit", default=None, help="只看某单位主办或协办的事项。")
@click.option("--category", default=None, help="只看某一来源类型。")
@click.option("--light", type=LIGHTS, default=None, help="只看某一灯色（红灯、黄灯、绿灯、按期办结、超期办结，或 red 等代码）。")
@click.option("--format", "fmt", type=choices("table", "json", "csv", table=("表格",)), default="table", help="输出格式。")
@click.pass_context
def status(ctx: click.Context, today: dt.date | None, unit: str | None, category: str | None,
           light: str | None, fmt: str) -> None:
    """各督查事项的办理阶段、到期日和红黄绿灯，最紧急的在前。"""
    from ducha.outputs import text as reporters

    root = _root(ctx)
    day = today or shanghai_today()
    office, cases = load_cases(root, as_of=day)  # "not in the future" is validate's and guard's check, on the real date
    check_unit(office, unit)
    board = status_board(office, cases, day, unit, category, Light(light) if light else None)
    if fmt == "json":
        click.echo(reporters.status_json(board), nl=False)
    elif fmt == "csv":
        click.echo(reporters.status_csv(board), nl=False)
    else:
        click.echo(reporters.status_table(board, color=sys.stdout.isatty()), nl=False)


@cli.command()
@click.option("--name", default=None, help="督查室名称，如 某某市人民政府督查室。")
@click.option("--prefix", default=None, help="督查事项编号前缀（大写字母），默认 DC。")
@click.option("--fonds", default=None, help="档案全宗号（向本级档案馆确认）。")
@click.option("--unit", "units", multiple=True, help="承办单位，写成 简称=全称；可重复填写多个。")
@click.pass_context
def init(ctx: click.Context, name: str | None, prefix: str | None, fonds: str | None, units: tuple[str, ...]) -> None:
    """启用本系统：写入本单位的 office.yaml，删除示例数据（只删未改动过的示例记录）。"""
    from ducha.intake.init import init_office, parse_unit

    root: Path = ctx.obj.get("root") or Path.cwd()
    name = name or click.prompt("督查室名称（如 某某市人民政府督查室）")
    prefix = prefix or click.prompt("编号前缀", default="DC")
    fonds = fonds or click.prompt("档案全宗号（如 0371）")
    if not units:
        click.echo("逐个输入承办单位，写成 简称=全称（如 市财政局=某某市财政局），直接回车结束：")
        typed = []
        while entry := click.prompt("单位", default="", show_default=False).strip():
            typed.append(entry)
        units = tuple(typed)
    result = init_office(root, name, prefix, fonds, [parse_unit(u) for u in units])
    click.echo(f"已启用「{result.office}」：写入 office.yaml 和 schema/，删除示例数据 {len(result.removed)} 个文件。")
    for path in result.kept:
        click.echo(f"保留 {path}：它与示例数据清单中的内容不同（有人改过），请确认后自行处理。")
    click.echo("下一步：检查 office.yaml，然后提交（git add -A && git commit -m \"启用督查事项管理\"）。")


@cli.command("mark-demo", hidden=True)
@click.pass_context
def mark_demo(ctx: click.Context) -> None:
    """（示例仓库维护者用）把当前全部记录登记为示例数据，写入 DEMO.sha256。"""
    from ducha.intake.init import write_demo_list

    target = write_demo_list(_root(ctx))
    click.echo(f"已写入 {target.name}。")


def _units(values: tuple[str, ...]) -> tuple[str, ...]:
    """--co-units 市财政局、市教育局 (or repeated, or separated by commas): each unit once, in order."""
    split = [part for value in values for part in re.split(r"[、,，;；\s]+", value) if part]
    return tuple(dict.fromkeys(split))


@cli.command()
@click.option("--title", required=True, help="事项名称。")
@click.option("--category", required=True, help="来源类型：" + "、".join(STANDARD_CATEGORIES) + "，或 office.yaml 中自设的类型。")
@click.option("--registered", type=DATE, default=None, help="立项日期（默认今天）。")
@click.option("--assigned", type=DATE, default=None, help="交办日期（填写则须同时填写主办单位）。")
@click.option("--lead-unit", default=None, help="主办单位简称。")
@click.option("--co-units", multiple=True, help="协办单位简称，多个用顿号或逗号隔开，如 市财政局、市教育局；也可重复填写。")
@click.option("--owner", default="", help="责任人。")
@click.option("--time-limit", default=None, help="办理时限，如 5个工作日、30日、3个月、2026-12-31（不填按来源类型的默认时限）。")
@click.option("--leader", default="", help="批示领导，如 市长 刘志远。")
@click.option("--instruction", default="", help="批示内容（摘录）。")
@click.option("--doc-no", default="", help="依据文件的文号。")
@click.option("--meeting", default="", help="依据的会议，如 市政府第71次常务会议。")
@click.option("--requirements", default="", help="任务要求。")
@click.option("--parent", default=None, help="上级事项编号（分解立项时）。")
@click.option("--visibility", type=choices("公开", "内部"), default=None, help="公开（默认）或 内部（公开版站点不显示）。")
@click.option("--notes", default="", help="备注。")
@click.option("--priority", type=choices("急", "重点"), default=None, help="优先级：急 或 重点（一般事项不填）。")
@click.option("--approved-by", default="", help="同意立项的领导（office.yaml 要求立项审批时，交办前必填）。")
@click.option("--approved", type=DATE, default=None, help="同意立项的日期（默认交办日期，未交办的为立项日期）。")
@click.pass_context
def new(ctx: click.Context, title: str, category: str, registered: dt.date | None, assigned: dt.date | None,
        lead_unit: str | None, co_units: tuple[str, ...], owner: str, time_limit: str | None, leader: str,
        instruction: str, doc_no: str, meeting: str, requirements: str, parent: str | None, visibility: str | None,
        notes: str, priority: str | None, approved_by: str, approved: dt.date | None) -> None:
    """按模板新建一个督查事项（交办所需的各项都可以直接填写），自动取下一个编号。"""
    from ducha.intake.new_case import Assignment, new_case

    root = _root(ctx)
    assignment = Assignment(
        title=title, category=category, registered=registered or shanghai_today(), lead_unit=lead_unit,
        assigned=assigned, time_limit=time_limit, co_units=_units(co_units), owner=owner, leader=leader,
        instruction=instruction, doc_no=doc_no, meeting=meeting, requirements=requirements, parent=parent,
        visibility=visibility or "", notes=notes, priority=priority or "", approved_by=approved_by, approved=approved)
    made = new_case(root, assignment)
    click.echo(f"已新建 {made.id}：{made.path.relative_to(root).as_posix()}")


@cli.command()
@click.argument("case_id", metavar="编号")
@click.option("--format", "fmt", type=choices("text", "json", text=("文字",)), default="text", help="输出格式。")
@click.pass_context
def history(ctx: click.Context, case_id: str, fmt: str) -> None:
    """某督查事项的办理经过和审计记录（谁在何时改了什么、谁审核）。"""
    from ducha.outputs import text as reporters
    from ducha.repo.recorded import case_record
    from ducha.rules.late import LateEntry

    root = _root(ctx)
    record = case_record(root, case_id)
    trail = record.trail
    year = case_id.split("-")[1] if case_id.count("-") == 2 else ""
    file = root / CASES_DIR / year / f"{case_id}.yaml"
    result = validate_paths([file], root) if file.exists() else None
    case: Case | None = None
    late: tuple[LateEntry, ...] = ()
    if result is not None and result.ok and result.cases and result.office is not None:
        case = result.cases[0]
        late = record.late(case, result.office)
    if fmt == "json":
        click.echo(json.dumps({**trail.as_json(), "late": [e.as_json() for e in late]}, ensure_ascii=False, indent=2))
        return
    if case is not None:
        click.echo(reporters.timeline_text(case, trail, late), nl=False)
    else:
        click.echo(f"{case_id}（当前记录{'无法读取' if file.exists() else '已不存在'}，只显示审计记录）")
        click.echo(reporters.audit_text(trail))


@cli.command()
@click.option("--base", required=True, help="比较的基准（目标分支或提交，如 origin/main）。")
@today_option
@click.option("--format", "fmt", type=choices("text", "json", text=("文字",)), default="text", help="输出格式。")
@click.pass_context
def guard(ctx: click.Context, base: str, today: dt.date | None, fmt: str) -> None:
    """合并请求检查：与基准分支的分叉点相比，记录只能追加，不能删除、改名、改写；记录与系统分开提交；已有事项的期限不变；并做全部校验。"""
    from ducha.repo.guard import guard as run_guard

    result = run_guard(_root(ctx), base, today or shanghai_today())
    if fmt == "json":
        click.echo(problems_json(result.problems, result.changed), nl=False)
    elif result.problems:
        click.echo(problems_text(result.problems, result.changed), nl=False)
    else:
        click.echo(f"与 {result.base[:8]}（{base} 与当前分支的分叉点）相比，{result.changed} 个督查事项文件有改动，"
                   "均为追加；全部校验通过。")
    if result.problems:
        ctx.exit(1)


@cli.command()
@click.option("--year", type=NUMBER, required=True, help="归档年度（按编号中的年份）。")
@today_option
@click.pass_context
def archive(ctx: click.Context, year: int, today: dt.date | None) -> None:
    """归档（注结销号）：为该年度已办结、已撤销的事项编档号，写入归档清单。"""
    from ducha.repo.archive import archive_year

    root = _root(ctx)
    result = archive_year(root, year, today or shanghai_today())
    for path, owed in result.waiting:
        click.echo(f"暂不归档 {path}：{owed}（office.yaml approvals 要求办结后完成）。")
    if not result.sealed:
        click.echo(f"{year} 年没有待归档的事项（已办结或已撤销且尚未归档）。")
        return
    for entry in result.sealed:
        click.echo(f"已归档 {entry.path}  档号 {entry.number}")
    assert result.manifest is not None
    click.echo(f"共归档 {len(result.sealed)} 件，清单：{result.manifest.relative_to(root).as_posix()}。"
               "请提交这些改动（git add cases && git commit），经审核合并后生效。")


@cli.command("verify")
@click.pass_context
def verify_command(ctx: click.Context) -> None:
    """核验：归档记录与归档清单一致、档号唯一且合规；封存和通报所依据的提交都还在提交历史中（发现被改写的历史）。"""
    from ducha.repo.verify import verify

    result = verify(_root(ctx))
    if result.problems:
        click.echo(problems_text(result.problems, result.checked + result.notices), nl=False)
        ctx.exit(1)
    click.echo(f"已核验 {result.checked} 份归档记录，全部与归档清单一致；{result.notices} 份通报和全部封存所依据的提交"
               "都在当前提交历史中。")


cli.add_command(verify_command, "verify-archive")  # the name it had before `verify` checked the history too


@cli.command("export-archive")
@click.option("--year", type=NUMBER, required=True, help="导出年度。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认：督查档案-年度.zip）。")
@click.pass_context
def export_archive_command(ctx: click.Context, year: int, output: Path | None) -> None:
    """导出年度档案包（zip）：记录原文、办理经过、完整提交历史、归档清单，脱离 git 也能保存查阅。"""
    from ducha.outputs.archive_package import export_archive

    target = output or Path(f"督查档案-{year}.zip")
    count = export_archive(_root(ctx), year, target)
    click.echo(f"已导出 {count} 件 {year} 年度档案：{target}")


@cli.command()
@click.option("--period", required=True, help="统计期间：2026-W12、2026-03、2026-Q1、2026-H1 或 2026。")
@today_option
@click.option("--format", "fmt", type=choices("md", "docx", "json"), default="md",
              help="输出格式：md（Markdown）、docx（Word 公文）、json。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（docx 必须指定；md/json 默认打印）。")
@click.option("--issue", is_flag=True, help="印发：把本期通报写成记录（notices/年份/），提交后不得修改。")
@click.option("--number", type=NUMBER, default=None, help="印发时的通报序号（当年第几号）。")
@click.option("--copy-to", multiple=True,
              help="docx 版记中的抄送机关，多个用顿号或逗号隔开（默认：office.yaml 的 wording.copy_to）。")
@click.option("--approver", default=None, help="印发时：同意印发的领导（office.yaml 启用通报审批时必填）。")
@click.pass_context
def report(ctx: click.Context, period: str, today: dt.date | None, fmt: str, output: Path | None, issue: bool,
           number: int | None, copy_to: tuple[str, ...], approver: str | None) -> None:
    """督查通报：总体情况、各单位排名、超期/退回/延期事项、回头看、拟表扬和拟批评名单。"""
    from ducha.intake.notice import issue_notice
    from ducha.io.atomic import write_file
    from ducha.load.office import load_office
    from ducha.outputs import text as reporters
    from ducha.repo.snapshot import report_for
    from ducha.rules.periods import parse_period

    root = _root(ctx)
    day = today or shanghai_today()
    if issue:
        if number is None:
            raise click.UsageError("印发通报须用 --number 指定序号，如 --number 12。")
        path = issue_notice(root, parse_period(period), day, number, approver)
        click.echo(f"已写入通报记录 {path.relative_to(root).as_posix()}：请核对后提交（git commit），经审核合并即为印发。")
        return
    result = report_for(root, parse_period(period), day)
    if fmt == "docx":
        from ducha.outputs.docx.period_report import write_docx

        if output is None:
            raise click.UsageError("docx 格式须用 -o 指定输出文件，如 -o 通报.docx。")
        office = load_office(root)
        write_docx(result, output, office.notice_rules.issuer, number, _units(copy_to) or office.wording.copy_to,
                   office.printing_office)
        click.echo(f"已生成 {output}")
        return
    text = reporters.report_json(result) if fmt == "json" else reporters.report_markdown(result)
    if output is not None:
        write_file(output, text)
        click.echo(f"已生成 {output}")
    else:
        click.echo(text, nl=False)


@cli.group()
def ledger() -> None:
    """台账：导出 Excel 给承办单位填报，再导入他们填报的进展和办理报告。"""


@ledger.command("export")
@today_option
@click.option("--year", type=NUMBER, default=None, help="只导出某年度立项的事项。")
@click.option("--unit", default=None, help="只导出某单位主办或协办的事项。")
@click.option("--by-unit", is_flag=True, help="每个单位一个工作表（含本单位主办和协办的事项）。")
@click.option("--all", "everything", is_flag=True, help="包括已办结、已撤销、已归档和尚未交办的事项（默认只导出在办和待审核的）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 .xlsx 文件。")
@click.pass_context
def ledger_export(ctx: click.Context, today: dt.date | None, year: int | None, unit: str | None, by_unit: bool,
                  everything: bool, output: Path) -> None:
    """导出督查事项台账（Excel）：默认只含在办和待审核的事项。"""
    from ducha.outputs.ledger import export_ledger

    root = _root(ctx)
    day = today or shanghai_today()
    office, cases = load_cases(root, as_of=day)
    check_unit(office, unit)
    result = export_ledger(office, cases, day, output, year, unit, by_unit, everything)
    click.echo(f"已导出 {result.rows} 项（{len(result.sheets)} 个工作表）：{output}")


@ledger.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="台账.xlsx")
@today_option
@click.option("--apply", is_flag=True, help="写入记录（默认只预览）。")
@click.pass_context
def ledger_import(ctx: click.Context, workbook: Path, today: dt.date | None, apply: bool) -> None:
    """导入承办单位填报的台账：默认预览将新增的内容和每一行的问题；--apply 才写入。"""
    from ducha.intake.ledger_import import import_ledger

    result = import_ledger(_root(ctx), workbook, today or shanghai_today(), apply)
    for action in result.actions:
        click.echo(terminal(f"{action.where}  {action.case_id}  {action.text}"))
    for ignored in result.ignored:
        click.echo(terminal(f"{ignored.where}  {ignored.text}"))
    if result.problems:
        click.echo(problems_text(result.problems, result.rows, summary=False), nl=False)
        click.echo(f"台账共 {result.rows} 行，发现 {len(result.problems)} 个问题。有问题的行须改正后重新导入；本次没有写入任何记录。")
        ctx.exit(1)
    changes = len(result.changes)
    if apply and changes:
        click.echo(f"已写入 {len(result.written)} 个文件（{changes} 项新增）。请核对后提交（git commit）。")
    elif changes:
        click.echo(f"预览：共 {changes} 项新增，未写入。确认无误后加 --apply 写入。")
    else:
        click.echo("没有需要新增的内容（已全部导入过）。")


@cli.command()
@click.option("--kind", type=choices("督办令", "约谈", "书面检查", "问责"), required=True, help="类别。")
@click.option("--unit", required=True, help="单位简称（督办令下达给主办单位）。")
@click.option("--case", "cases", multiple=True, required=True, help="涉及的督查事项编号；可重复填写多个。")
@click.option("--reason", required=True, help="事由：存在的问题、落实不力的情形。")
@click.option("--by", "by", required=True, help="签发人或主持人，如 副市长 林静。")
@click.option("--date", "day", type=DATE, default=None, help="日期（默认今天）。")
@click.option("--deadline", default=None, help="督办令的限期：5个工作日、10日或具体日期（督办令必填）。")
@click.option("--requirements", default=None, help="督办要求或整改要求。")
@click.option("--notice", default=None, help="依据的通报批评的发文字号（书面检查、约谈、问责）。")
@click.pass_context
def measure(ctx: click.Context, kind: str, unit: str, cases: tuple[str, ...], reason: str, by: str, day: dt.date | None,
            deadline: str | None, requirements: str | None, notice: str | None) -> None:
    """督查问责：下达督办令，记录约谈、书面检查、问责（写入 accountability/年份/，提交后不得修改）。"""
    from ducha.intake.measure import issue_measure

    root = _root(ctx)
    path = issue_measure(root, kind, unit, cases, reason, by, day or shanghai_today(), deadline, requirements, notice)
    click.echo(f"已写入{kind}记录 {path.relative_to(root).as_posix()}：请核对后提交（git commit），经审核合并即为下达（记录）。")


@cli.command()
@click.argument("case_id", metavar="编号")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="文件")
@click.option("--title", required=True, help="附件标题，如 市长批示件、办理报告（签章扫描件）。")
@click.option("--date", "day", type=DATE, default=None, help="登记日期（默认今天）。")
@click.option("--name", default=None, help="存放的文件名（默认沿用原文件名，空白换成 _）。")
@click.pass_context
def attach(ctx: click.Context, case_id: str, file: Path, title: str, day: dt.date | None, name: str | None) -> None:
    """登记附件：把文件复制到 attachments/年份/编号/，在记录中写明标题、类型、大小和 SHA-256。"""
    from ducha.intake.attach import attach as attach_file

    root = _root(ctx)
    done = attach_file(root, case_id, file, title, day or shanghai_today(), name, shanghai_today())
    click.echo(f"已登记附件 {done.path.relative_to(root).as_posix()}（{done.size} 字节，SHA-256 {done.sha256[:12]}…），"
               f"记录：{done.record.relative_to(root).as_posix()}。请核对后一并提交（git add -A && git commit）。")


@cli.command()
@click.argument("kind", type=choices("notice", "urge", "report", "order", notice=("通知单", "督查通知单"),
                                     urge=("催办单", "督查催办单"), report=("报告", "办理情况报告"), order=("督办令",)),
                metavar="文书")
@click.argument("case_id", metavar="编号")
@today_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认：编号-文书名.docx）。")
@click.option("--copy-to", multiple=True, help="版记中的抄送机关，多个用顿号或逗号隔开（默认：通知单、催办单抄送协办单位）。")
@click.pass_context
def doc(ctx: click.Context, kind: str, case_id: str, today: dt.date | None, output: Path | None,
        copy_to: tuple[str, ...]) -> None:
    """单个事项的文书：notice 督查通知单，urge 催办单（按灯色蓝/黄/红），report 办理情况报告；
    order 督办令（编号写督查问责记录的 年份-序号，如 2026-001）。"""
    from ducha.outputs.docx.case_documents import case_document, order_document

    if kind == "order":
        target = order_document(_root(ctx), case_id, today or shanghai_today(), output)
    else:
        target = case_document(_root(ctx), kind, case_id, today or shanghai_today(), output, _units(copy_to) or None)
    click.echo(f"已生成 {target}")


@cli.command()
@today_option
@click.option("--unit", default=None, help="只生成某单位的日历。")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build/calendars"),
              help="输出目录（默认 build/calendars）。")
@click.pass_context
def ics(ctx: click.Context, today: dt.date | None, unit: str | None, output: Path) -> None:
    """日历订阅文件（iCalendar）：到期日和回头看日期，每个单位一个，另有督查室总日历。"""
    from ducha.outputs.ics import feeds, write_feeds
    from ducha.rules.deadlines import status_board

    root = _root(ctx)
    day = today or shanghai_today()
    office, cases = load_cases(root, as_of=day)
    check_unit(office, unit)
    written = write_feeds(output, feeds(office, status_board(office, cases, day), day, unit))
    click.echo(f"已生成 {len(written)} 个日历文件：{output}")


def _profile_option(func: F) -> F:
    return click.option("--profile", type=PROFILES, default="internal",
                        help="发布范围：internal 督查室内部（全部），public 公开（不含「内部」事项和内部字段）。")(func)


def _prepare(ctx: click.Context, today: dt.date | None, profile: str) -> tuple[Path, Any]:
    from ducha.outputs.site.build import prepare

    root = _root(ctx)
    prepared = prepare(root, today or shanghai_today(), profile)
    for warning in prepared.warnings:
        click.echo(f"提示：{warning}", err=True)
    return root, prepared


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


@cli.command()
@today_option
@_profile_option
@click.pass_context
def pages(ctx: click.Context, today: dt.date | None, profile: str) -> None:
    """只生成站点的 Markdown 页面（写入 build/docs-发布范围/），供其他站点引擎构建。"""
    from ducha.outputs.site.build import total_pages, write

    root, prepared = _prepare(ctx, today, profile)
    docs = write(root, prepared)
    click.echo(f"已生成 {total_pages(prepared)} 个页面：{_shown(root, docs)}/")


@cli.command()
@today_option
@_profile_option
@click.pass_context
def build(ctx: click.Context, today: dt.date | None, profile: str) -> None:
    """构建内网站点：生成各页面后完整构建（不做增量构建，以保证搜索索引完整）。"""
    from ducha.outputs.site.build import assemble, pages_in_memory, run_mkdocs, total_pages

    root, prepared = _prepare(ctx, today, profile)
    assemble(root, prepared)
    with click.progressbar(length=total_pages(prepared), label="生成页面", file=sys.stderr) as bar:
        made = pages_in_memory(prepared, bar.update)
    click.echo("构建站点（MkDocs）……", err=True)
    target = run_mkdocs(root, prepared, made)
    click.echo(f"站点已生成：{_shown(root, target)}/index.html"
               f"（数据截至 {prepared.data.today}，{len(prepared.data.statuses)} 项）")
    office = prepared.data.office
    if profile == "internal" and office.cms is not None:  # the form page belongs to the internal site only
        from ducha.errors import UsageError
        from ducha.outputs.cms.admin import case_years, write_admin

        try:
            admin = write_admin(target / "admin", office, case_years(root, prepared.data.today), _vendor(root))
            click.echo(f"填报表单：{_shown(root, admin)}/index.html")
        except UsageError as error:
            click.echo(f"提示：未生成填报表单。{error}", err=True)


@cli.command()
@today_option
@_profile_option
@click.option("--port", type=NUMBER, default=8000, help="端口（只监听本机）。")
@click.pass_context
def serve(ctx: click.Context, today: dt.date | None, profile: str, port: int) -> None:
    """本机预览站点：修改 cases/ 下的记录后自动重新生成。"""
    from ducha.outputs.site.build import serve as serve_site

    click.echo(f"预览地址：http://127.0.0.1:{port}/ （按 Ctrl+C 停止）", err=True)
    serve_site(_root(ctx), today or shanghai_today(), profile, port, pin_day=today is not None)


@cli.command()
@today_option
@click.option("--send", "really", is_flag=True, help="发送（默认只预览，打印每一封邮件）。")
@click.option("--log", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="已发送记录目录（默认 reminders/）：同一天已发送过的收件方不再发送。")
@click.pass_context
def remind(ctx: click.Context, today: dt.date | None, really: bool, log: Path | None) -> None:
    """每日提醒：按单位（和督查室）汇总超期、临期、需续报、退回、待回头看的事项；默认预览，--send 发送。"""
    from ducha.outputs.remind import LOG_DIR, plan, preview, send

    root = _root(ctx)
    day = today or shanghai_today()
    found = plan(root, day)
    if not found.workday:
        click.echo(f"{day} 不是工作日（按办公日历），不发送提醒。")
        return
    if not found.digests:
        click.echo(f"{day} 没有需要提醒的事项。")
        return
    if not really:
        click.echo(preview(found.office, found.digests))
        click.echo(f"预览：共 {len(found.digests)} 份提醒，未发送。确认无误后加 --send 发送。")
        return
    words = {"sent": "已发送", "skipped": "今天已发送过，跳过", "none": "未设置收件人，未发送", "failed": "发送失败"}
    outcomes = send(found.office, found.digests, day, log or root / LOG_DIR, dict(os.environ))
    for outcome in outcomes:
        channel = "邮件" if outcome.channel == "mail" else "消息机器人"
        detail = f"：{outcome.detail}" if outcome.detail else ""
        click.echo(f"{channel}  {outcome.recipient}  {words[outcome.state]}{detail}")
    if any(o.state == "failed" for o in outcomes):
        click.echo("有提醒发送失败：检查 office.yaml 的 reminders 设置和网络后重新运行（已发送的不会重复发送）。", err=True)
        ctx.exit(1)


def _vendor(root: Path) -> Path:
    from ducha.outputs.cms.admin import VENDOR_DIR

    return Path(os.environ.get("DUCHA_VENDOR") or root / VENDOR_DIR)


@cli.command()
@today_option
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认 build/site/admin）。")
@click.option("--local-backend", default=None, metavar="URL",
              help="改连本机的 decap-server（如 http://127.0.0.1:8081/api/v1），用于试用和测试。")
@click.pass_context
def cms(ctx: click.Context, today: dt.date | None, output: Path | None, local_backend: str | None) -> None:
    """填报表单：在内网站点写入 /admin/ 页面（Decap CMS），按 case.schema.json 和 office.yaml 生成。"""
    from ducha.load.office import load_office
    from ducha.outputs.cms.admin import case_years, write_admin

    root = _root(ctx)
    office = load_office(root)
    target = output or root / "build" / "site" / "admin"
    write_admin(target, office, case_years(root, today or shanghai_today()), _vendor(root), local_backend)
    click.echo(f"填报表单已生成：{_shown(root, target)}/index.html")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ducha")
