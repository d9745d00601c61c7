"""The rule registry: every rule is a small class with its code, severity, scope and documentation."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from xl_jixiao.model import Finding, Severity, Submission

if TYPE_CHECKING:
    from xl_jixiao.rules.engine import Context, Item

SCOPES = ("value", "indicator", "project", "unit", "files")
SCOPE_LABELS = {
    "value": "指标值",
    "indicator": "指标",
    "project": "项目",
    "unit": "单位",
    "files": "多个文件",
}

_RULE_MODULES = (
    "xl_jixiao.rules.structure",
    "xl_jixiao.rules.value_rules",
    "xl_jixiao.rules.money_rules",
    "xl_jixiao.rules.completeness",
    "xl_jixiao.rules.review_rules",
    "xl_jixiao.rules.files",
)

_REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base class.  Subclasses set the class attributes and implement :meth:`check`.

    The class docstring explains the rule for users (Chinese); ``anti_pattern``
    quotes a real form, ``best_practice`` says what to write instead.

    ``check(ctx, target)`` receives, by scope:

    * ``value`` / ``indicator`` — an :class:`~xl_jixiao.rules.engine.Item` (one indicator row);
    * ``project`` — a :class:`~xl_jixiao.model.Project`;
    * ``unit`` — the :class:`~xl_jixiao.model.Submission`;
    * ``files`` — not run per workbook (consolidation builds these findings).
    """

    code: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.ERROR
    scope: ClassVar[str] = "indicator"
    title: ClassVar[str] = ""
    anti_pattern: ClassVar[str] = ""
    best_practice: ClassVar[str] = ""

    def check(self, ctx: Context, target: Any) -> Iterable[Finding]:  # pragma: no cover - abstract
        return ()

    def check_items(self, ctx: Context, items: Sequence[Item]) -> list[tuple[int, Iterable[Finding]]]:
        """``value`` / ``indicator`` rules: :meth:`check` over all indicator rows of a submission in one call,
        as ``(row index, findings)`` for the rows with findings, in row order.

        The engine calls this once per rule and submission.  A rule may override it to do what does not
        depend on the row once; it must find exactly what :meth:`check` finds row by row (when it raises,
        the engine runs :meth:`check` row by row to report where).
        """
        check = self.check
        rows = self.rows(ctx)
        if rows is None:
            return [(i, res) for i, it in enumerate(items) if (res := check(ctx, it))]
        return [(i, res) for i, it in rows if (res := check(ctx, it))]

    def rows(self, ctx: Context) -> Sequence[tuple[int, Item]] | None:
        """``value`` / ``indicator`` rules: the only rows :meth:`check` can find something on, as
        ``(row index, item)`` in row order (from the selections :class:`~xl_jixiao.rules.engine.Context`
        works out once per submission); ``None`` for every row.  A row left out must be one :meth:`check`
        returns nothing for on its first test."""
        return None

    def check_dept(self, ctx: Context, sub: Submission) -> Iterable[Finding]:
        """``project`` rules: the same check for the 部门整体 block (run when the workbook has one)."""
        return ()

    @classmethod
    def description(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "").strip()

    @classmethod
    def explanation(cls) -> str:
        """One line for the 校验结果 sheet: what is wrong and what is right."""
        parts = [cls.title]
        if cls.anti_pattern:
            parts.append(f"反例：{cls.anti_pattern}")
        if cls.best_practice:
            parts.append(f"正确做法：{cls.best_practice}")
        return "；".join(parts)

    @classmethod
    def to_json(cls) -> dict:
        return {
            "code": cls.code,
            "severity": cls.severity.value,
            "scope": cls.scope,
            "title": cls.title,
            "description": cls.description(),
            "anti_pattern": cls.anti_pattern,
            "best_practice": cls.best_practice,
        }


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator adding a rule to the catalogue (codes are unique and never reused)."""
    if not cls.code or cls.scope not in SCOPES:
        raise ValueError(f"rule {cls.__name__}: code and a valid scope are required")
    if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
        raise ValueError(f"duplicate rule code {cls.code}")
    _REGISTRY[cls.code] = cls
    _ORDERED.clear()
    return cls


_ORDERED: list[type[Rule]] = []
"""The catalogue ordered by code, worked out again after a rule is registered."""


def _load() -> None:
    if _ORDERED:
        return  # loaded, and nothing registered since
    for name in _RULE_MODULES:
        importlib.import_module(name)
    _ORDERED.extend(_REGISTRY[c] for c in sorted(_REGISTRY))


def all_rules() -> list[type[Rule]]:
    """Every registered rule class, ordered by code."""
    _load()
    return list(_ORDERED)


def get_rule(code: str) -> type[Rule]:
    _load()
    try:
        return _REGISTRY[code.upper()]
    except KeyError:
        raise KeyError(f"未知的规则编码：{code}") from None


def known_codes() -> set[str]:
    _load()
    return set(_REGISTRY)
