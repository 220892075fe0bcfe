"""The commands for the intranet site: its pages (pages), the built site (build), a local
preview that rebuilds as records change (serve), and the form page for filling in records (cms)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from ducha.cli.chinese import command
from ducha.cli.edge import office_root, shanghai_today
from ducha.cli.params import NUMBER, profile_option, today_option


def _prepare(ctx: click.Context, today: dt.date | None, profile: str) -> tuple[Path, Any]:
    from ducha.outputs.site.prepare import prepare

    root = office_root(ctx)
    prepared = prepare(root, today or shanghai_today(), profile)
    for warning in prepared.warnings:
        click.echo(f"提示：{warning}", err=True)
    return root, prepared


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


@command()
@today_option
@profile_option
@click.pass_context
def pages(ctx: click.Context, today: dt.date | None, profile: str) -> None:
    """只生成站点的 Markdown 页面（写入 build/docs-发布范围/），供其他站点引擎构建。"""
    from ducha.outputs.site.build import total_pages, write_pages

    root, prepared = _prepare(ctx, today, profile)
    docs = write_pages(root, prepared)
    click.echo(f"已生成 {total_pages(prepared)} 个页面：{_shown(root, docs)}/")


@command()
@today_option
@profile_option
@click.pass_context
def build(ctx: click.Context, today: dt.date | None, profile: str) -> None:
    """构建内网站点（与在仓库根目录运行 mkdocs build 相同）：生成各页面后完整构建。"""
    from ducha.outputs.site.build import build_site, total_pages

    root, prepared = _prepare(ctx, today, profile)
    with click.progressbar(length=total_pages(prepared), label="生成页面并构建站点", file=sys.stderr) as bar:
        target = build_site(root, prepared, bar.update)
    click.echo(f"站点已生成：{_shown(root, target)}/index.html"
               f"（数据截至 {prepared.data.today}，{len(prepared.data.statuses)} 项）")
    if (target / "admin" / "index.html").is_file():
        click.echo(f"填报表单：{_shown(root, target / 'admin')}/index.html")


@command()
@today_option
@profile_option
@click.option("--port", type=NUMBER, default=8000, help="端口（只监听本机）。")
@click.option("--form", is_flag=True,
              help="同时在本机试用填报表单：启动 decap-server（表单的修改提交到本仓库的 cms/… 分支），停止预览时一并停止。")
@click.pass_context
def serve(ctx: click.Context, today: dt.date | None, profile: str, port: int, form: bool) -> None:
    """本机预览站点（与在仓库根目录运行 mkdocs serve 相同）：修改记录后自动更新。"""
    from ducha.load.office import load_office
    from ducha.outputs.site.build import serve as serve_site

    root = office_root(ctx)
    office = load_office(root)
    day = today or shanghai_today()
    if not form:
        click.echo(f"预览地址：http://127.0.0.1:{port}/ （按 Ctrl+C 停止）", err=True)
        serve_site(root, day, profile, port, pin_day=today is not None, office_name=office.name)
        return
    from ducha.outputs.cms.local_server import form_trial

    with form_trial(root, profile, _vendor(root), _decap_server(root)) as backend:
        click.echo(f"预览地址：http://127.0.0.1:{port}/ （按 Ctrl+C 停止）\n"
                   f"填报表单：http://127.0.0.1:{port}/admin/ （本机 decap-server：{backend.url}，"
                   "修改提交到本仓库的 cms/… 分支）", err=True)
        serve_site(root, day, profile, port, pin_day=today is not None, office_name=office.name, local_backend=backend.url)


def _vendor(root: Path) -> Path:
    from ducha.outputs.cms.admin import VENDOR_DIR

    return Path(os.environ.get("DUCHA_VENDOR") or root / VENDOR_DIR)


def _decap_server(root: Path) -> Path:
    from ducha.outputs.cms.local_server import PACKAGE_DIR

    return Path(os.environ.get("DUCHA_DECAP_SERVER") or root / PACKAGE_DIR)


@command()
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

    root = office_root(ctx)
    office = load_office(root)
    target = output or root / "build" / "site" / "admin"
    write_admin(target, office, case_years(root, today or shanghai_today()), _vendor(root), local_backend)
    click.echo(f"填报表单已生成：{_shown(root, target)}/index.html")

