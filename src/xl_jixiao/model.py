"""Domain model: one description of a submission, plain objects inside, validated at the boundary.

Readers build these objects; rules, totals and writers consume them.  Every
object that was read from cells keeps the location of each field in ``cells``
(field name → :class:`CellRef`), so a finding can point at the exact cell; a
table row's ``cells`` is a :class:`RowCells`, which makes a reference only when
one is asked for.

The classes are standard-library dataclasses: building one costs a plain
``__init__`` and importing this module costs nothing beyond the standard
library.  Data from outside (a stored result, an API caller's dict or JSON) is
validated where it enters, by :func:`validated` (pydantic, imported only then),
against these same classes.

Money is always :class:`~decimal.Decimal` in the submission's ``money_unit``;
conversion between 元 and 万元 lives in :mod:`xl_jixiao.money`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, TypeVar

from xl_jixiao.severity import SEVERITY_LABELS, Severity

__all__ = [
    "CellRef", "Cells", "RowCells", "Indicator", "Funding", "PlanPoint", "Project", "DeptBudget", "SourceInfo", "Submission",
    "Severity", "SEVERITY_LABELS", "Finding", "MoneyUnit", "validated", "adapter", "value_text",
]

MoneyUnit = Literal["万元", "元"]

_T = TypeVar("_T")

_FORBID = {"extra": "forbid"}
"""Validation at the boundary refuses keys the model does not have (read by pydantic, a plain dict here)."""


_ADAPTERS: dict[type, Any] = {}


def adapter(cls: type) -> Any:
    """The pydantic ``TypeAdapter`` of ``cls`` (built once per class; pydantic is imported on the first call)."""
    ta = _ADAPTERS.get(cls)
    if ta is None:
        from pydantic import TypeAdapter

        ta = _ADAPTERS[cls] = TypeAdapter(cls)
    return ta


def validated(cls: type[_T], data: Any) -> _T:
    """An instance of ``cls`` from data that comes from outside: a dict, or JSON text or bytes.

    Values are checked and converted as declared (amounts to ``Decimal``, severities to :class:`Severity`,
    unknown keys refused); raises ``pydantic.ValidationError`` (a ``ValueError``) when they do not fit.
    """
    ta = adapter(cls)
    if isinstance(data, str | bytes | bytearray):
        return ta.validate_json(data)
    return ta.validate_python(data)


@dataclass
class CellRef:
    """Where a value came from. ``cell`` is an A1 reference on ``sheet``."""

    __pydantic_config__ = _FORBID

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None  # 1-based worksheet row (or line number in a text source)

    def label(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        return " / ".join(parts)

    def __reduce__(self) -> tuple[type[CellRef], tuple[str | None, str | None, str | None, int | None]]:
        # a result crosses from its reading process pickled, with a thousand references or more: as the
        # four values (rebuilt by one constructor call), not as an object with a dict of its fields
        return CellRef, (self.file, self.sheet, self.cell, self.row)


class RowCells(MutableMapping[str, CellRef]):
    """The cells of one table row, field → :class:`CellRef`, made when asked for.

    A table's rows share one map of field → column letters; a row keeps only its sheet and row number, so
    reading a table of a thousand rows does not make ten thousand references nobody looks at (a rule makes
    the one its finding points at).  It behaves as a dict of references: setting or deleting a field turns
    the row's cells into a plain dict inside.
    """

    __slots__ = ("file", "sheet", "row", "columns", "_dict")

    def __init__(self, file: str | None, sheet: str | None, row: int, columns: dict[str, str]):
        self.file = file
        self.sheet = sheet
        self.row = row
        self.columns = columns
        """Field → column letters, shared by the rows of one table (not to be changed)."""
        self._dict: dict[str, CellRef] | None = None

    def __getitem__(self, key: str) -> CellRef:
        if self._dict is not None:
            return self._dict[key]
        return CellRef(self.file, self.sheet, self.columns[key] + str(self.row), self.row)

    def get(self, key: str, default: Any = None) -> Any:
        if self._dict is not None:
            return self._dict.get(key, default)
        letters = self.columns.get(key)
        return default if letters is None else CellRef(self.file, self.sheet, letters + str(self.row), self.row)

    def __contains__(self, key: object) -> bool:
        return key in (self.columns if self._dict is None else self._dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns if self._dict is None else self._dict)

    def __len__(self) -> int:
        return len(self.columns if self._dict is None else self._dict)

    def _own(self) -> dict[str, CellRef]:
        if self._dict is None:
            at = str(self.row)
            self._dict = {k: CellRef(self.file, self.sheet, c + at, self.row) for k, c in self.columns.items()}
        return self._dict

    def __setitem__(self, key: str, value: CellRef) -> None:
        self._own()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._own()[key]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a dict

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        if self._dict is not None:
            return dict, (self._dict,)
        return RowCells, (self.file, self.sheet, self.row, self.columns)


Cells = MutableMapping[str, CellRef]
"""A row's or block's cells by field: a dict, or the :class:`RowCells` of a table row."""


@dataclass
class Indicator:
    """One 三级 indicator row: level1 → level2 → name, with its target value.

    Unlike the other classes it may be built with positional fields (in declaration order): the template reader
    builds one per row, and a positional call costs half a call by keyword."""

    __pydantic_config__ = _FORBID

    project: str | None = None  # the project name the row refers to (template) or belongs to
    project_code: str | None = None  # the 项目编码 the row refers to (a system export links rows by code)
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    op: str | None = None  # 计算符号 column when the layout has one
    value: str | None = None  # 指标值 verbatim
    unit: str | None = None  # 计量单位 column when the layout has one
    note: str | None = None
    basis: str | None = None
    remark: str | None = None
    row: int | None = None
    cells: Cells = field(default_factory=dict)

    def value_text(self) -> str:
        """The value as one text, joining separate symbol / value / unit columns."""
        return value_text(self.op, self.value, self.unit)

    def location(self, field: str = "value") -> CellRef | None:
        return self.cells.get(field) or next(iter(self.cells.values()), None)


def value_text(op: str | None, value: str | None, unit: str | None) -> str:
    """An indicator's value as one text from its symbol, value and unit cells (:meth:`Indicator.value_text`)."""
    op = (op or "").strip()
    if op == "定性":
        op = ""
    value = (value or "").strip()
    unit = (unit or "").strip()
    if unit and value and not value.endswith(unit):
        value = value + unit
    return f"{op}{value}" if value else ""


