"""Legacy xlsx and docx forms built here (merged cells, 元, 项目编码, 资金支出计划, extra columns, footers)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from xl_jixiao.readers.legacy import import_legacy, read_legacy

D = Decimal


def _indicators(ws, start: int, rows: list[tuple], merges: list[str] = ()) -> int:
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(start + i, j + 1, v)
    for m in merges:
        ws.merge_cells(m)
    return start + len(rows)


def build_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "道路养护"
    ws["A1"] = "某县2025年项目支出绩效目标申报表"
    ws.merge_cells("A1:F1")
    ws["A2"] = "单位：元"
    ws.merge_cells("A2:F2")
    ws["A3"] = "项目编码"
    ws["B3"] = "52270125P000123456789"
    ws.merge_cells("B3:C3")
    ws["D3"] = "项目名称"
    ws["E3"] = "农村公路日常养护"
    ws.merge_cells("E3:F3")
    ws["A4"] = "主管部门"
    ws["B4"] = "某县交通运输局"
    ws.merge_cells("B4:C4")
    ws["D4"] = "实施单位"
    ws["E4"] = "某县公路管理段"
    ws.merge_cells("E4:F4")
    ws["A5"] = "项目资金"
    ws.merge_cells("A5:A8")
    ws["B5"], ws["C5"] = "年度资金总额", 1972000
    ws["B6"], ws["C6"] = "其中：财政拨款", 1500000
    ws["B7"], ws["C7"] = "上年结转", 472000
    ws["B8"], ws["C8"] = "上级资金", "（分级填报）"
    ws["A9"] = "资金支出计划"
    ws.merge_cells("A9:A10")
    for col, (cp, pct) in zip("BCDE", (("3月底", 0.2), ("6月底", 0.5), ("10月底", 0.8), ("12月底", 1))):
        ws[f"{col}9"] = cp
        ws[f"{col}10"] = pct
        ws[f"{col}10"].number_format = "0%"
    ws["A11"] = "年度绩效目标"
    ws["B11"] = "完成全县农村公路日常养护，路况优良率稳步提升。"
    ws.merge_cells("B11:F11")
    ws.append(["一级指标", "二级指标", "三级指标", "指标值", "绩效指标描述", "指标值确定依据"])  # row 12
    _indicators(ws, 13, [
        ("产出指标", "数量指标", "养护农村公路里程", "≥120公里", "全年累计养护里程", "计划标准"),
        (None, None, "路面保洁次数", "≥12次", None, "历史标准"),
        (None, "质量指标", "路面完好率", "≥95%", None, "行业标准"),
        (None, "时效指标", "完成时间", "2025年12月31日", None, None),
        ("成本指标", "经济成本指标", "养护成本", "≤1972000元", "按定额测算", "预算支出标准"),
        ("效益指标", "社会效益指标", "群众出行便利程度", "持续提升", None, None),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", None, "计划标准"),
    ], merges=["A13:A16", "B13:B14"])
    ws["A21"] = "填表人：张三"
    ws["C21"] = "联系电话：0854-8221234"
    ws["E21"] = "填报日期：2025年1月10日"
    ws.merge_cells("A22:F22")
    ws["A22"] = "单位负责人签字："

    ws2 = wb.create_sheet("其他项目")
    ws2["A1"] = "某县2025年项目支出绩效目标申报表"
    ws2.merge_cells("A1:F1")
    ws2["F2"] = "单位：元"
    r = 3
    for name, total, inds in (
        ("乡村客运补贴", 300000, [
            ("产出指标", "数量指标", "补贴客运线路", "≥20条"),
            (None, "质量指标", "补贴发放准确率", "=100%"),
            (None, "时效指标", "补贴发放时间", "2025年11月30日前"),
            ("效益指标", "社会效益指标", "群众出行保障", "有效保障"),
            ("满意度指标", "服务对象满意度指标", "乘客满意度", "≥90%"),
        ]),
        ("交通安全宣传", 50000, [
            ("产出指标", "数量指标", "宣传活动场次", "≥6场"),
            (None, None, "发放宣传资料", "≥2000份"),
            ("效益指标", "社会效益指标", "交通安全意识", "明显提高"),
            ("满意度指标", "服务对象满意度指标", "群众满意度", "≥85%"),
        ]),
    ):
        ws2.cell(r, 1, "项目名称")
        ws2.cell(r, 2, name)
        ws2.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
        ws2.cell(r + 1, 1, "主管部门")
        ws2.cell(r + 1, 2, "某县交通运输局")
        ws2.cell(r + 1, 4, "实施单位")
        ws2.cell(r + 1, 5, "某县交通运输局")
        ws2.cell(r + 2, 1, "年度资金总额")
        ws2.cell(r + 2, 2, total)
        ws2.cell(r + 2, 3, "财政拨款")
        ws2.cell(r + 2, 4, total)
        ws2.cell(r + 2, 5, "其他资金")
        ws2.cell(r + 2, 6, 0)
        ws2.cell(r + 3, 1, "年度绩效目标")
        ws2.cell(r + 3, 2, f"{name}年度目标")
        ws2.merge_cells(start_row=r + 3, start_column=2, end_row=r + 3, end_column=6)
        for j, h in enumerate(("一级指标", "二级指标", "三级指标", "指标值", "绩效标准")):
            ws2.cell(r + 4, j + 1, h)
        first = r + 5
        for i, row in enumerate(inds):
            for j, v in enumerate(row):
                if v is not None:
                    c = ws2.cell(first + i, j + 1, v)
                    if str(v).startswith("="):
                        c.data_type = "s"  # typed text, not a formula
        # 产出指标 merged down over its rows
        n_out = sum(1 for x in inds if x[0] in ("产出指标", None))
        ws2.merge_cells(start_row=first, start_column=1, end_row=first + n_out - 1, end_column=1)
        r = first + len(inds) + 1  # one blank row between the stacked projects
    ws3 = wb.create_sheet("部门整体", 0)
    ws3["A1"] = "部门整体支出绩效目标表"
    ws3.merge_cells("A1:F1")
    ws3["A2"] = "单位名称"
    ws3["B2"] = "某县交通运输局"
    ws3.merge_cells("B2:F2")
    ws3["A3"] = "部门职能"
    ws3["B3"] = "负责全县公路、水路交通行业管理。"
    ws3.merge_cells("B3:F3")
    ws3["A4"] = "年度总体目标"
    ws3["B4"] = "保障全县交通运输安全畅通。"
    ws3.merge_cells("B4:F4")
    ws3["A5"] = "预算情况（元）"
    ws3.merge_cells("A5:A9")
    budget = [("基本支出", None, "当年财政拨款", 3_000_000),
              ("人员经费", 1_800_000, "上年结转", 472_000),
              ("公用经费", 200_000, "其他资金", "（分级填报）"),
              ("基本支出合计", 2_000_000, "收入预算合计", 3_472_000),
              ("项目支出", 2_322_000, "支出预算合计", 4_322_000)]
    for i, (a, b, c, d) in enumerate(budget, start=5):
        ws3.cell(i, 2, a)
        if b is not None:
            ws3.cell(i, 3, b)
        ws3.cell(i, 4, c)
        ws3.cell(i, 5, d)
    ws3.append(["一级指标", "二级指标", "三级指标", "指标值"])  # row 10
    for row in (("部门管理", "资金投入", "基本支出预算执行率", "=100%"),
                (None, "财务管理", "资金使用规范性", "规范"),
                ("履职效果", "部门履职目标", "公路养护任务完成率", "≥95%"),
                ("能力建设", "档案管理", "档案管理完备性", "完备")):
        ws3.append(list(row))
    for row in ws3.iter_rows(min_row=11):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"
    ws3.merge_cells("A11:A12")
    wb.save(path)
    return path


def test_xlsx_form_recovery(tmp_path):
    sub, report = import_legacy(build_xlsx(tmp_path / "旧表.xlsx"))
    assert sub.money_unit == "元"
    assert sub.budget_year == 2025
    assert sub.unit_name == "某县交通运输局"
    d = sub.dept
    assert d is not None and d.money_unit == "元"
    assert (d.personnel, d.public, d.basic, d.projects) == (D(1800000), D(200000), D(2000000), D(2322000))
    assert (d.fiscal, d.carryover, d.other) == (D(3000000), D(472000), None)
    assert d.invalid == {"other": "（分级填报）"}
    assert (d.income_total, d.expense_total) == (D(3472000), D(4322000))
    assert d.functions.startswith("负责全县公路") and d.goal.startswith("保障全县")
    assert [(i.level1, i.level2, i.name) for i in d.indicators] == [
        ("部门管理", "资金投入", "基本支出预算执行率"), ("部门管理", "财务管理", "资金使用规范性"),
        ("履职效果", "部门履职目标", "公路养护任务完成率"), ("能力建设", "档案管理", "档案管理完备性")]
    assert sub.dept_scheme == "dept_mgmt"
    assert [p.name for p in sub.projects] == ["农村公路日常养护", "乡村客运补贴", "交通安全宣传"]
    p = sub.projects[0]
    assert p.code == "52270125P000123456789"
    assert p.supervisor == "某县交通运输局" and p.implementer == "某县公路管理段"
    f = p.funding
    assert (f.total, f.fiscal, f.carryover, f.other) == (D(1972000), D(1500000), D(472000), None)
    assert f.invalid == {"上级资金": "（分级填报）"}
    assert [(x.label, x.percent) for x in p.spending_plan] == [
        ("3月底", D(20)), ("6月底", D(50)), ("10月底", D(80)), ("12月底", D(100))]
    assert p.annual_goal.startswith("完成全县农村公路")
    assert len(p.indicators) == 7
    first = p.indicators[0]
    assert (first.level1, first.level2, first.name, first.value) == ("产出指标", "数量指标", "养护农村公路里程", "≥120公里")
    assert first.note == "全年累计养护里程" and first.basis == "计划标准"
    second = p.indicators[1]
    assert (second.level1, second.level2, second.name, second.value, second.basis) == (
        "产出指标", "数量指标", "路面保洁次数", "≥12次", "历史标准")
    assert p.indicators[3].value == "2025年12月31日"
    assert (p.indicators[4].level1, p.indicators[4].level2) == ("成本指标", "经济成本指标")
    assert first.cells["value"].sheet == "道路养护" and first.cells["value"].cell == "D13"
    assert sub.filler == "张三" and sub.phone == "0854-8221234" and sub.fill_date == "2025年1月10日"
    assert sub.scheme == "2021"

    q, r = sub.projects[1], sub.projects[2]
    assert (q.funding.total, q.funding.fiscal, q.funding.other) == (D(300000), D(300000), D(0))
    assert len(q.indicators) == 5 and len(r.indicators) == 4
    assert [(i.level1, i.level2) for i in r.indicators[:2]] == [("产出指标", "数量指标")] * 2
    assert q.indicators[1].level1 == "产出指标"  # carried down through the merged cell
    assert r.annual_goal == "交通安全宣传年度目标"
    assert report.unplaced == []


def test_xlsx_form_cli(tmp_path, capsys):
    from xl_jixiao.cli import main
    from xl_jixiao.readers import read_submission

    src = build_xlsx(tmp_path / "旧表.xlsx")
    out = tmp_path / "导入.xlsx"
    assert main(["import", str(src), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "农村公路日常养护" in text and "金额单位：元" in text and "已写入" in text
    back = read_submission(out)
    assert [p.name for p in back.projects] == ["农村公路日常养护", "乡村客运补贴", "交通安全宣传"]
    assert [len(p.indicators) for p in back.projects] == [7, 5, 4]


def build_docx(path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph("项目支出绩效目标表")
    doc.add_paragraph("预算年度：2025")
    doc.add_paragraph("单位名称：某市司法局社区矫正管理局")
    t = doc.add_table(rows=12, cols=4)
    t.style = "Table Grid"

    def row(i, *vals):
        for j, v in enumerate(vals):
            if v is not None:
                t.cell(i, j).text = v

    row(0, "项目名称", "社区矫正专项经费")
    t.cell(0, 1).merge(t.cell(0, 3))
    row(1, "主管部门及代码", "301-某市司法局", "实施单位", "某市司法局")
    row(2, "项目资金（万元）", "年度资金总额：", "45.5")
    row(3, None, "其中：财政拨款", "40")
    row(4, None, "上年结转", "5.5")
    t.cell(2, 0).merge(t.cell(4, 0))
    row(5, "年度绩效目标", "规范开展社区矫正工作。")
    t.cell(5, 1).merge(t.cell(5, 3))
    row(6, "一级指标", "二级指标", "三级指标", "指标值")
    row(7, "产出指标", "数量指标", "社区矫正对象接收率", "=100%")
    row(8, None, None, "教育学习活动", "≥12次")
    row(9, None, "时效指标", "报到及时率", "≥98%")
    row(10, "效益指标", "社会效益指标", "再犯罪率", "≤0.2%")
    row(11, "满意度指标", "服务对象满意度指标", "矫正对象满意度", "≥90%")
    t.cell(7, 0).merge(t.cell(9, 0))
    t.cell(7, 1).merge(t.cell(8, 1))
    doc.add_paragraph("填表人：李四    联系电话：13800000000")
    doc.save(path)
    return path


def test_docx_form_recovery(tmp_path):
    sub, report = import_legacy(build_docx(tmp_path / "表.docx"))
    assert sub.budget_year == 2025 and sub.money_unit == "万元"
    assert sub.unit_name == "某市司法局社区矫正管理局" and sub.supervisor == "301-某市司法局"
    assert len(sub.projects) == 1
    p = sub.projects[0]
    assert p.name == "社区矫正专项经费"
    assert (p.funding.total, p.funding.fiscal, p.funding.carryover) == (D("45.5"), D(40), D("5.5"))
    assert [(i.level1, i.level2, i.name, i.value) for i in p.indicators] == [
        ("产出指标", "数量指标", "社区矫正对象接收率", "=100%"),
        ("产出指标", "数量指标", "教育学习活动", "≥12次"),
        ("产出指标", "时效指标", "报到及时率", "≥98%"),
        ("效益指标", "社会效益指标", "再犯罪率", "≤0.2%"),
        ("满意度指标", "服务对象满意度指标", "矫正对象满意度", "≥90%"),
    ]
    assert p.indicators[0].cells["value"].sheet == "表1"
    assert sub.filler == "李四" and sub.phone == "13800000000"
    assert report.unplaced == []


def test_several_files_make_one_submission(tmp_path):
    sub = read_legacy([build_docx(tmp_path / "a.docx"), build_xlsx(tmp_path / "b.xlsx")])
    assert [p.name for p in sub.projects] == ["社区矫正专项经费", "农村公路日常养护", "乡村客运补贴", "交通安全宣传"]
    # mixed money units are brought to 万元
    assert sub.money_unit == "万元"
    assert sub.projects[1].funding.total == D("197.2")


def test_unreadable_file_names_it(tmp_path):
    from xl_jixiao.errors import ReadError

    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(ReadError) as e:
        read_legacy(bad)
    assert "坏.xlsx" in str(e.value)


def test_note_rows_below_the_table_are_not_indicators(tmp_path):
    p = tmp_path / "表.txt"
    p.write_text("项目名称\t甲项目\n年度资金总额\t10\n一级指标\t二级指标\t三级指标\t指标值\n"
                 "产出指标\t数量指标\t培训次数\t≥2次\n注：本表金额单位为万元。\n", encoding="utf-8")
    sub, report = import_legacy(p)
    assert len(sub.projects[0].indicators) == 1
    assert [u.reason for u in report.unplaced] == ["表格下方的说明文字（未导入）"]


def test_template_given_to_import_is_read_as_template(tmp_path, seed_qingyunpu):
    from xl_jixiao.template import write_submission

    original = read_legacy(seed_qingyunpu)
    tpl = write_submission(original, tmp_path / "模板.xlsx")
    sub, report = import_legacy(tpl)
    assert [p.name for p in sub.projects] == [p.name for p in original.projects]
    assert any("模板工作簿" in n for n in report.notes)


def test_import_json_output(tmp_path, capsys, seed_gansu):
    import json

    from xl_jixiao.cli import main

    assert main(["import", str(seed_gansu), "-o", str(tmp_path / "o.xlsx"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dept"] is True and len(data["projects"]) == 5
    assert data["projects"][0] == {"name": "政法维稳工作专项补助", "total": "1150.00", "fiscal": "1150.00",
                                   "carryover": "0.00", "other": "0.00", "indicators": 16}
    assert data["output"].endswith("o.xlsx")


def test_variant_text_form_with_inline_labels_and_row_numbers(tmp_path):
    """Another layout: 'label：value' cells, a 序号 column, 计算符号/计量单位 columns, a 元 amount inline."""
    text = (
        "2025年度项目支出绩效目标申报表\n"
        "单位名称：某县人民医院\t\t金额单位：元\n"
        "项目名称：县域医共体建设\t项目编码：52272225P000000000001\n"
        "主管部门：某县卫生健康局\t实施单位：某县人民医院\n"
        "年度资金总额\t800000\t财政拨款\t600000\t其他资金\t200000\n"
        "年度绩效目标\t建成县域医共体信息平台。\n"
        "序号\t一级指标\t二级指标\t三级指标\t计算符号\t指标值\t计量单位\t指标值确定依据\n"
        "1\t产出指标\t数量指标\t接入乡镇卫生院\t≥\t12\t家\t计划标准\n"
        "2\t\t时效指标\t平台上线时间\t定性\t2025年10月底前\t\t计划标准\n"
        "3\t满意度指标\t服务对象满意度指标\t患者满意度\t≥\t90\t%\t行业标准\n"
        "填表人：王五\t联系电话：0854-1234567\n"
    )
    p = tmp_path / "申报表.txt"
    p.write_text(text, encoding="utf-8")
    sub, report = import_legacy(p)
    assert sub.budget_year == 2025 and sub.money_unit == "元"
    assert sub.unit_name == "某县人民医院"
    (proj,) = sub.projects
    assert (proj.name, proj.code, proj.supervisor, proj.implementer) == (
        "县域医共体建设", "52272225P000000000001", "某县卫生健康局", "某县人民医院")
    assert (proj.funding.total, proj.funding.fiscal, proj.funding.other) == (D(800000), D(600000), D(200000))
    got = [(i.level1, i.level2, i.name, i.op, i.value, i.unit, i.basis) for i in proj.indicators]
    assert got == [
        ("产出指标", "数量指标", "接入乡镇卫生院", "≥", "12", "家", "计划标准"),
        ("产出指标", "时效指标", "平台上线时间", "定性", "2025年10月底前", None, "计划标准"),
        ("满意度指标", "服务对象满意度指标", "患者满意度", "≥", "90", "%", "行业标准"),
    ]
    assert proj.indicators[0].value_text() == "≥12家"
    assert sub.filler == "王五"
    assert report.unplaced == []


def test_nothing_recognised_writes_nothing(tmp_path, capsys):
    from xl_jixiao.cli import main

    junk = tmp_path / "杂项.txt"
    junk.write_text("你好\n世界\tfoo\n", encoding="utf-8")
    out = tmp_path / "o.xlsx"
    assert main(["import", str(junk), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert "未识别的内容" in captured.out and "未写入" in captured.err
    assert not out.exists()
    assert main(["approve", str(junk), "-o", str(out)]) == 2  # unusable input
    assert "没有识别出" in capsys.readouterr().err
    assert not out.exists()


def test_indicator_table_without_header_row(tmp_path):
    p = tmp_path / "无表头.txt"
    p.write_text("项目名称\t乙项目\n年度资金总额\t5\n产出指标\t数量指标\t开展培训\t≥2次\n\t\t发放手册\t≥100册\n"
                 "满意度指标\t服务对象满意度指标\t学员满意度\t≥90%\n", encoding="utf-8")
    sub, report = import_legacy(p)
    assert [(i.level1, i.level2, i.name, i.value) for i in sub.projects[0].indicators] == [
        ("产出指标", "数量指标", "开展培训", "≥2次"), ("产出指标", "数量指标", "发放手册", "≥100册"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%")]
    assert report.unplaced == []


def test_project_after_a_dept_block_without_title(tmp_path):
    p = tmp_path / "合表.txt"
    p.write_text("单位整体支出绩效目标表\n单位名称\t某局\n人员经费\t10\n公用经费\t2\n"
                 "项目名称\t丙项目\n年度资金总额\t3\n一级指标\t二级指标\t三级指标\t指标值\n"
                 "产出指标\t数量指标\t次数\t≥1次\n", encoding="utf-8")
    sub = read_legacy(p)
    assert sub.dept is not None and (sub.dept.personnel, sub.dept.public) == (D(10), D(2))
    assert [p.name for p in sub.projects] == ["丙项目"] and len(sub.projects[0].indicators) == 1


def test_labels_and_values_merged_down_are_read_once(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "项目名称", "丁项目"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws["A3"], ws["B3"] = "年度资金总额", 12
    ws["A4"], ws["B4"] = "年度绩效目标", "目标文字"
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:F5")
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "数量指标", "次数", "≥1次"])
    wb.save(tmp_path / "m.xlsx")
    sub, report = import_legacy(tmp_path / "m.xlsx")
    assert [p.name for p in sub.projects] == ["丁项目"]
    assert sub.projects[0].annual_goal == "目标文字" and len(sub.projects[0].indicators) == 1
    assert report.unplaced == []


def test_standard_form_with_goal_texts_below_their_headers(tmp_path):
    """The Ministry layout: 总体目标 over 实施期目标 / 年度目标 with the texts one row below."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [
        ["项目支出绩效目标申报表"],
        ["（2025年度）"],
        ["项目名称", "戊项目"],
        ["主管部门及代码", "201-某厅", "实施单位", "某中心"],
        ["项目资金（万元）", "年度资金总额", 80, None],
        [None, "其中：财政拨款", 80, None],
        [None, "其他资金", 0, None],
        ["总体目标", "实施期目标", None, "年度目标"],
        [None, "三年建成体系。", None, "本年完成一期。"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        [None, "产出指标", "数量指标", "建成站点", "≥5个"],
        [None, None, "质量指标", "验收合格率", "=100%"],
        [None, "满意度指标", "服务对象满意度指标", "用户满意度", "≥90%"],
    ]
    for row in rows:
        ws.append(row)
    for c in ws["E"]:
        if isinstance(c.value, str) and c.value.startswith("="):
            c.data_type = "s"
    ws.merge_cells("A8:A9")
    ws.merge_cells("B8:C8")
    ws.merge_cells("B9:C9")
    ws.merge_cells("A10:A13")
    wb.save(tmp_path / "申报表.xlsx")
    sub, report = import_legacy(tmp_path / "申报表.xlsx")
    (p,) = sub.projects
    assert sub.budget_year == 2025 and sub.money_unit == "万元"
    assert (p.name, p.supervisor, p.implementer) == ("戊项目", "201-某厅", "某中心")
    assert (p.funding.total, p.funding.fiscal, p.funding.other) == (D(80), D(80), D(0))
    assert p.annual_goal == "本年完成一期。" and p.period_goal == "三年建成体系。"
    assert [(i.level1, i.level2, i.name, i.value) for i in p.indicators] == [
        ("产出指标", "数量指标", "建成站点", "≥5个"), ("产出指标", "质量指标", "验收合格率", "=100%"),
        ("满意度指标", "服务对象满意度指标", "用户满意度", "≥90%")]
    assert report.unplaced == []


def test_levels_written_differently_stay_levels(tmp_path):
    p = tmp_path / "简写.txt"
    p.write_text("项目名称\t己项目\n年度资金总额\t6\n一级指标\t二级指标\t三级指标\t指标值\n"
                 "产出\t数量\t培训次数\t≥2次\n\t时效\t完成时间\t2025年12月31日\n效益\t社会效益\t群众知晓率\t≥80%\n",
                 encoding="utf-8")
    sub, report = import_legacy(p)
    assert [(i.level1, i.level2, i.name, i.value) for i in sub.projects[0].indicators] == [
        ("产出", "数量", "培训次数", "≥2次"), ("产出", "时效", "完成时间", "2025年12月31日"),
        ("效益", "社会效益", "群众知晓率", "≥80%")]
    assert report.unplaced == []
