"""The template workbook: sheets, dropdowns, formulas, in-sheet checks, protection.

Everything a filler needs works without Python: cascading dropdowns (one defined
name per 一级 + ``INDIRECT``), totals and a 检查 column per row (plain functions:
``IF``, ``SUM``, ``COUNTIF``, ``MATCH``, ``INDIRECT``), and conditional formats
that colour the offending cell.  No dynamic arrays, no ``_xlfn`` functions, so the
file behaves the same in Excel 2010+, WPS and LibreOffice.

Light workbooks: dropdowns, validations and conditional formats are one rule per range
over a table's whole capacity, while the per-row formula columns (检查, 指标值（显示）,
来源合计, 差额) are written for a bounded number of rows (:func:`table_rows`): a unit's
usual load in a blank template, the filled rows plus a margin in a written one.  The
problem count above 检查 also covers the rows below them (:func:`rows_bad_formula`).

Positions (others rely on them; all derived from :mod:`xl_jixiao.layout`):

* 单位信息: title in row 1, ``项目 | 填写内容 | 说明`` header in row 2, one row per
  ``UNIT_FIELDS`` entry from row 3 (label in A, value in B), then 模板版本.
* 部门整体: title in row 1, one row per ``DEPT_FIELDS`` entry from row 2 (label
  in A, value in B, verdict in C), the indicator table's title in row
  ``DEPT_INDICATOR_HEADER_ROW - 1``, its header in ``DEPT_INDICATOR_HEADER_ROW``,
  data below for ``MAX_DEPT_INDICATOR_ROWS`` rows.
* 项目信息 / 绩效指标: title and totals in row 1, header in ``Table.header_row``
  (row 2), data from row 3.  The totals of 项目信息 sit in row 1 above their
  columns, so nothing below the data rows is ever read as a project.
* 填表说明: instructions; ``模板版本`` label in A2 with the version in B2.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from xl_jixiao import layout as L
from xl_jixiao import printing
from xl_jixiao.money import normalize_money_unit
from xl_jixiao.schemes import Scheme, all_schemes, get_scheme
from xl_jixiao.template.io import register_filled_formula

# ------------------------------------------------------------------ positions
UNIT_FIRST_ROW = 3
"""Row of the first ``UNIT_FIELDS`` entry on 单位信息."""
DEPT_FIRST_ROW = 2
"""Row of the first ``DEPT_FIELDS`` entry on 部门整体."""
DEPT_INDICATOR_HEADER_ROW = DEPT_FIRST_ROW + len(L.DEPT_FIELDS) + 1
"""Header row of the 部门整体 indicator table (within ``HEADER_SEARCH_ROWS``)."""
VERSION_CELL = "B2"
"""Cell on 填表说明 holding ``TEMPLATE_VERSION`` (label ``模板版本`` in A2)."""

DEPT_TOTAL_FORMULAS = {
    "basic": ("personnel", "public"),
    "expense_total": ("basic", "projects"),
    "income_total": ("fiscal", "carryover", "other"),
}
"""部门整体 totals the template computes: key → the keys it adds up."""

DEPT_TEXT_KEYS = ("functions", "goal")


def first_data_row(table: L.Table) -> int:
    return header_row(table) + 1


def header_row(table: L.Table) -> int:
    return DEPT_INDICATOR_HEADER_ROW if table is L.DEPT_INDICATORS else table.header_row


def max_rows(table: L.Table) -> int:
    if table is L.PROJECTS:
        return L.MAX_PROJECT_ROWS
    if table is L.INDICATORS:
        return L.MAX_INDICATOR_ROWS
    return L.MAX_DEPT_INDICATOR_ROWS


FORMULA_ROWS = {L.SHEET_PROJECTS: 60, L.SHEET_INDICATORS: 300, L.SHEET_DEPT: 30}
"""Rows whose formula columns (检查, 指标值（显示）, 来源合计, 差额) a blank template carries.

A unit's usual load is about 10 projects × 15 indicators: 60 projects and 300 indicator rows leave
room for several times that.  Rows below still have their dropdowns, validations and coloured
checks (whole-column rules, nothing stored per row), and the problem count above 检查 covers them."""

FORMULA_MARGIN = {L.SHEET_PROJECTS: 10, L.SHEET_INDICATORS: 50, L.SHEET_DEPT: 10}
"""Formula rows a written workbook (an imported form, a sample) carries below its filled rows:
room for a few more projects and their indicators before the whole-range rules take over."""


@dataclass(frozen=True)
class TableRows:
    """Where a table's rows are: data from ``first``; formula columns written down to
    ``formulas``; dropdowns, validations, coloured checks, totals and the problem count
    down to ``last`` (the capacity)."""

    first: int
    formulas: int
    last: int


def table_rows(table: L.Table, filled: int | None = None) -> TableRows:
    """Rows of ``table`` in a workbook written with ``filled`` data rows (``None``: a blank template)."""
    first = first_data_row(table)
    n = FORMULA_ROWS[table.sheet] if filled is None else filled + FORMULA_MARGIN[table.sheet]
    return TableRows(first, first + n - 1, first + max(max_rows(table), n) - 1)


def last_data_row(table: L.Table, filled: int | None = None) -> int:
    """Last row the template's validations, coloured checks and totals cover."""
    return table_rows(table, filled).last


def col(table: L.Table, key: str) -> str:
    """Column letter of ``key`` in ``table`` as the template writes it."""
    return get_column_letter(table.index(key))


def unit_row(key: str) -> int:
    return UNIT_FIRST_ROW + [f.key for f in L.UNIT_FIELDS].index(key)


def dept_row(key: str) -> int:
    return DEPT_FIRST_ROW + [f.key for f in L.DEPT_FIELDS].index(key)


def unit_value_cell(key: str) -> str:
    return f"B{unit_row(key)}"


def dept_value_cell(key: str) -> str:
    return f"B{dept_row(key)}"


def _abs(sheet: str, ref: str) -> str:
    return f"{quote_sheetname(sheet)}!{ref}"


MONEY_UNIT_REF = _abs(L.SHEET_UNIT, f"$B${unit_row('money_unit')}")
TOLERANCE = f'IF({MONEY_UNIT_REF}="元",0.5,0.005)'
"""Half of the last printed digit: 0.005 万元, or 0.5 元 in a 元 form."""

