"""A1 cell references, without importing a spreadsheet library (hot paths use this)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=None)
def column_letter(n: int) -> str:
    """1-based column number → Excel letters: 1 → A, 27 → AA, 16384 → XFD."""
    if n < 1:
        raise ValueError(f"column number must be ≥ 1, not {n}")
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1(row: int, col: int) -> str:
    """1-based (row, column) → ``A1`` reference."""
    return f"{column_letter(col)}{row}"
