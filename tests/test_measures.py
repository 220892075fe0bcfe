"""督查问责 records: a 督办令 with its own 限期, and what follows when the work still does not move (实施办法 §十六)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from docx import Document

from ducha.load.office import load_office
from ducha.model.case import Case
from ducha.model.logs import Progress
from ducha.model.measures import Measure
from ducha.model.notices import Mention, Notice
from ducha.model.timelimit import parse_time_limit
from ducha.rules import queues
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import deadline
from ducha.rules.escalation import criticism_grounds, owed_measures

from .conftest import EXAMPLES, Invoke
from .gitrepo import GitRepo
from .records import ASSIGNED

D = dt.date.fromisoformat
OFFICE = load_office(EXAMPLES)
CALENDAR = calendar_for({})
# 领导批示 交办 Mon 3月2日 → due 3月9日; the 督办令 of Thu 3月12日 gives 3个工作日: 13日, 16日, 17日.
ORDER = Measure("accountability/2026/2026-001.yaml", 1, "督办令", D("2026-03-12"), "市住建局", ("DC-2026-0001",),
                "超期未报送结果", "副市长 林静", "督办〔2026〕1号", deadline=parse_time_limit("3个工作日"))
CASE = Case(id="DC-2026-0001", title="燃气安全隐患排查", category="领导批示", registered=D("2026-03-02"),
            path="cases/2026/DC-2026-0001.yaml", assigned=D("2026-03-02"), lead_unit="市住建局", owner="孙立新",
            requirements="排查")


def grounds(case: Case, today: str) -> list[str]:
    return [text for _, _, text in criticism_grounds(deadline(case, OFFICE, D(today)), OFFICE.notice_rules, CALENDAR,
                                                     [ORDER])]


def test_an_order_is_judged_at_the_end_of_its_own_deadline() -> None:
    assert grounds(CASE, "2026-03-17") == []  # the last day of the 限期
    assert grounds(CASE, "2026-03-18") == ["DC-2026-0001 督办令（督办〔2026〕1号）限期 2026-03-17 届满仍无明显进展"]
    moved = dataclasses.replace(CASE, progress=(Progress(D("2026-03-16"), "已排查620家", "市住建局"),))
    assert grounds(moved, "2026-03-18") == []  # progress since the order: 有明显进展


def test_order_states_over_time() -> None:
    def state(case: Case, today: str) -> tuple[str, int | None]:
        found = queues.orders([deadline(case, OFFICE, D(today))], [ORDER], D(today), CALENDAR)
        return found[0].state.label, found[0].working_days_left

    assert state(CASE, "2026-03-13") == ("限期内", 2)
    assert state(CASE, "2026-03-18") == ("限期届满，无明显进展", None)
    moved = dataclasses.replace(CASE, progress=(Progress(D("2026-03-16"), "已排查620家", "市住建局"),))
    assert state(moved, "2026-03-18") == ("已有进展", None)


def _notice(number: int, day: str, unit: str = "市住建局") -> Notice:
    return Notice(f"notices/2026/2026-{number:03d}.yaml", number, f"督查〔2026〕{number}号", D(day), f"2026-{number:02d}",
                  "0000000", (), (Mention(unit, "超期", ("DC-2026-0001",)),))


NOTICES = [_notice(1, "2026-03-20"), _notice(2, "2026-05-20"), _notice(3, "2026-07-20"), _notice(4, "2026-09-21")]


def _measure(kind: str, day: str, notice: str = "", number: int = 9) -> Measure:
    return dataclasses.replace(ORDER, kind=kind, number=number, date=D(day), doc_no="", deadline=None, notice=notice)


def owed_list(measures: list[Measure], notices: list[Notice] = NOTICES) -> list[tuple[int, str, str, Measure | None]]:
    return [(o.count, o.kind, o.notice, o.done) for o in owed_measures("市住建局", notices, measures, 2026)]


def test_each_criticism_of_a_year_calls_for_its_measure() -> None:
    check = _measure("书面检查", "2026-03-25", "督查〔2026〕1号")
    assert owed_list([ORDER, check], NOTICES[:2]) == [(1, "书面检查", "督查〔2026〕1号", check),
                                                      (2, "约谈", "督查〔2026〕2号", None)]
    assert owed_list([check], NOTICES[:1]) == [(1, "书面检查", "督查〔2026〕1号", check)]
    assert owed_measures("市住建局", NOTICES, [check], 2027) == []  # a new year starts from none


def test_a_talk_answers_the_second_criticism_only_when_it_names_it_and_follows_it() -> None:
    """实施办法 §十六（一）督查约谈 is not §十六（二）'s 约谈 of the 主要负责人 after a second criticism."""
    inspection = _measure("督查约谈", "2026-03-01")  # a 副秘书长's 督查约谈 before any criticism
    unnamed = _measure("约谈", "2026-05-25")  # an old-style 约谈 naming no notice
    other = _measure("约谈", "2026-05-26", "督查〔2026〕1号")  # answering the first notice
    assert owed_list([inspection, unnamed, other], NOTICES[:2])[1] == (2, "约谈", "督查〔2026〕2号", None)
    early = _measure("约谈", "2026-05-19", "督查〔2026〕2号")  # dated before the notice it names
    assert owed_list([early], NOTICES[:2])[1][3] is None
    talk = _measure("约谈", "2026-05-27", "督查〔2026〕2号")
    assert owed_list([inspection, talk], NOTICES[:2])[1] == (2, "约谈", "督查〔2026〕2号", talk)


