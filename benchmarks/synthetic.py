"""Generate a synthetic 督查 repository of N realistic cases (deterministic for a given N and seed).

The records are as heavy as real ones: about 3.5 KB on average, four 办理进展 entries, and
multi-line text (任务要求, 批示内容, 办理情况) made of varied sentences, so that parsing, search
indexing and page sizes are measured on what an office really keeps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The benchmarks' office: the tests' frozen demo office (its units are the ones generated below),
#: never the live office.yaml, which an office replaces with its own.
OFFICE = REPO / "tests" / "fixtures" / "demo" / "office.yaml"
UNITS = ["市发改委", "市财政局", "市教育局", "市卫健委", "市住建局", "市交通运输局", "市生态环境局",
         "市自然资源局", "市人社局", "市民政局", "市城管局", "市数据局"]
CATEGORIES = ["重大决策部署", "重要会议", "重要文件", "领导批示", "上级交办", "年度重点工作",
              "调研交办", "人大代表建议", "政协提案", "其他交办"]
#: Clauses the multi-line text is made of: work as a 督查 record says it, varied enough that search
#: indexes and pages grow as they do with real records.
SUBJECTS = ["牵头单位", "责任科室", "各街道办事处", "项目建设单位", "属地乡镇", "行业主管部门", "第三方评估机构",
            "专项工作组", "督查组", "分管领导"]
ACTIONS = ["召开专题会议研究部署", "制定工作方案并明确时间表", "开展全面排查摸底", "逐项建立问题台账",
           "组织现场核查", "协调解决资金缺口", "完成阶段性整改", "开展联合执法检查", "征求群众意见建议",
           "落实长效管理机制", "约谈相关责任人", "组织专家论证评审", "完善制度流程", "推进信息化平台建设",
           "开展回头看复查", "加强宣传引导"]
RESULTS = ["累计排查点位{n}个", "已整改问题{n}项", "涉及群众{n}户", "投入资金{n}万元", "完成进度约{p}%",
           "群众满意度达到{p}%", "形成制度文件{m}份", "发现新问题{m}个", "覆盖{m}个街道", "约谈{m}人次"]
NEXT = ["下一步将持续跟踪督办，确保按期完成。", "剩余问题已明确整改时限，实行销号管理。",
        "将于月底前报送书面办理报告。", "对照任务清单逐项核对，防止问题反弹。", "已纳入年度重点工作考核。",
        "需市财政局协调解决部分资金。", "将适时组织回头看，巩固整改成效。"]
TOPICS = ["燃气安全隐患排查", "老旧小区改造", "学校周边交通整治", "河道垃圾清理", "农民工工资支付",
          "社区养老服务站建设", "公办学位扩容", "营商环境优化", "医保基金监管", "城市内涝治理"]


def sentence(rng: random.Random) -> str:
    """One sentence of a progress report or a requirement: who did what, and with what result."""
    result = rng.choice(RESULTS).format(n=rng.randint(3, 480), p=rng.randint(40, 99), m=rng.randint(2, 12))
    first, second = rng.sample(ACTIONS, 2)
    return f"{rng.choice(SUBJECTS)}{first}，{second}，{result}。"


def block(rng: random.Random, lines: int, indent: str) -> list[str]:
    """A multi-line YAML block scalar (``|``) of ``lines`` lines, each a sentence or two."""
    return [f"{indent}{sentence(rng)}{sentence(rng) if rng.random() < 0.5 else ''}" for _ in range(lines)]


def case_text(case_id: str, rng: random.Random, registered: dt.date, rich: bool = False) -> tuple[str, dict[str, bytes]]:
    """A record, and the attached files it registers. ``rich`` records (a fifth of them) carry 节点 and an
    attachment (issue 14's metadata)."""
    category = rng.choice(CATEGORIES)
    lead = rng.choice(UNITS)
    co = rng.sample([u for u in UNITS if u != lead], rng.randint(0, 2))
    lines = [
        "# yaml-language-server: $schema=../../schema/case.schema.json",
        f"id: {case_id}",
        f"title: {rng.choice(TOPICS)}（第{rng.randint(1, 999)}批）",
        f"category: {category}",
        "source:",
        f"  doc_no: 青政办发〔{registered.year}〕{rng.randint(1, 300)}号",
        "  instruction: |",
        *block(rng, 2, "    "),
        "requirements: |",
        f"  按照{rng.choice(TOPICS)}工作要求，明确责任人和时间节点，按期报送办理结果。",
        *block(rng, 3, "  "),
        f"registered: {registered.isoformat()}",
    ]
    if rng.random() < 0.05 and not rich:  # 节点 come with 交办: a rich record is always assigned (a fifth exactly)
        return "\n".join(lines) + "\n", {}
    assigned = registered + dt.timedelta(days=rng.randint(0, 2))
    lines += ["approval:", f"  date: {registered.isoformat()}", "  by: 副市长 林静",
              f"assigned: {assigned.isoformat()}", f"lead_unit: {lead}"]
    if co:
        lines.append(f"co_units: [{', '.join(co)}]")
    lines += ["owner: 张明", f"time_limit: {rng.choice(['5个工作日', '10个工作日', '30个工作日', '30日', '3个月'])}"]
    if rich:  # every time limit above is at least 5 working days: both 节点 fall within it
        lines += ["milestones:", "  - name: 制定方案", "    time_limit: 2个工作日", "  - name: 完成整改", "    time_limit: 4个工作日"]
    day = assigned
    progress = rng.choice((3, 4, 4, 5, 5))  # four on average over all records (a twentieth are not assigned yet)
    if progress:
        lines.append("progress:")
        for i in range(progress):
            day += dt.timedelta(days=rng.randint(1, 6))
            lines += [f"  - date: {day.isoformat()}", f"    by: {lead}", "    summary: |",
                      f"      第{i + 1}阶段：{sentence(rng)}", *block(rng, rng.randint(1, 2), "      "),
                      f"      {rng.choice(NEXT)}"]
            if rich and i < 2:
                lines.append(f"    milestone: {('制定方案', '完成整改')[i]}")
    if rng.random() < 0.3:
        day += dt.timedelta(days=1)
        lines += ["urges:", f"  - date: {day.isoformat()}", "    method: 电话催办", "    note: 请加快办理进度。"]
    if rng.random() < 0.15:
        day += dt.timedelta(days=1)
        asked = assigned + dt.timedelta(days=1)  # before every due date: 实施办法 §九 wants it asked 提前
        lines += ["extensions:", f"  - requested: {asked.isoformat()}", "    reason: 情况复杂，需要协调多个部门。",
                  f"    approved: {day.isoformat()}", "    approved_by: 副市长 林静", "    time_limit: 10个工作日"]
    if rng.random() < 0.7:
        day += dt.timedelta(days=rng.randint(1, 5))
        lines += ["reports:", f"  - date: {day.isoformat()}", f"    doc_no: 青办〔{day.year}〕{rng.randint(1, 500)}号",
                  "    signer: 李强", "    summary: |", "      已按要求办理完毕。", *block(rng, 2, "      ")]
        if rng.random() < 0.8:
            day += dt.timedelta(days=rng.randint(0, 3))
            lines += ["reviews:", f"  - date: {day.isoformat()}", "    reviewer: 王晓峰", "    result: 通过"]
    files: dict[str, bytes] = {}
    if rich:
        content = f"%PDF-1.4\n% {case_id} 批示件（合成数据）\n".encode()
        files["批示件.pdf"] = content
        lines += ["attachments:", f"  - date: {assigned.isoformat()}", "    file: 批示件.pdf", "    title: 领导批示件",
                  "    type: pdf", f'    size: "{len(content)}"', f"    sha256: {hashlib.sha256(content).hexdigest()}"]
    return "\n".join(lines) + "\n", files


def build(target: Path, count: int, seed: int = 7) -> Path:
    """Write office.yaml, schema/ and ``count`` cases under ``target`` (a fifth with 节点 and an attached file);
    returns ``target``."""
    if target.exists():
        shutil.rmtree(target)
    (target / "cases").mkdir(parents=True)
    shutil.copy(OFFICE, target / "office.yaml")
    shutil.copytree(REPO / "schema", target / "schema")
    rng = random.Random(seed)
    per_year: dict[int, int] = {}
    start = dt.date(2025, 1, 2)
    for i in range(count):
        registered = start + dt.timedelta(days=int(i * 690 / count))
        number = per_year[registered.year] = per_year.get(registered.year, 0) + 1
        case_id = f"DC-{registered.year}-{number:04d}"
        folder = target / "cases" / str(registered.year)
        folder.mkdir(exist_ok=True)
        text, files = case_text(case_id, rng, registered, rich=i % 5 == 0)
        (folder / f"{case_id}.yaml").write_text(text, encoding="utf-8")
        for name, data in files.items():
            attached = target / "attachments" / str(registered.year) / case_id / name
            attached.parent.mkdir(parents=True, exist_ok=True)
            attached.write_bytes(data)
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    args = parser.parse_args()
    build(args.target, args.count)
