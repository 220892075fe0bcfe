"""Every rule ducha applies, in one table: what it says, where it comes from, and what sets it.

A rule comes from a clause of the seed documents (/work/shared/seeds: 中办 1999 年意见, 中办 2012
年意见, 国办 2008 年意见, 国办发〔2014〕42号, 督促检查工作实施办法) or from a law; or it is the
office's own choice, labelled 本室规则 — and where a seed gives the duty but not the number (回头看
but not after how many days), the number is 本室规则 and the text says so. README's 规则一览 is
this table row for row (``tests/test_rules_table.py`` compares them), so no rule is applied that
the office cannot read, and none is described that the code does not apply.

Where a seed is ambiguous, the reading chosen is written in the rule's text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ducha.model.office import NoticeRules

#: The clause of a rule that is the office's own choice (no seed sets it).
OWN = "本室规则"


@dataclass(frozen=True)
class Rule:
    """One rule: its id, what it says, its seed clause (or 本室规则), and the office.yaml key that sets it."""

    id: str
    text: str
    clause: str
    key: str = ""  # office.yaml key(s) that set or switch it; empty: fixed by the seeds

    @property
    def own(self) -> bool:
        """Whether the rule, or the number in it, is the office's own choice."""
        return OWN in self.clause

    @property
    def keys(self) -> tuple[str, ...]:
        """Each office.yaml key the rule names (``*`` stands for any 来源类型 or 优先级)."""
        return tuple(self.key.split("、")) if self.key else ()

    @property
    def basis(self) -> str:
        """The rule's basis as a proposal cites it to the leaders who sign the 通报: its clause, or the rule in
        words where the clause is only 本室规则. Never a setting's name: it means nothing to them; ``cited``
        gives the office's own figure."""
        return f"{OWN}：{self.text}" if self.clause == OWN else self.clause


# --- 时限 ---------------------------------------------------------------------------------------------------
TIME_LIMIT_INSTRUCTION = Rule(
    "时限.领导批示", "领导批示事项默认 5 个工作日内报送办理结果", "督促检查工作实施办法 第九条",
    "categories.领导批示.time_limit")
TIME_LIMIT_STATE_COUNCIL = Rule(
    "时限.国务院批示", "国务院领导同志批示事项没有时限要求的，一般 30 个工作日内办结并报告（只用于来源层级「国务院批示」，"
    "不是全部上级交办的默认时限）", "国办 2008 年意见（五）", "categories.上级交办.levels.国务院批示")
TIME_LIMIT_CENTRAL = Rule(
    "时限.中央批办", "中央领导同志批办事项一般两个月内办结，延长期不超过两个月（只用于来源层级「中央批办」）",
    "中办 1999 年意见 七", "categories.上级交办.levels.中央批办")
TIME_LIMIT_SUPERIOR = Rule(
    "时限.上级交办", "其他上级交办事项按交办通知所定时限办结（记录中写 time_limit）；本室统一的默认时限（如 30 个工作日）"
    "须在 office.yaml 中写明", f"国办发〔2014〕42号 四（限期报告制度）；统一默认时限为{OWN}", "categories.上级交办.time_limit")
TIME_LIMIT_PROPOSALS = Rule(
    "时限.建议提案", "人大代表建议、政协提案 3 个月内答复，涉及面广、处理难度大的最迟不超过 6 个月", "督促检查工作实施办法 第十条",
    "categories.人大代表建议、categories.政协提案")
TIME_LIMIT_OWN = Rule(
    "时限.本室默认", "重要会议、重要文件、调研交办、其他交办等来源类型的默认时限（示例：30、30、15、10 个工作日）", OWN,
    "categories.*.time_limit")
TIME_LIMIT_REVISIONS = Rule(
    "时限.修订", "默认时限、延期上限、保管期限的修订写明生效日期，只适用于此后交办的事项，已有事项的期限不变", OWN,
    "categories.*.revisions")
WORKDAYS = Rule(
    "时限.工作日", "工作日按国务院办公厅放假通知计算（含调休上班日）；交办当日不计入", "《民法典》第二百零一条",
    "holiday_overrides")
LAST_DAY = Rule(
    "时限.顺延", "N日、N个月的期限最后一天是休息日的，顺延到下一个工作日", "《民法典》第二百零三条")

