"""JX3xx — money: sources add up, costs fit the budget, plausible units, spending plan, 部门整体 balance.

Every comparison converts to the form's money unit first and allows half of the
last printed digit (:func:`xl_jixiao.money.tolerance`), never less than the
configured ``[money] tolerance``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from xl_jixiao.config import Config
from xl_jixiao.model import Cells, DeptBudget, Funding, Project, Severity, Submission
from xl_jixiao.money import convert, converted, tolerance
from xl_jixiao.rules import common as c
from xl_jixiao.rules.engine import Context, Item
from xl_jixiao.rules.registry import Rule, register

FUNDING_LABELS = {"total": "年度资金总额", "fiscal": "财政拨款", "carryover": "上年结转", "other": "其他资金"}
DEPT_LABELS = {
    "personnel": "人员经费", "public": "公用经费", "basic": "基本支出", "projects": "项目支出",
    "expense_total": "支出预算合计", "fiscal": "当年财政拨款", "carryover": "上年结转", "other": "其他资金",
    "income_total": "收入预算合计",
}


def _fmt(v: Decimal | None) -> str:
    """An amount for messages: thousands separators, at least two decimals (``192.80``, ``37.107``)."""
    if v is None:
        return "（空）"
    try:
        q = v.quantize(Decimal("0.01"))
        return f"{q:,}" if q == v else f"{v.normalize():,f}"
    except InvalidOperation:
        return f"{v:,f}"


DEPT_EQUATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("basic", ("personnel", "public")),
    ("expense_total", ("basic", "projects")),
    ("income_total", ("fiscal", "carryover", "other")),
)
"""部门整体: each total and the amounts it is the sum of (JX307, and the 合计 button)."""


def amount_tolerance(config: Config, money_unit: str, values: Iterable[Decimal | None]) -> Decimal:
    """How far two amounts of a ``money_unit`` form may differ and still agree: half of the last
    printed digit, never less than the configured ``[money] tolerance`` (万元, converted)."""
    floor = convert(config.tolerance, "万元", money_unit)
    return tolerance(list(values), floor=floor)


def _tol(ctx: Context, values) -> Decimal:
    return amount_tolerance(ctx.config, ctx.money_unit, values)


def _cost_amounts(ctx: Context, p: Project) -> list[tuple[Item, Decimal]]:
    """The project's cost indicators that are amounts, in the form's money unit (worked out once per project:
    JX302, JX303, JX304 and JX411 all look at them)."""
    key = ("cost-amounts", id(p))
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = []
        for it in ctx.items_of(p):
            if it.role != "cost" or it.money is None or "merged_values" in it.flags:
                continue
            amt = converted(it.number, it.money, ctx.money_unit)  # type: ignore[arg-type]
            if amt >= 0:
                hit.append((it, amt))
    return hit


@register
class MoneySourcesMismatch(Rule):
    """年度资金总额必须等于财政拨款、上年结转和其他资金之和（空白按 0 计）。
    只填总额、不填任何来源的，不作比较。"""

    code = "JX301"
    severity = Severity.ERROR
    scope = "project"
    title = "年度资金总额不等于各来源之和"
    anti_pattern = "年度资金总额 192.8，财政拨款 120 + 上年结转 0 + 其他资金 0"
    best_practice = "总额 = 财政拨款 + 上年结转 + 其他资金，按同一金额单位填写"

    def check(self, ctx: Context, p: Project):
        f = p.funding
        if f.total is None or all(v is None for v in (f.fiscal, f.carryover, f.other)):
            return []
        if any(k in f.invalid for k in ("fiscal", "carryover", "other")):
            return []  # JX308: an unreadable source makes the sum meaningless
        s = f.sources_sum()
        diff = f.total - s
        if not diff or abs(diff) <= _tol(ctx, (f.total, f.fiscal, f.carryover, f.other)):
            return []
        u = ctx.money_unit
        parts = " + ".join(f"{FUNDING_LABELS[k]} {_fmt(getattr(f, k) or Decimal(0))}" for k in ("fiscal", "carryover", "other"))
        return [ctx.finding(
            f"项目「{p.name}」年度资金总额 {_fmt(f.total)} {u} ≠ {parts} = {_fmt(s)} {u}（相差 {_fmt(abs(diff))} {u}）",
            p.location("total"), project=p.name, value=c.fmt_number(f.total),
            suggestion=f"核对金额：总额应为 {_fmt(s)} {u}，或补填缺少的资金来源")]


_AMOUNT_IN_TEXT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|元|万)(?![\u4e00-\u9fff]?/)")


def _calc_amounts(p: Project) -> list[Decimal]:
    """Amounts written in the project's 测算依据, in 万元 (``党群服务中心租金评估费0.3万元`` → 0.3)."""
    out = []
    for m in _AMOUNT_IN_TEXT.finditer(p.calc_basis or ""):
        try:
            v = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:
            continue
        out.append(v if m.group(2) != "元" else converted(v, "元", "万元"))
    return out


