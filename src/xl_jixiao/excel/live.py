"""A live workbook (``xw.Book``) → sheet value arrays → the core model.

One ``.value`` read per sheet (its used range), whatever the engine: desktop
Excel through COM/AppleScript or the remote engine's payload.  The arrays go to
:func:`xl_jixiao.readers.submission_from_sheets`, the same function that reads
files, with each array's origin so cell references stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xl_jixiao.model import Submission

Sheets = dict[str, list[list[object]]]
Origins = dict[str, tuple[int, int]]


@dataclass
class LiveSheets:
    values: Sheets
    origins: Origins  # 0-based (row, column) of each array's top-left cell


def _as_2d(value) -> list[list[object]]:
    if value is None:
        return []
    if not isinstance(value, list):
        return [[value]]
    if value and not isinstance(value[0], list):
        return [value]
    return value


def read_sheets(book, skip: tuple[str, ...] = ()) -> LiveSheets:
    """Every worksheet's used-range values, one bulk read per sheet."""
    values: Sheets = {}
    origins: Origins = {}
    for sheet in book.sheets:
        name = sheet.name
        if name in skip:
            continue
        rng = sheet.used_range
        data = _as_2d(rng.options(ndim=2).value)
        values[name] = [list(row) for row in data]
        origins[name] = (rng.row - 1, rng.column - 1)
    return LiveSheets(values, origins)


def book_path(book) -> str:
    """The book's full name: a path on the desktop, the bare name on remote engines."""
    try:
        return str(book.fullname)
    except Exception:  # noqa: BLE001 - some clients know only the name
        return str(book.name)


def book_folder(book) -> Path | None:
    """The folder of the workbook file, when the client knows it (desktop Excel)."""
    p = Path(book_path(book))
    if p.is_absolute() and p.parent.is_dir():
        return p.parent
    return None


def submission_from_book(book, skip: tuple[str, ...] = ()) -> tuple[Submission, LiveSheets]:
    """The live book as a :class:`Submission` (raises ``ReadError`` when it is not a template)."""
    from xl_jixiao.readers import submission_from_sheets

    live = read_sheets(book, skip=skip)
    sub = submission_from_sheets(live.values, file=book.name, origins=live.origins)
    return sub, live