@dataclass(kw_only=True)
class Funding:
    """Annual amount and its sources, in ``money_unit``. ``None`` means blank."""

    __pydantic_config__ = _FORBID

    money_unit: MoneyUnit = "万元"
    total: Decimal | None = None
    fiscal: Decimal | None = None
    carryover: Decimal | None = None
    other: Decimal | None = None
    period_total: Decimal | None = None
    """The multi-year amount (项目总金额（中期规划）/实施期资金总额), not part of the annual sums."""
    invalid: dict[str, str] = field(default_factory=dict)
    """Fields whose cell held something that is not an amount: field → text as written."""

    def sources_sum(self) -> Decimal:
        return sum((v for v in (self.fiscal, self.carryover, self.other) if v is not None), Decimal(0))


@dataclass(kw_only=True)
class PlanPoint:
    """One 资金支出计划 checkpoint: cumulative percent spent by ``label`` (e.g. ``6月底``)."""

    __pydantic_config__ = _FORBID

    label: str
    percent: Decimal | None = None
    raw: str | None = None


@dataclass(kw_only=True)
class Project:
    """One project (项目): what it is, its money, its goals, its plan and its indicators."""

    __pydantic_config__ = _FORBID

    code: str | None = None
    name: str | None = None
    category: str | None = None  # 项目类别 / 一级项目
    project_type: str | None = None  # 项目类型 (常年性, 一次性, 其他经费 …)
    is_new: str | None = None  # 是否新增项目, as written
    allocation: str | None = None  # 分配方式
    supervisor: str | None = None
    implementer: str | None = None
    period: str | None = None
    funding: Funding = field(default_factory=Funding)
    purpose: str | None = None
    policy_basis: str | None = None  # 政策依据
    calc_basis: str | None = None  # 测算依据
    annual_goal: str | None = None
    period_goal: str | None = None  # 实施期目标 / 长期目标
    spending_plan: list[PlanPoint] = field(default_factory=list)
    remark: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    not_applicable: list[Indicator] = field(default_factory=list)
    """Rows declaring a category not applicable (``不适用``/``无``/``—`` in place of name and value).

    They are not indicators: rules count them as a category the unit *declared*
    it does not use, which is different from a category it forgot."""
    uncertain: str | None = None
    """Set by an importer that could not read this project's layout with confidence (where it stopped)."""
    row: int | None = None
    cells: Cells = field(default_factory=dict)

    @property
    def period_total(self) -> Decimal | None:
        return self.funding.period_total

    def location(self, field: str = "name") -> CellRef | None:
        return self.cells.get(field) or next(iter(self.cells.values()), None)


