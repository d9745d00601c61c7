"""Layout variants of real 绩效目标表 forms: one content, many ways of laying it out.

A *base* is a project's content as plain data (header fields, money, texts,
indicator rows, categories declared 不适用).  A *variant* is a set of layout
choices, one option per variation kind; :func:`render` writes the bases as a
small ``.xlsx`` (or ``.docx``) laid out that way and :func:`expected` says what a reader must
get back from it.  Every option of every kind below is a layout seen in real
forms; together they are the list of what the form importer must survive.

Variation kinds (option 0 is the plain layout; a variant names only the kinds it
changes, as ``kind=option``):

============== ================================= ===============================================
kind           options                           what changes
============== ================================= ===============================================
label.name     0..2                              项目名称 / 项目支出名称 / 二级项目名称
label.unit     0..4                              单位名称 / 申请单位 / 填报单位 / 预算单位 / 预算部门
label.sup      0..2                              主管部门 / 主管部门及代码 / 一级预算单位
label.period   0..2                              实施期 / 实施期限 / 项目期限
label.cat      0..2                              项目类别 / 一级项目名称 / 一级项目
label.total    0..6                              年度资金总额 / 本年度项目金额 / 年度预算金额 / 预算金额 /
                                                 预算数 / 资金总额 / 年度预算申请
label.ptotal   0..1                              项目总金额（中期规划） / 实施期资金总额
label.goal     0..2                              年度总体目标 / 年度目标 / 年度绩效目标
label.pgoal    0..2                              实施期绩效目标 / 长期目标 / 长期目标（跨度多年的项目需填）
label.value    0..3                              指标值 / 目标值 / 指标值及单位 / 年度指标值 (table header)
label.basis    0..3                              取值依据 / 指标值确定依据 / 绩效标准 / 评（计）分标准
label.note     0..3                              指标解释 / 指标说明 / 绩效指标描述 / 指标值说明
colon          none / full / ascii               header labels end with nothing, ``：`` or ``:``
spaced         off / on                          spaces inside short labels: ``项 目 名 称``
numbered       off / on                          header labels numbered ``一、项目名称``, ``二、…``
cols           value_note / note_value           note column before the value column
extra          none / score / weight             unknown column 分值 (after the value) or 权重 (last)
seq            off / on                          a 序号 column first, rows numbered
lead           off / all / rows / table / section  blank first column: in every row / in every row
                                                 but the title and unit line / in the indicator
                                                 table only / the table's first column holds
                                                 绩效指标 merged down the whole table
levels         repeat / blank / merged           一级/二级 on every row / only where they change /
                                                 merged vertically over their rows
mlabels        off / on                          header labels merged across two columns
mvalues        off / on                          header values merged across the remaining columns
broken         off / on                          the longest indicator name continued on the next
                                                 row, only that cell filled
pos            beside / above / pairs            value right of its label / value below its label
                                                 (a row of labels, then a row of values) / two
                                                 label-value pairs on one row
short          off / on                          short level names (产出/数量/满意度/服务对象满意度)
yuan           off / on                          amounts written in 元 (×10000)
unit_at        line / title / fill1 / fill2 /    money unit stated as ``单位：万元`` on its own row /
               label                             in the title ``…表（单位：元）`` / in one cell
                                                 ``填报单位：… 单位：元`` / ``填报单位：…`` and ``单位：元``
                                                 in two cells of one row / in each amount label's
                                                 brackets ``年度资金总额（元）``
amounts        number / text                     amounts as numbers or as text ``1,972,000.00``
projects       one / stacked / bare / sheets     one project; two projects stacked on one sheet
                                                 with a title each / stacked without a second
                                                 title / one sheet per project
split          off / on                          the indicator table broken by a blank row and a
                                                 repeated header row
footer         off / on                          a 备注 row and a 填表人/联系电话/填报日期 row after the table
na             omit / cells / name               categories declared not applicable: left out /
                                                 a row with 不适用 in every cell / 不适用 as the
                                                 indicator name only
title          on / off                          the form's title row present or missing
ptype          off / on                          a 项目类型 row (经常性项目) besides the 项目类别 row
============== ================================= ===============================================

Word kinds (:data:`DOCX_KINDS`; only the Word renderer reads them, ``render`` writes a
``.docx`` when the path ends so):

============== ================================= ===============================================
kind           options                           what changes
============== ================================= ===============================================
docx.pre       para / rows                       title, unit line and footer as paragraphs around
                                                 the table / as rows of the table
docx.tables    one / project / blank / parts     one table (blank rows kept) / one table per
                                                 project / a new table at every blank row (a table
                                                 broken at a page break, header typed again) /
                                                 also the header block and the indicator table apart
docx.brk       off / para / br / label / value   the longest indicator name as two paragraphs in its
                                                 cell / with a line break / labels of 5+ characters
                                                 typed on two lines / the project's and unit's names
                                                 and level names of 6+ characters on two lines
docx.space     off / pad / fullwidth             spaces and tabs around every text / labels spread
                                                 with full-width spaces, paragraphs indented with two
docx.before    off / grid                        empty cells at a row's start or end written as
                                                 w:gridBefore / w:gridAfter (a short row)
docx.runs      off / split / sdt / ins / block   text in runs of 3 characters / values in inline
                                                 content controls / values as tracked insertions
                                                 beside a tracked deletion / tables, every second
                                                 row and label cells in block content controls
docx.nest      off / on                          the indicator table nested in one cell of the form
docx.head      one / two                         two header rows: 绩效指标 over the level columns,
                                                 the other titles merged down both rows
docx.grid      even / uneven / hmerge            the header block and the indicator table with
                                                 their own column edges (cells span several grid
                                                 columns) / spans as old-style w:hMerge cells
============== ================================= ===============================================

Kinds that do not apply to a base (no 测算依据 column for a base without basis,
no 不适用 for a base without such categories) are never chosen for it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

D = Decimal
WAN = Decimal(10000)


# ------------------------------------------------------------------ base content
@dataclass(frozen=True)
class Row:
    level1: str  # canonical full names (产出指标 / 数量指标)
    level2: str
    name: str = ""
    value: str = ""
    note: str | None = None
    basis: str | None = None
    na: bool = False  # a category the project declares not applicable (不适用)


@dataclass(frozen=True)
class Base:
    key: str
    name: str
    unit: str
    total: Decimal  # in 万元
    rows: tuple[Row, ...]
    code: str | None = None
    supervisor: str | None = None
    period: str | None = None
    category: str | None = None  # 项目类别 / 一级项目
    project_type: str | None = None  # 项目类型
    is_new: str | None = None  # 是否新增项目
    allocation: str | None = None  # 分配方式
    fiscal: Decimal | None = None
    carryover: Decimal | None = None
    other: Decimal | None = None
    period_total: Decimal | None = None
    policy: str | None = None
    calc: str | None = None
    goal: str | None = None
    period_goal: str | None = None
    short: dict[str, str] = field(default_factory=dict)  # full level name → short name as real forms write it

    @property
    def has_notes(self) -> bool:
        return any(r.note for r in self.rows if not r.na)

    @property
    def has_basis(self) -> bool:
        return any(r.basis for r in self.rows if not r.na)

    @property
    def has_na(self) -> bool:
        return any(r.na for r in self.rows)

    def indicators(self) -> list[Row]:
        return [r for r in self.rows if not r.na]

    def not_applicable(self) -> list[tuple[str, str]]:
        return [(r.level1, r.level2) for r in self.rows if r.na]


SHORT_NAMES = {
    "产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度", "成本指标": "成本",
    "数量指标": "数量", "质量指标": "质量", "时效指标": "时效",
    "经济成本指标": "经济成本", "社会成本指标": "社会成本", "生态环境成本指标": "生态环境成本",
    "经济效益指标": "经济效益", "社会效益指标": "社会效益", "生态效益指标": "生态效益",
    "可持续影响指标": "可持续影响", "服务对象满意度指标": "服务对象满意度", "其他满意度指标": "其他满意度",
}

# 深圳市宝安区松岗街道 2023, 预算管理一体化 export, first sheet of shenzhen_songgang_2023_01.xlsx
# (copied as written, defects included; the form writes short level names and 成本 under 产出)
SHENZHEN = Base(
    key="shenzhen",
    code="440306231391500000173",
    name="政府购买服务（专业技术服务类社区工作站管理经费）花果山社区工作站",
    unit="深圳市宝安区松岗街道办事处（本级）",
    supervisor="深圳市宝安区松岗街道办事处（本级）",
    period="3",
    project_type="15 其他经费",
    is_new="否",
    allocation="因素法和项目法",
    period_total=D("9000"),
    total=D("3000"),
    policy=("一、项目背景：\n1.社区工作站是政府在社区的服务平台，协助、配合政府及其工作部门在社区开展工作，为社区居民提供服务。\n"
            "2.社区工作站在街道党工委、街道办事处的领导下开展工作，并接受市、区民政部门及其他政府工作部门的业务指导。\n"
            "3.社区党组织是社区组织和社区工作的领导核心，居委会、社区工作站等各类社区组织要在社区党组织的领导下依法履行职责，"
            "共同推进社区各项事业。\n二、项目内容：\n执行及管理维持工作站正常运行的各项日常后勤保障管理服务工作"
            "（含物业管理、工作站户外维护维修、档案建设、政府采购等）"),
    calc="党群服务中心租金评估费0.3万元",
    goal="通过日常服务居民，使得居民问题得到及时解决。",
    period_goal="通过长期服务居民，维持社会稳定，提升居民生活的幸福感。",
    rows=(
        Row("产出指标", "数量指标", "需出具物业评估报告的物业数量", "1处", "根据物业数量判定"),
        Row("产出指标", "质量指标", "租赁的党群服务中心物业结构安全保证率", "达到95%以上", "根据检测报告判断物业结构安全性"),
        Row("产出指标", "时效指标", "出具物业评估报告及时性", "3个工作日", "根据协议判断出具物业评估报告的及时性"),
        Row("产出指标", "成本指标", "出具评估报告总成本", "出具评估报告总成本不超过0.3万元", "出具评估报告总成本不超过0.3万元"),
        Row("效益指标", "经济效益指标", na=True),
        Row("效益指标", "社会效益指标", "保障租赁的党群服务中心物业结构安全性", "达到90%以上", "根据检测报告判断物业结构安全性"),
        Row("效益指标", "生态效益指标", na=True),
        Row("效益指标", "可持续影响指标", na=True),
        Row("满意度指标", "服务对象满意度指标", na=True),
        Row("满意度指标", "其他满意度指标", na=True),
    ),
)

# 中共甘肃省委政法委员会 2024 (seed gansu_zhengfawei_2024.txt), project 国家司法救助资金, 2021 scheme
GANSU = Base(
    key="gansu",
    name="国家司法救助资金",
    unit="中共甘肃省委政法委员会",
    supervisor="106-中共甘肃省委政法委员会",
    total=D("200.00"),
    fiscal=D("200.00"),
    carryover=D("0.00"),
    other=D("0.00"),
    goal=("发挥国家司法救助工作效能，确保本年度国家司法救助资金专款专用、合法合规，切实解决受害群众燃眉之急，"
          "保障社会公平正义，促进社会和谐稳定。"),
    rows=(
        Row("产出指标", "数量指标", "司法救助案件数量(件)", "＞50件"),
        Row("产出指标", "质量指标", "应救尽救率（%）", "=100%"),
        Row("产出指标", "质量指标", "资金使用率", "≥80%"),
        Row("产出指标", "时效指标", "司法救助及时性", "及时"),
        Row("产出指标", "时效指标", "法律援助及时性", "及时"),
        Row("效益指标", "社会效益指标", "有责事件发生数", "=0起"),
        Row("效益指标", "社会效益指标", "国家司法救助社会效果", "良好"),
        Row("满意度指标", "服务对象满意度指标", "被救助群众满意度（%）", "≥80%"),
        Row("成本指标", "经济成本指标", "成本控制率", "在预算范围内"),
    ),
)

# 黔南州 2024 批复表 (seed qiannan_2024_pifu.txt), project 黔南州国家司法救助工作经费, legacy scheme
# (the dump's shifted cost rows read as the two indicators they are)
QIANNAN = Base(
    key="qiannan",
    category="特定目标-单位发展专项",
    name="黔南州国家司法救助工作经费",
    unit="中共黔南州委政法委员会",
    supervisor="中共黔南州委政法委员会",
    total=D("100.00"),
    fiscal=D("100.00"),
    other=D("0.00"),
    goal=("实现国家司法救助工作制度化、规范化，支持基层政法机关大力开展司法救助工作，切实帮助因案致贫的困难群众，"
          "化解涉法涉诉信访矛盾，彰显司法人文关怀。"),
    rows=(
        Row("产出指标", "数量指标", "支持州级政法机关数量", "≥ 2个"),
        Row("产出指标", "质量指标", "司法救助申请审核认定", "= 100%"),
        Row("产出指标", "质量指标", "出具《国家司法救助决定书》", "= 100%"),
        Row("产出指标", "时效指标", "工作完成时间", "2024年12月31日"),
        Row("产出指标", "成本指标", "救助相关申请人", "≤ 100万元"),
        Row("产出指标", "成本指标", "项目或定额成本控制率", "= 100%"),
        Row("效益指标", "社会效益指标",
            "通过国家司法救助途径，切实解决当事人困难，避免形成涉法涉诉信访矛盾，杜绝因案件引发的不稳定社会因素，努力实现社会和谐稳定",
            "不断提高"),
        Row("效益指标", "可持续影响指标", "信访人息诉罢访", "持续稳定"),
        Row("满意度指标", "服务对象满意度指标", "救助对象认可", "≥ 98%"),
    ),
)

# a 2021-scheme form with every field, sources, basis column and 不适用 categories
SYNTHETIC = Base(
    key="synth",
    code="52270125P000123456789",
    name="城区公共厕所保洁运维",
    unit="某县城市管理局",
    supervisor="某县住房和城乡建设局",
    period="2025年1月至2025年12月",
    category="特定目标类",
    total=D("12.35"),
    fiscal=D("10.00"),
    carryover=D("2.35"),
    other=D("0"),
    period_total=D("37.05"),
    policy="《某县城市公共厕所管理办法》（某府办发〔2023〕12号）",
    calc="32座×3859.375元/座·年=12.35万元",
    goal="城区32座公共厕所全年保洁运维，设施完好，群众如厕环境整洁。",
    period_goal="三年内城区公厕保洁运维全部达到二类以上标准。",
    rows=(
        Row("成本指标", "经济成本指标", "公厕保洁运维成本", "≤12.35万元", "按合同测算", "预算支出标准"),
        Row("成本指标", "社会成本指标", na=True),
        Row("成本指标", "生态环境成本指标", na=True),
        Row("产出指标", "数量指标", "保洁公厕数量", "≥32座", "城区全部公厕", "计划标准"),
        Row("产出指标", "数量指标", "每座公厕每日保洁次数", "不少于3次", None, "历史标准"),
        Row("产出指标", "质量指标", "公厕保洁季度抽检达标率", "达到95%以上", "按季度抽检", "行业标准"),
        Row("产出指标", "时效指标", "设施故障维修响应时间", "24小时内", None, "计划标准"),
        Row("效益指标", "经济效益指标", na=True),
        Row("效益指标", "社会效益指标", "市容环境卫生水平", "不断提升", "定性", "其他标准"),
        Row("效益指标", "生态效益指标", na=True),
        Row("满意度指标", "服务对象满意度指标", "群众满意度", "不低于90%", "问卷调查", "计划标准"),
    ),
)

BASES: dict[str, Base] = {b.key: b for b in (SHENZHEN, GANSU, QIANNAN, SYNTHETIC)}


def sibling(base: Base) -> Base:
    """A second project of the same unit: other name and code, half the money, one indicator fewer."""
    def half(v: Decimal | None) -> Decimal | None:
        return None if v is None else v / 2

    rows = list(base.rows)
    last = max(i for i, r in enumerate(rows) if not r.na)
    del rows[last]
    code = None
    if base.code:
        code = base.code[:-1] + str((int(base.code[-1]) + 1) % 10)
    return replace(base, key=base.key + "2", name=base.name + "（二期）", code=code, total=half(base.total),
                   fiscal=half(base.fiscal), carryover=half(base.carryover), other=half(base.other),
                   period_total=half(base.period_total), rows=tuple(rows))


# ------------------------------------------------------------------ variation kinds
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称", "项目支出名称", "二级项目名称"),
    "unit": ("单位名称", "申请单位", "填报单位", "预算单位", "预算部门"),
    "sup": ("主管部门", "主管部门及代码", "一级预算单位"),
    "period": ("实施期", "实施期限", "项目期限"),
    "cat": ("项目类别", "一级项目名称", "一级项目"),
    "total": ("年度资金总额", "本年度项目金额", "年度预算金额", "预算金额", "预算数", "资金总额", "年度预算申请"),
    "ptotal": ("项目总金额（中期规划）", "实施期资金总额"),
    "goal": ("年度总体目标", "年度目标", "年度绩效目标"),
    "pgoal": ("实施期绩效目标", "长期目标", "长期目标（跨度多年的项目需填）"),
    "value": ("指标值", "目标值", "指标值及单位", "年度指标值"),
    "basis": ("取值依据", "指标值确定依据", "绩效标准", "评（计）分标准"),
    "note": ("指标解释", "指标说明", "绩效指标描述", "指标值说明"),
}
FIXED_LABELS = {"code": "项目编码", "project_type": "项目类型", "is_new": "是否新增项目", "allocation": "分配方式",
                "fiscal": "其中：财政拨款", "carryover": "上年结转", "other": "其他资金",
                "policy": "政策依据", "calc": "测算依据"}

KINDS: dict[str, tuple[str, ...]] = {
    **{f"label.{k}": tuple(str(i) for i in range(len(v))) for k, v in LABELS.items()},
    "colon": ("none", "full", "ascii"),
    "spaced": ("off", "on"),
    "numbered": ("off", "on"),
    "cols": ("value_note", "note_value"),
    "extra": ("none", "score", "weight"),
    "seq": ("off", "on"),
    "lead": ("off", "all", "rows", "table", "section"),
    "levels": ("repeat", "blank", "merged"),
    "mlabels": ("off", "on"),
    "mvalues": ("off", "on"),
    "broken": ("off", "on"),
    "pos": ("beside", "above", "pairs"),
    "short": ("off", "on"),
    "yuan": ("off", "on"),
    "unit_at": ("line", "title", "fill1", "fill2", "label"),
    "amounts": ("number", "text"),
    "projects": ("one", "stacked", "bare", "sheets"),
    "split": ("off", "on"),
    "footer": ("off", "on"),
    "na": ("omit", "cells", "name"),
    "title": ("on", "off"),
    "ptype": ("off", "on"),
}
# Word only (a variant with any of these is rendered as .docx; option 0 is the plain Word layout)
DOCX_KINDS: dict[str, tuple[str, ...]] = {
    "docx.pre": ("para", "rows"),
    "docx.tables": ("one", "project", "blank", "parts"),
    "docx.brk": ("off", "para", "br", "label", "value"),
    "docx.space": ("off", "pad", "fullwidth"),
    "docx.before": ("off", "grid"),
    "docx.runs": ("off", "split", "sdt", "ins", "block"),
    "docx.nest": ("off", "on"),
    "docx.head": ("one", "two"),
    "docx.grid": ("even", "uneven", "hmerge"),
}
ALL_KINDS: dict[str, tuple[str, ...]] = {**KINDS, **DOCX_KINDS}
PROJECT_TYPE = "经常性项目"  # the 项目类型 row the ptype kind adds beside a 项目类别


def applies(kind: str, base: Base) -> bool:
    """Whether a kind changes anything for this base."""
    needs = {
        "label.sup": base.supervisor, "label.period": base.period, "label.cat": base.category,
        "label.ptotal": base.period_total, "label.pgoal": base.period_goal, "label.goal": base.goal,
        "label.basis": base.has_basis, "ptype": base.category and not base.project_type, "label.note": base.has_notes, "cols": base.has_notes, "na": base.has_na,
    }
    return bool(needs.get(kind, True))


@dataclass(frozen=True)
class Variant:
    base: str
    opts: tuple[tuple[str, str], ...]  # (kind, option) for the kinds changed, in KINDS order

    def get(self, kind: str) -> str:
        return dict(self.opts).get(kind, ALL_KINDS[kind][0])

    def on(self, kind: str) -> bool:
        return self.get(kind) != ALL_KINDS[kind][0]

    @property
    def id(self) -> str:
        return self.base + ("-" + "-".join(f"{k}={o}" for k, o in self.opts) if self.opts else "-plain")

    def tags(self) -> set[str]:
        """``kind`` and ``kind=option`` for every kind changed (the keys of an expected-failure table)."""
        return {k for k, _ in self.opts} | {f"{k}={o}" for k, o in self.opts}

    def label(self, field_: str) -> str:
        return LABELS[field_][int(self.get(f"label.{field_}"))]

    def describe(self) -> str:
        parts = []
        for k, o in self.opts:
            if k.startswith("label."):
                parts.append(f"{k}={LABELS[k[6:]][int(o)]}")
            else:
                parts.append(f"{k}={o}")
        return f"{self.base}: " + ("，".join(parts) or "plain")


def make_variant(base: str, choices: dict[str, str]) -> Variant:
    b = BASES[base]
    ch = {k: o for k, o in choices.items() if o != ALL_KINDS[k][0] and applies(k, b)}
    if ch.get("unit_at") == "title":
        ch.pop("title", None)  # the unit is written in the title: the title must be there
    return Variant(base, tuple((k, ch[k]) for k in ALL_KINDS if k in ch))


def single_variants() -> list[Variant]:
    """Every option of every kind alone, on every base it applies to."""
    out = []
    for kind, options in KINDS.items():
        for opt in options[1:]:
            for key, base in BASES.items():
                if applies(kind, base):
                    out.append(make_variant(key, {kind: opt}))
    return out


# pairs of kinds that act on the same thing: each combination is generated alone too
INTERACTIONS: tuple[tuple[str, str], ...] = (
    ("yuan", "unit_at"), ("yuan", "amounts"), ("projects", "title"), ("projects", "pos"),
    ("levels", "split"), ("levels", "broken"), ("levels", "lead"), ("na", "levels"), ("pos", "mlabels"),
)


def pair_variants(interactions: tuple[tuple[str, str], ...] = INTERACTIONS) -> list[Variant]:
    """Every option pair of the interacting kinds, on a base rotating with the pair."""
    out = []
    keys = sorted(BASES)
    n = 0
    for a, b in interactions:
        for oa in ALL_KINDS[a][1:]:
            for ob in ALL_KINDS[b][1:]:
                cands = [k for k in keys if applies(a, BASES[k]) and applies(b, BASES[k])]
                out.append(make_variant(cands[n % len(cands)], {a: oa, b: ob}))
                n += 1
    return out


def random_variant(seed: int, p: float = 0.3, kinds: dict[str, tuple[str, ...]] = KINDS) -> Variant:
    """Kinds switched on at random (probability ``p`` each), options drawn at random, from ``seed``."""
    rng = random.Random(seed)
    keys = sorted(BASES)
    base = keys[rng.randrange(len(keys))]
    choices = {}
    for kind, options in kinds.items():
        if rng.random() < p:
            choices[kind] = options[rng.randrange(1, len(options))]
    return make_variant(base, choices)


def docx_single_variants() -> list[Variant]:
    """For Word: every ``docx.*`` option alone on every base, every other option alone on one base."""
    out = [make_variant(key, {kind: opt}) for kind, options in DOCX_KINDS.items() for opt in options[1:]
           for key in BASES]
    keys = sorted(BASES)
    n = 0
    for kind, options in KINDS.items():
        for opt in options[1:]:
            cands = [k for k in keys if applies(kind, BASES[k])]
            out.append(make_variant(cands[n % len(cands)], {kind: opt}))
            n += 1
    return out


# a Word kind and a layout kind acting on the same thing
DOCX_INTERACTIONS: tuple[tuple[str, str], ...] = (
    ("docx.tables", "projects"), ("docx.tables", "split"), ("docx.tables", "lead"), ("docx.nest", "lead"),
    ("docx.nest", "levels"), ("docx.nest", "split"), ("docx.before", "lead"), ("docx.pre", "unit_at"),
    ("docx.pre", "footer"), ("docx.brk", "broken"), ("docx.brk", "levels"), ("docx.space", "spaced"),
    ("docx.space", "colon"), ("docx.runs", "amounts"), ("docx.pre", "projects"), ("docx.grid", "pos"),
    ("docx.grid", "mlabels"), ("docx.grid", "levels"), ("docx.grid", "lead"), ("docx.head", "levels"),
    ("docx.head", "split"), ("docx.head", "seq"), ("docx.head", "lead"),
)


def docx_pair_variants() -> list[Variant]:
    return pair_variants(DOCX_INTERACTIONS)


def plain_variants() -> list[Variant]:
    return [Variant(k, ()) for k in BASES]


# the layouts the bases were taken from, as variants (approximately: what the kinds can express)
REAL_LAYOUTS: dict[str, Variant] = {
    "real-shenzhen": make_variant("shenzhen", {
        "label.unit": "1", "label.sup": "2", "label.period": "1", "label.total": "1", "label.goal": "1",
        "label.pgoal": "2", "label.value": "1", "colon": "full", "pos": "pairs", "mvalues": "on",
        "levels": "merged", "short": "on", "unit_at": "label", "na": "cells", "footer": "on"}),
    "real-qiannan": make_variant("qiannan", {
        "label.name": "2", "label.cat": "1", "pos": "pairs", "lead": "section", "levels": "blank"}),
    "real-gansu": make_variant("gansu", {"label.sup": "1", "pos": "pairs", "levels": "blank", "mlabels": "on"}),
}


# Word forms as met in practice (approximately)
DOCX_REAL_LAYOUTS: dict[str, Variant] = {
    # a blank first cell in every row, a name typed on two lines, the title and unit as paragraphs
    "word-lead-broken": make_variant("synth", {"lead": "all", "docx.brk": "para", "colon": "full"}),
    "word-qiannan": make_variant("qiannan", {
        "label.name": "2", "label.cat": "1", "pos": "pairs", "lead": "section", "levels": "merged",
        "docx.brk": "label", "docx.space": "fullwidth", "amounts": "text"}),
    "word-gansu": make_variant("gansu", {"label.sup": "1", "pos": "pairs", "levels": "blank", "mlabels": "on",
                                         "docx.tables": "parts", "docx.space": "pad"}),
    "word-shenzhen": make_variant("shenzhen", {
        "label.unit": "1", "label.sup": "2", "label.period": "1", "label.total": "1", "label.goal": "1",
        "label.pgoal": "2", "label.value": "1", "colon": "full", "pos": "pairs", "mvalues": "on",
        "levels": "merged", "short": "on", "unit_at": "label", "na": "cells", "footer": "on",
        "docx.tables": "blank", "split": "on", "yuan": "on", "amounts": "text"}),
    "word-nested": make_variant("synth", {"lead": "section", "docx.nest": "on", "levels": "merged",
                                          "docx.before": "grid", "docx.brk": "br"}),
}


# ------------------------------------------------------------------ expected model
def norm_level(text: str | None) -> str:
    """A level name compared tolerantly: no spaces, no trailing 指标."""
    t = re.sub(r"[\s\u3000]+", "", text or "")
    return t.removesuffix("指标")


@dataclass
class ExpectedProject:
    name: str
    code: str | None
    total: Decimal
    fiscal: Decimal | None
    carryover: Decimal | None
    other: Decimal | None
    period_total: Decimal | None
    supervisor: str | None
    period: str | None
    category: str | None
    project_type: str | None
    is_new: str | None
    allocation: str | None
    policy: str | None
    calc: str | None
    goal: str | None
    period_goal: str | None
    indicators: list[tuple[str, str, str, str, str | None, str | None]]
    not_applicable: list[tuple[str, str]]
    broken_name: str | None = None


@dataclass
class Expected:
    money_unit: str  # the bases' unit: amounts below are in it
    unit_name: str
    projects: list[ExpectedProject]
    filler: str | None = None
    phone: str | None = None


FILLER, PHONE, FILL_DATE = "张三", "0755-27712345", "2023年1月10日"
REMARK = "备注：作为导入模板，置灰信息无需录入，作为导出模板，置灰信息系统自动带出。"


def projects_of(v: Variant) -> list[Base]:
    b = BASES[v.base]
    return [b] if v.get("projects") == "one" else [b, sibling(b)]


def expected(v: Variant) -> Expected:
    projects = []
    for b in projects_of(v):
        na = b.not_applicable() if v.on("na") else []
        projects.append(ExpectedProject(
            name=b.name, code=b.code, total=b.total, fiscal=b.fiscal, carryover=b.carryover, other=b.other,
            period_total=b.period_total, supervisor=b.supervisor, period=b.period, category=b.category,
            project_type=b.project_type or (PROJECT_TYPE if v.on("ptype") else None), is_new=b.is_new, allocation=b.allocation,
            policy=b.policy, calc=b.calc, goal=b.goal, period_goal=b.period_goal,
            indicators=[(norm_level(r.level1), norm_level(r.level2), r.name, r.value, r.note, r.basis)
                        for r in b.indicators()],
            not_applicable=[(norm_level(a), norm_level(c)) for a, c in na],
            broken_name=_broken_row(b).name if v.on("broken") or v.get("docx.brk") in ("para", "br") else None,
        ))
    return Expected(money_unit="万元", unit_name=BASES[v.base].unit, projects=projects,
                    filler=FILLER if v.on("footer") else None, phone=PHONE if v.on("footer") else None)


def _broken_row(b: Base) -> Row:
    return max(b.indicators(), key=lambda r: len(r.name))


# ------------------------------------------------------------------ rendering
_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
             "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十")


class Canvas:
    """Cells and merged ranges of one sheet, 0-based, written to openpyxl at the end."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], object] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.formats: dict[tuple[int, int], str] = {}
        # what some rows are, for renderers that treat them apart (Word: paragraphs, table breaks):
        # title / unit / footer / gap (blank row between projects) / split (blank row before a repeated
        # header) / table (first row of the indicator table) / header (its header row)
        self.roles: dict[int, str] = {}
        self.labels: set[tuple[int, int]] = set()  # cells holding a header label (not a value)
        self.tables: list[tuple[int, int, int]] = []  # (first row, last row, first column) of each indicator table

    def put(self, r: int, c: int, value: object, span: int = 1, fmt: str | None = None, label: bool = False) -> None:
        if value is None or value == "":
            return
        self.cells[(r, c)] = value
        if label:
            self.labels.add((r, c))
        if fmt:
            self.formats[(r, c)] = fmt
        if span > 1:
            self.merges.append((r, c, r, c + span - 1))

    def vmerge(self, r1: int, c: int, r2: int) -> None:
        if r2 > r1:
            self.merges.append((r1, c, r2, c))

    def write(self, ws) -> None:
        for (r, c), v in self.cells.items():
            cell = ws.cell(r + 1, c + 1)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text, even when it starts with = (=100%)
            if (r, c) in self.formats:
                cell.number_format = self.formats[(r, c)]
        for r1, c1, r2, c2 in self.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)


