"""The 通报 as a DOCX in 公文 layout (GB/T 9704-2012 《党政机关公文格式》, its essentials).

A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; 发文机关标志 in red 小标宋 over a red rule;
发文字号 like 督查〔2026〕12号; title 小标宋 二号; body 仿宋_GB2312 三号 on a fixed 28.95 pt
pitch (22 lines a page); headings 黑体 (一、) and 楷体 (（一）); page numbers 宋体 四号
「— 1 —」, odd pages right, even pages left; tables as wide as the 版心.
Fallbacks for machines without the GB2312 fonts are declared in the font table (altName).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..notices import consequence
from ..report import Item, Report
from ..reporters import rate_text

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "宋体"
#: Names a machine without the 方正/GB2312 fonts should use instead (w:altName in the font table).
FALLBACKS = {TITLE_FONT: "华文中宋", BODY_FONT: "仿宋", KAI: "楷体"}
ERHAO, SANHAO, SIHAO = Pt(22), Pt(16), Pt(14)
PITCH = Pt(28.95)  # 225 mm 版心 / 22 lines
RED = RGBColor(0xE6, 0x00, 0x12)
TEXT_WIDTH = Mm(156)


def _font(run: object, name: str, size: Pt, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = size  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    if color is not None:
        run.font.color.rgb = color  # type: ignore[attr-defined]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), "Times New Roman" if name == BODY_FONT else name)
    fonts.set(qn("w:hAnsi"), "Times New Roman" if name == BODY_FONT else name)


def _para(doc: object, text: str = "", font: str = BODY_FONT, size: Pt = SANHAO, align: Any = None,
          indent: bool = True, bold: bool = False, color: RGBColor | None = None) -> Paragraph:
    p: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)  # 首行缩进两字
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), font, size, bold, color)
    return p


def _red_rule(paragraph: Paragraph) -> None:
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "E60012")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _page_number(paragraph: Paragraph, align: Any) -> None:
    paragraph.alignment = align
    _font(paragraph.add_run("— "), SONG, SIHAO)
    run = paragraph.add_run()
    _font(run, SONG, SIHAO)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    _font(paragraph.add_run(" —"), SONG, SIHAO)


def _table(doc: object, header: list[str], rows: list[list[str]], widths_mm: list[int]) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scale = 156 / sum(widths_mm)  # exactly the 版心 width, whatever the columns
    widths = [Mm(w * scale) for w in widths_mm]
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid: what LibreOffice and WPS lay out by
    for row_cells in ([header] + rows):
        cells = table.rows[0].cells if row_cells is header else table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text, width in zip(cells, row_cells, widths):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if row_cells is header else WD_ALIGN_PARAGRAPH.LEFT
            _font(paragraph.add_run(text), HEI if row_cells is header else BODY_FONT, Pt(12))
    return table


def _fallback_fonts(doc: object) -> None:
    """Declare altName fallbacks in word/fontTable.xml for fonts many machines do not have."""
    for rel in doc.part.rels.values():  # type: ignore[attr-defined]
        if rel.reltype.endswith("/fontTable"):
            table = rel.target_part
            from docx.oxml import parse_xml

            root = parse_xml(table.blob)
            for name, alt in FALLBACKS.items():
                font = OxmlElement("w:font")
                font.set(qn("w:name"), name)
                alt_name = OxmlElement("w:altName")
                alt_name.set(qn("w:val"), alt)
                font.append(alt_name)
                charset = OxmlElement("w:charset")
                charset.set(qn("w:val"), "86")  # GB2312
                font.append(charset)
                root.append(font)
            from lxml import etree

            table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _items(doc: object, heading: str, items: tuple[Item, ...]) -> None:
    _para(doc, f"{heading}（{len(items)}项）", KAI, SANHAO)
    if not items:
        _para(doc, "无。")
        return
    _table(doc, ["序号", "编号", "事项", "主办单位", "情况"],
           [[str(n), i.id, i.title, i.unit, i.detail] for n, i in enumerate(items, 1)], [10, 28, 50, 24, 44])


def write_docx(report: Report, output: Path, issuer: str, number: int | None = None) -> None:
    """Write ``report`` as a 公文-layout DOCX at ``output``."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.start_type = WD_SECTION.NEW_PAGE
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    _fallback_fonts(doc)
    year = report.today.year
    _para(doc, f"{report.office}", TITLE_FONT, Pt(32), WD_ALIGN_PARAGRAPH.CENTER, indent=False, color=RED)
    doc_no = f"{issuer}〔{year}〕{number}号" if number is not None else f"{issuer}〔{year}〕  号（草稿）"
    rule = _para(doc, doc_no, BODY_FONT, SANHAO, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _red_rule(rule)
    _para(doc, indent=False)
    _para(doc, f"关于{report.period.label}督查事项办理情况的通报", TITLE_FONT, ERHAO, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, indent=False)
    totals = report.totals()
    _para(doc, f"现将{report.period.label}（{report.period.start}至{report.period.end}）督查事项办理情况通报如下。"
               f"本通报数据截至{report.today}，依据记录提交 {report.data_commit[:12]}。")
    _para(doc, "一、总体情况", HEI)
    _para(doc, f"本期新立项{totals['新立项']}项；办结{totals['办结']}项，其中按期办结{totals['按期办结']}项、"
               f"超期办结{totals['超期办结']}项，按期办结率{rate_text(report.rate)}；截至{report.today}超期未办结"
               f"{totals['超期未办结']}项；批准延期{totals['延期']}次；退回重办{totals['退回重办']}次；"
               f"回头看{totals['回头看']}次。")
    _para(doc, "二、各单位办理情况", HEI)
    _table(doc, ["排名", "单位", "办结", "按期", "超期", "按期办结率", "超期未办结", "本年度被批评"],
           [[str(n), r.unit, str(r.closed), str(r.on_time), str(r.late), rate_text(r.rate), str(r.overdue_open),
             f"{r.criticised_this_year}次" if r.criticised_this_year else "—"] for n, r in enumerate(report.units, 1)],
           [12, 30, 14, 14, 14, 24, 22, 26])
    _para(doc, "三、需要关注的事项", HEI)
    _items(doc, "（一）超期未办结事项", report.overdue)
    _items(doc, "（二）退回重办事项", report.returned)
    _items(doc, "（三）延期事项", report.extended)
    _items(doc, "（四）回头看情况", report.followups)
    _para(doc, "四、表扬和批评", HEI)
    _para(doc, "（一）通报表扬", KAI)
    for n, p in enumerate(report.praise, 1):
        _para(doc, f"{n}. {p.unit}：{p.reason}。")
    if not report.praise:
        _para(doc, "无。")
    _para(doc, "（二）通报批评", KAI)
    tally = {r.unit: r.criticised_this_year for r in report.units}
    for n, c in enumerate(report.criticism, 1):
        after = tally.get(c.unit, 0) + 1
        _para(doc, f"{n}. {c.unit}：{c.reason}。此为本年度第{after}次通报批评，按规定{consequence(after)}。")
    if not report.criticism:
        _para(doc, "无。")
    if report.bulletins is not None:
        b = report.bulletins
        _para(doc, "五、督查专报", HEI)
        _para(doc, f"{b.year}年已报送《督查专报》{b.issued}期，其中反映问题{b.on_problems}期；年度任务不少于{b.quota}期，"
                   f"其中反映问题不少于{b.problems_needed}期。")
    _para(doc, indent=False)
    _para(doc, report.office, BODY_FONT, SANHAO, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, f"{report.today.year}年{report.today.month}月{report.today.day}日", BODY_FONT, SANHAO,
          WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    doc.core_properties.title = f"{report.office}督查通报（{report.period.label}）"
    doc.core_properties.author = report.office
    doc.save(str(output))
