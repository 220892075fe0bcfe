"""The dashboard (总览, ``index.md``): today's lights and lists, the trends, each unit and category."""

from __future__ import annotations

from ducha.outputs.site.charts import bar_chart, trend_chart
from ducha.outputs.site.data import SiteData
from ducha.outputs.site.render import body, page
from ducha.outputs.site.worklists import morning_queues
from ducha.rules import queues
from ducha.rules.metrics import by_category, by_lead_unit, tally
from ducha.rules.trends import monthly

PATH = "index.md"


def dashboard(data: SiteData) -> str:
    statuses = data.statuses
    overall = tally(statuses)
    tiles = [("红灯", overall.red, "red"), ("黄灯", overall.yellow, "yellow"), ("绿灯", overall.green, "green"),
             ("待审核", overall.pending, "none"), ("按期办结", overall.closed_on_time, "done"),
             ("超期办结", overall.closed_late, "late")]
    found = morning_queues(data, statuses)
    orders = [o.order for o in data.orders if o.state in (queues.OrderState.RUNNING, queues.OrderState.STALLED)]
    unit_rows = by_lead_unit(statuses, [u.name for u in data.office.units])
    months = monthly(data.office, statuses, data.today)
    html = body("dashboard.html", page=PATH, data=data, overall=overall, tiles=tiles, found=found, orders=orders,
                extra=[("orders", "督办令", len(orders))] if data.measures else [],
                provisional=any(s.provisional for s in statuses), unit_rows=unit_rows,
                category_rows=by_category(statuses, data.office.category_names),
                rate_chart=bar_chart([(u, t.on_time_rate or 0.0, "done") for u, t in unit_rows.items() if t.closed], unit="%"),
                rate_trend=trend_chart(months, "rate"), overdue_trend=trend_chart(months, "overdue"))
    return page("督查事项总览", html, search=False)
