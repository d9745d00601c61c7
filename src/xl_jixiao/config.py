"""Check configuration as data: a TOML file over the documented defaults.

The defaults live in ``data/default_config.toml`` (read with :mod:`tomllib`);
a user file names only what it changes.  Command-line ``--select``/``--ignore``
and ``--config`` end up here too, so the rule engine reads one object.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from xl_jixiao.errors import UserError
from xl_jixiao.model import Severity

DEFAULT_CONFIG_PATH = Path(__file__).parent / "data" / "default_config.toml"

_SECTIONS = {
    "check": {"scheme", "dept_scheme", "budget_year", "select", "ignore"},
    "severity": None,  # any rule code
    "money": {"tolerance", "wan_suspicious_min", "yuan_suspicious_max"},
    "duplicates": {"min_projects", "share"},
    "vocabulary": {"vague_words", "qualitative_grades", "placeholders", "basis_categories"},
}


@dataclass(frozen=True)
class Config:
    """Everything a check run can be told.  Build with :func:`load_config`."""

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
    source: str | None = None

    # ------------------------------------------------------------------ queries
    def enabled(self, code: str) -> bool:
        """Whether rule ``code`` runs under select/ignore (codes or prefixes such as ``JX3``)."""
        if self.select and not any(_matches(code, s) for s in self.select):
            return False
        return not any(_matches(code, s) for s in self.ignore)

    def severity_for(self, code: str, default: Severity) -> Severity:
        return self.severities.get(code, default)

    def with_overrides(self, select: list[str] | tuple[str, ...] | None = None,
                       ignore: list[str] | tuple[str, ...] | None = None,
                       scheme: str | None = None, budget_year: int | None = None) -> "Config":
        """A copy with command-line choices applied (select replaces, ignore adds)."""
        cfg = self
        if select:
            cfg = replace(cfg, select=tuple(_codes(select, "--select")))
        if ignore:
            cfg = replace(cfg, ignore=cfg.ignore + tuple(_codes(ignore, "--ignore")))
        if scheme:
            cfg = replace(cfg, scheme=scheme)
        if budget_year:
            cfg = replace(cfg, budget_year=int(budget_year))
        return cfg


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
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in over.items():
        if section not in _SECTIONS:
            raise UserError(f"配置文件 {where}：未知的配置节 [{section}]（可用：{'、'.join(_SECTIONS)}）")
        if not isinstance(values, dict):
            raise UserError(f"配置文件 {where}：[{section}] 应是一个配置节")
        allowed = _SECTIONS[section]
        for k in values:
            if allowed is not None and k not in allowed:
                raise UserError(f"配置文件 {where}：[{section}] 中未知的配置项「{k}」（可用：{'、'.join(sorted(allowed))}）")
        out.setdefault(section, {}).update(values)
    return out


def _decimal(v, name: str, where: str) -> Decimal:
    try:
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        raise UserError(f"配置文件 {where}：{name} 应是数字，实际为「{v}」") from None


def _strings(v, name: str, where: str) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise UserError(f"配置文件 {where}：{name} 应是文字列表")
    return tuple(v)


def config_from_dict(data: dict, where: str = "（内置默认）") -> Config:
    """Build a :class:`Config` from a TOML-shaped dict (sections check/severity/money/…)."""
    from xl_jixiao.rules.registry import known_codes

    check = data.get("check", {})
    money = data.get("money", {})
    dup = data.get("duplicates", {})
    vocab = data.get("vocabulary", {})
    codes = known_codes()
    severities: dict[str, Severity] = {}
    for code, sev in data.get("severity", {}).items():
        c = str(code).upper()
        if c not in codes:
            raise UserError(f"配置文件 {where}：[severity] 中的「{code}」不是已知的规则编码")
        try:
            severities[c] = Severity.parse(sev)
        except ValueError as exc:
            raise UserError(f"配置文件 {where}：{code} 的{exc}") from None
    year = check.get("budget_year", 0)
    if not isinstance(year, int):
        raise UserError(f"配置文件 {where}：budget_year 应是整数年份，实际为「{year}」")
    share = dup.get("share", 0.5)
    if not isinstance(share, (int, float)) or not 0 < float(share) <= 1:
        raise UserError(f"配置文件 {where}：[duplicates] share 应在 0 到 1 之间")
    min_projects = dup.get("min_projects", 4)
    if not isinstance(min_projects, int) or min_projects < 2:
        raise UserError(f"配置文件 {where}：[duplicates] min_projects 应是不小于 2 的整数")
    return Config(
        scheme=str(check.get("scheme", "auto") or "auto"),
        dept_scheme=str(check.get("dept_scheme", "auto") or "auto"),
        budget_year=year or None,
        select=tuple(_codes(_strings(check.get("select", []), "select", where), "select")),
        ignore=tuple(_codes(_strings(check.get("ignore", []), "ignore", where), "ignore")),
        severities=severities,
        tolerance=_decimal(money.get("tolerance", "0.005"), "tolerance", where),
        wan_suspicious_min=_decimal(money.get("wan_suspicious_min", 100000), "wan_suspicious_min", where),
        yuan_suspicious_max=_decimal(money.get("yuan_suspicious_max", 100), "yuan_suspicious_max", where),
        dup_min_projects=min_projects,
        dup_share=float(share),
        vague_words=_strings(vocab.get("vague_words", []), "vague_words", where),
        qualitative_grades=_strings(vocab.get("qualitative_grades", []), "qualitative_grades", where),
        placeholders=_strings(vocab.get("placeholders", []), "placeholders", where),
        basis_categories=_strings(vocab.get("basis_categories", []), "basis_categories", where),
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
