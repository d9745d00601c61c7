"""The template workbook's contract: sheet names, labels and column headers.

Writers (template, samples, importer output, annotated copies) and readers use
these definitions, so the two never drift apart.  Readers locate columns by
header text (any of a column's ``aliases``), never by position: users insert
columns and rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xl_jixiao import vocab

TEMPLATE_VERSION = "JX-2025.1"
"""Written into every template; readers report it and accept any ``JX-`` version."""

TEMPLATE_VERSION_LABEL = "模板版本"

SHEET_INSTRUCTIONS = "填表说明"
SHEET_UNIT = "单位信息"
SHEET_DEPT = "部门整体"
SHEET_PROJECTS = "项目信息"
SHEET_INDICATORS = "绩效指标"
SHEET_LISTS = "下拉列表"

TEMPLATE_SHEETS = (
    SHEET_INSTRUCTIONS,
    SHEET_UNIT,
    SHEET_DEPT,
    SHEET_PROJECTS,
    SHEET_INDICATORS,
    SHEET_LISTS,
)

HEADER_SEARCH_ROWS = 15
"""Readers look for a table's header row within this many top rows."""

DEPT_PROJECT_NAME = "部门整体"
"""Name used as the project of unit-level indicators in flat listings."""


@dataclass(frozen=True)
class Field:
    """One labelled field or table column.

    ``key`` is the model attribute it fills, ``header`` the label the template
    writes, ``aliases`` other labels real workbooks use for the same thing.
    """

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: float = 12
    required: bool = False
    money: bool = False
    percent: bool = False
    formula: bool = False  # written by the template as a formula; never read back as input

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def _v(section: str, key: str, header: str, *extra: str, **kw) -> Field:
    """A field whose other labels come from the shared vocabulary (``data/labels.json``)."""
    aliases = tuple(dict.fromkeys(x for x in (*extra, *vocab.labels(section, key)) if x != header))
    return Field(key, header, aliases, **kw)


@dataclass(frozen=True)
class Table:
    sheet: str
    title: str
    columns: tuple[Field, ...]
    header_row: int = 2  # where the template writes it; readers search for it
    key_columns: tuple[str, ...] = field(default=())  # a row is "started" when any of these is filled

    def column(self, key: str) -> Field:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def index(self, key: str) -> int:
        """1-based column index in the generated template."""
        for i, col in enumerate(self.columns, start=1):
            if col.key == key:
                return i
        raise KeyError(key)


# ---------------------------------------------------------------- unit info
# Label in column A, value in column B; readers find the label anywhere.
UNIT_FIELDS: tuple[Field, ...] = (
    _v("unit", "budget_year", "预算年度", required=True),
    _v("unit", "unit_name", "单位名称", required=True),
    _v("unit", "unit_code", "单位编码"),
    _v("unit", "supervisor", "主管部门"),
    _v("unit", "money_unit", "金额单位", "单位：万元"),
    _v("unit", "scheme", "指标体系"),
    _v("unit", "dept_scheme", "部门整体指标体系"),
    _v("unit", "filler", "填表人"),
    _v("unit", "phone", "联系电话"),
    _v("unit", "fill_date", "填报日期"),
    _v("unit", "head", "单位负责人"),
)

# ---------------------------------------------------------------- 部门整体
DEPT_FIELDS: tuple[Field, ...] = (
    _v("dept", "personnel", "人员经费", money=True),
    _v("dept", "public", "公用经费", money=True),
    _v("dept", "basic", "基本支出", money=True),
    _v("dept", "projects", "项目支出", money=True),
    _v("dept", "expense_total", "支出预算合计", money=True),
    _v("dept", "fiscal", "当年财政拨款", money=True),
    _v("dept", "carryover", "上年结转", money=True),
    _v("dept", "other", "其他资金", money=True),
    _v("dept", "income_total", "收入预算合计", money=True),
    _v("dept", "functions", "部门职能"),
    _v("dept", "goal", "整体绩效目标"),
)

