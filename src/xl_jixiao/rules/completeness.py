"""JX4xx — completeness and wording: required fields, placeholders, basis, goals, copy-paste."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from xl_jixiao import layout
from xl_jixiao.memo import by_text
from xl_jixiao.model import Project, Severity, Submission
from xl_jixiao.rules import common as c
from xl_jixiao.rules.engine import Context, Item, value_facts
from xl_jixiao.rules.registry import Rule, register


def has_placeholder(ctx: Context, text: str | None) -> str | None:
    """The placeholder left in ``text`` (``（分级填报）``, ``XXX``, ``请填写`` …), or ``None``."""
    if not text:
        return None
    rx = _placeholder_re(ctx.config.placeholders)
    if rx is None:
        return None
    m = rx.search(str(text))
    return m.group(0) if m else None


@lru_cache(maxsize=8)
def _placeholder_re(words: tuple[str, ...]):
    words = tuple(w for w in words if w)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@register
class RequiredFieldEmpty(Rule):
    """必填项不能空着：单位名称、预算年度，每个项目的项目名称、实施单位、年度资金总额和年度绩效目标。"""

    code = "JX401"
    severity = Severity.ERROR
    scope = "unit"
    title = "必填项为空"
    anti_pattern = "项目的「实施单位」或「年度绩效目标」未填"
    best_practice = "填齐单位名称、预算年度、项目名称、实施单位、年度资金总额、年度绩效目标"

    def check(self, ctx: Context, sub: Submission):
        out = []
        imported_unit = sub.source is not None and sub.source.kind != "template"
        if not (sub.unit_name or "").strip() and not (imported_unit and "unit_name" not in sub.cells):
            out.append(ctx.finding("单位名称未填写", ctx.unit_ref("unit_name"), suggestion=f"在「{layout.SHEET_UNIT}」表填写单位全称"))
        if not sub.budget_year and not (imported_unit and "budget_year" not in sub.cells):
            out.append(ctx.finding("预算年度未填写", ctx.unit_ref("budget_year"), suggestion="填写四位年份，如「2025」"))
        labels = {"name": "项目名称", "implementer": "实施单位", "total": "年度资金总额", "annual_goal": "年度绩效目标"}
        imported = sub.source is not None and sub.source.kind != "template"
        for p in sub.projects:
            for key, label in labels.items():
                if imported and key not in p.cells:
                    continue  # the form has no such field: nothing was left blank

                if key == "total":
                    empty = p.funding.total is None and "total" not in p.funding.invalid
                else:
                    empty = not (getattr(p, key) or "").strip()
                if not empty:
                    continue
                what = f"项目「{p.name}」" if p.name else (f"项目表第 {p.row} 行的项目" if p.row else "有一个项目")
                ref = p.cells.get(key) or p.location("name")
                sugg = {"name": "填写项目名称（与绩效指标表一致）", "implementer": "填写实施单位全称",
                        "total": "填写年度资金总额（= 财政拨款 + 上年结转 + 其他资金）",
                        "annual_goal": "写明本年度要完成什么、达到什么效果，并与绩效指标对应"}[key]
                out.append(ctx.finding(f"{what}的{label}未填写", ref, project=p.name, value="", suggestion=sugg))
        return out


_UNIT_TEXT = ("unit_name", "unit_code", "supervisor", "filler", "phone", "fill_date", "head")
_PROJECT_TEXT = ("code", "name", "category", "supervisor", "implementer", "period", "purpose", "annual_goal",
                 "period_goal")
_INDICATOR_TEXT = ("level1", "level2", "name", "value", "unit", "note", "basis")


@register
class PlaceholderLeft(Rule):
    """模板或上级表中的占位文字必须替换成实际内容后才能提交。"""

    code = "JX402"
    severity = Severity.ERROR
    scope = "unit"
    title = "残留占位文字"
    anti_pattern = "「（分级填报）」「XXX」「***」「请填写」「待定」"
    best_practice = "填写实际内容；确实没有的金额填 0"

    def check(self, ctx: Context, sub: Submission):
        rx = _placeholder_re(ctx.config.placeholders)
        if rx is None or not rx.search(_all_text(ctx, sub)):
            return []  # no placeholder in any text (one search; each text is looked at only when one is)
        out = []

        search = rx.search

        def look(text, ref, project, label):
            m = search(str(text)) if text else None  # has_placeholder, with the pattern at hand
            if m:
                out.append(ctx.finding(f"{label}中残留占位文字「{m.group(0)}」：{text}", ref, project=project,
                                       value=str(text), suggestion="替换为实际内容"))

        for key in _UNIT_TEXT:
            look(getattr(sub, key), sub.cells.get(key), None, "单位信息")
        if sub.dept:
            for key in ("functions", "goal"):
                look(getattr(sub.dept, key), sub.dept.cells.get(key), "部门整体", "部门整体")
            for key, text in sub.dept.invalid.items():
                look(text, sub.dept.cells.get(key), "部门整体", "部门整体金额")
        for p in sub.projects:
            for key in _PROJECT_TEXT:
                look(getattr(p, key), p.cells.get(key), p.name, f"项目「{p.name}」")
            for key, text in p.funding.invalid.items():
                look(text, p.cells.get(key), p.name, f"项目「{p.name}」的金额")
        for it in ctx.items:
            ind = it.ind
            for key, text in zip(_INDICATOR_TEXT, _indicator_texts(ind)):
                if text and search(str(text)):  # the reference and label only for a text with a placeholder
                    look(text, ind.cells.get(key) or ind.location(key), it.project_name, f"指标「{ind.name or ''}」")
        return out


def _all_text(ctx: Context, sub: Submission) -> str:
    """Every text :class:`PlaceholderLeft` looks at, one per line (a placeholder word never spans two of them:
    none holds a line break)."""
    parts: list[Iterable[object]] = [_unit_texts(sub)]
    if sub.dept:
        parts.append((sub.dept.functions, sub.dept.goal, *sub.dept.invalid.values()))
    for p in sub.projects:
        parts.append(_project_texts(p))
        parts.append(p.funding.invalid.values())
    parts.extend(map(_indicator_texts, [it.ind for it in ctx.items]))
    texts = chain.from_iterable(parts)
    try:
        return "\n".join(filter(None, texts))  # type: ignore[arg-type]
    except TypeError:  # a field that is not text (a caller's own model): as text, like the cell search does
        return "\n".join(str(t) for t in chain.from_iterable(parts) if t)


_name_of = attrgetter("ind.name")
_unit_texts = attrgetter(*_UNIT_TEXT)
_project_texts = attrgetter(*_PROJECT_TEXT)
_indicator_texts = attrgetter(*_INDICATOR_TEXT)


@register
class BasisNotStandard(Rule):
    """取值依据（指标值确定依据）应是标准类别之一：计划标准、行业标准、历史标准、预算支出标准、其他标准。"""

    code = "JX403"
    severity = Severity.WARNING
    scope = "indicator"
    title = "取值依据不是标准类别"
    anti_pattern = "「省市文件」「预先制定的目标」"
    best_practice = "从下拉列表选择：计划标准、行业标准、历史标准、预算支出标准、其他标准"

    def rows(self, ctx: Context):
        cats = tuple(ctx.config.basis_categories)
        return ctx.select_text(("basis-not-standard", cats), "basis", lambda basis: not _standard(basis, cats))

    def check(self, ctx: Context, it: Item):
        basis = (it.ind.basis or "").strip()
        cats = ctx.config.basis_categories
        if _standard(basis, tuple(cats)):
            return []
        guess = _guess_basis(c.compact(basis), cats)
        return [ctx.finding(f"{_where(it)}的指标「{it.ind.name or ''}」取值依据「{basis}」不是标准类别",
                            it.ind.cells.get("basis") or it.ref("basis"), project=it.project_name, value=basis,
                            suggestion=f"改为「{guess}」（可选：{'、'.join(cats)}）")]


def _standard(basis: str, cats: tuple[str, ...]) -> bool:
    """A 取值依据 that is empty or one of the standard categories (nothing to report)."""
    basis = basis.strip()
    return not basis or c.compact(basis).startswith(cats)


def _guess_basis(t: str, cats) -> str:
    if re.search(r"预算|定额|支出标准", t):
        return "预算支出标准" if "预算支出标准" in cats else cats[0]
    if re.search(r"行业|国家|国标|规范", t):
        return "行业标准" if "行业标准" in cats else cats[0]
    if re.search(r"历史|上年|往年|以前年度", t):
        return "历史标准" if "历史标准" in cats else cats[0]
    if re.search(r"计划|目标|文件|方案|规划|要求", t):
        return "计划标准" if "计划标准" in cats else cats[0]
    close = difflib.get_close_matches(t, list(cats), n=1, cutoff=0.3)
    return close[0] if close else (cats[0] if cats else "计划标准")


def _where(it: Item) -> str:
    return "部门整体" if it.dept else f"项目「{it.project_name or '（未命名）'}」"


# ------------------------------------------------------------------ JX404

_STOP_BIGRAMS = frozenset("""
工作 完成 开展 提升 提高 加强 进一步 推进 保障 确保 实现 及时 有效 满意 指标 项目 资金 经费 目标 全面 不断 持续
年度 本年 全年 相关 各项 按照 要求 通过 以及 进行 我们 我区 我委 单位 部门 社会 群众 服务 水平 能力 情况 做好 切实
""".split())


_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")


def _iter_bigrams(text: str) -> Iterator[str]:
    """The pairs of adjacent CJK characters in ``text`` that are not stop words, one by one (repeats included)."""
    for run in _CJK_RUN_RE.findall(text):
        for i in range(len(run) - 1):
            bg = run[i:i + 2]
            if bg not in _STOP_BIGRAMS:
                yield bg


_goal_texts = attrgetter("name", "value", "note")


@register
class GoalNotCovered(Rule):
    """绩效目标要写明，绩效指标要把目标中承诺的事项逐项量化。目标空着，或指标与目标毫不相干，
    说明目标和指标是分别照抄的。（年度绩效目标为空时报 JX401；本条检查部门整体目标为空，
    以及指标与目标没有任何共同内容的项目。）"""

    code = "JX404"
    severity = Severity.WARNING
    scope = "project"
    title = "绩效目标为空，或指标与目标毫不相干"
    anti_pattern = "目标写「完成信息化建设」，指标全是会议次数和满意度"
    best_practice = "目标中的每件事都有对应的指标，如「建成信息化平台 ＝1个」"

    def check(self, ctx: Context, p: Project):
        goal = " ".join(x for x in (p.annual_goal, p.period_goal) if x)
        if not goal.strip() or not p.indicators:
            return []
        # a bigram of the goal (two CJK characters) found anywhere in the text is one of the text's bigrams
        # (the texts are joined by a character that is not CJK); the goal's bigrams are tried as they come
        # (usually one of the first is there)
        ind_text = None
        for bg in _iter_bigrams(goal):
            if ind_text is None:
                ind_text = " ".join(filter(None, chain.from_iterable(map(_goal_texts, p.indicators))))
            if bg in ind_text:
                return []
        if ind_text is None:
            return []  # the goal has no bigram to look for
        return [ctx.finding(f"项目「{p.name}」的绩效指标与年度绩效目标没有任何共同内容", p.location("annual_goal"),
                            project=p.name, value=(p.annual_goal or "")[:60],
                            suggestion="为目标中的每件事设置对应的绩效指标，或重写目标使其与指标一致")]

    def check_dept(self, ctx: Context, sub: Submission):
        d = sub.dept
        if d is None or (d.goal or "").strip():
            return []
        if not d.indicators and all(getattr(d, k) is None for k in ("expense_total", "income_total", "basic", "projects")):
            return []
        ref = d.cells.get("goal") or (d.indicators[0].location("name") if d.indicators else None)
        return [ctx.finding("部门整体绩效目标未填写", ref, project="部门整体", value="",
                            suggestion="写明本年度部门整体要完成的主要任务和效果，如「目标1：……」")]


# ------------------------------------------------------------------ JX405


def _dup_key(it: Item) -> tuple[str, str] | None:
    """(name, value) as compared for copies; ``None`` for a row without a name or a value."""
    name = c.name_key(it.ind.name)
    if not name or not it.text.strip():
        return None
    return name, _dup_value(it.text)


@by_text
def _dup_value(text: str) -> str:
    """A value text as compared for copies (an item's parsed value is its text's:
    :func:`~xl_jixiao.rules.engine.value_facts`)."""
    return c.compact(c.normalized(value_facts(text)[0], text))


@register
class IndicatorCopiedEverywhere(Rule):
    """同一个指标（名称和指标值都相同）出现在单位的大多数项目中，多半是照抄的套话，
    不能反映各项目自己的产出和效果。默认：单位至少有 4 个项目、且超过半数的项目出现同一指标时报告，
    每处出现都标出（阈值见配置 [duplicates]）。"""

    code = "JX405"
    severity = Severity.WARNING
    scope = "unit"
    title = "同一指标照搬到大多数项目"
    anti_pattern = "「与政府经济增长关系 / 促进政府经济增长」出现在全部 8 个项目中"
    best_practice = "每个项目按自身内容设置指标；通用指标（如满意度）写明对象和各自的目标值"

    def check(self, ctx: Context, sub: Submission):
        projects = [p for p in sub.projects if p.indicators]
        n = len(projects)
        if n < ctx.config.dup_min_projects:
            return []
        share = ctx.config.dup_share * n
        # a (name, value) pair is in no more projects than its name: only names in enough projects are
        # candidates, and only their rows' values are compared
        in_projects: Counter[str] = Counter()
        for p in {id(p): p for p in projects}.values():  # (each project once)
            in_projects.update({c.name_key(name) for name in map(_name_of, ctx.items_of(p))})
        common = {name for name, k in in_projects.items() if k > share and k >= 2}
        where: dict[tuple[str, str], dict[int, Item]] = {}
        if common:
            for it in ctx.items:
                if it.dept or it.project is None or c.name_key(it.ind.name) not in common:
                    continue
                key = _dup_key(it)
                if key is None:
                    continue
                where.setdefault(key, {}).setdefault(id(it.project), it)
        out = []
        for hits in where.values():
            k = len(hits)
            if k <= share or k < 2:
                continue
            for it in hits.values():
                out.append(ctx.finding(
                    f"指标「{it.ind.name} {it.text}」在本单位 {n} 个项目中的 {k} 个里完全相同，疑似照搬",
                    it.ref("name"), project=it.project_name, value=f"{it.ind.name} {it.text}",
                    suggestion="按本项目的内容和目标值设置指标，删除与本项目无关的套用指标"))
        return out
