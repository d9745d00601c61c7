"""A1 cell references, without importing a spreadsheet library (hot paths use this).

The one convention of the package: rows and columns are **1-based** (``a1(1, 1) == "A1"``).
Code holding 0-based array indexes adds 1 where it names a cell.
"""

from __future__ import annotations

from functools import cache


@cache
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


def parse_a1(ref: str) -> tuple[int, int] | None:
    """``A1`` (or ``$A$1``) → 1-based (row, column); ``None`` when ``ref`` is not a cell reference."""
    text = ref.replace("$", "").strip().upper()
    col, i = 0, 0
    while i < len(text) and "A" <= text[i] <= "Z":
        col = col * 26 + ord(text[i]) - 64
        i += 1
    if col == 0 or not text[i:].isdigit() or int(text[i:]) < 1:
        return None
    return int(text[i:]), col
