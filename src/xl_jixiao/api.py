"""The Python API (re-exported by :mod:`xl_jixiao`)::

    import xl_jixiao as jx

    report = jx.check(["收件箱/"])            # every workbook in the folder, read and checked
    report.exit_code, len(report.findings)
    report.to_dataframe()                      # one row per finding (needs xl_jixiao[data])

    cons = jx.consolidate(["收件箱/"], "汇总表.xlsx")
    frames = cons.to_dataframes()              # projects, indicators, findings, files
    cons.to_parquet("汇总数据/")

Both are built on :func:`xl_jixiao.pipeline.read_and_check`, the same path the
commands and the Excel macros take; pandas and pyarrow are needed only for the
DataFrame and Parquet exports.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xl_jixiao.config import Config, load_config
from xl_jixiao.errors import UserError
from xl_jixiao.model import Finding, Severity
from xl_jixiao.pipeline import FileResult, failed_result, read_and_check

if TYPE_CHECKING:
    import pandas as pd

    from xl_jixiao.consolidate.engine import Result
    from xl_jixiao.consolidate.summary import Stats

PathArg = str | os.PathLike[str]
CHECK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".pdf")  # a PDF is a published form, read by the importer

__all__ = ["check", "consolidate", "Report", "Consolidation", "expand_inputs", "read_and_check", "FileResult"]


def _config(config: Config | PathArg | None) -> Config:
    if isinstance(config, Config):
        return config
    return load_config(None if config is None else os.fspath(config))


def _as_list(paths: PathArg | Iterable[PathArg]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


FOLDER_READS = (*CHECK_SUFFIXES, ".xlsb")
"""What a folder given to :func:`check` is searched for; every other file there is listed as skipped."""


def expand_inputs(items: Iterable[PathArg]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to check (folders expanded) and ``(input, reason)`` of inputs that give nothing to check."""
    files, skipped, missing = _expand(items)
    return files, missing


def _expand(items: Iterable[PathArg]) -> tuple[list[Path], list[tuple[str, str]], list[tuple[str, str]]]:
    """``(files to read, (file, why skipped), (input, why missing))``: every file under a folder is one of
    the first two — lock files, hidden and system files, special files, links leading out of the folder and
    files that are not workbooks are listed with the reason, never silently left out."""
    from xl_jixiao.consolidate.discovery import discover, file_reason

    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    for item in (os.fspath(i) for i in items):
        p = Path(item)
        if p.is_dir():
            entries = discover([p])
            if not entries:
                missing.append((item, "文件夹是空的：没有工作簿（.xlsx/.xlsm/.xls）或 PDF"))
            for e in entries:
                suffix = Path(e.path).suffix.lower()
                if e.skip_reason:
                    skipped.append((e.path, e.skip_reason))
                elif suffix not in FOLDER_READS:
                    skipped.append((e.path, f"不是工作簿或 PDF（{suffix or '无扩展名'}），未校验；"
                                            "Word 或文本格式的旧表请用 xl-jixiao import 导入"))
                else:
                    files.append(Path(e.path))
        elif os.path.lexists(p):
            reason = file_reason(item)
            if reason and not os.path.isdir(p):
                missing.append((item, reason))
            else:
                files.append(p)
        else:
            missing.append((item, "文件不存在"))
    return files, skipped, missing


def _frame(rows: list[dict[str, Any]], columns: Iterable[str]) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise UserError("导出 DataFrame 需要 pandas：请安装 xl_jixiao[data]") from exc
    return pd.DataFrame(rows, columns=list(columns))


def _to_parquet(frames: dict[str, pd.DataFrame], folder: PathArg) -> dict[str, Path]:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise UserError("导出 Parquet 需要 pyarrow：请安装 xl_jixiao[data]") from exc
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, df in frames.items():
        target = out / f"{name}.parquet"
        tmp = target.with_name(f".~{target.name}.tmp")
        df.to_parquet(tmp, index=False)
        os.replace(tmp, target)
        written[name] = target
    return written


FILE_KEYS = ("file", "path", "outcome", "status", "reason", "reader", "unit_name", "unit_code", "budget_year",
             "money_unit", "projects", "indicators", "errors", "warnings", "size", "mtime_ns", "sha256", "seconds")


def file_row(res: FileResult) -> dict[str, Any]:
    sub = res.submission
    return {"file": res.name, "path": res.path, "outcome": res.outcome, "status": res.status, "reason": res.reason,
            "reader": res.reader, "unit_name": sub.unit_name if sub else None,
            "unit_code": sub.unit_code if sub else None, "budget_year": sub.budget_year if sub else None,
            "money_unit": sub.money_unit if sub else None, "projects": len(sub.projects) if sub else 0,
            "indicators": len(sub.all_indicators()) if sub else 0, "errors": res.errors, "warnings": res.warnings,
            "size": res.size, "mtime_ns": res.mtime_ns, "sha256": res.sha256, "seconds": res.timings.total}


def frames_of(results: Iterable[FileResult]) -> dict[str, pd.DataFrame]:
    """``projects``, ``indicators``, ``findings`` and ``files`` of some results as DataFrames.

    Amounts are :class:`~decimal.Decimal` in 万元 (as in the summary workbook);
    ``money_unit`` says what the workbook itself used.
    """
    from xl_jixiao.consolidate.records import (
        FINDING_KEYS,
        INDICATOR_KEYS,
        PROJECT_KEYS,
        finding_rows,
        indicator_rows,
        project_rows,
    )

    projects: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    for res in results:
        projects.extend(project_rows(res))
        indicators.extend(indicator_rows(res))
        findings.extend(finding_rows(res))
        files.append(file_row(res))
    return {"projects": _frame(projects, PROJECT_KEYS), "indicators": _frame(indicators, INDICATOR_KEYS),
            "findings": _frame(findings, FINDING_KEYS), "files": _frame(files, FILE_KEYS)}


