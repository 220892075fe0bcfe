"""The commands that keep the records: check them (validate), see where each stands (status,
history), write new ones (new, attach), and start an office (init; mark-demo, hidden, for the
demo repository's maintainers)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ducha.cli.chinese import command
from ducha.cli.edge import office_root, shanghai_today
from ducha.cli.params import DATE, IDENTIFIER, LIGHTS, check_unit, choices, today_option, unit_list
from ducha.model.categories import STANDARD_CATEGORIES


@command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[路径]...")
@click.option("--format", "fmt", type=choices("text", "json", text=("文字",)), default="text", help="输出格式。")
@today_option
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str, today: dt.date | None) -> None:
    """校验督查事项记录（默认 cases/ 下全部文件）。"""
    from ducha.load.validate import validate_files, validate_repository
    from ducha.outputs.problems import problems_json, problems_text

    root = office_root(ctx)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"找不到 {'、'.join(map(str, missing))}。")
    day = today or shanghai_today()
    result = validate_files(list(paths), root, day) if paths else validate_repository(root, day)
    render = problems_json if fmt == "json" else problems_text
    click.echo(render(result.problems, result.files), nl=False)
    if not result.ok:
        ctx.exit(1)


@command()
@today_option
@click.option("--unit", default=None, help="只看某单位主办或协办的事项。")
@click.option("--category", default=None, help="只看某一来源类型。")
@click.option("--light", type=LIGHTS, default=None, help="只看某一灯色（红灯、黄灯、绿灯、按期办结、超期办结，或 red 等代码）。")
@click.option("--format", "fmt", type=choices("table", "json", "csv", table=("表格",)), default="table", help="输出格式。")
@click.option("--offices", is_flag=True,
              help="下级督查室一览：交办各下级的事项按灯色、按期办结率、超期未办结，及其发布的本身总数（按上次 ducha rollup 读取的数据）。")
@click.pass_context
def status(ctx: click.Context, today: dt.date | None, unit: str | None, category: str | None,
           light: str | None, fmt: str, offices: bool) -> None:
    """各督查事项的办理阶段、到期日和红黄绿灯，最紧急的在前；交办下级督查室的事项另列下级办理情况。"""
    from ducha.load.records import load_cases
    from ducha.outputs import text as reporters
    from ducha.rules.deadlines import Light, status_board

    root = office_root(ctx)
    day = today or shanghai_today()
    office, cases = load_cases(root, as_of=day)  # "not in the future" is validate's and guard's check
    check_unit(office, unit)
    if offices:
        from ducha.outputs.offices import offices_text, rollup_json
        from ducha.repo.rollup import rollup

        below = rollup(root, office, cases, day)
        if fmt == "csv":
            raise click.UsageError("--offices 只能输出表格或 JSON（--format json）。")
        click.echo(rollup_json(below) if fmt == "json" else offices_text(below), nl=False)
        return
    board = status_board(office, cases, day, unit, category, Light(light) if light else None)
    if fmt == "json":
        click.echo(reporters.status_json(board), nl=False)
    elif fmt == "csv":
        click.echo(reporters.status_csv(board), nl=False)
    else:
        click.echo(reporters.status_table(board, color=sys.stdout.isatty()), nl=False)
        if office.subordinates:
            from ducha.outputs.offices import status_below
            from ducha.repo.rollup import rollup

            click.echo(status_below(board, rollup(root, office, cases, day)), nl=False)


@command()
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
    click.echo(f"已启用「{result.office}」：写入 office.yaml、schema/ 和站点设置 mkdocs.yml、site/，"
               f"删除示例数据 {len(result.removed)} 个文件。")
    for path in result.kept:
        click.echo(f"保留 {path}：它与示例数据清单中的内容不同（有人改过），请确认后自行处理。")
    click.echo("下一步：检查 office.yaml，然后提交（git add -A && git commit -m \"启用督查事项管理\"）。")


@command()
@click.pass_context
def schema(ctx: click.Context) -> None:
    """按 office.yaml 重写 schema/：编辑器据此提示本单位的来源类型和单位名录（另附通用格式 schema/standard/）。"""
    from ducha.intake.schemas import write_schemas

    written = write_schemas(office_root(ctx))
    if not written:
        click.echo("schema/ 已与 office.yaml 一致，没有改动。")
        return
    click.echo(f"已按 office.yaml 重写 {'、'.join(written)}。请与 office.yaml 的改动一并提交。")


@command("mark-demo", hidden=True)
@click.pass_context
def mark_demo(ctx: click.Context) -> None:
    """（示例仓库维护者用）把当前全部记录登记为示例数据，写入 DEMO.sha256。"""
    from ducha.intake.init import write_demo_list

    target = write_demo_list(office_root(ctx))
    click.echo(f"已写入 {target.name}。")


@command()
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
@click.option("--parent", type=IDENTIFIER, default=None, help="上级事项编号（分解立项时）。")
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

    root = office_root(ctx)
    assignment = Assignment(
        title=title, category=category, registered=registered or shanghai_today(), lead_unit=lead_unit,
        assigned=assigned, time_limit=time_limit, co_units=unit_list(co_units), owner=owner, leader=leader,
        instruction=instruction, doc_no=doc_no, meeting=meeting, requirements=requirements, parent=parent,
        visibility=visibility or "", notes=notes, priority=priority or "", approved_by=approved_by, approved=approved)
    made = new_case(root, assignment)
    click.echo(f"已新建 {made.id}：{made.path.relative_to(root).as_posix()}")


@command()
@click.argument("case_id", metavar="编号", type=IDENTIFIER)
@click.option("--format", "fmt", type=choices("text", "json", text=("文字",)), default="text", help="输出格式。")
@click.pass_context
def history(ctx: click.Context, case_id: str, fmt: str) -> None:
    """某督查事项的办理经过和审计记录（谁在何时改了什么、谁审核）。"""
    from ducha.load.validate import validate_paths
    from ducha.model.case import CASES_DIR, Case
    from ducha.outputs import text as reporters
    from ducha.repo.recorded import case_record
    from ducha.rules.late import LateEntry

    root = office_root(ctx)
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
    below, below_json = "", []
    if case is not None and result is not None and result.office is not None and result.office.subordinates:
        from ducha.outputs.offices import below_data, below_lines
        from ducha.repo.rollup import rollup

        found = rollup(root, result.office, [case], shanghai_today())
        lines = below_lines(found.below(case.id), found.waiting(case.id), case.id)
        below = f"\n下级办理情况（截至 {found.today}，各下级按自己的规则计算）\n" + "\n".join(lines) + "\n" if lines else ""
        below_json = [below_data(b) for b in found.below(case.id)]
    if fmt == "json":
        import json

        extra = {"below": below_json} if below_json else {}  # 下级办理情况, for a case delegated to a subordinate office
        click.echo(json.dumps({**trail.as_json(), "late": [e.as_json() for e in late], **extra}, ensure_ascii=False, indent=2))
        return
    if case is not None:
        click.echo(reporters.timeline_text(case, trail, late) + below, nl=False)
    else:
        click.echo(f"{case_id}（当前记录{'无法读取' if file.exists() else '已不存在'}，只显示审计记录）")
        click.echo(reporters.audit_text(trail))


@command()
@click.argument("case_id", metavar="编号", type=IDENTIFIER)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="文件")
@click.option("--title", required=True, help="附件标题，如 市长批示件、办理报告（签章扫描件）。")
@click.option("--date", "day", type=DATE, default=None, help="登记日期（默认今天）。")
@click.option("--name", default=None, help="存放的文件名（默认沿用原文件名，空白换成 _）。")
@click.pass_context
def attach(ctx: click.Context, case_id: str, file: Path, title: str, day: dt.date | None, name: str | None) -> None:
    """登记附件：把文件复制到 attachments/年份/编号/，在记录中写明标题、类型、大小和 SHA-256。"""
    from ducha.intake.attach import attach as attach_file

    root = office_root(ctx)
    done = attach_file(root, case_id, file, title, day or shanghai_today(), name, shanghai_today())
    click.echo(f"已登记附件 {done.path.relative_to(root).as_posix()}（{done.size} 字节，SHA-256 {done.sha256[:12]}…），"
               f"记录：{done.record.relative_to(root).as_posix()}。请核对后一并提交（git add -A && git commit）。")

