"""The 考核 pages: the current period's ranking with the rules it is scored by and the results already
issued, and each unit's score line by line (what it can check before it signs its 考核 table)."""

from __future__ import annotations

from ducha.model.assessments import Assessment
from ducha.outputs.present import points_text, score_text
from ducha.outputs.scores import board_heading, commit_note
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.pages.notices import period_label
from ducha.outputs.site.render import body, page
from ducha.outputs.site.urls import score_page
from ducha.rules.scoring import ScoreBoard

INDEX = "scores/index.md"


def _limits(board: ScoreBoard) -> tuple[str, str]:
    """The rule's base, floor, ceiling and co-unit share as in force on the board's day; its revisions."""
    rule = board.scoring.on(board.today)
    limits = "；".join(part for part in (
        f"基础分 {score_text(rule.base)}", f"保底 {score_text(rule.floor)}" if rule.floor is not None else "",
        f"封顶 {score_text(rule.ceiling)}" if rule.ceiling is not None else "",
        f"协办单位按主办单位分值的 {score_text(rule.co_unit_share)}% 计") if part)
    revised = "；".join(f"{r.effective_from} 起修订" for r in board.scoring.rules[1:] if r.effective_from is not None)
    return limits, revised


def scores_index(data: SiteData) -> str:
    board = data.scores
    assert board is not None
    rule = board.scoring.on(board.today)
    limits, revised = _limits(board)
    issued: list[Assessment] = sorted(data.assessments, key=lambda a: a.date, reverse=True)
    html = body("scores.html", page=INDEX, board=board, heading=board_heading(board), commit=commit_note(board),
                items=[item for item in rule.items.values() if item.points], limits=limits, revised=revised,
                issued=issued, score_page=score_page, score_text=score_text, points_text=points_text,
                period_label=period_label)
    return page("考核", html, search=False)


def unit_scores(data: SiteData, unit: str) -> str:
    board = data.scores
    assert board is not None
    score = board.unit(unit)
    assert score is not None
    html = body("unit_scores.html", page=score_page(unit), data=data, board=board, score=score, index=INDEX,
                heading=board_heading(board), commit=commit_note(board), score_text=score_text, points_text=points_text)
    return page(f"{unit}考核得分", html, search=False)
