"""The public build shows nothing the office keeps internal: no 内部 case, no internal field, no trace.

Sentinel strings are planted in every internal field of a public case (and in the changes
to them, which the audit trail reports), and everywhere in a 内部 case; no file of the
public build — pages, search index, sitemap, calendars, notices — may contain one. The
internal build must contain them all, so the test cannot pass by building nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Invoke
from .gitrepo import GitRepo

TODAY = "2026-11-23"
OFFICE = """name: 测试市督查室
prefix: DC
units:
  - name: 市住建局
    full_name: 测试市住房和城乡建设局
  - name: 市教育局
    full_name: 测试市教育局
internal_fields: [owner, notes, requirements, source]
notice_rules:
  publish: 是
"""
PUBLIC = """id: DC-2026-0001
title: 燃气安全隐患排查
category: 领导批示
source:
  doc_no: 哨兵文号SNTDOCNO
  leader: 哨兵领导SNTLEADER
  instruction: 哨兵批示SNTINSTRUCTION
requirements: 哨兵要求SNTREQUIREMENTS
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 哨兵责任人SNTOWNER
progress:
  - date: 2026-03-04
    by: 市住建局
    summary: 已排查餐饮场所620家。
notes: 哨兵备注SNTNOTES
"""
CHILD = """id: DC-2026-0003
title: 分解落实事项
category: 其他交办
parent: DC-2026-0002
requirements: 分解落实。
registered: 2026-03-03
assigned: 2026-03-03
lead_unit: 市教育局
owner: 高翔
time_limit: 10个工作日
"""
INTERNAL = """id: DC-2026-0002
title: 哨兵内部事项SNTINTERNALTITLE
category: 领导批示
source:
  instruction: 哨兵内部批示SNTINTERNALSOURCE
requirements: 哨兵内部要求SNTINTERNALREQ
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市教育局
owner: 王五
progress:
  - date: 2026-03-04
    by: 市教育局
    summary: 哨兵内部进展SNTINTERNALPROGRESS
visibility: 内部
"""
#: Every sentinel, and the 内部 case's id: none may appear anywhere in the public build.
SECRETS = ("SNTDOCNO", "SNTLEADER", "SNTINSTRUCTION", "SNTREQUIREMENTS", "SNTOWNER", "SNTNOTES", "SNTOWNERTWO",
           "SNTNOTESTWO", "SNTINTERNALTITLE", "SNTINTERNALSOURCE", "SNTINTERNALREQ", "SNTINTERNALPROGRESS",
           "DC-2026-0002")


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_office(tmp_path_factory.mktemp("disclosure") / "repo", OFFICE)


def make_office(root: Path, office_yaml: str) -> Path:
    repo = GitRepo(root)
    repo.write("office.yaml", office_yaml)
    repo.write("cases/2026/DC-2026-0001.yaml", PUBLIC)
    repo.write("cases/2026/DC-2026-0002.yaml", INTERNAL)
    repo.write("cases/2026/DC-2026-0003.yaml", CHILD)
    first = repo.commit("立项", date="2026-03-04T09:00:00+08:00")
    repo.replace("cases/2026/DC-2026-0001.yaml", "哨兵责任人SNTOWNER", "哨兵责任人SNTOWNERTWO")
    repo.replace("cases/2026/DC-2026-0001.yaml", "哨兵备注SNTNOTES", "哨兵备注SNTNOTESTWO")
    repo.commit("更换责任人", date="2026-03-05T09:00:00+08:00")
    repo.write("notices/2026/2026-001.yaml", f"""number: "1"
doc_no: 测督查〔2026〕1号
date: 2026-03-20
period: 2026-03
data_commit: {first}
praised: []
criticised:
  - unit: 市教育局
    reason: DC-2026-0002 超期12个工作日未办结；DC-2026-0003 超期11个工作日未办结
    cases: [DC-2026-0002, DC-2026-0003]
  - unit: 市住建局
    reason: DC-2026-0002 协办不力
    cases: [DC-2026-0002]
