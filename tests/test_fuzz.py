"""No command crashes on any input: hypothesis generates records and options, every exit code is 0, 1 or 2.

Exit code 3 is ducha's "unexpected" (a bug caught at the last line of defence); a traceback
is a bug that was not even caught. Neither may happen, whatever a record or an option says.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ducha.cli import cli

from .gitrepo import GitRepo

#: Values that have broken parsers, spreadsheets, calendars and file systems before.
NASTY = ["", " ", "\u3000", "=1+1", "=HYPERLINK(\"http://x\")", "-", "@", "+", "\x00", "\r", "\r\n", "\n", "\t", "\x1b[2J",
         "\u200b", "\u202e", "\ufeff", "index", "督查事项", "市住建局", "市住建局\u200b", "'", '"', ":", ": ", "- a", "[", "]",
         "{", "}", "*a", "&a", "!!python/object", "#", "|", ">", "%", "`", "…", "2026-02-30", "2026-13-01", "9999-12-31",
         "0000-01-01", "2026-03-02", "0", "-1", "1e400", "no", "~", "null", "5个工作日", "0个工作日", "99999个月",
         "2026-W99", "2026-Q5", "2026-H3", "../../etc/passwd", "/", "DC-2026-0001", "DC-2026-9999", "领导批示", "红灯",
         "通过", "退回", "内部", "a" * 300, "[" * 40 + "]" * 40]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=24)
VALUE = st.one_of(st.sampled_from(NASTY), TEXT)
DATE = st.one_of(st.sampled_from(["2026-03-02", "2026-03-05", "2026-11-23", "2025-12-31", "2026-02-30"]), VALUE)

BASE: dict[str, object] = {
    "id": "DC-2026-0001", "title": "燃气安全隐患排查", "category": "领导批示", "registered": "2026-03-02",
    "assigned": "2026-03-02", "lead_unit": "市住建局", "co_units": ["市财政局"], "time_limit": "5个工作日",
    "owner": "孙立新", "requirements": "排查餐饮场所燃气隐患。", "notes": "无",
    "progress": [{"date": "2026-03-04", "by": "市住建局", "summary": "已排查。"}],
    "reports": [{"date": "2026-03-06", "doc_no": "测建〔2026〕1号", "signer": "吴永强", "summary": "排查完毕。"}],
    "reviews": [{"date": "2026-03-09", "reviewer": "王晓峰", "result": "通过"}],
}


def _scalar(value: str, raw: bool) -> str:
    return value.replace("\n", " ") if raw else json.dumps(value, ensure_ascii=False)


def _render(data: dict[str, object], raw: frozenset[str]) -> str:
    """YAML text for ``data``: quoted (always parses) or, for keys in ``raw``, pasted as is (may not)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            for entry in value:
                for n, (field, text) in enumerate(entry.items()):
                    lines.append(f"{'  - ' if n == 0 else '    '}{field}: {_scalar(str(text), key in raw)}")
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_scalar(str(v), key in raw) for v in value)}]")
        else:
            lines.append(f"{key}: {_scalar(str(value), key in raw)}")
    return "\n".join(lines) + "\n"


@st.composite
def records(draw: st.DrawFn) -> str:
    """A record near a valid one: some fields replaced by nasty values, some pasted unquoted."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))  # or anything at all
    data: dict[str, object] = json.loads(json.dumps(BASE))
    for key in draw(st.lists(st.sampled_from(sorted(BASE)), max_size=4, unique=True)):
        if isinstance(data[key], list) and data[key] and isinstance(data[key][0], dict):  # type: ignore[index]
            entry = data[key][0]  # type: ignore[index]
            entry[draw(st.sampled_from(sorted(entry)))] = draw(VALUE)
        elif isinstance(data[key], list):
            data[key] = draw(st.lists(VALUE, max_size=3))
        else:
            data[key] = draw(VALUE)
    if draw(st.booleans()):
        data.pop(draw(st.sampled_from(sorted(data))))
    raw = frozenset(draw(st.lists(st.sampled_from(sorted(data)), max_size=2)))
    return _render(data, raw)


def _usually(*plausible: str) -> st.SearchStrategy[str]:
    """Mostly values a user would type, sometimes anything: both paths must hold."""
    return st.one_of(st.sampled_from(plausible), st.sampled_from(plausible), st.sampled_from(plausible), VALUE)


def commands(folder: Path) -> st.SearchStrategy[list[str]]:
    out = str(folder / "out")

    def opt(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
        return st.one_of(st.just([]), values.map(lambda v: [name, v]))

    today = opt("--today", _usually("2026-03-03", "2026-03-20", "2026-11-23", "2025-06-01"))
    unit = opt("--unit", _usually("市住建局", "市财政局", "市教育局", "住建局"))
    year = opt("--year", _usually("2026", "2025", "2027"))
    case_id = _usually("DC-2026-0001", "DC-2026-0002")
    forms = [
        st.tuples(st.just(["validate"]), opt("--format", _usually("text", "json")), today),
        st.tuples(st.just(["status"]), unit, opt("--light", _usually("红灯", "red", "按期办结", "done")),
                  opt("--category", _usually("领导批示", "上级交办")), opt("--format", _usually("table", "json", "csv")),
                  today),
        st.tuples(st.just(["report", "--period"]), _usually("2026", "2026-03", "2026-Q1", "2026-W10").map(lambda v: [v]),
                  opt("--format", st.sampled_from(["md", "json", "docx"])), st.just(["-o", out]), today),
        st.tuples(st.just(["ledger", "export"]), unit, year, opt("--all", st.just("")).map(lambda a: a[:1]),
                  st.just(["-o", out]), today),
        st.tuples(st.just(["ics"]), unit, st.just(["-o", out]), today),
        st.tuples(st.just(["doc"]), st.tuples(_usually("notice", "urge", "report", "通知单", "催办单"), case_id).map(list),
                  st.just(["-o", out]), today),
        st.tuples(st.just(["history"]), case_id.map(lambda v: [v])),
        st.tuples(st.just(["new", "--title"]), VALUE.map(lambda v: [v]), opt("--category", _usually("领导批示", "其他交办")),
                  opt("--lead-unit", _usually("市住建局", "交通局")), opt("--assigned", _usually("2026-03-02", "2026-03-05")),
                  opt("--registered", _usually("2026-03-02")), opt("--time-limit", _usually("5个工作日", "30日", "2026-04-01")),
                  opt("--co-units", _usually("市财政局", "市财政局、市教育局", "市财政局，市住建局"))),
        st.tuples(st.just(["pages"]), opt("--profile", _usually("internal", "public", "内部", "公开")), today),
        st.tuples(st.just(["archive", "--year"]), _usually("2026", "2025").map(lambda v: [v]), today),
        st.tuples(st.just(["verify-archive"])),
        st.tuples(st.just(["guard", "--base"]), _usually("main", "HEAD", "nope").map(lambda v: [v]), today),
    ]
    return st.one_of(forms).map(lambda parts: [a for group in parts for a in group])


def run(root: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--root", str(root), *args], prog_name="ducha")
    detail = f"ducha {args!r} → {result.exit_code}\n{result.output}"
    assert result.exit_code in (0, 1, 2), detail
    assert isinstance(result.exception, (SystemExit, type(None))), detail
    assert "Traceback" not in result.output, detail


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the examples' office and one valid record, committed on main."""
    repo = GitRepo(tmp_path_factory.mktemp("fuzz") / "repo")
    repo.write("cases/2026/DC-2026-0001.yaml", _render(BASE, frozenset()))
    repo.commit("立项")
    return repo.root