def test_every_criticism_from_the_third_on_owes_its_own_accountability() -> None:
    """§十六（三）「一年内受到通报批评三次及以上的……问责」: the 4th criticism owes a 问责 of its own."""
    third = _measure("问责", "2026-07-27", "督查〔2026〕3号")
    owed = owed_list([third])
    assert [(count, kind, done) for count, kind, _, done in owed[2:]] == [(3, "问责", third), (4, "问责", None)]
    fourth = _measure("问责", "2026-09-25", "督查〔2026〕4号", number=10)
    assert owed_list([third, fourth])[3] == (4, "问责", "督查〔2026〕4号", fourth)


RECORD = ASSIGNED


def test_an_order_that_leads_to_a_criticism_in_git(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2026/DC-2026-0001.yaml", RECORD)
    repo.commit("交办", date="2026-03-02T10:00:00+08:00")
    repo.git("checkout", "-q", "-b", "督办令")
    issued = invoke(repo.root, "measure", "--kind", "督办令", "--unit", "市住建局", "--case", "DC-2026-0001",
                    "--reason", "燃气安全隐患排查超期未报送结果。", "--by", "副市长 林静", "--date", "2026-03-12",
                    "--deadline", "3个工作日", "--requirements", "立即报送排查结果。")
    assert issued.exit_code == 0, issued.output
    assert issued.output == ("已写入督办令记录 accountability/2026/2026-001.yaml：请核对后提交（git commit），"
                             "经审核合并即为下达（记录）。\n")
    assert "doc_no: 督办〔2026〕1号\n" in repo.read("accountability/2026/2026-001.yaml")
    repo.commit("下达督办令", date="2026-03-12T15:00:00+08:00")
    assert invoke(repo.root, "guard", "--base", "main", "--today", "2026-03-12").exit_code == 0
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "督办令", "-m", "合并：督办令", date="2026-03-12T16:00:00+08:00")

    order = tmp_path / "督办令.docx"
    made = invoke(repo.root, "doc", "order", "2026-001", "--today", "2026-03-12", "-o", str(order))
    assert made.exit_code == 0, made.output
    text = "\n".join(p.text for p in Document(str(order)).paragraphs)
    assert "督办〔2026〕1号" in text and "督　办　令" in text and "测试市住房和城乡建设局：" in text
    assert "请于2026年3月17日前以正式公文报送办理结果" in text  # a 公文 writes dates in words, not 2026-03-17
    last = [p.text for p in Document(str(order)).paragraphs if p.text][-1]
    assert last == "测试市督查室\t2026年3月12日印发"  # the 版记, as every 公文 has
    rows = [[c.text for c in row.cells] for row in Document(str(order)).tables[0].rows]
    assert rows[1][:3] == ["DC-2026-0001", "燃气安全隐患排查", "2026-03-09"]

    assert "拟通报批评（0）" in invoke(repo.root, "report", "--period", "2026-03", "--today", "2026-03-17").output
    draft = invoke(repo.root, "report", "--period", "2026-03", "--today", "2026-03-18").output
    assert ("1. 市住建局：DC-2026-0001 督办令（督办〔2026〕1号）限期 2026-03-17 届满仍无明显进展。"
            "依据：督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评") in draft
    assert ("| 1 | 2026-001 | 督办令（督办〔2026〕1号） | 市住建局 | 2026-03-12 DC-2026-0001：燃气安全隐患排查超期未报送结果，"
            "限期 2026-03-17（副市长 林静） |") in draft
    notice = invoke(repo.root, "report", "--period", "2026-03", "--today", "2026-03-18", "--issue", "--number", "1")
    assert notice.exit_code == 0, notice.output
    repo.commit("印发通报", date="2026-03-18T10:00:00+08:00")

    assert invoke(repo.root, "pages", "--today", "2026-03-18").exit_code == 0
    unit = (repo.root / "build/docs-internal/units/市住建局.md").read_text(encoding="utf-8")
    assert "<li>第1次通报批评（督查〔2026〕1号） → 书面检查：尚未记录（记录时写明依据通报 督查〔2026〕1号）</li>" in unit
    check = invoke(repo.root, "measure", "--kind", "书面检查", "--unit", "市住建局", "--case", "DC-2026-0001",
                   "--reason", "向市政府作出书面检查。", "--by", "市政府", "--date", "2026-03-20", "--notice", "督查〔2026〕1号")
    assert check.exit_code == 0, check.output
    repo.commit("书面检查", date="2026-03-20T10:00:00+08:00")
    assert invoke(repo.root, "pages", "--today", "2026-03-20").exit_code == 0
    unit = (repo.root / "build/docs-internal/units/市住建局.md").read_text(encoding="utf-8")
    assert "<li>第1次通报批评（督查〔2026〕1号） → 书面检查：已记录：2026-03-20 书面检查</li>" in unit
    page = (repo.root / "build/docs-internal/cases/2026/DC-2026-0001.md").read_text(encoding="utf-8")
    assert '<td data-label="类别">督办令（督办〔2026〕1号）</td>' in page and "限期 2026-03-17（限期届满，无明显进展）" in page
    # Criticised once for this order: the next month's draft does not propose it again.
    assert "拟通报批评（0）" in invoke(repo.root, "report", "--period", "2026-04", "--today", "2026-04-01").output

    # Like an issued notice, the record is never edited afterwards.
    repo.git("checkout", "-q", "-b", "改限期")
    repo.replace("accountability/2026/2026-001.yaml", "deadline: 3个工作日", "deadline: 10个工作日")
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-04-01")
    assert guard.exit_code == 1
    assert "accountability/2026/2026-001.yaml: 改动了已下达（记录）的督查问责记录：印发后不得修改。" in guard.output


