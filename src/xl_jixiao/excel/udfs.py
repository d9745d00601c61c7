"""Worksheet functions (``@xw.func``), all in this one module.

In desktop Excel they need no registration: the add-in and the macro-enabled
template carry a VBA wrapper for each function, generated from these
signatures when they are built (:mod:`xl_jixiao.addin.udfwrappers`), which
calls xlwings' UDF server.  xlwings Server and xlwings Lite register the same
functions from this module.

Every function accepts a single cell or a range: a range comes in as a 2-D
array and the result is a 2-D array of the same shape (one result per input
cell or row), so one array formula replaces thousands of cell formulas
(each UDF call over COM costs about a millisecond).

* ``JX_VALUE(指标值)`` – the normalised value (``>=95百分比`` → ``≥95%``);
* ``JX_CHECK(一级, 二级, 三级, 指标值, [计量单位], [指标体系], [年度])`` – the
  rule codes and messages of each indicator row, empty when the row is fine;
* ``JX_TOTAL(金额, [金额单位], [原金额单位], [方向])`` – a money-unit-aware sum
  (``12.8万``, ``197200元`` and plain numbers), of everything or per row/column;
* ``JX_LEVEL2(一级, [指标体系])`` – the 二级 allowed under each 一级.
"""

from __future__ import annotations

from decimal import Decimal

try:  # xlwings' decorators register the functions; without xlwings they are plain functions
    import xlwings as _xw

    func, arg = _xw.func, _xw.arg
except ImportError:  # pragma: no cover - exercised only without xlwings
    def func(f=None, **_kw):
        return f if f is not None else (lambda g: g)

    def arg(*_a, **_kw):
        return lambda g: g


def _safe() -> None:
    """Nothing is imported from the current folder from here on (see :mod:`.safety`)."""
    from xl_jixiao.excel.safety import drop_workbook_paths

    drop_workbook_paths()


def _grid(v) -> list[list[object]]:
    """Any argument as a 2-D list (a scalar becomes 1×1)."""
    if isinstance(v, list):
        if not v:
            return [[None]]
        if not isinstance(v[0], list):
            return [list(v)]
        return [list(r) for r in v]
    return [[v]]


def _shape_out(grid: list[list[object]], single: bool):
    return grid[0][0] if single and len(grid) == 1 and len(grid[0]) == 1 else grid


def _is_single(v) -> bool:
    return not isinstance(v, list) or (len(v) == 1 and (not isinstance(v[0], list) or len(v[0]) == 1))


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---------------------------------------------------------------- JX_VALUE

@func
@arg("text", ndim=2, doc="指标值：一个单元格或一个区域")
def JX_VALUE(text):
    """指标值的规范写法（如 >=95百分比 → ≥95%），区域输入返回同样大小的区域。"""
    _safe()
    from xl_jixiao.values import parse_value

    grid = _grid(text)
    out = [[("" if _blank(v) else parse_value(_cell_text(v)).text) for v in row] for row in grid]
    return _shape_out(out, _is_single(text))


# ---------------------------------------------------------------- JX_CHECK

def _vector(v) -> list[object]:
    """An argument as a list of indicator-row values: a column range gives its
    first column, a single row its cells, a single cell one value."""
    g = _grid(v)
    if len(g) == 1:
        return list(g[0])
    return [row[0] if row else None for row in g]


def _column(v, n: int) -> list[object]:
    """``n`` values, one per indicator row (a single cell repeats)."""
    vec = _vector(v)
    if len(vec) == 1:
        return vec * n
    return [vec[i] if i < len(vec) else None for i in range(n)]


_ROW_PROJECT = "JX_CHECK"
"""Name of the stand-in project the rows are checked in (removed from messages)."""


def check_rows(level1, level2, name, value, unit=None, scheme=None, year=None) -> list[str]:
    """The findings of each indicator row as text (``""`` when the row is fine)."""
    from xl_jixiao.model import CellRef, Indicator, Project, Submission
    from xl_jixiao.rules import check_submission
    from xl_jixiao.rules.registry import get_rule

    n = max(len(_vector(a)) for a in (level1, level2, name, value))
    cols = {k: _column(v, n) for k, v in
            (("level1", level1), ("level2", level2), ("name", name), ("value", value), ("unit", unit))}
    letters = {"level1": "C", "level2": "D", "name": "E", "value": "G", "unit": "H"}
    indicators = []
    for i in range(n):
        row = i + 1
        fields = {k: (None if _blank(cols[k][i]) else _cell_text(cols[k][i]).strip()) for k in cols}
        if not any(fields.values()):
            continue
        indicators.append(Indicator(
            project=_ROW_PROJECT, row=row, **fields,
            cells={k: CellRef(sheet="绩效指标", cell=f"{letters[k]}{row}", row=row) for k in letters},
        ))
    if not indicators:
        return [""] * n
    budget_year = int(float(year)) if not _blank(year) else None
    sub = Submission(
        budget_year=budget_year,
        unit_name=_ROW_PROJECT,
        scheme=None if _blank(scheme) else _cell_text(scheme),
        projects=[Project(name=_ROW_PROJECT, indicators=indicators)],
    )
    per_row: dict[int, list[str]] = {}
    for f in check_submission(sub):
        try:
            scope = get_rule(f.code).scope
        except KeyError:
            scope = None
        if scope not in ("value", "indicator") or f.row is None or f.suppressed:
            continue
        message = f.message.replace(f"项目「{_ROW_PROJECT}」的", "").replace(f"项目「{_ROW_PROJECT}」", "本行")
        per_row.setdefault(f.row, []).append(f"{f.code} {f.severity.label}：{message}")
    return ["；".join(dict.fromkeys(per_row.get(i + 1, []))) for i in range(n)]


