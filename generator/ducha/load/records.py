"""Reading the records: every case, notice, 督查专报, 督查问责, 调研 record and 考核 result, checked, as they stood on a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ducha.errors import DataError
from ducha.load.validate import CheckCache, validate_paths
from ducha.model.case import CASES_DIR, Case
from ducha.model.office import Office

# What the office issued is read only by load_records: checking one case file never reads it.
if TYPE_CHECKING:
    from ducha.model.assessments import Assessment
    from ducha.model.measures import Measure
    from ducha.model.notices import Bulletin, Notice
    from ducha.model.surveys import Survey


@dataclass(frozen=True)
class Records:
    """A repository's records, checked, as they stood on ``as_of`` (all of them when None)."""

    office: Office
    cases: tuple[Case, ...]
    notices: tuple[Notice, ...]
    bulletins: tuple[Bulletin, ...]
    measures: tuple[Measure, ...] = ()
    surveys: tuple[Survey, ...] = ()
    assessments: tuple[Assessment, ...] = ()  # issued 考核 results


def load_records(root: Path, as_of: dt.date | None = None, cache: CheckCache | None = None) -> Records:
    """Every record, checked against all the others, then cut to what existed on ``as_of``."""
    from ducha.load.assessments import load_assessments
    from ducha.load.issued import load_all, load_measures
    from ducha.load.surveys import citation_problems, load_surveys

    result = validate_paths([root / CASES_DIR], root, None, cache)
    if not result.ok or result.office is None:
        raise DataError(result.problems, result.files)
    office, cases = result.office, result.cases
    notices, bulletins = load_all(root, office, frozenset(c.id for c in cases))
    measures, problems = load_measures(root, office, cases, notices)
    surveys, more = load_surveys(root, office, frozenset(c.id for c in cases))
    problems += more + citation_problems(root, cases, surveys)
    assessments, more = load_assessments(root, office)
    problems += more
    if problems:
        raise DataError(problems)
    if as_of is None:
        return Records(office, cases, tuple(notices), tuple(bulletins), tuple(measures), tuple(surveys), tuple(assessments))
    cut = cache.as_of if cache is not None else Case.as_of
    return Records(office, tuple(cut(c, as_of) for c in cases if c.registered <= as_of),
                   tuple(n for n in notices if n.date <= as_of), tuple(b for b in bulletins if b.date <= as_of),
                   tuple(m for m in measures if m.date <= as_of), tuple(s for s in surveys if s.date <= as_of),
                   tuple(a for a in assessments if a.date <= as_of))


def load_cases(root: Path, as_of: dt.date | None = None, today: dt.date | None = None) -> tuple[Office, tuple[Case, ...]]:
    """Office and every case of the repository at ``root``; DataError if anything is wrong.

    ``today`` is the real date, for the rule that records only say what has happened;
    ``as_of`` asks for the records as they stood that day (cases registered later left out,
    facts dated later left out).
    """
    result = validate_paths([root / CASES_DIR], root, today)
    if not result.ok or result.office is None:
        raise DataError(result.problems, result.files)
    if as_of is None:
        return result.office, result.cases
    return result.office, tuple(c.as_of(as_of) for c in result.cases if c.registered <= as_of)