# ------------------------------------------------------------------ styles
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FORMULA_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_FONT = printing.font(heading=True, size=14)
HEADER_FONT = printing.font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LABEL = Alignment(vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
MONEY_FORMAT = printing.MONEY_FORMAT
PERCENT_FORMAT = "0%"

MONEY_WIDTH = {"万元": 14, "元": 17}
"""Width of money columns: the totals of 300 rows in 元 run to hundreds of millions (``###`` otherwise)."""

BLANK_PRINT_ROWS = {L.SHEET_PROJECTS: 10, L.SHEET_INDICATORS: 30, L.SHEET_DEPT: 15}
"""Empty rows printed by a template nobody has filled yet (a blank form, not 5,000 formula rows)."""

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
EMPTY_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")

OK = "正常"
ALL_OK = "全部正常"
ROWS_BAD = " 行有问题"

# Verdicts of the 检查 columns (the same conditions colour the cells).
V_L1 = "一级指标不在指标体系中"
V_L2 = "二级指标与一级不匹配"
V_PROJECT = "项目名称不在项目信息表中"
V_NO_UNIT = "缺少计量单位"
V_MONEY = "资金不平衡"
V_MONEY_TEXT = "金额不是数字"
V_PLAN = "支出计划有误"


@dataclass(frozen=True)
class TemplateOptions:
    scheme: Scheme
    dept_scheme: Scheme
    year: int | None
    money_unit: str
    filled: Mapping[str, int] | None = None
    """Data rows the workbook will hold, by sheet; ``None`` for a blank template."""

    def rows(self, table: L.Table) -> TableRows:
        return table_rows(table, None if self.filled is None else self.filled.get(table.sheet, 0))


# ------------------------------------------------------------------ formula pieces
def _started(table: L.Table, r: int | str) -> str:
    cells = ",".join(f"${col(table, k)}{r}" for k in table.key_columns)
    return f"COUNTA({cells})>0"


def _is_number_without_unit(value: str, unit: str) -> str:
    return f'AND({unit}="",{value}<>"",ISNUMBER(FIND(RIGHT({value},1),"0123456789")))'


def _plan_bad(r: int | str) -> str:
    """Spending plan: non-numeric, outside 0–100%, decreasing (blank checkpoints skipped),
    or 12月底 not 100%."""
    cps = [f"${col(L.PROJECTS, f'plan_{i}')}{r}" for i in range(1, len(L.PLAN_CHECKPOINTS) + 1)]
    rng = f"{cps[0]}:{cps[-1]}"
    steps = ",".join(f'AND({a}<>"",{b}<>"",{b}<{a})' for i, a in enumerate(cps) for b in cps[i + 1:])
    return (f"OR(COUNTA({rng})>COUNT({rng}),AND(COUNT({rng})>0,OR(MIN({rng})<0,MAX({rng})>1,"
            f"ABS(N({cps[-1]})-1)>0.0001,{steps})))")


def _money_bad(r: int | str) -> str:
    g = f"${col(L.PROJECTS, 'total')}{r}"
    h, j = f"${col(L.PROJECTS, 'fiscal')}{r}", f"${col(L.PROJECTS, 'other')}{r}"
    return f"AND(ISNUMBER({g}),COUNT({h}:{j})=COUNTA({h}:{j}),ABS({g}-SUM({h}:{j}))>{TOLERANCE})"


def _money_text(r: int | str) -> str:
    g, j = f"${col(L.PROJECTS, 'total')}{r}", f"${col(L.PROJECTS, 'other')}{r}"
    return f"COUNT({g}:{j})<COUNTA({g}:{j})"


def _nested(cases: list[tuple[str, str]], last: str) -> str:
    out = f'"{last}"'
    for cond, verdict in reversed(cases):
        out = f'IF({cond},"{verdict}",{out})'
    return out


def project_check_formula(r: int | str) -> str:
    c = lambda k: f"${col(L.PROJECTS, k)}{r}"  # noqa: E731
    cases = [(f'{c(f.key)}=""', f"缺少{f.header}") for f in L.PROJECT_COLUMNS if f.required]
    cases += [(_money_text(r), V_MONEY_TEXT), (_money_bad(r), V_MONEY), (_plan_bad(r), V_PLAN)]
    return f'=IF(NOT({_started(L.PROJECTS, r)}),"",{_nested(cases, OK)})'


def indicator_check_formula(table: L.Table, r: int | str, names: dict[str, str]) -> str:
    c = lambda k: f"${col(table, k)}{r}"  # noqa: E731
    cases = [(f'{c(f.key)}=""', f"缺少{f.header}") for f in table.columns if f.required]
    cases.append((f"COUNTIF({names['l1']},{c('level1')})=0", V_L1))
    cases.append((f'COUNTIF({names["pairs"]},{c("level1")}&"|"&{c("level2")})=0', V_L2))
    if table is L.INDICATORS:
        cases.append((f"COUNTIF(JX_PROJECTS,{c('project')})=0", V_PROJECT))
    cases.append((_is_number_without_unit(c("value"), c("unit")), V_NO_UNIT))
    return f'=IF(NOT({_started(table, r)}),"",{_nested(cases, OK)})'


def display_formula(table: L.Table, r: int | str) -> str:
    """指标值（显示）: symbol + value + unit as the printed form shows it."""
    op, v, u = (f"${col(table, k)}{r}" for k in ("op", "value", "unit"))
    return (f'=IF({v}="","",IF(OR({op}="",{op}="定性"),"",{op})&{v}'
            f'&IF(OR({u}="",RIGHT({v},LEN({u}))={u}),"",{u}))')


def sources_sum_formula(r: int | str) -> str:
    h, j = f"{col(L.PROJECTS, 'fiscal')}{r}", f"{col(L.PROJECTS, 'other')}{r}"
    return f'=IF(NOT({_started(L.PROJECTS, r)}),"",SUM({h}:{j}))'


def difference_formula(r: int | str) -> str:
    g, k = f"{col(L.PROJECTS, 'total')}{r}", f"{col(L.PROJECTS, 'sources_sum')}{r}"
    return f'=IF(OR(NOT(ISNUMBER({g})),NOT(ISNUMBER({k}))),"",{g}-{k})'


def _span(table: L.Table, key: str, first: int, last: int) -> str:
    c = col(table, key)
    return f"${c}{first}:${c}{last}"


def _number(cells: str) -> str:
    """The numbers among ``cells``, 0 for blanks and text (array form: no #VALUE! from text)."""
    return f"IF(ISNUMBER({cells}),{cells},0)"


def _not_number(cells: str) -> str:
    """1 for each filled cell of ``cells`` that is not a number."""
    return f"((LEN({cells})>0)-ISNUMBER({cells}))"


def rows_bad_formula(table: L.Table, first: int, last: int, names: dict[str, str] | None = None) -> str:
    """How many rows first…last have a problem the 检查 column would report: the same
    conditions in array form (an array formula: plain functions, ``IF`` over arrays, no
    dynamic arrays), for rows that carry no 检查 formula of their own."""
    s = lambda key: _span(table, key, first, last)  # noqa: E731
    started = "&".join(s(k) for k in table.key_columns)
    problems = [f'({s(f.key)}="")' for f in table.columns if f.required]
    if table is L.PROJECTS:
        money = [s(k) for k in ("total", "fiscal", "carryover", "other")]
        g, sources = money[0], money[1:]
        problems.append("(" + "+".join(_not_number(x) for x in money) + ">0)")
        problems.append(f"ISNUMBER({g})*(ABS({_number(g)}-" + "-".join(_number(x) for x in sources)
                        + f")>{TOLERANCE})")
        cps = [s(f"plan_{i}") for i in range(1, len(L.PLAN_CHECKPOINTS) + 1)]
        steps = "+".join(f"(LEN({a})>0)*(LEN({b})>0)*({_number(b)}<{_number(a)})"
                         for i, a in enumerate(cps) for b in cps[i + 1:])
        problems.append("(" + "+".join(_not_number(x) for x in cps) + ">0)")
        problems.append("(" + "+".join(f"ISNUMBER({x})" for x in cps) + ">0)*("
                        + "+".join(f"({_number(x)}<0)+({_number(x)}>1)" for x in cps)
                        + f"+(ABS({_number(cps[-1])}-1)>0.0001)+{steps}>0)")
    else:
        assert names is not None
        c1, c2, v, u = s("level1"), s("level2"), s("value"), s("unit")
        problems.append(f"(COUNTIF({names['l1']},{c1})=0)")
        problems.append(f'(COUNTIF({names["pairs"]},{c1}&"|"&{c2})=0)')
        if table is L.INDICATORS:
            problems.append(f"(COUNTIF(JX_PROJECTS,{s('project')})=0)")
        problems.append(f'({u}="")*(LEN({v})>0)*ISNUMBER(FIND(RIGHT({v},1),"0123456789"))')
    keys = ",".join(s(k) for k in table.key_columns)
    # A blank tail (the usual case) costs one COUNTA: IF evaluates only the branch it takes.
    return f"IF(COUNTA({keys})=0,0,SUM((LEN({started})>0)*(({'+'.join(problems)})>0)))"


def check_summary_formula(table: L.Table, rows: TableRows | None = None, names: dict[str, str] | None = None) -> str:
    """Row 1 above the 检查 column: how many rows have a problem — the 检查 verdicts of the
    formula rows, plus the same conditions over the rows below them (see :func:`rows_bad_formula`)."""
    rows = rows or table_rows(table)
    c = col(table, "check")
    rng = f"{c}{rows.first}:{c}{rows.formulas}"
    bad = f'COUNTIF({rng},"?*")-COUNTIF({rng},"{OK}")'
    if rows.last > rows.formulas:
        bad += "+" + rows_bad_formula(table, rows.formulas + 1, rows.last, names)
    return f'=IF(({bad})=0,"{ALL_OK}",({bad})&"{ROWS_BAD}")'


def dept_total_formula(key: str) -> str:
    parts = "+".join(f"N({dept_value_cell(k)})" for k in DEPT_TOTAL_FORMULAS[key])
    return f"={parts}"


def dept_check_formula(key: str) -> str | None:
    """Verdict beside a 部门整体 amount (column C)."""
    b = dept_value_cell(key)
    tol = TOLERANCE
    label = {f.key: f.header for f in L.DEPT_FIELDS}
    if key in DEPT_TOTAL_FORMULAS:
        parts = DEPT_TOTAL_FORMULAS[key]
        text = "＋".join(label[k] for k in parts)
        cond = f"ABS(N({b})-({dept_total_formula(key)[1:]}))>{tol}"
        if key == "income_total":
            e = dept_value_cell("expense_total")
            return (f'=IF({b}="","",IF({cond},"{label[key]}≠{text}",'
                    f'IF(ABS(N({b})-N({e}))>{tol},"收入合计≠支出合计","{OK}")))')
        return f'=IF({b}="","",IF({cond},"{label[key]}≠{text}","{OK}"))'
    if key == "projects":
        tot = _abs(L.SHEET_PROJECTS, f"${col(L.PROJECTS, 'total')}$1")
        return (f'=IF({b}="","",IF(AND(N({tot})<>0,ABS(N({b})-N({tot}))>{tol}),'
                f'"与项目信息表合计不符","{OK}"))')
    if key in ("personnel", "public", "fiscal", "carryover", "other"):
        return f'=IF({b}="","",IF(ISNUMBER({b}),"{OK}","{V_MONEY_TEXT}"))'
    return None


# ------------------------------------------------------------------ builder
def resolve_scheme(scheme: str | Scheme | None, kind: str | None = None) -> Scheme:
    """A scheme by id, alias or name (``None``: 2021); a ``UserError`` when unknown or of another kind."""
    from xl_jixiao.errors import UserError

    if isinstance(scheme, Scheme):
        s = scheme
    else:
        try:
            s = get_scheme(scheme)
        except KeyError as exc:
            raise UserError(str(exc.args[0])) from None
    if kind is not None and s.kind != kind:
        ids = "、".join(x.id for x in all_schemes().values() if x.kind == kind)
        raise UserError(f"指标体系 {s.id} 不能用于项目指标（可用：{ids}）")
    return s


def build_template(scheme: str | Scheme | None = "2021", year: int | None = None,
                   money_unit: str = "万元", dept_scheme: str | Scheme | None = None,
                   filled: Mapping[str, int] | None = None) -> Workbook:
    """A fresh template workbook for ``scheme`` (the 部门整体 table uses ``dept_scheme``,
    by default the same scheme).

    ``filled`` (data rows by sheet name) is for a writer about to fill the workbook: its formula
    columns then reach ``FORMULA_MARGIN`` rows below the filled ones instead of a blank template's
    ``FORMULA_ROWS``, and its capacity grows when the rows exceed it."""
    s = resolve_scheme(scheme, kind="project")
    d = resolve_scheme(dept_scheme) if dept_scheme else s
    mu = normalize_money_unit(money_unit)
    if mu is None:
        from xl_jixiao.errors import UserError

        raise UserError(f"金额单位只能是 万元 或 元，而不是「{money_unit}」")
    opts = TemplateOptions(s, d, year, mu, None if filled is None else dict(filled))
    wb = Workbook()
    printing.use_house_fonts(wb)
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in L.TEMPLATE_SHEETS}
    names = _lists_sheet(wb, sheets[L.SHEET_LISTS], opts)
    _instructions_sheet(sheets[L.SHEET_INSTRUCTIONS], opts)
    _unit_sheet(sheets[L.SHEET_UNIT], opts)
    _dept_sheet(sheets[L.SHEET_DEPT], opts, names)
    _projects_sheet(sheets[L.SHEET_PROJECTS], opts)
    _indicator_table(sheets[L.SHEET_INDICATORS], L.INDICATORS, names["project"], opts.rows(L.INDICATORS))
    setattr(wb, _ROWS_ATTR, {t.sheet: opts.rows(t) for t in (L.PROJECTS, L.INDICATORS, L.DEPT_INDICATORS)})
    wb.active = wb.sheetnames.index(L.SHEET_UNIT)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == L.SHEET_UNIT
    return wb


