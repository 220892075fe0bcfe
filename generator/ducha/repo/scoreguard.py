"""What the guard asks of 考核: an issued result is the one its data commit gives, and office.yaml's scoring
rules never change the scores of a period that has ended.

A new file under assessments/ is computed again from the records of the commit it names (unpacked
with ``repo.records_at``), by the same ``rules.scoring``: a score typed or edited by hand does not
get in. A change to ``scoring`` in office.yaml is scored both ways over every ended period, on the
same records: one that moves any unit's points there is refused (a revision dated after them is
how rules change).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from ducha.errors import DataError, DuchaError, Problem
from ducha.io.yamlfile import parse_yaml, read_yaml
from ducha.load.assessments import load_assessments
from ducha.load.office import parse_office
from ducha.load.records import Records, load_records
from ducha.model.assessments import Assessment, IssuedScore
from ducha.model.office import OFFICE_FILE, Office
from ducha.model.scoring import PERIOD_KINDS, decimal_text
from ducha.repo.records_at import write_records_at
from ducha.repo.refs import is_ancestor
from ducha.rules.periods import Period, parse_period, period_of
from ducha.rules.scoring import ScoreBoard, UnitScore, score_board

_SHOWN = 5
_REVISE = ("撤销这项改动。考核规则要改，在 scoring.revisions 末尾追加一次修订，生效日期（effective_from）晚于已结束的"
           "考核期间：修订只对生效日期及以后发生的事项计分，已结束期间的得分不变。")


def _board(records: Records, office: Office, period: Period, data_commit: str) -> ScoreBoard:
    return score_board(office, records.cases, records.notices, records.measures, records.bulletins, period, period.end,
                       data_commit)


#: A unit's rank, score and lines (rule, case, role, day, points): what a score is, whatever the words around it.
Numbers = tuple[int, Decimal, tuple[tuple[str, str, str, dt.date, Decimal], ...]]


def _numbers(units: Iterable[UnitScore | IssuedScore]) -> dict[str, Numbers]:
    return {u.unit: (u.rank, u.score, tuple((line.rule, line.case, line.role, line.date, line.points) for line in u.lines))
            for u in units}


def new_assessment_problems(root: Path, path: str, fork: str) -> list[Problem]:
    """A newly added 考核 result names a commit of the history it lands in, holds exactly the scores that commit's
    records give, and the same as the records it lands with (``root``, the base ``fork`` merged with the branch):
    an older data commit cannot leave out deductions recorded since."""
    doc, _ = read_yaml(root / path, path)
    if doc is None or not isinstance(doc.data, dict) or "data_commit" not in doc.data:
        return []  # validation says what is wrong with the file
    line, column = doc.mark(("data_commit",))
    ref = str(doc.data["data_commit"])
    redo = "不要手工填写或修改考核结果：在本分支上用 `ducha score --period 期间 --issue` 重新生成。"
    if not is_ancestor(root, ref, "HEAD"):
        return [Problem(path, line, column, "data_commit",
                        f"考核结果依据的数据提交「{ref}」不是本分支已有的提交：考核结果只能依据印发时仓库中已有的记录计算。", redo)]
    try:
        office = parse_office((root / OFFICE_FILE).read_bytes())
        issued = next((a for a in load_assessments(root, office)[0] if a.path == path), None)
        if issued is None:
            return []
        period = parse_period(issued.period)
        with tempfile.TemporaryDirectory(prefix="ducha-score-") as folder:
            at = write_records_at(root, ref, Path(folder))
            records = load_records(at, as_of=period.end)
            board = _board(records, records.office, period, ref)
        landing = load_records(root, as_of=period.end)
        now = _board(landing, landing.office, period, ref)
    except DataError as error:
        return [Problem(path, line, column, "data_commit", f"数据提交 {ref[:12]} 中的记录有问题，无法重新计算考核结果"
                                                           f"（{error.problems[0].message if error.problems else ''}）。", redo)]
    except DuchaError as error:
        return [Problem(path, line, column, "data_commit", f"无法按数据提交 {ref[:12]} 重新计算考核结果：{error}", redo)]
    differences = list(_differences(issued, board))
    if differences:
        return [Problem(path, 1, 1, "units", f"考核结果与数据提交 {ref[:12]} 的记录算出的不一致（{_shown(differences)}）："
                                             "考核结果不能手工填写或修改。", redo)]
    later = list(_differences(issued, now))
    if later:
        return [Problem(path, 1, 1, "units", f"数据提交 {ref[:12]} 之后{_fork_text(fork)}又登记了改变本期得分的记录"
                                             f"（{_shown(later)}）：考核结果要依据印发时的全部记录。",
                        "在已合并最新记录的本分支上，用 `ducha score --period 期间 --issue` 重新生成考核结果。")]
    return []


def _fork_text(fork: str) -> str:
    return f"（目标分支现为 {fork[:12]}）" if fork else ""


def _shown(differences: list[str]) -> str:
    return "；".join(differences[:_SHOWN]) + (f"；另有 {len(differences) - _SHOWN} 处" if len(differences) > _SHOWN else "")


def _differences(issued: Assessment, board: ScoreBoard) -> Iterator[str]:
    computed, written = _numbers(board.units), _numbers(issued.units)
    for unit in sorted(set(computed) | set(written)):
        mine, theirs = written.get(unit), computed.get(unit)
        if mine is None or theirs is None:
            yield f"{unit}{'没有得分' if mine is None else '不是登记的单位'}"
        elif mine[1] != theirs[1]:
            yield f"{unit}得分 {decimal_text(mine[1])}，应为 {decimal_text(theirs[1])}"
        elif mine != theirs:
            yield f"{unit}的名次或计分明细不符"


def closed_scores_moved(root: Path, base_raw: bytes | None, today: dt.date) -> list[Problem]:
    """office.yaml's ``scoring`` changed: every period that ended before ``today`` keeps every unit's points."""
    head_path = root / OFFICE_FILE
    head_raw = head_path.read_bytes() if head_path.exists() else None
    if base_raw is None or head_raw is None or base_raw == head_raw:
        return []
    try:
        before, after = parse_office(base_raw), parse_office(head_raw)
    except DataError:
        return []  # validation reports a broken office.yaml
    if before.scoring is None or after.scoring is None or before.scoring == after.scoring:
        return []
    try:
        records = load_records(root)
    except DataError:
        return []  # validation reports the records' problems
    old = dataclasses.replace(after, scoring=before.scoring)  # only the scoring rules differ
    moved: list[str] = []
    for period in ended_periods(records, (before.scoring.period, after.scoring.period), today):
        was, now = _numbers(_board(records, old, period, "").units), _numbers(_board(records, after, period, "").units)
        units = [u for u in now if was.get(u) != now[u]]
        if units:
            moved.append(f"{period.label}：" + "、".join(_moved(u, was.get(u), now[u]) for u in units[:3])
                         + (" 等" if len(units) > 3 else ""))
    if not moved:
        return []
    doc, _ = parse_yaml(head_raw, OFFICE_FILE)
    line, column = doc.mark(("scoring",)) if doc is not None else (0, 0)
    return [Problem(OFFICE_FILE, line, column, "scoring",
                    f"office.yaml 的考核规则改动使已结束的考核期间得分改变（{'；'.join(moved[:_SHOWN])}）："
                    "已结束期间的得分不能改变。", _REVISE)]


def _moved(unit: str, was: Numbers | None, now: Numbers) -> str:
    if was is None or was[1] == now[1]:
        return f"{unit}（得分不变，计分明细改变）"
    return f"{unit} {decimal_text(was[1])} → {decimal_text(now[1])}"


def ended_periods(records: Records, kinds: Sequence[str], today: dt.date) -> list[Period]:
    """The periods of each kind (年度, 半年, 季度) from the first case's year that ended before ``today``."""
    years = [case.registered.year for case in records.cases]
    if not years:
        return []
    found: dict[str, Period] = {}
    for kind in dict.fromkeys(kinds):
        period = period_of(dt.date(min(years), 1, 1), PERIOD_KINDS[kind])
        while period.end < today:
            found[period.code] = period
            period = period_of(period.end + dt.timedelta(days=1), PERIOD_KINDS[kind])
    return sorted(found.values(), key=lambda p: (p.start, p.end))
