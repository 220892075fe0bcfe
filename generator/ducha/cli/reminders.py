"""The commands that remind people of what is due: the daily reminder by mail or message robot
(remind) and calendar feeds of due dates and 回头看 dates to subscribe to (ics)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from ducha.cli.chinese import command
from ducha.cli.edge import office_root, shanghai_today
from ducha.cli.params import check_unit, today_option


@command()
@today_option
@click.option("--send", "really", is_flag=True, help="发送（默认只预览，打印每一封邮件）。")
@click.option("--log", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="已发送记录目录（默认 reminders/）：同一天已发送过的收件方不再发送。")
@click.pass_context
def remind(ctx: click.Context, today: dt.date | None, really: bool, log: Path | None) -> None:
    """每日提醒：按单位（和督查室）汇总超期、临期、需续报、退回、待回头看的事项；默认预览，--send 发送。"""
    from ducha.outputs.remind import LOG_DIR, plan, preview, send

    root = office_root(ctx)
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


@command()
@today_option
@click.option("--unit", default=None, help="只生成某单位的日历。")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build/calendars"),
              help="输出目录（默认 build/calendars）。")
@click.pass_context
def ics(ctx: click.Context, today: dt.date | None, unit: str | None, output: Path) -> None:
    """日历订阅文件（iCalendar）：到期日和回头看日期，每个单位一个，另有督查室总日历。"""
    from ducha.load.records import load_cases
    from ducha.outputs.ics import feeds, write_feeds
    from ducha.rules.deadlines import status_board

    root = office_root(ctx)
    day = today or shanghai_today()
    office, cases = load_cases(root, as_of=day)
    check_unit(office, unit)
    written = write_feeds(output, feeds(office, status_board(office, cases, day), day, unit))
    click.echo(f"已生成 {len(written)} 个日历文件：{output}")