# --- 延期 ---------------------------------------------------------------------------------------------------
EXTENSION_IN_TIME = Rule(
    "延期.提前申请", "延期须在它要延长的到期日当天或之前申请：「提前」指办理期限届满前，到期日当天仍在期限内；"
    "次日起已超期，不能再延期", "督促检查工作实施办法 第九条「应提前……申请延长办理期限」")
EXTENSION_APPROVED = Rule(
    "延期.批准", "延期写明原因，经批准（写明批准日期和批准人）才改变到期日", "督促检查工作实施办法 第九条；国办 2008 年意见（五）")
EXTENSION_CAPS = Rule(
    "延期.上限", "延期不得超过来源类型（层级）的延期上限和总时限", "中办 1999 年意见 七；督促检查工作实施办法 第十条",
    "categories.*.max_extension、categories.*.max_total")

# --- 立项、交办、承办 ------------------------------------------------------------------------------------------
REGISTRATION_APPROVAL = Rule(
    "立项.审批", "立项报领导同意后交办", "督促检查工作实施办法 第七条（一）", "approvals.registration")
ASSIGNMENT_ELEMENTS = Rule(
    "交办.要素", "交办时明确责任人和任务要求", "国办 2008 年意见（四）", "assignment")
LEAD_AND_CO_UNITS = Rule(
    "交办.主协办", "几个单位共同落实的事项明确主办单位、协办单位，督办令下达给主办单位", "督促检查工作实施办法 第七条（二）")
RECEIPT = Rule(
    "承办.签收", "承办单位在交办后 1 个工作日内签收督查通知", OWN, "receipt")
PROGRESS_INTERVAL = Rule(
    "承办.续报", "超过 30 天没有新的办理进展的，提醒续报", f"{OWN}（续报见督促检查工作实施办法 第十二条）",
    "progress_interval_days")
KEY_ITEMS_REPORT = Rule(
    "承办.随时报告", "重点事项（领导特别关注的重要督查事项）随时报告：超过 7 天没有新的办理进展即提醒续报，"
    "比一般事项的续报间隔短", f"督促检查工作实施办法 第九条「随时报告」；7 天为{OWN}", "priorities.重点.progress_interval_days")
REPORT_ELEMENTS = Rule(
    "承办.办理报告", "办理报告以承办单位名义报送，标明发文字号、签发人", "督促检查工作实施办法 第十一条")
YELLOW_LIGHT = Rule(
    "督办.黄灯", "剩余工作日不超过 3 个为黄灯（急、重点事项各自的阈值）", OWN, "yellow_days、priorities.*.yellow_days")
LATE_ENTRY = Rule(
    "记录.补录", "晚于日期 3 个工作日以上才提交的记录须写明补录理由", OWN, "late_entry_workdays")

# --- 审核、报告、回访复核、归档 ---------------------------------------------------------------------------------
REVIEW = Rule(
    "审核.通过退回", "审核通过即办结；不符合要求的退回承办单位重新办理", "督促检查工作实施办法 第七条（五）")
READING = Rule(
    "审核.领导审阅", "审核通过的办理报告报领导同志审阅（每一份，不论来源类型）", "督促检查工作实施办法 第七条（五）", "approvals.reading")
REPORT_BACK = Rule(
    "报告.上报结果", "上级交办事项的办理结果报告发出交办通知的上级机关", "中办 1999 年意见 七", "approvals.report_back")
FOLLOWUP = Rule(
    "回访.回头看", "办结满 90 天（急、重点事项各自的间隔）尚未回访复核的，提示回头看",
    f"中办 2012 年意见（七）；督促检查工作实施办法 第十三条（七）；天数为{OWN}",
    "followup_after_days、priorities.*.followup_after_days")
FOLLOWUP_SCOPE = Rule(
    "回访.范围", "需要回头看的来源类型和优先级", f"中办 2012 年意见（七）「有选择地进行实地复核」；范围为{OWN}", "followup_for")
REOPEN = Rule(
    "回访.再督查", "回头看发现整改不到位的再督查，代表委员不满意的重新办理：另定时限，进入新一轮",
    "中办 2012 年意见（七）；国办发〔2014〕42号 四；督促检查工作实施办法 第十条")
