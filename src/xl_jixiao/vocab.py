"""One vocabulary of labels, as data, for every reader.

``data/labels.json`` maps section (``unit``, ``project``, ``dept``,
``indicator``) → model field → the labels real forms use for that field.  The
template contract (:mod:`xl_jixiao.layout`), the template reader and the form
importer all take their labels from here, so they cannot drift apart.

Labels are compared after :func:`norm_label`, which removes what varies between
regions without changing meaning: spaces (also inside a label: ``项 目 名 称``),
markup, required marks (``*``), full-width or ASCII colons, leading numbering
(``一、`` ``1.`` ``（一）``), a ``其中`` prefix and a bracketed money unit
(``（万元）``, ``(单位：元)``).  Other bracketed words are kept as a *qualifier*:
``项目总金额（中期规划，万元）`` is matched as ``项目总金额(中期规划)`` first and as
``项目总金额`` second.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

from xl_jixiao.memo import by_text

T = TypeVar("T")

_DATA = Path(__file__).parent / "data" / "labels.json"

SECTIONS = ("unit", "project", "form", "dept", "indicator")

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_SPACE = re.compile(r"[\s\u3000\u2002\u2003\u00a0\u200b]+")
_MARKS = re.compile(r"[*＊★☆]+")
_NUMBERING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十]{1,3}[)）、.．]|[（(]\d{1,2}[)）]|\d{1,2}(?:[、.．](?!\d)|[)）]))")
_BRACKET = re.compile(r"[（(【\[]([^（()）【】\[\]]*)[)）】\]]")
_MONEY_UNIT = re.compile(r"(?:金额|资金|货币)?单位\s*[:：]?\s*(万元|元)|(万元|元)")
_QUAL_NOISE = re.compile(r"^[,，、;；:：\s]+|[,，、;；:：\s]+$")
_SAME_AS = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";"})


@dataclass(frozen=True, slots=True)
class LabelText:
    """A label split into what identifies it: base text, bracketed qualifier, money unit."""

    base: str
    qualifier: str = ""
    unit: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """Lookup keys, most specific first."""
        if self.qualifier:
            return (f"{self.base}({self.qualifier})", self.base)
        return (self.base,)


# Every character some step of :func:`parse_label` removes or changes (spaces, markup, marks, brackets, colons
# and the punctuation of numbering): a text with none of them, not starting with 其中, is its own label.
_PLAIN = re.compile(r"[^\s\u3000\u2002\u2003\u00a0\u200b<*＊★☆（）()【】\[\]：:，,；;、.．]*")


@by_text
def parse_label(text: object) -> LabelText:
    """Split a cell's text into its normalised label parts (see the module docstring)."""
    if not isinstance(text, str) or not text:
        return LabelText("")
    if _PLAIN.fullmatch(text) and not text.startswith("其中"):
        return LabelText(text)  # what the steps below give for such a text, without running them
    # each step runs only when the text holds what it removes (same result, fewer regex passes)
    t = _TAG.sub("", text) if "<" in text else text
    t = _SPACE.sub("", t)
    if "*" in t or "＊" in t or "★" in t or "☆" in t:
        t = _MARKS.sub("", t)
    t = _drop_qizhong(t.translate(_SAME_AS).strip(":"))
    first = t[:1]
    if first and (first in _NUMBERING_FIRST or first.isdecimal()):  # \d: any Unicode decimal digit
        t = _NUMBERING.sub("", t)
    t = t.strip(":")
    unit: str | None = None
    quals: list[str] = []
    if "(" not in t and "【" not in t and "[" not in t:  # no bracket (（ is ( by now)
        return LabelText(_drop_qizhong(t))
    for m in _BRACKET.finditer(t):
        inner = m.group(1)
        um = _MONEY_UNIT.search(inner)
        if um:
            unit = unit or um.group(1) or um.group(2)
            inner = _MONEY_UNIT.sub("", inner)
        inner = _QUAL_NOISE.sub("", inner)
        if inner:
            quals.append(inner)
    base = _drop_qizhong(_BRACKET.sub("", t).strip(":"))
    if not base and quals:  # the whole label was in brackets
        base, quals = quals[0], quals[1:]
    return LabelText(base, ",".join(quals), unit)