def test_issuing_refuses_what_validation_would(tmp_path: Path, invoke: Invoke) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2026/DC-2026-0001.yaml", RECORD)
    result = invoke(repo.root, "measure", "--kind", "督办令", "--unit", "市财政局", "--case", "DC-2026-0001",
                    "--reason", "超期。", "--by", "副市长 林静", "--date", "2026-03-12", "--deadline", "3个工作日")
    assert (result.exit_code, result.output) == (1, (
        "ducha measure: [--case] DC-2026-0001 不是市财政局主办或协办的事项。"
        " 修改：只写市财政局承办的事项（DC-2026-0001 的承办单位：市住建局）。\n"
        "没有写入任何文件：改正以上选项后重新运行。\n"))  # said of the options: the file it names was never written
    assert not (repo.root / "accountability").exists()
    slip = invoke(repo.root, "measure", "--kind", "督查约谈", "--unit", "住建局", "--case", "DC-2026-0001",
                  "--reason", "超期。", "--by", "副市长 林静", "--date", "2026-03-12")
    assert slip.exit_code == 2 and ("--unit：单位「住建局」未在 office.yaml 中登记。\n修改：是不是「市住建局」？写成登记的简称「市住建局」；"
                                    "确是新单位的，先在 office.yaml 的 units 中登记。") in slip.output
    no_deadline = invoke(repo.root, "measure", "--kind", "督办令", "--unit", "市住建局", "--case", "DC-2026-0001",
                         "--reason", "超期。", "--by", "副市长 林静", "--date", "2026-03-12")
    assert no_deadline.exit_code == 2 and "督办令须写明限期" in no_deadline.output


def test_an_order_reason_typed_without_its_full_stop_is_not_spliced_into_the_next_sentence(tmp_path: Path) -> None:
    from ducha.outputs.docx.case_documents import write_order

    target = tmp_path / "督办令.docx"
    write_order(OFFICE, ORDER, [deadline(CASE, OFFICE, D("2026-03-12"))], D("2026-03-17"), target)
    paragraphs = [p.text for p in Document(str(target)).paragraphs]
    assert "超期未报送结果。为推动落实，现对下列事项下达督办令，实行限期督办。" in paragraphs
    stopped = dataclasses.replace(ORDER, reason="超期未报送结果！")  # a sentence already ended is left as written
    write_order(OFFICE, stopped, [], D("2026-03-17"), target)
    assert "超期未报送结果！为推动落实，现对下列事项下达督办令，实行限期督办。" in [p.text for p in Document(str(target)).paragraphs]