SATISFACTION = Rule(
    "回访.满意度", "人大代表建议、政协提案答复后征询代表委员满意度", "督促检查工作实施办法 第十条")
ARCHIVE_WAITS = Rule(
    "归档.等待", "办结后应有的回头看（再督查）、领导审阅、上报结果完成前不归档：归档封存后不能再记录",
    "督促检查工作实施办法 第七条（八）、第十三条（七）；中办 2012 年意见（七）", "followup_for、approvals")
RETENTION = Rule(
    "归档.档号", "档号为 全宗号-年度-保管期限代码-件号；保管期限按来源类型，撤销的事项 10 年", "DA/T 22—2015",
    "categories.*.retention")

# --- 通报、问责 ------------------------------------------------------------------------------------------------
ORDER_NO_PROGRESS = Rule(
    "通报.督办令无进展", "督办方式为「督办令」的督办后超过 5 个工作日仍无新的办理进展或办理报告的，拟批评",
    f"督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评；5 个工作日为{OWN}",
    "notice_rules.criticise_after_order_workdays")
ORDER_DEADLINE = Rule(
    "通报.督办令限期", "ducha measure 下达的督办令，所定限期届满仍无新的办理进展或办理报告的，拟批评",
    "督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评")
OVERDUE = Rule(
    "通报.超期", "超期超过 N 个工作日仍未办结的，拟批评（默认不适用）", OWN, "notice_rules.criticise_overdue_workdays")
RETURNS = Rule(
    "通报.退回", "同一事项办理报告被退回 N 次的，拟批评（默认不适用）", OWN, "notice_rules.criticise_returns")
ONCE_PER_CAUSE = Rule(
    "通报.不重复", "同一事项、同一原因只通报批评一次；同一类通报的统计期间不重叠", OWN)
ONE_NOTICE_ONE_COUNT = Rule(
    "通报.计次", "一份通报点名同一单位，无论涉及几个事项，都只算一次通报批评；按印发日期计入年度", OWN)
PRAISE = Rule(
    "通报.表扬", "本期主办事项不少于 3 项且全部按期办结、无超期未办结、本期未被批评的，拟表扬",
    f"{OWN}（通报表扬见中办 2012 年意见（八））", "notice_rules.praise_min_items")
NO_PRAISE_AFTER_SECOND = Rule(
    "通报.取消评先", "一年内受到两次通报批评的单位，取消该年度评先树优资格：该年度的通报不再拟表扬",
    "督促检查工作实施办法 第十六条（二）")
RANKING = Rule(
    "通报.排名", "各单位排名：本期被批评的在后，再按按期办结率、超期未办结数、办结数", OWN, "notice_rules.ranking")
PUBLISH = Rule(
    "通报.公开范围", "通报批评只在内部版站点显示", "中办 2012 年意见（八）「在一定范围内进行通报」", "notice_rules.publish")
NOTICE_APPROVAL = Rule(
    "通报.审批", "通报经主要领导同意后印发", "督促检查工作实施办法 第十四条（五）", "approvals.notice")
FIRST_CRITICISM = Rule(
    "问责.第一次", "一年内第 1 次通报批评：责任单位作出书面检查（记录写明所依据的通报）", "督促检查工作实施办法 第十六条（二）",
    "wording.consequences")
SECOND_CRITICISM = Rule(
    "问责.第二次", "一年内第 2 次通报批评：主要领导约谈单位主要负责人（记录为「约谈」，写明所依据的通报，不早于通报；"
    "此前或不依据该通报的督查约谈不能代替）", "督促检查工作实施办法 第十六条（二）", "wording.consequences")
THIRD_CRITICISM = Rule(
    "问责.第三次及以上", "一年内第 3 次及以后的每一次通报批评，各提出一次问责建议（不是全年只问责一次：每次批评都是新的失职）",
    "督促检查工作实施办法 第十六条（三）", "wording.consequences")
INSPECTION_TALK = Rule(
    "问责.督查约谈", "督查中发现不落实或执行偏差的，有关领导约谈责任单位负责人（记录为「督查约谈」）",
    "督促检查工作实施办法 第十六条（一）")
