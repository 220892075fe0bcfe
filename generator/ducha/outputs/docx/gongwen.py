"""公文 layout primitives (GB/T 9704-2012 essentials), shared by every document ducha writes.

A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; 发文机关标志 in red 小标宋 over a red rule;
title 小标宋 二号; body 仿宋_GB2312 三号 on a fixed 28.95 pt pitch (22 lines a page);
headings 黑体 (一、) and 楷体 (（一）); page numbers 宋体 四号 「— 1 —」, odd pages right,
even pages left; tables exactly as wide as the 版心. Fallbacks for machines without the
GB2312 fonts are declared in the font table (altName).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from ducha.io.atomic import write_file
from ducha.outputs.safe import xml_text

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


def set_font(run: object, name: str, size: Pt, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = size  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    if color is not None:
        run.font.color.rgb = color  # type: ignore[attr-defined]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), "Times New Roman" if name == BODY_FONT else name)
    fonts.set(qn("w:hAnsi"), "Times New Roman" if name == BODY_FONT else name)


def para(doc: object, text: str = "", font: str = BODY_FONT, size: Pt = SANHAO, align: Any = None,
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
        set_font(p.add_run(xml_text(text)), font, size, bold, color)
    return p


#: What follows w:pBdr inside w:pPr (ECMA-376 order): a border must go before the first of these.
_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                 "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                 "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                 "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                 "w:rPr", "w:sectPr", "w:pPrChange")


def _put_border(paragraph: Paragraph, border: Any) -> None:
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_AFTER_BORDER)


def red_rule(paragraph: Paragraph, color: RGBColor = None) -> None:  # type: ignore[assignment]
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    hex_color = str(color or RED)
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", hex_color)):
        bottom.set(qn(key), value)
    border.append(bottom)
    _put_border(paragraph, border)


def page_number(paragraph: Paragraph, align: Any) -> None:
    paragraph.alignment = align
    set_font(paragraph.add_run("— "), SONG, SIHAO)
    run = paragraph.add_run()
    set_font(run, SONG, SIHAO)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    set_font(paragraph.add_run(" —"), SONG, SIHAO)


def table(doc: object, header: list[str], rows: list[list[str]], widths_mm: list[int]) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scale = 156 / sum(widths_mm)  # exactly the 版心 width, whatever the columns
    widths = [Mm(w * scale) for w in widths_mm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: what LibreOffice and WPS lay out by
    for row_cells in ([header] + rows):
        cells = table.rows[0].cells if row_cells is header else table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text, width in zip(cells, row_cells, widths, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if row_cells is header else WD_ALIGN_PARAGRAPH.LEFT
            set_font(paragraph.add_run(xml_text(text)), HEI if row_cells is header else BODY_FONT, Pt(12))
    return table


def fallback_fonts(doc: object) -> None:
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


def new_document() -> Any:
    """An empty A4 document with the 公文 margins and page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.start_type = WD_SECTION.NEW_PAGE
    doc.settings.odd_and_even_pages_header_footer = True
    page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    fallback_fonts(doc)
    return doc


def masthead(doc: Any, office: str, doc_no: str, color: RGBColor = RED) -> None:
    """发文机关标志, 发文字号 and the rule under them."""
    para(doc, office, TITLE_FONT, Pt(32), WD_ALIGN_PARAGRAPH.CENTER, indent=False, color=color)
    red_rule(para(doc, doc_no, BODY_FONT, SANHAO, WD_ALIGN_PARAGRAPH.CENTER, indent=False), color)
    para(doc, indent=False)


def title(doc: Any, text: str) -> None:
    para(doc, text, TITLE_FONT, ERHAO, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, indent=False)


def cn_date(day: dt.date) -> str:
    """A date as a 公文 writes it, in its text and its 成文日期 (GB/T 9704 §7.3.5): 2026年11月3日, no zero padding."""
    return f"{day.year}年{day.month}月{day.day}日"


