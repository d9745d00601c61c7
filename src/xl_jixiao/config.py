"""Check configuration as data: a TOML file over the documented defaults.

The defaults live in ``data/default_config.toml`` (read with :mod:`tomllib`);
a user file names only what it changes.  Command-line ``--select``/``--ignore``
and ``--config`` end up here too, so the rule engine reads one object.
"""

from __future__ import annotations

import hashlib
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from xl_jixiao.errors import UserError
from xl_jixiao.model import Severity

DEFAULT_CONFIG_PATH = Path(__file__).parent / "data" / "default_config.toml"


class Limits(BaseModel):
    """Bounds on what reading one file may cost (``[limits]`` of the configuration file).

    The defaults fit a real form many times over; a file over one of them is
    unusable (JX504) with the reason, found before any spreadsheet library
    parses it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_file_mb: int = 100
    max_part_mb: int = 256
    max_total_mb: int = 512
    max_ratio: int = 200
    max_parts: int = 10_000
    max_rows: int = 1_048_576
    max_columns: int = 1_024
    max_cells: int = 5_000_000
    max_shared_strings: int = 2_000_000
    max_string_kb: int = 1_024
    worker_memory_mb: int = 2_048
    worker_seconds: int = 300


class Config(BaseModel):
    """Everything a check run can be told.  Build with :func:`load_config`; immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = "auto"
    dept_scheme: str = "auto"
    budget_year: int | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: dict[str, Severity] = Field(default_factory=dict)
    tolerance: Decimal = Decimal("0.005")
    wan_suspicious_min: Decimal = Decimal(100000)
    yuan_suspicious_max: Decimal = Decimal(100)
    dup_min_projects: int = 4
    dup_share: float = 0.5
    vague_words: tuple[str, ...] = ()
    qualitative_grades: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    basis_categories: tuple[str, ...] = ()
    review: ReviewSection = Field(default_factory=lambda: ReviewSection())
    limits: Limits = Field(default_factory=Limits)
    source: str | None = None

    # ------------------------------------------------------------------ queries
    def enabled(self, code: str) -> bool:
        """Whether rule ``code`` runs under select/ignore (codes or prefixes such as ``JX3``)."""
        if self.select and not any(_matches(code, s) for s in self.select):
            return False
        return not any(_matches(code, s) for s in self.ignore)

    def severity_for(self, code: str, default: Severity) -> Severity:
        return self.severities.get(code, default)

    def fingerprint(self) -> str:
        """A hash of everything that changes what a check finds (not where the configuration came from)."""
        data = self.model_dump_json(exclude={"source"})
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def with_overrides(self, select: list[str] | tuple[str, ...] | None = None,
                       ignore: list[str] | tuple[str, ...] | None = None,
                       scheme: str | None = None, budget_year: int | None = None) -> Config:
        """A copy with command-line choices applied (select replaces, ignore adds)."""
        update: dict[str, Any] = {}
        if select:
            update["select"] = tuple(_codes(select, "--select"))
        if ignore:
            update["ignore"] = self.ignore + tuple(_codes(ignore, "--ignore"))
        if scheme:
            update["scheme"] = scheme
        if budget_year:
            update["budget_year"] = int(budget_year)
        return self.model_copy(update=update) if update else self


# ------------------------------------------------------------------ the TOML file, as written


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


