"""督查调研, 专业评估 (第三方评估), 民意调查 and 满意度调查 as records of their own, with their results.

Each is ``surveys/<year>/<year>-<NNN>.yaml``, written against ``schema/survey.schema.json`` and, like a
督查专报, never edited once merged (the guard refuses it). A 督查室 runs them across units and items, so
they are records of their own rather than entries of one case: a survey names the units and cases it
concerns; a case's 回访复核 cites the survey its finding rests on (``followups[].survey``); the 通报
lists those of its period, and the site all of them. Seeds: 中办 1999 年意见 四 (督查调研: 选准题目,
发现问题, 提出解决问题的办法); 国办发〔2014〕42号 三、四 (统计部门民意调查, 第三方机构专业评估, 督查
调研制度); 实施办法 第十三条（八）（十）（十一）; 中办 2012 年意见（七）(群众是否满意).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SURVEYS_DIR = "surveys"
RESEARCH = "督查调研"
ASSESSMENT = "专业评估"  # 第三方评估 (实施办法 §十三（十）)
POLL = "民意调查"
SATISFACTION_SURVEY = "满意度调查"
SURVEY_KINDS = (RESEARCH, ASSESSMENT, POLL, SATISFACTION_SURVEY)
#: The kinds that ask people, and so say how many answered.
ASKING = (POLL, SATISFACTION_SURVEY)
#: The kinds that end in 对策建议 (中办 1999 年意见 四; 实施办法 §十三（八）).
ADVISING = (RESEARCH, ASSESSMENT)


@dataclass(frozen=True)
class Survey:
    """One 督查调研 or 调查: its topic, who did it, what it found and suggests; for a 调查, how many answered
    and, for a 满意度调查, the share satisfied (per cent)."""

    path: str
    number: int
    kind: str
    date: dt.date
    title: str
    by: str
    findings: str
    suggestions: str = ""
    method: str = ""
    units: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    respondents: int | None = None
    satisfaction: float | None = None
    doc_no: str = ""

    @property
    def id(self) -> str:
        return f"{self.date.year}-{self.number:03d}"


def survey_path(year: int, number: int) -> str:
    return f"{SURVEYS_DIR}/{year}/{year}-{number:03d}.yaml"
