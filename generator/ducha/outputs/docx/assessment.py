"""The 考核 scores as a DOCX in 公文 layout: the ranking, then each unit's lines (see ``gongwen`` for the layout)."""

from __future__ import annotations

from pathlib import Path

from ducha.outputs.present import points_text, score_text
from ducha.outputs.scores import board_heading, counts_text, line_case
from ducha.rules.scoring import ScoreBoard

from .gongwen import HEI, KAI, Imprint, cn_date, imprint, masthead, new_document, para, save, signature, table, title


def write_docx(board: ScoreBoard, output: Path, copy_to: tuple[str, ...] = (), printer: str = "") -> None:
    """Write the scores as a 公文-layout DOCX at ``output``; the records' version goes in the 版记."""
    doc = new_document()
    masthead(doc, board.office, "")
    title(doc, f"{board.period.label}督查工作量化考核{'结果' if board.closed else '情况（进行中）'}")
    para(doc, "各承办单位：", indent=False)
    para(doc, f"按照本单位督查工作量化考核规则，现将{board.period.label}（{cn_date(board.period.start)}至"
              f"{cn_date(board.period.end)}）各单位得分{'' if board.closed else f'（截至{cn_date(board.today)}）'}通报如下，"
              "每一项加减分列明所涉事项、日期和计分规则，请各单位逐项核对。")
    para(doc, "一、得分排名", HEI)
    table(doc, ["名次", "单位", "得分", "主办事项情况"],
          [[str(u.rank), u.unit, score_text(u.score), counts_text(u)] for u in board.units], [12, 30, 16, 98])
    para(doc, "二、各单位计分明细", HEI)
    for n, unit in enumerate(board.units, 1):
        para(doc, f"（{n}）{unit.unit}：{score_text(unit.score)}分", KAI)
        table(doc, ["日期", "计分项目", "事项", "情况", "分值"],
              [[line.date.isoformat(), line.label, line_case(line), line.what + (f"（{line.basis}）" if line.basis else ""),
                points_text(line.points)] for line in unit.lines], [28, 22, 28, 64, 14])
    signature(doc, board.office, board.today)
    version = f"（记录版本 {board.data_commit[:12]}）" if board.data_commit.isalnum() else ""
    imprint(doc, Imprint(printer or board.office, board.today, copy_to, f"数据截至{cn_date(board.today)}{version}"))
    doc.core_properties.title = board_heading(board)
    doc.core_properties.author = board.office
    save(doc, output)
