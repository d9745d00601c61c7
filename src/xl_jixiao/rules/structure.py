"""JX1xx — structure: categories, completeness of the indicator tree, project references."""

from __future__ import annotations

import difflib

from xl_jixiao import layout
from xl_jixiao.model import Project, Severity, Submission
from xl_jixiao.rules import common as c
from xl_jixiao.rules.engine import Context, Item
from xl_jixiao.rules.registry import Rule, register


def _where(it: Item) -> str:
    return "部门整体" if it.dept else f"项目「{it.project_name or '（未命名）'}」"


@register
class StructureLevel1Unknown(Rule):
    """一级指标必须是所用指标体系中的类别。写错的一级指标无法归类，汇总时会丢失，
    其下的二级指标也无法核对。省略「指标」二字的简称（产出、效益、满意度）按完整名称认出，不报此条。"""

    code = "JX101"
    severity = Severity.ERROR
    scope = "indicator"
    title = "一级指标不在所用指标体系中"
    anti_pattern = "一级指标写作「效益类指标」（体系中没有这一类）"
    best_practice = "从下拉列表选择体系中的类别，如「效益指标」"

    def rows(self, ctx: Context):
        return ctx.select("no-level1", lambda it: it.level1 is None, among=ctx.unclassified_rows())

    def check(self, ctx: Context, it: Item):
        ind = it.ind
        if not (ind.name or ind.value or ind.level2 or ind.level1):
            return []
        if it.level1 is not None:
            return []
        scheme = it.scheme
        allowed = "、".join(scheme.level1_names())
        ref = it.ref("level1")
        if not ind.level1:
            return [ctx.finding(f"{_where(it)}的指标「{ind.name or ''}」未填写一级指标",
                                ref, project=it.project_name, value="",
                                suggestion=f"从以下类别中选择：{allowed}")]
        parents = scheme.level1_for_level2(ind.level1)
        if parents:
            sugg = f"「{ind.level1}」是二级指标，一级指标应填「{parents[0]}」，二级指标填「{ind.level1}」"
        else:
            guess = scheme.suggest_level1(ind.level1)
            sugg = f"改为「{guess}」" if guess else f"从以下类别中选择：{allowed}"
        return [ctx.finding(f"一级指标「{ind.level1}」不在指标体系「{scheme.name}」中（可用：{allowed}）",
                            ref, project=it.project_name, value=ind.level1, suggestion=sugg)]


@register
class StructureLevel2Misplaced(Rule):
    """二级指标必须属于它所在的一级指标。把二级指标放错一级，指标的性质（成本、产出、效益、
    满意度）就错了，汇总和评价都会出错。"""

    code = "JX102"
    severity = Severity.ERROR
    scope = "indicator"
    title = "二级指标不属于其一级指标"
    anti_pattern = "「社会效益指标」填在「产出指标」下"
    best_practice = "二级指标放在对应的一级指标下：社会效益指标属于效益指标"

    def rows(self, ctx: Context):
        return ctx.select("no-level2", lambda it: it.level1 is not None, among=ctx.unclassified_rows())

    def check(self, ctx: Context, it: Item):
        ind = it.ind
        if it.level1 is None or it.level2 is not None:
            return []
        if not (ind.name or ind.value or ind.level2):
            return []
        scheme = it.scheme
        allowed = "、".join(scheme.level2_names(it.level1))
        ref = it.ref("level2")
        if not ind.level2:
            return [ctx.finding(f"{_where(it)}的指标「{ind.name or ''}」未填写二级指标（一级指标「{it.level1}」）",
                                ref, project=it.project_name, value="",
                                suggestion=f"从以下类别中选择：{allowed}")]
        parents = scheme.level1_for_level2(ind.level2)
        if parents:
            sugg = f"「{ind.level2}」属于「{parents[0]}」：把一级指标改为「{parents[0]}」，或改用「{it.level1}」下的二级指标（{allowed}）"
        else:
            guess = scheme.suggest_level2(it.level1, ind.level2)
            sugg = f"改为「{guess}」" if guess else f"从以下类别中选择：{allowed}"
        return [ctx.finding(f"二级指标「{ind.level2}」不属于一级指标「{it.level1}」（可用：{allowed}）",
                            ref, project=it.project_name, value=ind.level2, suggestion=sugg)]


