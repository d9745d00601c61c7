"""Deterministic, realistic filled unit workbooks — clean, or with defects of known codes.

Every workbook is a :class:`~xl_jixiao.model.Submission` built here and written
with :func:`~xl_jixiao.template.write_submission`.  Unit *i* depends only on
``(seed, i)``: the same seed gives the same files, whatever the number of units.

Clean workbooks satisfy the rule catalogue (``rules.md``): every required 一级
and 数量/质量/时效 present; quantities with a symbol and a unit; rates ≤ 100%;
dates inside the budget year; costs as amounts with ``≤``, together within the
project's total; sources adding up to the total; 取值依据 from the standard list;
names unique per project; indicator names carry the project's topic so no
(name, value) pair repeats across projects; goal texts name their indicators;
the 部门整体 budget balances and its 项目支出 equals the sum of the projects.

Defects (``defect_rate`` = probability that a project receives exactly one) and
the cell each is recorded at in ``manifest.json`` (rows as written by
:mod:`xl_jixiao.template.fill`; columns from :mod:`xl_jixiao.layout`):

======  ===========  =====================================================================
code    sheet        injection → cell
======  ===========  =====================================================================
JX301   项目信息     财政拨款 raised so the sources exceed the total → the project's
                     年度资金总额 cell (column G)
JX306   项目信息     9月底 below 6月底 (still ending at 100%) → the 支出进度9月底 cell (R)
JX402   项目信息     资金用途 is ``（分级填报）`` → the 资金用途 cell (M)
JX102   绩效指标     a 社会效益指标 row (the project keeps another 效益 row) moved under
                     一级 产出指标 → the 二级指标 cell (D)
JX106   绩效指标     one of ≥2 数量指标 rows with symbol, value and unit emptied → 指标值 (G)
JX203   绩效指标     a 数量指标 row loses its 计量单位 (``≥120``) → 指标值 (G)
JX204   绩效指标     a 效益指标 row (one of ≥2) valued ``不断提升`` → 指标值 (G)
JX208   绩效指标     the 时效 date moved ten years back (``2015年12月31日前``) → 指标值 (G)
JX215   绩效指标     a 质量 rate written ``≥905%`` (meant 95%) → 指标值 (G)
JX209   绩效指标     a 成本 row valued ``＝100%`` instead of an amount → 指标值 (G)
JX202   绩效指标     a 质量 rate written ``≥95%＝100%`` (two values, one cell) → 指标值 (G)
JX403   绩效指标     取值依据 ``省市文件`` → the 取值依据 cell (J)
======  ===========  =====================================================================
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xl_jixiao import layout as L
from xl_jixiao.errors import UserError
from xl_jixiao.model import DeptBudget, Funding, Indicator, MoneyUnit, PlanPoint, Project, Submission
from xl_jixiao.schemes import get_scheme
from xl_jixiao.template.build import col, first_data_row
from xl_jixiao.template.fill import write_submission
from xl_jixiao.template.io import write_text_atomic

DEFAULT_YEAR = 2025
MIN_INDICATORS = 8
"""Fewest indicators a project can have and still carry every category (and every defect)."""

# ------------------------------------------------------------------ vocabularies
REGIONS = ("黔南州", "都匀市", "福泉市", "荔波县", "贵定县", "瓮安县", "独山县", "平塘县",
           "罗甸县", "长顺县", "龙里县", "惠水县", "三都县")
SUBUNITS = ("事务中心", "服务中心", "综合执法大队", "管理站")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦"
GIVEN = ("建国", "秀英", "志强", "丽华", "文杰", "海燕", "国庆", "晓明", "红梅", "永福", "春兰", "德胜", "玉兰", "子涵")
CATEGORIES = ("特定目标-单位发展专项", "特定目标-民生保障专项", "其他运转类-部门运转项目", "特定目标-基础设施建设专项")


@dataclass(frozen=True)
class Department:
    name: str  # appended to the region: 教育局 → 都匀市教育局
    domain: str  # what it is responsible for, in goal texts
    topics: tuple[str, ...]


DEPARTMENTS = (
    Department("教育局", "教育", ("学前教育资助", "义务教育营养改善", "教师培训", "校园安全管理", "课后服务",
                                  "教育信息化", "控辍保学", "职业教育实训")),
    Department("卫生健康委员会", "卫生健康", ("基本公共卫生服务", "家庭医生签约", "慢病筛查", "妇幼健康",
                                         "疫苗接种", "村医培训", "医疗设备更新", "健康教育")),
    Department("农业农村局", "农业农村", ("高标准农田建设", "农技推广", "动物防疫", "农产品质量检测",
                                     "种业提升", "农村人居环境整治", "农民培训", "耕地地力保护")),
    Department("民政局", "民政", ("城乡低保", "特困供养", "养老服务", "儿童关爱", "殡葬改革",
                              "社会组织培育", "救助站运行", "婚姻登记服务")),
    Department("司法局", "司法行政", ("法治宣传", "人民调解", "法律援助", "社区矫正", "公共法律服务",
                                 "行政复议", "普法骨干培训", "律师行业管理")),
    Department("交通运输局", "交通运输", ("农村公路养护", "客运站运行", "公路安全隐患整治", "交通执法",
                                     "桥梁检测", "物流网点建设", "公交运营补贴", "路政巡查")),
    Department("文体广电旅游局", "文化旅游", ("公共文化服务", "文物保护", "全民健身", "旅游宣传推广",
                                         "非遗传承", "图书馆运行", "送戏下乡", "广播电视覆盖")),
    Department("生态环境局", "生态环境", ("大气污染防治", "水质监测", "土壤污染防治", "固废管理",
                                     "环境执法", "噪声监测", "生态示范创建", "环保宣传")),
    Department("人力资源和社会保障局", "人力社保", ("就业技能培训", "创业担保", "劳动保障监察",
                                             "社保经办", "人才引进", "职称评审", "劳动仲裁", "高校毕业生就业")),
    Department("应急管理局", "应急管理", ("安全生产检查", "应急物资储备", "森林防火", "应急演练",
                                     "防汛抗旱", "危化品监管", "应急救援队伍建设", "地质灾害防治")),
    Department("水务局", "水利", ("农村饮水安全", "河湖长制", "水土保持", "小型水库管护",
                              "山洪灾害防治", "水资源监测", "灌区改造", "节水宣传")),
    Department("委政法委员会", "政法", ("平安建设", "综治中心运行", "矛盾纠纷化解", "维稳应急值班",
                                   "政法队伍培训", "雪亮工程运维", "扫黑除恶宣传", "网格化管理")),
)
GENERIC_TOPICS = ("办公设备更新", "档案数字化", "业务培训", "信息系统运维", "政务公开", "机关党建",
                  "安全生产宣传", "业务用房维修")
SUFFIXES = ("专项资金", "工作经费", "项目", "补助资金")

# Indicator templates per role: (name pattern with {t} = topic, unit, low, high).
QUANTITY = (
    ("{t}培训人次", "人次", 80, 2000), ("{t}开展活动场次", "场", 4, 60), ("{t}覆盖乡镇数", "个", 3, 25),
    ("{t}服务户数", "户", 50, 3000), ("{t}发放宣传资料", "份", 500, 10000), ("{t}购置设备数量", "台", 5, 80),
    ("{t}检查督导次数", "次", 4, 48), ("{t}受理事项件数", "件", 20, 800),
)
QUALITY = (
    ("{t}验收合格率", 90, 99), ("{t}任务完成率", 90, 99), ("{t}资料归档完整率", 92, 99),
    ("{t}服务达标率", 85, 98), ("{t}问题整改率", 85, 98), ("{t}数据准确率", 92, 99),
)
TIMELY_RATE = (("{t}任务完成及时率", 90, 99), ("{t}信息报送及时率", 90, 99), ("{t}问题处置及时率", 88, 98))
TIMELY_DATE = "{t}完成时间"
COST = ("{t}设备购置成本", "{t}劳务支出成本", "{t}宣传印刷成本")
BENEFIT = {
    "社会效益指标": (("{t}政策知晓率", "%", 80, 95), ("{t}受益群众人数", "人", 200, 20000),
                 ("{t}群众参与率", "%", 70, 92), ("{t}服务覆盖率", "%", 80, 98)),
    "经济效益指标": (("{t}带动就业人数", "人", 10, 300), ("{t}带动增收农户数", "户", 20, 800)),
    "可持续影响指标": (("{t}长效机制运行年限", "年", 3, 5), ("{t}设施持续使用年限", "年", 5, 10)),
}
SATISFACTION = (("{t}服务对象满意度", 85, 95), ("{t}群众满意度", 85, 95))
BASIS_WEIGHTS = (("计划标准", 5), ("行业标准", 3), ("历史标准", 2), ("预算支出标准", 1))

DEPT_INDICATORS = (
    ("部门管理", "资金投入", "基本支出预算执行率", 95, 99),
    ("部门管理", "资金投入", "项目支出预算执行率", 90, 98),
    ("部门管理", "财务管理", "财务制度执行率", 95, 99),
    ("部门管理", "资产管理", "固定资产账实相符率", 95, 99),
    ("履职效果", "部门履职目标", "年度重点工作任务完成率", 92, 99),
    ("履职效果", "社会影响", "{d}政策知晓率", 80, 92),
    ("履职效果", "服务对象满意度", "服务对象满意度", 85, 95),
    ("能力建设", "人力资源建设", "干部职工培训覆盖率", 90, 99),
)


# ------------------------------------------------------------------ helpers
def _cents(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low * 100, high * 100)


class _Money:
    """Amounts are drawn as integers: cents of 万元, or whole 元 (multiples of 100)."""

    def __init__(self, unit: MoneyUnit):
        self.unit: MoneyUnit = unit
        self.scale = Decimal("0.01") if unit == "万元" else Decimal(1)

    def draw(self, rng: random.Random, low_wan: int, high_wan: int) -> int:
        n = rng.randint(low_wan * 100, high_wan * 100)  # cents of 万元 == hundreds of 元
        return n if self.unit == "万元" else n * 100

    def dec(self, n: int) -> Decimal:
        return (Decimal(n) * self.scale).quantize(self.scale)

    def one(self) -> int:
        """One 万元 in integer units."""
        return 100 if self.unit == "万元" else 10000

    def text(self, n: int) -> str:
        return str(self.dec(n))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _month_end(year: int, month: int) -> int:
    return 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else (29 if year % 4 == 0 else 28)


def _basis(rng: random.Random) -> str:
    return rng.choices([n for n, _ in BASIS_WEIGHTS], [w for _, w in BASIS_WEIGHTS])[0]


@dataclass
class _Row:
    """An indicator as generated, with the role it was generated for."""

    role: str
    ind: Indicator


# ------------------------------------------------------------------ units
def _unit_identity(index: int, seed: int) -> tuple[str, str, Department, str]:
    """(unit name, unit code, department, region) — unique for every index."""
    combos = [(r, d) for r in range(len(REGIONS)) for d in range(len(DEPARTMENTS))]
    random.Random(f"units:{seed}").shuffle(combos)
    r, d = combos[index % len(combos)]
    dept = DEPARTMENTS[d]
    name = REGIONS[r] + dept.name
    rounds = index // len(combos)
    if rounds:
        name += SUBUNITS[(rounds - 1) % len(SUBUNITS)]
        if rounds > len(SUBUNITS):
            name += str(rounds)
    code = f"5227{index + 1:06d}"
    return name, code, dept, REGIONS[r]


def sample_submission(index: int, seed: int = 0, projects: int | None = None,
                      indicators: int | None = None, year: int = DEFAULT_YEAR) -> Submission:
    """The clean submission of unit ``index`` for ``seed``."""
    rng = random.Random(f"unit:{seed}:{index}")
    name, code, dept, region = _unit_identity(index, seed)
    scheme_id = ("2021", "legacy")[index % 2]
    money_unit: MoneyUnit = ("万元", "元")[(index // 2) % 2]
    money = _Money(money_unit)
    n_projects = projects if projects is not None else rng.randint(5, 15)
    topics = list(dept.topics) + list(GENERIC_TOPICS)
    rng.shuffle(topics)
    base = len(topics)
    while len(topics) < n_projects:  # more projects than topics: number the further phases
        topics.append(f"{topics[len(topics) % base]}（{len(topics) // base + 1}期）")
    subs = []
    for j in range(n_projects):
        n_ind = indicators if indicators is not None else rng.randint(MIN_INDICATORS, 20)
        subs.append(_project(rng, j, topics[j], name, code, region, scheme_id, money, n_ind, year))
    sub = Submission(
        budget_year=year, unit_name=name, unit_code=code, supervisor=f"{101 + DEPARTMENTS.index(dept)}-{name}",
        money_unit=money_unit, scheme=scheme_id, filler=_person(rng), phone=f"0854-8{rng.randint(100000, 999999)}",
        fill_date=f"{year - 1}年12月{rng.randint(10, 28)}日", head=_person(rng), projects=subs,
    )
    if index % 3 == 0:
        sub.dept_scheme = "dept_mgmt"
        sub.dept = _dept(rng, sub, dept, region, money)
    return sub


def _dept(rng: random.Random, sub: Submission, dept: Department, region: str, money: _Money) -> DeptBudget:
    personnel = money.draw(rng, 200, 3000)
    public = money.draw(rng, 30, 600)
    projects = sum(int(((p.funding.total or 0) / money.scale).to_integral_value()) for p in sub.projects)
    basic = personnel + public
    expense = basic + projects
    carry = money.draw(rng, 10, 200) if rng.random() < 0.5 else 0
    other = money.draw(rng, 5, 100) if rng.random() < 0.3 else 0
    fiscal = expense - carry - other
    picks = [x for x in DEPT_INDICATORS if rng.random() < 0.75 or x[0] != "能力建设"]
    inds = []
    for l1, l2, nm, lo, hi in picks:
        inds.append(Indicator(level1=l1, level2=l2, name=nm.format(d=dept.domain), op="≥",
                              value=str(rng.randint(lo, hi)), unit="%", basis=_basis(rng)))
    goal_names = "、".join(i.name or "" for i in inds[:4])
    return DeptBudget(
        money_unit=money.unit, personnel=money.dec(personnel), public=money.dec(public), basic=money.dec(basic),
        projects=money.dec(projects), expense_total=money.dec(expense), fiscal=money.dec(fiscal),
        carryover=money.dec(carry), other=money.dec(other), income_total=money.dec(expense),
        functions=(f"负责{region}{dept.domain}领域政策的贯彻落实，统筹规划、组织实施和监督管理全{region[-1]}"
                   f"{dept.domain}工作，承担{region}人民政府交办的其他事项。"),
        goal=(f"目标1：全面完成年度{dept.domain}重点工作任务，{goal_names}达到预期目标。"
              f"目标2：加强预算和资产管理，提高资金使用效益，服务对象满意度稳步提高。"),
        indicators=inds,
    )


def _project(rng: random.Random, j: int, topic: str, unit_name: str, unit_code: str, region: str,
             scheme_id: str, money: _Money, n_ind: int, year: int) -> Project:
    if not MIN_INDICATORS <= n_ind <= MAX_INDICATORS:
        raise UserError(f"每个项目的指标数应在 {MIN_INDICATORS}—{MAX_INDICATORS} 之间，而不是 {n_ind} 个")
    # Money: total split into sources, all whole units; every non-zero source ≥ 1 万元.
    total = money.draw(rng, 10, 800)
    carry = (total * rng.randint(10, 30) // 100) if rng.random() < 0.3 else 0
    other = (total * rng.randint(5, 20) // 100) if rng.random() < 0.2 else 0
    carry = carry if carry >= money.one() else 0
    other = other if other >= money.one() else 0
    fiscal = total - carry - other
    p1 = rng.choice((10, 15, 20, 25, 30))
    p2 = p1 + rng.choice((15, 20, 25, 30))
    p3 = min(p2 + rng.choice((15, 20, 25)), 95)
    plan = [PlanPoint(label=cp, percent=Decimal(v)) for cp, v in zip(L.PLAN_CHECKPOINTS, (p1, p2, p3, 100))]
    multi = rng.random() < 0.25
    rows = _indicators(rng, topic, scheme_id, money, total, n_ind, year)
    inds = [r.ind for r in rows]
    qty = next(r.ind for r in rows if r.role == "quantity")
    qual = next(r.ind for r in rows if r.role == "quality")
    sat = next(r.ind for r in rows if r.role == "satisfaction")
    ben = next(r.ind for r in rows if r.role == "benefit")
    goal = (f"目标1：{year}年完成{qty.name}{qty.value}{qty.unit}以上，{qual.name}不低于{qual.value}%。"
            f"目标2：{ben.name}达到预期水平，{sat.name}不低于{sat.value}%。")
    name = f"{year}年{region}{topic}{SUFFIXES[(j + len(topic)) % len(SUFFIXES)]}"
    return Project(
        code=f"{unit_code}P{year % 100:02d}{j + 1:04d}", name=name, category=rng.choice(CATEGORIES),
        implementer=unit_name, period=f"{year}—{year + 2}年" if multi else f"{year}年",
        funding=Funding(money_unit=money.unit, total=money.dec(total), fiscal=money.dec(fiscal),
                        carryover=money.dec(carry), other=money.dec(other)),
        purpose=f"用于{topic}工作的组织实施、设备购置、人员培训和宣传等支出。",
        annual_goal=goal,
        period_goal=(f"实施期内持续推进{topic}工作，{ben.name}逐年提高，形成长效工作机制。" if multi else None),
        spending_plan=plan, indicators=inds,
    )


MAX_INDICATORS = (1 + len(QUANTITY) + len(QUALITY) + len(TIMELY_RATE) + len(COST) + len(SATISFACTION)
                  + len(BENEFIT["社会效益指标"]) + len(BENEFIT["经济效益指标"]))
"""Most indicators a project can have without repeating a name (either scheme)."""


def _counts(rng: random.Random, n: int, legacy: bool) -> dict[str, int]:
    counts = {"cost": 1, "quantity": 2, "quality": 1, "date": 1, "timely": 0, "benefit": 2, "satisfaction": 1}
    caps = {"cost": len(COST), "quantity": len(QUANTITY), "quality": len(QUALITY), "timely": len(TIMELY_RATE),
            "benefit": sum(len(v) for k, v in BENEFIT.items() if legacy or k != "可持续影响指标"),
            "satisfaction": len(SATISFACTION)}
    weights = {"quantity": 4, "quality": 3, "timely": 1, "benefit": 2, "cost": 1, "satisfaction": 1}
    for _ in range(n - sum(counts.values())):
        open_ = [k for k in weights if counts[k] < caps[k]]
        k = rng.choices(open_, [weights[x] for x in open_])[0]
        counts[k] += 1
    return counts


def _indicators(rng: random.Random, topic: str, scheme_id: str, money: _Money, total: int, n: int,
                year: int) -> list[_Row]:
    legacy = scheme_id == "legacy"
    counts = _counts(rng, n, legacy)
    t = topic
    out: dict[str, list[_Row]] = {k: [] for k in ("cost", "quantity", "quality", "timely", "benefit", "satisfaction")}

    def add(role: str, l1: str, l2: str, name: str, op: str | None, value: str, unit: str | None) -> None:
        out["timely" if role == "date" else role].append(
            _Row(role, Indicator(level1=l1, level2=l2, name=name, op=op, value=value, unit=unit, basis=_basis(rng))))

    cost_l1, cost_l2 = ("产出指标", "成本指标") if legacy else ("成本指标", "经济成本指标")
    shares = [rng.randint(15, 30) for _ in range(counts["cost"])]
    for pattern, share in zip(rng.sample(COST, counts["cost"]), shares):
        amount = total * share // 100
        add("cost", cost_l1, cost_l2, pattern.format(t=t), "≤", money.text(amount), money.unit)
    for pattern, unit, lo, hi in rng.sample(QUANTITY, counts["quantity"]):
        add("quantity", "产出指标", "数量指标", pattern.format(t=t), "≥", str(rng.randint(lo, hi)), unit)
    for pattern, lo, hi in rng.sample(QUALITY, counts["quality"]):
        add("quality", "产出指标", "质量指标", pattern.format(t=t), "≥", str(rng.randint(lo, hi)), "%")
    month = rng.choice((6, 9, 10, 11, 12))
    add("date", "产出指标", "时效指标", TIMELY_DATE.format(t=t), None,
        f"{year}年{month}月{_month_end(year, month)}日前", None)
    for pattern, lo, hi in rng.sample(TIMELY_RATE, counts["timely"]):
        add("timely", "产出指标", "时效指标", pattern.format(t=t), "≥", str(rng.randint(lo, hi)), "%")
    social = list(BENEFIT["社会效益指标"])
    pool = [("经济效益指标", x) for x in BENEFIT["经济效益指标"]]
    if legacy:
        pool += [("可持续影响指标", x) for x in BENEFIT["可持续影响指标"]]
    rng.shuffle(social)
    first = [("社会效益指标", social.pop())]
    rest = rng.sample([("社会效益指标", x) for x in social] + pool, counts["benefit"] - 1)
    for l2, (pattern, unit, lo, hi) in first + rest:
        add("benefit", "效益指标", l2, pattern.format(t=t), "≥", str(rng.randint(lo, hi)), unit)
    for pattern, lo, hi in rng.sample(SATISFACTION, counts["satisfaction"]):
        add("satisfaction", "满意度指标", "服务对象满意度指标", pattern.format(t=t), "≥", str(rng.randint(lo, hi)), "%")
    order = ("quantity", "quality", "timely", "cost") if legacy else ("cost", "quantity", "quality", "timely")
    rows: list[_Row] = []
    for k in (*order, "benefit", "satisfaction"):
        rows.extend(out[k])
    return rows


# ------------------------------------------------------------------ defects
@dataclass(frozen=True)
class Defect:
    code: str
    sheet: str
    column: str  # a layout key of the table on ``sheet``
    apply: Callable[[Project, int], Indicator | None]
    """Changes the project; returns the indicator whose row is marked (None: the project's row)."""


def _pick(p: Project, pred: Callable[[Indicator], bool], keep: int = 1) -> Indicator | None:
    """The last indicator matching ``pred`` when more than ``keep - 1`` others match too."""
    hits = [i for i in p.indicators if pred(i)]
    return hits[-1] if len(hits) >= keep else None


def _is(l1: str | None = None, l2: str | None = None, unit: str | None = None) -> Callable[[Indicator], bool]:
    def pred(i: Indicator) -> bool:
        return ((l1 is None or i.level1 == l1) and (l2 is None or i.level2 == l2)
                and (unit is None or i.unit == unit))
    return pred


def _jx301(p: Project, year: int) -> None:
    step = Decimal(1) if p.funding.money_unit == "万元" else Decimal(10000)
    p.funding.fiscal = (p.funding.fiscal or Decimal(0)) + step
    return None


def _jx306(p: Project, year: int) -> None:
    p.spending_plan[2].percent = (p.spending_plan[1].percent or Decimal(0)) - 5
    return None


def _jx402(p: Project, year: int) -> None:
    p.purpose = "（分级填报）"
    return None


def _jx102(p: Project, year: int) -> Indicator | None:
    benefit = [i for i in p.indicators if i.level1 == "效益指标"]
    social = [i for i in benefit if i.level2 == "社会效益指标"]
    if len(benefit) < 2 or not social:
        return None
    social[-1].level1 = "产出指标"
    return social[-1]


def _jx106(p: Project, year: int) -> Indicator | None:
    i = _pick(p, _is(l2="数量指标"), keep=2)
    if i:
        i.op = i.value = i.unit = None
    return i


def _jx203(p: Project, year: int) -> Indicator | None:
    i = _pick(p, _is(l2="数量指标"))
    if i:
        i.unit = None
    return i


def _jx204(p: Project, year: int) -> Indicator | None:
    i = _pick(p, _is(l1="效益指标"), keep=2)
    if i:
        i.op, i.value, i.unit = None, "不断提升", None
    return i


def _jx208(p: Project, year: int) -> Indicator | None:
    i = _pick(p, lambda x: x.level2 == "时效指标" and (x.value or "").startswith(f"{year}年"))
    if i and i.value:
        i.value = i.value.replace(f"{year}年", f"{year - 10}年", 1)
    return i


def _jx215(p: Project, year: int) -> Indicator | None:
    i = _pick(p, _is(l2="质量指标", unit="%"))
    if i:
        i.op, i.value = "≥", "905"
    return i


def _jx209(p: Project, year: int) -> Indicator | None:
    i = _pick(p, lambda x: x.unit in ("万元", "元") and (x.level1 == "成本指标" or x.level2 == "成本指标"))
    if i:
        i.op, i.value, i.unit = "＝", "100", "%"
    return i


def _jx202(p: Project, year: int) -> Indicator | None:
    i = _pick(p, _is(l2="质量指标", unit="%"))
    if i:
        i.op, i.value, i.unit = None, f"≥{i.value}%＝100%", None
    return i


def _jx403(p: Project, year: int) -> Indicator | None:
    i = _pick(p, _is(l2="数量指标"))
    if i:
        i.basis = "省市文件"
    return i


DEFECTS: tuple[Defect, ...] = (
    Defect("JX301", L.SHEET_PROJECTS, "total", _jx301),
    Defect("JX306", L.SHEET_PROJECTS, "plan_3", _jx306),
    Defect("JX402", L.SHEET_PROJECTS, "purpose", _jx402),
    Defect("JX102", L.SHEET_INDICATORS, "level2", _jx102),
    Defect("JX106", L.SHEET_INDICATORS, "value", _jx106),
    Defect("JX203", L.SHEET_INDICATORS, "value", _jx203),
    Defect("JX204", L.SHEET_INDICATORS, "value", _jx204),
    Defect("JX208", L.SHEET_INDICATORS, "value", _jx208),
    Defect("JX215", L.SHEET_INDICATORS, "value", _jx215),
    Defect("JX209", L.SHEET_INDICATORS, "value", _jx209),
    Defect("JX202", L.SHEET_INDICATORS, "value", _jx202),
    Defect("JX403", L.SHEET_INDICATORS, "basis", _jx403),
)
DEFECT_CODES = tuple(d.code for d in DEFECTS)


def inject_defects(sub: Submission, rate: float, rng: random.Random,
                   codes: tuple[str, ...] = DEFECT_CODES) -> list[dict]:
    """Give each project one defect with probability ``rate``; returns manifest entries."""
    entries = []
    by_code = {d.code: d for d in DEFECTS}
    year = sub.budget_year or DEFAULT_YEAR
    first_ind = 0
    for i, p in enumerate(sub.projects):
        start = first_ind
        first_ind += len(p.indicators)
        if rate <= 0 or rng.random() >= rate:
            continue
        for code in rng.sample(codes, len(codes)):  # first applicable in a random order
            d = by_code[code]
            target = d.apply(p, year)  # changes nothing when it does not apply
            if d.sheet == L.SHEET_PROJECTS:
                row = first_data_row(L.PROJECTS) + i
                table = L.PROJECTS
            elif target is None:
                continue
            else:
                row = first_data_row(L.INDICATORS) + start + next(k for k, x in enumerate(p.indicators) if x is target)
                table = L.INDICATORS
            entries.append({"sheet": d.sheet, "cell": f"{col(table, d.column)}{row}", "code": d.code})
            break
    return entries


# ------------------------------------------------------------------ files
def sample_file_name(index: int, sub: Submission) -> str:
    return f"{index + 1:03d}_{sub.unit_name}.xlsx"


def _write_unit(job: tuple) -> tuple[str, list[dict]]:
    out, i, seed, defect_rate, projects, indicators, year = job
    sub = sample_submission(i, seed, projects, indicators, year)
    entries = inject_defects(sub, defect_rate, random.Random(f"defects:{seed}:{i}"))
    name = sample_file_name(i, sub)
    write_submission(sub, Path(out) / name, scheme=get_scheme(sub.scheme))
    return name, entries


def generate_samples(out_dir, units: int, seed: int = 0, defect_rate: float = 0.0,
                     projects: int | None = None, indicators: int | None = None,
                     year: int = DEFAULT_YEAR, workers: int | None = None) -> dict[str, list[dict]]:
    """Write ``units`` filled workbooks and ``manifest.json`` into ``out_dir``.

    Returns the manifest: file name → injected defects ``{"sheet", "cell", "code"}``
    (an empty list for a clean workbook).  ``workers`` processes write the files
    (default: one per CPU for 8 units or more); the content does not depend on it.
    """
    if units < 0:
        raise UserError("单位数量不能为负数")
    if not 0 <= defect_rate <= 1:
        raise UserError("缺陷比例应在 0 到 1 之间")
    if projects is not None and projects < 1:
        raise UserError("每个单位至少需要 1 个项目")
    if indicators is not None and not MIN_INDICATORS <= indicators <= MAX_INDICATORS:
        raise UserError(f"每个项目的指标数应在 {MIN_INDICATORS}—{MAX_INDICATORS} 之间，而不是 {indicators} 个")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(str(out), i, seed, defect_rate, projects, indicators, year) for i in range(units)]
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if units >= 8 else 1
    if workers > 1 and units > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, units)) as pool:
            results = list(pool.map(_write_unit, jobs, chunksize=max(1, units // (workers * 4))))
    else:
        results = [_write_unit(job) for job in jobs]
    manifest = dict(results)
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    write_text_atomic(out / "manifest.json", text + "\n")
    return manifest
