"""The commands that keep the record whole: the merge-request check that records are only added
to (guard) and the server's own check of every push (hook), 归档 (archive), its verification
against the history (verify) and against anchors kept elsewhere (anchor), and the year's
archive package (export-archive)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ducha.cli.chinese import command
from ducha.cli.edge import beijing_now, hook_object_stores, office_root, shanghai_today
from ducha.cli.params import NUMBER, choices, today_option


@command()
@click.option("--base", required=True, help="比较的基准（目标分支或提交，如 origin/main）。")
@today_option
@click.option("--format", "fmt", type=choices("text", "json", text=("文字",)), default="text", help="输出格式。")
@click.pass_context
def guard(ctx: click.Context, base: str, today: dt.date | None, fmt: str) -> None:
    """合并请求检查：按合并进基准分支后的结果，记录只能追加，不能删除、改名、改写；记录与系统分开提交；已有事项的期限不变；提交中不得自带审核；并做全部校验。"""
    from ducha.outputs.problems import problems_json, problems_text
    from ducha.repo.guard import guard as run_guard

    result = run_guard(office_root(ctx), base, today or shanghai_today(), beijing_now())
    if fmt == "json":
        click.echo(problems_json(result.problems, result.changed), nl=False)
    elif result.problems:
        click.echo(problems_text(result.problems, result.changed), nl=False)
    else:
        where = (f"本分支合并进 {base}（{result.base[:8]}）后" if result.merged
                 else f"与 {base}（{result.base[:8]}）相比")
        click.echo(f"{where}，{result.changed} 个督查事项文件有改动，均为追加；全部校验通过。")
    if result.problems:
        ctx.exit(1)


@command()
@click.option("--year", type=NUMBER, required=True, help="归档年度（按编号中的年份）。")
@today_option
@click.pass_context
def archive(ctx: click.Context, year: int, today: dt.date | None) -> None:
    """归档（注结销号）：为该年度已办结、已撤销的事项编档号，写入归档清单。"""
    from ducha.repo.archive import archive_year
    from ducha.rules.registry import ARCHIVE_WAITS

    root = office_root(ctx)
    result = archive_year(root, year, today or shanghai_today())
    for path, owed in result.waiting:
        click.echo(f"暂不归档 {path}：{owed}。完成并记录后再归档：归档封存后不能再记录（{ARCHIVE_WAITS.clause}；"
                   f"office.yaml {ARCHIVE_WAITS.key}）。")
    if not result.sealed:
        click.echo(f"{year} 年没有待归档的事项（已办结或已撤销且尚未归档）。")
        return
    for entry in result.sealed:
        click.echo(f"已归档 {entry.path}  档号 {entry.number}")
    assert result.manifest is not None
    click.echo(f"共归档 {len(result.sealed)} 件，清单：{result.manifest.relative_to(root).as_posix()}。"
               "请提交这些改动（git add cases && git commit），经审核合并后生效。")


@command("verify")
@click.option("--anchor", "anchors", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="锚点文件（ducha anchor 生成，保存在仓库以外）：核验它记下的提交和记录仍在主线上。可写多次。")
@click.pass_context
def verify_command(ctx: click.Context, anchors: tuple[Path, ...]) -> None:
    """核验：归档记录与归档清单一致、档号唯一且合规；封存、通报和考核结果所依据的提交都还在提交历史中；主线提交都有审核服务器的签名；锚点仍在历史中。"""
    from ducha.outputs.problems import problems_text
    from ducha.repo.verify import verify

    result = verify(office_root(ctx), anchors)
    if result.problems:
        click.echo(problems_text(result.problems, result.checked + result.notices + result.assessments), nl=False)
        ctx.exit(1)
    assessments = f"、{result.assessments} 份考核结果" if result.assessments else ""
    click.echo(f"已核验 {result.checked} 份归档记录，全部与归档清单一致；{result.notices} 份通报{assessments}和全部封存所依据的提交"
               "都在当前提交历史中。")
    if result.signed is None:
        click.echo("office.yaml 没有登记审核服务器的签名公钥（review_signers）：主线提交的签名未核验，审核未经平台签名核验。")
    else:
        click.echo(f"自登记审核服务器的签名公钥起，主线上的 {result.signed} 个提交都有服务器的签名。")
    if result.anchors:
        click.echo(f"{result.anchors} 个锚点记下的提交仍在主线上，其中的记录与锚点一致。")


@command()
@click.option("--commit", "rev", default="HEAD", show_default=True, help="锚定的提交（分支名或提交号）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（默认打印）。")
@click.pass_context
def anchor(ctx: click.Context, rev: str, output: Path | None) -> None:
    """锚点：记下主线提交、记录份数和每份记录的 SHA-256，保存到仓库以外，日后用 ducha verify --anchor 核验历史未被改写。"""
    from ducha.io.atomic import write_file
    from ducha.repo.anchor import anchor_at

    found = anchor_at(office_root(ctx), rev)
    if output is None:
        click.echo(found.text(), nl=False)
        return
    write_file(output, found.text())
    click.echo(f"已写入锚点 {output}：提交 {found.commit[:12]}，{len(found.records)} 份记录，摘要 sha256:{found.digest}。"
               "请把它保存到仓库以外（另一台服务器、上级督查室、打印存档）。")


@command()
@click.argument("name", type=choices("pre-receive"))
@click.option("--branch", default="main", show_default=True, help="受保护的分支。")
@today_option
@click.pass_context
def hook(ctx: click.Context, name: str, branch: str, today: dt.date | None) -> None:
    """服务器端钩子：装在 Gitea/Forgejo 或 git 服务器上，拒绝删除和强制推送 main，并逐个检查推送到 main 的每个提交（见 README）。"""
    import sys

    from ducha.outputs.problems import problems_text
    from ducha.repo.hook import parse_updates, pre_receive

    refusals = pre_receive(hook_object_stores(), parse_updates(sys.stdin.read()), today or shanghai_today(), branch)
    for refusal in refusals:
        if refusal.commit:
            click.echo(f"提交 {refusal.commit[:8]}「{refusal.subject}」：")
        click.echo(problems_text(refusal.problems, 0, summary=False), nl=False)
    if refusals:
        click.echo(f"督查事项检查（ducha hook）拒绝了这次推送：{branch} 保持不变。")
        ctx.exit(1)


@command("export-archive")
@click.option("--year", type=NUMBER, required=True, help="导出年度。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认：督查档案-年度.zip）。")
@click.pass_context
def export_archive_command(ctx: click.Context, year: int, output: Path | None) -> None:
    """导出年度档案包（zip）：记录原文、办理经过、完整提交历史、归档清单，脱离 git 也能保存查阅。"""
    from ducha.outputs.archive_package import export_archive

    target = output or Path(f"督查档案-{year}.zip")
    count = export_archive(office_root(ctx), year, target)
    click.echo(f"已导出 {count} 件 {year} 年度档案：{target}")

