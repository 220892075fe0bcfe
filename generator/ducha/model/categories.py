"""The 来源类型 (categories) every office has, by name.

A module of its own so that the command line can name them in its help (`ducha new --help`,
listed by `ducha --help`) without loading the office model."""

from __future__ import annotations

#: The 来源类型 every office has, in the order offices list them; office.yaml may add its own.
STANDARD_CATEGORIES: tuple[str, ...] = ("重大决策部署", "重要会议", "重要文件", "领导批示", "上级交办", "年度重点工作",
                                        "调研交办", "人大代表建议", "政协提案", "其他交办")
