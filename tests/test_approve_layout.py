"""批复表 as printed: every cell's value, font, border, alignment and number format, the merges, row heights,
column widths and the print setup, checked against the data each sheet shows (not against a stored copy)."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from xl_jixiao.approve import WIDTHS, approval_workbook, region_for, sheet_title, write_approval
from xl_jixiao.inbox import own_output_kind
from xl_jixiao.model import DeptBudget, Funding, Indicator, Project, Submission
from xl_jixiao.money import convert
from xl_jixiao.readers.legacy import read_legacy

D = Decimal
COLS = "ABCDEF"


def wan(value, unit):
    return None if value is None else convert(value, unit, "万元")


def black_thin(side) -> bool:
    return side.style == "thin" and (side.color.rgb or "")[-6:] == "000000"


def boxed(cell) -> bool:
    b = cell.border
    return all(black_thin(s) for s in (b.left, b.right, b.top, b.bottom))


def boxed_part(ws, cell) -> bool:
    """A part of a merged range: its sides on the range's outline are drawn (Excel draws a merged cell's outline
    from the cells along it)."""
    rng = next(r for r in ws.merged_cells.ranges if cell.coordinate in r)
    b = cell.border
    sides = ((b.left, cell.column == rng.min_col), (b.right, cell.column == rng.max_col),
             (b.top, cell.row == rng.min_row), (b.bottom, cell.row == rng.max_row))
    return all(black_thin(s) for s, outline in sides if outline)


def unboxed(cell) -> bool:
    b = cell.border
    return not any(s.style for s in (b.left, b.right, b.top, b.bottom))


def font(cell) -> tuple:
    f = cell.font
    return f.name, float(f.sz), bool(f.b)


def align(cell) -> tuple:
    a = cell.alignment
    return a.horizontal, a.vertical, bool(a.wrap_text)


WRAP = (None, "center", True)
CENTER = ("center", "center", True)
RIGHT = ("right", "center", False)
LEFT_TOP = ("left", "top", True)
PLAIN = ("宋体", 11.0, False)
BOLD = ("宋体", 11.0, True)


def runs(keys: list[tuple]) -> list[tuple[int, int]]:
    """(first, last) index pairs of equal, non-empty neighbouring keys (what the table merges)."""
    out, i = [], 0
    while i < len(keys):
        j = i
        while j + 1 < len(keys) and keys[j + 1] == keys[i] and keys[i][-1]:
            j += 1
        if j > i:
            out.append((i, j))
        i = j + 1
    return out


def check_indicator_table(ws, start: int, indicators: list[Indicator], merged: set[str]) -> int:
    last = start + len(indicators)
    assert ws[f"A{start}"].value == "绩效指标"
    assert [ws[f"{c}{start}"].value for c in "BCDEF"] == ["一级指标", "二级指标", "三级指标", "指标值", "说明"]
    for c in COLS:
        assert font(ws[f"{c}{start}"]) == BOLD and align(ws[f"{c}{start}"]) == CENTER, c
    hidden = set()
    if indicators:
        assert f"A{start}:A{last}" in merged
        for col, keys in (("B", [(i.level1 or "",) for i in indicators]),
                          ("C", [(i.level1 or "", i.level2 or "") for i in indicators])):
            for a, b in runs(keys):
                assert f"{col}{start + 1 + a}:{col}{start + 1 + b}" in merged
                hidden |= {f"{col}{r}" for r in range(start + 2 + a, start + 2 + b)}
    for r, ind in enumerate(indicators, start=start + 1):
        shown = {"B": ind.level1, "C": ind.level2, "D": ind.name, "E": ind.value_text(), "F": ind.note}
        for col, value in shown.items():
            cell = ws[f"{col}{r}"]
            if f"{col}{r}" in hidden:
                assert cell.value is None
                continue
            assert (cell.value or None) == (value or None), (ws.title, cell.coordinate)
            assert font(cell) == PLAIN
            assert align(cell) == (CENTER if col in "BCE" else WRAP), cell.coordinate
            assert cell.value is None or isinstance(cell.value, str)
            assert cell.number_format == "General"
        assert ws.row_dimensions[r].height >= 18
    return last


def check_common(ws, title: str, last: int, header_row: int, indicators: int, merged: set[str]) -> None:
    assert ws["A1"].value == title
    assert font(ws["A1"]) == ("黑体", 16.0, title.startswith("【")) and align(ws["A1"]) == CENTER and unboxed(ws["A1"])
    assert ws.row_dimensions[1].height == 32
    assert ws["A2"].value == "单位：万元" and align(ws["A2"]) == RIGHT and font(ws["A2"]) == PLAIN
    assert {"A1:F1", "A2:F2"} <= merged
    for r in (1, 2):
        for c in COLS:
            assert unboxed(ws[f"{c}{r}"])
    for r in range(3, last + 1):  # every cell of the form is boxed, merged ones too
        for c in COLS:
            cell = ws[f"{c}{r}"]
            assert boxed_part(ws, cell) if type(cell).__name__ == "MergedCell" else boxed(cell), (ws.title, f"{c}{r}")
    assert ws.max_row == last and ws.max_column == 6
    assert {c: ws.column_dimensions[c].width for c in COLS} == WIDTHS
    assert ws.sheet_view.showGridLines is False
    # print: A4 portrait, one page wide, one page tall unless the table is too long, header row repeated
    ps = ws.page_setup
    assert int(ps.paperSize) == 9 and ps.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == (1 if indicators <= 40 else 0)
    assert ws.print_options.horizontalCentered
    m = ws.page_margins
    assert (m.left, m.right, m.top, m.bottom, m.header, m.footer) == (0.5, 0.5, 0.7, 0.6, 0.3, 0.3)
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.print_area == f"'{ws.title}'!$A$1:$F${last}"
    head = ws.oddHeader.center
    assert head.text == title.removeprefix("【未通过审核】") and head.font == "黑体,常规" and int(head.size) == 12
    foot = ws.oddFooter.center
    assert foot.text == "第 &P 页 共 &N 页" and foot.font == "宋体,常规" and int(foot.size) == 9
    assert not list(ws.row_breaks.brk)


def check_project_sheet(ws, p: Project, sub: Submission, title: str) -> None:
    merged = {str(r) for r in ws.merged_cells.ranges}
    unit = p.funding.money_unit or sub.money_unit
    pairs = (("一级项目名称", p.category, "二级项目名称", p.name),
             ("主管部门", p.supervisor or sub.supervisor, "实施单位", p.implementer),
             ("项目编码", p.code, "实施期", p.period))
    for r, (left, lv, right, rv) in enumerate(pairs, start=3):
        assert (ws[f"A{r}"].value, ws[f"D{r}"].value) == (left, right)
        assert (ws[f"B{r}"].value or None, ws[f"E{r}"].value or None) == (lv or None, rv or None)
        assert {f"B{r}:C{r}", f"E{r}:F{r}"} <= merged
        for c in "AD":
            assert font(ws[f"{c}{r}"]) == BOLD and align(ws[f"{c}{r}"]) == CENTER
        for c in "BE":
            assert font(ws[f"{c}{r}"]) == PLAIN and align(ws[f"{c}{r}"]) == WRAP
        assert ws[f"C{r}"].value is None and ws[f"F{r}"].value is None
        assert ws.row_dimensions[r].height >= 20
    assert ws["A6"].value == "资金情况" and font(ws["A6"]) == BOLD and "A6:A7" in merged
    f = p.funding
    for label_ref, value_ref, label, key in (("B6", "C6", "年度资金总额", "total"), ("D6", "E6", "其中：财政拨款", "fiscal"),
                                             ("B7", "C7", "上年结转", "carryover"), ("D7", "E7", "其他资金", "other")):
        assert ws[label_ref].value == label and font(ws[label_ref]) == PLAIN and align(ws[label_ref]) == WRAP
        cell = ws[value_ref]
        assert align(cell) == RIGHT and font(cell) == PLAIN
        if key in f.invalid:
            assert cell.value == str(f.invalid[key]) and cell.data_type == "s"
        else:
            expected = wan(getattr(f, key), unit)
            assert (None if cell.value is None else D(str(cell.value))) == expected, (ws.title, key)
            assert cell.number_format == "#,##0.00"
    assert {"E6:F6", "E7:F7", "B8:F8"} <= merged
    assert ws["A8"].value == "年度总体目标" and font(ws["A8"]) == BOLD
    assert (ws["B8"].value or None) == (p.annual_goal or None) and align(ws["B8"]) == LEFT_TOP
    assert ws.row_dimensions[8].height >= 30
    last = check_indicator_table(ws, 9, p.indicators, merged)
    check_common(ws, title, last, 9, len(p.indicators), merged)
    # nothing is merged but what the layout asks for
    table = {f"A9:A{last}"} if p.indicators else set()
    table |= {f"{col}{9 + 1 + a}:{col}{9 + 1 + b}" for col, keys in (
        ("B", [(i.level1 or "",) for i in p.indicators]),
        ("C", [(i.level1 or "", i.level2 or "") for i in p.indicators])) for a, b in runs(keys)}
    assert merged == {"A1:F1", "A2:F2", "B3:C3", "E3:F3", "B4:C4", "E4:F4", "B5:C5", "E5:F5", "A6:A7", "E6:F6",
                      "E7:F7", "B8:F8"} | table


@pytest.mark.parametrize("fixture", ["seed_qiannan", "seed_qingyunpu"])
def test_project_sheets_cell_by_cell(fixture, request, tmp_path):
    sub = read_legacy(request.getfixturevalue(fixture))
    path = write_approval(sub, tmp_path / "批复表.xlsx")
    assert own_output_kind(path) == "approval"
    wb = openpyxl.load_workbook(path)
    used: set[str] = set()
    assert wb.sheetnames == [sheet_title(p.name or "项目", used) for p in sub.projects]
    title = f"{region_for(sub)}{sub.budget_year}年项目支出绩效目标批复表"
    for ws, p in zip(wb.worksheets, sub.projects):
        check_project_sheet(ws, p, sub, title)
        assert ws.sheet_properties.tabColor is None and not ws.oddHeader.right.text


def test_dept_sheet_cell_by_cell(seed_gansu, tmp_path):
    sub = read_legacy(seed_gansu)
    d = sub.dept
    assert d is not None and not d.is_empty()
    path = write_approval(sub, tmp_path / "批复表.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["部门整体"]
    assert wb.sheetnames[0] == "部门整体"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A3"].value == "单位名称" and ws["B3"].value == sub.unit_name and "B3:F3" in merged
    r = 4
    if d.functions:
        assert ws[f"A{r}"].value == "部门职能" and ws[f"B{r}"].value == d.functions and align(ws[f"B{r}"]) == LEFT_TOP
        r += 1
    assert ws[f"A{r}"].value == "总体目标" and (ws[f"B{r}"].value or None) == (d.goal or None)
    assert font(ws[f"A{r}"]) == BOLD and align(ws[f"B{r}"]) == LEFT_TOP and f"B{r}:F{r}" in merged
    r += 1
    first = r
    unit = d.money_unit or sub.money_unit
    left = (("人员经费", "personnel"), ("公用经费", "public"), ("基本支出", "basic"), ("项目支出", "projects"),
            ("支出预算合计", "expense_total"))
    right = (("当年财政拨款", "fiscal"), ("上年结转", "carryover"), ("其他资金", "other"), ("收入预算合计", "income_total"),
             None)
    for (llabel, lkey), rr in zip(left, right):
        assert ws[f"B{r}"].value == llabel
        pairs = [("C", lkey)] + ([("E", rr[1])] if rr else [])
        if rr:
            assert ws[f"D{r}"].value == rr[0]
        else:
            assert ws[f"D{r}"].value is None and ws[f"E{r}"].value is None
        for col, key in pairs:
            cell = ws[f"{col}{r}"]
            assert align(cell) == RIGHT and cell.number_format == "#,##0.00"
            assert (None if cell.value is None else D(str(cell.value))) == wan(getattr(d, key), unit), key
        assert f"E{r}:F{r}" in merged
        r += 1
    assert ws[f"A{first}"].value == "预算情况" and f"A{first}:A{r - 1}" in merged
    last = check_indicator_table(ws, r, d.indicators, merged)
    check_common(ws, "甘肃省2024年部门整体支出绩效目标批复表", last, r, len(d.indicators), merged)
    for ws, p in zip(wb.worksheets[1:], sub.projects):
        check_project_sheet(ws, p, sub, "甘肃省2024年项目支出绩效目标批复表")


def test_long_table_odd_text_and_invalid_amounts(tmp_path):
    """Over 40 indicators: printed on several pages with the header repeated; text that looks like a formula,
    markup or an escape code stays text; an amount that was not a number is shown as written."""
    inds = [Indicator(level1="产出指标", level2=f"类{n // 7}", name=f"指标{n} & <b>", value="= 100%",
                      note="说明" if n % 5 == 0 else None) for n in range(45)]
    inds.append(Indicator(level1="效益指标", level2="", name="  前后空格  ", value="1"))
    p = Project(name="=HYPERLINK(\"x\")", category="=1+1", implementer="单位", annual_goal="=SUM(A1)\n第二行" * 20,
                funding=Funding(money_unit="元", total=D(1972000), fiscal=D("1972000.5"), invalid={"other": "约三万"}),
                indicators=inds)
    sub = Submission(budget_year=2025, unit_name="某单位", money_unit="元", projects=[p])
    path = write_approval(sub, tmp_path / "批复表.xlsx", region="某县")
    ws = openpyxl.load_workbook(path).active
    check_project_sheet(ws, p, sub, "某县2025年项目支出绩效目标批复表")
    assert ws["D55"].value == "  前后空格  "


def test_escape_like_text_is_shown_as_written(tmp_path):
    """``_x0041_`` is how SpreadsheetML escapes a character; text that looks like it is shown as typed (as Excel
    and python-calamine decode it), in cells and in the sheet's name."""
    from xl_jixiao.readers import load_sheets

    p = Project(name="项目_x0041_", funding=Funding(total=D(1)),
                indicators=[Indicator(level1="产出指标", level2="数量指标", name="代码_x0041_", value="1")])
    path = write_approval(Submission(budget_year=2025, unit_name="某单位", projects=[p]), tmp_path / "批复表.xlsx")
    sheets = load_sheets(path)
    assert list(sheets) == ["项目_x0041_"]
    rows = sheets["项目_x0041_"]
    assert rows[2][4] == "项目_x0041_" and rows[9][3] == "代码_x0041_"


