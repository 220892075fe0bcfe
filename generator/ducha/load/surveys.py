"""Reading the 督查调研 and 调查 records (surveys/), checked, and the 回访复核 that cite them.

Like the 通报 and 督查专报 they are numbered within their year and never dated ahead; each names
registered units and existing cases, and says what its kind must say (a 调查 how many answered,
a 满意度调查 the share satisfied, at most 100 per cent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ducha.errors import Problem
from ducha.io.yamlfile import PathKey, YamlDocument, format_path, read_yaml
from ducha.load.issued import Issue, issue_checks, load_documents
from ducha.model.case import Case
from ducha.model.office import Office
from ducha.model.surveys import SURVEYS_DIR, Survey, survey_path
from ducha.rules.units import unknown_unit


def _survey(doc: YamlDocument, office: Office, case_ids: frozenset[str]) -> tuple[Survey, list[Problem]]:
    """One survey record read, and what is wrong with it beyond its schema."""
    data = doc.data
    problems: list[Problem] = []

    def add(where: PathKey, message: str, fix: str) -> None:
        line, column = doc.mark(where)
        problems.append(Problem(doc.path, line, column, format_path(where), message, fix))

    satisfaction = float(data["satisfaction"]) if "satisfaction" in data else None
    survey = Survey(doc.path, int(str(data["number"])), data["kind"], dt.date.fromisoformat(str(data["date"])),
                    data["title"], data["by"], data["findings"], data.get("suggestions", ""), data.get("method", ""),
                    tuple(data.get("units", ())), tuple(data.get("cases", ())),
                    int(str(data["respondents"])) if "respondents" in data else None, satisfaction, data.get("doc_no", ""))
    if satisfaction is not None and satisfaction > 100:
        add(("satisfaction",), f"满意率 {data['satisfaction']} 超过 100。", "写百分比（0—100），如 86.5。")
    for index, unit in enumerate(survey.units):
        if unit not in office.unit_names:
            add(("units", index), *unknown_unit("涉及单位", unit, office))
    for index, case_id in enumerate(survey.cases):
        if case_id not in case_ids:
            add(("cases", index), f"事项 {case_id} 不存在。", "填写已立项的督查事项编号；督查事项不能删除。")
    return survey, problems


def load_surveys(root: Path, office: Office, case_ids: frozenset[str],
                 today: dt.date | None = None) -> tuple[list[Survey], list[Problem]]:
    """Every survey record, checked: named by year and number, numbers consecutive, not dated after ``today``
    (when given), its units registered and its cases existing, a 满意率 no more than 100."""
    loaded, problems = load_documents(root, SURVEYS_DIR, "survey")
    surveys: list[Survey] = []
    for doc in loaded:
        survey, found = _survey(doc, office, case_ids)
        surveys.append(survey)
        problems += found
    problems += issue_checks([Issue(d, s.number, s.date) for d, s in zip(loaded, surveys, strict=True)], "调研和调查记录",
                             survey_path, "每份一个文件", today)
    return surveys, problems


def citation_problems(root: Path, cases: Sequence[Case], surveys: Sequence[Survey]) -> list[Problem]:
    """Each 回访复核 that cites a survey (``followups[].survey``) cites one that exists and came before it."""
    by_id = {survey.id: survey for survey in surveys}
    problems: list[Problem] = []
    for case in cases:
        for index, followup in enumerate(case.followups):
            if not followup.survey:
                continue
            cited = by_id.get(followup.survey)
            if cited is not None and cited.date <= followup.date:
                continue
            doc, _ = read_yaml(root / case.path, case.path)
            line, column = doc.mark(("followups", index, "survey")) if doc is not None else (0, 0)
            message = (f"没有编号为 {followup.survey} 的调研或调查记录。" if cited is None else
                       f"引用的{cited.kind} {cited.id}（{cited.date}）晚于本次回访复核（{followup.date}）。")
            problems.append(Problem(case.path, line, column, f"followups[{index}].survey", message,
                                    "写 surveys/ 下已有记录的 年份-序号（如 2026-001），且其日期不晚于回访复核；"
                                    "调研、调查记录先合并，再引用。"))
    return problems
