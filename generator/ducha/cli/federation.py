"""The commands of 上下联动 (offices in a chain, each with its own repository): take in the tasks the superior
assigned here (intake), read how the subordinate offices handle the tasks assigned to them (rollup), publish
for each neighbour only what it may read (share)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ducha.cli.chinese import command
from ducha.cli.edge import beijing_now, office_root, shanghai_today
from ducha.cli.params import choices, today_option


@command()
@today_option
@click.option("--no-fetch", is_flag=True, help="不读取上级仓库，用上次读取的数据。")
@click.option("--record", "record", multiple=True, metavar="编号",
              help="为该事项（本室或上级的编号）登记上级的变化（追加一条上级变更）；可重复填写。")
@click.pass_context
def intake(ctx: click.Context, today: dt.date | None, no_fetch: bool, record: tuple[str, ...]) -> None:
    """登记上级交办的事项：读取上级督查室的仓库，为交办本室、尚未登记的事项各写一个新事项文件（只写文件，经合并请求提交）。"""
    from ducha.intake.upstream import intake as take_in
    from ducha.intake.upstream import record_changes
    from ducha.outputs.present import reading_flags, reading_text
    from ducha.outputs.safe import terminal

    root = office_root(ctx)
    day, now = today or shanghai_today(), None if no_fetch else beijing_now()
    result = record_changes(root, record, day, now) if record else take_in(root, day, now)
    above = result.above
    click.echo(terminal(f"上级「{above.reading.name}」：{reading_text(above.reading)}。"))
    for flag in reading_flags(above.reading):
        click.echo(terminal(f"注意：{flag}。"))
    for note in above.notes:
        click.echo(terminal(f"注意：{note}"))
    for lost in result.lost:
        click.echo(terminal(f"注意：{lost.case_id} 登记时读取的上级提交 {lost.cited.commit[:8]} 已不在上级的提交历史中："
                            "上级的历史被改写过，请与上级核实该事项。"))
    for taken in result.written:
        d = taken.above
        due = f"，上级到期日 {d.status.due}" if d.status.due else ""
        click.echo(terminal(f"已登记 {taken.id}：上级 {d.case.id} {d.case.title}{due} → "
                            f"{taken.path.relative_to(root).as_posix()}"))
    if result.known:
        click.echo(f"已登记过的上级事项 {len(result.known)} 个，不重复登记。")
    for change in result.changes:
        if change.case_id in result.recorded:
            click.echo(terminal(f"已登记上级变更 {change.case_id}：{'；'.join(change.summary)}。"))
            continue
        click.echo(terminal(f"上级事项有变化（本室记录未改动）：{change.case_id}（上级 {change.above.case.id}）："
                            f"{'；'.join(change.summary)}。"))
        for advice in change.advice:
            click.echo(terminal(f"    {advice}"))
        click.echo(f"    知悉后登记：ducha intake --record {change.case_id}")
    if result.written or result.recorded:
        click.echo("请核对后提交（git add cases && git commit），经审核合并后生效。")
    elif not result.changes and above.office is not None:
        click.echo("没有新的上级交办事项。")


@command()
@today_option
@click.option("--no-fetch", is_flag=True, help="不读取下级仓库，用上次读取的数据。")
@click.option("--format", "fmt", type=choices("text", "json", text=("文字",)), default="text", help="输出格式。")
@click.option("--accept", "accept", multiple=True, metavar="编号",
              help="采用下级审核通过的办理报告（按上次读取的数据，不再读取）：在本室该事项末尾追加一份办理报告，注明下级的提交和校验值；可重复填写。")
@click.option("--accept-rewrite", "accept_rewrite", multiple=True, metavar="名称",
              help="核实后接受该下级督查室改写后的历史（不再标明「历史被改写」）。")
@click.pass_context
def rollup(ctx: click.Context, today: dt.date | None, no_fetch: bool, fmt: str, accept: tuple[str, ...],
           accept_rewrite: tuple[str, ...]) -> None:
    """读取各下级督查室的仓库：交办下级的事项，按下级自己的规则计算的阶段、灯色和到期日，及其审核通过的办理报告。"""
    from ducha.load.records import load_cases
    from ducha.outputs.offices import offices_text, rollup_json
    from ducha.repo.offices import accept_rewrite as trust_rewrite
    from ducha.repo.rollup import rollup as read_rollup

    root = office_root(ctx)
    day = today or shanghai_today()
    office, cases = load_cases(root, as_of=day)
    for name in accept_rewrite:
        neighbour = office.subordinate(name)
        if neighbour is None:
            raise click.UsageError(f"「{name}」不是 office.yaml 中的下级督查室。")
        trust_rewrite(root, neighbour)
    result = read_rollup(root, office, cases, day, None if no_fetch or accept_rewrite or accept else beijing_now())
    if accept:
        from ducha.intake.accept import accept_reports
        from ducha.outputs.safe import terminal

        for done in accept_reports(root, office, cases, result, accept, day):
            below = done.below
            click.echo(terminal(f"已在 {done.case_id} 追加办理报告：采用 {below.office} {below.case.id} 审核通过的报告"
                                f"（提交 {below.commit[:8]}，{done.path.relative_to(root).as_posix()}）。"))
        click.echo("请审核这份报告（在 reviews 中追加审核），核对后提交（git add cases && git commit），经审核合并后生效。")
        return
    click.echo(rollup_json(result) if fmt == "json" else offices_text(result), nl=False)


@command()
@today_option
@click.option("--bundle", "bundles", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="目录",
              help="同时把每份共享写成 git bundle 文件（名称.bundle），供人工带到隔离的网络。")
@click.pass_context
def share(ctx: click.Context, today: dt.date | None, bundles: Path | None) -> None:
    """为每个上级、下级督查室发布它可以读取的记录（只含双方往来的事项），写入 refs/ducha/share/名称。"""
    from ducha.outputs.safe import terminal
    from ducha.repo.share import share as publish

    root = office_root(ctx)
    for shared in publish(root, today or shanghai_today(), bundles):
        state = "已更新" if shared.new else "无变化"
        where = f"，bundle：{shared.bundle}" if shared.bundle else ""
        click.echo(terminal(f"共享给「{shared.neighbour}」：{shared.ref}（{state}，提交 {shared.commit[:8]}，"
                            f"{len(shared.cases)} 个事项{where}）"))
    click.echo("对方在 office.yaml 中写 remote（本室发布共享的仓库地址或 bundle 文件）和 ref（上面的引用名，"
               "推送到共享仓库时为分支名）。见 README「上下联动」。")
