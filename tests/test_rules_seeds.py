"""The real forms' defects are found, and what reconciles raises nothing.

Fixtures are written by hand from the seed text (``data/seeds``), written to a
template workbook with ``write_submission``, read back with the template reader
and checked, so every finding also points at the cell it is about.  The same
seeds are then checked through the legacy importer.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from xl_jixiao.model import DeptBudget, Funding, Indicator, Project, Submission
from xl_jixiao.readers import read_submission
from xl_jixiao.rules import check_submission

D = Decimal
QYP = "中共南昌市青云谱区委政法委员会"


def project(name, total, fiscal, goal, rows, other="0", carryover="0", implementer=QYP, period=None) -> Project:
    """``rows``: (一级, 二级, 三级, 指标值); blank 一级/二级 continue the row above, as in the forms."""
    inds, l1, l2 = [], None, None
    for a, b, n, v in rows:
        if a:
            l1, l2 = a, (b or None)
        elif b:
            l2 = b
        inds.append(Indicator(level1=l1, level2=l2, name=n or None, value=v))
    return Project(name=name, implementer=implementer, period=period, annual_goal=goal,
                   funding=Funding(total=D(total), fiscal=D(fiscal), carryover=D(carryover), other=D(other)),
                   indicators=inds)


COST = ("成本指标", "经济成本指标", "在预算范围内支出，严格做到专款专用", "=100%")
ENERGY = ("", "生态效益指标", "节能降耗达标率", "$\\geq 96\\%$")
PUBLIC = ("满意度指标", "服务对象满意度", "公众满意度", "$\\geq 95\\%$")


def qingyunpu() -> Submission:
    ps = [
        project("矛盾纠纷联合调处中心项目建设补助", "30", "30", "打造“联合调处”“多元化解”模式，构建“多调联动”工作体系，提高矛盾纠纷调处工作质效。", [
            COST, ("产出指标", "数量指标", "矛盾纠纷案件月处理个数", "=100起"),
            ("", "质量指标", "建立执行联动机制，责任部门全力配合", "=100%"),
            ("", "时效指标", "社会矛盾纠纷联调工作及时率", "≥96%"),
            ("效益指标", "社会效益指标", "提升市域社会矛盾纠纷调和水平", "$\\geq 90\\%$"), ENERGY, PUBLIC]),
        project("青云谱区肇事肇祸严重精神障碍患者有奖监护经费", "8", "8", "加强全区严重精神障碍患者救治救助监护工作，强化重点人群服务管理。", [
            ("成本指标", "经济成本指标", "成本控制金额", "预算金额之内"),
            ("产出指标", "数量指标", "肇事肇祸有奖监护经费发放数", "=100%"),
            ("", "质量指标", "经费发放到位率", "=100%"),
            ("", "时效指标", "经费准时发放", "按照时间节点要求发放"),
            ("", "社会效益指标", "提升提升严重精神障碍患者管控能力", "≥90%"),
            ("效益指标", "社会效益指标", "提升平安建设水平", "≥90%"),
            ("", "生态效益指标", "节能降耗达标率", "≥96%"),
            ("满意度指标", "服务对象满意度", "公众满意度（%）", "≥95%")]),
        project("青云谱区综治中心提档升级采购项目", "192.8", "120", "扎实推进综治中心建设，基层社会治理效能明显提升，人民群众安全感和满意度明显提高。", [
            COST, ("产出指标", "数量指标", "货物采购经费发放数", "=100%"),
            ("", "质量指标", "经费发放到位", "=100%"), ("", "时效指标", "经费准时发放", "≥96%"),
            ("效益指标", "社会效益指标", "提升综治中心管理效能", "≥90%"),
            ("满意度指标", "服务对象满意度", "公众满意度", "≥95%")]),
        project("疫情防控大数据排查管控专班项目", "37.107", "37.107", "区大数据排查管控专班按照省市要求随时做好疫情防控应对工作。", [
            COST, ("产出指标", "数量指标", "大数据排查管控电话配置", "≥45个"),
            ("", "质量指标", "符合国家强制标准", "=100%"), ("", "时效指标", "准时支出", "≥95%"),
            ("效益指标", "经济效益指标", "社会面排查管控到位", "≥95%"),
            ("", "社会效益指标", "疫情防控平稳有序", "≥95%"),
            ("满意度指标", "服务对象满意度", "公众满意度", "≥95%")]),
        project("平安建设工作经费", "311", "311", "推进市域社会治理社会化、法治化、智能化、专业化，基本形成共建共治共享新格局。", [
            ("成本指标", "经济成本指标", "在预算范围内支出，严格做到专款专用", "≥100%"),
            ("产出指标", "数量指标", "市域社会治理现代化工作推进会召开次数", "≥4次"),
            ("", "", "保障中心水电网络覆盖运转面积", "≥3188.8平方米"),
            ("", "质量指标", "维持矛调中心正常运转", "维持矛调中心正常运转"),
            ("", "质量指标", "经费发放到位", "$\\geq 100\\%$"),
            ("", "时效指标", "经费支出时效性", "$\\geq 96\\%$"),
            ("效益指标", "社会效益指标", "提升市域社会矛盾纠纷调和水平", "$\\geq 90\\%$"), ENERGY,
            ("满意度指标", "服务对象满意度", "公众满意度 (%)", "$\\geq 95\\%$")]),
        project("上级政法转移支付资金", "30", "30", "引导和支持政法部门开展业务工作，提高基层政法机关办案和装备经费保障水平。", [
            COST, ("产出指标", "数量指标", "市域社会治理工作及时率", "≥95%"),
            ("", "质量指标", "经费发放到位", "=100%"), ("", "时效指标", "经费准时发放", "≥96%"),
            ("效益指标", "社会效益指标", "提升平安建设水平", "≥93%"),
            ("满意度指标", "服务对象满意度", "公众满意度", "≥95%")]),
        project("走访驻区政法单位经费", "22", "22", "慰问驻区政法单位，为驻区政法单位送上节日慰问并提供经费支持。", [
            COST, ("产出指标", "数量指标", "走访慰问经费发放数", "=100%"),
            ("", "质量指标", "经费发放到位", "=100%"), ("", "时效指标", "经费准时发放", "≥96%"),
            ("效益指标", "社会效益指标", "发挥关爱干警作用持续性", "≥95%"),
            ("满意度指标", "服务对象满意度", "公众满意度", "≥93%")]),
        project("青云谱区2022年度智慧平安医院和智慧平安校园上级奖补资金", "7", "7", "奖补经费发放后，有效防范涉校案事件，提高医院安全防范能力。", [
            ("成本指标", "经济成本指标", "2022年度智慧平安学校、智慧平安医院建设数", "=14所"),
            ("产出指标", "数量指标", "14所智慧平安医院和智慧平安校园上级奖补资金", "=7万元"),
            ("", "质量指标", "按建设要求完成智慧平安学校、智慧平安医院建设", "=100%"),
            ("", "时效指标", "经费按时发放到位", "≥95%"),
            ("效益指标", "社会效益指标", "提高医院安全防范能力，切实保护医务人员安全", "≥90%"),
            ("", "生态效益指标", "节能降耗达标率", "≥96%"), ("满意度指标", "服务对象满意度", "公众满意度", "≥95%")]),
        project("青云谱区综治中心托管运营服务项目", "40", "40", "集合综治、信访、维稳、司法、矛盾调处等多项功能于一体，推进平安青云谱建设。", [
            COST, ("产出指标", "数量指标", "三年托管运营人员费用", "≤1087500元"),
            ("", "", "三年综治中心维保费用", "≤112500元"),
            ("", "质量指标", "经费发放到位", "=100%"), ("", "时效指标", "经费准时发放", "依据合同按时发放"),
            ("效益指标", "社会效益指标", "提升综治中心管理效能", "保障人员、软、硬件维护等托管运维"), ENERGY, PUBLIC]),
    ]
    return Submission(budget_year=2023, unit_name=QYP, money_unit="万元", scheme="2021", projects=ps)


QN = "中共黔南州委政法委员会"


def qiannan() -> Submission:
    costs = [("中国天眼安全保密", "10"), ("州法学会", "5"), ("执法监督工作", "10"), ("综治工作建设", "50"),
             ("政法队伍建设", "35"), ("维稳工作", "37"), ("发有组织犯罪工作", "10"), ("整治安全和反邪教工作", "10"),
             ("铁路护路联防工作", "5"), ("黔南州12345政务服务便民热线运行", "76"), ("智能化建设", "80")]
    p1 = project("平安黔南工作专项资金", "328.00", "328.00", "完成省委政法委及州委、州政府交办的各项工作；做好平安建设、诉源治理、矛盾纠纷多元化解等专项工作。", [
        ("产出指标", "数量指标", "11人*12月维稳应急值班", "> 365天"), ("", "", "调研督导", "> 43次"),
        ("", "质量指标", "工作完成率", "> 95%"), ("", "时效指标", "完成时间", "2024年12月31日"),
        *[("", "成本指标", n, f"< {v}万元") for n, v in costs],
        ("效益指标", "社会效益指标", "营造安定有序、公平正义的社会环境", "不断提升"),
        ("", "可持续影响指标", "黔南社会治安持续稳定、基层社会治理常治长效", "不断提高"),
        ("满意度指标", "服务对象满意度指标", "全州人民群众安全感、满意度提升", "> 97%")], implementer=QN)
    p2 = project("黔南州12345政务服务便民热线社会服务标准化试点项目", "197.20", "197.20", "用于购买社会服务项目，第三方服务公司接听群众拨打12345等热线来电并进行回访。", [
        ("产出指标", "数量指标", "接听群众拨打12345等热线来电", "> 50万次"),
        ("", "质量指标", "呼入人工接通率", "> 99%"), ("", "时效指标", "购买服务时间", "2023年6月至2024年5"),
        ("", "成本指标", "购买服务费", "< 1972000.00元"),
        ("效益指标", "社会效益指标", "畅通群众报警、投诉、咨询、求助、建议渠道", "不断提升"),
        ("满意度指标", "服务对象满意度指标", "提升群众安全感和满意度", "> 96%")], implementer=QN)
    p5 = project("社会治安综合治理工业业务工作经费", "21.50", "21.50", "对全州政法工作研究提出部署，推进平安黔南、法治黔南建设，开展综治综合督导。", [
        ("产出指标", "数量指标", "综治平台维护", "> 1个"), ("", "", "开展综治综合督导", "> 12次"),
        ("", "质量指标", "工作完成率", "> 95%"), ("", "时效指标", "完成时间", "2014年12月31日"),
        ("", "成本指标", "综治平台维护费", "< 1万元"), ("", "", "总综治业务劳务费", "< 20万元"),
        ("", "", "综治综合督导项目或定额成本控制率", "≤ 0.5万元 = 100%"),
        ("效益指标", "社会效益指标", "保障经济社会", "不断优化"), ("", "可持续影响指标", "建设平安黔南", "长期"),
        ("满意度指标", "服务对象满意度指标", "安全感满意度", "≥ 98%")], implementer=QN)
    return Submission(budget_year=2024, unit_name=QN, money_unit="万元", scheme="legacy", projects=[p1, p2, p5])


def gansu() -> Submission:
    dept = DeptBudget(personnel=D("2272.88"), public=D("519.13"), basic=D("2792.01"), projects=D("1150.00"),
                      expense_total=D("3942.01"), fiscal=D("1335.50"), carryover=D("2606.51"), other=D("0.00"),
                      income_total=D("3942.01"), goal="统筹协调和督促落实社会治安综合治理、维护社会稳定有关法律法规、政策措施的实施工作。",
                      indicators=[Indicator(level1="部门管理", level2="资金投入", name="“三公经费”控制率", value="≤100%"),
                                  Indicator(level1="部门管理", level2="财务管理", name="资金使用规范性", value="规范"),
                                  Indicator(level1="履职效果", level2="服务对象满意度", name="社会公众满意度", value="≥80%")])
    p = project("政法维稳工作专项补助", "1150.00", "1150.00", "对政法工作研究提出全局性部署，举办政法工作培训班，召开政法相关会议，保障办公场所正常运行。", [
        ("产出指标", "数量指标", "办公场所物业保障层数", "=4层"), ("", "", "举办政法工作培训班完成率", "=100%"),
        ("", "质量指标", "公共场所整洁率", "=100%"), ("", "时效指标", "会议召开及时性", "及时"),
        ("效益指标", "社会效益指标", "政法部门正常运转率", "=100%"),
        ("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥85%"),
        ("成本指标", "经济成本指标", "成本控制率", "≥95%"), ("", "", "政法舆情动态宣传资料印制成本", "≤40元")],
        implementer="中共甘肃省委政法委员会")
    return Submission(budget_year=2024, unit_name="中共甘肃省委政法委员会", money_unit="万元", scheme="2021",
                      dept_scheme="dept_mgmt", dept=dept, projects=[p])


# ------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory):
    """Each fixture written as a template workbook, read back and checked once."""
    from xl_jixiao.template import write_submission

    out = {}
    folder = tmp_path_factory.mktemp("seeds")
    for key, build in (("qingyunpu", qingyunpu), ("qiannan", qiannan), ("gansu", gansu)):
        path = folder / f"{key}.xlsx"
        write_submission(build(), path)
        sub = read_submission(path)
        out[key] = (sub, check_submission(sub))
    return out


def by(findings, code, project=None):
    return [f for f in findings if f.code == code and (project is None or f.project == project)]


def cell_of(sub, project_name, indicator_name, field="value"):
    p = next(p for p in sub.projects if p.name == project_name)
    i = next(i for i in p.indicators if i.name == indicator_name)
    return i.cells[field].cell


# ------------------------------------------------------------------ 青云谱


def test_qingyunpu_reads_back(roundtrip):
    sub, _ = roundtrip["qingyunpu"]
    assert len(sub.projects) == 9 and sub.budget_year == 2023 and sub.scheme == "2021"
    p = next(p for p in sub.projects if p.name == "疫情防控大数据排查管控专班项目")
    assert p.funding.total == D("37.107") and len(p.indicators) == 7


def test_qingyunpu_only_the_upgrade_project_fails_to_reconcile(roundtrip):
    sub, fs = roundtrip["qingyunpu"]
    [f] = by(fs, "JX301")
    assert f.project == "青云谱区综治中心提档升级采购项目"
    assert "192.8" in f.message and "120" in f.message
    p = next(p for p in sub.projects if p.name == f.project)
    assert (f.sheet, f.cell) == ("项目信息", p.cells["total"].cell)


def test_qingyunpu_copy_pasted_indicators(roundtrip):
    _, fs = roundtrip["qingyunpu"]
    dup = by(fs, "JX405")
    names = {f.value.split(" ")[0] for f in dup}
    assert any(n.startswith("节能降耗达标率") for n in names)
    assert any(n.startswith("公众满意度") for n in names)
    assert len([f for f in dup if f.value.startswith("公众满意度")]) == 8  # 8 of 9 projects write ≥95%
    assert len([f for f in dup if f.value.startswith("节能降耗达标率")]) == 5


def test_qingyunpu_structure_and_value_defects(roundtrip):
    sub, fs = roundtrip["qingyunpu"]
    [f] = by(fs, "JX102")
    assert f.project == "青云谱区肇事肇祸严重精神障碍患者有奖监护经费" and f.value == "社会效益指标"
    assert any(f.value == "市域社会治理工作及时率" for f in by(fs, "JX107"))
    [f] = by(fs, "JX214")
    assert f.value == "维持矛调中心正常运转"
    assert [f.value for f in by(fs, "JX205")] == ["$\\geq 100\\%$"]
    assert by(fs, "JX210") and by(fs, "JX209") and by(fs, "JX206")
    # ≥100% on a cost is JX210 (direction), not also JX205
    assert all(f.project == "平安建设工作经费" for f in by(fs, "JX210"))


def test_qingyunpu_no_false_alarms(roundtrip):
    _, fs = roundtrip["qingyunpu"]
    for code in ("JX101", "JX103", "JX104", "JX106", "JX108", "JX109", "JX201", "JX202", "JX203", "JX208",
                 "JX215", "JX302", "JX303", "JX304", "JX306", "JX308", "JX401", "JX402"):
        assert not by(fs, code), [f.message for f in by(fs, code)]


# ------------------------------------------------------------------ 黔南


def test_qiannan_date_ten_years_off(roundtrip):
    sub, fs = roundtrip["qiannan"]
    [f] = by(fs, "JX208")
    assert f.value == "2014年12月31日" and "2024" in f.suggestion
    assert f.cell == cell_of(sub, "社会治安综合治理工业业务工作经费", "完成时间")
    # the period 2023年6月至2024年5 overlaps 2024 and is fine
    assert not [x for x in by(fs, "JX208") if "2023" in (x.value or "")]


def test_qiannan_merged_values_and_vague(roundtrip):
    sub, fs = roundtrip["qiannan"]
    [f] = by(fs, "JX202")
    assert f.cell == cell_of(sub, "社会治安综合治理工业业务工作经费", "综治综合督导项目或定额成本控制率")
    vague = {f.value for f in by(fs, "JX204")}
    assert {"不断提升", "不断提高", "不断优化", "长期"} <= vague


def test_qiannan_money_in_yuan_compares_after_conversion(roundtrip):
    _, fs = roundtrip["qiannan"]
    assert not by(fs, "JX303")  # < 1972000.00元 = 197.2 万元, the total is 197.20
    assert not by(fs, "JX302")  # eleven costs add up to exactly 328
    assert not by(fs, "JX301")
    assert not by(fs, "JX209", "黔南州12345政务服务便民热线社会服务标准化试点项目")


def test_qiannan_cost_exceeding_budget_after_conversion():
    sub = qiannan()
    p2 = sub.projects[1]
    next(i for i in p2.indicators if i.name == "购买服务费").value = "< 1980000.00元"
    [f] = by(check_submission(sub), "JX303")
    assert "198" in f.message


# ------------------------------------------------------------------ 甘肃


def test_gansu_cost_direction_and_balanced_dept(roundtrip):
    sub, fs = roundtrip["gansu"]
    assert sub.dept is not None and sub.dept.basic == D("2792.01")
    [f] = by(fs, "JX210")
    assert f.cell == cell_of(sub, "政法维稳工作专项补助", "成本控制率")
    assert by(fs, "JX206")
    for code in ("JX307", "JX305", "JX303", "JX103", "JX101", "JX102"):
        assert not by(fs, code), [f.message for f in by(fs, code)]


def test_gansu_unbalanced_dept_is_found():
    sub = gansu()
    sub.dept.basic = D("2800.00")
    fs = by(check_submission(sub), "JX307")
    assert fs and "2,792.01" in fs[0].message


# ------------------------------------------------------------------ through the legacy importer


def _legacy_available() -> bool:
    try:
        import xl_jixiao.readers.legacy  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _legacy_available(), reason="旧表导入模块不可用")
def test_seed_forms_through_importer(seed_qingyunpu, seed_qiannan, seed_gansu):
    q = check_submission(read_submission(seed_qingyunpu))
    [f] = by(q, "JX301")
    assert f.project == "青云谱区综治中心提档升级采购项目"
    assert {"JX405", "JX102", "JX214"} <= {f.code for f in q}
    n = check_submission(read_submission(seed_qiannan))
    assert [f.value for f in by(n, "JX208")] == ["2014年12月31日"]
    assert by(n, "JX202") and by(n, "JX204") and not by(n, "JX303") and not by(n, "JX301")
    g = check_submission(read_submission(seed_gansu))
    assert by(g, "JX210") and not by(g, "JX307") and not by(g, "JX301")