@dataclass(kw_only=True)
class DeptBudget:
    """部门整体: the unit's whole budget, functions, goal and unit-level indicators."""

    __pydantic_config__ = _FORBID

    money_unit: MoneyUnit = "万元"
    personnel: Decimal | None = None  # 人员经费
    public: Decimal | None = None  # 公用经费
    basic: Decimal | None = None  # 基本支出
    projects: Decimal | None = None  # 项目支出
    expense_total: Decimal | None = None  # 支出预算合计
    fiscal: Decimal | None = None  # 当年财政拨款
    carryover: Decimal | None = None  # 上年结转
    other: Decimal | None = None  # 其他资金
    income_total: Decimal | None = None  # 收入预算合计
    invalid: dict[str, str] = field(default_factory=dict)
    functions: str | None = None
    goal: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    not_applicable: list[Indicator] = field(default_factory=list)
    cells: Cells = field(default_factory=dict)

    def is_empty(self) -> bool:
        amounts = (self.personnel, self.public, self.basic, self.projects, self.expense_total,
                   self.fiscal, self.carryover, self.other, self.income_total)
        return all(v is None for v in amounts) and not self.functions and not self.goal and not self.indicators


@dataclass(kw_only=True)
class SourceInfo:
    """The file a submission was read from and how (template, system export, legacy form, open workbook)."""

    __pydantic_config__ = _FORBID

    path: str
    kind: Literal["template", "export", "legacy", "live", "unknown"] = "template"
    sha256: str | None = None
    template_version: str | None = None


@dataclass(kw_only=True)
class Submission:
    """One unit's workbook: unit information, 部门整体 and projects with their indicators."""

    __pydantic_config__ = _FORBID

    budget_year: int | None = None
    unit_name: str | None = None
    unit_code: str | None = None
    supervisor: str | None = None
    money_unit: MoneyUnit = "万元"
    scheme: str | None = None  # scheme id, e.g. "2021" or "legacy"
    dept_scheme: str | None = None
    filler: str | None = None
    phone: str | None = None
    fill_date: str | None = None
    head: str | None = None
    dept: DeptBudget | None = None
    projects: list[Project] = field(default_factory=list)
    unassigned_indicators: list[Indicator] = field(default_factory=list)
    """Indicator rows whose project column names no project of the list (JX108)."""
    source: SourceInfo | None = None
    cells: Cells = field(default_factory=dict)

    def all_indicators(self) -> list[Indicator]:
        out: list[Indicator] = []
        if self.dept:
            out.extend(self.dept.indicators)
        for p in self.projects:
            out.extend(p.indicators)
        out.extend(self.unassigned_indicators)
        return out

    def project_total(self) -> Decimal:
        return sum((p.funding.total for p in self.projects if p.funding.total is not None), Decimal(0))


@dataclass(kw_only=True)
class Finding:
    """One problem found: a coded rule, where it is, and what to write instead."""

    __pydantic_config__ = _FORBID

    code: str
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    project: str | None = None
    value: str | None = None
    suggestion: str | None = None
    suppressed: bool = False

    def sort_key(self) -> tuple:
        return (self.file or "", self.project or "", self.sheet or "", self.row or 0, self.cell or "", self.code)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "project": self.project,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "value": self.value,
            "suggestion": self.suggestion,
            "suppressed": self.suppressed,
        }