def _copy(template: Path, folder: str) -> Path:
    root = Path(folder) / "repo"
    shutil.copytree(template, root)
    return root


def _record_and_command(template: Path, record: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = _copy(template, folder)
        (root / "cases/2026/DC-2026-0001.yaml").write_text(record, encoding="utf-8", errors="surrogatepass")
        run(root, data.draw(commands(root)))


def _command(template: Path, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = _copy(template, folder)
        run(root, data.draw(commands(root)))


@pytest.mark.slow
@settings(max_examples=75, deadline=None, suppress_health_check=list(HealthCheck))
@given(record=records(), data=st.data())
def test_no_command_crashes_on_a_generated_record(template: Path, record: str, data: st.DataObject) -> None:
    _record_and_command(template, record, data)


@pytest.mark.slow
@settings(max_examples=75, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_command_crashes_on_generated_options(template: Path, data: st.DataObject) -> None:
    _command(template, data)


# The same at length, in `make soak`: make test's runs above draw fresh examples on every run.
@pytest.mark.soak
@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(record=records(), data=st.data())
def test_no_command_crashes_on_many_generated_records(template: Path, record: str, data: st.DataObject) -> None:
    _record_and_command(template, record, data)


@pytest.mark.soak
@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_command_crashes_on_many_generated_options(template: Path, data: st.DataObject) -> None:
    _command(template, data)


@pytest.fixture(scope="module")
def sheet(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template's 台账 as exported (every item), to be filled in by hypothesis."""
    target = tmp_path_factory.mktemp("sheet") / "台账.xlsx"
    result = CliRunner().invoke(cli, ["--root", str(template), "ledger", "export", "--all", "--today", "2026-03-20",
                                      "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


CELL = st.one_of(VALUE, st.integers(-10, 10**12), st.floats(allow_nan=True), st.booleans(),
                 st.dates().map(lambda d: dt.datetime(d.year, d.month, d.day)), st.sampled_from(["=TODAY()", "=1/0", "=A1"]))


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(cells=st.lists(st.tuples(st.integers(1, 8), st.integers(1, 24), CELL), max_size=12),
       merges=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 22), st.integers(0, 3), st.integers(0, 3)), max_size=2),
       apply=st.booleans())
def test_ledger_import_never_crashes_on_a_filled_in_sheet(template: Path, sheet: Path, cells: list[tuple[int, int, object]],
                                                          merges: list[tuple[int, int, int, int]], apply: bool) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    with tempfile.TemporaryDirectory() as folder:
        root = _copy(template, folder)
        wb = load_workbook(sheet)
        ws = wb.active
        for row, column, value in cells:
            try:
                ws.cell(row, column).value = value
            except (ValueError, TypeError, AttributeError, IllegalCharacterError):
                continue  # openpyxl refuses to store it (or the cell is merged): no sheet can hold it either
        for row, column, down, right in merges:
            try:
                ws.merge_cells(start_row=row, start_column=column, end_row=row + down, end_column=column + right)
            except ValueError:
                continue
        filled = Path(folder) / "填报.xlsx"
        wb.save(filled)
        run(root, ["ledger", "import", str(filled), "--today", "2026-03-20", *(["--apply"] if apply else [])])