@func
@arg("level1", ndim=2, doc="一级指标")
@arg("level2", ndim=2, doc="二级指标")
@arg("name", ndim=2, doc="三级指标（指标名称）")
@arg("value", ndim=2, doc="指标值")
@arg("unit", ndim=2, doc="计量单位（可省略）")
@arg("scheme", doc="指标体系编码，如 2021、legacy（可省略）")
@arg("year", doc="预算年度（可省略，用于检查日期）")
def JX_CHECK(level1, level2, name, value, unit=None, scheme=None, year=None):
    """检查指标行：返回每一行发现的问题（规则编码、严重程度和说明），没有问题时为空。"""
    _safe()
    rows = check_rows(level1, level2, name, value, unit, scheme, year)
    single = all(_is_single(a) for a in (level1, level2, name, value))
    return _shape_out([[r] for r in rows], single)


# ---------------------------------------------------------------- JX_TOTAL

def total(amounts, money_unit="万元", amounts_unit=None, by="all"):
    """Money-unit-aware sums of ``amounts`` as Decimals (see :func:`JX_TOTAL`)."""
    from xl_jixiao.money import convert, normalize_money_unit, parse_amount

    target = normalize_money_unit(money_unit, "万元")
    source = normalize_money_unit(amounts_unit, target) if not _blank(amounts_unit) else target
    grid = _grid(amounts)

    def value(v) -> Decimal:
        if _blank(v) or isinstance(v, bool):
            return Decimal(0)
        a = parse_amount(v)
        if not a.ok or a.value is None:
            raise ValueError(f"不是金额：{v}")
        return convert(a.value, a.unit or source, target)

    vals = [[value(v) for v in row] for row in grid]
    mode = str(by or "all").strip().lower()
    if mode in ("row", "rows", "行"):
        return [[sum(r, Decimal(0))] for r in vals]
    if mode in ("column", "columns", "col", "列"):
        return [[sum((r[j] for r in vals if j < len(r)), Decimal(0)) for j in range(len(vals[0]))]]
    return sum((sum(r, Decimal(0)) for r in vals), Decimal(0))


def _number(d: Decimal):
    f = float(d)
    return int(f) if f.is_integer() else f


@func
@arg("amounts", ndim=2, doc="金额：单元格或区域；可写 12.8万、197200元")
@arg("money_unit", doc="结果的金额单位：万元（默认）或 元")
@arg("amounts_unit", doc="未写单位的数字的金额单位（默认与结果相同）")
@arg("by", doc="all（默认，总和）、row（每行一个和）或 column（每列一个和）")
def JX_TOTAL(amounts, money_unit="万元", amounts_unit=None, by="all"):
    """按金额单位换算后求和（12.8万、197200元 与数字混合也可），可按行或按列分别求和。"""
    _safe()
    try:
        res = total(amounts, money_unit, amounts_unit, by)
    except ValueError as exc:
        return str(exc)
    if isinstance(res, list):
        return [[_number(v) for v in row] for row in res]
    return _number(res)


# ---------------------------------------------------------------- JX_LEVEL2

def level2_options(level1, scheme=None) -> list[str]:
    from xl_jixiao.schemes import get_scheme

    s = get_scheme(None if _blank(scheme) else _cell_text(scheme))
    m = s.match_level1(level1)
    return s.level2_names(m.canonical) if m else []


@func
@arg("level1", ndim=2, doc="一级指标：单元格或区域")
@arg("scheme", doc="指标体系编码，如 2021、legacy、dept_mgmt（默认 2021）")
def JX_LEVEL2(level1, scheme=None):
    """一级指标下允许的二级指标：每个输入单元格返回一行（横向列出）。"""
    _safe()
    grid = _grid(level1)
    rows = []
    for row in grid:
        for v in row:
            if _blank(v):
                rows.append([""])
            else:
                opts = level2_options(v, scheme)
                rows.append(opts or [f"（不是「{_cell_text(v)}」所在指标体系的一级指标）"])
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]
