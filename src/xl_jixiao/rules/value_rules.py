"""JX2xx — indicator values: grammar, vagueness, bounds, and fit with the indicator's category.

One defect is reported once: a merged or unreadable cell gets JX202/JX201 and
no other value rule; a more specific rule wins over a general one on the same
cell (JX215 over JX203/JX205/JX211/JX212, JX203 over JX212, JX210 over JX209,
JX107 over JX206, JX209/JX211/JX207 over JX204) — but only while the specific
rule is enabled, so ignoring it lets the general one speak.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xl_jixiao.memo import by_text
from xl_jixiao.model import Severity
from xl_jixiao.rules import common as c
from xl_jixiao.rules.engine import Context, Item
from xl_jixiao.rules.registry import Rule, register

NORMALISED_FLAGS = ("nonstandard_symbol", "latex", "markup", "extra_spaces", "fullwidth", "stray_punctuation",
                    "thousands_separator", "percent_word", "truncated_date")
HUNDRED = Decimal(100)


def _where(it: Item) -> str:
    return "部门整体" if it.dept else f"项目「{it.project_name or '（未命名）'}」"


def _ind(it: Item) -> str:
    return f"{_where(it)}的指标「{it.ind.name or '（未命名）'}」"


def _suggest_symbol(it: Item) -> str:
    """≥ for positive targets, ≤ for costs and things to keep low, ＝ for a rate of exactly 100%."""
    name = it.ind.name or ""
    n = it.number
    if n == HUNDRED and (it.unit == c.PERCENT or c.is_rate_name(name) or it.role == "satisfaction"):
        return "＝"
    if it.role == "cost" or re.search(r"发生(率|数|次数)|投诉|事故|故障|差错|失误|超支|时长|耗时|成本", name):
        return "≤"
    return "≥"


# ------------------------------------------------------------------ JX201, JX202


@register
class ValueUnreadable(Rule):
    """指标值应能读成「计算符号 + 数值 + 计量单位」、一个日期或期间，或一个定性等级。
    约数、区间、夹杂多个数字的写法无法考核。"""

    code = "JX201"
    severity = Severity.ERROR
    scope = "value"
    title = "指标值无法识别"
    anti_pattern = "「约20余人」"
    best_practice = "写成确定的目标值，如「≥20人」"

    def rows(self, ctx: Context):
        return ctx.select("invalid", lambda it: it.kind == "invalid", among=ctx.unreadable_rows())

    def check(self, ctx: Context, it: Item):
        pv = it.pv
        if it.kind != "invalid" or "merged_values" in it.flags:
            return []
        why = "；".join(pv.flag_labels()) if hasattr(pv, "flag_labels") else ""
        n = it.number
        unit = it.unit
        sugg = (f"写成确定的目标值，如「{_suggest_symbol(it)}{c.fmt_number(n)}{unit}」" if n is not None and unit
                else "写成「计算符号 + 数值 + 计量单位」（如 ≥95%）、日期（如 2024年12月31日前）或定性等级（如 达到）")
        return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」无法识别{('：' + why) if why else ''}",
                            it.ref(), project=it.project_name, value=it.text, suggestion=sugg)]


@register
class ValueMerged(Rule):
    """一个指标值单元格只能写一个目标值。把两个值（如金额和比率）写在一格里，
    系统无法读取，考核时也说不清以哪个为准。"""

    code = "JX202"
    severity = Severity.ERROR
    scope = "value"
    title = "一个单元格写了多个指标值"
    anti_pattern = "「≤ 0.5万元 = 100%」「≥90良好」"
    best_practice = "拆成两个指标，每个指标一个值：「≤0.5万元」和「＝100%」"

    def rows(self, ctx: Context):
        return ctx.select("merged", lambda it: "merged_values" in it.flags, among=ctx.flagged_rows())

    def check(self, ctx: Context, it: Item):
        pv = it.pv
        if "merged_values" not in it.flags:
            return []
        parts = [c.normalized(p, getattr(p, "raw", "")) for p in (getattr(pv, "parts", ()) or ())]
        parts = [p for p in parts if p]
        sugg = ("拆成 " + str(len(parts)) + " 个指标，各写一个值：" + "、".join(f"「{p}」" for p in parts)) if parts \
            else "拆成多个指标，每个指标只写一个值"
        return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」在一个单元格里写了多个值", it.ref(),
                            project=it.project_name, value=it.text, suggestion=sugg)]


# ------------------------------------------------------------------ JX203, JX212, JX215


TYPO_LIMIT = Decimal(200)
"""A rate of 200 or more is a typing slip (``905`` for 90%), reported as JX215; 100–200% as JX205."""


def _defer_215(ctx: Context, it: Item) -> bool:
    return ctx.enabled("JX215") and _rate_out_of_range(it)


def _rate_out_of_range(it: Item) -> bool:
    """A rate whose number cannot be a percentage: ``905``, ``≥905%``, or a negative rate."""
    if not it.readable or it.kind != "quantitative":
        return False
    n = it.number
    u = it.unit
    if n is None or (u and u != c.PERCENT):
        return False
    if c.is_growth_name(it.ind.name) or it.role == "cost":
        return False
    rate = c.is_rate_name(it.ind.name) or it.role == "satisfaction" or u == c.PERCENT
    if not rate:
        return False
    if not u:
        return n > HUNDRED or n < 0
    return n >= TYPO_LIMIT


@register
class ValueMissingUnit(Rule):
    """定量指标值必须带计量单位：「≥95」是 95 个、95 次还是 95%，无法判断。"""

    code = "JX203"
    severity = Severity.ERROR
    scope = "value"
    title = "定量指标值没有计量单位"
    anti_pattern = "「≥95」「>10」"
    best_practice = "写上单位：「≥95%」「≥10次」"

    def rows(self, ctx: Context):
        return ctx.select("quantitative-no-unit", lambda it: not it.unit and it.number is not None,
                          among=ctx.readable_rows("quantitative"))

    def check(self, ctx: Context, it: Item):
        if not it.readable or it.kind != "quantitative" or it.unit or it.number is None:
            return []
        if _defer_215(ctx, it):
            return []  # JX215 says more
        op = it.symbol or _suggest_symbol(it)
        n = c.fmt_number(it.number)
        if c.is_rate_name(it.ind.name) or it.role == "satisfaction":
            if op == "≥" and it.number == HUNDRED:
                op = "＝"
            sugg = f"写成「{op}{n}%」"
        else:
            sugg = f"在数值后写上计量单位，如「{op}{n}次」「{op}{n}个」「{op}{n}%」"
        return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」没有计量单位", it.ref(),
                            project=it.project_name, value=it.text, suggestion=sugg)]


@register
class ValueMissingSymbol(Rule):
    """定量指标值前要写计算符号，说明目标是下限（≥ ＞）、上限（≤ ＜）还是确切值（＝）。"""

    code = "JX212"
    severity = Severity.WARNING
    scope = "value"
    title = "数值前没有计算符号"
    anti_pattern = "「2次」"
    best_practice = "「≥2次」（成本类写「≤」）"

    def rows(self, ctx: Context):
        return ctx.select("quantitative-no-symbol", lambda it: not it.symbol and it.number is not None,
                          among=ctx.readable_rows("quantitative"))

    def check(self, ctx: Context, it: Item):
        if not it.readable or it.kind != "quantitative" or it.symbol or it.number is None:
            return []
        if _defer_215(ctx, it):
            return []
        if not it.unit and ctx.enabled("JX203"):
            return []  # no unit either: JX203's suggestion gives the whole value
        sym = _suggest_symbol(it)
        body = c.normalized(it.pv, it.text)
        return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」没有计算符号", it.ref(),
                            project=it.project_name, value=it.text, suggestion=f"写成「{sym}{body}」")]


@register
class ValueRateOutOfRange(Rule):
    """比率类指标（完成率、到位率、满意度等）的数值应在 0–100 之间并带 %。
    「905」多半是「90%」或「90.5%」打错了。"""

    code = "JX215"
    severity = Severity.ERROR
    scope = "indicator"
    title = "比率的数值超出范围"
    anti_pattern = "「资金到位率 905」"
    best_practice = "「资金到位率 ≥90%」"

    def rows(self, ctx: Context):
        return ctx.select("rate-out-of-range",
                          lambda it: it.number is not None and ((it.unit == "" and not 0 <= it.number <= HUNDRED)
                                                               or (it.unit == c.PERCENT and it.number >= TYPO_LIMIT)),
                          among=ctx.readable_rows("quantitative"))

    def check(self, ctx: Context, it: Item):
        if not _rate_out_of_range(it):
            return []
        n = it.number
        op = it.symbol or "≥"
        digits = c.fmt_number(n)
        guess = digits[:2] if n is not None and n > HUNDRED and len(digits) >= 3 else None
        sugg = (f"比率应在 0–100% 之间，请核对数字（如「{op}{guess}%」）" if guess
                else "比率应在 0–100% 之间，写成「≥90%」这样的百分比")
        return [ctx.finding(f"{_ind(it)}是比率，指标值「{it.text}」不在 0–100 之间", it.ref(),
                            project=it.project_name, value=it.text, suggestion=sugg)]


# ------------------------------------------------------------------ JX204, JX213, JX214


def _vague(ctx: Context, it: Item) -> str | None:
    pv = it.pv
    if not it.readable or it.kind != "qualitative":
        return None
    text = c.compact(c.normalized(pv, it.text))
    if not text or text in ctx.config.qualitative_grades:
        return None
    for w in ctx.config.vague_words:
        if w and w in text:
            return w
    return None


@register
class ValueVague(Rule):
    """指标值要能在年底判断是否达到。「不断提升」「长期」「有明显帮助」没有可核对的目标，无法考核。"""

    code = "JX204"
    severity = Severity.WARNING
    scope = "value"
    title = "指标值笼统，无法衡量"
    anti_pattern = "「不断提升」「长期」「有明显帮助」"
    best_practice = "写成可核对的目标，如「≥95%」「≥3次」「2024年12月31日前」"

    def rows(self, ctx: Context):
        return ctx.readable_rows("qualitative")

    def check(self, ctx: Context, it: Item):
        word = _vague(ctx, it)
        if word is None:
            return []
        if (it.role == "cost" and ctx.enabled("JX209")) or (it.role == "satisfaction" and ctx.enabled("JX211")) or \
                (it.role == "timeliness" and ctx.enabled("JX207") and _timeliness_problem(it)):
            return []  # JX209 / JX211 / JX207 say what to write instead
        if it.role in ("social", "economic", "ecological", "sustainable", "benefit"):
            sugg = "写成可核对的目标，如「≥95%」「≥3次」「较上年提高≥5%」，或能判断是否达到的等级（达到/未达到）"
        else:
            sugg = "写成可核对的目标，如「≥95%」「≥3次」「2024年12月31日前」"
        return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」笼统（「{word}」），年底无法判断是否达到",
                            it.ref(), project=it.project_name, value=it.text, suggestion=sugg)]


@register
class ValueNotation(Rule):
    """计算符号统一为 ≥ ＞ ＝ ＜ ≤，单位写 %，不留空格、排版符号和网页标记。
    这类写法已自动规范，仅作提示。"""

    code = "JX213"
    severity = Severity.INFO
    scope = "value"
    title = "写法不规范（已自动规范）"
    anti_pattern = "「>=95%」「> 365天」「$\\geq 90\\%$」「95百分比」"
    best_practice = "「≥95%」「＞365天」「≥90%」"

    def rows(self, ctx: Context):
        return ctx.select("normalised", lambda it: it.readable and not it.flags.isdisjoint(NORMALISED_FLAGS),
                          among=ctx.flagged_rows())

    def check(self, ctx: Context, it: Item):
        pv = it.pv
        if not it.readable:
            return []
        fl = [f for f in NORMALISED_FLAGS if f in it.flags]
        if not fl:
            return []
        norm = c.normalized(pv, it.text)
        from xl_jixiao.values import FLAG_LABELS

        why = "；".join(re.sub(r"（如[^）]*）", "", FLAG_LABELS.get(f, f).split("，已")[0]) for f in fl)
        return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」写法不规范（{why}），已按「{norm}」处理",
                            it.ref(), project=it.project_name, value=it.text, suggestion=f"写成「{norm}」")]


@register
class ValueRepeatsName(Rule):
    """指标值重复指标名称，等于没有写目标值。"""

    code = "JX214"
    severity = Severity.WARNING
    scope = "indicator"
    title = "指标值重复指标名称"
    anti_pattern = "名称「工作完成质量」，指标值「工作完成质量」"
    best_practice = "指标值写目标：「工作完成质量」→「达到验收标准」或「合格率 ＝100%」"

    def check(self, ctx: Context, it: Item):
        n = c.name_key(it.ind.name)
        if not n:
            return []
        value = it.ind.value or ""
        if n[0] in value and c.compact(value) == n:  # (compacting only removes characters)
            same = True  # the value copied into the name cell (or the other way round): there is no target
        else:
            if not it.readable or it.kind != "qualitative":
                return []
            v = c.compact(it.text)
            if not v:
                return []
            same = v == n or (len(v) >= 4 and len(n) >= 4 and (v in n or n in v))
        if not same:
            return []
        return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」只是重复了指标名称", it.ref(),
                            project=it.project_name, value=it.text,
                            suggestion="写出要达到的目标，如「≥95%」「达到验收标准」「2024年12月31日前」")]


# ------------------------------------------------------------------ JX205


@register
class ValueImpossibleBound(Rule):
    """比率最高是 100%：「≥100%」实际只能是「＝100%」，「＞100%」或「＝120%」不可能达到。"""

    code = "JX205"
    severity = Severity.ERROR
    scope = "indicator"
    title = "不可能的目标界限"
    anti_pattern = "「≥100%」「＝120%」（比率）"
    best_practice = "「＝100%」，或「≥95%」这样可达到的下限"

    def rows(self, ctx: Context):
        # every bound it reports is 100% or more
        return ctx.select("percent-from-100", lambda it: it.unit == c.PERCENT and it.number is not None
                          and it.number >= HUNDRED, among=ctx.readable_rows("quantitative"))

    def check(self, ctx: Context, it: Item):
        if not it.readable or it.kind != "quantitative" or it.unit != c.PERCENT:
            return []
        if it.role == "cost" or c.is_growth_name(it.ind.name):
            return []  # JX210 covers ≥ on costs; growth may exceed 100%
        n, op = it.number, it.symbol
        if n is None or op is None:
            return []
        rate = c.is_rate_name(it.ind.name) or it.role == "satisfaction"
        if op == "≥" and n == HUNDRED:
            return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」：比率最高 100%，「≥100%」只能是「＝100%」",
                                it.ref(), project=it.project_name, value=it.text, suggestion="写成「＝100%」")]
        if op == "＞" and n >= HUNDRED and not _defer_215(ctx, it):
            return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」：比率不可能超过 100%", it.ref(),
                                project=it.project_name, value=it.text, suggestion="写成「＝100%」或「≥95%」这样的下限")]
        if op in ("≥", "＝", "＞") and n > HUNDRED and rate and not _defer_215(ctx, it):
            return [ctx.finding(f"{_ind(it)}的指标值「{it.text}」：比率不可能超过 100%", it.ref(),
                                project=it.project_name, value=it.text,
                                suggestion="写成不超过 100% 的目标，如「＝100%」「≥95%」")]
        return []


# ------------------------------------------------------------------ JX206, JX207


@register
class ValueQuantityAsRate(Rule):
    """数量指标回答「做多少」，应写实物量（台、次、人、个）。写成百分比的「完成率」说明不了做了多少。"""

    code = "JX206"
    severity = Severity.WARNING
    scope = "indicator"
    title = "数量指标写成了比率"
    anti_pattern = "「维护设备的数量 ≥95%」"
    best_practice = "写实物量：「维护设备数量 ≥120台」"

    def rows(self, ctx: Context):
        return ctx.rows_with_role("quantity")

    def check(self, ctx: Context, it: Item):
        if it.role != "quantity" or not it.readable or it.unit != c.PERCENT:
            return []
        from xl_jixiao.rules.structure import contradiction

        if ctx.enabled("JX107") and contradiction(it) is not None:
            return []  # JX107 already says it belongs elsewhere
        return [ctx.finding(f"{_ind(it)}是数量指标，指标值「{it.text}」却是百分比", it.ref(),
                            project=it.project_name, value=it.text,
                            suggestion="写成实物量，如「≥120台」「＝4次」「≥200人次」；比率类指标放到质量指标下")]


def _timeliness_problem(it: Item) -> bool:
    pv = it.pv
    if not it.readable:
        return False
    if c.is_time_value(pv):
        return False
    if c.mentions_time(it.text):
        return False  # 「及时」「按时」「依据合同按时发放」
    if it.unit == c.PERCENT and (c.mentions_time(it.ind.name) or c.is_timeliness_name(it.ind.name)):
        return False  # a timeliness rate
    if it.kind == "qualitative" and c.mentions_time(it.ind.name):
        return False  # 「会议召开及时性 / 及时」 style grades
    return True


@register
class ValueTimelinessNotTime(Rule):
    """时效指标回答「何时完成」，应写完成日期、期间、时限或及时率。"""

    code = "JX207"
    severity = Severity.WARNING
    scope = "indicator"
    title = "时效指标不是日期、期间或及时率"
    anti_pattern = "时效指标下写「参保率 ≥95%」"
    best_practice = "「完成时间 2024年12月31日前」「按时完成率 ≥95%」「响应时间 ≤24小时」"

    def rows(self, ctx: Context):
        return ctx.rows_with_role("timeliness")

    def check(self, ctx: Context, it: Item):
        if it.role != "timeliness" or not _timeliness_problem(it):
            return []
        year = ctx.budget_year or "当年"
        return [ctx.finding(f"{_ind(it)}是时效指标，指标值「{it.text}」不是日期、期间或及时率", it.ref(),
                            project=it.project_name, value=it.text,
                            suggestion=f"写完成时限，如「{year}年12月31日前」，或改为「按时完成率 ≥95%」")]


# ------------------------------------------------------------------ JX208


def _allowed_years(ctx: Context, it: Item) -> tuple[int, int] | None:
    year = ctx.budget_year
    if not year:
        return None
    lo = hi = int(year)
    period = it.project.period if it.project is not None else None
    years = _period_years(period) if period else None
    if years:
        lo, hi = min(lo, years[0]), max(hi, years[1])
    return lo, hi


@by_text
def _period_years(period: str) -> tuple[int, int] | None:
    """The first and last year an implementation period (实施期) names."""
    years = [int(y) for y in re.findall(r"(?:19|20|21)\d{2}", period)]
    return (min(years), max(years)) if years else None


@register
class ValueDateOutsideYear(Rule):
    """日期和期间应落在预算年度（或项目实施期）内。年份写错会让考核时点失效。"""

    code = "JX208"
    severity = Severity.ERROR
    scope = "indicator"
    title = "日期不在预算年度或实施期内"
    anti_pattern = "2024年的表中写「2014年12月31日」"
    best_practice = "「2024年12月31日前」"

    def rows(self, ctx: Context):
        return ctx.readable_rows("date", "period")

    def check(self, ctx: Context, it: Item):
        pv = it.pv
        if not it.readable or it.kind not in ("date", "period"):
            return []
        rng = _allowed_years(ctx, it)
        if rng is None:
            return []
        start = c.year_of(getattr(pv, "date", None))
        end = c.year_of(getattr(pv, "end", None)) or start
        if start is None or end is None:
            return []
        lo, hi = rng
        if end < lo or start > hi:
            span = f"{lo}年" if lo == hi else f"{lo}–{hi}年"
            fixed = re.sub(r"(?:19|20|21)\d{2}", str(ctx.budget_year), it.text, count=1) \
                if it.kind == "date" else f"{ctx.budget_year}年12月31日前"
            return [ctx.finding(f"{_ind(it)}的日期「{it.text}」不在预算年度（{span}）内", it.ref(),
                                project=it.project_name, value=it.text, suggestion=f"核对年份，如「{fixed}」")]
        return []


# ------------------------------------------------------------------ JX209, JX210, JX211


@register
class ValueCostNotAmount(Rule):
    """成本指标衡量花多少钱，指标值应是金额（万元或元），且一般写上限「≤」。
    「＝100%」「社会稳定」「在预算范围内」都不是成本。"""

    code = "JX209"
    severity = Severity.WARNING
    scope = "indicator"
    title = "成本指标不是金额"
    anti_pattern = "成本指标写「＝100%」「社会稳定」「在预算范围内」"
    best_practice = "写金额上限，如「设备购置成本 ≤50万元」"

    def rows(self, ctx: Context):
        return ctx.rows_with_role("cost")

    def check(self, ctx: Context, it: Item):
        if it.role != "cost" or not it.readable:
            return []
        if it.money is not None:
            return []
        if it.symbol in ("≥", "＞") and ctx.enabled("JX210"):
            return []  # JX210
        return [ctx.finding(f"{_ind(it)}是成本指标，指标值「{it.text}」不是金额", it.ref(),
                            project=it.project_name, value=it.text,
                            suggestion=f"写成本金额上限，如「≤{_cost_hint(it, ctx)}{ctx.money_unit}」")]


def _cost_hint(it: Item, ctx: Context) -> str:
    total = it.project.funding.total if it.project is not None else None
    return c.fmt_number(total) if total is not None else "X"


@register
class ValueCostPositive(Rule):
    """成本越低越好：成本指标用「≤」或「＜」写上限。「成本控制率 ≥95%」既不是金额，方向也反了。"""

    code = "JX210"
    severity = Severity.WARNING
    scope = "indicator"
    title = "成本指标用了 ≥ 或 ＞"
    anti_pattern = "「成本控制率 ≥95%」"
    best_practice = "「项目成本 ≤120万元」"

    def rows(self, ctx: Context):
        return ctx.rows_with_role("cost")

    def check(self, ctx: Context, it: Item):
        if it.role != "cost" or not it.readable or it.symbol not in ("≥", "＞"):
            return []
        return [ctx.finding(f"{_ind(it)}是成本指标，却写成下限「{it.text}」", it.ref(),
                            project=it.project_name, value=it.text,
                            suggestion=f"成本写金额上限，如「≤{_cost_hint(it, ctx)}{ctx.money_unit}」")]


@register
class ValueSatisfactionNotPercent(Rule):
    """满意度通过问卷调查得到，指标值应是百分比。"""

    code = "JX211"
    severity = Severity.WARNING
    scope = "indicator"
    title = "满意度不是百分比"
    anti_pattern = "「满意度 良好」"
    best_practice = "「服务对象满意度 ≥90%」"

    def rows(self, ctx: Context):
        return ctx.rows_with_role("satisfaction")

    def check(self, ctx: Context, it: Item):
        if it.role != "satisfaction" or not it.readable or it.unit == c.PERCENT:
            return []
        if _defer_215(ctx, it):
            return []  # JX215
        if it.kind == "quantitative" and not it.unit and ctx.enabled("JX203"):
            return []  # JX203 asks for the % already
        return [ctx.finding(f"{_ind(it)}是满意度指标，指标值「{it.text}」不是百分比", it.ref(),
                            project=it.project_name, value=it.text, suggestion="写成「≥90%」这样的百分比")]