class _GroupRule(Rule):
    """Shared driver: run ``check_group`` for a project and, through ``check_dept``, for 部门整体.

    ``check_group(ctx, items, name, where, dept, declared)``: the group's rows, its name, ``where()`` the cell a
    finding about the whole group points at (made only for a finding), whether it is 部门整体, and the categories
    it declared not applicable."""

    def check(self, ctx: Context, p: Project):
        items = ctx.items_of(p)
        key = ("declared", id(p))  # the same for every group rule: worked out once per project
        declared = ctx.memo.get(key)
        if declared is None:
            declared = ctx.memo[key] = _declared(items[0].scheme if items else ctx.scheme, p.not_applicable)
        return self.check_group(ctx, items, p.name, lambda: p.location("name"), False, declared)

    def check_dept(self, ctx: Context, sub: Submission):
        items = ctx.items_of(None)
        declared = ctx.memo.get(("declared", None))
        if declared is None:
            declared = ctx.memo[("declared", None)] = _declared(ctx.dept_scheme,
                                                                 sub.dept.not_applicable if sub.dept else [])
        return self.check_group(ctx, items, layout.DEPT_PROJECT_NAME,
                                lambda: sub.dept.cells.get("goal") if sub.dept else None, True, declared)

    def check_group(self, ctx, items, name, where, dept, declared):  # pragma: no cover - abstract
        return []


def _declared(scheme, rows) -> set[str]:
    """Canonical 一级 and 二级 names a project declared not applicable (``不适用`` rows)."""
    out: set[str] = set()
    for ind in rows:
        m1 = scheme.match_level1(ind.level1) if ind.level1 else None
        if m1 is None:
            continue
        out.add(m1.canonical)
        m2 = scheme.match_level2(m1.canonical, ind.level2) if ind.level2 else None
        if m2 is not None:
            out.add(m2.canonical)
    return out


@register
class StructureMissingLevel1(_GroupRule):
    """每个项目都要覆盖指标体系要求的全部一级指标（2021 版体系：成本、产出、效益、满意度）。
    缺少一类，绩效目标就不完整，评审时会被退回。"""

    code = "JX103"
    severity = Severity.ERROR
    scope = "project"
    title = "缺少指标体系要求的一级指标"
    anti_pattern = "项目没有任何满意度指标"
    best_practice = "每个一级指标至少设置一个三级指标，如「服务对象满意度 ≥90%」"

    def check_group(self, ctx, items, name, where, dept, declared):
        if not items:
            return []
        scheme = items[0].scheme
        if dept and scheme.kind != "dept":
            return []  # 部门整体 using the project tree: its categories are not all required
        present = {it.level1 for it in items if it.level1} | declared
        for it in items:  # a misspelt 一级 is JX101's finding; do not report its category as missing too
            if it.level1 is None and it.ind.level1:
                present.update(scheme.level1_for_level2(it.ind.level1))
                guess = scheme.suggest_level1(it.ind.level1)
                if guess:
                    present.add(guess)
            if it.level1 is None and it.ind.level2:
                present.update(scheme.level1_for_level2(it.ind.level2))
        missing = [r for r in scheme.required if r not in present]
        if not missing:
            return []
        what = "部门整体" if dept else f"项目「{name}」"
        return [ctx.finding(f"{what}缺少一级指标：{'、'.join(missing)}", where(), project=name,
                            suggestion=f"补充{'、'.join(missing)}下的三级指标")]


@register
class StructureOutputIncomplete(_GroupRule):
    """产出指标应同时有数量、质量和时效三个方面，分别回答「做多少」「做多好」「何时做完」。"""

    code = "JX104"
    severity = Severity.WARNING
    scope = "project"
    title = "产出指标缺少数量、质量或时效指标"
    anti_pattern = "产出指标下只有数量指标"
    best_practice = "产出指标下同时设置数量指标、质量指标和时效指标"

    def check_group(self, ctx, items, name, where, dept, declared):
        if not items:
            return []
        scheme = items[0].scheme
        out1 = scheme.output_level1
        if not out1 or not scheme.output_required:
            return []
        mine = [it for it in items if it.level1 == out1]
        if not mine:
            return []  # no 产出指标 at all: JX103
        present = {it.level2 for it in mine if it.level2} | declared
        for it in mine:  # a misspelt 二级 is JX102's finding
            if it.level2 is None and it.ind.level2:
                guess = scheme.suggest_level2(out1, it.ind.level2)
                if guess:
                    present.add(guess)
        missing = [x for x in scheme.output_required if x not in present]
        if not missing:
            return []
        what = "部门整体" if dept else f"项目「{name}」"
        return [ctx.finding(f"{what}的{out1}缺少：{'、'.join(missing)}", where(), project=name,
                            suggestion=f"在{out1}下补充{'、'.join(missing)}")]


