"""The ``ducha`` command: its commands by name, and every failure turned into a Chinese message and an exit code.

The command line only parses options, calls one core function and prints its result; it is the
only place that reads the clock, touches the terminal, or turns errors into exit codes
(0 ok, 1 data problems found, 2 usage, 3 unexpected). Its modules:

- ``chinese``: Click speaking Chinese (its words, usage errors, help layout, command classes);
- ``params``: option values (dates, numbers, choices with Chinese names, units, ``--as-of``);
- ``edge``: the clock and the office's folder;
- the commands, by what they serve: ``records``, ``archive``, ``documents``, ``site``, ``reminders``,
  ``federation`` (上下联动).
"""

from __future__ import annotations

import errno
import importlib
import os
from pathlib import Path
from typing import Any

import click

from ducha.cli.chinese import ChineseGroup
from ducha.errors import DataError, DuchaError

#: Every command, as ``module:function`` in this package. A command's module is imported when it
#: runs (or when the help lists it): `ducha validate ONE_FILE` runs as a pre-commit check, and its
#: start-up is most of its cost; for the same reason each command imports its core in its body.
COMMANDS = {
    "validate": "records:validate",
    "status": "records:status",
    "history": "records:history",
    "new": "records:new",
    "attach": "records:attach",
    "init": "records:init",
    "schema": "records:schema",
    "mark-demo": "records:mark_demo",
    "guard": "archive:guard",
    "hook": "archive:hook",
    "anchor": "archive:anchor",
    "archive": "archive:archive",
    "verify": "archive:verify_command",
    "verify-archive": "archive:verify_command",  # the name it had before `verify` checked the history too
    "export-archive": "archive:export_archive_command",
    "report": "documents:report",
    "score": "documents:score",
    "doc": "documents:doc",
    "measure": "documents:measure",
    "outcome": "documents:outcome",
    "ledger": "documents:ledger",
    "pages": "site:pages",
    "build": "site:build",
    "serve": "site:serve",
    "cms": "site:cms",
    "intake": "federation:intake",
    "rollup": "federation:rollup",
    "share": "federation:share",
    "remind": "reminders:remind",
    "ics": "reminders:ics",
}


def emit_problems(error: DataError, fmt: str = "text") -> None:
    from ducha.outputs.problems import problems_json, problems_text

    if error.summary and fmt == "text":
        click.echo(problems_text(error.problems, 0, summary=False) + error.summary)
        return
    render = problems_json if fmt == "json" else problems_text
    click.echo(render(error.problems, error.checked_files or len({p.file for p in error.problems})), nl=False)


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


class DuchaGroup(ChineseGroup):
    """The commands of ``COMMANDS``, each loaded when named; turns every failure into a Chinese
    message and an exit code: 1 data, 2 usage, 3 unexpected."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name].split(":")
        found = getattr(importlib.import_module(f"ducha.cli.{module}"), name)
        assert isinstance(found, click.Command), COMMANDS[cmd_name]
        return found

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:  # Click suggests from the commands it holds: none yet
            raise click.exceptions.NoSuchCommand(error.command_name, possibilities=COMMANDS, ctx=ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
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



def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ducha")