""")
    repo.commit("印发通报", date="2026-03-20T09:00:00+08:00")
    return root


def _texts(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_bytes().decode("utf-8", "replace")
            for p in folder.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml", ".ics", ".md", ".txt", ".yml")}


@pytest.mark.slow
def test_no_internal_trace_in_any_public_file(office: Path, invoke: Invoke) -> None:
    result = invoke(office, "build", "--today", TODAY, "--profile", "public")
    assert result.exit_code == 0, result.output
    files = _texts(office / "build" / "site-public") | _texts(office / "build" / "docs-public")
    assert "search/search_index.json" in files and "sitemap.xml" in files and "calendars/督查事项.ics" in files
    leaks = sorted((name, secret) for name, text in files.items() for secret in SECRETS if secret in text)
    assert leaks == []
    # What the public may see is still there: the case, its progress, a unit's criticism for a shown case.
    assert "燃气安全隐患排查" in files["cases/2026/DC-2026-0001.html"]
    assert "已排查餐饮场所620家" in files["cases/2026/DC-2026-0001.html"]
    notice = files["notices/2026-001.html"]
    assert "DC-2026-0003 超期11个工作日未办结" in notice and "市住建局" not in notice
    # The audit trail says an internal field changed, without its values.
    assert "修改了责任人（内部信息，不公开）" in files["cases/2026/DC-2026-0001.html"]


@pytest.mark.slow
def test_the_internal_build_shows_everything(office: Path, invoke: Invoke) -> None:
    result = invoke(office, "build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = "".join(_texts(office / "build" / "site").values())
    assert [secret for secret in SECRETS if secret not in text] == []


@pytest.mark.slow
def test_criticism_stays_internal_unless_the_office_publishes_it(tmp_path: Path, invoke: Invoke) -> None:
    """通报 go out 在一定范围内 (中办 2012 意见（八）): by default the public site names no criticised unit."""
    office = make_office(tmp_path / "repo", OFFICE.replace("notice_rules:\n  publish: 是\n", ""))
    result = invoke(office, "build", "--today", TODAY, "--profile", "public")
    assert result.exit_code == 0, result.output
    files = _texts(office / "build" / "site-public")
    assert "通报批评" in files["notices/2026-001.html"]  # the heading stays, the list is empty
    assert "市教育局" not in files["notices/2026-001.html"] and "超期" not in files["notices/2026-001.html"]
    assert "被批评" not in files["units/市教育局.html"] and "书面检查" not in files["units/市教育局.html"]
    internal = invoke(office, "build", "--today", TODAY)
    assert internal.exit_code == 0
    assert "市教育局" in (office / "build" / "site" / "notices" / "2026-001.html").read_text(encoding="utf-8")


def _notice_page(disclosure: object) -> str:
    import datetime as dt

    from ducha.model.notices import Mention, Notice
    from ducha.model.redaction import Disclosure
    from ducha.outputs.site.pages.notices import notice_markdown

    notice = Notice("notices/2026/2026-013.yaml", 13, "青督查〔2026〕13号", dt.date(2026, 11, 20), "2026-11", "0" * 40,
                    praised=(Mention("市财政局", "DC-2026-0001 提前办结", ("DC-2026-0001",)),),
                    criticised=(Mention("市教育局", "DC-2026-0002 超期未办结", ("DC-2026-0002",)),
                                Mention("市住建局", "DC-2026-0003 超期未办结", ("DC-2026-0003",))))
    assert isinstance(disclosure, Disclosure)
    return notice_markdown(disclosure.notice(notice, frozenset({"DC-2026-0001", "DC-2026-0003"})))


def test_a_public_notice_says_its_criticism_is_not_published_rather_than_none() -> None:
    """通报13号 criticised two units; its public page said 通报批评（无）. Withheld is not none."""
    from ducha.model.redaction import Disclosure

    withheld = _notice_page(Disclosure("public", frozenset()))
    criticism = withheld.split("<h2>通报批评</h2>")[1]
    assert "<li>本通报的批评名单不在本站公开发布。</li>" in criticism and "（无）" not in criticism
    assert "市教育局" not in criticism and "市住建局" not in criticism
    # Published, with one mention about a case the public may not see: the rest shows, and says it is not all.
    partly = _notice_page(Disclosure("public", frozenset(), publish_criticism=True)).split("<h2>通报批评</h2>")[1]
    assert "市住建局：DC-2026-0003 超期未办结" in partly and "市教育局" not in partly
    assert "<li>另有涉及不公开事项的内容，不在本站公开发布。</li>" in partly
    internal = _notice_page(Disclosure("internal", frozenset())).split("<h2>通报批评</h2>")[1]
    assert "市教育局：DC-2026-0002 超期未办结" in internal and "公开发布" not in internal