@register
class StructureDuplicateName(_GroupRule):
    """同一项目中三级指标名称重复，通常是复制粘贴后忘了改，或同一件事被重复计算。"""

    code = "JX105"
    severity = Severity.WARNING
    scope = "project"
    title = "同一项目中三级指标名称重复"
    anti_pattern = "「完成率」既填在数量指标下，又填在时效指标下"
    best_practice = "每个三级指标只出现一次，名称写明衡量的内容，如「培训完成率」「培训按时完成率」"

    def check_group(self, ctx, items, name, where, dept, declared):
        seen: dict[str, Item] = {}
        out = []
        for it in items:
            key = c.name_key(it.ind.name)
            if not key:
                continue
            first = seen.get(key)
            if first is None:
                seen[key] = it
                continue
            where = f"第 {first.ind.row} 行" if first.ind.row else "前面"
            out.append(ctx.finding(
                f"三级指标「{it.ind.name}」与{where}重复（{first.level2 or first.ind.level2 or ''} / {it.level2 or it.ind.level2 or ''}）",
                it.ref("name"), project=name, value=it.ind.name,
                suggestion="删除重复行，或改成能区分的名称"))
        return out


@register
class StructureMissingNameOrValue(Rule):
    """指标行必须同时有三级指标名称和指标值：只有名称没有目标值无法考核，只有值没有名称不知道考核什么。"""

    code = "JX106"
    severity = Severity.ERROR
    scope = "indicator"
    title = "指标行缺少三级指标名称或指标值"
    anti_pattern = "三级指标名称已填，指标值单元格为空"
    best_practice = "每行填写三级指标名称和指标值，如「培训人次 ≥200人次」"

    def rows(self, ctx: Context):
        return ctx.select("no-name-or-value", lambda it: not ((it.ind.name or "").strip() and it.text.strip()))

    def check(self, ctx: Context, it: Item):
        ind = it.ind
        has_name = bool((ind.name or "").strip())
        has_value = bool(it.text.strip())
        if has_name and has_value:
            return []
        if not has_name and not has_value:
            return [ctx.finding(f"{_where(it)}有一行指标未填写三级指标名称和指标值", it.ref("name"),
                                project=it.project_name, suggestion="填写三级指标名称和指标值，或删除该行")]
        if not has_name:
            return [ctx.finding(f"{_where(it)}的指标值「{it.text}」没有三级指标名称", it.ref("name"),
                                project=it.project_name, value=it.text,
                                suggestion="填写该指标值衡量的内容（三级指标名称），或把它并入上一行")]
        return [ctx.finding(f"{_where(it)}的指标「{ind.name}」未填写指标值", it.ref("value"),
                            project=it.project_name, value="",
                            suggestion="填写计算符号、数值和计量单位，如「≥95%」「≥10次」，或定性目标")]


@register
class StructureCategoryContradiction(Rule):
    """指标的名称与所在类别矛盾：满意度类指标放到效益指标下，及时率放到数量指标下，
    金额放到产出指标下。类别错了，指标的性质就错了。"""

    code = "JX107"
    severity = Severity.WARNING
    scope = "indicator"
    title = "指标名称与其类别矛盾"
    anti_pattern = "「群众满意度」填在社会效益指标下；「及时率」填在数量指标下"
    best_practice = "满意度放在满意度指标下，及时率放在时效指标下，金额放在成本指标下"

    def check(self, ctx: Context, it: Item):
        hit = contradiction(it)
        if hit is None:
            return []
        message, suggestion = hit
        return [ctx.finding(message, it.ref("name"), project=it.project_name, value=it.ind.name,
                            suggestion=suggestion)]


_OUTPUT_ROLES = ("quantity", "quality", "timeliness")


_ROLE_PATHS: dict[tuple[int, str], tuple[object, list[str]]] = {}


def _with_role(scheme, role: str) -> list[str]:
    """``一级/二级`` paths with ``role`` in ``scheme`` (memoised: schemes are immutable; the entry keeps
    the scheme alive so its id cannot be reused)."""
    key = (id(scheme), role)
    hit = _ROLE_PATHS.get(key)
    if hit is None or hit[0] is not scheme:
        hit = (scheme, [f"{a}/{b}" for a, b in scheme.level2_with_role(role)])
        _ROLE_PATHS[key] = hit
    return hit[1]