UNREPORTED = Rule(
    "问责.逾期不报", "到期后仍未报送办理报告、阶段性进展，也未申请延期的（逾期不报），拟提出问责建议，经调查核实后报批",
    "中办 1999 年意见 七；督促检查工作实施办法 第十五条（一）")
FALSIFIED = Rule(
    "问责.弄虚作假", "审核或回访复核经调查核实认定办理报告弄虚作假、虚报瞒报的，拟提出问责建议",
    "中办 1999 年意见 七；督促检查工作实施办法 第十五条（三）")
ACCOUNTABILITY_OUTCOME = Rule(
    "问责.处理结果", "问责记录事后补记处理结果（结果、日期、作出决定的机关），在一定范围内公布",
    "督促检查工作实施办法 第十六条（三）")
BULLETIN_QUOTA = Rule(
    "专报.年度任务", "《督查专报》年度任务（示例每年 30 期、一半反映问题；默认不启用）",
    f"{OWN}（参照中办 1999 年意见 三：该条约束省级党委办公厅向中央办公厅报送）", "bulletins")
SURVEYS = Rule(
    "调研.记录", "督查调研、专业评估（第三方评估）、民意调查、满意度调查各成一份记录，写明题目、发现、建议（调查写明样本和满意度），"
    "供事项和通报引用", "中办 1999 年意见 四；国办发〔2014〕42号 三、四；督促检查工作实施办法 第十三条（八）（十）（十一）；"
    "中办 2012 年意见（七）")
SCORING = Rule(
    "考核.量化评分", "督查结果纳入考核：按本单位考核办法给各承办单位量化评分，计分项目从能由记录数出的项目中选（按期、超期办结，"
    "超期工作日，退回重办，未按时续报，超时未签收，通报批评、表扬，督办令、约谈，回头看整改不到位，专报采用），"
    "每一分写明事项、日期和规则；分值、上限、协办比例、保底和封顶为本室规则",
    "督促检查工作实施办法 第十六条（四）；中办 2012 年意见（十）；分值为本室规则", "scoring")
SCORING_REVISIONS = Rule(
    "考核.规则修订", "考核规则的修订写明生效日期，每一项按发生当日有效的规则计分；已结束考核期间的得分不因修订而改变",
    OWN, "scoring.revisions")
SCORING_RESULT = Rule(
    "考核.结果印发", "考核期间结束后印发考核结果，写明所依据的数据提交，按该提交重新计算一致才能合并，印发后不得修改",
    OWN, "scoring.period")

#: The 通报's rules as leaders read them, with the figure office.yaml sets in place of the default.
_IN_WORDS = {
    ORDER_NO_PROGRESS.id: "督促检查工作实施办法 第十六条（二）：下达督办令后，工作仍没有明显进展的，通报批评"
                          "（本室以下达后{criticise_after_order_workdays}个工作日为限）",
    OVERDUE.id: OWN + "：超期超过{criticise_overdue_workdays}个工作日仍未办结的，通报批评",
    RETURNS.id: OWN + "：同一事项办理报告被退回{criticise_returns}次的，通报批评",
    PRAISE.id: OWN + "：本期主办事项不少于{praise_min_items}项且全部按期办结、无超期未办结、本期未被批评的，通报表扬"
                     "（通报表扬见中办 2012 年意见（八））",
}


def cited(rule: Rule, settings: NoticeRules | None = None) -> str:
    """``rule`` as a proposal cites it, in words, with the office's figure (``settings``) where it sets one."""
    words = _IN_WORDS.get(rule.id)
    return words.format(**dataclasses.asdict(settings)) if words and settings is not None else rule.basis


#: Every rule, in the order README's 规则一览 lists them.
RULES: tuple[Rule, ...] = tuple(value for value in dict(globals()).values() if isinstance(value, Rule))


def rules_table() -> str:
    """README's 规则一览: one Markdown row per rule."""
    rows = ["| 编号 | 规则 | 依据 | office.yaml |", "| --- | --- | --- | --- |"]
    rows += [f"| {r.id} | {r.text} | {r.clause} | {'、'.join(f'`{k}`' for k in r.keys) or '—'} |" for r in RULES]
    return "\n".join(rows) + "\n"
