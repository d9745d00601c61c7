import json

import pytest

from xl_jixiao import schemes
from xl_jixiao.schemes import detect_scheme, get_scheme, load_scheme_file, scheme_from_dict


def test_builtin_schemes_are_data():
    ids = set(schemes.all_schemes())
    assert {"2021", "legacy", "dept_mgmt"} <= ids
    s2021 = get_scheme("2021")
    assert s2021.level1_names() == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert s2021.level2_names("成本指标") == ["经济成本指标", "社会成本指标", "生态环境成本指标"]
    legacy = get_scheme("legacy")
    assert "成本指标" in legacy.level2_names("产出指标")
    assert "成本指标" not in legacy.level1_names()
    dept = get_scheme("dept_mgmt")
    assert dept.level2_names("能力建设") == ["长效管理", "人力资源建设", "档案管理"]


@pytest.mark.parametrize(
    "scheme_id, l1, l2, canonical, how",
    [
        ("legacy", "效益指标", "可持续影响指", "可持续影响指标", "truncated"),
        ("legacy", "满意度指标", "服务对象满意", "服务对象满意度指标", "truncated"),
        ("2021", "满意度指标", "服务对象满意度", "服务对象满意度指标", "short"),
        ("legacy", "产出指标", "成本", "成本指标", "short"),
        ("2021", "效益指标", "可持续影响", "可持续影响指标", "short"),
        ("2021", "满意度指标", "其他满意度", "其他满意度指标", "short"),
        ("legacy", "效益指标", "环境效益指标", "生态效益指标", "alias"),
        ("legacy", "满意度指标", "社会公众或服务对象满意度指标", "服务对象满意度指标", "alias"),
        ("2021", "产出指标", " 数量指标 ", "数量指标", "exact"),
        ("2021", "产出指标", "<b>质量指标</b>", "质量指标", "exact"),
    ],
)
def test_tolerant_level2_matching(scheme_id, l1, l2, canonical, how):
    m = get_scheme(scheme_id).match_level2(l1, l2)
    assert m is not None and (m.canonical, m.how) == (canonical, how)


def test_level1_short_names_match_their_canonical_names():
    s = get_scheme("2021")
    for short, canonical in (("效益", "效益指标"), ("产出", "产出指标"), ("满意度", "满意度指标"), ("成本", "成本指标")):
        m = s.match_level1(short)
        assert m is not None and (m.canonical, m.how) == (canonical, "short")
    assert s.match_level1("效益指标").exact


def test_unknown_level1_is_rejected_but_suggested():
    s = get_scheme("2021")
    assert s.match_level1("效益类指标") is None
    assert s.match_level1("效") is None
    assert s.suggest_level1("效益类指标") == "效益指标"


def test_level2_under_wrong_level1_is_rejected():
    s = get_scheme("2021")
    assert s.match_level2("产出指标", "社会效益指标") is None
    assert s.level1_for_level2("社会效益指标") == ["效益指标"]


def test_roles_drive_rules_not_names():
    assert get_scheme("2021").role("成本指标", "经济成本指标") == "cost"
    assert get_scheme("legacy").role("产出指标", "成本指标") == "cost"
    assert get_scheme("legacy").role("产出指标", "时效指标") == "timeliness"
    assert get_scheme("2021").role("满意度指标", "服务对象满意度") == "satisfaction"
    # a 二级 name left in the 一级 column (lost merge) still has a role
    assert get_scheme("2021").role("社会效益指标", "社会效益指标") == "social"


def test_detect_scheme():
    assert detect_scheme([("成本指标", "经济成本指标"), ("产出指标", "数量指标")]).id == "2021"
    assert detect_scheme([("产出指标", "成本指标"), ("效益指标", "可持续影响指标")]).id == "legacy"
    assert detect_scheme([("部门管理", "资金投入"), ("履职效果", "部门履职目标")], kind="dept").id == "dept_mgmt"


def test_adding_a_region_scheme_is_adding_a_file(tmp_path, monkeypatch):
    data = {
        "id": "region_x", "name": "某地区指标体系", "kind": "project", "required": ["产出指标"],
        "level1": [{"name": "产出指标", "role": "output", "children": [{"name": "数量指标", "role": "quantity"}]}],
    }
    (tmp_path / "region_x.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("XL_JIXIAO_SCHEMES", str(tmp_path))
    s = get_scheme("region_x")
    assert s.tree() == {"产出指标": ["数量指标"]}
    assert load_scheme_file(tmp_path / "region_x.json").id == "region_x"


def test_bad_scheme_file_is_explained():
    with pytest.raises(ValueError, match="缺少字段"):
        scheme_from_dict({"id": "x"})
    with pytest.raises(ValueError, match="不在一级指标列表中"):
        scheme_from_dict({"id": "x", "name": "x", "required": ["满意度指标"], "level1": [{"name": "产出指标"}]})
    with pytest.raises(KeyError, match="未知的指标体系"):
        get_scheme("nope")