_NUMBERING_FIRST = frozenset("（(一二三四五六七八九十")
"""What a numbering prefix (:data:`_NUMBERING`) can start with, besides a decimal digit."""


def _drop_qizhong(t: str) -> str:
    """``t`` without a leading ``其中`` (and the colon after it)."""
    if t.startswith("其中"):
        return t[3:] if t[2:3] == ":" else t[2:]
    return t


def norm_label(text: object) -> str:
    """The label as a lookup key: ``本年度项目金额（万元）：`` → ``本年度项目金额``."""
    return parse_label(text).base


@lru_cache(maxsize=1)
def _load() -> dict[str, dict[str, tuple[str, ...]]]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return {sec: {k: tuple(v) for k, v in raw[sec].items()} for sec in SECTIONS}


@lru_cache(maxsize=1)
def _na_tokens() -> frozenset[str]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return frozenset(_SPACE.sub("", t) for t in raw["not_applicable"])


def is_not_applicable(text: object) -> bool:
    """A cell that declares "not applicable" (``不适用``, ``无``, ``—`` …) instead of naming something."""
    if not isinstance(text, str) or text[:1] not in _na_starts():
        return False  # (most texts name something: their first character already tells)
    return _not_applicable_text(text)


_NA_STRIPPED = "。.;；"
"""Marks a not-applicable text may end (or start) with."""


@lru_cache(maxsize=1)
def _na_starts() -> frozenset[str]:
    """Every character a not-applicable text can start with: a token's first, or what
    :func:`_not_applicable_text` removes before comparing (a tag's ``<``, what ``_SPACE`` matches — every
    such character is at or below U+3000, the ideographic space — and the stripped marks)."""
    spaces = {c for c in map(chr, range(0x3001)) if _SPACE.fullmatch(c)}
    return frozenset({t[0] for t in _na_tokens()} | spaces | {"<"} | set(_NA_STRIPPED))


@by_text
def _not_applicable_text(text: str) -> bool:
    t = _SPACE.sub("", _TAG.sub("", text)).strip(_NA_STRIPPED)
    return bool(t) and t in _na_tokens()


def labels(section: str, key: str) -> tuple[str, ...]:
    """The labels (as written in the vocabulary) of field ``key`` in ``section``; empty when unknown."""
    return _load()[section].get(key, ())


def fields(section: str) -> dict[str, tuple[str, ...]]:
    return dict(_load()[section])


def label_key(label: str) -> str:
    """The key under which a vocabulary label is stored (qualifier kept)."""
    return parse_label(label).keys[0]


def find(text: object, table: dict[str, T]) -> T | None:
    """The entry of ``table`` (keyed by :func:`label_key`) that the cell ``text`` names, or ``None``."""
    lt = parse_label(text)
    if not lt.base:
        return None
    for k in lt.keys:
        hit = table.get(k)
        if hit is not None:
            return hit
    return None


@cache
def index(*sections: str) -> dict[str, tuple[str, str]]:
    """Normalised label → (section, field) over ``sections``; the first section listing a label wins."""
    out: dict[str, tuple[str, str]] = {}
    for sec in sections:
        for key, labs in _load()[sec].items():
            for lab in labs:
                out.setdefault(label_key(lab), (sec, key))
    return out


def lookup(text: object, *sections: str) -> tuple[str, str] | None:
    """(section, field) of a label cell among ``sections``, or ``None``."""
    return find(text, index(*sections))


def label_unit(text: object) -> str | None:
    """The money unit a label names in brackets (``年度资金总额（元）`` → 元)."""
    return parse_label(text).unit
