"""Check configuration as data: a TOML file over the documented defaults.

The defaults live in ``data/default_config.toml`` (read with :mod:`tomllib`);
a user file names only what it changes.  Command-line ``--select``/``--ignore``
and ``--config`` end up here too, so the rule engine reads one object.

:class:`Config` and its parts are plain frozen dataclasses, so a command that
runs on the defaults imports nothing more; a user's file is checked key by key
(:mod:`xl_jixiao.config_file`, pydantic) before it becomes one.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_jixiao.errors import UserError
from xl_jixiao.severity import Severity

DEFAULT_CONFIG_PATH = Path(__file__).parent / "data" / "default_config.toml"
DEFAULT_WHERE = "（内置默认）"


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Bounds on what reading one file may cost (``[limits]`` of the configuration file).

    The defaults fit a real form many times over; a file over one of them is
    unusable (JX504) with the reason, found before any spreadsheet library
    parses it.
    """

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


@dataclass(frozen=True, kw_only=True)
class Review:
    """Thresholds of the rules reviewers apply (JX406–JX412) and of the review round (``[review]``)."""

    goal_min_chars: int = 20
    name_max_chars: int = 30
    large_project_wan: float | int = 1000
    large_project_min_indicators: int = 6
    note_min_share: float | int = 0.5
    amount_change_share: float | int = 0.3
    return_on: str = "error"


@dataclass(frozen=True, kw_only=True)
class Config:
    """Everything a check run can be told.  Build with :func:`load_config`; immutable."""

    scheme: str = "auto"
    dept_scheme: str = "auto"
    budget_year: int | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)
    tolerance: Decimal = Decimal("0.005")
    wan_suspicious_min: Decimal = Decimal(100000)
    yuan_suspicious_max: Decimal = Decimal(100)
    dup_min_projects: int = 4
    dup_share: float = 0.5
    vague_words: tuple[str, ...] = ()
    qualitative_grades: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    basis_categories: tuple[str, ...] = ()
    review: Review = field(default_factory=Review)
    limits: Limits = field(default_factory=Limits)
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
        data = asdict(self)
        del data["source"]
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

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
        return replace(self, **update) if update else self


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
    from xl_jixiao.config_file import SECTIONS

    if not isinstance(over, dict):
        raise UserError(f"配置文件 {where}：格式错误")
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in over.items():
        if section not in SECTIONS:
            raise UserError(f"配置文件 {where}：未知的配置节 [{section}]（可用：{'、'.join(SECTIONS)}）")
        if not isinstance(values, dict):
            raise UserError(f"配置文件 {where}：[{section}] 应是一个配置节")
        out.setdefault(section, {}).update(values)
    return out


def _strings(v: list[str] | str) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v)


def config_from_dict(data: dict, where: str = DEFAULT_WHERE) -> Config:
    """Build a :class:`Config` from a TOML-shaped dict (sections check/severity/money/…), checking every key."""
    from xl_jixiao.config_file import validate

    return _build(validate(data, where), where)


def _build(sections: dict[str, Any], where: str) -> Config:
    """A :class:`Config` from complete sections: the defaults file as shipped, or a file :func:`config_from_dict`
    has checked (every section and key present, each value of its declared type)."""
    check, money, dup, vocab = (sections[k] for k in ("check", "money", "duplicates", "vocabulary"))
    severities: dict[str, Severity] = {}
    given = sections.get("severity") or {}
    if given:
        from xl_jixiao.rules.registry import known_codes

        codes = known_codes()
        for code, sev in given.items():
            c = str(code).upper()
            if c not in codes:
                raise UserError(f"配置文件 {where}：[severity] 中的「{code}」不是已知的规则编码")
            try:
                severities[c] = Severity.parse(sev)
            except ValueError as exc:
                raise UserError(f"配置文件 {where}：{code} 的{exc}") from None
    return Config(
        scheme=check["scheme"] or "auto",
        dept_scheme=check["dept_scheme"] or "auto",
        budget_year=check["budget_year"] or None,
        select=tuple(_codes(_strings(check["select"]), "select")),
        ignore=tuple(_codes(_strings(check["ignore"]), "ignore")),
        severities=severities,
        tolerance=Decimal(str(money["tolerance"])),
        wan_suspicious_min=Decimal(str(money["wan_suspicious_min"])),
        yuan_suspicious_max=Decimal(str(money["yuan_suspicious_max"])),
        dup_min_projects=dup["min_projects"],
        dup_share=float(dup["share"]),
        vague_words=_strings(vocab["vague_words"]),
        qualitative_grades=_strings(vocab["qualitative_grades"]),
        placeholders=_strings(vocab["placeholders"]),
        basis_categories=_strings(vocab["basis_categories"]),
        review=Review(**sections["review"]),
        limits=Limits(**sections["limits"]),
        source=None if where.startswith("（") else where,
    )


_DEFAULT: Config | None = None


def default_config() -> Config:
    global _DEFAULT
    if _DEFAULT is None:
        # the shipped defaults are complete and checked by the tests: no validation, no pydantic, on every start
        _DEFAULT = _build(_read_toml(DEFAULT_CONFIG_PATH), DEFAULT_WHERE)
    return _DEFAULT


def load_config(path: str | Path | None = None) -> Config:
    """The default configuration, overlaid with the TOML file at ``path`` when given."""
    if path is None:
        return default_config()
    p = Path(path)
    base = _read_toml(DEFAULT_CONFIG_PATH)
    data = _merge(base, _read_toml(p), str(p))
    return config_from_dict(data, str(p))