# ---------------------------------------------------------------- indicators
INDICATOR_COLUMNS: tuple[Field, ...] = (
    Field("seq", "序号", width=6),
    _v("indicator", "project", "项目名称", width=24, required=True),
    _v("indicator", "level1", "一级指标", width=12, required=True),
    _v("indicator", "level2", "二级指标", width=16, required=True),
    _v("indicator", "name", "三级指标", width=30, required=True),
    _v("indicator", "op", "计算符号", width=9),
    _v("indicator", "value", "指标值", width=14, required=True),
    _v("indicator", "unit", "计量单位", width=10),
    _v("indicator", "note", "指标值说明", width=24),
    _v("indicator", "basis", "取值依据", width=12),
    Field("remark", "备注", width=16),
    Field("display", "指标值（显示）", width=16, formula=True),
    Field("check", "检查", width=18, formula=True),
)

INDICATORS = Table(
    sheet=SHEET_INDICATORS,
    title="绩效指标",
    columns=INDICATOR_COLUMNS,
    key_columns=("project", "level1", "level2", "name", "op", "value", "unit"),
)

DEPT_INDICATORS = Table(
    sheet=SHEET_DEPT,
    title="部门整体绩效指标",
    columns=tuple(c for c in INDICATOR_COLUMNS if c.key != "project"),
    header_row=0,  # placed below the budget block; readers search for it
    key_columns=("level1", "level2", "name", "op", "value", "unit"),
)

# ---------------------------------------------------------------- projects
PLAN_CHECKPOINTS: tuple[str, ...] = ("3月底", "6月底", "9月底", "12月底")
"""Default 资金支出计划 checkpoints (cumulative %); readers accept any 'N月底' header."""

PROJECT_COLUMNS: tuple[Field, ...] = (
    Field("seq", "序号", width=6),
    _v("project", "code", "项目编码", width=24),
    _v("project", "name", "项目名称", width=28, required=True),
    _v("project", "category", "项目类别", width=18),
    _v("project", "project_type", "项目类型", width=12),
    _v("project", "is_new", "是否新增项目", width=8),
    _v("project", "implementer", "实施单位", width=20, required=True),
    _v("project", "period", "实施期", width=14),
    _v("project", "allocation", "分配方式", width=12),
    _v("project", "period_total", "实施期资金总额", width=13, money=True),
    _v("project", "total", "年度资金总额", width=13, required=True, money=True),
    _v("project", "fiscal", "财政拨款", width=12, money=True),
    _v("project", "carryover", "上年结转", width=12, money=True),
    _v("project", "other", "其他资金", width=12, money=True),
    Field("sources_sum", "来源合计", width=12, money=True, formula=True),
    Field("difference", "差额", width=10, money=True, formula=True),
    _v("project", "purpose", "资金用途", width=24),
    _v("project", "policy_basis", "政策依据", width=30),
    _v("project", "calc_basis", "测算依据", width=30),
    _v("project", "annual_goal", "年度绩效目标", width=36, required=True),
    _v("project", "period_goal", "实施期绩效目标", width=30),
    *(Field(f"plan_{i}", f"支出进度{cp}", (cp, f"{cp}累计支出进度"), width=10, percent=True)
      for i, cp in enumerate(PLAN_CHECKPOINTS, start=1)),
    Field("remark", "备注", width=16),
    Field("check", "检查", width=18, formula=True),
)

PROJECTS = Table(
    sheet=SHEET_PROJECTS,
    title="项目信息",
    columns=PROJECT_COLUMNS,
    key_columns=("code", "name", "total", "fiscal", "annual_goal"),
)

MAX_PROJECT_ROWS = 300
MAX_INDICATOR_ROWS = 5000
MAX_DEPT_INDICATOR_ROWS = 100

# ---------------------------------------------------------------- vocabularies shown in dropdowns
OPS = ("≥", "＞", "＝", "＜", "≤", "定性")
MONEY_UNITS = ("万元", "元")
UNITS_OF_MEASURE = (
    "%", "个", "次", "人", "人次", "件", "项", "台", "套", "户", "家", "所", "条", "册", "份", "场", "期",
    "天", "日", "月", "年", "小时", "分钟", "秒", "工作日",
    "万元", "元", "万次", "万人", "平方米", "公里", "千米", "米", "吨", "亩", "公顷", "处", "层", "起", "批",
)
BASIS_CATEGORIES = ("计划标准", "行业标准", "历史标准", "预算支出标准", "其他标准")
