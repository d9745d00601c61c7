"""Whatever users type, reading and checking never crash, and findings stay well-formed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_jixiao.errors import ReadError
from xl_jixiao.model import Severity
from xl_jixiao.readers import submission_from_sheets
from xl_jixiao.rules import check_submission, known_codes

CELL = st.one_of(
    st.none(),
    st.text(alphabet="≥≤<>=＞＜＝%万元次人个年月日前至约余0123456789. -不断提升良好$\\geq（分级填报）XJ:：", max_size=14),
    st.integers(-10**7, 10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["产出指标", "数量指标", "成本指标", "经济成本指标", "满意度指标", "效益", "时效指标", "项目甲", "忽略:JX204"]),
)

IND_HEAD = ["项目名称", "一级指标", "二级指标", "三级指标", "计算符号", "指标值", "计量单位", "取值依据", "备注"]
PROJ_HEAD = ["项目名称", "实施单位", "年度资金总额", "财政拨款", "上年结转", "其他资金", "年度绩效目标", "3月底", "12月底", "备注"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=9, max_size=9), min_size=1, max_size=8),
       st.lists(st.lists(CELL, min_size=10, max_size=10), min_size=1, max_size=4),
       st.sampled_from([2023, 2024, None, "二〇二四", 2024.0]),
       st.sampled_from(["万元", "元", None, "美元"]))
def test_random_workbooks_check_cleanly(ind_rows, proj_rows, year, unit):
    sheets = {
        "单位信息": [["预算年度", year], ["单位名称", "某局"], ["金额单位", unit]],
        "项目信息": [PROJ_HEAD, ["项目甲", "某局", 10, 10, None, None, "目标", 0.5, 1, None], *proj_rows],
        "绩效指标": [IND_HEAD, *ind_rows],
    }
    try:
        sub = submission_from_sheets(sheets, file="随机.xlsx")
    except ReadError:
        return
    codes = known_codes()
    for f in check_submission(sub):
        assert f.code in codes
        assert isinstance(f.severity, Severity)
        assert f.message
        if f.cell:
            assert f.sheet in sheets