def signature(doc: Any, office: str, day: dt.date) -> None:
    para(doc, indent=False)
    para(doc, office, BODY_FONT, SANHAO, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para(doc, cn_date(day), BODY_FONT, SANHAO, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def save(doc: Any, output: Path) -> None:
    """Write ``doc`` to ``output`` whole or not at all (never a truncated .docx)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    write_file(output, buffer.getvalue())


def doc_number(issuer: str, year: int, number: int | str, part: int | None = None) -> str:
    """发文字号 as GB/T 9704 §7.2.4 writes it: 〔year〕, the number without leading zeros: 督查通知〔2026〕37号."""
    return f"{issuer}〔{year}〕{int(number)}{f'-{part}' if part else ''}号"


def quoted(text: str) -> str:
    """A name quoted the way 公文 quote: “…”."""
    return f"“{text}”"


def about(subject: str, what: str) -> str:
    """A title 关于“…”{what}: a subject that already begins with 关于 does not get a second one."""
    inner = subject[2:] if subject.startswith("关于") else subject
    return f"关于{quoted(inner)}{what}"


@dataclass(frozen=True)
class Imprint:
    """版记 (GB/T 9704 §7.4): 抄送, 印发机关 and 印发日期; plus the data the document rests on."""

    printer: str
    day: dt.date
    copy_to: tuple[str, ...] = ()
    data: str = ""


def _rules(paragraph: Paragraph, edges: dict[str, int]) -> None:
    """Rules above or below a paragraph: edge → width in eighths of a point."""
    border = OxmlElement("w:pBdr")
    for edge in ("top", "bottom"):
        if edges.get(edge):
            line = OxmlElement(f"w:{edge}")
            for key, value in (("w:val", "single"), ("w:sz", str(edges[edge])), ("w:space", "1"), ("w:color", "000000")):
                line.set(qn(key), value)
            border.append(line)
    _put_border(paragraph, border)


#: Characters of 四号 on one 版记 line, one character in from each side of the 156 mm 版心.
_IMPRINT_CHARS = 29
_CONTINUED = "\x00"  # marks a run-on line of 抄送 while the lines are laid out; never written


def imprint(doc: Any, block: Imprint) -> None:
    """The 版记 at the foot of the last page (GB/T 9704 §7.4.1): rules as wide as the 版心, thick above and
    below (0.35 mm), thin between (0.25 mm); 四号仿宋; 抄送 and 印发机关 one character in from the left,
    印发日期 one in from the right. Its paragraphs share one frame aligned to the bottom of the 版心, so
    the last rule sits on the 版心's lower edge however long the body is."""
    lines: list[tuple[str, str]] = []
    if block.copy_to:
        names = f"{'，'.join(block.copy_to)}。"
        first, rest = names[:_IMPRINT_CHARS - 3], names[_IMPRINT_CHARS - 3:]
        lines.append((f"抄送：{first}", ""))
        # A long list runs on, aligned under the first name after 抄送： (GB/T 9704 §7.4.2).
        lines += [(_CONTINUED + rest[i:i + _IMPRINT_CHARS - 3], "") for i in range(0, len(rest), _IMPRINT_CHARS - 3)]
    if block.data:
        lines.append((block.data, ""))
    lines.append((block.printer, f"{cn_date(block.day)}印发"))
    thick, thin = 8, 6  # eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.25 mm
    for index, (left, right) in enumerate(lines):
        if index:  # an ordinary (empty) paragraph between frames keeps LibreOffice from joining them
            spacer = para(doc, indent=False)
            spacer.paragraph_format.line_spacing = Pt(1)
        paragraph = para(doc, indent=False)
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = SIHAO  # 左右各空一字
        # Each line is its own frame at its own height, counted up from the 版心's lower edge: lines
        # sharing one frame would need the same borders (LibreOffice lays them out inline otherwise).
        top = Mm(225) - PITCH * (len(lines) - index)
        frame = OxmlElement("w:framePr")
        for key, value in (("w:w", str(TEXT_WIDTH.twips)), ("w:h", str(PITCH.twips)), ("w:hRule", "exact"),
                           ("w:hAnchor", "margin"), ("w:vAnchor", "margin"), ("w:xAlign", "center"),
                           ("w:y", str(round(top / 635))), ("w:wrap", "notBeside")):
            frame.set(qn(key), value)
        paragraph._p.get_or_add_pPr().insert(0, frame)  # framePr comes first in pPr
        continued = left.startswith(_CONTINUED)
        _rules(paragraph, {"top": 0 if continued else thick if index == 0 else thin,
                           "bottom": thick if index == len(lines) - 1 else 0})
        left = left.replace(_CONTINUED, "\u3000" * 3)
        set_font(paragraph.add_run(xml_text(left)), BODY_FONT, SIHAO)
        if right:
            fmt.tab_stops.add_tab_stop(TEXT_WIDTH - 2 * SIHAO, WD_TAB_ALIGNMENT.RIGHT)
            set_font(paragraph.add_run("\t" + xml_text(right)), BODY_FONT, SIHAO)



