"""The commands for the papers the office issues and takes in: 通报 (report), 考核 scores (score), a case's
文书 (doc), 督查问责 records (measure), and the Excel 台账 sent out and filled in (ledger export, ledger import)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ducha.cli.chinese import ChineseGroup, command
from ducha.cli.edge import office_root, shanghai_today
from ducha.cli.params import DATE, IDENTIFIER, NUMBER, check_unit, choices, today_option, unit_list


@command()
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

    root = office_root(ctx)
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
        write_docx(result, output, office.notice_rules.issuer, number, unit_list(copy_to) or office.wording.copy_to,
                   office.printing_office)
        click.echo(f"已生成 {output}")
        return
    text = reporters.report_json(result) if fmt == "json" else reporters.report_markdown(result)
    if output is not None:
        write_file(output, text)
        click.echo(f"已生成 {output}")
    else:
        click.echo(text, nl=False)


@command()
@click.option("--period", required=True, help="考核期间：2026（全年）、2026-H1（半年）或 2026-Q1（季度）。")
@today_option
@click.option("--format", "fmt", type=choices("text", "json", "xlsx", "docx", text=("文字",)), default="text",
              help="输出格式：text（文字）、json、xlsx（每个单位一个工作表）、docx（公文）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（xlsx、docx 必须指定；text、json 默认打印）。")
@click.option("--issue", is_flag=True, help="印发：把本期最终得分写成记录（assessments/年份/），提交后不得修改。")
@click.option("--approver", default=None, help="印发时：同意印发考核结果的领导。")
@click.option("--offices", is_flag=True,
              help="下级督查室：按本室规则，以各下级自己的记录（上次 ducha rollup 读取的）为交办它的事项计分。")
@click.pass_context
def score(ctx: click.Context, period: str, today: dt.date | None, fmt: str, output: Path | None, issue: bool,
          approver: str | None, offices: bool) -> None:
    """量化考核：各单位在考核期间的得分，逐项列明事项、日期、计分规则和分值。"""
    from ducha.io.atomic import write_file
    from ducha.repo.snapshot import score_for
    from ducha.rules.periods import parse_period

    root = office_root(ctx)
    day = today or shanghai_today()
    if issue and offices:
        raise click.UsageError("下级督查室的得分暂不能印发（--issue 不能与 --offices 同用）：印发的考核结果只含本室的承办单位。")
    if issue:
        from ducha.intake.assessment import issue_assessment

        path = issue_assessment(root, parse_period(period), day, approver)
        click.echo(f"已写入考核结果 {path.relative_to(root).as_posix()}：请核对后提交（git commit），经审核合并即为印发。")
        return
    if fmt in ("xlsx", "docx") and output is None:
        raise click.UsageError(f"{fmt} 格式须用 -o 指定输出文件，如 -o 考核.{fmt}。")
    board = score_for(root, parse_period(period), day, offices)
    if fmt == "xlsx":
        from ducha.outputs.score_workbook import write_workbook

        assert output is not None
        write_workbook(board, output)
    elif fmt == "docx":
        from ducha.load.office import load_office
        from ducha.outputs.docx.assessment import write_docx

        assert output is not None
        office = load_office(root)
        write_docx(board, output, office.wording.copy_to, office.printing_office)
    else:
        from ducha.outputs.scores import board_json, board_text

        text = board_json(board) if fmt == "json" else board_text(board)
        if output is None:
            click.echo(text, nl=False)
            return
        write_file(output, text)
    click.echo(f"已生成 {output}")


@click.group(cls=ChineseGroup)
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
    from ducha.load.records import load_cases
    from ducha.outputs.ledger import export_ledger

    root = office_root(ctx)
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
    from ducha.outputs.problems import problems_text
    from ducha.outputs.safe import terminal

    result = import_ledger(office_root(ctx), workbook, today or shanghai_today(), apply)
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


@command()
@click.option("--kind", type=choices("督办令", "督查约谈", "约谈", "书面检查", "问责"), required=True,
              help="类别：督查约谈（督查中发现问题，有关领导约谈责任单位负责人）；"
                   "约谈（第2次通报批评后主要领导约谈主要负责人，须写 --notice）。")
@click.option("--unit", required=True, help="单位简称（督办令下达给主办单位）。")
@click.option("--case", "cases", type=IDENTIFIER, multiple=True, required=True, help="涉及的督查事项编号；可重复填写多个。")
@click.option("--reason", required=True, help="事由：存在的问题、落实不力的情形。")
@click.option("--by", "by", required=True, help="签发人或主持人，如 副市长 林静。")
@click.option("--date", "day", type=DATE, default=None, help="日期（默认今天）。")
@click.option("--deadline", default=None, help="督办令的限期：5个工作日、10日或具体日期（督办令必填）。")
@click.option("--requirements", default=None, help="督办要求或整改要求。")
@click.option("--notice", default=None, help="所答复的通报批评的发文字号（书面检查、约谈必填；问责按第3次及以后的通报批评作出的也写）。")
@click.pass_context
def measure(ctx: click.Context, kind: str, unit: str, cases: tuple[str, ...], reason: str, by: str, day: dt.date | None,
            deadline: str | None, requirements: str | None, notice: str | None) -> None:
    """督查问责：下达督办令，记录约谈、书面检查、问责（写入 accountability/年份/，提交后不得修改）。"""
    from ducha.intake.measure import issue_measure

    root = office_root(ctx)
    path = issue_measure(root, kind, unit, cases, reason, by, day or shanghai_today(), deadline, requirements, notice)
    click.echo(f"已写入{kind}记录 {path.relative_to(root).as_posix()}：请核对后提交（git commit），经审核合并即为下达（记录）。")


@command()
@click.argument("measure_id", metavar="编号")
@click.option("--result", required=True, help="处理结果，如 给予诫勉谈话。")
@click.option("--by", "by", required=True, help="作出决定的机关，如 市纪委监委。")
@click.option("--date", "day", type=DATE, default=None, help="作出决定的日期（默认今天）。")
@click.pass_context
def outcome(ctx: click.Context, measure_id: str, result: str, by: str, day: dt.date | None) -> None:
    """问责的处理结果：追加到问责记录（编号写 年份-序号，如 2026-001），只能追加一次。"""
    from ducha.intake.measure import append_outcome

    root = office_root(ctx)
    today = shanghai_today()
    path = append_outcome(root, measure_id, result, by, day or today, today)
    click.echo(f"已在 {path.relative_to(root).as_posix()} 中追加处理结果：请核对后提交（git commit），经审核合并后生效。")


@command()
@click.argument("kind", type=choices("notice", "urge", "report", "order", notice=("通知单", "督查通知单"),
                                     urge=("催办单", "督查催办单"), report=("报告", "办理情况报告"), order=("督办令",)),
                metavar="文书")
@click.argument("case_id", metavar="编号", type=IDENTIFIER)
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
        target = order_document(office_root(ctx), case_id, today or shanghai_today(), output)
    else:
        target = case_document(office_root(ctx), kind, case_id, today or shanghai_today(), output, unit_list(copy_to) or None)
    click.echo(f"已生成 {target}")

