"""Indicator schemes (指标体系) as data.

A scheme is a JSON file naming its 一级 categories, the 二级 allowed under each,
which 一级 are required, and a *role* for each level (cost, quantity, timeliness,
satisfaction, …) that rules use instead of hard-coded names.  Adding a region's
scheme is adding a JSON file: to this folder, or to a folder named in the
``XL_JIXIAO_SCHEMES`` environment variable (``os.pathsep``-separated), or with
:func:`load_scheme_file`.

Matching is tolerant: real forms truncate names (``可持续影响指``), leave out the
``指标`` suffix (``服务对象满意度``) or use regional variants (``环境效益指标``).
:meth:`Scheme.match_level1` / :meth:`Scheme.match_level2` return the canonical
name and how it was matched.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

_HERE = Path(__file__).parent
MIN_TRUNCATED_LEN = 4
"""A truncated name must keep at least this many characters to be accepted (``效益`` is not)."""

MatchKind = Literal["exact", "alias", "short", "truncated"]
SUFFIX = "指标"
"""Real forms often leave it out: ``产出`` is 产出指标, ``服务对象满意度`` is 服务对象满意度指标."""


def clean_name(text: object) -> str:
    """Strip spaces, markup and numbering noise from a category name as written."""
    if text is None:
        return ""
    t = str(text)
    t = re.sub(r"<[^>]+>", "", t)
    t = re.sub(r"[\s\u3000]+", "", t)
    return t.strip("：:")


@dataclass(frozen=True)
class Match:
    canonical: str
    how: MatchKind
    written: str

    @property
    def exact(self) -> bool:
        return self.how == "exact"


@dataclass(frozen=True)
class Level:
    name: str
    role: str | None = None
    aliases: tuple[str, ...] = ()
    legacy: bool = False
    children: tuple[Level, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _match(written: str, levels: Iterable[Level]) -> Match | None:
    name = clean_name(written)
    if not name:
        return None
    levels = list(levels)
    for lv in levels:
        if name == lv.name:
            return Match(lv.name, "exact", written)
    for lv in levels:
        if name in lv.aliases:
            return Match(lv.name, "alias", written)
    short = name.removesuffix(SUFFIX)
    if short:
        for lv in levels:
            if any(short == n.removesuffix(SUFFIX) for n in lv.names()):
                return Match(lv.name, "short", written)
    if len(name) >= MIN_TRUNCATED_LEN:
        hits = {lv.name for lv in levels for n in lv.names() if n.startswith(name)}
        if len(hits) == 1:
            return Match(hits.pop(), "truncated", written)
    return None


def _suggest(written: str, levels: Iterable[Level]) -> str | None:
    """A best guess for a name that did not match: shared prefix or containment."""
    name = clean_name(written)
    if not name:
        return None
    best, best_score = None, 0
    for lv in levels:
        for n in lv.names():
            if n.startswith(name) or name.startswith(n.removesuffix("指标")):
                score = len(name)
            elif name in n or n.removesuffix("指标") in name:
                score = min(len(name), len(n)) - 1
            else:
                common = 0
                for a, b in zip(name, n):
                    if a != b:
                        break
                    common += 1
                score = common if common >= 2 else 0
            if score > best_score:
                best, best_score = lv.name, score
    return best


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    kind: str  # "project" or "dept"
    level1: tuple[Level, ...]
    required: tuple[str, ...] = ()
    output_level1: str | None = None
    output_required: tuple[str, ...] = ()
    source: str | None = None
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    # -------------------------------------------------------------- lookups
    def level1_names(self) -> list[str]:
        return [lv.name for lv in self.level1]

    def level2_names(self, level1: str) -> list[str]:
        lv = self._l1(level1)
        return [c.name for c in lv.children] if lv else []

    def tree(self) -> dict[str, list[str]]:
        return {lv.name: [c.name for c in lv.children] for lv in self.level1}

    def _l1(self, canonical: str) -> Level | None:
        for lv in self.level1:
            if lv.name == canonical:
                return lv
        return None

    def match_level1(self, written: object) -> Match | None:
        return _match(str(written or ""), self.level1)

    def match_level2(self, level1: str, written: object) -> Match | None:
        """Match ``written`` among the 二级 allowed under canonical 一级 ``level1``."""
        lv = self._l1(level1)
        if lv is None:
            return None
        return _match(str(written or ""), lv.children)

    def level1_for_level2(self, written: object) -> list[str]:
        """Every 一级 under which ``written`` is a valid 二级 (for suggestions)."""
        return [lv.name for lv in self.level1 if _match(str(written or ""), lv.children)]

    def suggest_level1(self, written: object) -> str | None:
        return _suggest(str(written or ""), self.level1)

    def suggest_level2(self, level1: str, written: object) -> str | None:
        lv = self._l1(level1)
        return _suggest(str(written or ""), lv.children) if lv else None

    def role(self, level1: object, level2: object = None) -> str | None:
        """The role of an indicator: its 二级's role if known, else its 一级's."""
        m1 = self.match_level1(level1)
        if m1 is not None:
            lv = self._l1(m1.canonical)
            if level2:
                m2 = self.match_level2(m1.canonical, level2)
                if m2 is not None:
                    for c in lv.children:  # type: ignore[union-attr]
                        if c.name == m2.canonical:
                            return c.role or lv.role  # type: ignore[union-attr]
            return lv.role  # type: ignore[union-attr]
        # A 二级 written in the 一级 column (lost merge) still tells its role.
        for lv in self.level1:
            m = _match(str(level1 or ""), lv.children)
            if m is not None:
                return next(c.role for c in lv.children if c.name == m.canonical)
        return None

    def level1_with_role(self, role: str) -> list[str]:
        return [lv.name for lv in self.level1 if lv.role == role]

    def level2_with_role(self, role: str) -> list[tuple[str, str]]:
        return [(lv.name, c.name) for lv in self.level1 for c in lv.children if c.role == role]


def _level(d: dict) -> Level:
    return Level(
        name=d["name"],
        role=d.get("role"),
        aliases=tuple(d.get("aliases", ())),
        legacy=bool(d.get("legacy", False)),
        children=tuple(_level(c) for c in d.get("children", ())),
    )


def scheme_from_dict(d: dict, source: str | None = None) -> Scheme:
    """Build a scheme from its JSON description, checking the parts rules rely on."""
    missing = [k for k in ("id", "name", "level1") if k not in d]
    if missing:
        raise ValueError(f"指标体系文件 {source or ''} 缺少字段：{'、'.join(missing)}")
    level1 = tuple(_level(x) for x in d["level1"])
    names = {lv.name for lv in level1}
    unknown = [r for r in d.get("required", ()) if r not in names]
    if unknown:
        raise ValueError(f"指标体系 {d['id']}：必填一级指标 {'、'.join(unknown)} 不在一级指标列表中")
    return Scheme(
        id=str(d["id"]),
        name=d["name"],
        kind=d.get("kind", "project"),
        level1=level1,
        required=tuple(d.get("required", ())),
        output_level1=d.get("output_level1"),
        output_required=tuple(d.get("output_required", ())),
        source=source,
    )


def load_scheme_file(path: str | os.PathLike) -> Scheme:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"无法读取指标体系文件 {p}：{exc}") from exc
    return scheme_from_dict(data, source=str(p))


def _scheme_dirs() -> list[Path]:
    dirs = [_HERE]
    extra = os.environ.get("XL_JIXIAO_SCHEMES", "")
    dirs.extend(Path(x) for x in extra.split(os.pathsep) if x.strip())
    return dirs


@cache
def _all(dirs: tuple[Path, ...]) -> dict[str, Scheme]:
    out: dict[str, Scheme] = {}
    for d in dirs:
        for f in sorted(d.glob("*.json")):
            s = load_scheme_file(f)
            out[s.id] = s
    return out


def all_schemes() -> dict[str, Scheme]:
    """Every known scheme by id (built-in plus ``XL_JIXIAO_SCHEMES`` folders)."""
    return _all(tuple(_scheme_dirs()))


SCHEME_ALIASES = {
    "2021": "2021", "2021版": "2021", "新": "2021", "财政部2021": "2021",
    "legacy": "legacy", "旧": "legacy", "原": "legacy", "原指标体系": "legacy",
    "dept": "dept_mgmt", "dept_mgmt": "dept_mgmt", "部门管理": "dept_mgmt",
}


def get_scheme(scheme_id: str | None, default: str = "2021") -> Scheme:
    """A scheme by id, Chinese alias or display name; ``None`` gives ``default``."""
    schemes = all_schemes()
    key = (scheme_id or default).strip()
    if key in schemes:
        return schemes[key]
    alias = SCHEME_ALIASES.get(key)
    if alias and alias in schemes:
        return schemes[alias]
    for s in schemes.values():
        if s.name == key or key in s.name:
            return s
    raise KeyError(f"未知的指标体系：{scheme_id}（可用：{'、'.join(schemes)}）")


def fit_score(scheme: Scheme, pairs: Iterable[tuple[object, object]]) -> int:
    """How well (一级, 二级) pairs fit ``scheme``: +1 a known 一级, +1 its 二级 under it, −2 an unknown 一级."""
    score = 0
    for l1, l2 in pairs:
        m1 = scheme.match_level1(l1)
        if m1 is None:
            score -= 2
            continue
        score += 1
        if l2 and scheme.match_level2(m1.canonical, l2) is not None:
            score += 1
    return score


def detect_scheme(pairs: Iterable[tuple[object, object]], kind: str = "project") -> Scheme:
    """Pick the scheme of ``kind`` under which the (一级, 二级) pairs fit best.

    Used for legacy forms that do not say which scheme they follow: 成本指标 as a
    一级 means the 2021 scheme, as a 二级 under 产出指标 the legacy one.
    """
    pairs = list(pairs)
    candidates = [s for s in all_schemes().values() if s.kind == kind] or list(all_schemes().values())
    best, best_score = None, None
    for s in candidates:
        score = fit_score(s, pairs)
        if best_score is None or score > best_score or (score == best_score and s.id == "2021"):
            best, best_score = s, score
    assert best is not None
    return best