_ROWS_ATTR = "_jx_table_rows"


def built_rows(wb: Workbook, table: L.Table) -> TableRows:
    """The rows of ``table`` in ``wb`` as :func:`build_template` laid them out
    (a blank template's when ``wb`` was not built here)."""
    return (getattr(wb, _ROWS_ATTR, None) or {}).get(table.sheet) or table_rows(table)


ROW = "#R#"
"""Placeholder row in a formula pattern; see :func:`_formula_column`."""


def _formula_column(ws, column: int, first: int, last: int, pattern: str) -> None:
    """Write ``pattern`` (with ``ROW`` for the row number) into rows first…last, shaded.

    The column is registered so that saving stores it as one shared formula, as Excel
    does for a filled-down formula (see :mod:`xl_jixiao.template.io`).
    """
    proto = ws.cell(first, column)
    proto.fill = FORMULA_FILL
    proto.border = BORDER
    proto.alignment = WRAP
    proto.number_format = ws.column_dimensions[get_column_letter(column)].number_format or "General"
    style = proto._style
    for r in range(first, last + 1):
        c = ws.cell(r, column)
        c.value = pattern.replace(ROW, str(r))
        c._style = copy(style)
    register_filled_formula(ws, get_column_letter(column), first, last, pattern)


def list_names(table: L.Table) -> dict[str, str]:
    """Defined names of an indicator table's vocabularies: the 一级 list (``l1``), the prefix
    of the per-一级 二级 lists (``l2`` + 1-based position of the 一级), the ``一级|二级`` pairs."""
    p = "L" if table is L.INDICATORS else "D"
    return {"l1": f"JX_{p}1", "l2": f"JX_{p}2_", "pairs": f"JX_{p}PAIRS"}


