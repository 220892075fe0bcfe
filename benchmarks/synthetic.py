"""Generate a synthetic 督查 repository of N realistic cases (deterministic for a given N and seed).

The records are as heavy as real ones: about 3.5 KB on average, four 办理进展 entries, and
multi-line text (任务要求, 批示内容, 办理情况) made of varied sentences, so that parsing, search
indexing and page sizes are measured on what an office really keeps.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import subprocess
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def issued_records(target: Path, cases: list[tuple[str, str, dt.date]], seed: int = 7) -> None:
    """What the office issued about ``cases`` (id, lead unit, 交办 day): a 通报 a quarter praising two units and
    criticising one, a 督办令 and a 约谈 a month, and two 督查专报 a month each adopting two units' material."""
    rng = random.Random(seed)
    last = max(day for _, _, day in cases)
    numbers: dict[tuple[str, int], int] = {}

    def write(folder: str, day: dt.date, lines: list[str]) -> None:
        number = numbers[(folder, day.year)] = numbers.get((folder, day.year), 0) + 1
        path = target / folder / str(day.year) / f"{day.year}-{number:03d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([f'number: "{number}"', *lines]) + "\n", encoding="utf-8")

    def led_before(day: dt.date) -> tuple[str, str]:
        case_id, lead, _ = rng.choice([c for c in cases if c[2] < day])
        return case_id, lead

    quarter = dt.date(2025, 4, 10)
    while quarter <= last:
        first, second, third = (led_before(quarter) for _ in range(3))
        praised = [first] if first[1] == second[1] else [first, second]
        issuer = f"青督查〔{quarter.year}〕{numbers.get(('notices', quarter.year), 0) + 1}号"
        ended = quarter.replace(day=1) - dt.timedelta(days=1)
        write("notices", quarter, [f"doc_no: {issuer}", f"date: {quarter}", f"period: {ended.year}-Q{(ended.month - 1) // 3 + 1}",
                                   'data_commit: "0000000"', "approved_by: 市长 刘志远", "praised:",
                                   *(f"  - {{unit: {unit}, reason: 本期主办事项全部按期办结, cases: [{case_id}]}}"
                                     for case_id, unit in praised),
                                   "criticised:", f"  - {{unit: {third[1]}, reason: {third[0]} 超期未办结, cases: [{third[0]}]}}"])
        quarter = dt.date(quarter.year + (quarter.month + 3 > 12), (quarter.month + 2) % 12 + 1, 10)
    month = dt.date(2025, 2, 15)
    while month <= last:
        (order_case, order_unit), (talk_case, talk_unit) = led_before(month), led_before(month)
        order_no = f"青督令〔{month.year}〕{numbers.get(('accountability', month.year), 0) + 1}号"
        write("accountability", month, ["kind: 督办令", f"doc_no: {order_no}",
                                        f"date: {month}", f"unit: {order_unit}", f"cases: [{order_case}]",
                                        "reason: 超期未报送办理结果。", "deadline: 5个工作日", "by: 副市长 林静"])
        write("accountability", month + dt.timedelta(days=5), ["kind: 约谈", f"date: {month + dt.timedelta(days=5)}",
                                                               f"unit: {talk_unit}", f"cases: [{talk_case}]",
                                                               "reason: 下达督办令后仍无明显进展。", "by: 市政府副秘书长 陈晓东"])
        for day in (month - dt.timedelta(days=10), month + dt.timedelta(days=8)):
            write("bulletins", day, [f"date: {day}", f"title: {rng.choice(TOPICS)}推进情况", f"reports_problem: {rng.choice(['是', '否'])}",
                                     f"adopted: [{', '.join(rng.sample(UNITS, 2))}]"])
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 15)