class ReviewSection(_Section):
    """Thresholds of the rules reviewers apply (JX406–JX412) and of the review round."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    goal_min_chars: int = Field(default=20, ge=1)
    name_max_chars: int = Field(default=30, ge=5)
    large_project_wan: float | int = Field(default=1000, gt=0)
    large_project_min_indicators: int = Field(default=6, ge=1)
    note_min_share: float | int = Field(default=0.5, gt=0, le=1)
    amount_change_share: float | int = Field(default=0.3, gt=0)
    return_on: str = "error"

    @field_validator("return_on")
    @classmethod
    def _level(cls, v: str) -> str:
        if v not in ("error", "warning"):
            raise ValueError("应是 error 或 warning")
        return v
class LimitsSection(_Section):
    max_file_mb: int = Field(default=100, ge=1)
    max_part_mb: int = Field(default=256, ge=1)
    max_total_mb: int = Field(default=512, ge=1)
    max_ratio: int = Field(default=200, ge=2)
    max_parts: int = Field(default=10_000, ge=10)
    max_rows: int = Field(default=1_048_576, ge=100)
    max_columns: int = Field(default=1_024, ge=10)
    max_cells: int = Field(default=5_000_000, ge=1000)
    max_shared_strings: int = Field(default=2_000_000, ge=100)
    max_string_kb: int = Field(default=1_024, ge=1)
    worker_memory_mb: int = Field(default=2_048, ge=256)
    worker_seconds: int = Field(default=300, ge=1)


class ConfigFile(_Section):
    """The TOML configuration file: sections and keys as written; anything else is an error."""

    check: CheckSection = Field(default_factory=CheckSection)
    severity: dict[str, str] = Field(default_factory=dict)
    money: MoneySection = Field(default_factory=MoneySection)
    duplicates: DuplicatesSection = Field(default_factory=DuplicatesSection)
    vocabulary: VocabularySection = Field(default_factory=VocabularySection)
    limits: LimitsSection = Field(default_factory=LimitsSection)


    review: ReviewSection = Field(default_factory=ReviewSection)


Config.model_rebuild()

_SECTIONS = {name: (None if name == "severity" else set(f.annotation.model_fields))  # type: ignore[union-attr]
             for name, f in ConfigFile.model_fields.items()}

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
            return UserError(f"配置文件 {where}：未知的配置节 [{section}]（可用：{'、'.join(_SECTIONS)}）")
        allowed = sorted(_SECTIONS.get(section) or ())
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


def _matches(code: str, pattern: str) -> bool:
    p = pattern.strip().upper().rstrip("*X")
    return bool(p) and code.upper().startswith(p)


def _codes(items, where: str) -> list[str]:
    out: list[str] = []
    for item in items:
        for part in str(item).replace("，", ",").replace("、", ",").split(","):
            part = part.strip().upper()
            if not part:
                continue
            if not part.startswith("JX"):
                raise UserError(f"{where}：「{part}」不是规则编码（应为 JX301 这样的编码或 JX3 这样的前缀）")
            out.append(part)
    return out


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise UserError(f"找不到配置文件：{path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"配置文件 {path} 格式错误：{exc}") from None
    except OSError as exc:
        raise UserError(f"无法读取配置文件 {path}：{exc}") from None


def _merge(base: dict, over: dict, where: str) -> dict:
    """``over`` (a user file) on top of ``base`` (the defaults), section by section."""
    if not isinstance(over, dict):
        raise UserError(f"配置文件 {where}：格式错误")
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in over.items():
        if section not in _SECTIONS:
            raise UserError(f"配置文件 {where}：未知的配置节 [{section}]（可用：{'、'.join(_SECTIONS)}）")
        if not isinstance(values, dict):
            raise UserError(f"配置文件 {where}：[{section}] 应是一个配置节")
        out.setdefault(section, {}).update(values)
    return out


def _strings(v: list[str] | str) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v)


def config_from_dict(data: dict, where: str = "（内置默认）") -> Config:
    """Build a :class:`Config` from a TOML-shaped dict (sections check/severity/money/…)."""
    from xl_jixiao.rules.registry import known_codes

    try:
        f = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, where) from None
    codes = known_codes()
    severities: dict[str, Severity] = {}
    for code, sev in f.severity.items():
        c = str(code).upper()
        if c not in codes:
            raise UserError(f"配置文件 {where}：[severity] 中的「{code}」不是已知的规则编码")
        try:
            severities[c] = Severity.parse(sev)
        except ValueError as exc:
            raise UserError(f"配置文件 {where}：{code} 的{exc}") from None
    return Config(
        scheme=f.check.scheme or "auto",
        dept_scheme=f.check.dept_scheme or "auto",
        budget_year=f.check.budget_year or None,
        select=tuple(_codes(_strings(f.check.select), "select")),
        ignore=tuple(_codes(_strings(f.check.ignore), "ignore")),
        severities=severities,
        tolerance=Decimal(str(f.money.tolerance)),
        wan_suspicious_min=Decimal(str(f.money.wan_suspicious_min)),
        yuan_suspicious_max=Decimal(str(f.money.yuan_suspicious_max)),
        dup_min_projects=f.duplicates.min_projects,
        dup_share=float(f.duplicates.share),
        vague_words=_strings(f.vocabulary.vague_words),
        qualitative_grades=_strings(f.vocabulary.qualitative_grades),
        placeholders=_strings(f.vocabulary.placeholders),
        basis_categories=_strings(f.vocabulary.basis_categories),
        review=f.review,
        limits=Limits(**f.limits.model_dump()),
        source=None if where.startswith("（") else where,
    )


_DEFAULT: Config | None = None


def default_config() -> Config:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = config_from_dict(_read_toml(DEFAULT_CONFIG_PATH))
    return _DEFAULT


def load_config(path: str | Path | None = None) -> Config:
    """The default configuration, overlaid with the TOML file at ``path`` when given."""
    if path is None:
        return default_config()
    p = Path(path)
    base = _read_toml(DEFAULT_CONFIG_PATH)
    data = _merge(base, _read_toml(p), str(p))
    return config_from_dict(data, str(p))