def _calc_says_yuan(p: Project, total: Decimal) -> Decimal | None:
    """The amount in 测算依据 that equals the total read as 元 (and none equals it read as 万元)."""
    amounts = _calc_amounts(p)
    if not amounts:
        return None
    as_yuan = converted(total, "元", "万元")

    def same(a: Decimal, b: Decimal) -> bool:
        return abs(a - b) <= max(Decimal("0.005"), b * Decimal("0.001"))

    if any(same(a, total) for a in amounts) or same(sum(amounts, Decimal(0)), total):
        return None
    for a in (*amounts, sum(amounts, Decimal(0))):
        if same(a, as_yuan):
            return a
    return None


def total_in_yuan(ctx: Context, p: Project) -> str | None:
    """Why a 万元 form's annual total looks written in 元, or ``None``: its magnitude, its cost indicators or
    its 测算依据 say so."""
    total = p.funding.total
    if ctx.money_unit != "万元" or total is None or total <= 0:
        return None
    key = ("total-in-yuan", id(p))  # the same for every rule and cost indicator of the project
    if key not in ctx.memo:
        ctx.memo[key] = _suspicious(ctx, total) or _total_in_yuan(ctx, p) or _calc_in_yuan(p, total)
    return ctx.memo[key]


def _calc_in_yuan(p: Project, total: Decimal) -> str | None:
    hit = _calc_says_yuan(p, total)
    if hit is None:
        return None
    return (f"万元表中的 {_fmt(total)} 万元，测算依据中却是 {_fmt(hit)} 万元——正好是它按「元」理解的数，"
            f"疑似按「元」填写")


def _comparable_total(ctx: Context, p: Project) -> tuple[Decimal | None, str]:
    """The annual total to compare costs with, and a note when it was read as 元 (see :func:`total_in_yuan`)."""
    total = p.funding.total
    if total is not None and total_in_yuan(ctx, p):
        fixed = converted(total, "元", ctx.money_unit)
        return fixed, f"（年度资金总额 {_fmt(total)} 疑似按元填写，按 {_fmt(fixed)} {ctx.money_unit} 比较）"
    return total, ""


@register
class MoneyCostsExceedTotal(Rule):
    """成本指标按金额分解预算时，各项成本之和不能超过项目年度资金总额。"""

    code = "JX302"
    severity = Severity.ERROR
    scope = "project"
    title = "成本指标合计超过年度资金总额"
    anti_pattern = "年度资金总额 100 万元，三项成本指标合计 130 万元"
    best_practice = "成本指标按预算分解，合计不超过年度资金总额"

    def check(self, ctx: Context, p: Project):
        amounts = _cost_amounts(ctx, p)
        if len(amounts) < 2:
            return []
        total, note = _comparable_total(ctx, p)
        if total is None:
            return []
        s = sum((a for _, a in amounts), Decimal(0))
        if s <= total:
            return []  # (within the total, so within it plus any tolerance)
        tol = _tol(ctx, [total, *(a for _, a in amounts)])
        if ctx.enabled("JX303") and any(a > total + tol for _, a in amounts):
            return []  # JX303 reports the single amount
        if s <= total + tol:
            return []
        u = ctx.money_unit
        first = amounts[0][0]
        return [ctx.finding(
            f"项目「{p.name}」{len(amounts)} 个成本指标合计 {_fmt(s)} {u}，超过年度资金总额 {_fmt(total)} {u}{note}",
            first.ref(), project=p.name, value=first.text,
            suggestion=f"核对成本分解：各项成本合计应不超过 {_fmt(total)} {u}")]