def build(target: Path, count: int, seed: int = 7, issued: bool = False) -> Path:
    """Write office.yaml, schema/ and ``count`` cases under ``target`` (a fifth with 节点 and an attached file);
    with ``issued``, also the 通报, 督查问责 records and 督查专报 an office of that size issues (``issued_records``);
    returns ``target``."""
    if target.exists():
        shutil.rmtree(target)
    (target / "cases").mkdir(parents=True)
    shutil.copy(OFFICE, target / "office.yaml")
    shutil.copytree(REPO / "schema", target / "schema")
    rng = random.Random(seed)
    per_year: dict[int, int] = {}
    led: list[tuple[str, str, dt.date]] = []
    start = dt.date(2025, 1, 2)
    for i in range(count):
        registered = start + dt.timedelta(days=int(i * 690 / count))
        number = per_year[registered.year] = per_year.get(registered.year, 0) + 1
        case_id = f"DC-{registered.year}-{number:04d}"
        folder = target / "cases" / str(registered.year)
        folder.mkdir(exist_ok=True)
        text, files = case_text(case_id, rng, registered, rich=i % 5 == 0)
        (folder / f"{case_id}.yaml").write_text(text, encoding="utf-8")
        if issued and "\nlead_unit: " in text:
            assigned = dt.date.fromisoformat(text.split("\nassigned: ", 1)[1][:10])
            led.append((case_id, text.split("\nlead_unit: ", 1)[1].split("\n", 1)[0], assigned))
        for name, data in files.items():
            attached = target / "attachments" / str(registered.year) / case_id / name
            attached.parent.mkdir(parents=True, exist_ok=True)
            attached.write_bytes(data)
    if issued:
        issued_records(target, led, seed)
    return target


# --- 上下联动: one superior office and many subordinate offices, each its own repository ----------------------

#: The superior's 全宗号 and prefix; each subordinate numbers its cases DC-… like the demo office (ids collide
#: between offices, as they do in life: links name the office by 全宗号).
SUPERIOR_FONDS, SUPERIOR_PREFIX = "0001", "SD"
_EPOCH = 1767225600  # 2026-01-01 00:00 UTC: fixed commit dates, stable commit ids


def subordinate_name(number: int) -> str:
    return f"县区{number:03d}督查室"


def _superior_case(case_id: str, unit: str, rng: random.Random, day: dt.date) -> str:
    return "\n".join([
        f"id: {case_id}", f"title: {rng.choice(TOPICS)}（省交办第{rng.randint(1, 999)}号）", "category: 上级交办",
        "source:", f"  doc_no: 省政办发〔{day.year}〕{rng.randint(1, 300)}号",
        f"requirements: 按照{rng.choice(TOPICS)}工作要求，抓好落实，按期报送办理结果。",
        f"registered: {day.isoformat()}", f"assigned: {day.isoformat()}", f"lead_unit: {unit}", "owner: 周明",
        "time_limit: 30个工作日"]) + "\n"


def _taken_in(text: str, upstream: str, commit: str, digest: str) -> str:
    """A synthetic case rewritten as ``ducha intake`` registers one: 上级交办, with its link to the superior's."""
    lines = text.split("\n")
    out = []
    for line in lines:
        if line.startswith("category: "):
            line = "category: 上级交办"
        out.append(line)
        if line == "source:":
            out += ["  upstream:", f'    office: "{SUPERIOR_FONDS}"', f"    id: {upstream}", f"    commit: {commit}",
                    f"    sha256: {digest}"]
    return "\n".join(out)


