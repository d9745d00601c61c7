"""The form importer reads the same content back from every layout real forms use.

Each case writes one layout variant (see the table in ``layout_variants.py``) of a
base form as .xlsx, reads it with :func:`xl_jixiao.readers.read_submission` and
compares the model with the base: projects, names, amounts (exact, in the base's
万元), header fields, indicator rows, categories declared 不适用.

Cases: each base as laid out plainly, as laid out in the real form it was taken from, every option of every kind alone on every
base it applies to, every option pair of kinds that act on the same thing
(``INTERACTIONS``), and pseudo-random combinations drawn from a seed.

Layouts the reader does not handle yet are listed in ``KNOWN_FAILURES`` (one
table, keyed by ``kind``, ``kind=option`` or several joined by ``&``) and run as
expected failures; delete an entry once the reader handles it.

To look at one layout: ``python tests/layout_variants.py /tmp/x.xlsx synth label.total=3 pos=above``
writes it (kinds and options as in the ids of these cases).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from layout_variants import (
    REAL_LAYOUTS,
    Expected,
    Variant,
    expected,
    make_variant,
    norm_level,
    pair_variants,
    plain_variants,
    random_variant,
    render,
    single_variants,
)

from xl_jixiao.money import convert
from xl_jixiao.readers import read_submission
from xl_jixiao.rules.engine import check_submission

# (seeds, probability of each kind being switched on): deep combinations and light ones
RANDOM_SEEDS = ((range(100), 0.3), (range(1000, 1100), 0.15))

# kind / kind=option / a&b (all present) → why the current reader fails on it
KNOWN_FAILURES: dict[str, str] = {
}


def _known(v: Variant) -> list[str]:
    tags = v.tags()
    return [f"{key}: {why}" for key, why in KNOWN_FAILURES.items() if all(p in tags for p in key.split("&"))]


def _cases() -> list:
    out = []
    for v in plain_variants() + single_variants() + pair_variants():
        out.append((v, v.id))
    for name, v in REAL_LAYOUTS.items():
        out.append((v, name))
    for seeds, p in RANDOM_SEEDS:
        for seed in seeds:
            v = random_variant(seed, p)
            out.append((v, f"r{seed}-{v.id}"))
    params = []
    for v, ident in out:
        reasons = _known(v)
        marks = [pytest.mark.xfail(reason="; ".join(reasons), strict=False)] if reasons else []
        params.append(pytest.param(v, id=ident, marks=marks))
    return params


def _in_base_unit(value: Decimal | None, unit: str, base_unit: str) -> Decimal | None:
    return None if value is None else convert(value, unit, base_unit)


def _na_pairs(items) -> list[tuple[str, str]]:
    out = []
    for it in items or []:
        if isinstance(it, str):
            a, _, b = it.partition("/")
        elif hasattr(it, "level1"):
            a, b = it.level1, it.level2
        else:
            a, b = it
        out.append((norm_level(a), norm_level(b)))
    return out


def _compare(v: Variant, exp: Expected, sub) -> list[str]:
    diffs: list[str] = []

    def check(what: str, got, want) -> None:
        if got != want:
            diffs.append(f"{what}: 读到 {got!r}，应为 {want!r}")

    names = [p.name for p in sub.projects]
    check("项目", names, [p.name for p in exp.projects])
    check("单位", sub.unit_name, exp.unit_name)
    if sub.unit_name == exp.unit_name and "unit_name" not in sub.cells:
        diffs.append("单位: 不是从单位名称的单元格读到的（由主管部门推断）")
    if exp.filler:
        check("填表人", sub.filler, exp.filler)
        check("联系电话", sub.phone, exp.phone)
    for got, want in zip(sub.projects, exp.projects):
        at = f"「{want.name}」"
        unit = got.funding.money_unit

        def money(x: Decimal | None, unit: str = unit) -> Decimal | None:
            return _in_base_unit(x, unit, exp.money_unit)

        check(at + "年度资金总额", money(got.funding.total), want.total)
        for field, label in (("fiscal", "财政拨款"), ("carryover", "上年结转"), ("other", "其他资金")):
            if getattr(want, field) is not None:
                check(at + label, money(getattr(got.funding, field)), getattr(want, field))
        check(at + "项目编码", got.code, want.code)
        for field, label in (("supervisor", "主管部门"), ("period", "实施期"), ("category", "项目类别")):
            if getattr(want, field) is not None:
                check(at + label, getattr(got, field), getattr(want, field))
        if want.project_type is not None:
            if hasattr(got, "project_type"):
                check(at + "项目类型", got.project_type, want.project_type)
            elif want.category is None:  # a model without project_type keeps 项目类型 as the category
                check(at + "项目类型", got.category, want.project_type)
        for field, label in (("is_new", "是否新增项目"), ("allocation", "分配方式")):
            if hasattr(got, field) and getattr(want, field) is not None:
                check(at + label, getattr(got, field), getattr(want, field))
        check(at + "年度目标", got.annual_goal, want.goal)
        if want.period_goal:
            check(at + "长期目标", got.period_goal, want.period_goal)
        if hasattr(got, "period_total") and want.period_total is not None:
            check(at + "实施期资金总额", money(got.period_total), want.period_total)
        if hasattr(got, "policy_basis") and want.policy:
            check(at + "政策依据", got.policy_basis, want.policy)
        if hasattr(got, "calc_basis") and want.calc:
            check(at + "测算依据", got.calc_basis, want.calc)
        if hasattr(got, "not_applicable"):
            check(at + "不适用类别", sorted(_na_pairs(got.not_applicable)), sorted(want.not_applicable))
        rows = []
        for ind in got.indicators:
            name = ind.name
            if want.broken_name and name and re.sub(r"\s+", "", name) == want.broken_name:
                name = want.broken_name
            rows.append((norm_level(ind.level1), norm_level(ind.level2), name, ind.value, ind.note, ind.basis))
        if rows != want.indicators:
            diffs.append(f"{at}指标行不同：")
            for i in range(max(len(rows), len(want.indicators))):
                g = rows[i] if i < len(rows) else None
                w = want.indicators[i] if i < len(want.indicators) else None
                if g != w:
                    diffs.append(f"  第{i + 1}行 读到 {g}\n         应为 {w}")
    return diffs


@pytest.mark.parametrize("variant", _cases())
def test_layout_variant(variant: Variant, tmp_path):
    path = render(variant, tmp_path / "form.xlsx")
    sub = read_submission(path)
    diffs = _compare(variant, expected(variant), sub)
    assert not diffs, variant.describe() + "\n" + "\n".join(diffs)
    # judged the same whatever the layout: the same findings as the plain layout of the same content
    got = _finding_codes(sub)
    want = _reference_codes(variant, tmp_path_factory=tmp_path)
    assert got == want, variant.describe() + f"\nfindings {dict(got)} != plain layout's {dict(want)}"


# kinds that change what the form says (not how it is laid out): the reference layout keeps them.  Where the
# money unit is stated decides the form's unit (a unit only in the labels' brackets leaves the form in 万元,
# its amounts converted), and a rule about magnitudes (JX304) speaks of the form's unit.
_CONTENT_KINDS = ("na", "yuan", "title", "projects", "unit_at")
_REFERENCE: dict[tuple, Counter] = {}


def _finding_codes(sub) -> Counter:
    return Counter((f.code, f.project) for f in check_submission(sub) if f.code != "JX503")


def _reference_codes(v: Variant, tmp_path_factory) -> Counter:
    opts = {k: v.get(k) for k in _CONTENT_KINDS if v.on(k)}
    key = (v.base, tuple(sorted(opts.items())))
    if key not in _REFERENCE:
        ref = make_variant(v.base, opts)
        _REFERENCE[key] = _finding_codes(read_submission(render(ref, tmp_path_factory / "reference.xlsx")))
    return _REFERENCE[key]


def test_every_kind_is_exercised():
    """Each option of each kind appears alone at least once (so a failure names its kind)."""
    from layout_variants import KINDS

    singles = {o for v in single_variants() for o in v.opts}
    for kind, options in KINDS.items():
        for opt in options[1:]:
            assert (kind, opt) in singles, f"{kind}={opt} never generated alone"
