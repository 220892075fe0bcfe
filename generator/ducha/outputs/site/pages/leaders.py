"""A leader's page (what they instructed and where each item stands) and the leaders index."""

from __future__ import annotations

from ducha.model.case import Stage
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.pages.units import UNIT_BOOST
from ducha.outputs.site.render import body, page
from ducha.rules.deadlines import urgency
from ducha.rules.metrics import tally

INDEX = "leaders/index.md"


def leaders_index(data: SiteData) -> str:
    rows = {leader: tally(statuses) for leader, statuses in data.leaders.items()}
    return page("批示领导", body("leaders.html", page=INDEX, data=data, rows=rows), search=False)


def leader_markdown(data: SiteData, leader: str) -> str:
    """What one leader instructed and where each item stands: open items first, most urgent first."""
    statuses = sorted(data.leaders[leader], key=urgency)
    in_hand = [s for s in statuses if s.stage.is_open or s.stage is Stage.PENDING_REVIEW]
    html = body("leader.html", page=data.leader_pages[leader], leader=leader, t=tally(statuses), in_hand=in_hand,
                done=[s for s in statuses if s not in in_hand])
    return page(f"{leader}批示交办的事项", html, boost=UNIT_BOOST)