# ------------------------------------------------------------------ check


@dataclass
class Report:
    """What :func:`check` found: one :class:`FileResult` per input, in input order."""

    results: list[FileResult] = field(default_factory=list)

    def __iter__(self) -> Iterator[FileResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def by_file(self) -> dict[str, list[Finding]]:
        return {r.name: r.findings for r in self.results}

    @property
    def failed(self) -> list[FileResult]:
        """Inputs that could not be used (not those skipped on purpose, e.g. lock files or this tool's outputs)."""
        return [r for r in self.results if not r.usable and r.outcome != "skipped"]

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 no errors, 1 errors found, 2 an input could not be used (as ``xl-jixiao check``)."""
        if self.failed:
            return 2
        return 1 if any(f.severity == Severity.ERROR and not f.suppressed for f in self.findings) else 0

    def to_dataframe(self) -> pd.DataFrame:
        """One row per finding (needs pandas: ``xl_jixiao[data]``)."""
        return frames_of(self.results)["findings"]

    def to_dataframes(self) -> dict[str, pd.DataFrame]:
        """``projects``, ``indicators``, ``findings`` and ``files`` (needs pandas)."""
        return frames_of(self.results)

    def to_parquet(self, folder: PathArg) -> dict[str, Path]:
        """Write the frames of :meth:`to_dataframes` as ``<name>.parquet`` into ``folder`` (needs pyarrow)."""
        return _to_parquet(self.to_dataframes(), folder)


def _read_one(config: Config, submissions: bool, path: Path) -> bytes:
    res = read_and_check(path, config)
    if not submissions:
        res.submission = None  # the caller wants the findings: the workbook's data stays here
    # handed to the process that started this one pickled (the same classes on both sides, nothing to
    # validate), not as the JSON a result is stored as
    return pickle.dumps(res, pickle.HIGHEST_PROTOCOL)


def read_supervised(files: list[Path], config: Config, submissions: bool = True) -> list[FileResult]:
    """``read_and_check`` of each file in supervised reading processes (memory and time limits): a file
    that kills or stalls its reader is unusable with the reason, and the others are read as usual."""
    if not files:
        return []
    import functools

    from xl_jixiao.consolidate.supervisor import Supervisor, default_jobs

    limits = config.limits
    pool = Supervisor(functools.partial(_read_one, config, submissions), min(default_jobs(), len(files)),
                      memory_mb=limits.worker_memory_mb, seconds=limits.worker_seconds,
                      on_failure=lambda path, reason: pickle.dumps(failed_result(os.fspath(path), reason, config)))
    return [pickle.loads(blob) for blob in pool.map(files)]


def check(paths: PathArg | Iterable[PathArg], config: Config | PathArg | None = None, *,
          submissions: bool = True) -> Report:
    """Read and check workbooks (folders are searched for .xlsx/.xlsm/.xls); never raises for a bad input.

    ``config`` is a :class:`~xl_jixiao.config.Config` or the path of a TOML configuration file.
    ``submissions=False`` gives results without the workbooks' data (``submission`` is ``None``; outcome,
    status and findings as usual): what the command line reports, in memory that does not grow with the
    size of the workbooks.
    """
    from xl_jixiao.pipeline import skipped_result

    cfg = _config(config)
    files, skipped, missing = _expand(_as_list(paths))
    results = read_supervised(files, cfg, submissions)
    results += [skipped_result(item, reason) for item, reason in skipped]
    results += [failed_result(item, reason, cfg) for item, reason in missing]
    return Report(results)


# ------------------------------------------------------------------ consolidate


@dataclass
class Consolidation:
    """What :func:`consolidate` produced: the summary workbook (when written) and every file's result."""

    output: Path | None
    stats: Stats
    results: list[FileResult]
    seconds: float
    exit_code: int
    summary_line: str

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def to_dataframes(self) -> dict[str, pd.DataFrame]:
        """``projects``, ``indicators``, ``findings`` and ``files`` (needs pandas: ``xl_jixiao[data]``).

        The projects' amounts (万元) add up to the summary's 合计 row.
        """
        return frames_of(self.results)

    def to_parquet(self, folder: PathArg) -> dict[str, Path]:
        """Write the frames as ``<name>.parquet`` into ``folder`` (needs pyarrow: ``xl_jixiao[data]``)."""
        return _to_parquet(self.to_dataframes(), folder)


def consolidate(paths: PathArg | Iterable[PathArg], output: PathArg | None = None, *,
                config: Config | PathArg | None = None, jobs: int | None = None, use_cache: bool = True,
                progress: bool = False) -> Consolidation:
    """Read, check and consolidate every workbook under ``paths``.

    With ``output`` the summary workbook is written there (with its cache beside
    it); without, only the results are returned.
    """
    from xl_jixiao.consolidate.engine import consolidate as run

    cfg = None if config is None else _config(config)  # the defaults: as the command line does
    res: Result
    if output is None:
        with tempfile.TemporaryDirectory(prefix="xl-jixiao-") as tmp:
            res = run(_as_list(paths), Path(tmp) / "汇总表.xlsx", jobs=jobs, config=cfg, use_cache=False,
                      progress=progress, keep_results=True)
        out = None
    else:
        res = run(_as_list(paths), output, jobs=jobs, config=cfg, use_cache=use_cache, progress=progress,
                  keep_results=True)
        out = res.output
    return Consolidation(output=out, stats=res.stats, results=res.file_results(), seconds=res.seconds,
                         exit_code=res.exit_code, summary_line=res.summary_line())