def _fast_import(repo: Path, files: dict[str, bytes], message: str) -> str:
    """A bare repository at ``repo`` whose main holds exactly ``files`` in one commit; returns its id."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
    stream = [f"commit refs/heads/main\nauthor bench <bench@localhost> {_EPOCH} +0800\n"
              f"committer bench <bench@localhost> {_EPOCH} +0800\n".encode()]
    body = message.encode()
    stream.append(b"data %d\n%s\n" % (len(body), body))
    for path, data in sorted(files.items()):
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(stream), check=True)
    return subprocess.run(["git", "rev-parse", "main"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


def build_federation(target: Path, offices: int = 100, per_office: int = 1000, delegated: int = 10,
                     seed: int = 7) -> Path:
    """A superior office (a working repository at ``target/superior``) with ``offices`` subordinate offices,
    each a bare repository (``target/remotes/<name>.git``) of ``per_office`` cases, ``delegated`` of them taken
    in from the superior's (10 × 100 delegated cases by default); returns the superior's folder."""
    if target.exists():
        shutil.rmtree(target)
    superior = target / "superior"
    (superior / "cases" / "2026").mkdir(parents=True)
    rng = random.Random(seed)
    office = OFFICE.read_text(encoding="utf-8").replace("prefix: DC", f"prefix: {SUPERIOR_PREFIX}")
    office = re.sub(r'fonds: "?\d+"?', f'fonds: "{SUPERIOR_FONDS}"', office)
    names = [subordinate_name(n) for n in range(1, offices + 1)]
    office = office.replace("units:\n", "units:\n" + "".join(
        f"  - name: {name}\n    full_name: {name.replace('督查室', '人民政府督查室')}\n" for name in names), 1)
    office += "subordinates:\n" + "".join(f"  - name: {name}\n    remote: ../remotes/{name}.git\n" for name in names)
    (superior / "office.yaml").write_text(office, encoding="utf-8")
    shutil.copytree(REPO / "schema", superior / "schema")
    above: dict[str, list[tuple[str, bytes]]] = {name: [] for name in names}
    day = dt.date(2026, 1, 5)
    for number in range(offices * delegated):
        name = names[number % offices]
        case_id = f"{SUPERIOR_PREFIX}-2026-{number + 1:04d}"
        record = _superior_case(case_id, name, rng, day + dt.timedelta(days=number % 60)).encode()
        (superior / "cases" / "2026" / f"{case_id}.yaml").write_bytes(record)
        above[name].append((case_id, record))
    quiet = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost", "GIT_COMMITTER_NAME": "bench",
             "GIT_COMMITTER_EMAIL": "bench@localhost", "GIT_AUTHOR_DATE": f"{_EPOCH} +0800",
             "GIT_COMMITTER_DATE": f"{_EPOCH} +0800", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "交办"]):
        subprocess.run(["git", *args], cwd=superior, env=quiet, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=superior, capture_output=True, text=True,
                            check=True).stdout.strip()
    sub_office = OFFICE.read_text(encoding="utf-8")
    for index, name in enumerate(names):
        files: dict[str, bytes] = {
            "office.yaml": re.sub(r'fonds: "?\d+"?', f'fonds: "{1001 + index}"', sub_office).replace(
                "name: 青川市人民政府督查室", f"name: {name.replace('督查室', '人民政府督查室')}").encode()
            + "superior:\n  name: 某省人民政府督查室\n  remote: ../superior\n".encode()}
        start = dt.date(2025, 1, 2)
        per_year: dict[int, int] = {}
        taken = {per_office - delegated + k: above[name][k] for k in range(delegated)}
        for i in range(per_office):
            registered = start + dt.timedelta(days=int(i * 690 / per_office))
            if i in taken:
                registered = max(registered, dt.date(2026, 3, 2))
            serial = per_year[registered.year] = per_year.get(registered.year, 0) + 1
            case_id = f"DC-{registered.year}-{serial:04d}"
            text, _ = case_text(case_id, rng, registered)
            if i in taken:
                upstream, raw = taken[i]
                text = _taken_in(text, upstream, commit, hashlib.sha256(raw).hexdigest())
            files[f"cases/{registered.year}/{case_id}.yaml"] = text.encode()
        _fast_import(target / "remotes" / f"{name}.git", files, "synthetic")
    return superior


#: The logs that come after 办理进展 in a record: a new progress entry is written before them.
LATER_LOGS = ("urges", "extensions", "reports", "reviews")


def build_history(target: Path, cases: int, updates: int, seed: int = 11,
                  signers: Sequence[str] = ()) -> tuple[int, int, int, int]:
    """A repository via `git fast-import`, shaped like an office's: one 立项 commit per case, then
    `updates` changes, a third of them through a reviewed pull request (a branch commit and a merge
    with a Reviewed-by trailer, 1 in 50 of those merges editing the file itself), and 0.5 % of the
    cases filed in the wrong year folder, moved later in one commit that, for most, also adds so
    much that git's rename detection no longer pairs the paths. ``signers``: office.yaml lists them as the
    review server's keys from the first commit on (sign the main line with ``sign_main_line``).

    Returns (commits, cases, merges, moves)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    rng = random.Random(seed)
    stamp = int(dt.datetime(2025, 1, 2, 9, tzinfo=dt.UTC).timestamp())
    paths: list[str] = []
    contents: dict[str, str] = {}
    misfiled: dict[str, str] = {}  # wrong path → right path
    out: list[str] = []
    mark = 0
    commits = merges = moves = 0

    def commit(branch: str, message: str, ops: list[str], parents: list[int]) -> int:
        nonlocal mark, stamp, commits
        mark += 1
        stamp += 600
        commits += 1
        body = message.encode("utf-8")
        out.append(f"commit refs/heads/{branch}\nmark :{mark}\n"
                   f"author 张三 <zhangsan@dcs.example.cn> {stamp} +0800\n"
                   f"committer 张三 <zhangsan@dcs.example.cn> {stamp} +0800\n"
                   f"data {len(body)}\n{message}\n")
        if parents:
            out.append(f"from :{parents[0]}\n")
            out.extend(f"merge :{p}\n" for p in parents[1:])
        out.extend(ops)
        out.append("\n")
        return mark

    def modify(path: str, text: str) -> str:
        data = text.encode("utf-8")
        return f"M 100644 inline {path}\ndata {len(data)}\n{text}\n"

    def followup(path: str, n: int) -> None:
        """A 办理进展 entry added at the end of the case's progress log: a real change, as offices make them."""
        lines = contents[path].splitlines(keepends=True)
        lead = next((line.split(": ", 1)[1].strip() for line in lines if line.startswith("lead_unit: ")), "市住建局")
        day = dt.date(2026, 4, 1) + dt.timedelta(days=contents[path].count("次进展："))
        entry = [f"  - date: {day.isoformat()}\n", f"    by: {lead}\n", "    summary: |\n",
                 f"      第{n}次进展：{sentence(rng)}\n", *(f"{line}\n" for line in block(rng, rng.randint(1, 2), "      ")),
                 f"      {rng.choice(NEXT)}\n"]
        if "progress:\n" in lines:
            at = lines.index("progress:\n") + 1
            while at < len(lines) and lines[at].startswith("  "):
                at += 1
        else:
            at = next((i for i, line in enumerate(lines) if line.split(":")[0] in LATER_LOGS), len(lines))
            entry.insert(0, "progress:\n")
        contents[path] = "".join(lines[:at] + entry + lines[at:])

    office = OFFICE.read_text(encoding="utf-8")
    if signers:
        office += "review_signers:\n" + "".join(f"  - {line}\n" for line in signers)
    head = commit("main", "初始化", [modify("office.yaml", office)], [])
    for i in range(cases):
        year = 2025 if i < cases // 2 else 2026
        case_id = f"DC-{year}-{i + 1:05d}"
        path = f"cases/{year}/{case_id}.yaml"
        if rng.random() < 0.005:  # filed in the wrong year folder
            misfiled[f"cases/{year - 1}/{case_id}.yaml"] = path
            path = f"cases/{year - 1}/{case_id}.yaml"
        text, _ = case_text(case_id, rng, dt.date(year, 3, 2))
        paths.append(path)
        contents[path] = text
        head = commit("main", f"立项 {case_id}", [modify(path, text)], [head])
    move_at = dict(zip(sorted(rng.sample(range(updates), len(misfiled))), misfiled, strict=True))
    for n in range(updates):
        if n in move_at:  # moved to the right folder, mostly with a batch of entries added
            old = move_at[n]
            new = misfiled[old]
            contents[new] = contents.pop(old)
            paths[paths.index(old)] = new
            for extra in range(15 if rng.random() < 0.6 else 0):
                followup(new, n * 100 + extra)
            head = commit("main", f"移动 {old}", [f"D {old}\n", modify(new, contents[new])], [head])
            moves += 1
            continue
        path = rng.choice(paths)
        while "assigned:" not in contents[path]:  # progress only once a case is assigned
            path = rng.choice(paths)
        followup(path, n)
        if n % 3 == 0:  # a pull request: a branch commit and a merge with the reviewer
            side = commit("pr", f"更新 {path}", [modify(path, contents[path])], [head])
            if n % 150 == 0:  # the merge edits the file itself
                followup(path, n + 1)
            head = commit("main", f"Merge pull request #{n}\n\nReviewed-by: 王晓峰 <wangxf@dcs.example.cn>",
                          [modify(path, contents[path])], [head, side])
            merges += 1
        else:
            head = commit("main", f"更新 {path}", [modify(path, contents[path])], [head])
    stream = "".join(out).encode("utf-8")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=target, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    return commits, len(paths), merges, moves



