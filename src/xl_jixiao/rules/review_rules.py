"""JX406–JX412 — what reviewers (审核) check beyond the form's arithmetic.

Each rule reads like one line of a finance bureau's review criteria: the 政策依据
cites the documents the project rests on, the 测算依据 shows amounts and how they
were computed, the 年度目标 can be checked at year end, indicators are explained,
named briefly, numerous enough for the money, and 时效 indicators set a limit.
Thresholds are configuration (``[review]`` in the configuration file).  Precision
comes first: each rule stays silent where the text is acceptable on real forms.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xl_jixiao.memo import by_text
from xl_jixiao.model import Indicator, Project, Severity
from xl_jixiao.money import convert
from xl_jixiao.rules import common as c
from xl_jixiao.rules.engine import Context, Item
from xl_jixiao.rules.registry import Rule, register

NOT_APPLICABLE = {"不适用", "无", "/", "／", "—", "-", "——", "不涉及"}

_DOCUMENT_RE = re.compile(
    r"《[^》]{2,}》|〈[^〉]{2,}〉|<[^<>]{4,}>"  # a document title
    r"|[〔【\[（(]\s*(?:19|20)\d{2}\s*[〕】\]）)]\s*(?:第\s*)?\d+\s*号"  # a document number: 宝武〔2022〕98号
    r"|(?:19|20)\d{2}\s*[〕】\]]\s*\d+\s*号"
    r"|三定方案|三定规定|会议纪要|纪要"
    r"|关于[^，,。；;\n]{2,60}?(?:通知|意见|办法|规定|方案|决定|批复|规划|纲要|条例|细则|要点|计划)"
)
_AMOUNT_RE = re.compile(r"\d+(?:[.,]\d+)*\s*(?:亿元|万元|千元|元|万|亿|[Ww](?![A-Za-z]))")
_QUANTITY_RE = re.compile(r"\d")
_TIME_RE = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月|月底|月前|年底|年末|年内|季度|上半年|下半年|全年|当年|\d+\s*(?:天|日|周)")


_WORD_LIMIT_RE = re.compile(r"[一二两三四五六七八九十半百千]+\s*个?\s*(?:小时|分钟|天|日|周|月|季度|工作日)")


def _compact(text: str | None) -> str:
    return c.compact(text)


def not_applicable(ind: Indicator) -> bool:
    """A row that declares the category does not apply (``不适用``), or an empty row."""
    name, value = _na_class(ind.name), _na_class(ind.value)
    return (name == value == "") or name == "na" or value == "na"


@by_text
def _na_class(text: str | None) -> str:
    """``""`` for a text that is empty once compacted, ``"na"`` for one that says 不适用, else ``"text"``
    (worked out per text: names and values repeat far more than (name, value) pairs do)."""
    t = _compact(text)
    return "" if not t else ("na" if t in NOT_APPLICABLE else "text")


def real_indicators(p: Project) -> list[Indicator]:
    return [i for i in p.indicators if not not_applicable(i)]


def cites_document(text: str | None) -> bool:
    return bool(_DOCUMENT_RE.search(text or ""))


def has_amount(text: str | None) -> bool:
    return bool(_AMOUNT_RE.search(text or ""))


def _field(p: Project, name: str) -> tuple[bool, str]:
    """(the form has this field, its text)."""
    value = getattr(p, name, None)
    present = name in p.cells or value is not None
    return present, str(value or "").strip()


def _expected(ctx: Context, name: str) -> bool:
    """Whether an empty field is a defect: the form itself has it (not an optional column of our template
    that this unit uses nowhere)."""
    src = ctx.sub.source
    if src is None or src.kind != "template":
        return True
    key = "expected:" + name  # the same for every project of the submission
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = any(str(getattr(q, name, None) or "").strip() for q in ctx.sub.projects)
    return hit


def _short(text: str, n: int = 40) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[:n] + "…"


def _text_field(ctx: Context, p: Project, name: str, label: str, fine, problem: str, suggestion: str):
    """A project text field that is empty (where the form expects it) or whose text lacks what ``fine`` looks for."""
    present, text = _field(p, name)
    if not present or fine(text) or (not text and not _expected(ctx, name)):
        return []
    msg = f"项目「{p.name}」的{label}" + (f"{problem}（「{_short(text)}」）" if text else "未填写")
    return [ctx.finding(msg, p.location(name), project=p.name, value=_short(text, 60), suggestion=suggestion)]


@register
class PolicyBasisNoDocument(Rule):
    """政策依据要写明设立项目所依据的文件（文件名称加书名号，最好带文号），
    只写项目背景或工作意义，审核时无法判断项目是否有据可依。"""

    code = "JX406"
    severity = Severity.WARNING
    scope = "project"
    title = "政策依据未引用文件"
    anti_pattern = "「一、项目背景：社区工作站是政府在社区的服务平台……」（只有背景，没有文件）"
    best_practice = "「根据《深圳市基层人民武装部规范化建设指导手册》（宝武〔2022〕98号）……设立本项目」"

    def check(self, ctx: Context, p: Project):
        return _text_field(ctx, p, "policy_basis", "政策依据", cites_document, "没有引用任何文件",
                           "写明立项所依据的文件名称和文号，如「根据《××办法》（×〔2024〕×号）……设立本项目」")


@register
class CalcBasisNoAmounts(Rule):
    """测算依据要列出各项支出的金额和计算过程（单价×数量＝金额），
    只写「按合同支付」「据实列支」，审核时无法核对预算是否合理。"""

    code = "JX407"
    severity = Severity.WARNING
    scope = "project"
    title = "测算依据没有金额或计算过程"
    anti_pattern = "「按照项目合同付款方式付款」「根据工作需要……据实列支」"
    best_practice = "「招标价参照7.55万元/人/年×49人＝369.95万元」「监控系统维护每月2500元，一年合计30000元」"

    def check(self, ctx: Context, p: Project):
        return _text_field(ctx, p, "calc_basis", "测算依据", has_amount, "没有列出金额和计算过程",
                           "按支出内容逐项列明测算过程，如「子项1：单价×数量＝××万元；子项2：……；合计××万元」")


@register
class AnnualGoalThin(Rule):
    """年度绩效目标要说清楚「什么时间、用多少钱、做什么事、达到什么效果」。
    照抄项目名称，或一句话既没有数量也没有时间，年底无法据以评价。"""

    code = "JX408"
    severity = Severity.WARNING
    scope = "project"
    title = "年度绩效目标过于简单"
    anti_pattern = "「完成街道现存档案整理、数字化加工。」（没有数量、没有时间）；目标照抄项目名称"
    best_practice = "「2023年12月底前完成街道现存约3万卷档案的整理和数字化加工，档案查阅响应时间≤1个工作日」"

    def check(self, ctx: Context, p: Project):
        goal = (p.annual_goal or "").strip()
        if not goal:
            return []  # JX401 reports an empty goal
        g, name = _compact(goal), _compact(p.name)
        if name and (g == name or (len(g) <= len(name) + 4 and name in g)):
            why = "照抄了项目名称"
        elif len(g) < ctx.config.review.goal_min_chars and not _QUANTITY_RE.search(goal) \
                and not _TIME_RE.search(goal):
            why = "过于简单，既没有数量也没有完成时间"
        else:
            return []
        return [ctx.finding(f"项目「{p.name}」的年度绩效目标「{_short(goal)}」{why}", p.location("annual_goal"),
                            project=p.name, value=_short(goal, 60),
                            suggestion="按「在什么时间、用多少钱、做什么事（数量）、达到什么效果」写，"
                                       "如「2025年12月底前完成××项，××率达到95%以上」")]


def _notes_in_use(ctx: Context) -> bool:
    """Whether the workbook fills its 指标解释 column anywhere (then every indicator should have one)."""
    used = ctx.memo.get("notes_in_use")
    if used is None:
        used = ctx.memo["notes_in_use"] = any((it.ind.note or "").strip() for it in ctx.items)
    return used


@register
class IndicatorNoteMissing(Rule):
    """表上有「指标解释」「指标说明」「绩效指标描述」列并且单位在使用时，每个指标都要说明衡量什么、
    怎么计算、数据从哪里来，审核和年底自评都以此为准。（整列都空着的可选列不报告。）"""

    code = "JX409"
    severity = Severity.WARNING
    scope = "project"
    title = "指标解释未填写"
    anti_pattern = "「指标解释」一列整列空着"
    best_practice = "「考察本项目档案数字化工作的完成情况，计算方式＝实际完成卷数/计划卷数」"

    def check(self, ctx: Context, p: Project):
        if not _notes_in_use(ctx):
            return []  # the unit uses the column nowhere (an optional column), or the form has none
        rows = [i for i in real_indicators(p) if "note" in i.cells]
        if not rows:
            return []  # the form has no such column
        blank = [i for i in rows if not (i.note or "").strip()]
        if not blank or len(blank) / len(rows) < float(ctx.config.review.note_min_share):
            return []
        names = "、".join(f"「{i.name}」" for i in blank[:3]) + ("等" if len(blank) > 3 else "")
        return [ctx.finding(f"项目「{p.name}」有 {len(blank)} 个指标未填写指标解释：{names}",
                            blank[0].location("note"), project=p.name, value=str(len(blank)),
                            suggestion="逐项写明指标考察什么、如何计算、数据来源，"
                                       "如「考察××工作的完成情况，计算方式＝实际完成数/计划数」")]


@register
class IndicatorNameTooLong(Rule):
    """三级指标名称是一个可以计量的对象（如「档案数字化卷数」「验收合格率」），
    写成一句话或一段说明就无法设定指标值。"""

    code = "JX410"
    severity = Severity.WARNING
    scope = "indicator"
    title = "三级指标名称过长"
    anti_pattern = "「通过日常为工作人员提供伙食保障使得工作人员就餐便利的保障程度」"
    best_practice = "「就餐保障天数」「食品安全事故发生次数」，说明写进「指标解释」"

    def rows(self, ctx: Context):
        limit = ctx.config.review.name_max_chars  # cleaning and compacting only remove characters
        return ctx.select(("long-name", limit), lambda it: len(it.ind.name or "") > limit)

    def check(self, ctx: Context, it: Item):
        name = c.clean_indicator_name(it.ind.name)
        limit = ctx.config.review.name_max_chars
        if not_applicable(it.ind) or len(_compact(name)) <= limit:
            return []
        return [ctx.finding(f"{'部门整体' if it.dept else '项目「' + str(it.project_name) + '」'}的三级指标名称"
                            f"「{_short(name, 30)}」有 {len(_compact(name))} 个字，过长",
                            it.ref("name"), project=it.project_name, value=name,
                            suggestion=f"压缩为{limit}字以内的指标名称（如「房屋修缮面积」「验收合格率」），"
                                       f"说明性文字写进指标解释")]


def _amount_in_doubt(ctx: Context, p: Project) -> bool:
    """Whether the project's annual total may be in the wrong money unit (JX304's evidence)."""
    from xl_jixiao.rules.money_rules import total_in_yuan

    return total_in_yuan(ctx, p) is not None


@register
class TooFewIndicators(Rule):
    """资金量大的项目要用足够多的指标反映它的主要产出和效果；
    几百万元的项目只设三五个指标，审核时视为「绩效目标与资金量不匹配」。"""

    code = "JX411"
    severity = Severity.WARNING
    scope = "project"
    title = "资金量大而指标过少"
    anti_pattern = "年度资金 800 万元的项目只设了 5 个指标"
    best_practice = "按主要支出内容分别设置数量、质量、时效、成本和效益指标"

    def check(self, ctx: Context, p: Project):
        total = p.funding.total
        if total is None:
            return []
        wan = convert(total, p.funding.money_unit, "万元")
        cfg = ctx.config.review
        if wan is None or wan < Decimal(str(cfg.large_project_wan)):
            return []  # (the indicators are counted only for a large project)
        n = len(real_indicators(p))
        if n == 0 or n >= cfg.large_project_min_indicators:
            return []
        if _amount_in_doubt(ctx, p):
            return []  # JX304 reports the money unit; the size of the project is not known
        return [ctx.finding(f"项目「{p.name}」年度资金 {c.fmt_number(wan)} 万元，只设置了 {n} 个绩效指标",
                            p.location("total"), project=p.name, value=str(n),
                            suggestion=f"按主要支出内容补充产出和效益指标，至少 {cfg.large_project_min_indicators} 个")]


@register
class TimelinessNoLimit(Rule):
    """时效指标要给出完成的时限（日期、天数、期间）或及时率，只写「及时」「按时」
    年底无法判断是否达到。（JX207 报告时效指标下写了别的内容；本条报告只写了「及时」之类的等级。）"""

    code = "JX412"
    severity = Severity.WARNING
    scope = "indicator"
    title = "时效指标没有时限"
    anti_pattern = "「资金支付及时性　及时」「完成时间　按时」"
    best_practice = "「2025年11月30日前」「≤3个工作日」「按时完成率≥95%」"

    def rows(self, ctx: Context):
        return ctx.rows_with_role("timeliness")

    def check(self, ctx: Context, it: Item):
        if it.role != "timeliness" or not it.readable or not_applicable(it.ind):
            return []
        if c.is_time_value(it.pv) or it.kind != "qualitative" or re.search(r"\d", it.text) \
                or _WORD_LIMIT_RE.search(it.text):
            return []
        if not c.mentions_time(it.text):
            return []  # not a time word at all: JX207 (or JX204) speaks
        year = ctx.budget_year or "当年"
        return [ctx.finding(f"{'部门整体' if it.dept else '项目「' + str(it.project_name) + '」'}的时效指标"
                            f"「{it.ind.name}」只写了「{it.text}」，没有时限", it.ref(), project=it.project_name,
                            value=it.text,
                            suggestion=f"写明完成时限，如「{year}年11月30日前」「≤3个工作日」，或改为「按时完成率≥95%」")]
