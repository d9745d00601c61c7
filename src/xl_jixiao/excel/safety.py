"""Never import code from the folder of a workbook.

A folder of submissions is untrusted: a stray ``xl_jixiao.py``, ``pandas.py``
or ``openpyxl.py`` beside a unit's workbook must not be imported when a button
is clicked.  xlwings puts the workbook's folder first on ``sys.path`` when its
``ADD_WORKBOOK_TO_PYTHONPATH`` setting is on (its default), and ``python -c``
puts the current folder there.  The VBA bridge refuses to start Python unless
that setting is off and strips both entries before the first import
(``vba/JixiaoXlwings.bas``); :func:`drop_workbook_paths` does the same again
inside Python before a macro or worksheet function imports anything else, for
every client (desktop Excel, xlwings Server, xlwings Lite).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_RELATIVE = ("", ".")


def _same(a: str, b: Path) -> bool:
    try:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))
    except (TypeError, ValueError):
        return False


def drop_workbook_paths(book=None) -> list[str]:
    """Remove the relative entries (the current folder) and ``book``'s folder (and
    the ``<book>.zip`` xlwings adds beside it) from ``sys.path``; returns what was removed."""
    from xl_jixiao.excel.live import book_folder, book_path

    folder = book_folder(book) if book is not None else None
    unsafe = [folder, Path(book_path(book)).with_suffix(".zip")] if folder is not None else []
    removed = []
    kept = []
    for entry in sys.path:
        if not isinstance(entry, str) or entry in _RELATIVE or any(_same(entry, u) for u in unsafe):
            removed.append(entry)
        else:
            kept.append(entry)
    if removed:
        sys.path[:] = kept
        log.debug("removed from sys.path: %s", removed)
    return removed
