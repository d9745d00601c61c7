from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_jixiao.money import Amount, convert, fmt, normalize_money_unit, parse_amount, tolerance


@pytest.mark.parametrize(
    "raw, value, unit, ok",
    [
        (None, None, None, True),
        ("", None, None, True),
        ("  ", None, None, True),
        (328, Decimal("328"), None, True),
        (37.107, Decimal("37.107"), None, True),
        (0.1 + 0.2, Decimal("0.3"), None, True),
        ("1,150.00", Decimal("1150.00"), None, True),
        ("2,272.88", Decimal("2272.88"), None, True),
        ("17,200.01", Decimal("17200.01"), None, True),
        ("12.8万", Decimal("12.8"), "万元", True),
        ("12.8 万元", Decimal("12.8"), "万元", True),
        ("197200元", Decimal("197200"), "元", True),
        ("￥30", Decimal("30"), None, True),
        ("１２０．５", Decimal("120.5"), None, True),
        ("-5", Decimal("-5"), None, True),
        ("约10", None, None, False),
        ("（分级填报）", None, None, False),
        ("十万", None, None, False),
        (True, None, None, False),
        (float("nan"), None, None, False),
    ],
)
def test_parse_amount(raw, value, unit, ok):
    a = parse_amount(raw)
    assert (a.value, a.unit, a.ok) == (value, unit, ok)
    if value is not None:
        assert isinstance(a.value, Decimal)


def test_amount_in_column_unit():
    assert parse_amount("12.8万").in_unit("元") == Decimal("128000")
    assert parse_amount("1972000.00元").in_unit("万元") == Decimal("197.2")
    assert parse_amount("15").in_unit("元") == Decimal("15")


def test_convert_exact():
    assert convert(Decimal("1972000.00"), "元", "万元") == Decimal("197.2")
    assert convert(Decimal("0.01"), "万元", "元") == Decimal("100")
    assert convert(None, "元", "万元") is None
    assert convert(Decimal("3"), "万元", "万元") == Decimal("3")


@pytest.mark.parametrize(
    "text, expected",
    [("万元", "万元"), ("单位：万元", "万元"), ("单位: 元", "元"), ("（元）", "元"), ("项目资金<br>(万元)", "万元"), ("", None), ("个", None)],
)
def test_normalize_money_unit(text, expected):
    assert normalize_money_unit(text) == expected


def test_tolerance_is_half_of_last_printed_digit():
    assert tolerance([Decimal("328.00"), Decimal("328.00")]) == Decimal("0.005")
    assert tolerance([Decimal("192.8"), Decimal("120")]) == Decimal("0.05")
    assert tolerance([Decimal("30"), Decimal("30")]) == Decimal("0.005")
    assert tolerance([Decimal("37.107")]) == Decimal("0.0005")
    assert tolerance([Decimal("37.107"), Decimal("37.11")]) == Decimal("0.005")
    assert tolerance([Decimal("1.00")], floor=Decimal("0.01")) == Decimal("0.01")


def test_fmt():
    assert fmt(Decimal("17014.5")) == "17,014.50"
    assert fmt(None) == "（空）"
    assert fmt(Decimal("1e40")).startswith("1")  # too many digits to round: shown, not raised


@given(st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.decimals(allow_nan=False, allow_infinity=False)))
def test_parse_amount_never_raises(raw):
    assert isinstance(parse_amount(raw), Amount)


@pytest.mark.parametrize("d, text", [(Decimal("95"), "95"), (Decimal("0.50"), "0.5"), (Decimal("1E+2"), "100"),
                                     (Decimal("1972000.00"), "1972000"), (Decimal("-0.0"), "0"), (Decimal("0.000"), "0")])
def test_plain_number(d, text):
    from xl_jixiao.money import plain_number

    assert plain_number(d) == text