def test_not_passed_pages_are_marked(seed_qingyunpu, tmp_path):
    from xl_jixiao.cli import main

    out = tmp_path / "批复表.xlsx"
    assert main(["approve", str(seed_qingyunpu), "-o", str(out), "--force"]) == 0
    sub = read_legacy(seed_qingyunpu)
    wb = openpyxl.load_workbook(out)
    for ws, p in zip(wb.worksheets, sub.projects):
        check_project_sheet(ws, p, sub, "【未通过审核】南昌市青云谱区2023年项目支出绩效目标批复表")
        assert (ws["A1"].font.color.rgb or "")[-6:] == "FF0000" and ws["A1"].font.b
        assert (ws.sheet_properties.tabColor.rgb or "")[-6:] == "FF0000"
        assert ws.oddHeader.right.text == "未通过审核" and ws.oddHeader.right.color == "FF0000"


def test_units_numbered_and_empty_dept_left_out(tmp_path):
    a = Submission(budget_year=2025, unit_name="甲单位", dept=DeptBudget(),
                   projects=[Project(name="同名项目", funding=Funding(total=D(1)))])
    b = Submission(budget_year=2025, unit_name="乙单位", projects=[Project(name="同名项目"), Project(name="同名项目")])
    book = approval_workbook([a, b], region="某县")
    assert book.sheets == ["1-同名项目", "2-同名项目", "2-同名项目(2)"]
    assert book.units == ["甲单位", "乙单位"]
    path = write_approval([a, b], tmp_path / "批复表.xlsx", region="某县")
    assert openpyxl.load_workbook(path).sheetnames == book.sheets


def test_approve_loads_neither_openpyxl_nor_a_validation_library(seed_qiannan, tmp_path):
    """The 批复表 is written by the streaming writer: approving a form loads no openpyxl (nor numpy, PIL or
    lxml through it) and no pydantic."""
    import json
    import subprocess
    import sys

    out = tmp_path / "批复表.xlsx"
    code = (
        "import contextlib, io, json, sys\n"
        "from xl_jixiao.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['approve', {str(seed_qiannan)!r}, '-o', {str(out)!r}, '--force']) == 0\n"
        "heavy = ('openpyxl', 'numpy', 'PIL', 'lxml', 'pydantic', 'pydantic_core', 'pandas')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[-1]) == []
    assert openpyxl.load_workbook(out).sheetnames  # and the workbook is there
