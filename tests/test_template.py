"""The template workbook: sheets, dropdowns, formulas, in-sheet checks, write_submission."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from xl_jixiao import layout as L
from xl_jixiao.cli import main
from xl_jixiao.model import DeptBudget, Funding, Indicator, PlanPoint, Project, Submission
from xl_jixiao.schemes import get_scheme
from xl_jixiao.template import build_template, write_submission, write_template
from xl_jixiao.template.build import (
    BLANK_PRINT_ROWS,
    DEPT_INDICATOR_HEADER_ROW,
    FORMULA_ROWS,
    MONEY_WIDTH,
    VERSION_CELL,
    col,
    dept_value_cell,
    first_data_row,
    last_data_row,
    project_check_formula,
    table_rows,
    unit_value_cell,
)
from xl_jixiao.template.compare import workbook_content

REPO = Path(__file__).resolve().parent.parent

# The template's print areas are formulas (rows in use); openpyxl cannot represent them and says so.
pytestmark = pytest.mark.filterwarnings("ignore:Print area cannot be set to Defined name")


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "t.xlsx", "2021", 2025)


@pytest.fixture(scope="module")
def wb(template_path):
    return load_workbook(template_path)


def _validations(ws) -> dict[str, list]:
    """sqref range → validations covering it."""
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out.setdefault(rng, []).append(dv)
    return out


def _cf_ranges(ws) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for rng, rules in ws.conditional_formatting._cf_rules.items():
        for r in str(rng.sqref).split():
            out.setdefault(r, []).extend(f for rule in rules for f in (rule.formula or ()))
    return out


def _range(table: L.Table, key: str) -> str:
    c = col(table, key)
    return f"{c}{first_data_row(table)}:{c}{last_data_row(table)}"


def test_sheets_and_version(wb):
    assert wb.sheetnames == list(L.TEMPLATE_SHEETS)
    ins = wb[L.SHEET_INSTRUCTIONS]
    assert ins["A2"].value == L.TEMPLATE_VERSION_LABEL and ins[VERSION_CELL].value == L.TEMPLATE_VERSION
    lists = wb[L.SHEET_LISTS]
    assert lists.sheet_state == "hidden" and lists.protection.sheet
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title


def test_unit_sheet_labels_and_values(wb):
    ws = wb[L.SHEET_UNIT]
    for f in L.UNIT_FIELDS:
        cell = unit_value_cell(f.key)
        assert ws[f"A{cell[1:]}"].value == f.header
        assert ws[cell].protection.locked is False
    assert ws[unit_value_cell("budget_year")].value == 2025
    assert ws[unit_value_cell("money_unit")].value == "万元"
    assert ws[unit_value_cell("scheme")].value == get_scheme("2021").name
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    r = labels.index(L.TEMPLATE_VERSION_LABEL) + 1
    assert ws.cell(r, 2).value == L.TEMPLATE_VERSION
    dvs = _validations(ws)
    assert dvs[unit_value_cell("money_unit")][0].formula1 == "JX_MONEY_UNITS"
    assert dvs[unit_value_cell("scheme")][0].formula1 == "JX_SCHEMES"


def test_headers_follow_layout(wb):
    for table in (L.PROJECTS, L.INDICATORS, L.DEPT_INDICATORS):
        ws = wb[table.sheet]
        h = table.header_row or DEPT_INDICATOR_HEADER_ROW
        assert [ws.cell(h, i).value for i in range(1, len(table.columns) + 1)] == [c.header for c in table.columns]
        assert h <= L.HEADER_SEARCH_ROWS
    ws = wb[L.SHEET_PROJECTS]
    for c in L.PROJECT_COLUMNS:
        expected = max(c.width, MONEY_WIDTH["万元"]) if c.money else c.width  # totals never show ###
        assert ws.column_dimensions[col(L.PROJECTS, c.key)].width == expected


def test_named_ranges(wb):
    names = dict(wb.defined_names.items())
    scheme = get_scheme("2021")
    assert "JX_L1" in names and "JX_LPAIRS" in names and "JX_PROJECTS" in names
    lists = wb[L.SHEET_LISTS]

    def values(name: str) -> list[str]:
        ref = names[name].attr_text.split("!")[1].replace("$", "")
        return [c.value for row in lists[ref] for c in row]

    assert values("JX_L1") == scheme.level1_names()
    for i, l1 in enumerate(scheme.level1_names(), start=1):
        assert values(f"JX_L2_{i}") == scheme.level2_names(l1)
    assert values("JX_OPS") == list(L.OPS)
    assert values("JX_UNITS") == list(L.UNITS_OF_MEASURE)
    assert values("JX_BASIS") == list(L.BASIS_CATEGORIES)
    assert values("JX_MONEY_UNITS") == list(L.MONEY_UNITS)
    assert names["JX_PROJECTS"].attr_text == f"'项目信息'!${col(L.PROJECTS, 'name')}$3:" \
                                             f"${col(L.PROJECTS, 'name')}${2 + L.MAX_PROJECT_ROWS}"


def test_indicator_validations_cover_all_rows(wb):
    ws = wb[L.SHEET_INDICATORS]
    dvs = _validations(ws)
    t = L.INDICATORS
    assert _range(t, "level1") == f"C3:C{2 + L.MAX_INDICATOR_ROWS}"
    (l1,) = dvs[_range(t, "level1")]
    assert l1.type == "list" and l1.formula1 == "JX_L1" and l1.errorStyle == "stop"
    (l2,) = dvs[_range(t, "level2")]
    assert l2.formula1 == 'INDIRECT("JX_L2_"&MATCH($C3,JX_L1,0))'
    (op,) = dvs[_range(t, "op")]
    assert op.formula1 == "JX_OPS"
    (unit,) = dvs[_range(t, "unit")]
    assert unit.formula1 == "JX_UNITS" and unit.errorStyle == "warning"
    (basis,) = dvs[_range(t, "basis")]
    assert basis.formula1 == "JX_BASIS"
    (project,) = dvs[_range(t, "project")]
    assert project.formula1 == "JX_PROJECTS"
    for dv in (l1, l2, op, unit, basis, project):
        assert dv.showInputMessage and dv.showErrorMessage
        assert re.search(r"[\u4e00-\u9fff]", dv.prompt) and re.search(r"[\u4e00-\u9fff]", dv.error)


def test_dept_indicator_table(wb):
    ws = wb[L.SHEET_DEPT]
    t = L.DEPT_INDICATORS
    dvs = _validations(ws)
    first = DEPT_INDICATOR_HEADER_ROW + 1
    last = first + L.MAX_DEPT_INDICATOR_ROWS - 1
    (l1,) = dvs[f"{col(t, 'level1')}{first}:{col(t, 'level1')}{last}"]
    assert l1.formula1 == "JX_D1"
    for f in L.DEPT_FIELDS:
        assert ws[f"A{dept_value_cell(f.key)[1:]}"].value == f.header
    assert ws[dept_value_cell("basic")].value == f"=N({dept_value_cell('personnel')})+N({dept_value_cell('public')})"
    assert ws[dept_value_cell("income_total")].value.startswith("=N(")
    for letter in ("A", "B", "C"):  # the budget block above shares these columns: the rows below are open
        assert ws.column_dimensions[letter].protection.locked is False, letter
        assert not ws[f"{letter}{first}"].has_style and not ws[f"{letter}{first + 50}"].has_style
    assert ws["A2"].protection.locked is not False  # its labels are not
    assert ws[dept_value_cell("personnel")].protection.locked is False


def test_project_formulas_and_totals(wb):
    ws = wb[L.SHEET_PROJECTS]
    t = L.PROJECTS
    rows = table_rows(t)
    first, last = rows.first, rows.last
    assert last == 2 + L.MAX_PROJECT_ROWS
    assert rows.formulas - first + 1 == FORMULA_ROWS[t.sheet] < L.MAX_PROJECT_ROWS
    for r in (first, rows.formulas):
        assert ws[f"{col(t, 'sources_sum')}{r}"].value.startswith("=IF(")
        sources = f"SUM({col(t, 'fiscal')}{r}:{col(t, 'other')}{r})"
        assert sources in ws[f"{col(t, 'sources_sum')}{r}"].value
        assert ws[f"{col(t, 'check')}{r}"].value.startswith("=IF(")
    for key in ("sources_sum", "difference", "check"):  # a light template: no formulas below
        assert ws[f"{col(t, key)}{rows.formulas + 1}"].value is None, key
    g = col(t, "total")
    assert ws[f"{g}1"].value == f"=SUM({g}{first}:{g}{last})"
    # the totals of the computed columns come from the amounts, over every row
    assert ws[f"{col(t, 'sources_sum')}1"].value == f"=SUM({col(t, 'fiscal')}{first}:{col(t, 'other')}{last})"
    assert ws[f"{col(t, 'difference')}1"].value == f"={g}1-{col(t, 'sources_sum')}1"
    assert ws[f"{col(t, 'total')}{last + 1}"].value is None  # nothing below the data rows


def test_conditional_formats_cover_ranges(wb):
    ind = _cf_ranges(wb[L.SHEET_INDICATORS])
    t = L.INDICATORS
    assert any("JX_LPAIRS" in f for f in ind[_range(t, "level2")])
    assert any("FIND(RIGHT(" in f for f in ind[_range(t, "value")])
    assert any("FIND(RIGHT(" in f for f in ind[_range(t, "unit")])
    assert any("COUNTIF(JX_L1," in f for f in ind[_range(t, "level1")])
    assert any("COUNTIF(JX_PROJECTS," in f for f in ind[_range(t, "project")])
    for key in ("project", "level1", "level2", "name", "value"):
        assert any('=""' in f and "COUNTA" in f for f in ind[_range(t, key)]), key
    prj = _cf_ranges(wb[L.SHEET_PROJECTS])
    p = L.PROJECTS
    money = f"{col(p, 'total')}3:{col(p, 'difference')}{2 + L.MAX_PROJECT_ROWS}"
    assert any("ABS(" in f for f in prj[money])
    plan = f"{col(p, 'plan_1')}3:{col(p, 'plan_4')}{2 + L.MAX_PROJECT_ROWS}"
    assert any("MAX(" in f for f in prj[plan])
    assert _range(p, "check") in prj


def test_plain_functions_only(template_path):
    import zipfile

    allowed = {"IF", "AND", "OR", "NOT", "SUM", "OFFSET", "COUNT", "COUNTA", "COUNTIF", "ABS", "MIN", "MAX", "N",
               "ISNUMBER", "FIND", "RIGHT", "LEN", "INDIRECT", "MATCH"}
    with zipfile.ZipFile(template_path) as z:
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert "_xlfn" not in text
    used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", text))
    assert used <= allowed, used - allowed


def test_layout_for_people(wb):
    prj, ind = wb[L.SHEET_PROJECTS], wb[L.SHEET_INDICATORS]
    assert prj.freeze_panes == "D3" and ind.freeze_panes == "C3"
    for ws in (prj, ind):
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert ws.print_title_rows == "$2:$2"
        assert ws["A2"].protection.locked  # headers stay protected
    # data columns editable (column style), formula columns locked
    assert ind.column_dimensions[col(L.INDICATORS, "value")].protection.locked is False
    assert ind[f"{col(L.INDICATORS, 'check')}3"].protection.locked


def _print_area(ws) -> str:
    return str(ws.print_area).split("!")[-1].replace("$", "")


def test_print_areas_are_static_ranges(wb, tmp_path):
    """Every engine honours a fixed range: an empty template prints a blank form of a few rows;
    a written one prints exactly its rows.  Columns follow the layout, whatever it holds."""
    for table in (L.PROJECTS, L.INDICATORS, L.DEPT_INDICATORS):
        ws = wb[table.sheet]
        last = first_data_row(table) + BLANK_PRINT_ROWS[table.sheet] - 1
        assert _print_area(ws) == f"A1:{get_column_letter(len(table.columns))}{last}"
    assert "OFFSET" not in str(wb.defined_names) + "".join(str(ws.print_area) for ws in wb.worksheets)
    filled = write_submission(_submission(), tmp_path / "filled.xlsx")
    out = load_workbook(filled)
    assert _print_area(out[L.SHEET_PROJECTS]) == f"A1:{get_column_letter(len(L.PROJECT_COLUMNS))}3"
    assert _print_area(out[L.SHEET_INDICATORS]) == f"A1:{get_column_letter(len(L.INDICATOR_COLUMNS))}5"


def test_page_setup_and_fonts(wb):
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        wide = 2 if ws.title == L.SHEET_PROJECTS else 1  # 25 columns: two pages across, key columns repeated
        assert ws.page_setup.fitToWidth == wide and ws.sheet_properties.pageSetUpPr.fitToPage
        assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
        assert ws.oddHeader.center.text
    fonts = {c.font.name for ws in wb.worksheets for row in ws.iter_rows(max_row=20) for c in row if c.has_style}
    assert fonts <= {"宋体", "黑体"}, fonts
    assert wb[L.SHEET_PROJECTS]["A1"].font.name == "黑体"
    assert wb[L.SHEET_PROJECTS].print_title_cols == f"$A:${col(L.PROJECTS, 'name')}"


def test_legacy_scheme_lists(tmp_path):
    wb = build_template("legacy", None, "元")
    assert wb[L.SHEET_UNIT][unit_value_cell("money_unit")].value == "元"
    lists = wb[L.SHEET_LISTS]
    ref = wb.defined_names["JX_L1"].attr_text.split("!")[1].replace("$", "")
    assert [c.value for row in lists[ref] for c in row] == ["产出指标", "效益指标", "满意度指标"]


@pytest.mark.parametrize("scheme", ["2021", "legacy"])
def test_committed_templates_match_generator(scheme, tmp_path):
    committed = REPO / "workbooks" / f"绩效目标表模板_{scheme}.xlsx"
    fresh = write_template(tmp_path / "fresh.xlsx", scheme)
    assert workbook_content(committed) == workbook_content(fresh), (
        f"{committed.name} 与当前生成结果不一致：运行 xl-jixiao template --scheme {scheme} -o {committed}")


# ------------------------------------------------------------------ write_submission
def _submission() -> Submission:
    plan = [PlanPoint(label=cp, percent=Decimal(v)) for cp, v in zip(L.PLAN_CHECKPOINTS, (20, 50, 80, 100))]
    return Submission(
        budget_year=2025, unit_name="=HYPERLINK(\"http://x\")", unit_code="001", supervisor="106-某委",
        money_unit="元", scheme="legacy", dept_scheme="dept_mgmt", filler="张三", phone="0854-1234567",
        fill_date="2024年12月1日", head="李四",
        dept=DeptBudget(money_unit="万元", personnel=Decimal("10"), public=Decimal("2"), projects=Decimal("5"),
                        fiscal=Decimal("17"), functions="职能", goal="目标",
                        indicators=[Indicator(level1="部门管理", level2="资金投入", name="执行率", op="≥",
                                              value="95", unit="%")]),
        projects=[Project(
            code="P1", name="项目一", category="特定目标", implementer="某单位", period="2025年",
            funding=Funding(money_unit="万元", total=Decimal("5"), fiscal=Decimal("4"), carryover=Decimal("1")),
            purpose="=SUM(1)", annual_goal="目标一", spending_plan=plan + [PlanPoint(label="10月底", percent=Decimal(90))],
            indicators=[Indicator(level1="产出指标", level2="数量指标", name="人次", op="≥", value="10", unit="人次",
                                  note="说明", basis="计划标准", remark="忽略:JX204"),
                        Indicator(level1="满意度指标", level2="服务对象满意度指标", name="满意度", value="≥90%")],
        )],
        unassigned_indicators=[Indicator(project="不存在的项目", level1="效益指标", level2="社会效益指标",
                                         name="x", value="≥1人")],
    )


def test_write_submission(tmp_path):
    path = write_submission(_submission(), tmp_path / "out.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]  # no temporary file left
    wb = load_workbook(path)
    unit = wb[L.SHEET_UNIT]
    name_cell = unit[unit_value_cell("unit_name")]
    assert name_cell.value == "=HYPERLINK(\"http://x\")" and name_cell.data_type == "s"
    assert unit[unit_value_cell("money_unit")].value == "元"
    assert unit[unit_value_cell("scheme")].value == get_scheme("legacy").name
    assert unit[unit_value_cell("dept_scheme")].value == get_scheme("dept_mgmt").name
    assert unit[unit_value_cell("budget_year")].value == 2025
    dept = wb[L.SHEET_DEPT]
    assert Decimal(str(dept[dept_value_cell("personnel")].value)) == Decimal("100000")  # 10 万元 in 元
    assert dept[dept_value_cell("basic")].value.startswith("=")  # not given: the formula stays
    assert dept[dept_value_cell("functions")].value == "职能"
    first = DEPT_INDICATOR_HEADER_ROW + 1
    assert dept[f"{col(L.DEPT_INDICATORS, 'name')}{first}"].value == "执行率"
    prj = wb[L.SHEET_PROJECTS]
    t = L.PROJECTS
    assert prj[f"{col(t, 'name')}3"].value == "项目一"
    assert Decimal(str(prj[f"{col(t, 'total')}3"].value)) == Decimal("50000")
    assert prj[f"{col(t, 'purpose')}3"].data_type == "s"
    assert prj[f"{col(t, 'plan_2')}3"].value == Decimal("0.5")
    assert "10月底" in prj[f"{col(t, 'remark')}3"].value
    assert prj[f"{col(t, 'name')}3"].protection.locked is False
    ind = wb[L.SHEET_INDICATORS]
    ti = L.INDICATORS
    rows = [[ind[f"{col(ti, k)}{r}"].value for k in ("project", "name", "op", "value", "unit", "basis", "remark")]
            for r in (3, 4, 5)]
    assert rows == [["项目一", "人次", "≥", "10", "人次", "计划标准", "忽略:JX204"],
                    ["项目一", "满意度", None, "≥90%", None, None, None],
                    ["不存在的项目", "x", None, "≥1人", None, None, None]]
    # The lists follow the submission's schemes.
    ref = wb.defined_names["JX_D1"].attr_text.split("!")[1].replace("$", "")
    assert [c.value for row in wb[L.SHEET_LISTS][ref] for c in row] == get_scheme("dept_mgmt").level1_names()


def test_write_submission_reads_back(tmp_path):
    from xl_jixiao.readers import read_submission

    sub = _submission()
    sub.unit_name = "某单位"
    back = read_submission(write_submission(sub, tmp_path / "rt.xlsx"))
    assert back.unit_name == "某单位" and back.budget_year == 2025 and back.money_unit == "元"
    assert back.scheme == "legacy"
    (p,) = back.projects
    assert p.funding.total == Decimal("50000") and p.funding.fiscal == Decimal("40000")
    assert [pt.percent for pt in p.spending_plan] == [20, 50, 80, 100]
    assert [i.name for i in p.indicators] == ["人次", "满意度"]
    assert back.dept is not None and back.dept.personnel == Decimal("100000")


def test_template_command(tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", "-o", str(out), "--scheme", "legacy", "--year", "2026", "--money-unit", "元"]) == 0
    wb = load_workbook(out)
    unit = wb[L.SHEET_UNIT]
    assert unit[unit_value_cell("budget_year")].value == 2026
    assert unit[unit_value_cell("money_unit")].value == "元"
    assert "已生成模板" in capsys.readouterr().out
    assert main(["template", "-o", str(tmp_path / "x.xlsx"), "--scheme", "无此体系"]) == 2
    assert "未知的指标体系" in capsys.readouterr().err


def test_column_letters_used_in_docs():
    # Conventions the other modules rely on (documented in the report and docstrings).
    assert L.PROJECTS.index("total") < L.PROJECTS.index("fiscal") < L.PROJECTS.index("other") \
        < L.PROJECTS.index("sources_sum") < L.PROJECTS.index("difference")
    assert (col(L.INDICATORS, "level2"), col(L.INDICATORS, "value"), col(L.INDICATORS, "basis")) == ("D", "G", "J")
    assert get_column_letter(len(L.INDICATORS.columns)) == col(L.INDICATORS, "check")


def test_rows_beyond_the_prepared_ones_keep_their_formulas(tmp_path):
    projects = [Project(name=f"项目{i}", implementer="某单位", annual_goal="目标",
                        funding=Funding(total=Decimal(1), fiscal=Decimal(1)),
                        indicators=[Indicator(level1="产出指标", level2="数量指标", name="人次", op="≥",
                                              value="1", unit="人次")])
                for i in range(L.MAX_PROJECT_ROWS + 1)]
    path = write_submission(Submission(unit_name="某单位", projects=projects), tmp_path / "big.xlsx")
    wb = load_workbook(path)
    r = 3 + L.MAX_PROJECT_ROWS
    assert wb[L.SHEET_PROJECTS][f"{col(L.PROJECTS, 'name')}{r}"].value == f"项目{L.MAX_PROJECT_ROWS}"
    assert wb[L.SHEET_PROJECTS][f"{col(L.PROJECTS, 'check')}{r}"].value.startswith("=IF(")
    assert wb[L.SHEET_INDICATORS][f"{col(L.INDICATORS, 'check')}{r}"].value.startswith("=IF(")


def test_project_validations_cover_all_rows(wb):
    ws = wb[L.SHEET_PROJECTS]
    dvs = _validations(ws)
    t = L.PROJECTS
    total = get_column_letter(t.index("total"))
    assert _range(t, "total") == f"{total}3:{total}{2 + L.MAX_PROJECT_ROWS}"
    for f in t.columns:
        if f.money and not f.formula:
            (dv,) = dvs[_range(t, f.key)]
            assert dv.type == "decimal" and dv.operator == "greaterThanOrEqual" and dv.errorStyle == "warning"
        if f.percent:
            (dv,) = dvs[_range(t, f.key)]
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "1")
    (name,) = dvs[_range(t, "name")]
    assert name.type == "custom" and name.formula1.startswith("COUNTIF($C$3:$C$302,C3)")
    cf = _cf_ranges(ws)
    for f in t.columns:
        if f.required:
            assert any('=""' in x for x in cf[_range(t, f.key)]), f.key
    summary = ws[f"{get_column_letter(t.index('check'))}1"].value
    assert summary.text.startswith("=IF(") and summary.ref == f"{get_column_letter(t.index('check'))}1"


def test_dept_block_checks(wb):
    ws = wb[L.SHEET_DEPT]
    cf = _cf_ranges(ws)
    for key in ("basic", "projects", "expense_total", "income_total"):
        r = dept_value_cell(key)[1:]
        assert ws[f"C{r}"].value.startswith("=IF("), key
        assert f"B{r}" in cf and f"C{r}" in cf
    assert ws[dept_value_cell("functions")].protection.locked is False
    assert f"B{dept_value_cell('goal')[1:]}:L{dept_value_cell('goal')[1:]}" in {str(m) for m in ws.merged_cells.ranges}


def test_a_blank_template_filled_past_its_formula_rows_carries_the_formulas(tmp_path):
    """fill_workbook on a blank template (formula rows for a usual load) with more rows than that:
    the rows past the formula rows get their formulas one by one."""
    from xl_jixiao.template import fill_workbook
    from xl_jixiao.template.build import table_rows

    rows = table_rows(L.PROJECTS)
    n = rows.formulas - rows.first + 3
    projects = [Project(name=f"项目{i}", implementer="某单位", annual_goal="目标",
                        funding=Funding(total=Decimal(1), fiscal=Decimal(1))) for i in range(n)]
    wb = fill_workbook(build_template("2021"), Submission(unit_name="某单位", projects=projects))
    ws = wb[L.SHEET_PROJECTS]
    last = rows.first + n - 1
    assert last > rows.formulas
    assert ws[f"{col(L.PROJECTS, 'check')}{last}"].value == project_check_formula(last)
    assert ws[f"{col(L.PROJECTS, 'difference')}{last}"].value.startswith("=IF(")
    assert ws[f"{col(L.PROJECTS, 'check')}{last + 1}"].value is None
