"""Issued 考核 results as records: a period's final scores, written once and never changed.

``assessments/<year>/<period>.yaml`` (``2026.yaml``, ``2026-H1.yaml``, ``2026-Q3.yaml``) is written by
``ducha score --issue`` after the period has ended. Like an issued 通报 it names the commit whose
records it was computed from; the guard computes the scores again from that commit before it
lets the record in, and refuses any later change to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ASSESSMENTS_DIR = "assessments"


@dataclass(frozen=True)
class IssuedLine:
    """One line of an issued score, as the record keeps it."""

    rule: str
    date: dt.date
    points: Decimal
    case: str = ""
    role: str = ""
    label: str = ""
    what: str = ""


@dataclass(frozen=True)
class IssuedScore:
    """A unit's final score in an issued 考核 result, with its rank and lines."""

    unit: str
    score: Decimal
    rank: int
    lines: tuple[IssuedLine, ...]


@dataclass(frozen=True)
class Assessment:
    """An issued 考核 result."""

    path: str
    period: str
    date: dt.date
    data_commit: str
    units: tuple[IssuedScore, ...]
    approved_by: str = ""


def assessment_path(period: str) -> str:
    """Where the result of ``period`` (a code such as 2026-H1) is kept."""
    return f"{ASSESSMENTS_DIR}/{period[:4]}/{period}.yaml"
