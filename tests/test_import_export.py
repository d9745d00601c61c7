"""The 预算管理一体化 flat export, declared-N/A rows, unit sense per project, and unreadable layouts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from xl_jixiao.readers import read_submission
from xl_jixiao.rules.engine import check_submission


def _export(path, *, money="万元", title=True, unit_column=True, link="项目编码"):
    wb = Workbook()
    ws = wb.active
    ws.title = "项目明细"
    if title:
        ws.append(["2023年项目支出绩效目标申报（系统导出）"])
    head = ["项目编码", "项目名称", "项目类型", f"年度预算金额（{money}）", f"其中：财政拨款（{money}）",
            f"项目总金额（中期规划，{money}）", "政策依据", "测算依据", "年度目标"]
    if unit_column:
        head.insert(0, "预算单位")
    ws.append(head)
    k = Decimal(10000) if money == "元" else Decimal(1)
    rows = [["P001", "社区养老服务补贴", "常年性项目", Decimal("120.5") * k, Decimal("120.5") * k, Decimal("361.5") * k,
             "《某市养老服务条例》", "1000人×1205元", "为1000名老人发放补贴"],
            ["P002", "困难群众临时救助", "一次性项目", 30 * k, 30 * k, 30 * k, "《社会救助暂行办法》", "300户×1000元",
             "救助300户困难群众"]]
    for r in rows:
        ws.append((["某区民政局"] if unit_column else []) + [float(x) if isinstance(x, Decimal) else x for x in r])
    ws2 = wb.create_sheet("绩效指标明细")
    key = "项目编码" if link == "项目编码" else "项目名称"
    ws2.append([key, "一级指标", "二级指标", "三级指标", "指标值", "指标解释"])
    ind = [("P001", "社区养老服务补贴", "产出", "数量", "补贴发放人数", "≥1000人"),
           ("P001", "社区养老服务补贴", "产出", "质量", "补贴准确率", "≥99%"),
           ("P001", "社区养老服务补贴", "产出", "时效", "发放及时性", "每月10日前"),
           ("P001", "社区养老服务补贴", "产出", "成本", "人均补贴标准", "≤1205元"),
           ("P001", "社区养老服务补贴", "效益", "社会效益", "老人基本生活保障率", "≥95%"),
           ("P001", "社区养老服务补贴", "满意度", "服务对象满意度", "老人满意度", "≥90%"),
           ("P002", "困难群众临时救助", "产出", "数量", "救助户数", "≥300户"),
           ("P002", "困难群众临时救助", "效益", "经济效益", "不适用", "不适用"),
           ("P002", "困难群众临时救助", "满意度", "服务对象满意度", "受助群众满意度", "≥90%")]
    for code, name, l1, l2, n, v in ind:
        ws2.append([code if link == "项目编码" else name, l1, l2, n, v, ""])
    wb.save(path)
    return path


@pytest.mark.parametrize("money", ["万元", "元"])
@pytest.mark.parametrize("link", ["项目编码", "项目名称"])
def test_flat_export_is_read_as_one_submission(tmp_path, money, link):
    sub = read_submission(_export(tmp_path / "export.xlsx", money=money, link=link))
    assert sub.source.kind == "export"
    assert sub.unit_name == "某区民政局" and sub.budget_year == 2023
    a, b = sub.projects
    assert (a.code, a.name, a.project_type) == ("P001", "社区养老服务补贴", "常年性项目")
    assert sub.money_unit == "万元" and a.funding.total == Decimal("120.5")  # 元 columns converted
    assert a.funding.period_total == a.funding.total * 3
    assert a.policy_basis == "《某市养老服务条例》" and a.calc_basis == "1000人×1205元"
    assert len(a.indicators) == 6 and len(b.indicators) == 2
    assert [(i.level1, i.level2) for i in b.not_applicable] == [("效益", "经济效益")]
    assert a.indicators[0].cells["value"].sheet == "绩效指标明细"


def test_flat_export_findings_point_at_the_export_cells(tmp_path):
    sub = read_submission(_export(tmp_path / "export.xlsx"))
    found = check_submission(sub)
    # 成本 under 产出: the legacy scheme, so no 成本指标 is missing; short level names are fine
    assert not {f.code for f in found} & {"JX101", "JX102", "JX103", "JX401"}
    assert all(f.sheet in ("项目明细", "绩效指标明细", None) for f in found)


def test_flat_export_without_title_or_unit_column(tmp_path):
    sub = read_submission(_export(tmp_path / "export.xlsx", title=False, unit_column=False))
    assert sub.budget_year is None and sub.unit_name is None and len(sub.projects) == 2
    codes = {f.code for f in check_submission(sub)}
    assert "JX401" not in codes  # the export has no such fields: nothing was left blank


def _shenzhen_like(path, total, cost_value):
    wb = Workbook()
    ws = wb.active
    ws.title = "1.某项目"
    for row in (
        ["二级项目支出绩效目标申报表"],
        ["项目编码：", "P9", None, "项目名称：", "某社区工作站经费"],
        ["申请单位：", "某街道办事处", None, "一级预算单位：", "某街道办事处"],
        ["项目总金额（中期规划，万元）：", total * 3, None, "本年度项目金额（万元）：", total],
        ["年度目标：", "保障工作站运行"],
        ["一级指标", "二级指标", "三级指标", "目标值", "指标解释"],
        ["产出", "数量", "工作站数量", "1处", ""],
        ["产出", "质量", "运行达标率", "达到95%以上", ""],
        ["产出", "时效", "维修响应时间", "3个工作日", ""],
        ["产出", "成本", "运行成本", cost_value, ""],
        ["效益", "社会效益", "居民办事便利度", "达到90%以上", ""],
        ["效益", "生态效益", "不适用", "不适用", "不适用"],
        ["满意度", "服务对象满意度", "不适用", "不适用", "不适用"],
        ["备注：作为导入模板，置灰信息无需录入。"],
    ):
        ws.append(row)
    wb.save(path)
    return path


def test_total_in_yuan_under_a_wan_label_is_reported_with_its_evidence(tmp_path):
    sub = read_submission(_shenzhen_like(tmp_path / "a.xlsx", 3000, "运行成本不超过0.3万元"))
    p = sub.projects[0]
    assert p.funding.total == Decimal(3000) and len(p.indicators) == 5 and len(p.not_applicable) == 2
    found = check_submission(sub)
    jx304 = [f for f in found if f.code == "JX304"]
    assert len(jx304) == 1 and "0.30 万元" in jx304[0].message and jx304[0].cell == "E4"
    # a single value in words is one value; short names and declared N/A categories are fine
    assert not {f.code for f in found} & {"JX101", "JX103", "JX105", "JX106", "JX202", "JX214", "JX401"}


def test_consistent_total_raises_no_unit_finding(tmp_path):
    sub = read_submission(_shenzhen_like(tmp_path / "a.xlsx", 30, "运行成本不超过28万元"))
    assert "JX304" not in {f.code for f in check_submission(sub)}


def test_zero_total_with_a_positive_cost_is_reported(tmp_path):
    sub = read_submission(_shenzhen_like(tmp_path / "a.xlsx", 0, "运行成本不超过28万元"))
    assert "JX303" in {f.code for f in check_submission(sub)}


def test_unreadable_layout_is_said_once(tmp_path):
    src = tmp_path / "garbled.txt"
    src.write_text("\n".join([
        "项目支出绩效目标表",
        "项目名称\t乡村道路养护",
        "年度资金总额（万元）\t50",
        "一级指标\t二级指标\t三级指标\t指标值",
        *[f"{t}\t备注{i}\t说明{i}\t其他" for i, t in enumerate(
            ["培训人次≥200人次；合格率≥95%", "道路养护公里数≥100公里", "及时率100%", "满意度≥90%", "养护成本≤50万元"])],
    ]), encoding="utf-8")
    sub = read_submission(src)
    assert sub.projects[0].uncertain and "第5行" in sub.projects[0].uncertain
    found = [f for f in check_submission(sub) if f.project == "乡村道路养护"]
    assert [f.code for f in found] == ["JX506"]


def test_each_project_is_judged_by_the_scheme_it_uses(tmp_path):
    """Two forms in one file, one with 成本 under 产出 (legacy), one with 成本指标 as a 一级 (2021)."""
    def form(name, rows):
        return ["项目支出绩效目标表", f"项目名称\t{name}", "年度资金总额（万元）\t10", "年度绩效目标\t完成工作",
                "一级指标\t二级指标\t三级指标\t指标值", *rows]
    legacy = ["产出指标\t数量指标\t培训人次\t≥100人次", "产出指标\t质量指标\t合格率\t≥95%",
              "产出指标\t时效指标\t完成时间\t2024年12月31日前", "产出指标\t成本指标\t培训成本\t≤10万元",
              "效益指标\t社会效益指标\t知晓率\t≥90%", "满意度指标\t服务对象满意度指标\t满意度\t≥90%"]
    new = ["成本指标\t经济成本指标\t采购成本\t≤10万元", "产出指标\t数量指标\t采购台数\t≥10台",
           "产出指标\t质量指标\t验收合格率\t≥95%", "产出指标\t时效指标\t完成时间\t2024年12月31日前",
           "效益指标\t社会效益指标\t使用率\t≥90%", "满意度指标\t服务对象满意度指标\t满意度\t≥90%"]
    src = tmp_path / "two.txt"
    src.write_text("\n".join(form("培训项目", legacy) + form("采购项目", new)), encoding="utf-8")
    sub = read_submission(src)
    assert len(sub.projects) == 2
    codes = {f.code for f in check_submission(sub)}
    assert not codes & {"JX101", "JX102", "JX103", "JX104"}


def test_separate_symbol_value_and_unit_columns_with_extra_columns(tmp_path):
    """指标性质 holding the comparison, 度量单位 apart, a 权重 column the model does not take."""
    src = tmp_path / "cols.txt"
    src.write_text("\n".join([
        "项目支出绩效目标表", "项目名称\t乡村道路养护", "年度资金总额（万元）\t50", "年度绩效目标\t养护乡村道路100公里",
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重",
        "产出指标\t数量指标\t养护道路里程\t≥\t100\t公里\t20",
        "产出指标\t质量指标\t养护合格率\t≥\t95\t%\t20",
        "产出指标\t时效指标\t完成时间\t定性\t2024年12月底前\t\t10",
        "成本指标\t经济成本指标\t养护成本\t≤\t50\t万元\t10",
        "效益指标\t社会效益指标\t道路通行率\t≥\t98\t%\t20",
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥\t90\t%\t20",
    ]), encoding="utf-8")
    sub = read_submission(src)
    p = sub.projects[0]
    assert [i.value_text() for i in p.indicators] == ["≥100公里", "≥95%", "2024年12月底前", "≤50万元", "≥98%", "≥90%"]
    assert [f.code for f in check_submission(sub) if f.project == p.name] == []


def test_a_total_row_under_an_exported_indicator_table_is_not_an_indicator(tmp_path):
    from openpyxl import load_workbook

    path = _export(tmp_path / "export.xlsx")
    wb = load_workbook(path)
    wb["绩效指标明细"].append(["合计", None, None, None, None, None])
    wb.save(path)
    sub = read_submission(path)
    assert sum(len(p.indicators) for p in sub.projects) == 8 and not sub.unassigned_indicators
