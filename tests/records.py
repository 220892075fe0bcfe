"""Record texts the lifecycle tests start from: real files, committed to real git repositories."""

from __future__ import annotations

PATH = "cases/2026/DC-2026-0001.yaml"
#: 领导批示 交办 on Monday 2026-03-02 to 市住建局 (5个工作日 → 3月9日), with its 责任人 and 任务要求.
ASSIGNED = """id: DC-2026-0001
title: 燃气安全隐患排查
category: 领导批示
registered: 2026-03-02
assigned: 2026-03-02
lead_unit: 市住建局
owner: 孙立新
requirements: 对全市餐饮场所开展燃气安全排查。
"""
#: The same, reported on 3月6日 and passed on 3月9日: closed on time.
CLOSED = ASSIGNED + """reports:
  - date: 2026-03-06
    doc_no: 测建〔2026〕1号
    signer: 吴永强
    summary: 排查完毕。
reviews:
  - date: 2026-03-09
    reviewer: 王晓峰
    result: 通过
"""
