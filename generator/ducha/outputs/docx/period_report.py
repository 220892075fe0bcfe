"""The 通报 as a DOCX in 公文 layout (see ``gongwen`` for the layout rules)."""

from __future__ import annotations

from pathlib import Path

from ducha.outputs.present import rate_text
from ducha.rules.period_report import Item, PeriodReport

from .gongwen import HEI, KAI, Imprint, cn_date, doc_number, imprint, masthead, new_document, para, save, signature, table, title


def _items(doc: object, heading: str, items: tuple[Item, ...]) -> None:
    para(doc, f"{heading}（{len(items)}项）", KAI)
    if not items:
        para(doc, "无。")
        return
    table(doc, ["序号", "编号", "事项", "主办单位", "情况"],
          [[str(n), i.id, i.title, i.unit, i.detail] for n, i in enumerate(items, 1)], [10, 28, 50, 24, 44])


def write_docx(report: PeriodReport, output: Path, issuer: str, number: int | None = None,
               copy_to: tuple[str, ...] = (), printer: str = "") -> None:
    """Write ``report`` as a 公文-layout DOCX at ``output``; the records' version goes in the 版记, not the body."""
    doc = new_document()
    year = report.today.year
    doc_no = doc_number(issuer, year, number) if number is not None else f"{issuer}〔{year}〕  号（草稿）"
    masthead(doc, report.office, doc_no)
    title(doc, f"关于{report.period.label}督查事项办理情况的通报")
    para(doc, "各承办单位：", indent=False)
    totals = report.totals()
    para(doc, f"现将{report.period.label}（{cn_date(report.period.start)}至{cn_date(report.period.end)}）督查事项办理情况通报如下。")
    para(doc, "一、总体情况", HEI)
    para(doc, f"本期新立项{totals['新立项']}项；办结{totals['办结']}项，其中按期办结{totals['按期办结']}项、"
              f"超期办结{totals['超期办结']}项，按期办结率{rate_text(report.rate)}；截至{cn_date(report.today)}超期未办结"
              f"{totals['超期未办结']}项；批准延期{totals['延期']}次；退回重办{totals['退回重办']}次；"
              f"回头看{totals['回头看']}次，其中整改不到位、再督查{totals['再督查']}项；"
              f"未达到序时进度{totals['未达到序时进度']}项。")
    para(doc, "二、各单位办理情况", HEI)
    table(doc, ["排名", "单位", "办结", "按期", "超期", "按期办结率", "超期未办结", "本年度被批评"],
          [[str(n), r.unit, str(r.closed), str(r.on_time), str(r.late), rate_text(r.rate), str(r.overdue_open),
            f"{r.criticised_this_year}次" if r.criticised_this_year else "—"] for n, r in enumerate(report.units, 1)],
          [12, 30, 14, 14, 14, 24, 22, 26])
    if report.offices:  # 上下联动: the subordinate offices on their own handling of the cases delegated to them
        para(doc, "下级督查室办理情况（按各下级自己的规则计算）", KAI)
        table(doc, ["排名", "下级督查室", "办结", "按期", "超期", "按期办结率", "超期未办结"],
              [[str(n), r.unit, str(r.closed), str(r.on_time), str(r.late), rate_text(r.rate), str(r.overdue_open)]
               for n, r in enumerate(report.offices, 1)], [12, 40, 16, 16, 16, 28, 28])
    para(doc, "三、需要关注的事项", HEI)
    _items(doc, "（一）超期未办结事项", report.overdue)
    _items(doc, "（二）退回重办事项", report.returned)
    _items(doc, "（三）延期事项", report.extended)
    _items(doc, "（四）回头看情况", report.followups)
    extra = [("本期补录的记录", report.recorded_late), ("再督查、重新办理事项", report.reopened),
             ("未达到序时进度事项", report.behind), ("督办令、约谈、书面检查和问责", report.measures)]
    for n, (name, items) in enumerate([(name, items) for name, items in extra if items], start=5):
        _items(doc, f"（{'五六七八'[n - 5]}）{name}", items)
    para(doc, "四、表扬和批评", HEI)
    para(doc, "（一）通报表扬", KAI)
    for n, p in enumerate(report.praise, 1):
        para(doc, f"{n}. {p.unit}：{p.reason}。")
    if not report.praise:
        para(doc, "无。")
    para(doc, "（二）通报批评", KAI)
    for n, c in enumerate(report.criticism, 1):
        after, outcome = report.next_criticism(c.unit)
        para(doc, f"{n}. {c.unit}：{c.reason}。此为本年度第{after}次通报批评，按规定{outcome}。")
    if not report.criticism:
        para(doc, "无。")
    if report.bulletins is not None:
        b = report.bulletins
        para(doc, "五、督查专报", HEI)
        para(doc, f"{b.year}年已报送《督查专报》{b.issued}期，其中反映问题{b.on_problems}期；年度任务（本室规则）不少于{b.quota}期，"
                  f"其中反映问题不少于{b.problems_needed}期。")
    signature(doc, report.office, report.today)
    day = report.today
    version = f"（记录版本 {report.data_commit[:12]}）" if report.data_commit.isalnum() else ""
    imprint(doc, Imprint(printer or report.office, day, copy_to, f"数据截至{cn_date(day)}{version}"))
    doc.core_properties.title = f"{report.office}督查通报（{report.period.label}）"
    doc.core_properties.author = report.office
    save(doc, output)
