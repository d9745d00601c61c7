"""Many unit workbooks → one summary workbook.

For Python users the package itself is callable: ``xl_jixiao.consolidate(paths, output=None, …)``
is :func:`xl_jixiao.api.consolidate` (a :class:`~xl_jixiao.api.Consolidation` with every file's
result and DataFrame/Parquet exports).  The engine underneath, used by the command::

    from xl_jixiao.consolidate import consolidate
    result = consolidate(["收件箱/"], "汇总表.xlsx", jobs=None, config=None, use_cache=True)
    result.exit_code, result.summary_line(), result.stats

Modules: :mod:`.discovery` (which files), :mod:`.worker` (read + validate one
file into a compact :class:`~.records.FileRecord`), :mod:`.cache` (SQLite,
beside the output), :mod:`.crossfile` (JX501/JX502), :mod:`.summary` (the
workbook's sheets) on top of :mod:`.xlsx` (a streaming writer).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from xl_jixiao.lazy import lazy_names

if TYPE_CHECKING:
    from xl_jixiao.api import Consolidation
    from xl_jixiao.consolidate.cache import CACHE_SUFFIX, cache_path_for
    from xl_jixiao.consolidate.discovery import discover, skip_reason
    from xl_jixiao.consolidate.engine import Result, consolidate
    from xl_jixiao.consolidate.records import FileRecord
    from xl_jixiao.consolidate.summary import (
        SHEET_FILES,
        SHEET_FINDINGS,
        SHEET_INDICATORS,
        SHEET_PROJECTS,
        SHEET_STATS,
        SHEET_SUMMARY,
        Stats,
    )
    from xl_jixiao.consolidate.supervisor import default_jobs
    from xl_jixiao.consolidate.xlsx import EXCEL_MAX_ROWS

_LAZY = {
    "consolidate": "engine", "Result": "engine", "Stats": "summary", "FileRecord": "records",
    "discover": "discovery", "skip_reason": "discovery", "default_jobs": "supervisor", "cache_path_for": "cache",
    "CACHE_SUFFIX": "cache", "EXCEL_MAX_ROWS": "xlsx", "SHEET_SUMMARY": "summary", "SHEET_PROJECTS": "summary",
    "SHEET_INDICATORS": "summary", "SHEET_FINDINGS": "summary", "SHEET_FILES": "summary", "SHEET_STATS": "summary",
}
"""Each name and the module that defines it, imported on first use: ``check`` uses the supervised reading
processes and the file discovery without loading the engine, the cache or the summary writer."""

__all__ = [
    "consolidate", "Result", "Stats", "FileRecord", "discover", "skip_reason", "default_jobs", "cache_path_for",
    "CACHE_SUFFIX", "EXCEL_MAX_ROWS", "SHEET_SUMMARY", "SHEET_PROJECTS", "SHEET_INDICATORS", "SHEET_FINDINGS",
    "SHEET_FILES", "SHEET_STATS",
]


__getattr__ = lazy_names(__name__, _LAZY, globals())


class _CallablePackage(types.ModuleType):
    """Lets ``xl_jixiao.consolidate(...)`` call the public API while ``xl_jixiao.consolidate.engine`` &c.
    stay importable in every form."""

    def __call__(self, paths: Any, output: Any = None, **kwargs: Any) -> Consolidation:
        from xl_jixiao.api import consolidate as api_consolidate

        return api_consolidate(paths, output, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
