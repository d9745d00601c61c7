"""What "the same unit" means, decided once.

Two submissions are the same unit when their 单位编码 agree, or, when at least
one of them gives no code, their 单位名称 agree.  Names and codes are compared
after removing all whitespace and folding case (``" 乙 "`` is ``"乙"``).  The
cross-file rule JX501 and everything that groups submissions per unit use
these functions.
"""

from __future__ import annotations


def unit_key(text: str | None) -> str:
    """A name or code as compared: no whitespace, case folded (``""`` when blank)."""
    return "".join((text or "").split()).casefold()


def same_unit(name_a: str | None, code_a: str | None, name_b: str | None, code_b: str | None) -> bool:
    """Whether two (单位名称, 单位编码) pairs name the same unit."""
    ca, cb = unit_key(code_a), unit_key(code_b)
    if ca and cb:
        return ca == cb
    na, nb = unit_key(name_a), unit_key(name_b)
    return bool(na) and na == nb