@register
class MoneyCostExceedsTotal(Rule):
    """单个成本指标的金额不能超过项目的年度资金总额。比较前统一换算金额单位：
    万元表中的「＜1972000.00元」就是 197.2 万元。"""

    code = "JX303"
    severity = Severity.ERROR
    scope = "indicator"
    title = "成本指标超过年度资金总额"
    anti_pattern = "成本「1.6万元」，预算 1.28 万元"
    best_practice = "成本金额不超过年度资金总额，并注意元与万元的换算"

    def rows(self, ctx: Context):
        return ctx.rows_with_role("cost")

    def check(self, ctx: Context, it: Item):
        p = it.project
        if p is None or it.role != "cost" or p.funding.total is None:
            return []
        if it.money is None or "merged_values" in it.flags:
            return []  # not an amount
        amt = converted(it.number, it.money, ctx.money_unit)  # type: ignore[arg-type]
        total, note = _comparable_total(ctx, p)
        if total is None or amt <= total or amt <= total + _tol(ctx, (total, amt)):
            return []
        u = ctx.money_unit
        conv = f"（折合 {_fmt(amt)} {u}）" if it.unit != u else ""
        return [ctx.finding(
            f"项目「{p.name}」的成本指标「{it.ind.name}」{it.text}{conv}超过年度资金总额 {_fmt(total)} {u}{note}",
            it.ref(), project=p.name, value=it.text,
            suggestion=f"核对金额和单位：成本应不超过 {_fmt(total)} {u}")]


def _suspicious(ctx: Context, v: Decimal | None) -> str | None:
    if v is None or v <= 0:
        return None
    if ctx.money_unit == "万元" and v >= ctx.config.wan_suspicious_min:
        return f"万元表中 {_fmt(v)} 万元即 {_fmt(v / 10000)} 亿元，疑似按「元」填写"
    if ctx.money_unit == "元" and v < ctx.config.yuan_suspicious_max:
        return f"元表中只有 {_fmt(v)} 元，疑似按「万元」填写"
    return None


def _total_in_yuan(ctx: Context, p: Project) -> str | None:
    """Evidence inside the project that a 万元 total was written in 元: its cost indicators add up to
    the total read as 元 (total ``3000`` beside a cost ``不超过0.3万元``)."""
    total = p.funding.total
    if ctx.money_unit != "万元" or total is None or total <= 0:
        return None
    costs = sum((a for _, a in _cost_amounts(ctx, p)), Decimal(0))
    if costs <= 0:
        return None
    as_yuan = converted(total, "元", "万元")
    if costs * 1000 > total or not (as_yuan / 2 <= costs <= as_yuan * Decimal("1.01")):
        return None
    return (f"万元表中的 {_fmt(total)} 万元是成本指标合计 {_fmt(costs)} 万元的 {_fmt(total / costs)} 倍，"
            f"而按「元」理解正好是 {_fmt(as_yuan)} 万元，疑似按「元」填写")


@register
class MoneySuspiciousUnit(Rule):
    """金额的数量级与表的金额单位不符，多半是元和万元填混了。"""

    code = "JX304"
    severity = Severity.WARNING
    scope = "unit"
    title = "金额数量级疑似填错金额单位"
    anti_pattern = "万元列中填「197200」（其实是 197200 元）"
    best_practice = "按表头的金额单位填写：197200 元写作 19.72（万元）"

    def check(self, ctx: Context, sub: Submission):
        out = []
        other = "元" if ctx.money_unit == "万元" else "万元"
        for p in sub.projects:
            for key, label in FUNDING_LABELS.items():
                v = getattr(p.funding, key)
                why = total_in_yuan(ctx, p) if key == "total" else _suspicious(ctx, v)
                if why:
                    fixed = convert(v, other, ctx.money_unit)
                    out.append(ctx.finding(f"项目「{p.name}」的{label}：{why}", p.location(key), project=p.name,
                                           value=c.fmt_number(v),
                                           suggestion=f"若单位是{other}，应填 {_fmt(fixed)}（{ctx.money_unit}）"))
        if sub.dept:
            for key, label in DEPT_LABELS.items():
                v = getattr(sub.dept, key)
                why = _suspicious(ctx, v)
                if why:
                    fixed = convert(v, other, ctx.money_unit)
                    out.append(ctx.finding(f"部门整体的{label}：{why}", sub.dept.cells.get(key), project="部门整体",
                                           value=c.fmt_number(v),
                                           suggestion=f"若单位是{other}，应填 {_fmt(fixed)}（{ctx.money_unit}）"))
        return out


