"""Recovery of the three real forms shipped as seeds.

Indicator counts were counted by hand from the seed text, row by row:

黔南 (tab-separated 批复表, legacy scheme)
  平安黔南工作专项资金: 数量 10 (lines 14-23), 质量 1, 时效 1, 成本 12 (lines 26-37, of which
  33-37 lost their leading cells), 社会效益 1, 可持续 1, 满意度 1 = 27
  12345热线: 数量 4, 质量 3, 时效 2, 成本 2 (62, 63), 效益 2, 满意度 2 (66, 67) = 15
  司法救助: 数量 1, 质量 2, 时效 1, 成本 2 (84 and the name-less 85), 效益 2, 满意度 1 = 9
  见义勇为: 数量 7, 质量 1, 时效 1, 成本 8 (110-117), 效益 2, 满意度 1 = 20
  综治业务: 数量 3, 质量 1, 时效 1, 成本 3 (138-140), 效益 2, 满意度 1 = 11
  政法宣传: 数量 3, 质量 1, 时效 1, 成本 2, 效益 2, 满意度 1 = 10
甘肃 (Word table dump, 部门整体 + 5 projects)
  部门整体: 部门管理 4+2+1+1+1+1 = 10, 履职效果 15+2+2+1 = 20, 能力建设 3 → 33
  projects: 5+3+2+3+1+2 = 16; 4+2+4+1+1+1 = 13; 2+3+2+2+1+1 = 11; 1+2+2+2+1+1 = 9; 6+1+1+3+1+3 = 15
青云谱 (Markdown from OCR, tables split across pages)
  4+3 = 7; 5+3 = 8; 5+1 = 6; 5+2 = 7; 5+5 = 10; 5+1 = 6; 5+1 = 6; 4+3 = 7; 5+3 = 8
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from xl_jixiao.readers.grid import detect_text_format, load_grids, read_text_file
from xl_jixiao.readers.legacy import import_legacy

D = Decimal

QIANNAN = [
    # name, category, total, fiscal, other (非财政拨款), indicators
    ("平安黔南工作专项资金", "特定目标-单位发展专项", "328.00", "328.00", "0.00", 27),
    ("黔南州12345政务服务便民热线 社会服务标准化试点项目", "特定目标-政府购买服务", "197.20", "197.20", "0.00", 15),
    ("黔南州国家司法救助工作经费", "特定目标-单位发展专项", "100.00", "100.00", "0.00", 9),
    ("黔南州见义勇为基金会工作经费", "特定目标-单位发展专项", "15.00", "15.00", "0.00", 20),
    ("社会治安综合治理工业业务工作经费", "特定目标-原列单位事业发展", "21.50", "21.50", "0.00", 11),
    ("政法宣传舆论工作专项资金", "特定目标-单位发展专项", "200.00", "200.00", "0.00", 10),
]

GANSU = [
    ("政法维稳工作专项补助", "1150.00", 16),
    ("省见义勇为基金", "150.00", 13),
    ("信息化建设及运行维护费", "415.00", 11),
    ("国家司法救助资金", "200.00", 9),
    ("智慧政法综合信息平台项目（平安甘肃信息化支撑管理平台二期）", "2000.00", 15),
]

QINGYUNPU = [
    # name, total, fiscal, indicators (其他资金 and 上年结转 are 0 everywhere)
    ("矛盾纠纷联合调处中心项目建设补助", "30", "30", 7),
    ("青云谱区肇事肇祸严重精神障碍患者有奖监护经费", "8", "8", 8),
    ("青云谱区综治中心提档升级采购项目", "192.8", "120", 6),
    ("疫情防控大数据排查管控专班项目", "37.107", "37.107", 7),
    ("平安建设工作经费", "311", "311", 10),
    ("上级政法转移支付资金", "30", "30", 6),
    ("走访驻区政法单位经费", "22", "22", 6),
    ("青云谱区2022年度智慧平安医院和智慧平安校园上级奖补资金", "7", "7", 7),
    ("青云谱区综治中心托管运营服务项目", "40", "40", 8),
]


def test_text_formats_detected_by_content(seed_qiannan, seed_gansu, seed_qingyunpu, tmp_path):
    assert detect_text_format(read_text_file(seed_qiannan)) == "tsv"
    assert detect_text_format(read_text_file(seed_gansu)) == "cells"
    assert detect_text_format(read_text_file(seed_qingyunpu)) == "markdown"
    # the name does not matter: a Markdown dump saved as .txt is still Markdown
    copy = tmp_path / "扫描件.txt"
    copy.write_text(read_text_file(seed_qingyunpu), encoding="utf-8")
    assert load_grids(copy)[0].kind == "markdown"


def test_qiannan(seed_qiannan):
    sub, report = import_legacy(seed_qiannan)
    assert sub.unit_name == "中共黔南州委政法委员会"
    assert sub.supervisor == "中共黔南州委政法委员会"
    assert sub.budget_year == 2024
    assert sub.money_unit == "万元"
    assert sub.dept is None
    assert sub.scheme == "legacy"
    assert report.region == "黔南州"
    got = [(p.name, p.category, p.funding.total, p.funding.fiscal, p.funding.other, len(p.indicators))
           for p in sub.projects]
    assert got == [(n, c, D(t), D(f), D(o), k) for n, c, t, f, o, k in QIANNAN]
    assert all(p.funding.carryover is None for p in sub.projects)
    assert sum(len(p.indicators) for p in sub.projects) == 92

    first = sub.projects[0]
    # rows that lost their leading empty cells are still cost indicators of the project
    shifted = first.indicators[19]
    assert (shifted.level1, shifted.level2, shifted.name, shifted.value) == (
        "产出指标", "成本指标", "整治安全和反邪教工作", "< 10万元")
    last_cost = first.indicators[23]
    assert (last_cost.level2, last_cost.name, last_cost.value) == ("成本指标", "项目或定额成本控制率", "= 100%")
    assert (first.indicators[24].level1, first.indicators[24].level2) == ("效益指标", "社会效益指标")
    assert first.indicators[10].value == "> 95%" and first.indicators[10].level2 == "质量指标"

    aid = sub.projects[2]
    assert (aid.indicators[4].name, aid.indicators[4].value) == ("救助相关申请人项目或定额成本控制率", "≤ 100万元")
    nameless = aid.indicators[5]
    assert nameless.name is None and nameless.value == "= 100%" and nameless.level2 == "成本指标"
    assert any(u.text == "= 100%" and "缺少三级指标名称" in u.reason for u in report.unplaced)
    # truncated level names are kept as written (the validator matches them tolerantly)
    assert (aid.indicators[7].level1, aid.indicators[7].level2) == ("效益指标", "可持续影响指")
    assert aid.indicators[8].level2 == "服务对象满意"

    # values are imported verbatim
    values = [i.value for p in sub.projects for i in p.indicators]
    assert "2014年12月31日" in values and "≤ 0.5万元 = 100%" in values and "< 1972000.00元" in values
    # names placed by inference are reported, with file and line
    lines = {u.ref.row for u in report.unplaced}
    assert {33, 34, 35, 36, 37, 85, 111, 140} <= lines
    assert first.indicators[0].cells["value"].row == 14


def test_gansu(seed_gansu):
    sub, report = import_legacy(seed_gansu)
    assert sub.unit_name == "中共甘肃省委政法委员会"
    assert sub.supervisor == "106-中共甘肃省委政法委员会"
    assert sub.budget_year == 2024
    assert sub.money_unit == "万元"
    d = sub.dept
    assert d is not None
    assert (d.personnel, d.public, d.basic, d.projects) == (D("2272.88"), D("519.13"), D("2792.01"), D("17014.51"))
    assert (d.fiscal, d.carryover, d.other) == (D("17200.01"), D("2606.51"), D("0.00"))
    assert d.income_total == D("19806.52") and d.expense_total == D("19806.52")
    assert d.goal.startswith("目标1：统筹协调")
    assert len(d.indicators) == 33
    assert sub.dept_scheme == "dept_mgmt"
    assert {i.level1 for i in d.indicators} == {"部门管理", "履职效果", "能力建设"}
    assert (d.indicators[29].level1, d.indicators[29].level2, d.indicators[29].name) == (
        "履职效果", "服务对象满意度", "社会公众满意度")

    assert sub.scheme == "2021"
    got = [(p.name, p.funding.total, len(p.indicators)) for p in sub.projects]
    assert got == [(n, D(t), k) for n, t, k in GANSU]
    for p in sub.projects:
        assert p.funding.fiscal == p.funding.total
        assert p.funding.carryover == D("0.00") and p.funding.other == D("0.00")
        assert p.supervisor == "106-中共甘肃省委政法委员会" and p.implementer == "中共甘肃省委政法委员会"
    smart = sub.projects[4]
    # a 三级 name equal to its 二级 (质量指标 / 质量指标) stays a name
    assert (smart.indicators[6].level2, smart.indicators[6].name, smart.indicators[6].value) == ("质量指标", "质量指标", "无")
    assert [i.level2 for i in smart.indicators[-3:]] == ["经济成本指标", "社会成本指标", "生态环境成本指标"]
    assert sum(len(p.indicators) for p in sub.projects) == 64
    assert [u.text for u in report.unplaced] == ["附件2"]


def test_qingyunpu(seed_qingyunpu):
    sub, report = import_legacy(seed_qingyunpu)
    assert sub.unit_name == "中共南昌市青云谱区委政法委员会"
    assert sub.supervisor == "016-中共南昌市青云谱区委政法委员会"
    assert sub.budget_year == 2023
    assert sub.money_unit == "万元"
    assert sub.dept is None and sub.scheme == "2021"
    got = [(p.name, p.funding.total, p.funding.fiscal, len(p.indicators)) for p in sub.projects]
    assert got == [(n, D(t), D(f), k) for n, t, f, k in QINGYUNPU]
    for p in sub.projects:
        assert p.funding.other == 0 and p.funding.carryover == 0
    # a table continued after a page break belongs to the project above
    first = sub.projects[0]
    assert [(i.level1, i.level2, i.name) for i in first.indicators[4:]] == [
        ("效益指标", "社会效益指标", "提升市域社会矛盾纠纷调和水平"),
        ("效益指标", "生态效益指标", "节能降耗达标率"),
        ("满意度指标", "服务对象满意度", "公众满意度"),
    ]
    # markup removed from labels and goals; values kept verbatim
    assert first.annual_goal.startswith("着力打造的")
    assert first.indicators[4].value == "$\\geq 90\\%$"
    assert all("<" not in (i.level1 or "") for p in sub.projects for i in p.indicators)
    # 192.8 vs 120 is imported as written
    assert sub.projects[2].funding.total == D("192.8") and sub.projects[2].funding.fiscal == D("120")
    # a 二级 under a carried 一级 that does not allow it is kept as written (the validator reports it)
    assert (sub.projects[1].indicators[4].level1, sub.projects[1].indicators[4].level2) == ("产出指标", "社会效益指标")
    assert sum(len(p.indicators) for p in sub.projects) == 65
    assert report.unplaced == []


@pytest.mark.parametrize("fixture", ["seed_qiannan", "seed_gansu", "seed_qingyunpu"])
def test_report_lists_what_was_recognised(fixture, request):
    sub, report = import_legacy(request.getfixturevalue(fixture))
    text = report.render()
    assert sub.unit_name in text
    assert f"金额单位：{sub.money_unit}" in text
    assert ("部门整体：有" in text) == (sub.dept is not None)
    for p in sub.projects:
        assert p.name in text
        assert f"指标 {len(p.indicators)} 个" in text
    for u in report.unplaced:
        assert u.reason in text
