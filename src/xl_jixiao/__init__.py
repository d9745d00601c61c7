"""xl_jixiao — 绩效目标表的填报模板、校验、汇总与批复表生成工具。

The Python API::

    import xl_jixiao as jx

    report = jx.check(["收件箱/"])                       # -> Report (one FileResult per file)
    report.to_dataframe()                                 # findings as a DataFrame (xl_jixiao[data])
    cons = jx.consolidate(["收件箱/"], "汇总表.xlsx")     # -> Consolidation
    cons.to_dataframes()["projects"], cons.to_parquet("汇总数据/")
    jx.read_and_check("甲单位.xlsx")                      # -> FileResult: submission, findings, outcome …

Everything reads and checks through :func:`read_and_check`.  The names are
loaded on first use, so ``import xl_jixiao`` (and the command line) stays quick.
``xl_jixiao.consolidate`` is the consolidation package; calling it calls
:func:`xl_jixiao.api.consolidate`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from xl_jixiao.version import __version__

if TYPE_CHECKING:
    from xl_jixiao import consolidate
    from xl_jixiao.api import Consolidation, Report, check
    from xl_jixiao.config import Config, load_config
    from xl_jixiao.errors import ReadError, UserError
    from xl_jixiao.model import Finding, Severity, Submission
    from xl_jixiao.pipeline import FileResult, LiveSource, read_and_check

_LAZY = {
    "check": "xl_jixiao.api",
    "Report": "xl_jixiao.api",
    "Consolidation": "xl_jixiao.api",
    "read_and_check": "xl_jixiao.pipeline",
    "FileResult": "xl_jixiao.pipeline",
    "LiveSource": "xl_jixiao.pipeline",
    "load_config": "xl_jixiao.config",
    "Config": "xl_jixiao.config",
    "Submission": "xl_jixiao.model",
    "Finding": "xl_jixiao.model",
    "Severity": "xl_jixiao.model",
    "ReadError": "xl_jixiao.errors",
    "UserError": "xl_jixiao.errors",
}

__all__ = [
    "__version__", "consolidate", "check", "Report", "Consolidation", "read_and_check", "FileResult", "LiveSource",
    "load_config", "Config", "Submission", "Finding", "Severity", "ReadError", "UserError",
]


def __getattr__(name: str) -> Any:
    if name == "consolidate":
        return importlib.import_module("xl_jixiao.consolidate")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'xl_jixiao' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