# --- the review server's signature on the main line ----------------------------------------------------------


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def server_key() -> tuple[Any, str]:
    """A fresh Ed25519 key for the review server: the private key and its ``allowed_signers`` line."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    blob = _ssh_string(b"ssh-ed25519") + _ssh_string(public)
    return key, f"gitea@dcs.example.cn ssh-ed25519 {base64.b64encode(blob).decode('ascii')}"


def ssh_signature(key: Any, payload: bytes) -> str:
    """What `ssh-keygen -Y sign -n git` writes for ``payload`` (the SSHSIG format), computed in-process:
    signing 25,000 commits one ssh-keygen at a time would take longer than the benchmark."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    public_blob = _ssh_string(b"ssh-ed25519") + _ssh_string(public)
    signed = (b"SSHSIG" + _ssh_string(b"git") + _ssh_string(b"") + _ssh_string(b"sha512")
              + _ssh_string(hashlib.sha512(payload).digest()))
    signature = _ssh_string(b"ssh-ed25519") + _ssh_string(key.sign(signed))
    blob = (b"SSHSIG" + (1).to_bytes(4, "big") + _ssh_string(public_blob) + _ssh_string(b"git") + _ssh_string(b"")
            + _ssh_string(b"sha512") + _ssh_string(signature))
    text = base64.b64encode(blob).decode("ascii")
    return "\n".join(["-----BEGIN SSH SIGNATURE-----", *(text[i:i + 70] for i in range(0, len(text), 70)),
                      "-----END SSH SIGNATURE-----"])


