"""One file in a consolidation run (inside a supervised reading process, see
:mod:`xl_jixiao.consolidate.supervisor`).

The file goes through :func:`xl_jixiao.pipeline.read_and_check`, the path every
command shares; the worker adds only what consolidation needs around it: the
"unchanged since the cache saw it" shortcut, and the summary's rendered record
derived from the result (:func:`~xl_jixiao.consolidate.records.summarise`), so the
rendering runs in parallel too.  The file's bytes are read once: the hash that
decides the shortcut and the parse come from the same bytes, so what the cache
stores is what was read.
"""

from __future__ import annotations

import hashlib

from xl_jixiao.config import Config, default_config
from xl_jixiao.consolidate.records import FileRecord, summarise
from xl_jixiao.errors import ReadError
from xl_jixiao.pipeline import FileResult, Identity, failed_result, read_and_check

_state: dict[str, Config | None] = {"config": None}
_wanted = {"result": True}
"""Whether a file's stored result is wanted (the caller keeps the results; the cache then stores them too);
when it is not, only the summary's record is made."""

Task = tuple[str, str, "str | None"]
"""``(absolute path, display, sha256 the cache knows or None)``."""


def init_worker(config: Config | None, in_pool: bool = False, results: bool = True) -> None:
    """Remember the configuration and whether results are wanted (``results``: see :func:`process`); in a
    reading process, Ctrl-C is left to the main process."""
    if in_pool:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state["config"] = config
    _wanted["result"] = results


def _config() -> Config:
    return _state["config"] or default_config()


def prepare() -> None:
    """What every reading process needs, made once in the process that forks them (they inherit it
    instead of each importing and building it again): the readers and python-calamine, the rule
    catalogue, the indicator schemes and, when results are wanted, the stored form of a result (plain code:
    no pydantic)."""
    import python_calamine  # noqa: F401

    import xl_jixiao.inbox
    import xl_jixiao.readers.template  # noqa: F401
    from xl_jixiao.rules import all_rules
    from xl_jixiao.schemes import all_schemes

    all_rules()
    all_schemes()
    if _wanted["result"]:
        failed_result("", "", _config()).to_bytes()


def process(task: Task) -> tuple:
    """``("same", path, sha256, size, mtime_ns)`` when the content matches the cache's ``sha256``,
    else ``("result", FileResult bytes, FileRecord)`` (empty bytes when results are not wanted: a run that
    does not keep them).  Never raises for a bad input file."""
    from xl_jixiao.inbox import read_once

    path, display, known = task
    config = _config()
    try:
        snap = read_once(path, config.limits)
    except ReadError:
        snap = None  # read_and_check reads again and reports why
    if snap is not None and known is not None and hashlib.sha256(snap.data).hexdigest() == known:
        return ("same", path, known, snap.size, snap.mtime_ns)
    res = read_and_check(path, config, display=display, snapshot=snap)
    del snap
    return ("result", res.to_bytes() if _wanted["result"] else b"", summarise(res))


def failure(task: Task, reason: str, config: Config | None = None) -> tuple[bytes, FileRecord]:
    """The result of a file whose reading process died or overran: unusable, with ``reason`` (its bytes empty
    when results are not wanted, as in :func:`process`)."""
    import os

    path, display, _ = task
    identity = Identity()
    try:
        st = os.stat(path)
        identity = Identity(st.st_size, st.st_mtime_ns)
    except OSError:
        pass
    res = failed_result(path, reason, config or _config(), display=display, identity=identity)
    return res.to_bytes() if _wanted["result"] else b"", summarise(res)


__all__ = ["init_worker", "prepare", "process", "failure", "FileResult"]
