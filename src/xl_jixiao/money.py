"""Money: reading amounts, converting between 元 and 万元, comparison tolerance.

All arithmetic is :class:`~decimal.Decimal`.  This module is the only place that
knows 1 万元 = 10,000 元.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import overload

MONEY_UNITS = ("万元", "元")
_FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}

DEFAULT_TOLERANCE_WAN = Decimal("0.005")
"""Half of the last printed digit of a 2-decimal 万元 form."""


def normalize_money_unit(text: object, default: str | None = None) -> str | None:
    """'万元', '单位：万元', '（万元）', '元' → '万元' / '元'; anything else → ``default``."""
    if text is None:
        return default
    t = str(text).strip()
    if not t:
        return default
    if "万元" in t or t in ("万",):
        return "万元"
    if re.search(r"(?<!万)元", t):
        return "元"
    return default


@overload
def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal: ...
@overload
def convert(amount: None, from_unit: str, to_unit: str) -> None: ...
@overload
def convert(amount: Decimal | None, from_unit: str, to_unit: str) -> Decimal | None: ...


def convert(amount: Decimal | None, from_unit: str, to_unit: str) -> Decimal | None:
    """Convert an amount between 元 and 万元 exactly (``None`` stays ``None``)."""
    if amount is None:
        return None
    return converted(amount, from_unit, to_unit)


def converted(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """:func:`convert` for an amount that is there."""
    if from_unit == to_unit:
        return amount
    return amount * _FACTOR[from_unit] / _FACTOR[to_unit]


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount read from a cell.

    ``value`` is in the unit written with it (``unit``), or in the column's unit
    when nothing was written (``unit`` is ``None``).  ``ok`` is False when the
    cell holds text that is not an amount; ``text`` keeps what was written.
    """

    value: Decimal | None
    unit: str | None
    ok: bool
    text: str

    def in_unit(self, column_unit: str) -> Decimal | None:
        """The amount expressed in ``column_unit``."""
        if self.value is None:
            return None
        if self.unit is None:
            return self.value
        return convert(self.value, self.unit, column_unit)


_AMOUNT_RE = re.compile(
    r"^(?P<sign>[-−－]?)\s*(?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>万元|万|元)?$"
)


def float_to_decimal(value: float) -> Decimal:
    """A float read from a worksheet as the Decimal a person sees (no binary noise)."""
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    r = repr(value)
    d = Decimal(r)
    # Cell arithmetic leaves noise such as 0.30000000000000004; 9 decimals are far below any money digit.
    # (The exponent is minus the digits after the point, unless repr wrote one: read from the text.)
    point = r.find(".")
    if ("e" in r and d.as_tuple().exponent < -9) or (  # type: ignore[operator]
            "e" not in r and point >= 0 and len(r) - point > 10):
        d = d.quantize(Decimal("1e-9")).normalize()
        if d == d.to_integral():
            d = d.quantize(Decimal(1))
    return d


def parse_amount(raw: object) -> Amount:
    """Read an amount from a cell value without ever raising.

    Accepts numbers, ``'1,150.00'``, ``'12.8万'``, ``'197200元'``, ``'￥30'``, full-width
    digits.  Blank → ``Amount(None, None, True, '')``.  Anything else (``'约10'``)
    → ``ok=False``.
    """
    if raw is None:
        return Amount(None, None, True, "")
    if isinstance(raw, bool):
        return Amount(None, None, False, str(raw))
    if isinstance(raw, Decimal):
        return Amount(raw, None, True, str(raw))
    if isinstance(raw, int):
        return Amount(Decimal(raw), None, True, str(raw))
    if isinstance(raw, float):
        try:
            return Amount(float_to_decimal(raw), None, True, repr(raw))
        except ValueError:
            return Amount(None, None, False, repr(raw))
    text = str(raw)
    t = text.strip().translate(_FULLWIDTH_DIGITS)
    t = t.replace(" ", "").replace("\u3000", "").lstrip("￥¥")
    if t in ("", "-", "—", "/", "／"):
        return Amount(None, None, True, text)
    m = _AMOUNT_RE.match(t)
    if not m:
        return Amount(None, None, False, text)
    try:
        num = Decimal(m.group("num").replace(",", "").replace("，", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return Amount(None, None, False, text)
    if m.group("sign"):
        num = -num
    unit = m.group("unit")
    if unit == "万":
        unit = "万元"
    return Amount(num, unit, True, text)


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")


def tolerance(values: list[Decimal | None] | tuple[Decimal | None, ...], floor: Decimal | None = None) -> Decimal:
    """Half of the last printed digit of the coarsest value (integers count as 2 decimals).

    ``192.8`` vs ``120`` compares to 0.05; a 2-decimal form to 0.005.  ``floor``
    (already in the form's unit) is a lower bound set by configuration.
    """
    exps = []
    for v in values:
        if v is None:
            continue
        exp = v.as_tuple().exponent
        if not isinstance(exp, int):
            continue
        e = exp
        # An integer (or a numeric cell) stands for a 2-decimal amount; noise below 6 decimals is ignored.
        exps.append(-2 if e >= 0 else max(e, -6))
    e = max(exps) if exps else -2
    tol = Decimal(5) * Decimal(10) ** (e - 1)
    if floor is not None and floor > tol:
        tol = floor
    return tol


def plain_number(d: Decimal) -> str:
    """A Decimal as the digits a person writes: ``95``, ``0.5``, ``1972000`` (no exponent, no trailing zeros)."""
    if not d.is_finite():
        return str(d)
    t = format(d, "f")
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return "0" if t in ("", "-0") else t


def fmt(amount: Decimal | None, places: int = 2) -> str:
    """Format an amount for messages: thousands separators, fixed decimals."""
    if amount is None:
        return "（空）"
    q = Decimal(1).scaleb(-places)
    try:
        return f"{amount.quantize(q):,}"
    except InvalidOperation:  # more digits than the context holds: show it as it is
        return f"{amount:,}"
