"""The template's formulas as a spreadsheet engine computes them (headless LibreOffice).

A filled sample with deliberately broken rows is recalculated and converted by
LibreOffice; the totals and the 检查 verdicts it stores are read back.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xl_jixiao import layout as L
from xl_jixiao.model import Indicator
from xl_jixiao.template import build_template, write_submission, write_template
from xl_jixiao.template.build import (
    DEPT_INDICATOR_HEADER_ROW,
    V_L2,
    V_MONEY,
    V_NO_UNIT,
    V_PLAN,
    V_PROJECT,
    col,
    dept_value_cell,
    table_rows,
)
from xl_jixiao.template.io import save_atomic
from xl_jixiao.template.samples import sample_submission

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.filterwarnings("ignore:Print area cannot be set to Defined name")]


def recalculate(soffice: str, src: Path, work: Path) -> Path:
    """Open ``src`` in headless LibreOffice, recalculate, save as xlsx; returns the converted file."""
    out = work / "converted"
    profile = (work / "lo-profile").resolve().as_uri()
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(out), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    result = out / src.name
    assert result.exists(), f"LibreOffice 未生成 {result}"
    return result


def _dec(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory, soffice):
    """A 万元, 2021-scheme sample with 部门整体 and known defects, recalculated."""
    work = tmp_path_factory.mktemp("lo")
    sub = sample_submission(0, seed=5, projects=5, indicators=10)
    assert sub.money_unit == "万元" and sub.dept is not None
    p0, p1, p2 = sub.projects[:3]
    p0.funding.fiscal += Decimal("1.5")  # sources no longer add up
    p1.spending_plan[2].percent = p1.spending_plan[1].percent - 5  # decreasing plan
    p3, p4 = sub.projects[3:5]
    p3.spending_plan[2].label = "10月底"  # no column of its own: 9月底 stays blank, still fine
    del p4.spending_plan[3]  # not ending at 100%
    p2.indicators[3].level2 = "社会效益指标"  # not allowed under 产出指标
    qty = next(i for i in p2.indicators if i.level2 == "数量指标" and i is not p2.indicators[3])
    qty.unit = None  # a number without a unit
    sub.unassigned_indicators.append(
        Indicator(project="不存在的项目", level1="产出指标", level2="质量指标", name="合格率", op="≥",
                  value="90", unit="%"))
    d = sub.dept
    d.basic = d.expense_total = d.income_total = None  # left to the template's formulas
    path = write_submission(sub, work / "broken.xlsx")
    wb = load_workbook(recalculate(soffice, path, work), data_only=True)
    return sub, wb


def test_project_totals_and_checks(broken):
    sub, wb = broken
    ws = wb[L.SHEET_PROJECTS]
    t = L.PROJECTS
    c = {k: col(t, k) for k in ("total", "fiscal", "carryover", "other", "sources_sum", "difference", "check")}
    n = len(sub.projects)
    for i, p in enumerate(sub.projects):
        r = 3 + i
        assert _dec(ws[f"{c['sources_sum']}{r}"].value) == _dec(p.funding.sources_sum())
        assert _dec(ws[f"{c['difference']}{r}"].value) == _dec(p.funding.total - p.funding.sources_sum())
    verdicts = [ws[f"{c['check']}{3 + i}"].value for i in range(n)]
    assert verdicts == [V_MONEY, V_PLAN, "正常", "正常", V_PLAN]
    assert ws[f"{c['check']}{3 + n}"].value in (None, "")  # empty rows stay silent
    assert _dec(ws[f"{c['total']}1"].value) == _dec(sub.project_total())
    assert _dec(ws[f"{c['fiscal']}1"].value) == _dec(sum(p.funding.fiscal for p in sub.projects))
    assert _dec(ws[f"{c['difference']}1"].value) == Decimal("-1.50")
    assert ws[f"{c['check']}1"].value == "3 行有问题"


def test_indicator_display_and_checks(broken):
    sub, wb = broken
    ws = wb[L.SHEET_INDICATORS]
    t = L.INDICATORS
    rows = [ind for p in sub.projects for ind in p.indicators] + sub.unassigned_indicators
    expected = []
    for ind in rows:
        if ind.level1 == "产出指标" and ind.level2 == "社会效益指标":
            expected.append(V_L2)
        elif ind.project == "不存在的项目":
            expected.append(V_PROJECT)
        elif ind.unit is None and ind.value[-1].isdigit():
            expected.append(V_NO_UNIT)
        else:
            expected.append("正常")
    got = [ws[f"{col(t, 'check')}{3 + k}"].value for k in range(len(rows))]
    assert got == expected
    assert expected.count("正常") == len(rows) - 3
    assert ws[f"{col(t, 'check')}1"].value == "3 行有问题"
    shown = [ws[f"{col(t, 'display')}{3 + k}"].value for k in range(len(rows))]
    assert shown == [ind.value_text() for ind in rows]


def test_dept_totals(broken):
    sub, wb = broken
    ws = wb[L.SHEET_DEPT]
    d = sub.dept
    basic = d.personnel + d.public
    assert _dec(ws[dept_value_cell("basic")].value) == _dec(basic)
    assert _dec(ws[dept_value_cell("expense_total")].value) == _dec(basic + d.projects)
    assert _dec(ws[dept_value_cell("income_total")].value) == _dec(d.fiscal + d.carryover + d.other)
    for key in ("basic", "expense_total", "income_total"):
        assert ws[f"C{dept_value_cell(key)[1:]}"].value == "正常", key
    # 项目支出 was the projects' sum before the broken row raised nothing but a source: still equal.
    assert ws[f"C{dept_value_cell('projects')[1:]}"].value == "正常"
    first = DEPT_INDICATOR_HEADER_ROW + 1
    checks = [ws[f"{col(L.DEPT_INDICATORS, 'check')}{first + k}"].value for k in range(len(d.indicators))]
    assert checks == ["正常"] * len(d.indicators)


def test_dept_imbalance_and_empty_template(soffice, tmp_path):
    sub = sample_submission(3, seed=1, projects=5, indicators=8)
    assert sub.dept is not None and sub.money_unit == "元" and sub.scheme == "legacy"
    sub.dept.projects += Decimal(1)  # 项目支出 no longer the projects' sum, 支出合计 off too
    path = write_submission(sub, tmp_path / "dept.xlsx")
    wb = load_workbook(recalculate(soffice, path, tmp_path), data_only=True)
    ws = wb[L.SHEET_DEPT]
    assert ws[f"C{dept_value_cell('projects')[1:]}"].value == "与项目信息表合计不符"
    assert ws[f"C{dept_value_cell('expense_total')[1:]}"].value == "支出预算合计≠基本支出＋项目支出"
    # Everything else of this clean 元 / legacy sample passes the in-sheet checks.
    assert wb[L.SHEET_PROJECTS][f"{col(L.PROJECTS, 'check')}1"].value == "全部正常"
    assert wb[L.SHEET_INDICATORS][f"{col(L.INDICATORS, 'check')}1"].value == "全部正常"

    empty = write_template(tmp_path / "empty.xlsx", "legacy", 2025)
    wb = load_workbook(recalculate(soffice, empty, tmp_path), data_only=True)
    for table in (L.PROJECTS, L.INDICATORS):
        ws = wb[table.sheet]
        letter = col(table, "check")
        assert {ws[f"{letter}{r}"].value for r in range(3, 40)} <= {None, ""}
        assert ws[f"{letter}1"].value == "全部正常"
    assert wb[L.SHEET_PROJECTS][f"{col(L.PROJECTS, 'total')}1"].value == 0


def _hand_filled(rows: dict[int, dict[str, object]], table: L.Table, ws) -> None:
    """Type ``rows`` (row → key → value) into ``ws`` as a unit does by hand: values only."""
    for r, values in rows.items():
        for key, value in values.items():
            ws.cell(r, table.index(key), value)


def test_rows_below_the_formula_rows_are_counted(soffice, tmp_path):
    """A unit fills rows past those carrying 检查 formulas: the count above 检查 still sees each
    problem there (and only the rows with one), in the engine a unit without Python uses."""
    wb = build_template("2021", 2025)
    prj, ind = table_rows(L.PROJECTS), table_rows(L.INDICATORS)
    assert prj.formulas < prj.last and ind.formulas < ind.last
    good = {"name": "甲项目", "implementer": "本单位", "total": 10, "fiscal": 10, "annual_goal": "完成",
            "plan_1": 0.25, "plan_2": 0.5, "plan_3": 0.75, "plan_4": 1}
    below = prj.formulas + 5
    _hand_filled({
        prj.first: good,
        below: {**good, "name": "乙项目"},
        below + 1: {**good, "name": "丙项目", "fiscal": 8},  # sources do not add up
        below + 2: {**good, "name": "丁项目", "plan_3": 0.4},  # decreasing plan
        below + 3: {**good, "name": "戊项目", "fiscal": "十万"},  # an amount in words
        below + 4: {**good, "name": "己项目", "implementer": None},  # a required cell left empty
        below + 5: {**good, "name": "辛项目", "plan_1": 1.2},  # above 100%
        below + 6: {**good, "name": "壬项目", "plan_2": "一半"},  # not a number
        prj.last: {**good, "name": "庚项目", "plan_4": 0.9},  # the last row of the capacity: not ending at 100%
    }, L.PROJECTS, wb[L.SHEET_PROJECTS])
    row = {"project": "乙项目", "level1": "产出指标", "level2": "数量指标", "name": "培训人次", "op": "≥",
           "value": "100", "unit": "人次"}
    below = ind.formulas + 10
    _hand_filled({
        ind.first: {**row, "level2": "社会效益指标"},  # a formula row with a problem
        below: row,
        below + 1: {**row, "project": "己项目"},  # a project of a row below the formula rows: known
        below + 2: {**row, "level2": "社会效益指标"},  # not under 产出指标
        below + 3: {**row, "project": "不存在的项目"},
        below + 4: {**row, "unit": None},  # a number without its unit
        below + 5: {**row, "level1": "不存在的一级指标"},
        below + 6: {**row, "op": None, "value": "2025年12月31日前", "unit": None},  # a date needs no unit
        ind.last: {**row, "name": None},
    }, L.INDICATORS, wb[L.SHEET_INDICATORS])
    path = save_atomic(wb, tmp_path / "hand.xlsx")
    out = load_workbook(recalculate(soffice, path, tmp_path), data_only=True)
    assert out[L.SHEET_PROJECTS][f"{col(L.PROJECTS, 'check')}1"].value == "7 行有问题"
    assert out[L.SHEET_PROJECTS][f"{col(L.PROJECTS, 'check')}{prj.first}"].value == "正常"
    assert out[L.SHEET_INDICATORS][f"{col(L.INDICATORS, 'check')}1"].value == "6 行有问题"
    assert out[L.SHEET_INDICATORS][f"{col(L.INDICATORS, 'check')}{ind.first}"].value == V_L2
    totals = out[L.SHEET_PROJECTS]
    assert totals[f"{col(L.PROJECTS, 'total')}1"].value == 90
    assert totals[f"{col(L.PROJECTS, 'sources_sum')}1"].value == 78  # the amount in words is no number
    assert totals[f"{col(L.PROJECTS, 'difference')}1"].value == 12
