"""公文 as GB/T 9704 has them: 发文字号 without padding, “” quotes, titles with one 关于, the 版记 at the
foot of the last page with the data stamp there and not in the body; rendered pages against references."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from .conftest import Invoke
from .gitrepo import committed_demo
from .pixels import matches_reference as looks_like
from .pixels import render

TODAY = "2026-11-23"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return committed_demo(tmp_path_factory.mktemp("gongwen") / "repo")


def make(invoke: Invoke, root: Path, folder: Path, *args: str) -> Path:
    target = folder / f"{'-'.join(args[:2])}.docx"
    result = invoke(root, *args, "--today", TODAY, "-o", str(target))
    assert result.exit_code == 0, result.output
    return target


def lines(path: Path) -> list[str]:
    """The document's paragraphs (in order), then its table cells."""
    document = Document(str(path))
    return [p.text for p in document.paragraphs if p.text] + [c.text for t in document.tables for r in t.rows for c in r.cells]


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text]


def test_numbers_quotes_and_titles(demo: Path, invoke: Invoke, tmp_path: Path) -> None:
    notice = lines(make(invoke, demo, tmp_path, "doc", "notice", "DC-2026-0011"))
    assert "督查通知〔2026〕11号" in notice  # not 0011
    assert "现将“省生态环境督察反馈问题：工业园区污水处理厂提标改造”交由你单位主办，市发改委、市财政局协办，请按以下要求抓好落实。" in notice
    urge = lines(make(invoke, demo, tmp_path, "doc", "urge", "DC-2026-0009"))  # two urges already recorded
    assert "督查催办〔2026〕9-3号" in urge
    report = lines(make(invoke, demo, tmp_path, "doc", "report", "DC-2026-0018"))
    assert "关于“完善城乡公交一体化的建议（第0088号）”办理情况的报告" in report  # the record's title begins with 关于
    assert "市政府：" in report  # a 建议 has no 批示领导: the report goes to the superior (office.yaml wording.superior)
    assert "市长 刘志远：" in lines(make(invoke, demo, tmp_path, "doc", "report", "DC-2026-0006"))
    assert not any("关于“关于" in line or "「" in line or "」" in line for line in notice + urge + report)


def test_dates_in_the_text_are_written_as_a_document_writes_them(demo: Path, invoke: Invoke, tmp_path: Path) -> None:
    """年月日 in running text (tables keep the short form): 2026-11-03 would not pass a 文秘's review."""
    notice = lines(make(invoke, demo, tmp_path, "doc", "notice", "DC-2026-0009"))
    assert "一、请于2026年11月3日前以正式公文报送办理报告，写明发文字号、签发人，加盖单位公章。" in notice
    report = lines(make(invoke, demo, tmp_path, "doc", "report", "DC-2026-0009"))
    assert "该事项于2026年10月19日立项，2026年10月20日交办青川市交通运输局主办，市教育局协办。目前办理中。" in report
    urge = lines(make(invoke, demo, tmp_path, "doc", "urge", "DC-2026-0018"))  # green: its due date is named
    assert any("到期日为2027年2月10日（暂定）" in line for line in urge)
    tongbao = lines(make(invoke, demo, tmp_path, "report", "--period", "2026-11", "--format", "docx"))
    assert "现将2026年11月（2026年11月1日至2026年11月30日）督查事项办理情况通报如下。" in tongbao
    assert any("截至2026年11月23日超期未办结6项" in line for line in tongbao)
    body = notice[:notice.index("青川市人民政府督查室", 1)] + report[:report.index("青川市人民政府督查室", 1)]
    assert not [line for line in body if re.search(r"\d{4}-\d{2}-\d{2}", line)]


def test_the_imprint_carries_copies_printer_date_and_data(demo: Path, invoke: Invoke, tmp_path: Path) -> None:
    notice = paragraphs(make(invoke, demo, tmp_path, "doc", "notice", "DC-2026-0011"))
    # 抄送 the co-units by their full names; 印发机关 (office.yaml wording.printer) left, 印发日期 right (a tab between).
    assert notice[-2:] == ["抄送：青川市发展和改革委员会，青川市财政局。", "青川市人民政府办公室\t2026年11月23日印发"]
    tongbao = make(invoke, demo, tmp_path, "report", "--period", "2026-Q4", "--format", "docx", "--number", "14",
                   "--copy-to", "市委办公室、市人大常委会办公室")
    text = paragraphs(tongbao)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=demo, capture_output=True, text=True, check=True).stdout.strip()
    assert "青督查〔2026〕14号" in text and "各承办单位：" in text
    assert text[-3:] == ["抄送：市委办公室，市人大常委会办公室。", f"数据截至2026年11月23日（记录版本 {commit[:12]}）",
                         "青川市人民政府办公室\t2026年11月23日印发"]
    # Without --copy-to the 通报 goes to the bodies office.yaml names (wording.copy_to).
    default = paragraphs(make(invoke, demo, tmp_path, "report", "--period", "2026-Q3", "--format", "docx"))
    assert default[-3] == "抄送：市委督查室，市纪委监委。"
    body = text[:text.index("抄送：市委办公室，市人大常委会办公室。")]
    assert not any(re.search(r"[0-9a-f]{7,40}", line) for line in body)  # no commit id in the body


@pytest.mark.libreoffice
def test_rendered_pages_look_like_the_references(demo: Path, invoke: Invoke, tmp_path: Path) -> None:
    tongbao = make(invoke, demo, tmp_path, "report", "--period", "2026-Q4", "--format", "docx", "--number", "14",
                   "--copy-to", "市委办公室、市人大常委会办公室")
    pages = render(tongbao, tmp_path)
    looks_like(pages[0], "tongbao-first")
    looks_like(pages[-1], "tongbao-last")  # the 版记 at the foot of the last page
    looks_like(render(make(invoke, demo, tmp_path, "doc", "urge", "DC-2026-0010"), tmp_path)[0], "urge-red")
    looks_like(render(make(invoke, demo, tmp_path, "doc", "report", "DC-2026-0032"), tmp_path)[0], "report")
    # The 版记's last rule sits on the 版心's lower edge: 297 − 35 mm = 742.7 pt from the top of the page.
    bbox = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "report---period.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    bottom = float(re.findall(r'yMax="([\d.]+)">[^<]*印发', bbox)[-1])
    assert 725 < bottom < 750


def test_the_comparison_tells_pages_apart() -> None:
    """A page is not like another: the tolerance admits antialiasing, not a changed layout."""
    from .pixels import REFERENCE, difference, read_png

    first, last = read_png(REFERENCE / "tongbao-first.png"), read_png(REFERENCE / "tongbao-last.png")
    assert difference(first, first) == 0.0
    assert difference(first, last) > 0.004 * 10