@register
class MoneyDeptProjectsMismatch(Rule):
    """部门整体的「项目支出」应等于本工作簿中各项目年度资金总额之和。模板工作簿要列出全部项目，
    所以两者必须相等；从旧表导入的表格往往只列重点项目，只在项目合计超过项目支出时报告。"""

    code = "JX305"
    severity = Severity.ERROR
    scope = "unit"
    title = "部门整体项目支出不等于各项目合计"
    anti_pattern = "部门整体项目支出 500 万元，项目表合计 480 万元"
    best_practice = "项目支出 = 项目信息表中各项目年度资金总额之和（漏填的项目要补上）"

    def check(self, ctx: Context, sub: Submission):
        d = sub.dept
        totals = [p.funding.total for p in sub.projects if p.funding.total is not None]
        if d is None or d.projects is None or not totals:
            return []
        s = sum(totals, Decimal(0))
        if abs(d.projects - s) <= _tol(ctx, [d.projects, *totals]):
            return []
        kind = sub.source.kind if sub.source else "template"
        if s < d.projects and kind not in ("template", "live"):
            return []  # an imported form may list only its key projects; more than the whole is always wrong
        u = ctx.money_unit
        return [ctx.finding(
            f"部门整体项目支出 {_fmt(d.projects)} {u} ≠ {len(totals)} 个项目年度资金总额合计 {_fmt(s)} {u}（相差 {_fmt(abs(d.projects - s))} {u}）",
            d.cells.get("projects"), project="部门整体", value=c.fmt_number(d.projects),
            suggestion=f"核对项目支出（应为 {_fmt(s)} {u}），或在项目信息表中补齐项目")]


@register
class MoneySpendingPlan(Rule):
    """资金支出计划是截至各时点的累计支出进度：在 0–100% 之间、逐期不减少、最后一期为 100%。"""

    code = "JX306"
    severity = Severity.ERROR
    scope = "project"
    title = "资金支出计划不合理"
    anti_pattern = "累计进度「25、50、40、100」"
    best_practice = "逐期累计、不减少、年底到 100%：「25%、50%、75%、100%」"

    def check(self, ctx: Context, p: Project):
        plan = p.spending_plan
        if not plan or all(pt.percent is None and not pt.raw for pt in plan):
            return []
        out = []
        name = p.name

        def ref(label):
            return p.cells.get(f"plan:{label}") or p.location("name")

        prev = None
        for pt in plan:
            if pt.percent is None:
                if pt.raw:
                    out.append(ctx.finding(f"项目「{name}」{pt.label}支出进度「{pt.raw}」无法识别为百分比",
                                           ref(pt.label), project=name, value=pt.raw, suggestion="填写累计百分比，如「50%」"))
                continue
            v = pt.percent
            if v < 0 or v > 100:
                out.append(ctx.finding(f"项目「{name}」{pt.label}累计支出进度 {c.fmt_number(v)}% 不在 0–100% 之间",
                                       ref(pt.label), project=name, value=pt.raw or c.fmt_number(v),
                                       suggestion="累计进度在 0–100% 之间"))
            elif prev is not None and v < prev[1]:
                out.append(ctx.finding(
                    f"项目「{name}」{pt.label}累计支出进度 {c.fmt_number(v)}% 低于{prev[0]}的 {c.fmt_number(prev[1])}%（累计进度不能减少）",
                    ref(pt.label), project=name, value=pt.raw or c.fmt_number(v),
                    suggestion=f"填写截至{pt.label}的累计进度，不低于 {c.fmt_number(prev[1])}%"))
            if 0 <= v <= 100 and (prev is None or v >= prev[1]):
                prev = (pt.label, v)
        last = plan[-1]
        if last.percent is None and not last.raw:
            out.append(ctx.finding(f"项目「{name}」未填写{last.label}的累计支出进度（应为 100%）", ref(last.label),
                                   project=name, value="", suggestion="填写「100%」"))
        elif last.percent is not None and 0 <= last.percent < 100 and not out:
            out.append(ctx.finding(f"项目「{name}」{last.label}累计支出进度为 {c.fmt_number(last.percent)}%，年底应达到 100%",
                                   ref(last.label), project=name, value=last.raw or c.fmt_number(last.percent),
                                   suggestion="最后一期填写「100%」"))
        return out


