"""The configuration file as written: its sections and keys, checked by pydantic.

Only a user's file is checked here (the shipped defaults are trusted, and
tests check them too), so pydantic is imported only when a command is given
``--config``.  Every problem becomes one Chinese message naming the section
and key.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from decimal import Decimal
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from xl_jixiao.config import Limits, Review
from xl_jixiao.errors import UserError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CheckSection(_Section):
    scheme: str = "auto"
    dept_scheme: str = "auto"
    budget_year: int = 0
    select: list[str] | str = Field(default_factory=list)
    ignore: list[str] | str = Field(default_factory=list)


class MoneySection(_Section):
    tolerance: float | int | str = "0.005"
    wan_suspicious_min: float | int | str = 100000
    yuan_suspicious_max: float | int | str = 100

    @field_validator("tolerance", "wan_suspicious_min", "yuan_suspicious_max")
    @classmethod
    def _number(cls, v: float | int | str) -> float | int | str:
        try:
            Decimal(str(v))
        except ArithmeticError:
            raise ValueError("应是数字") from None
        return v


class DuplicatesSection(_Section):
    min_projects: int = Field(default=4, ge=2)
    share: float | int = Field(default=0.5, gt=0, le=1)


class VocabularySection(_Section):
    vague_words: list[str] | str = Field(default_factory=list)
    qualitative_grades: list[str] | str = Field(default_factory=list)
    placeholders: list[str] | str = Field(default_factory=list)
    basis_categories: list[str] | str = Field(default_factory=list)


def _level(cls, v: str) -> str:
    if v not in ("error", "warning"):
        raise ValueError("应是 error 或 warning")
    return v


def _section(name: str, cls: type, bounds: dict[str, dict[str, Any]], **validators: Any) -> type[_Section]:
    """The section of the file that gives the fields of dataclass ``cls``: same keys, types and defaults, plus
    the ``bounds`` (``ge``/``gt``/``le``) a value must keep."""
    hints = get_type_hints(cls)
    keys: dict[str, Any] = {}
    for f in fields(cls):
        default = {} if f.default is MISSING else {"default": f.default}
        keys[f.name] = (hints[f.name], Field(**default, **bounds.get(f.name, {})))
    return create_model(name, __base__=_Section, __validators__=validators, **keys)


ReviewSection = _section("ReviewSection", Review, {
    "goal_min_chars": {"ge": 1},
    "name_max_chars": {"ge": 5},
    "large_project_wan": {"gt": 0},
    "large_project_min_indicators": {"ge": 1},
    "note_min_share": {"gt": 0, "le": 1},
    "amount_change_share": {"gt": 0},
}, _level=field_validator("return_on")(_level))

LimitsSection = _section("LimitsSection", Limits, {
    "max_file_mb": {"ge": 1},
    "max_part_mb": {"ge": 1},
    "max_total_mb": {"ge": 1},
    "max_ratio": {"ge": 2},
    "max_parts": {"ge": 10},
    "max_rows": {"ge": 100},
    "max_columns": {"ge": 10},
    "max_cells": {"ge": 1000},
    "max_shared_strings": {"ge": 100},
    "max_string_kb": {"ge": 1},
    "worker_memory_mb": {"ge": 256},
    "worker_seconds": {"ge": 1},
})


def _part(model: type) -> tuple[type, Any]:
    return model, Field(default_factory=model)


ConfigFile = create_model(
    "ConfigFile", __base__=_Section, __doc__="The TOML configuration file: sections and keys as written; anything "
    "else is an error.",
    check=_part(CheckSection), severity=(dict[str, str], Field(default_factory=dict)), money=_part(MoneySection),
    duplicates=_part(DuplicatesSection), vocabulary=_part(VocabularySection), limits=_part(LimitsSection),
    review=_part(ReviewSection))

SECTIONS: dict[str, set[str] | None] = {
    name: (None if name == "severity" else set(f.annotation.model_fields))  # type: ignore[union-attr]
    for name, f in ConfigFile.model_fields.items()}
"""Section → the keys it may have (``None``: any rule code)."""


def validate(data: dict, where: str) -> dict[str, Any]:
    """The sections of a TOML-shaped dict, every key checked and every default filled in; a problem is a
    :class:`~xl_jixiao.errors.UserError` naming the file, section and key."""
    try:
        return ConfigFile.model_validate(data).model_dump()
    except ValidationError as exc:
        raise _explain(exc, where) from None


_MESSAGES = {
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}",
}


def _explain(exc: ValidationError, where: str) -> UserError:
    """The first validation problem, in Chinese, naming the section and key."""
    err = exc.errors()[0]
    loc = [str(x) for x in err["loc"] if not isinstance(x, int)]
    section = loc[0] if loc else ""
    key = loc[1] if len(loc) > 1 else ""
    if err["type"] == "extra_forbidden":
        if len(loc) == 1:
            return UserError(f"配置文件 {where}：未知的配置节 [{section}]（可用：{'、'.join(SECTIONS)}）")
        allowed = sorted(SECTIONS.get(section) or ())
        return UserError(f"配置文件 {where}：[{section}] 中未知的配置项「{key}」（可用：{'、'.join(allowed)}）")
    if len(loc) == 1 or err["type"] == "model_type":
        return UserError(f"配置文件 {where}：[{section}] 应是一个配置节")
    ctx = err.get("ctx") or {}
    text = _MESSAGES.get(err["type"], "").format(**ctx) if err["type"] in _MESSAGES else ""
    if not text:
        text = {"int_type": "应是整数", "bool_type": "应是 true 或 false", "list_type": "应是文字列表",
                "string_type": "应是文字"}.get(err["type"], "")
    if not text and "应是数字" in str(err.get("msg")):
        text = "应是数字"
    return UserError(f"配置文件 {where}：[{section}] {key} {text or '的值无效'}，实际为「{err.get('input')}」")