def contradiction(it: Item) -> tuple[str, str] | None:
    """The JX107 verdict for one indicator (also used by rules that defer to it)."""
    name = it.ind.name or ""
    role = it.role
    if not name or role is None:
        return None
    # the cheap tests first: the name predicates are memoised, the scheme's paths looked up only when needed
    if role != "satisfaction" and c.is_satisfaction_name(name) and \
            (it.kind != "quantitative" or it.unit == c.PERCENT or not it.unit):
        sat = _with_role(it.scheme, "satisfaction")
        if sat:
            return (f"「{name}」是满意度指标，却填在「{it.ind.level2 or it.ind.level1}」下",
                    f"移到「{sat[0]}」下")
    if it.dept:
        return None
    if role in ("quantity", "quality") and c.is_timeliness_name(name):
        timely = _with_role(it.scheme, "timeliness")
        if timely:
            return (f"「{name}」衡量的是时效，却填在「{it.ind.level2}」下", f"移到「{timely[0]}」下")
    if role in _OUTPUT_ROLES and it.money is not None:
        cost = _with_role(it.scheme, "cost")
        if cost:
            return (f"「{name}」的指标值是金额（{it.text}），却填在「{it.ind.level2}」下",
                    f"金额类指标移到「{cost[0]}」下；{it.ind.level2}写实物量，如「≥10个」")
    return None


@register
class StructureUnknownProject(Rule):
    """绩效指标表中每行的「项目名称」必须与项目信息表中的某个项目完全一致，否则这些指标不属于任何项目。"""

    code = "JX108"
    severity = Severity.ERROR
    scope = "unit"
    title = "指标所属项目不在项目列表中"
    anti_pattern = "项目名称列写成「平安建设经费」，项目表中是「平安建设工作经费」"
    best_practice = "项目名称从下拉列表选择，与项目信息表一致"

    def check(self, ctx: Context, sub: Submission):
        groups: dict[str, list] = {}
        for ind in sub.unassigned_indicators:
            groups.setdefault((ind.project or "").strip(), []).append(ind)
        names = [p.name for p in sub.projects if p.name]
        out = []
        for pname, inds in groups.items():
            first = inds[0]
            rows = [str(i.row) for i in inds if i.row]
            rows_text = f"（第 {'、'.join(rows[:8])}{' 等' if len(rows) > 8 else ''} 行，共 {len(inds)} 行）"
            ref = first.cells.get("project") or first.location("name")
            if not pname:
                out.append(ctx.finding(f"有指标未填写所属项目名称{rows_text}", ref, project=None,
                                       value="", suggestion="在「项目名称」列选择该指标所属的项目"))
                continue
            close = difflib.get_close_matches(pname, names, n=1, cutoff=0.5)
            sugg = f"改为「{close[0]}」" if close else "改为项目信息表中的项目名称，或在项目信息表中补充该项目"
            out.append(ctx.finding(f"指标所属项目「{pname}」不在项目信息表中{rows_text}", ref,
                                   project=pname, value=pname, suggestion=sugg))
        return out


@register
class StructureProjectWithoutIndicators(Rule):
    """每个项目都要有绩效指标；没有指标的项目无法设定和考核绩效目标。"""

    code = "JX109"
    severity = Severity.ERROR
    scope = "project"
    title = "项目没有任何绩效指标"
    anti_pattern = "项目信息表列出了项目，绩效指标表中没有它的任何指标"
    best_practice = "为每个项目填写成本、产出、效益、满意度指标"

    def check(self, ctx: Context, p: Project):
        if p.indicators:
            return []
        names = {(i.project or "").strip() for i in ctx.sub.unassigned_indicators}
        names.discard("")
        if p.name and names and ctx.enabled("JX108"):
            others = [q.name for q in ctx.sub.projects if q.name]
            for n in names:
                close = difflib.get_close_matches(n, others, n=1, cutoff=0.5)
                if close and close[0] == p.name:
                    return []  # its indicators name it with a typo: JX108 says so and suggests this name
        return [ctx.finding(f"项目「{p.name or '（未命名）'}」没有任何绩效指标", p.location("name"),
                            project=p.name, value=p.name,
                            suggestion="在绩效指标表中为该项目填写指标，项目名称与项目信息表一致")]
