"""The template workbook's contract: sheet names, labels and column headers.

Writers (template, samples, importer output, annotated copies) and readers use
these definitions, so the two never drift apart.  Readers locate columns by
header text (any of a column's ``aliases``), never by position: users insert
columns and rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    Field("budget_year", "预算年度", ("年度",), required=True),
    Field("unit_name", "单位名称", ("单位", "预算单位", "部门名称"), required=True),
    Field("unit_code", "单位编码", ("单位代码", "预算单位编码")),
    Field("supervisor", "主管部门", ("主管部门及代码", "主管部门(及代码)", "主管部门（及代码）")),
    Field("money_unit", "金额单位", ("单位：万元", "资金单位")),
    Field("scheme", "指标体系"),
    Field("dept_scheme", "部门整体指标体系"),
    Field("filler", "填表人"),
    Field("phone", "联系电话"),
    Field("fill_date", "填报日期"),
    Field("head", "单位负责人", ("单位负责人签字", "负责人")),
)

# ---------------------------------------------------------------- 部门整体
DEPT_FIELDS: tuple[Field, ...] = (
    Field("personnel", "人员经费", money=True),
    Field("public", "公用经费", money=True),
    Field("basic", "基本支出", ("基本支出合计",), money=True),
    Field("projects", "项目支出", money=True),
    Field("expense_total", "支出预算合计", ("支出合计",), money=True),
    Field("fiscal", "当年财政拨款", ("财政拨款",), money=True),
    Field("carryover", "上年结转", ("上年结转结余", "上年结转资金"), money=True),
    Field("other", "其他资金", ("非财政拨款",), money=True),
    Field("income_total", "收入预算合计", ("收入合计",), money=True),
    Field("functions", "部门职能", ("部门职责", "单位职能")),
    Field("goal", "整体绩效目标", ("总体目标", "年度总体目标", "部门整体绩效目标")),
)

# ---------------------------------------------------------------- indicators
INDICATOR_COLUMNS: tuple[Field, ...] = (
    Field("seq", "序号", width=6),
    Field("project", "项目名称", ("所属项目", "项目"), width=24, required=True),
    Field("level1", "一级指标", width=12, required=True),
    Field("level2", "二级指标", width=16, required=True),
    Field("name", "三级指标", ("指标名称", "三级指标名称"), width=30, required=True),
    Field("op", "计算符号", ("符号",), width=9),
    Field("value", "指标值", ("指标目标值", "目标值", "指标值（包含数字及文字描述）"), width=14, required=True),
    Field("unit", "计量单位", ("度量单位", "单位"), width=10),
    Field("note", "指标值说明", ("绩效指标描述", "指标解释", "说明"), width=24),
    Field("basis", "取值依据", ("指标值确定依据", "绩效标准", "评(扣)分标准"), width=12),
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
    Field("code", "项目编码", width=24),
    Field("name", "项目名称", ("项目支出名称", "二级项目名称"), width=28, required=True),
    Field("category", "项目类别", ("一级项目", "一级项目名称", "项目类型"), width=18),
    Field("implementer", "实施单位", width=20, required=True),
    Field("period", "实施期", ("项目期限", "实施周期"), width=14),
    Field("total", "年度资金总额", ("资金总额", "年度资金总额："), width=13, required=True, money=True),
    Field("fiscal", "财政拨款", ("当年财政拨款", "其中：财政拨款"), width=12, money=True),
    Field("carryover", "上年结转", ("上年结转资金", "上年结转结余"), width=12, money=True),
    Field("other", "其他资金", ("非财政拨款",), width=12, money=True),
    Field("sources_sum", "来源合计", width=12, money=True, formula=True),
    Field("difference", "差额", width=10, money=True, formula=True),
    Field("purpose", "资金用途", ("资金使用范围",), width=24),
    Field("annual_goal", "年度绩效目标", ("年度总体目标", "总体目标", "年度目标"), width=36, required=True),
    Field("period_goal", "实施期绩效目标", ("实施期目标",), width=30),
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
