"""A unit's own page (its lists for today, what it leads and co-handles, its 督查问责) and the units index."""

from __future__ import annotations

from ducha.outputs.present import score_text
from ducha.outputs.scores import counts_text
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.render import body, page
from ducha.outputs.site.urls import score_page, unit_page
from ducha.outputs.site.worklists import morning_queues
from ducha.rules.escalation import owed_measures
from ducha.rules.metrics import by_co_unit, by_lead_unit, parts, tally

INDEX = "units/index.md"
#: Search boost of a unit's or a leader's page: a query for the name finds the page before the items.
UNIT_BOOST = 5


def unit_markdown(data: SiteData, unit: str, full_name: str) -> str:
    """A unit's own view: its lists for today (items it leads or co-handles), then what it leads and co-handles."""
    lead = [s for s in data.statuses if s.case.lead_unit == unit]
    co = [s for s in data.statuses if unit in s.case.co_units]
    # The sentence's counts and the lists under it are one partition of the same items (``parts``).
    mine, co_parts = parts(lead), parts(co)
    html = body("unit.html", page=unit_page(unit), data=data, unit=unit, full_name=full_name, mine=tally(lead),
                found=[q for q in morning_queues(data, lead + co, unit) if q.anchor not in ("followup", "awaiting", "registered")],
                lead_in_hand=mine["open"] + mine["pending"], co_in_hand=co_parts["open"] + co_parts["pending"],
                lead_closed=mine["closed"], lead_registered=mine["registered"], lead_cancelled=mine["cancelled"],
                measures=[m for m in data.measures if m.unit == unit],
                owed=owed_measures(unit, data.notices, data.measures, data.today.year),
                score=data.scores.unit(unit) if data.scores is not None else None, score_text=score_text,
                counts_text=counts_text, score_page=score_page)
    return page(unit, html, boost=UNIT_BOOST)


def units_index(data: SiteData) -> str:
    units = [u.name for u in data.office.units]
    html = body("units.html", page=INDEX, data=data, lead_rows=by_lead_unit(data.statuses, units),
                co_rows=by_co_unit(data.statuses, units))
    return page("承办单位", html, search=False)