def sign_main_line(repo: Path, key: Any, branch: str = "main") -> int:
    """Rewrite ``branch`` so that every first-parent commit carries ``key``'s SSH signature, as a review
    server signs each merge and squash it makes; the other commits only get their new parents. Returns
    how many commits were signed. Objects are written loose, straight into the object store."""
    listing = subprocess.run(["git", "rev-list", "--topo-order", "--reverse", "--parents", branch], cwd=repo,
                             capture_output=True, text=True, check=True).stdout.split("\n")
    main_line = set(subprocess.run(["git", "rev-list", "--first-parent", branch], cwd=repo, capture_output=True,
                                   text=True, check=True).stdout.split())
    order = [line.split()[0] for line in listing if line]
    reader = subprocess.Popen(["git", "cat-file", "--batch"], cwd=repo, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert reader.stdin is not None and reader.stdout is not None
    renamed: dict[str, str] = {}
    signed = 0
    objects = repo / ".git" / "objects"
    for sha in order:
        reader.stdin.write(f"{sha}\n".encode())
        reader.stdin.flush()
        size = int(reader.stdout.readline().split()[2])
        raw = reader.stdout.read(size + 1)[:-1]
        header, _, message = raw.partition(b"\n\n")
        lines = [line if not line.startswith(b"parent ") else b"parent " + renamed[line[7:].decode()].encode()
                 for line in header.split(b"\n")]
        payload = b"\n".join(lines) + b"\n\n" + message
        if sha in main_line:
            signature = ssh_signature(key, payload).replace("\n", "\n ").encode("ascii")
            at = next(i for i, line in enumerate(lines) if line.startswith(b"committer ")) + 1
            lines.insert(at, b"gpgsig " + signature)
            payload = b"\n".join(lines) + b"\n\n" + message
            signed += 1
        stored = b"commit %d\0" % len(payload) + payload
        new = hashlib.sha1(stored).hexdigest()
        folder = objects / new[:2]
        folder.mkdir(exist_ok=True)
        (folder / new[2:]).write_bytes(zlib.compress(stored, 1))
        renamed[sha] = new
    reader.stdin.close()
    reader.wait()
    subprocess.run(["git", "update-ref", f"refs/heads/{branch}", renamed[order[-1]]], cwd=repo, check=True)
    return signed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    args = parser.parse_args()
    build(args.target, args.count)