def _define(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _lists_sheet(wb: Workbook, ws, opts: TemplateOptions) -> dict[str, dict[str, str]]:
    """Write every vocabulary as one column (title in row 1) and name each range."""
    ws.sheet_state = "hidden"
    columns: list[tuple[str, str, list[str]]] = []  # (defined name, title, values)

    def tree(table: L.Table, sch: Scheme, label: str) -> dict[str, str]:
        names = list_names(table)
        l1 = sch.level1_names()
        columns.append((names["l1"], f"{label}一级指标", l1))
        for i, name in enumerate(l1, start=1):
            columns.append((f"{names['l2']}{i}", name, sch.level2_names(name)))
        pairs = [f"{a}|{b}" for a in l1 for b in sch.level2_names(a)]
        columns.append((names["pairs"], f"{label}一级|二级", pairs))
        return names

    project = tree(L.INDICATORS, opts.scheme, "项目")
    dept = tree(L.DEPT_INDICATORS, opts.dept_scheme, "部门整体")
    schemes = all_schemes().values()
    columns += [
        ("JX_OPS", "计算符号", list(L.OPS)),
        ("JX_UNITS", "计量单位", list(L.UNITS_OF_MEASURE)),
        ("JX_BASIS", "取值依据", list(L.BASIS_CATEGORIES)),
        ("JX_MONEY_UNITS", "金额单位", list(L.MONEY_UNITS)),
        ("JX_SCHEMES", "指标体系", [x.name for x in schemes if x.kind == "project"]),
        ("JX_DEPT_SCHEMES", "部门整体指标体系", [x.name for x in schemes]),
    ]
    for i, (name, title, values) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.cell(1, i, title).font = HEADER_FONT
        for r, v in enumerate(values, start=2):
            ws.cell(r, i, v)
        last = max(2, 1 + len(values))
        _define(wb, name, _abs(L.SHEET_LISTS, f"${letter}$2:${letter}${last}"))
        ws.column_dimensions[letter].width = 18
    p = opts.rows(L.PROJECTS)
    name = col(L.PROJECTS, "name")
    _define(wb, "JX_PROJECTS", _abs(L.SHEET_PROJECTS, f"${name}${p.first}:${name}${p.last}"))
    ws.protection.sheet = True
    return {"project": project, "dept": dept}


def _title(ws, text: str) -> None:
    ws.cell(1, 1, text).font = TITLE_FONT
    ws.cell(1, 1).alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 26


_STYLES_ATTR = "_jx_styles"


def _set_style(target, wb: Workbook, **attrs) -> None:
    """Give a cell or column that has no style yet the style ``attrs`` (module constants and
    number formats only: they are told apart by identity).  openpyxl hashes every style object it
    is handed, so each combination is built once per workbook and copied after that."""
    cache = getattr(wb, _STYLES_ATTR, None)
    if cache is None:
        cache = {}
        setattr(wb, _STYLES_ATTR, cache)
    key = tuple(sorted((k, v if isinstance(v, str) else id(v)) for k, v in attrs.items()))
    style = cache.get(key)
    if style is None:
        for name, value in attrs.items():
            setattr(target, name, value)
        cache[key] = copy(target._style)
    else:
        target._style = copy(style)


def _header_cell(cell, text: str) -> None:
    cell.value = text
    _set_style(cell, cell.parent.parent, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTER, border=BORDER)


NO_BORDER = Alignment(vertical="center")
"""Style of the empty cells around a table: an explicit style, so the columns' bordered style
does not draw a grid above the table's header."""


def _plain_above_header(ws, table: L.Table) -> None:
    for r in range(1, header_row(table)):
        for i in range(1, len(table.columns) + 1):
            c = ws.cell(r, i)
            if not c.has_style and ws.column_dimensions[get_column_letter(i)].border is not None:
                c.alignment = NO_BORDER


def _protect(ws) -> None:
    """Protect the structure without a password; unlocked cells stay editable."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.formatCells = False
    p.insertRows = False
    p.deleteRows = False
    p.sort = False
    p.autoFilter = False


def _common_checks(ws, t: L.Table, rows: TableRows, names: dict[str, str] | None = None) -> None:
    """Required cells empty in a started row (yellow); 检查 verdicts other than 正常 (red);
    the problem count above the 检查 column."""
    first, last = rows.first, rows.last
    started = _started(t, first)
    for f in t.columns:
        if f.required:
            c = col(t, f.key)
            _cf(ws, f"{c}{first}:{c}{last}", f'AND({started},{c}{first}="")', EMPTY_FILL)
    c = col(t, "check")
    _cf(ws, f"{c}{first}:{c}{last}", f'AND({c}{first}<>"",{c}{first}<>"{OK}")', ERROR_FILL, ERROR_FONT)
    _check_summary(ws, t, rows, names)


def _check_summary(ws, table: L.Table, rows: TableRows, names: dict[str, str] | None) -> None:
    if table is L.DEPT_INDICATORS:
        return  # row 1 of 部门整体 is its title; the table is short
    ref = f"{col(table, 'check')}1"
    # An array formula (entered with Ctrl+Shift+Enter in Excel 2010, WPS and LibreOffice alike):
    # the count over the rows without 检查 formulas takes IF over arrays.
    c = ws.cell(1, table.index("check"), ArrayFormula(ref, check_summary_formula(table, rows, names)))
    c.font = HEADER_FONT
    c.fill = FORMULA_FILL
    c.alignment = Alignment(horizontal="center", vertical="center")
    _cf(ws, ref, f'{ref}<>"{ALL_OK}"', ERROR_FILL, ERROR_FONT)


def set_print_area(ws, table: L.Table, rows: int = 0) -> None:
    """Print the title, the header and ``rows`` data rows (a blank form's rows when none):
    a static range, which every engine honours (a formula print area is ignored by
    LibreOffice and dropped by openpyxl).  Writers that add rows call it again."""
    n = rows if rows > 0 else BLANK_PRINT_ROWS[table.sheet]
    last = first_data_row(table) + n - 1
    ws.print_area = f"A1:{get_column_letter(len(table.columns))}{last}"


def table_rows_in_use(ws, table: L.Table) -> int:
    """Data rows of ``table`` on ``ws`` up to the last one with any key column filled
    (key columns found by their header text, as readers find them)."""
    h, first = header_row(table), first_data_row(table)
    header = {str(c.value).strip(): c.column for c in ws[h] if c.value not in (None, "")}
    keys = [header[lbl] for k in table.key_columns for lbl in table.column(k).labels if lbl in header]
    if not keys:
        return 0
    last = 0
    for r, values in enumerate(ws.iter_rows(min_row=first, max_col=max(keys), values_only=True), start=first):
        if any(values[k - 1] not in (None, "") for k in keys):
            last = r - first + 1
    return last


def refresh_print_areas(wb) -> None:
    """Set each template table's print area to the rows in use (for a workbook filled by hand or
    by another program; a static range, see :func:`set_print_area`).  Sheets that are not laid
    out as the template are left alone."""
    for table in (L.PROJECTS, L.INDICATORS, L.DEPT_INDICATORS):
        if table.sheet not in wb.sheetnames:
            continue
        ws = wb[table.sheet]
        h = header_row(table)
        headers = [c for c in ws[h] if c.value not in (None, "")] if ws.max_row >= h else []
        if not headers or str(ws.cell(h, 1).value or "").strip() != table.columns[0].header:
            continue
        n = table_rows_in_use(ws, table)
        last = first_data_row(table) + (n if n else BLANK_PRINT_ROWS[table.sheet]) - 1
        ws.print_area = f"A1:{get_column_letter(headers[-1].column)}{last}"


PROJECT_PAGES_WIDE = 2
"""项目信息 has some 25 columns: on one A4 page across its text would be too small to read, so it
prints two pages across with its leading columns up to 项目名称 repeated on each."""


def page_setup(ws, title: str, *, landscape: bool = True, title_rows: tuple[int, int] | None = None,
               area: str | None = None, pages_wide: int = 1, title_cols: tuple[str, str] | None = None) -> None:
    """The template's sheets: A4, scaled to the page width, title in the page header, page numbers below."""
    printing.apply(ws, printing.PageSetup(title=title, landscape=landscape, title_rows=title_rows, area=area,
                                          pages_wide=pages_wide, title_cols=title_cols))


def _validation(ws, sqref: str, formula: str, prompt: str, error: str, *, title: str,
                style: str = "stop", kind: str = "list", operator: str | None = None,
                formula2: str | None = None) -> DataValidation:
    dv = DataValidation(type=kind, formula1=formula, formula2=formula2, operator=operator,
                        allow_blank=True, showErrorMessage=True, showInputMessage=True,
                        errorStyle=style, errorTitle=title, error=error,
                        promptTitle=title, prompt=prompt)
    dv.add(sqref)
    ws.add_data_validation(dv)
    return dv


def _cf(ws, sqref: str, formula: str, fill: PatternFill, font: Font | None = None) -> None:
    ws.conditional_formatting.add(sqref, FormulaRule(formula=[formula], fill=fill, font=font, stopIfTrue=False))


def _column_style(ws, letter: str, field: L.Field | None, width: float | None = None, *,
                  unlocked: bool = True, money_unit: str = "万元") -> None:
    """A table column's look for every row a filler uses: wrapped, bordered, its number format."""
    cd = ws.column_dimensions[letter]
    cd.width = width if width is not None else (field.width if field else 12)
    if field is not None and field.money:
        cd.width = max(cd.width, MONEY_WIDTH[money_unit])
    style: dict = {"alignment": WRAP, "border": BORDER}
    if unlocked:
        style["protection"] = UNLOCKED
    if field is not None and field.money:
        style["number_format"] = MONEY_FORMAT
    elif field is not None and field.percent:
        style["number_format"] = PERCENT_FORMAT
    elif field is not None and field.key in ("value", "code", "period", "op", "unit"):
        style["number_format"] = "@"
    _set_style(cd, ws.parent, **style)


# ------------------------------------------------------------------ 填表说明
INSTRUCTIONS = (
    ("填写顺序", "先填「单位信息」，再填「项目信息」（每个项目一行），然后在「绩效指标」中逐行填写指标"
                "（每个指标一行，用「项目名称」下拉选择所属项目）；有部门整体支出绩效目标的，填写「部门整体」。"),
    ("下拉选择", "一级指标、二级指标、计算符号、计量单位、取值依据、金额单位、指标体系均可从下拉列表选择；"
                "二级指标只列出所选一级指标下允许的项。计量单位不在列表中的也可以填写，会给出提醒。"),
    ("指标值", "计算符号、指标值、计量单位分三列填写，如 ≥ | 95 | %；日期直接写在指标值中，如 2025年12月31日前；"
              "定性指标的计算符号选「定性」。「指标值（显示）」列自动拼出完整写法。"),
    ("金额", "金额单位以「单位信息」中的金额单位为准；年度资金总额 = 财政拨款 + 上年结转 + 其他资金，"
            "「来源合计」「差额」自动计算。"),
    ("支出计划", "资金支出计划填写截至各时点的累计支出进度（百分比），应逐期不减，12月底为 100%。"),
    ("检查列", "每行最后的「检查」列自动给出结论：「正常」或问题说明；有问题的单元格以颜色标出。"
              "「检查」「指标值（显示）」「来源合计」「差额」的公式预置到项目信息第 {projects} 行、"
              "绩效指标第 {indicators} 行；再往下的行照常填写，有问题的单元格同样标色，"
              "并计入「检查」列上方的问题行数。"),
    ("颜色说明", "红色：数据有误（二级指标与一级不匹配、资金不平衡、支出计划有误、缺少计量单位等）；"
                "黄色：已开始填写的行中必填项为空；灰色：自动计算的单元格，无需填写。"),
    ("保护", "表头和公式受保护（无密码），数据区可以直接填写；如需调整结构，可在「审阅」中撤销工作表保护。"),
)


def _instructions_sheet(ws, opts: TemplateOptions) -> None:
    _title(ws, "预算绩效目标表填报说明")
    ws.cell(2, 1, L.TEMPLATE_VERSION_LABEL).font = HEADER_FONT
    ws.cell(2, 2, L.TEMPLATE_VERSION)
    ws.cell(3, 1, "指标体系").font = HEADER_FONT
    ws.cell(3, 2, opts.scheme.name)
    text_width = 90
    r = 5
    _header_cell(ws.cell(r, 1), "事项")
    _header_cell(ws.cell(r, 2), "说明")
    formula_rows = {"projects": opts.rows(L.PROJECTS).formulas, "indicators": opts.rows(L.INDICATORS).formulas}
    rows: list[tuple[str, str, bool] | None] = [(topic, text.format(**formula_rows), True)
                                                for topic, text in INSTRUCTIONS]
    rows.append(None)
    rows += [(name, "、".join(children), False) for name, children in opts.scheme.tree().items()]
    for item in rows:
        r += 1
        if item is None:  # a second table: the scheme's categories
            r += 1
            _header_cell(ws.cell(r, 1), "一级指标")
            _header_cell(ws.cell(r, 2), "可选的二级指标")
            continue
        label, text, bold = item
        a = ws.cell(r, 1, label)
        b = ws.cell(r, 2, text)
        if bold:
            a.font = HEADER_FONT
        # label and text share one vertical alignment, so a label stands beside its own text
        a.alignment = b.alignment = LABEL
        a.border = b.border = BORDER
        ws.row_dimensions[r].height = printing.row_height(printing.lines_needed(text, text_width))
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = text_width
    page_setup(ws, "预算绩效目标表填报说明", landscape=False, area=f"A1:B{r}")
    _protect(ws)


# ------------------------------------------------------------------ 单位信息
UNIT_HELP = {
    "budget_year": "四位数年份，如 2025",
    "unit_name": "预算单位全称",
    "unit_code": "预算单位编码",
    "supervisor": "主管部门名称及代码，如 106-中共甘肃省委政法委员会",
    "money_unit": "全表金额的单位：万元 或 元",
    "scheme": "项目绩效指标采用的指标体系；下拉列表按生成模板时选定的体系提供，改用其他体系请使用对应的模板",
    "dept_scheme": "部门整体绩效指标采用的指标体系（空白表示与项目相同）",
    "fill_date": "如 2025年1月15日",
}


def _unit_sheet(ws, opts: TemplateOptions) -> None:
    _title(ws, "单位信息")
    for i, text in enumerate(("项目", "填写内容", "说明"), start=1):
        _header_cell(ws.cell(2, i), text)
    for f in L.UNIT_FIELDS:
        r = unit_row(f.key)
        a = ws.cell(r, 1, f.header)
        a.font = HEADER_FONT
        a.border = BORDER
        b = ws.cell(r, 2)
        b.protection = UNLOCKED
        b.border = BORDER
        b.number_format = "@" if f.key != "budget_year" else "0"
        help_cell = ws.cell(r, 3, UNIT_HELP.get(f.key, ""))
        help_cell.alignment = LABEL
        help_cell.border = BORDER
        a.alignment = b.alignment = LABEL
        ws.row_dimensions[r].height = printing.row_height(printing.lines_needed(help_cell.value, 44))
    ws.cell(unit_row("budget_year"), 2, opts.year)
    ws.cell(unit_row("money_unit"), 2, opts.money_unit)
    ws.cell(unit_row("scheme"), 2, opts.scheme.name)
    ws.cell(unit_row("dept_scheme"), 2, opts.dept_scheme.name)
    r = unit_row(L.UNIT_FIELDS[-1].key) + 1
    ws.cell(r, 1, L.TEMPLATE_VERSION_LABEL).font = HEADER_FONT
    ws.cell(r, 2, L.TEMPLATE_VERSION)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 44

    _validation(ws, unit_value_cell("budget_year"), "2000", "请输入四位数的预算年度，如 2025。",
                "预算年度应为 2000—2100 之间的四位数年份。", title="预算年度", kind="whole",
                operator="between", formula2="2100")
    _validation(ws, unit_value_cell("money_unit"), "JX_MONEY_UNITS", "请选择全表金额的单位。",
                "金额单位只能是「万元」或「元」。", title="金额单位")
    _validation(ws, unit_value_cell("scheme"), "JX_SCHEMES", "请选择项目绩效指标采用的指标体系。",
                "请从列表中选择指标体系。", title="指标体系")
    _validation(ws, unit_value_cell("dept_scheme"), "JX_DEPT_SCHEMES", "请选择部门整体绩效指标采用的指标体系。",
                "请从列表中选择指标体系。", title="部门整体指标体系")
    for f in L.UNIT_FIELDS:
        if f.required:
            ref = unit_value_cell(f.key)
            _cf(ws, ref, f'{ref}=""', EMPTY_FILL)
    page_setup(ws, "单位信息", landscape=False, area=f"A1:C{r}")
    _protect(ws)


# ------------------------------------------------------------------ 部门整体
def _dept_sheet(ws, opts: TemplateOptions, names: dict) -> None:
    ws.cell(1, 1, f'="部门整体支出绩效目标（金额单位："&{MONEY_UNIT_REF}&"）"').font = TITLE_FONT
    ws.row_dimensions[1].height = 26
    table = L.DEPT_INDICATORS
    last_col = get_column_letter(len(table.columns))
    for f in L.DEPT_FIELDS:
        r = dept_row(f.key)
        a = ws.cell(r, 1, f.header)
        a.font = HEADER_FONT
        a.fill = HEADER_FILL
        a.border = BORDER
        a.alignment = Alignment(vertical="center", wrap_text=True)
        b = ws.cell(r, 2)
        b.border = BORDER
        if f.key in DEPT_TOTAL_FORMULAS:
            b.value = dept_total_formula(f.key)
            b.fill = FORMULA_FILL
        if f.key in DEPT_TEXT_KEYS:
            ws.merge_cells(f"B{r}:{last_col}{r}")
            for i in range(3, len(table.columns) + 1):  # the merged cell's frame
                ws.cell(r, i).border = BORDER
            b.alignment = WRAP
            b.protection = UNLOCKED
            ws.row_dimensions[r].height = 72
        else:
            b.number_format = MONEY_FORMAT
            b.protection = UNLOCKED  # totals may be overwritten with the amounts of an imported form
            check = dept_check_formula(f.key)
            if check:
                c = ws.cell(r, 3, check)
                c.fill = FORMULA_FILL
                c.border = BORDER
                _cf(ws, f"C{r}", f'AND(C{r}<>"",C{r}<>"{OK}")', ERROR_FILL, ERROR_FONT)
                _cf(ws, f"B{r}", f'AND(C{r}<>"",C{r}<>"{OK}")', ERROR_FILL)
            _validation(ws, f"B{r}", "0", f"请填写{f.header}（数字，单位同金额单位）。",
                        f"{f.header}应为不小于 0 的数字。", title=f.header, kind="decimal",
                        operator="greaterThanOrEqual", style="warning")
    ws.cell(DEPT_INDICATOR_HEADER_ROW - 1, 1, table.title).font = printing.font(heading=True, size=12)
    _indicator_table(ws, table, names["dept"], opts.rows(table), title=False)
    ws.column_dimensions["A"].width = 14


# ------------------------------------------------------------------ 项目信息
def _projects_sheet(ws, opts: TemplateOptions) -> None:
    t = L.PROJECTS
    rows = opts.rows(t)
    h, first, last = header_row(t), rows.first, rows.last
    ws.cell(1, 1, f'="项目信息（金额单位："&{MONEY_UNIT_REF}&"）"').font = TITLE_FONT
    ws.row_dimensions[1].height = 26
    total_label = t.index("total") - 1
    c = ws.cell(1, total_label, "合计")
    c.font = HEADER_FONT
    c.alignment = Alignment(horizontal="right", vertical="center")
    for f in t.columns:
        i = t.index(f.key)
        letter = get_column_letter(i)
        _header_cell(ws.cell(h, i), f.header)
        _column_style(ws, letter, f, unlocked=not f.formula, money_unit=opts.money_unit)
        if f.money:
            tc = ws.cell(1, i, _project_total_formula(f.key, first, last))
            tc.font = HEADER_FONT
            tc.number_format = MONEY_FORMAT
            tc.fill = FORMULA_FILL
    ws.row_dimensions[h].height = 32
    k, d, chk = t.index("sources_sum"), t.index("difference"), t.index("check")
    _formula_column(ws, k, first, rows.formulas, sources_sum_formula(ROW))
    _formula_column(ws, d, first, rows.formulas, difference_formula(ROW))
    _formula_column(ws, chk, first, rows.formulas, project_check_formula(ROW))
    rng = lambda key: f"{col(t, key)}{first}:{col(t, key)}{last}"  # noqa: E731
    for f in t.columns:
        if f.money and not f.formula:
            _validation(ws, rng(f.key), "0", f"请填写{f.header}（数字，单位同金额单位）。",
                        f"{f.header}应为不小于 0 的数字。", title=f.header, kind="decimal",
                        operator="greaterThanOrEqual", style="warning")
        if f.percent:
            _validation(ws, rng(f.key), "0", f"截至{f.header.removeprefix('支出进度')}的累计支出进度，如 50%。",
                        "支出进度应在 0%—100% 之间。", title="资金支出计划", kind="decimal",
                        operator="between", formula2="1", style="warning")
    name_col = col(t, "name")
    _validation(ws, rng("name"), f"COUNTIF(${name_col}${first}:${name_col}${last},{name_col}{first})<=1",
                "填写项目全称；同一单位内项目名称不能重复。", "项目名称不能与已有项目重复。",
                title="项目名称", kind="custom", style="warning")

    # In-sheet checks: the same conditions as the 检查 column, on the offending cells.
    _common_checks(ws, t, rows)
    money = f"{col(t, 'total')}{first}:{col(t, 'difference')}{last}"
    _cf(ws, money, f"OR({_money_bad(first)},{_money_text(first)})", ERROR_FILL)
    plan = f"{col(t, 'plan_1')}{first}:{col(t, f'plan_{len(L.PLAN_CHECKPOINTS)}')}{last}"
    _cf(ws, plan, _plan_bad(first), ERROR_FILL)

    _plain_above_header(ws, t)
    ws.freeze_panes = f"{col(t, 'category')}{first}"
    ws.auto_filter.ref = f"A{h}:{get_column_letter(len(t.columns))}{last}"
    page_setup(ws, t.title, title_rows=(h, h), pages_wide=PROJECT_PAGES_WIDE, title_cols=("A", col(t, "name")))
    set_print_area(ws, t)
    _protect(ws)


def _project_total_formula(key: str, first: int, last: int) -> str:
    """Row 1 of a money column of 项目信息: its sum over all rows.  来源合计 and 差额 are computed
    from the amounts, so rows below the formula rows count too."""
    t = L.PROJECTS
    if key == "sources_sum":
        return f"=SUM({col(t, 'fiscal')}{first}:{col(t, 'other')}{last})"
    if key == "difference":
        return f"={col(t, 'total')}1-{col(t, 'sources_sum')}1"
    letter = col(t, key)
    return f"=SUM({letter}{first}:{letter}{last})"


# ------------------------------------------------------------------ indicator tables
def _indicator_table(ws, t: L.Table, names: dict[str, str], rows: TableRows, title: bool = True) -> None:
    h, first, last = header_row(t), rows.first, rows.last
    if title:
        ws.cell(1, 1, t.title).font = TITLE_FONT
        ws.row_dimensions[1].height = 26
    for f in t.columns:
        i = t.index(f.key)
        letter = get_column_letter(i)
        _header_cell(ws.cell(h, i), f.header)
        # Columns A–C of 部门整体 also hold the budget block above: its cells carry their own style,
        # so the table's column style (unlocked, framed) is what the rows below show.
        shared = t is L.DEPT_INDICATORS and letter in ("A", "B", "C")
        width = max(f.width, ws.column_dimensions[letter].width or 0) if shared else None
        _column_style(ws, letter, f, width, unlocked=not f.formula)
    ws.row_dimensions[h].height = 32
    disp, chk = t.index("display"), t.index("check")
    _formula_column(ws, disp, first, rows.formulas, display_formula(t, ROW))
    _formula_column(ws, chk, first, rows.formulas, indicator_check_formula(t, ROW, names))

    rng = lambda key: f"{col(t, key)}{first}:{col(t, key)}{last}"  # noqa: E731
    c1 = f"${col(t, 'level1')}{first}"
    _validation(ws, rng("level1"), names["l1"], "请从下拉列表选择一级指标。",
                "一级指标必须从指标体系中选择。", title="一级指标")
    _validation(ws, rng("level2"), f'INDIRECT("{names["l2"]}"&MATCH({c1},{names["l1"]},0))',
                "请先选择一级指标，再从下拉列表选择其下的二级指标。",
                "二级指标必须是所选一级指标下的项；请先选择一级指标。", title="二级指标")
    _validation(ws, rng("op"), "JX_OPS", "≥ ＞ ＝ ＜ ≤，定性指标选「定性」。",
                "计算符号请从列表选择。", title="计算符号")
    _validation(ws, rng("unit"), "JX_UNITS", "请选择计量单位；列表中没有的单位也可以直接填写。",
                "该计量单位不在常用列表中，确认无误可继续。", title="计量单位", style="warning")
    _validation(ws, rng("basis"), "JX_BASIS", "请选择取值依据：计划标准、行业标准、历史标准、预算支出标准或其他标准。",
                "取值依据应从列表中选择。", title="取值依据", style="warning")
    if t is L.INDICATORS:
        _validation(ws, rng("project"), "JX_PROJECTS", "请从下拉列表选择「项目信息」中已填写的项目名称。",
                    "项目名称必须与「项目信息」中的某个项目一致。", title="所属项目")

    # In-sheet checks.
    _common_checks(ws, t, rows, names)
    c2 = f"${col(t, 'level2')}{first}"
    _cf(ws, rng("level1"), f'AND({c1}<>"",COUNTIF({names["l1"]},{c1})=0)', ERROR_FILL)
    _cf(ws, rng("level2"), f'AND({c2}<>"",COUNTIF({names["l1"]},{c1})>0,'
                            f'COUNTIF({names["pairs"]},{c1}&"|"&{c2})=0)', ERROR_FILL)
    v, u = f"${col(t, 'value')}{first}", f"${col(t, 'unit')}{first}"
    no_unit = _is_number_without_unit(v, u)
    _cf(ws, rng("value"), no_unit, ERROR_FILL)
    _cf(ws, rng("unit"), no_unit, ERROR_FILL)
    if t is L.INDICATORS:
        p = f"${col(t, 'project')}{first}"
        _cf(ws, rng("project"), f'AND({p}<>"",COUNTIF(JX_PROJECTS,{p})=0)', ERROR_FILL)

    _plain_above_header(ws, t)
    if t is L.INDICATORS:
        ws.freeze_panes = f"{col(t, 'level1')}{first}"
        ws.auto_filter.ref = f"A{h}:{get_column_letter(len(t.columns))}{last}"
        page_setup(ws, t.title, title_rows=(h, h))
    else:
        page_setup(ws, "部门整体支出绩效目标")
    set_print_area(ws, t)
    _protect(ws)


def write_template(path, scheme: str | Scheme | None = "2021", year: int | None = None,
                   money_unit: str = "万元", dept_scheme: str | Scheme | None = None):
    """Write the template to ``path`` atomically; returns the path."""
    from xl_jixiao.template.io import save_atomic

    wb = build_template(scheme, year, money_unit, dept_scheme)
    return save_atomic(wb, path)
