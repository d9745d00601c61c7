"""Many unit workbooks → one summary workbook.

Public API::

    from xl_jixiao.consolidate import consolidate
    result = consolidate(["收件箱/"], "汇总表.xlsx", jobs=None, config=None, use_cache=True)
    result.exit_code, result.summary_line(), result.stats

Modules: :mod:`.discovery` (which files), :mod:`.worker` (read + validate one
file into a compact :class:`~.records.FileRecord`), :mod:`.cache` (SQLite,
beside the output), :mod:`.crossfile` (JX501/JX502), :mod:`.summary` (the
workbook's sheets) on top of :mod:`.xlsx` (a streaming writer).
"""

from xl_jixiao.consolidate.cache import CACHE_SUFFIX, cache_path_for
from xl_jixiao.consolidate.discovery import discover, skip_reason
from xl_jixiao.consolidate.engine import Result, consolidate, default_jobs
from xl_jixiao.consolidate.records import FileRecord
from xl_jixiao.consolidate.summary import (
    SHEET_FILES, SHEET_FINDINGS, SHEET_INDICATORS, SHEET_PROJECTS, SHEET_STATS, SHEET_SUMMARY, Stats,
)
from xl_jixiao.consolidate.xlsx import EXCEL_MAX_ROWS

__all__ = [
    "consolidate", "Result", "Stats", "FileRecord", "discover", "skip_reason", "default_jobs", "cache_path_for",
    "CACHE_SUFFIX", "EXCEL_MAX_ROWS", "SHEET_SUMMARY", "SHEET_PROJECTS", "SHEET_INDICATORS", "SHEET_FINDINGS",
    "SHEET_FILES", "SHEET_STATS",
]