def test_a_talk_after_a_criticism_names_the_notice_it_answers(tmp_path: Path, invoke: Invoke) -> None:
    """实施办法 §十六（二）的约谈 answers a criticism; §十六（一）的督查约谈 needs none."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2026/DC-2026-0001.yaml", RECORD)
    args = ("--unit", "市住建局", "--case", "DC-2026-0001", "--reason", "隐患整改滞后。", "--by", "副秘书长 陈晓东",
            "--date", "2026-03-12")
    talk = invoke(repo.root, "measure", "--kind", "约谈", *args)
    assert talk.exit_code == 2
    assert talk.output == ("错误：约谈（第十六条（二））是一年内第2次通报批评后由主要领导约谈单位主要负责人：加 --notice 第2次通报批评的"
                           "发文字号；督查中发现问题、由有关领导约谈责任单位负责人的，用 --kind 督查约谈（第十六条（一））。\n")
    check = invoke(repo.root, "measure", "--kind", "书面检查", *args)
    assert check.exit_code == 2 and "书面检查是通报批评后作出的：加 --notice" in check.output
    assert not (repo.root / "accountability").exists()
    inspection = invoke(repo.root, "measure", "--kind", "督查约谈", *args)
    assert inspection.exit_code == 0, inspection.output
    assert "kind: 督查约谈\n" in repo.read("accountability/2026/2026-001.yaml")


def test_an_accountability_outcome_is_appended_once(tmp_path: Path, invoke: Invoke) -> None:
    """§十六（三）「问责及处理结果」: the outcome comes later, and is the one thing a merged record takes."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("cases/2026/DC-2026-0001.yaml", RECORD)
    assert invoke(repo.root, "measure", "--kind", "问责", "--unit", "市住建局", "--case", "DC-2026-0001", "--reason",
                  "逾期不报，经调查核实。", "--by", "市政府", "--date", "2026-03-20").exit_code == 0
    assert invoke(repo.root, "measure", "--kind", "督办令", "--unit", "市住建局", "--case", "DC-2026-0001", "--reason",
                  "超期。", "--by", "副市长 林静", "--date", "2026-03-20", "--deadline", "3个工作日").exit_code == 0
    repo.commit("问责建议", date="2026-03-20T10:00:00+08:00")
    repo.git("checkout", "-q", "-b", "处理结果")
    wrong_kind = invoke(repo.root, "outcome", "2026-002", "--result", "诫勉谈话", "--by", "市纪委监委")
    assert wrong_kind.exit_code == 2 and "2026-002 是督办令，只有问责记录写处理结果" in wrong_kind.output
    early = invoke(repo.root, "outcome", "2026-001", "--result", "诫勉谈话", "--by", "市纪委监委", "--date", "2026-03-19")
    assert early.exit_code == 1 and "[outcome.date] 处理结果的日期 2026-03-19 早于问责建议（2026-03-20）。" in early.output
    before = repo.read("accountability/2026/2026-001.yaml")
    assert "outcome" not in before  # a refused outcome leaves the record as it was
    done = invoke(repo.root, "outcome", "2026-001", "--result", "给予主要负责人诫勉谈话", "--by", "市纪委监委",
                  "--date", "2026-04-10")
    assert done.exit_code == 0, done.output
    assert repo.read("accountability/2026/2026-001.yaml") == before + (
        "outcome:\n  date: 2026-04-10\n  result: 给予主要负责人诫勉谈话\n  by: 市纪委监委\n")
    repo.commit("处理结果", date="2026-04-10T10:00:00+08:00")
    assert invoke(repo.root, "guard", "--base", "main", "--today", "2026-04-10").exit_code == 0
    again = invoke(repo.root, "outcome", "2026-001", "--result", "改为警告", "--by", "市纪委监委")
    assert again.exit_code == 2 and "2026-001 已记录处理结果（2026-04-10 市纪委监委：给予主要负责人诫勉谈话），不能再改" in again.output
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "处理结果", "-m", "合并：处理结果", date="2026-04-10T11:00:00+08:00")
    published = invoke(repo.root, "report", "--period", "2026-04", "--today", "2026-04-30").output
    assert "逾期不报，经调查核实（市政府）；处理结果：给予主要负责人诫勉谈话（市纪委监委，2026-04-10） |" in published
    case_page = repo.root / "build/docs-internal/cases/2026/DC-2026-0001.md"
    for today, shown in (("2026-04-09", False), ("2026-04-10", True)):  # on the site from its date (公布)
        assert invoke(repo.root, "pages", "--today", today).exit_code == 0
        assert ("<br>处理结果：给予主要负责人诫勉谈话（市纪委监委，2026-04-10）" in case_page.read_text(encoding="utf-8")) is shown
    repo.git("checkout", "-q", "-b", "改结果")
    repo.replace("accountability/2026/2026-001.yaml", "诫勉谈话", "批评教育")  # once merged, it is never rewritten
    guard = invoke(repo.root, "guard", "--base", "main", "--today", "2026-04-10")
    assert guard.exit_code == 1
    assert "accountability/2026/2026-001.yaml: 改动了已下达（记录）的督查问责记录：印发后不得修改。" in guard.output