@register
class MoneyDeptUnbalanced(Rule):
    """部门整体预算要平衡：人员经费 + 公用经费 = 基本支出；基本支出 + 项目支出 = 支出合计；
    当年财政拨款 + 上年结转 + 其他资金 = 收入合计 = 支出合计。"""

    code = "JX307"
    severity = Severity.ERROR
    scope = "unit"
    title = "部门整体预算不平衡"
    anti_pattern = "人员经费 2,272.88 + 公用经费 519.13 ≠ 基本支出 2,800.00"
    best_practice = "各合计等于其组成之和，收入合计等于支出合计"

    def check(self, ctx: Context, sub: Submission):
        d: DeptBudget | None = sub.dept
        if d is None:
            return []
        out = []
        u = ctx.money_unit

        def eq(result: str, parts: tuple[str, ...]):
            total = getattr(d, result)
            vals = [getattr(d, k) for k in parts]
            if total is None or all(v is None for v in vals) or result in d.invalid or any(k in d.invalid for k in parts):
                return
            s = sum((v for v in vals if v is not None), Decimal(0))
            if abs(total - s) <= _tol(ctx, [total, *vals]):
                return
            expr = " + ".join(f"{DEPT_LABELS[k]} {_fmt(v or Decimal(0))}" for k, v in zip(parts, vals))
            out.append(ctx.finding(
                f"部门整体{DEPT_LABELS[result]} {_fmt(total)} {u} ≠ {expr} = {_fmt(s)} {u}",
                d.cells.get(result), project="部门整体", value=c.fmt_number(total),
                suggestion=f"核对金额：{DEPT_LABELS[result]}应为 {_fmt(s)} {u}"))

        for result, parts in DEPT_EQUATIONS:
            eq(result, parts)
        if d.income_total is not None and d.expense_total is not None:
            if abs(d.income_total - d.expense_total) > _tol(ctx, [d.income_total, d.expense_total]):
                out.append(ctx.finding(
                    f"部门整体收入预算合计 {_fmt(d.income_total)} {u} ≠ 支出预算合计 {_fmt(d.expense_total)} {u}",
                    d.cells.get("income_total"), project="部门整体", value=c.fmt_number(d.income_total),
                    suggestion="收入合计应等于支出合计"))
        return out


@register
class MoneyInvalidAmount(Rule):
    """金额单元格只能填数字（可带「万」「元」，如「12.8万」），不能为负数，不能写文字。"""

    code = "JX308"
    severity = Severity.ERROR
    scope = "unit"
    title = "金额为负数或不是数字"
    anti_pattern = "「约10」「-5」"
    best_practice = "填写确定的非负金额：「10」「12.8万」"

    def check(self, ctx: Context, sub: Submission):
        from xl_jixiao.rules.completeness import has_placeholder

        out = []
        u = ctx.money_unit
        groups: list[tuple[str | None, dict[str, str], Funding | DeptBudget, dict[str, str], Cells, str]]
        groups = [(p.name, p.funding.invalid, p.funding, FUNDING_LABELS, p.cells, f"项目「{p.name}」")
                  for p in sub.projects]
        if sub.dept:
            groups.append(("部门整体", sub.dept.invalid, sub.dept, DEPT_LABELS, sub.dept.cells, "部门整体"))
        for project, invalid, obj, labels, cells, what in groups:
            for key, text in invalid.items():
                if ctx.enabled("JX402") and has_placeholder(ctx, text):
                    continue  # JX402
                out.append(ctx.finding(f"{what}的{labels.get(key, key)}「{text}」不是金额", cells.get(key),
                                       project=project, value=text,
                                       suggestion=f"填写数字金额（{u}），如「10」或「12.8万」"))
            for key, label in labels.items():
                v = getattr(obj, key, None)
                if v is not None and v < 0:
                    out.append(ctx.finding(f"{what}的{label}为负数（{_fmt(v)}）", cells.get(key), project=project,
                                           value=c.fmt_number(v), suggestion="金额不能为负数"))
        return out
