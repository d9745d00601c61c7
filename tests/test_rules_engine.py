"""The engine's shortcuts find what the rules find row by row.

Row rules run once per submission (``Rule.check_items``) over the rows their selection (``Rule.rows``) names;
the selections come from groups the context makes once per submission.  Whatever a workbook holds, that must
give exactly the findings of ``Rule.check`` called on every row, in row order.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_jixiao.config import default_config
from xl_jixiao.errors import ReadError
from xl_jixiao.readers import submission_from_sheets
from xl_jixiao.rules import Context, all_rules

ROW_RULES = [r for r in all_rules() if r.scope in ("value", "indicator")]

OPS = st.sampled_from([None, "", "≥", "≤", "＝", "＞", "＜", ">=", "定性"])
VALUES = st.one_of(
    st.sampled_from(["100", "95", "905", "120", "200", "-5", "0", "1972000", "0.5", "30万", "不断提升", "及时", "按时",
                     "达到", "2014年12月31日", "2025年12月31日前", "2024年6月-2026年12月", "约20余人", "≤ 0.5万元 = 100%",
                     "≥90良好", "XXX", "不适用", "—", "$\\geq 90\\%$", "95百分比", "1,000", "＞365天", "≤24小时",
                     "群众满意度", "≥100%", "＞100%", "=120%", "≥905%", "≤50万元", "在预算范围内", "", None]),
    st.integers(-1000, 10**7),
)
UNITS = st.sampled_from([None, "", "%", "万元", "元", "人次", "次", "天", "个", "万", "小时", "元/年"])
NAMES = st.sampled_from([None, "", "群众满意度", "资金到位率", "完成率", "增长率", "培训人次", "按时完成率", "及时性",
                         "成本控制率", "设备购置成本", "工作完成质量", "事故发生率", "完成时间", "不适用",
                         "通过日常为工作人员提供伙食保障使得工作人员就餐便利的保障程度", "（1）资金支付及时率"])
LEVELS = st.sampled_from([("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
                          ("成本指标", "经济成本指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标"),
                          ("效益类指标", "社会效益指标"), ("产出指标", "社会效益指标"), ("", ""), ("满意度", None)])
BASES = st.sampled_from([None, "", "计划标准", "行业标准", "省市文件", "预先制定的目标", "历史标准"])
ROW = st.tuples(st.sampled_from(["项目甲", "项目乙"]), LEVELS, NAMES, OPS, VALUES, UNITS, BASES)

IND_HEAD = ["项目名称", "一级指标", "二级指标", "三级指标", "计算符号", "指标值", "计量单位", "取值依据"]
PROJ_HEAD = ["项目名称", "实施单位", "年度资金总额", "财政拨款", "上年结转", "其他资金", "年度绩效目标", "实施期"]


def _findings(found) -> list[tuple[int, list[str]]]:
    return [(i, [repr(f) for f in res]) for i, res in found]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=25), st.sampled_from([2024, 2025, None]),
       st.sampled_from(["2023-2025年", "2025年", None]))
def test_row_rules_find_what_they_find_row_by_row(rows, year, period):
    sheets = {
        "单位信息": [["预算年度", year], ["单位名称", "某局"], ["金额单位", "万元"]],
        "项目信息": [PROJ_HEAD, ["项目甲", "某局", 10, 10, None, None, "目标", period],
                   ["项目乙", "某局", 2000, 2000, None, None, "目标", None]],
        "绩效指标": [IND_HEAD, *[[p, l1, l2, name, op, value, unit, basis]
                              for p, (l1, l2), name, op, value, unit, basis in rows]],
    }
    try:
        sub = submission_from_sheets(sheets, file="随机.xlsx")
    except ReadError:
        return
    config = default_config()
    ctx = Context(sub, config)
    for rule_class in ROW_RULES:
        rule = rule_class()
        ctx.rule = rule_class
        one_by_one = [(i, res) for i, it in enumerate(ctx.items) if (res := rule.check(ctx, it))]
        assert _findings(rule.check_items(ctx, ctx.items)) == _findings(one_by_one), rule.code
