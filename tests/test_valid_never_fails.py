"""A record that passes validation can never make a command fail (issue 21, item 3).

Hypothesis writes offices and records at the edges of what validation lets through (dates in
2000 and 2099, the longest time limits, extensions on extensions, reopened rounds, a 督办令 with
the longest deadline, office numbers at their bounds), keeps those ``ducha validate`` accepts,
commits them to a real repository and runs every command on them with valid options: each ends
in 0 (done) or 1 (data problems found), never in a usage error (2), an internal error (3) or a
traceback. The default run tries a dozen offices; the ``soak`` run (``make soak``) many more, and the site build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ducha.cli import cli

from .gitrepo import GitRepo

UNITS = ("市住建局", "市教育局", "市财政局")
CATEGORIES = ("领导批示", "上级交办", "人大代表建议", "其他交办")
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
#: Time limits at the edges of what the one parser takes, and ordinary ones.
LIMITS = ("1个工作日", "5个工作日", "999个工作日", "1日", "3650日", "1个月", "120个月", "30日")


def _iso(day: dt.date) -> str:
    return day.isoformat()


@st.composite
def days(draw: st.DrawFn, after: dt.date, within: int = 400) -> dt.date:
    """A day from ``after`` on, mostly close to it, never past the last year a record may name."""
    span = (LAST - after).days
    if span <= 0:
        return LAST
    step = draw(st.one_of(st.integers(0, min(within, span)), st.just(span), st.integers(0, span)))
    return after + dt.timedelta(days=step)


@st.composite
def offices(draw: st.DrawFn) -> str:
    """office.yaml with settings at their bounds."""
    lines = ["name: 测试市督查室", "prefix: DC", "units:"]
    lines += [f"  - name: {u}\n    full_name: 测试{u}" for u in UNITS]
    lines.append("categories:")
    for category in CATEGORIES:
        lines.append(f"  {category}:\n    time_limit: {draw(st.sampled_from(LIMITS))}")
        if draw(st.booleans()):
            lines.append(f"    max_extension: {draw(st.sampled_from(LIMITS[3:]))}")
        if draw(st.booleans()):
            effective = draw(days(FIRST, within=40000))
            lines.append(f"    revisions:\n      - effective_from: {_iso(effective)}\n"
                         f"        time_limit: {draw(st.sampled_from(LIMITS))}")
    numbers = {"yellow_days": (0, 99), "late_entry_workdays": (1, 10), "progress_interval_days": (1, 3650),
               "followup_after_days": (1, 3650)}
    for key, (least, most) in numbers.items():
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(st.sampled_from([least, most]))}")
    if draw(st.booleans()):
        lines.append(f"adopted_on: {_iso(draw(days(FIRST, within=40000)))}")
    if draw(st.booleans()):
        lines.append("priorities:\n  急:\n    yellow_days: 99\n    followup_after_days: 3650")
    if draw(st.booleans()):
        lines.append(f"receipt:\n  time_limit: {draw(st.sampled_from(LIMITS))}")
    if draw(st.booleans()):
        lines.append("approvals:\n  reading:\n    categories: [领导批示]\n  report_back:\n    categories: [上级交办]")
    if draw(st.booleans()):
        lines.append("followup_for:\n  categories: [领导批示, 上级交办]")
    if draw(st.booleans()):
        lines.append("notice_rules:\n  criticise_after_order_workdays: 1\n  criticise_overdue_workdays: 1\n"
                     "  criticise_returns: 1\n  praise_min_items: 1")
    if draw(st.booleans()):
        year = draw(st.integers(2030, 2099))
        lines.append(f'holiday_overrides:\n  "{year}":\n    holidays: [{year}-01-01, {year}-10-01/{year}-10-07]\n'
                     f"    workdays: [{year}-10-10]")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Written:
    """A generated record: its text, its id, the last day it names, and its 主办单位 (if assigned)."""

    id: str
    text: str
    last: dt.date
    lead: str | None
    assigned: dt.date | None


@st.composite
def cases(draw: st.DrawFn, number: int) -> Written:
    """One case, from 立项 alone to a closed, reopened, extended, reviewed case, dated anywhere in the years."""
    registered = draw(days(FIRST, within=40000))
    case_id = f"DC-{registered.year}-{number:04d}"
    category = draw(st.sampled_from(CATEGORIES))
    lines = [f"id: {case_id}", f"title: 事项{number}", f"category: {category}", f"registered: {_iso(registered)}"]
    if draw(st.booleans()):
        lines.append(f"priority: {draw(st.sampled_from(['急', '重点']))}")
    last = registered
    if not draw(st.integers(0, 5)):
        return Written(case_id, "\n".join(lines) + "\n", last, None, None)
    assigned = draw(days(registered, within=10))
    lead = draw(st.sampled_from(UNITS))
    co = [u for u in UNITS if u != lead][: draw(st.integers(0, 2))]
    lines += [f"assigned: {_iso(assigned)}", f"lead_unit: {lead}", "owner: 孙立新", "requirements: 按要求办理。"]
    if co:
        lines.append(f"co_units: [{', '.join(co)}]")
    if draw(st.booleans()):
        lines.append(f"time_limit: {draw(st.sampled_from(LIMITS))}")
    last = assigned
    logs: dict[str, list[str]] = {}
    happened = [assigned]

    def entry(key: str, **fields: str) -> None:
        body = "\n".join(f"    {k}: {v}" for k, v in fields.items())
        logs.setdefault(key, []).append("  - " + body.lstrip())
        happened.extend(dt.date.fromisoformat(fields[k]) for k in ("date", "requested", "approved") if k in fields)

    day = assigned
    if draw(st.booleans()):
        entry("receipts", date=_iso(day), unit=lead, by="张三")
    for _ in range(draw(st.integers(0, 2))):
        day = draw(days(day, within=60))
        entry("progress", date=_iso(day), by=lead, summary="推进中。")
    if draw(st.booleans()):
        day = draw(days(day, within=30))
        entry("urges", date=_iso(day), method=draw(st.sampled_from(["电话催办", "督办令"])))
    for _ in range(draw(st.integers(0, 2))):
        day = draw(days(day, within=30))
        term = {"until": _iso(draw(days(day, within=4000)))} if draw(st.booleans()) else \
            {"time_limit": draw(st.sampled_from(LIMITS))}
        approval = {"approved": _iso(draw(days(day, within=5))), "approved_by": "副市长 林静"} if draw(st.booleans()) else {}
        entry("extensions", requested=_iso(day), reason="情况复杂。", **term, **approval)
        if approval:
            day = max(day, dt.date.fromisoformat(approval["approved"]))
    passed = False
    for _ in range(draw(st.integers(0, 2))):
        day = draw(days(day, within=60))
        entry("reports", date=_iso(day), doc_no="测〔2026〕1号", signer="吴永强", summary="办结。")
        if draw(st.integers(0, 3)):
            day = draw(days(day, within=10))
            passed = draw(st.booleans())
            entry("reviews", date=_iso(day), reviewer="王晓峰", result="通过" if passed else "退回", opinion="请补充。")
            if passed:
                break
        else:
            break
    if passed and draw(st.booleans()):
        day = draw(days(day, within=120))
        if draw(st.booleans()):
            entry("followups", date=_iso(day), by="督查室", finding="整改不到位。", result="整改不到位",
                  time_limit=draw(st.sampled_from(LIMITS)))
        else:
            entry("followups", date=_iso(day), by="督查室", finding="已整改。", result="整改到位")
            if draw(st.booleans()):
                entry("readings", date=_iso(draw(days(day, within=10))), leader="副市长 林静")
    for key, entries in logs.items():
        lines.append(f"{key}:")
        lines += entries
    last = max(happened)
    if draw(st.integers(0, 9)) == 0:
        cancel = draw(days(last, within=30))
        lines.append(f"cancelled:\n  date: {_iso(cancel)}\n  reason: 已不需办理。\n  approved_by: 副市长 林静")
        last = cancel
    return Written(case_id, "\n".join(lines) + "\n", last, lead, assigned)


@st.composite
def offices_with_records(draw: st.DrawFn) -> tuple[str, list[Written], str | None, dt.date]:
    """An office, a few cases, perhaps a 督办令 on one of them, and a valid today (on or after every date)."""
    office = draw(offices())
    written = [draw(cases(n)) for n in range(1, draw(st.integers(1, 3)) + 1)]
    written = list({w.id: w for w in written}.values())
    last = max(w.last for w in written)
    order = None
    assigned = [w for w in written if w.lead is not None and w.assigned is not None]
    ordered: bool = draw(st.booleans())
    if assigned and ordered:
        target = draw(st.sampled_from(assigned))
        assert target.assigned is not None
        day = draw(days(target.assigned, within=30))
        last = max(last, day)
        order = (f'number: "1"\nkind: 督办令\ndoc_no: 测督令〔{day.year}〕1号\ndate: {_iso(day)}\nunit: {target.lead}\n'
                 f"cases: [{target.id}]\nreason: 进展缓慢。\ndeadline: {draw(st.sampled_from(LIMITS))}\nby: 副市长 林静\n")
    today = draw(days(last, within=400))
    return office, written, order, today


#: A repository with nothing in it yet, copied for every example (git init costs more than the copy).
@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("valid") / "repo")
    return repo.root


#: The file the examples register as an attachment.
ATTACHMENT = "批示件.pdf"


def _commands(written: list[Written], order: str | None, today: dt.date, out: Path, site: bool) -> list[list[str]]:
    """Every command, with options a user may give on these records."""
    day = _iso(today)
    some = written[0].id
    # The costly outputs (DOCX, pages) in one of their forms per example, taking turns.
    turn = today.toordinal() % 2
    found = [["validate", "--today", day], ["status", "--today", day, "--format", "csv", "--unit", UNITS[0]],
             ["status", "--today", day, "--format", "json"], ["history", some, "--format", "json"],
             ["report", "--period", f"{today:%Y-%m}", "--today", day, "--format", "json"],
             ["report", "--period", str(today.year), "--today", day, *(["--format", "docx", "-o", str(out / "r.docx")]
                                                                       if turn else [])],
             ["ledger", "export", "--all", "--today", day, "-o", str(out / "l.xlsx")],
             ["ics", "--today", day, "-o", str(out / "c.ics")],
             ["pages", "--today", day, "--profile", ("internal", "public")[turn]],
             ["ledger", "import", str(out / "l.xlsx"), "--today", day],
             ["remind", "--today", day], ["guard", "--base", "main", "--today", day], ["verify"],
             ["anchor", "-o", str(out / "anchor.txt")], ["verify", "--anchor", str(out / "anchor.txt")]]
    for number, w in enumerate(written):
        if w.lead is not None:  # one document per case, each kind in turn (each costs a DOCX)
            kind = ("通知单", "催办单", "报告")[(number + today.toordinal()) % 3]
            found.append(["doc", kind, w.id, "--today", day, "-o", str(out / f"{w.id}.docx")])
    if order is not None:
        found.append(["doc", "order", f"{order.split('date: ')[1][:4]}-001", "--today", day, "-o", str(out / "o.docx")])
    if site:
        found.append(["build", "--today", day])
    # Last, what writes records: a new case, an attachment, a 督查问责 record on an assigned case, the year's seals.
    found.append(["new", "--title", "新事项", "--category", "其他交办", "--registered", day])
    found.append(["attach", some, str(out / ATTACHMENT), "--title", "批示件", "--date", day])
    for w in written:
        if w.lead is not None:
            found.append(["measure", "--kind", "督查约谈", "--unit", w.lead, "--case", w.id, "--reason", "进展缓慢。",
                          "--by", "副市长 林静", "--date", day])
            break
    return found + [["archive", "--year", some.split("-")[1], "--today", day]]


def _not_for_this_case(args: list[str], output: str) -> bool:
    """A document asked of a case whose stage does not call for it (a 催办单 for a closed case): a usage error."""
    return args[0] == "doc" and output.startswith(f"错误：{args[2]} 目前为「")


def _check(empty: Path, office: str, written: list[Written], order: str | None, today: dt.date, site: bool,
           issued: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        shutil.copytree(empty, root)
        (root / "office.yaml").write_text(office, encoding="utf-8")
        for w in written:
            target = root / "cases" / w.id.split("-")[1] / f"{w.id}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(w.text, encoding="utf-8")
        if order is not None:
            year = order.split("date: ")[1][:4]
            (root / "accountability" / year).mkdir(parents=True)
            (root / "accountability" / year / f"{year}-001.yaml").write_text(order, encoding="utf-8")
        runner = CliRunner()
        valid = runner.invoke(cli, ["--root", str(root), "validate", "--today", _iso(today)])
        assume(valid.exit_code == 0)
        stamp = f"{_iso(today)}T09:00:00+08:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": "张三", "GIT_AUTHOR_EMAIL": "z@x.cn",
               "GIT_COMMITTER_NAME": "张三", "GIT_COMMITTER_EMAIL": "z@x.cn", "PATH": "/usr/bin:/bin"}
        subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
        subprocess.run(["git", "commit", "-q", "-m", "记录"], cwd=root, check=True, env=env)
        if issued:  # a 通报 of the year naming that commit, and a 督查专报
            commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, env=env, capture_output=True,
                                    text=True).stdout.strip()
            year_of = str(today.year)
            notice = (f'number: "1"\ndoc_no: 测督查〔{year_of}〕1号\ndate: {_iso(today)}\nperiod: "{year_of}"\n'
                      f"data_commit: {commit}\npraised: []\ncriticised: []\n")
            bulletin = f'number: "1"\ndate: {_iso(today)}\ntitle: 督查专报\nreports_problem: 是\n'
            for kind, text in (("notices", notice), ("bulletins", bulletin)):
                (root / kind / year_of).mkdir(parents=True)
                (root / kind / year_of / f"{year_of}-001.yaml").write_text(text, encoding="utf-8")
            subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
            subprocess.run(["git", "commit", "-q", "-m", "印发"], cwd=root, check=True, env=env)
        out = Path(folder) / "out"
        out.mkdir()
        (out / ATTACHMENT).write_bytes(b"%PDF-1.4\n%%EOF\n")
        for args in _commands(written, order, today, out, site):
            result = runner.invoke(cli, ["--root", str(root), *args], prog_name="ducha")
            detail = f"ducha {' '.join(args)} → {result.exit_code}\n{result.output}\n--- office.yaml\n{office}" + "".join(
                f"--- {w.id}\n{w.text}" for w in written) + (f"--- 督办令\n{order}" if order else "")
            assert result.exit_code in (0, 1) or (result.exit_code == 2 and _not_for_this_case(args, result.output)), detail
            assert isinstance(result.exception, (SystemExit, type(None))), detail
            if args[0] in ("status", "history") and "json" in args:
                json.loads(result.output)
        sealed = sorted(root.glob("cases/*/ARCHIVE.sha256"))
        for manifest in sealed:  # what `archive` sealed can be exported
            result = runner.invoke(cli, ["--root", str(root), "export-archive", "--year", manifest.parent.name,
                                         "-o", str(out / "a.zip")])
            assert result.exit_code in (0, 1), result.output


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(generated=offices_with_records(), issued=st.booleans())
def test_no_command_fails_on_a_valid_office(empty: Path, generated: tuple[str, list[Written], str | None, dt.date],
                                            issued: bool) -> None:
    _check(empty, *generated, site=False, issued=issued)


@pytest.mark.soak
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(generated=offices_with_records(), site=st.integers(0, 19), issued=st.booleans())
def test_no_command_fails_on_many_valid_offices(empty: Path, generated: tuple[str, list[Written], str | None, dt.date],
                                                site: int, issued: bool) -> None:
    _check(empty, *generated, site=site == 0, issued=issued)
