"""The rules of one record's links to other offices (上下联动) that need no other repository: a task from above
is a 上级交办 case of an office that has a superior; a report taken from below belongs to a case assigned to a
subordinate office; changes above are recorded only on a case taken in from above.

Whether a link names a real commit and file of the other office is the guard's to check, against what was
fetched of it (``repo.linkcheck``). ``rules.validation`` runs these with the rest of a record's rules.
"""

from __future__ import annotations

from ducha.model.case import Case
from ducha.model.office import Office
from ducha.rules.extensions import Add

#: The category of every case taken in from a superior office.
UPSTREAM_CATEGORY = "上级交办"


def check_links(case: Case, office: Office, add: Add) -> None:
    """Each link stands where the office's neighbours say it can."""
    upstream = case.source.upstream
    if upstream is not None:
        if office.superior is None:
            add(("source", "upstream"), "记录写明了上级事项（source.upstream），但 office.yaml 没有设置上级督查室（superior）。",
                "在 office.yaml 中写明 superior（name、remote）；不是上级交办的事项，删除 source.upstream。")
        if case.category != UPSTREAM_CATEGORY:
            add(("category",), f"写明了上级事项（source.upstream）的事项，来源类型应是「{UPSTREAM_CATEGORY}」，不是「{case.category}」。",
                f"来源类型写 {UPSTREAM_CATEGORY}（已写下的用更正 corrections 改正）。")
    if case.upstream_changes and upstream is None:
        add(("upstream_changes",), "没有上级事项（source.upstream）的事项不应有上级变更记录。", "删除 upstream_changes。")
    below = [unit for unit in case.units if office.subordinate(unit) is not None]
    for index, report in enumerate(case.reports):
        if report.downstream is not None and not below:
            add(("reports", index, "downstream"),
                "这份办理报告写明采用下级督查室的报告（downstream），但本事项的主办、协办单位中没有下级督查室。",
                "只有交办给下级督查室（office.yaml 的 subordinates）的事项才能采用下级的办理报告；否则删除 downstream。")
