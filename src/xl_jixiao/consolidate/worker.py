"""One file in a consolidation run (worker processes, or in-process with ``--jobs 1``).

The file goes through :func:`xl_jixiao.pipeline.read_and_check`, the path every
command shares; the worker adds only what consolidation needs around it: the
"unchanged since the cache saw it" shortcut, and the summary's rendered record
derived from the result (:func:`~xl_jixiao.consolidate.records.summarise`), so the
rendering runs in parallel too.
"""

from __future__ import annotations

import os

from xl_jixiao.config import Config, default_config
from xl_jixiao.consolidate.records import FileRecord, summarise
from xl_jixiao.pipeline import FileResult, failed_result, file_sha256, read_and_check

_state: dict[str, Config | None] = {"config": None}

Task = tuple[str, str, "str | None"]
"""``(absolute path, display, sha256 the cache knows or None)``."""


def init_worker(config: Config | None, in_pool: bool = False) -> None:
    """Pool initializer: remember the configuration.

    In a pool worker Ctrl-C is left to the main process, which stops the pool and
    removes the half-written summary.
    """
    if in_pool:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state["config"] = config


def _config() -> Config:
    return _state["config"] or default_config()


def process(task: Task) -> tuple:
    """``("same", path, sha256, size, mtime_ns)`` when the content matches the cache's ``sha256``,
    else ``("result", FileResult bytes, FileRecord)``.  Never raises for a bad input file."""
    path, display, known = task
    try:
        st = os.stat(path)
        sha = file_sha256(path)
    except OSError as exc:
        res = failed_result(path, f"无法打开文件：{exc.strerror or exc}", _config(), display=display)
        return ("result", res.to_bytes(), summarise(res))
    if known is not None and sha == known:
        return ("same", path, sha, st.st_size, st.st_mtime_ns)
    res = read_and_check(path, _config(), display=display, sha256=sha)
    return ("result", res.to_bytes(), summarise(res))


def result_and_record(task: Task) -> tuple[bytes, FileRecord]:
    """Read ``task`` now, whatever the cache knows."""
    got = process((task[0], task[1], None))
    return got[1], got[2]


__all__ = ["init_worker", "process", "result_and_record", "FileResult"]
