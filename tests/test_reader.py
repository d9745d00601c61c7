"""Template reader: columns by header, blank rows, amounts as text, cells kept, errors named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from xl_jixiao.errors import ReadError
from xl_jixiao.readers import is_template, load_sheets, read_submission, submission_from_sheets
from xl_jixiao.readers.template import norm_label

D = Decimal


def sheets(projects=None, indicators=None, unit=None, dept=None):
    out = {
        "单位信息": unit if unit is not None else [
            ["单位信息", None],
            ["预算年度", 2024.0],
            ["单位名称", "测试局"],
            ["金额单位", "万元"],
            ["指标体系", "2021年财政部项目支出绩效指标体系"],
        ],
        "项目信息": projects if projects is not None else [
            ["项目信息"],
            ["序号", "项目名称", "实施单位", "年度资金总额", "财政拨款", "上年结转", "其他资金", "年度绩效目标",
             "支出进度3月底", "支出进度6月底", "支出进度9月底", "支出进度12月底", "备注"],
            [1, "项目甲", "测试局", 100, 80, 20, None, "目标甲", 0.25, 0.5, 0.75, 1, None],
        ],
        "绩效指标": indicators if indicators is not None else [
            ["绩效指标"],
            ["序号", "项目名称", "一级指标", "二级指标", "三级指标", "计算符号", "指标值", "计量单位", "备注"],
            [1, "项目甲", "产出指标", "数量指标", "培训人次", "≥", 200, "人次", None],
        ],
    }
    if dept is not None:
        out["部门整体"] = dept
    return out


def test_a1_helpers():
    from xl_jixiao.cellref import a1, column_letter, parse_a1

    assert column_letter(1) == "A" and column_letter(26) == "Z" and column_letter(27) == "AA"
    assert a1(1, 1) == "A1" and a1(12, 7) == "G12"
    assert parse_a1("G12") == (12, 7) and parse_a1("$AA$3") == (3, 27)
    assert parse_a1("12") is None and parse_a1("A0") is None and parse_a1("") is None
    assert norm_label(" *年度资金总额（万元）：") == "年度资金总额"


def test_basic_read_keeps_cells():
    sub = submission_from_sheets(sheets(), file="a.xlsx")
    assert sub.budget_year == 2024 and sub.unit_name == "测试局" and sub.money_unit == "万元" and sub.scheme == "2021"
    assert sub.cells["unit_name"].cell == "B3" and sub.cells["unit_name"].sheet == "单位信息"
    [p] = sub.projects
    assert p.funding.total == D(100) and p.funding.fiscal == D(80) and p.funding.other is None
    assert p.cells["total"].cell == "D3" and p.cells["total"].row == 3 and p.cells["total"].file == "a.xlsx"
    assert [(pt.label, pt.percent) for pt in p.spending_plan] == [("3月底", 25), ("6月底", 50), ("9月底", 75), ("12月底", 100)]
    [i] = p.indicators
    assert i.value_text() == "≥200人次" and i.cells["value"].cell == "G3" and i.row == 3
    assert sub.source.kind == "template"


def test_inserted_columns_and_rows_blank_rows_and_text_amounts():
    projects = [
        ["说明：请按要求填写"],
        [],
        ["自定义列", "项目名称", "备用", "实施单位", "年度资金总额（元）", "其中：财政拨款", "上年结转资金", "非财政拨款", "年度绩效目标"],
        [None, "项目甲", "x", "测试局", "1,280,000", "12.8万", "", "0", "目标"],
        [None, None, None, None, None, None, None, None, None],
        [None, "项目乙", None, "测试局", "约10", 5, None, None, "目标"],
        [None, "合计", None, None, 1300000, None, None, None, None],
    ]
    indicators = [
        ["", ""],
        ["绩效指标"],
        ["说明"],
        ["项目名称", "插入的列", "一级指标", "二级指标", "三级指标", "指标值（包含数字及文字描述）", "指标值说明", "取值依据", "备注"],
        ["项目甲", "", "产出指标", "数量指标", "培训人次", "≥200人次", "", "计划标准", "忽略:JX204"],
        ["", "", "", "质量指标", "合格率", "≥95%", "", "", ""],
        [],
        ["项目丁", "", "效益指标", "社会效益指标", "x", "≥1个", "", "", ""],
    ]
    sub = submission_from_sheets(sheets(projects=projects, indicators=indicators))
    a, b = sub.projects
    assert a.funding.total == D(128) and a.funding.fiscal == D("12.8") and a.funding.carryover is None
    assert a.funding.other == D(0)
    assert a.cells["total"].cell == "E4"
    assert b.funding.invalid == {"total": "约10"} and b.funding.total is None
    assert b.funding.fiscal == D(5)  # only the 年度资金总额 header names 元
    assert [i.name for i in a.indicators] == ["培训人次", "合格率"]
    q = a.indicators[1]
    assert (q.project, q.level1, q.level2) == ("项目甲", "产出指标", "质量指标")  # merged cells read as blank
    assert a.indicators[0].remark == "忽略:JX204" and a.indicators[0].basis == "计划标准"
    assert a.indicators[0].cells["value"].cell == "F5"
    [u] = sub.unassigned_indicators
    assert u.project == "项目丁" and u.cells["project"].cell == "A8"


def test_project_names_match_despite_spaces():
    ind = [["项目名称", "一级指标", "二级指标", "三级指标", "指标值"], ["项目 甲 ", "产出指标", "数量指标", "n", "≥1个"]]
    sub = submission_from_sheets(sheets(indicators=ind))
    assert len(sub.projects[0].indicators) == 1 and not sub.unassigned_indicators


def test_plan_as_text_and_other_checkpoints():
    projects = [["项目名称", "实施单位", "年度资金总额", "3月底", "6月底", "10月底", "12月底累计支出进度"],
                ["项目甲", "局", 10, "25%", "50", "", "100%"]]
    sub = submission_from_sheets(sheets(projects=projects))
    plan = sub.projects[0].spending_plan
    assert [(p.label, p.percent) for p in plan] == [("3月底", 25), ("6月底", 50), ("10月底", None), ("12月底", 100)]


def test_plan_rows_read_alike_whatever_repeats():
    """Plan rows repeat across projects and workbooks; each project still gets its own points, and cells that
    compare equal but read differently (0.0 and -0.0, 1 and 1.0, a number and its text) keep their own reading."""
    head = ["项目名称", "实施单位", "年度资金总额", "3月底", "6月底", "9月底", "12月底"]
    rows = [["项目甲", "局", 10, 0.2, 0.5, 0.75, 1.0], ["项目乙", "局", 10, 0.2, 0.5, 0.75, 1.0],
            ["项目丙", "局", 10, -0.0, 0.5, 0.75, 1.0], ["项目丁", "局", 10, 0.0, 0.5, 0.75, 1.0],
            ["项目戊", "局", 10, 0.2, 0.5, 0.75, 1], ["项目己", "局", 10, "0.2", 0.5, 0.75, 1.0],
            ["项目庚", "局", 10, 20.0, 50.0, "75%", 100.0]]
    scaled = [("20", "20%"), ("50", "50%"), ("75", "75%"), ("100", "100%")]
    for _ in range(2):  # read twice: the second reading is made of remembered rows
        sub = submission_from_sheets(sheets(projects=[head, *rows]))
        got = {p.name: [(str(pt.percent), pt.raw) for pt in p.spending_plan] for p in sub.projects}
        assert got["项目甲"] == got["项目乙"] == got["项目戊"] == scaled
        assert got["项目丙"] == [("-0", "0%"), *scaled[1:]] and got["项目丁"] == [("0", "0%"), *scaled[1:]]
        assert got["项目己"] == [("0.2", "0.2"), *scaled[1:]]  # typed as text, at most 1: the numbers are fractions
        assert got["项目庚"] == [("20.0", "20"), ("50.0", "50"), ("75", "75%"), ("100.0", "100")]
        a, b = sub.projects[0].spending_plan, sub.projects[1].spending_plan
        assert a[0] is not b[0]
        a[0].percent = D(30)  # a rule or a caller may change one project's point: the other keeps its own
        assert b[0].percent == D(20)


def test_unit_block_found_anywhere_and_money_unit_yuan():
    unit = [[None, None, None], [None, "单位：", None], [None, "预算年度", "2025年"],
            [None, "单位名称", None], [None, "金额单位", "元"], [None, "单位编码", 5227000001.0]]
    sub = submission_from_sheets(sheets(unit=unit))
    assert sub.budget_year == 2025 and sub.money_unit == "元" and sub.unit_name is None
    assert sub.unit_code == "5227000001"
    assert sub.cells["unit_name"].cell == "C4"  # the empty value cell, for JX401 to point at


def test_dept_block_and_indicators():
    dept = [
        ["部门整体"],
        ["人员经费", 2272.88, "当年财政拨款", 17200.01],
        ["公用经费", "519.13", "上年结转", 2606.51],
        ["基本支出", None, "其他资金", 0],
        ["项目支出", 17014.51, "收入预算合计", 19806.52],
        ["支出预算合计", 19806.52],
        ["整体绩效目标", "目标1：……"],
        [],
        ["序号", "一级指标", "二级指标", "三级指标", "计算符号", "指标值", "计量单位"],
        [1, "部门管理", "资金投入", "“三公经费”控制率", "≤", 100, "%"],
    ]
    sub = submission_from_sheets(sheets(dept=dept))
    d = sub.dept
    assert d.personnel == D("2272.88") and d.public == D("519.13") and d.basic is None and d.fiscal == D("17200.01")
    assert d.cells["fiscal"].cell == "D2" and d.cells["basic"].cell == "B4"
    assert d.goal == "目标1：……"
    [i] = d.indicators
    assert i.project == "部门整体" and i.value_text() == "≤100%" and i.cells["value"].cell == "F10"


def test_origins_shift_cell_references():
    s = sheets()
    sub = submission_from_sheets(s, origins={"绩效指标": (4, 2)})
    assert sub.projects[0].indicators[0].cells["value"].cell == "I7"


def test_dates_and_numbers_as_text():
    ind = [["项目名称", "一级指标", "二级指标", "三级指标", "指标值"],
           ["项目甲", "产出指标", "时效指标", "完成时间", dt.datetime(2024, 12, 31)],
           ["项目甲", "产出指标", "质量指标", "合格率", 95.0]]
    sub = submission_from_sheets(sheets(indicators=ind))
    assert [i.value for i in sub.projects[0].indicators] == ["2024年12月31日", "95"]


def test_not_a_template():
    assert not is_template({"Sheet1": [["a", "b"], [1, 2]]})
    with pytest.raises(ReadError) as exc:
        submission_from_sheets({"Sheet1": [["a"]]}, file="x.xlsx")
    assert "x.xlsx" in str(exc.value) and "模板" in exc.value.reason


def test_load_sheets_errors(tmp_path):
    with pytest.raises(ReadError, match="不存在"):
        load_sheets(tmp_path / "missing.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ReadError) as exc:
        load_sheets(bad)
    assert exc.value.file == str(bad)
    txt = tmp_path / "a.csv"
    txt.write_text("x", encoding="utf-8")
    with pytest.raises(ReadError, match="不支持"):
        load_sheets(txt)


def test_load_sheets_from_a1_and_read_submission(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets().items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=3):  # two blank rows on top
            for c, v in enumerate(row, start=2):  # one blank column on the left
                ws.cell(row=r, column=c, value=v)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    loaded = load_sheets(path)
    assert loaded["绩效指标"][0] == [] or all(v in ("", None) for v in loaded["绩效指标"][0])
    sub = read_submission(path)
    assert sub.projects[0].indicators[0].cells["value"].cell == "H5"
    assert sub.cells["unit_name"].cell == "C5"


def test_read_submission_rejects_lock_files(tmp_path):
    p = tmp_path / "~$a.xlsx"
    p.write_bytes(b"x")
    with pytest.raises(ReadError, match="锁定"):
        read_submission(p)


def test_round_trip_through_template_writer(tmp_path):
    from xl_jixiao.template import generate_samples

    manifest = generate_samples(tmp_path, 1, seed=3, defect_rate=0)
    [name] = manifest
    from xl_jixiao.template.samples import sample_submission

    want = sample_submission(0, 3)
    got = read_submission(tmp_path / name)
    assert got.unit_name == want.unit_name and got.budget_year == want.budget_year
    assert got.money_unit == want.money_unit and got.scheme == want.scheme
    assert [p.name for p in got.projects] == [p.name for p in want.projects]
    for a, b in zip(got.projects, want.projects):
        assert a.funding.total == b.funding.total and a.funding.fiscal == b.funding.fiscal
        assert [pt.percent for pt in a.spending_plan] == [pt.percent for pt in b.spending_plan]
        assert [(i.level1, i.level2, i.name, i.value_text()) for i in a.indicators] == \
               [(i.level1, i.level2, i.name, i.value_text()) for i in b.indicators]
    if want.dept is not None:
        assert got.dept is not None and got.dept.expense_total == want.dept.expense_total
        assert len(got.dept.indicators) == len(want.dept.indicators)
    assert not got.unassigned_indicators


def test_read_submission_dispatches_text_forms_to_importer(seed_qiannan):
    try:
        import xl_jixiao.readers.legacy  # noqa: F401
    except ImportError:
        with pytest.raises(ReadError):
            read_submission(seed_qiannan)
        return
    sub = read_submission(seed_qiannan)
    assert sub.source.kind == "legacy" and len(sub.projects) == 6


def test_renamed_sheets_are_found():
    s = sheets()
    s["绩效指标 (2)"] = s.pop("绩效指标")
    s["项目信息表"] = s.pop("项目信息")
    assert is_template(s)
    sub = submission_from_sheets(s)
    assert sub.projects[0].indicators[0].cells["value"].sheet == "绩效指标 (2)"


def test_blank_value_never_borrows_help_text(tmp_path):
    from xl_jixiao.model import Funding, Indicator, Project, Submission
    from xl_jixiao.rules import check_submission
    from xl_jixiao.template import write_submission

    sub = Submission(budget_year=2024, unit_name=None, projects=[Project(
        name="甲", implementer="局", annual_goal="目标", funding=Funding(total=Decimal(1), fiscal=Decimal(1)),
        indicators=[Indicator(level1="产出指标", level2="数量指标", name="n", value="≥1个")])])
    path = tmp_path / "t.xlsx"
    write_submission(sub, path)
    got = read_submission(path)
    assert got.unit_name is None and got.cells["unit_name"].cell == "B" + str(got.cells["unit_name"].row)
    assert any(f.code == "JX401" and f.cell == got.cells["unit_name"].cell for f in check_submission(got))
