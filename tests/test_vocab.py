"""One vocabulary of labels: every reader matches the same labels the same way."""

from __future__ import annotations

import pytest

from xl_jixiao import layout, vocab
from xl_jixiao.readers import recognise


@pytest.mark.parametrize(
    "written, section, key",
    [
        ("本年度项目金额（万元）：", "project", "total"),
        ("年度预算金额", "project", "total"),
        ("预算数", "project", "total"),
        ("年度预算申请(元)", "project", "total"),
        ("项目总金额（中期规划，万元）：", "project", "period_total"),
        ("实施期资金总额", "project", "period_total"),
        ("申请单位：", "unit", "unit_name"),
        ("一级预算单位：", "unit", "supervisor"),
        ("项 目 名 称", "project", "name"),
        ("一、项目名称：", "project", "name"),
        ("*项目名称", "project", "name"),
        ("其中：财政拨款", "project", "fiscal"),
        ("长期目标（跨度多年的项目需填）：", "project", "period_goal"),
        ("实施期限：", "project", "period"),
        ("政策依据：", "project", "policy_basis"),
        ("测算依据", "project", "calc_basis"),
    ],
)
def test_label_variants_map_to_their_field(written, section, key):
    assert vocab.lookup(written, "unit", "project", "dept") == (section, key)


@pytest.mark.parametrize(
    "written, key",
    [("指标值及单位", "value"), ("年度指标值", "value"), ("目标值", "value"), ("评（计）分标准", "basis"),
     ("指标值确定依据", "basis"), ("指标解释", "note"), ("绩效指标描述", "note"), ("指标值(包含数字及文字描述)", "value")],
)
def test_indicator_headers_from_the_vocabulary(written, key):
    assert recognise.header_key(written) == key


def test_money_unit_in_brackets_is_kept_apart():
    lt = vocab.parse_label("项目总金额（中期规划，万元）：")
    assert (lt.base, lt.qualifier, lt.unit) == ("项目总金额", "中期规划", "万元")
    assert vocab.label_unit("年度资金总额（单位：元）") == "元"


def test_template_contract_and_importer_share_labels():
    """Every label the template writes or accepts is a label the importer knows, and the other way round."""
    for f in layout.PROJECT_COLUMNS:
        if f.formula or f.key.startswith("plan_") or f.key in ("seq",):
            continue
        for lab in f.labels:
            key = recognise.label_of(lab)
            assert key == {"annual_goal": "goal"}.get(f.key, f.key), (f.key, lab, key)
    for f in layout.INDICATOR_COLUMNS:
        if f.formula or f.key in ("seq", "project"):
            continue
        for lab in f.labels:
            assert recognise.header_key(lab) == f.key, (f.key, lab)


@pytest.mark.parametrize("text", ["不适用", " 不适用 ", "无", "—", "/", "不涉及", "不适应"])
def test_not_applicable_tokens(text):
    assert vocab.is_not_applicable(text)


@pytest.mark.parametrize("text", ["无事故", "无投诉率", "不适用于…的群众", "", None, "≥95%"])
def test_not_applicable_is_only_the_token(text):
    assert not vocab.is_not_applicable(text)


def test_not_applicable_first_character_shortcut_agrees_with_the_full_test():
    """A text is ruled out by its first character only when the full comparison would rule it out too."""
    import random

    spaces = [c for c in map(chr, range(0x110000)) if vocab._SPACE.fullmatch(c)]
    assert set(spaces) <= vocab._na_starts()
    rng = random.Random(7)
    tokens = sorted(vocab._na_tokens())
    around = [" ", "\u3000", "\u200b", "\t", "。", "；", ";", ".", "<b>", "</span>", "< br/>", "\n"]
    samples = []
    for _ in range(4000):
        text = rng.choice(tokens)
        for _ in range(rng.randint(0, 3)):
            text = rng.choice(around) + text if rng.random() < 0.5 else text + rng.choice(around)
        if rng.random() < 0.3:
            text = rng.choice("指标无不该本" + "".join(around)) + text
        samples.append(text)
    hits = 0
    for text in samples:
        full = vocab._not_applicable_text(text)
        assert vocab.is_not_applicable(text) == full, repr(text)
        hits += full
    assert hits > 1000  # the samples exercise both answers