def _word_break(v: Variant, label: str, what: str = "label") -> str:
    """``docx.brk=label``: a label of five characters or more typed on two lines (年度资金⏎总额);
    ``docx.brk=value``: so are the project's and the unit's names and long level names."""
    if v.get("docx.brk") != what or len(label) < 5:
        return label
    cut = len(label) // 2
    return label[:cut] + "\n" + label[cut:]


class _Form:
    """Lays one project out on a canvas from row ``r``."""

    def __init__(self, v: Variant, base: Base, canvas: Canvas, r: int, first: bool):
        self.v, self.b, self.cv, self.r, self.first = v, base, canvas, r, first
        lead = v.get("lead")
        self.c0 = 1 if lead in ("all", "rows") else 0  # header block
        self.ct = 1 if lead in ("all", "rows", "table", "section") else 0  # indicator table
        self.ctitle = 1 if lead == "all" else 0
        self.cols = self._table_columns()
        self.ls = 2 if v.on("mlabels") else 1
        need = 2 * (self.ls + 1) if v.get("pos") == "pairs" else self.ls + 1
        self.width = max(len(self.cols) + (self.ct - self.c0), need, 4)
        self.yuan = v.on("yuan")
        self.unit = "元" if self.yuan else "万元"
        self.numbering = 0

    # -- labels
    def _table_columns(self) -> list[str]:
        v, b = self.v, self.b
        cols = ["seq"] if v.on("seq") else []
        cols += ["level1", "level2", "name"]
        body = ["value"]
        if v.get("extra") == "score":
            body.append("score")
        if b.has_notes:
            body = ["note", *body] if v.get("cols") == "note_value" else [*body, "note"]
        cols += body
        if b.has_basis:
            cols.append("basis")
        if v.get("extra") == "weight":
            cols.append("weight")
        return cols

    def lab(self, text: str, money: bool = False) -> str:
        v = self.v
        if v.on("spaced") and len(text) <= 4:
            text = " ".join(text)
        if money and v.get("unit_at") == "label":
            text += f"（{self.unit}）"
        if v.on("numbered") and not text.startswith("其中"):
            text = _NUMERALS[self.numbering % len(_NUMERALS)] + "、" + text
            self.numbering += 1
        return _word_break(v, text + {"none": "", "full": "：", "ascii": ":"}[v.get("colon")])

    def amount(self, value: Decimal) -> object:
        if self.yuan:
            value = value * WAN
        if self.v.get("amounts") == "text":
            places = max(2, -value.normalize().as_tuple().exponent)
            return f"{value:,.{places}f}"
        return int(value) if value == value.to_integral_value() else float(value)

    # -- layout
    def render(self) -> int:
        v, b = self.v, self.b
        stacked_bare = v.get("projects") == "bare" and not self.first
        if v.get("title") == "on" and not stacked_bare:
            title = "项目支出绩效目标表"
            if v.get("unit_at") == "title":
                title += f"（单位：{self.unit}）"
            self.cv.put(self.r, self.ctitle, title, span=self.width + self.c0 - self.ctitle)
            self.cv.roles[self.r] = "title"
            self.r += 1
        unit_in_fill = v.get("unit_at") in ("fill1", "fill2")
        if not stacked_bare:
            last = self.c0 + self.width - 1
            if v.get("unit_at") in ("line", "fill1", "fill2"):
                self.cv.roles[self.r] = "unit"
            if v.get("unit_at") == "line":
                self.cv.put(self.r, last, f"单位：{self.unit}")
                self.r += 1
            elif v.get("unit_at") == "fill1":
                self.cv.put(self.r, self.c0, f"{v.label('unit')}：{b.unit}        单位：{self.unit}", span=self.width)
                self.r += 1
            elif v.get("unit_at") == "fill2":
                self.cv.put(self.r, self.c0, f"{v.label('unit')}：{b.unit}", span=self.width - 1)
                self.cv.put(self.r, last, f"单位：{self.unit}")
                self.r += 1
        pairs: list[tuple[str, object, str | None]] = []  # (label, value, number format)
        if b.code:
            pairs.append((self.lab(FIXED_LABELS["code"]), b.code, None))
        pairs.append((self.lab(v.label("name")), _word_break(v, b.name, "value"), None))
        if not unit_in_fill:
            pairs.append((self.lab(v.label("unit")), _word_break(v, b.unit, "value"), None))
        if b.supervisor:
            pairs.append((self.lab(v.label("sup")), b.supervisor, None))
        if b.period:
            pairs.append((self.lab(v.label("period")), b.period, None))
        if b.category:
            pairs.append((self.lab(v.label("cat")), b.category, None))
        if v.on("ptype"):
            pairs.append((self.lab(FIXED_LABELS["project_type"]), PROJECT_TYPE, None))
        for key in ("project_type", "is_new", "allocation"):
            if getattr(b, key):
                pairs.append((self.lab(FIXED_LABELS[key]), getattr(b, key), None))
        fmt = "#,##0.00"
        if b.period_total is not None:
            pairs.append((self.lab(v.label("ptotal"), money=True), self.amount(b.period_total), fmt))
        pairs.append((self.lab(v.label("total"), money=True), self.amount(b.total), fmt))
        for key in ("fiscal", "carryover", "other"):
            val = getattr(b, key)
            if val is not None:
                pairs.append((self.lab(FIXED_LABELS[key], money=True), self.amount(val), fmt))
        self._pairs(pairs)
        texts = [(FIXED_LABELS["policy"], b.policy), (FIXED_LABELS["calc"], b.calc),
                 (v.label("goal"), b.goal), (v.label("pgoal"), b.period_goal)]
        for label, text in texts:
            if text:
                self._text(self.lab(label), text)
        self._table()
        return self.r

    def _pairs(self, pairs: list[tuple[str, object, str | None]]) -> None:
        v, c0, w, ls = self.v, self.c0, self.width, self.ls
        mv = v.on("mvalues")
        pos = v.get("pos")
        if pos == "beside":
            for label, value, fmt in pairs:
                self.cv.put(self.r, c0, label, span=ls, label=True)
                self.cv.put(self.r, c0 + ls, value, span=w - ls if mv else 1, fmt=fmt)
                self.r += 1
        elif pos == "pairs":
            half = w // 2
            for i in range(0, len(pairs), 2):
                for j, (label, value, fmt) in enumerate(pairs[i:i + 2]):
                    c = c0 + j * half
                    span = (half if j == 0 else w - half) - ls
                    self.cv.put(self.r, c, label, span=ls, label=True)
                    self.cv.put(self.r, c + ls, value, span=span if mv else 1, fmt=fmt)
                self.r += 1
        else:  # above: a row of labels, then the row of their values
            per = max(1, w // ls)
            for i in range(0, len(pairs), per):
                chunk = pairs[i:i + per]
                for j, (label, value, fmt) in enumerate(chunk):
                    c = c0 + j * ls
                    self.cv.put(self.r, c, label, span=ls, label=True)
                    self.cv.put(self.r + 1, c, value, span=ls, fmt=fmt)
                self.r += 2

    def _text(self, label: str, text: str) -> None:
        v, c0, w, ls = self.v, self.c0, self.width, self.ls
        if v.get("pos") == "above":
            self.cv.put(self.r, c0, label, span=w if v.on("mlabels") else 1, label=True)
            self.cv.put(self.r + 1, c0, text, span=w if v.on("mvalues") else 1)
            self.r += 2
        else:
            self.cv.put(self.r, c0, label, span=ls, label=True)
            self.cv.put(self.r, c0 + ls, text, span=w - ls if v.on("mvalues") else 1)
            self.r += 1

    def _header(self) -> None:
        v = self.v
        titles = {"seq": "序号", "level1": "一级指标", "level2": "二级指标", "name": "三级指标",
                  "value": v.label("value"), "note": v.label("note"), "basis": v.label("basis"),
                  "score": "分值", "weight": "权重"}
        if v.get("docx.head") == "two":
            # two header rows: 绩效指标 over the three level columns, the other titles merged down both rows
            for i, col in enumerate(self.cols):
                if col in ("level1", "level2", "name"):
                    self.cv.put(self.r + 1, self.ct + i, _word_break(v, titles[col]), label=True)
                else:
                    self.cv.put(self.r, self.ct + i, _word_break(v, titles[col]), label=True)
                    self.cv.vmerge(self.r, self.ct + i, self.r + 1)
            self.cv.put(self.r, self.ct + self.cols.index("level1"), "绩效指标", span=3, label=True)
            self.cv.roles[self.r] = self.cv.roles[self.r + 1] = "header"
            self.r += 2
            return
        for i, col in enumerate(self.cols):
            self.cv.put(self.r, self.ct + i, _word_break(v, titles[col]), label=True)
        self.cv.roles[self.r] = "header"
        self.r += 1

    def _table(self) -> None:
        v, b = self.v, self.b
        rows = [r for r in b.rows if v.on("na") or not r.na]
        broken = _broken_row(b) if v.on("broken") else None
        split_at = (len(rows) + 1) // 2 if v.on("split") else None
        short = v.on("short")
        col = {k: self.ct + i for i, k in enumerate(self.cols)}
        start = self.r
        if v.get("lead") == "section":
            self.cv.put(self.r, 0, "绩效指标")
        self._header()
        groups1: list[list[int]] = []  # [first row, last row] of each 一级 / 二级 run, for merging
        groups2: list[list[int]] = []
        prev: tuple[str, str] | None = None
        for i, row in enumerate(rows):
            seq = i + 1
            if split_at is not None and i == split_at:
                self.cv.roles[self.r] = "split"
                self.r += 1  # a page break: blank row, then the header again
                self._header()
                prev = None
            l1 = SHORT_NAMES.get(row.level1, row.level1) if short else row.level1
            l2 = SHORT_NAMES.get(row.level2, row.level2) if short else row.level2
            l2 = _word_break(v, l2, "value") if len(l2) >= 6 else l2
            new1 = prev is None or prev[0] != row.level1
            new2 = new1 or prev[1] != row.level2
            mode = v.get("levels")
            if mode == "repeat" or new1:
                self.cv.put(self.r, col["level1"], l1)
            if mode == "repeat" or new2:
                self.cv.put(self.r, col["level2"], l2)
            if new1:
                groups1.append([self.r, self.r])
            if new2:
                groups2.append([self.r, self.r])
            prev = (row.level1, row.level2)
            if "seq" in col:
                self.cv.put(self.r, col["seq"], seq)
            if row.na:
                na = v.get("na")
                self.cv.put(self.r, col["name"], "不适用")
                if na == "cells":
                    for k in ("value", "note", "basis"):
                        if k in col:
                            self.cv.put(self.r, col[k], "不适用")
            else:
                name = row.name
                if row is broken:
                    cut = len(name) // 2
                    name, rest = name[:cut], name[cut:]
                if row is _broken_row(b) and v.get("docx.brk") in ("para", "br"):
                    cut = len(name) // 2  # two paragraphs (or a line break) inside the one cell
                    name = name[:cut] + "\n" + name[cut:]
                self.cv.put(self.r, col["name"], name)
                self.cv.put(self.r, col["value"], row.value)
                for k in ("note", "basis"):
                    if k in col:
                        self.cv.put(self.r, col[k], getattr(row, k))
                if "score" in col:
                    self.cv.put(self.r, col["score"], 10)
                if "weight" in col:
                    self.cv.put(self.r, col["weight"], "10%")
                if row is broken:
                    self.r += 1
                    self.cv.put(self.r, col["name"], rest)
            groups1[-1][1] = self.r
            groups2[-1][1] = self.r
            self.r += 1
        if v.get("levels") == "merged":
            for a, z in groups1:
                self.cv.vmerge(a, col["level1"], z)
            for a, z in groups2:
                self.cv.vmerge(a, col["level2"], z)
        if v.get("lead") == "section":
            self.cv.vmerge(start, 0, self.r - 1)
        self.cv.tables.append((start, self.r - 1, self.ct))


def _footer(v: Variant, canvas: Canvas, r: int, width: int, c0: int) -> int:
    canvas.put(r, c0, REMARK, span=width)
    canvas.roles[r] = canvas.roles[r + 1] = "footer"
    r += 1
    canvas.put(r, c0, f"填表人：{FILLER}")
    canvas.put(r, c0 + 2, f"联系电话：{PHONE}")
    canvas.put(r, c0 + width - 1, f"填报日期：{FILL_DATE}")
    return r + 1


def _sheet_title(i: int, name: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", "", f"{i}.{name}")[:31]


def layout(v: Variant) -> list[tuple[str, Canvas]]:
    """The variant's sheets: (sheet title, canvas), one per project with ``projects=sheets``."""
    bases = projects_of(v)
    sheets = v.get("projects") == "sheets"
    out: list[tuple[str, Canvas]] = []
    canvas = Canvas()
    r = 0
    form = None
    for i, b in enumerate(bases):
        if sheets and i:
            canvas = Canvas()
            r = 0
        form = _Form(v, b, canvas, r, first=i == 0 or sheets)
        r = form.render()
        if sheets or i == len(bases) - 1:
            if v.on("footer"):
                r = _footer(v, canvas, r, form.width, form.c0)
        else:
            canvas.roles[r] = "gap"
            r += 1  # a blank row between stacked projects
        if sheets or i == len(bases) - 1:
            out.append((_sheet_title(i + 1, b.name) if sheets else "项目绩效目标", canvas))
    return out


def render(v: Variant, path: Path) -> Path:
    """Write the variant's projects at ``path``: an .xlsx, or a Word document when ``path`` ends in .docx."""
    if Path(path).suffix.lower() == ".docx":
        return render_docx(v, path)
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, canvas in layout(v):
        canvas.write(wb.create_sheet(title))
    wb.save(path)
    return path


# ------------------------------------------------------------------ Word rendering
# How Word forms differ from workbooks, and the kinds (``docx.*``) that write each difference:
#
# * everything is text: amounts are typed (``3000.00``, ``1,972,000.00``), so are sequence numbers;
# * the title, the ``单位：万元`` line and the footer are paragraphs around the table (``docx.pre``);
# * the form is one table, one table per project, a table broken in two at a page break with its
#   header row typed again, or a header table and an indicator table (``docx.tables``);
# * a cell is "broken over two lines" by pressing Enter: two paragraphs in one cell, or a line break
#   (``docx.brk``); narrow label columns get labels typed on two lines (年度资金⏎总额);
# * text is aligned with spaces: padded cells, labels spread with full-width spaces (项　目　名　称),
#   paragraphs indented with two full-width spaces (``docx.space``);
# * a row may start or end short of the table's grid (``w:gridBefore``/``w:gridAfter``) instead of
#   holding empty cells (``docx.before``);
# * text sits in several runs, in content controls (inline, around a table, around a row) or in
#   tracked insertions beside tracked deletions (``docx.runs``);
# * the indicator table is a table nested in one cell of the form's table (``docx.nest``).
DOCX_OLD_VALUE = "待定"  # the tracked deletion ``docx.runs=ins`` leaves beside each inserted value


@dataclass
class _WordTable:
    """A table to write: texts by (row, col), label cells, merges, nested tables by cell."""

    rows: int
    cols: int
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    labels: set[tuple[int, int]] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    nested: dict[tuple[int, int], list[_WordTable]] = field(default_factory=dict)
    in_table: set[int] = field(default_factory=set)  # rows of the indicator table (columns sized apart)


def _docx_text(value: object, fmt: str | None) -> str:
    if isinstance(value, str):
        return value
    if fmt:  # an amount typed as a number: at least two decimals, no thousands separators
        d = Decimal(str(value))
        return f"{d:.{max(2, -d.normalize().as_tuple().exponent)}f}"
    return str(value)


def _spread(v: Variant, text: str, label: bool) -> str:
    """``docx.space``: the spaces people type to align text in Word."""
    mode = v.get("docx.space")
    if mode == "pad":
        return "  " + text + " \t" if label else " " + text + "  "
    if mode == "fullwidth":
        if label and "\n" not in text:
            core, colon = re.match(r"(.*?)([:：]?)$", text, re.DOTALL).groups()
            if len(core) <= 6:
                return "\u3000".join(core) + colon
            return text
        if len(text) >= 20:
            return "\n".join("\u3000\u3000" + ln for ln in text.split("\n"))
        return text + "\u3000"
    return text


def _word_table(v: Variant, cv: Canvas, rows: list[int], c_from: int, c_to: int) -> _WordTable:
    """The canvas rows ``rows`` (ascending, contiguous runs) and columns [c_from, c_to) as a table."""
    index = {r: i for i, r in enumerate(rows)}
    t = _WordTable(len(rows), c_to - c_from)
    t.in_table = {index[r] for a, z, _ in cv.tables for r in range(a, z + 1) if r in index}
    for (r, c), value in cv.cells.items():
        if r in index and c_from <= c < c_to:
            t.texts[(index[r], c - c_from)] = _spread(v, _docx_text(value, cv.formats.get((r, c))), (r, c) in cv.labels)
            if (r, c) in cv.labels:
                t.labels.add((index[r], c - c_from))
    for r1, c1, r2, c2 in cv.merges:
        inside = [index[r] for r in range(r1, r2 + 1) if r in index]
        a, z = max(c1, c_from), min(c2, c_to - 1)
        if not inside or a > z:
            continue
        # a merge cut by a table break continues, empty, in the next table
        runs: list[list[int]] = []
        for i in inside:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            if len(run) > 1 or z > a:
                t.merges.append((run[0], a - c_from, run[-1], z - c_from))
    return t


def _docx_blocks(v: Variant, cv: Canvas) -> list:
    """The canvas as Word blocks: ("p", text, role) paragraphs and _WordTable tables, in order."""
    nrows = max((r for r, _ in cv.cells), default=-1) + 1
    ncols = max((c for _, c in cv.cells), default=-1) + 1
    for _, _, r2, c2 in cv.merges:
        nrows, ncols = max(nrows, r2 + 1), max(ncols, c2 + 1)
    covered = {r for r1, _, r2, _ in cv.merges for r in range(r1, r2 + 1)} | {r for r, _ in cv.cells}
    pre, tables, nest = v.get("docx.pre"), v.get("docx.tables"), v.on("docx.nest")
    starts = {a: (z, c) for a, z, c in cv.tables}
    blocks: list = []
    cur: list = []  # canvas rows, or ("nest", first, last, column) for an indicator table nested in one cell

    def flush() -> None:
        if cur:
            blocks.append(_outer_table(v, cv, list(cur), ncols, tables))
            cur.clear()

    r = 0
    while r < nrows:
        role = cv.roles.get(r)
        if pre == "para" and role in ("title", "unit", "footer"):
            flush()
            texts = [_docx_text(cv.cells[k], cv.formats.get(k)) for k in sorted(k for k in cv.cells if k[0] == r)]
            blocks.append(("p", "\t".join(texts), role))
            r += 1
            continue
        if r not in covered:  # a blank row
            if tables == "one" or (tables == "project" and role != "gap"):
                cur.append(r)
            else:
                flush()
                blocks.append(("p", "", "gap"))
            r += 1
            continue
        if r in starts and tables == "parts":
            flush()
        if r in starts and nest:
            last, ct = starts[r]
            cur.append(("nest", r, last, ct))
            r = last + 1
            continue
        cur.append(r)
        r += 1
    flush()
    return blocks


def _outer_table(v: Variant, cv: Canvas, rows: list, ncols: int, tables: str) -> _WordTable:
    plain = [r for r in rows if not isinstance(r, tuple)]
    if len(plain) == len(rows):
        return _word_table(v, cv, rows, 0, ncols)
    # rows of the outer table: canvas rows, and one row per nested indicator table
    t = _WordTable(len(rows), ncols)
    pos = 0
    while pos < len(rows):
        item = rows[pos]
        if isinstance(item, tuple):
            _, first, last, ct = item
            for c in range(ct):  # the lead column beside the nested table (绩效指标, or blank)
                if (first, c) in cv.cells:
                    t.texts[(pos, c)] = _spread(v, _docx_text(cv.cells[(first, c)], None), True)
            t.merges.append((pos, ct, pos, ncols - 1))
            inner = list(range(first, last + 1))
            parts: list[list[int]] = [[]]
            for r in inner:
                if cv.roles.get(r) == "split" and tables != "one":
                    parts.append([])  # the page break: a second nested table
                elif tables == "one" or any(k[0] == r for k in cv.cells):
                    parts[-1].append(r)
            width = max(c for (r, c) in cv.cells if first <= r <= last) + 1
            t.nested[(pos, ct)] = [_word_table(v, cv, part, ct, width) for part in parts if part]
            pos += 1
            continue
        run = []
        while pos < len(rows) and not isinstance(rows[pos], tuple):
            run.append(rows[pos])
            pos += 1
        sub = _word_table(v, cv, run, 0, ncols)
        off = pos - len(run)
        t.in_table.update(i + off for i in sub.in_table)
        t.texts.update({(i + off, c): x for (i, c), x in sub.texts.items()})
        t.labels.update((i + off, c) for i, c in sub.labels)
        t.merges += [(a + off, b, c + off, d) for a, b, c, d in sub.merges]
    return t


def _w(tag: str):
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _sdt(*children):
    """A content control (w:sdt) holding ``children``."""
    from lxml import etree

    sdt = etree.Element(_w("sdt"))
    pr = etree.SubElement(sdt, _w("sdtPr"))
    etree.SubElement(pr, _w("showingPlcHdr")).set(_w("val"), "0")
    content = etree.SubElement(sdt, _w("sdtContent"))
    for ch in children:
        content.append(ch)
    return sdt


def _write_paragraph(v: Variant, par, text: str, label: bool) -> None:
    """Text into an empty paragraph, as runs of the ``docx.runs`` kind."""
    from lxml import etree

    runs = v.get("docx.runs")
    if runs == "split":
        for i in range(0, len(text), 3):
            par.add_run(text[i:i + 3])
        return
    if runs == "ins" and not label and text.strip():
        p = par._p
        d = etree.SubElement(p, _w("del"), {_w("id"): "1", _w("author"): "审核人", _w("date"): "2024-01-01T00:00:00Z"})
        etree.SubElement(etree.SubElement(d, _w("r")), _w("delText")).text = DOCX_OLD_VALUE
        ins = etree.SubElement(p, _w("ins"), {_w("id"): "2", _w("author"): "审核人", _w("date"): "2024-01-01T00:00:00Z"})
        t = etree.SubElement(etree.SubElement(ins, _w("r")), _w("t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return
    run = par.add_run(text)
    if runs == "sdt" and not label and text.strip():
        r = run._r
        p = r.getparent()
        idx = p.index(r)
        p.remove(r)
        p.insert(idx, _sdt(r))


def _write_cell(v: Variant, cell, text: str, label: bool) -> None:
    lines = text.split("\n")
    first = cell.paragraphs[0]
    if v.get("docx.brk") == "br":
        for i, ln in enumerate(lines):
            if i:
                first.add_run().add_break()
            _write_paragraph(v, first, ln, label)
    else:
        _write_paragraph(v, first, lines[0], label)
        for ln in lines[1:]:
            _write_paragraph(v, cell.add_paragraph(), ln, label)
    if label and v.get("docx.runs") == "block":  # the label's paragraphs inside a block content control
        tc = cell._tc
        ps = [p for p in tc if p.tag == _w("p")]
        at = tc.index(ps[0])
        for p in ps:
            tc.remove(p)
        tc.insert(at, _sdt(*ps))


# ``docx.grid=uneven``: widths (in grid units) of the form's columns in the header block and in the
# indicator table; Word's layout grid is the union of all column edges, so cells span several grid columns
_HEAD_WIDTHS = (5, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3)
_TABLE_WIDTHS = (2, 3, 5, 3, 4, 3, 2, 2, 2, 2, 2, 2)


def _grid_columns(v: Variant, spec: _WordTable) -> tuple[int, list[list[tuple[int, int]]]]:
    """Word layout-grid columns: their number and, per row, each form column's [first, last] grid column."""
    if v.get("docx.grid") != "uneven":
        return spec.cols, [[(c, c) for c in range(spec.cols)] for _ in range(spec.rows)]
    total = max(sum(w[:spec.cols]) for w in (_HEAD_WIDTHS, _TABLE_WIDTHS))
    edges_by_row = []
    for i in range(spec.rows):
        widths = _TABLE_WIDTHS if i in spec.in_table else _HEAD_WIDTHS
        edges = [sum(widths[:c]) for c in range(spec.cols)] + [total]
        edges_by_row.append(edges)
    grid = sorted({e for edges in edges_by_row for e in edges})
    at = {e: k for k, e in enumerate(grid)}
    spans = [[(at[edges[c]], at[edges[c + 1]] - 1) for c in range(spec.cols)] for edges in edges_by_row]
    return len(grid) - 1, spans


def _add_table(v: Variant, container, spec: _WordTable):
    ncols, spans = _grid_columns(v, spec)
    table = container.add_table(rows=spec.rows, cols=ncols)
    table.style = "Table Grid"
    # table.cell() lays the whole grid out again on every call: take the cells once (merges are disjoint,
    # so the corner cells of one merge survive the others)
    cells = table._cells
    done: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in spec.merges:
        cells[r1 * ncols + spans[r1][c1][0]].merge(cells[r2 * ncols + spans[r2][c2][1]])
        done.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    for r in range(spec.rows):
        for c in range(spec.cols):
            a, z = spans[r][c]
            if z > a and (r, c) not in done:
                cells[r * ncols + a].merge(cells[r * ncols + z])
    cells = table._cells

    def cell(r: int, c: int):
        return cells[r * ncols + spans[r][c][0]]

    for (r, c), text in spec.texts.items():
        _write_cell(v, cell(r, c), text, (r, c) in spec.labels)
    for (r, c), subs in spec.nested.items():
        holder = cell(r, c)
        for i, sub in enumerate(subs):
            if i:
                holder.add_paragraph()
            _add_table(v, holder, sub)
    tbl = table._tbl
    if v.on("docx.before"):
        _short_rows(tbl, spec, ncols, spans)
    if v.get("docx.grid") == "hmerge":
        _hmerge(tbl)
    if v.get("docx.runs") == "block":
        trs = tbl.tr_lst
        for tr in trs[1::2]:  # every second row in a row content control
            at = tbl.index(tr)
            tbl.remove(tr)
            tbl.insert(at, _sdt(tr))
        parent = tbl.getparent()
        at = parent.index(tbl)
        parent.remove(tbl)
        parent.insert(at, _sdt(tbl))
    return table


def _hmerge(tbl) -> None:
    """``docx.grid=hmerge``: each cell spanning columns written the older way, as a w:hMerge restart cell
    followed by w:hMerge continuation cells (as in documents converted from old Word versions)."""
    import copy

    from lxml import etree

    for tc in list(tbl.iter(_w("tc"))):
        pr = tc.find(_w("tcPr"))
        span = None if pr is None else pr.find(_w("gridSpan"))
        if span is None:
            continue
        n = int(span.get(_w("val")))
        pr.remove(span)
        etree.SubElement(pr, _w("hMerge")).set(_w("val"), "restart")
        at = tc.getparent().index(tc)
        for k in range(1, n):
            cont = etree.Element(_w("tc"))
            cpr = etree.SubElement(cont, _w("tcPr"))
            etree.SubElement(cpr, _w("hMerge"))
            vm = pr.find(_w("vMerge"))
            if vm is not None:
                cpr.append(copy.deepcopy(vm))
            etree.SubElement(cont, _w("p"))
            tc.getparent().insert(at + k, cont)


def _short_rows(tbl, spec: _WordTable, ncols: int, spans: list[list[tuple[int, int]]]) -> None:
    """``docx.before=grid``: empty cells at a row's start or end become w:gridBefore / w:gridAfter."""
    from lxml import etree

    in_merge = {(r, c) for r1, c1, r2, c2 in spec.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for i, tr in enumerate(tbl.tr_lst):
        tcs = tr.tc_lst
        if len(tcs) != spec.cols:
            continue  # a row with horizontal merges keeps its cells
        filled = [c for c in range(spec.cols) if (i, c) in spec.texts or (i, c) in in_merge or (i, c) in spec.nested]
        if not filled:
            continue
        before, after = spans[i][filled[0]][0], ncols - 1 - spans[i][filled[-1]][1]
        if not before and not after:
            continue
        drop_after = spec.cols - 1 - filled[-1]
        for tc in tcs[:filled[0]] + (tcs[len(tcs) - drop_after:] if drop_after else []):
            tr.remove(tc)
        trpr = tr.get_or_add_trPr()
        for tag, n in (("gridAfter", after), ("gridBefore", before)):
            if n:
                el = etree.Element(_w(tag))
                el.set(_w("val"), str(n))
                trpr.insert(0, el)


def render_docx(v: Variant, path: Path) -> Path:
    """Write the variant's projects as a Word document at ``path``."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    doc = docx.Document()
    for n, (_, canvas) in enumerate(layout(v)):
        if n:  # one project per page, as a workbook would have one per sheet
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for block in _docx_blocks(v, canvas):
            if isinstance(block, _WordTable):
                _add_table(v, doc, block)
                continue
            _, text, role = block
            par = doc.add_paragraph()
            if text:
                _write_paragraph(v, par, text, label=True)
            if role == "title":
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif role == "unit":
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    """``python tests/layout_variants.py OUT.xlsx|OUT.docx BASE [kind=option ...]``: write one variant to look at."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[1] not in BASES:
        sys.stderr.write(f"usage: layout_variants.py OUT.xlsx|OUT.docx {{{'|'.join(BASES)}}} [kind=option ...]\n")
        return 2
    choices = dict(a.split("=", 1) for a in args[2:])
    unknown = [k for k, o in choices.items() if k not in ALL_KINDS or o not in ALL_KINDS[k]]
    if unknown:
        sys.stderr.write("unknown kind or option: " + ", ".join(unknown) + "\n")
        return 2
    v = make_variant(args[1], choices)
    render(v, Path(args[0]))
    sys.stdout.write(v.describe() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
