"""Many workbooks → one summary workbook: discovery, cache, process pool, cross-file rules, writer."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from xl_jixiao.consolidate.cache import CACHE_SUFFIX, Cache, cache_path_for, code_fingerprint, warn
from xl_jixiao.consolidate.crossfile import CrossFileIndex
from xl_jixiao.consolidate.discovery import discover
from xl_jixiao.consolidate.progress import Progress
from xl_jixiao.consolidate.records import FileRecord
from xl_jixiao.consolidate.summary import Stats, SummaryWriter, catalogue_titles
from xl_jixiao.consolidate.supervisor import default_jobs
from xl_jixiao.consolidate.xlsx import EXCEL_MAX_ROWS
from xl_jixiao.errors import UserError
from xl_jixiao.interrupts import held_back

if TYPE_CHECKING:  # a fully cached run imports neither the model nor the rules
    from xl_jixiao.config import Config
    from xl_jixiao.model import Finding
    from xl_jixiao.pipeline import FileResult


FILES_PER_MESSAGE = 2
"""Files handed to a reading process at once (and answered in one message): half the wake-ups of the main
process; a file that kills its reader still costs only itself (see :mod:`~xl_jixiao.consolidate.supervisor`)."""

RECORDS_AT_ONCE = 200
"""Cache hits whose records are fetched in one query (within SQLite's limit of parameters)."""

SOURCE_READ = "本次读取"
SOURCE_CACHE = "缓存"


@dataclass
class Result:
    output: Path
    stats: Stats
    seconds: float
    read_seconds: float  # discovery + reading + validation (until the last file is in)
    cache_path: Path | None
    cache_rebuilt: bool = False
    results: list[bytes] = field(default_factory=list, repr=False)
    """Every file's :class:`FileResult` (compressed, in file order) when asked for with ``keep_results``."""
    cross_findings: list[tuple[int, Finding]] = field(default_factory=list, repr=False)
    """Cross-file findings (JX501/JX502) with the position of their file in ``results``."""

    def file_results(self) -> list[FileResult]:
        """The kept results, with the cross-file findings added to their files."""
        from xl_jixiao.pipeline import FileResult

        out = [FileResult.from_bytes(b) for b in self.results]
        for index, f in self.cross_findings:
            out[index].findings.append(f)
        return out

    @property
    def usable(self) -> int:
        return self.stats.units

    @property
    def exit_code(self) -> int:
        """0 no errors, 1 errors found, 2 nothing usable."""
        if self.stats.units == 0:
            return 2
        return 1 if self.stats.errors else 0

    def summary_line(self) -> str:
        s = self.stats
        return (f"SUMMARY files={s.files} read={s.read} cached={s.cached} skipped={s.skipped} failed={s.failed} "
                f"legacy={s.legacy} units={s.units} errors={s.errors} warnings={s.warnings} "
                f"seconds={self.seconds:.2f}")


def _supervisor(cfg: Config | None, jobs: int, results: bool = True):
    """The reading processes; ``results``: whether each file's stored result is wanted besides its record."""
    from xl_jixiao.config import default_config
    from xl_jixiao.consolidate import worker
    from xl_jixiao.consolidate.supervisor import Supervisor

    worker.init_worker(cfg, results=results)
    limits = (cfg or default_config()).limits
    pool = Supervisor(worker.process, jobs, memory_mb=limits.worker_memory_mb, seconds=limits.worker_seconds,
                      init=functools.partial(worker.init_worker, cfg, results=results),
                      on_failure=lambda task, reason: ("result", *worker.failure(task, reason, cfg)),
                      batch=FILES_PER_MESSAGE)
    if jobs > 1 and pool.forks:
        worker.prepare()  # once here rather than in each reading process
    return pool


def _read_now(task: tuple, cfg: Config | None, results: bool) -> tuple[bytes, FileRecord]:
    """One file read now, whatever the cache knows (in its own supervised process)."""
    [got] = list(_supervisor(cfg, 1, results).map([task]))
    return got[1], got[2]


def _rule_titles(codes: set[str], cache: Cache) -> dict[str, str]:
    """The titles of the rules that found something: remembered by the cache, else from the catalogue."""
    known = cache.rule_titles()
    missing = codes - known.keys()
    if missing:
        known.update(catalogue_titles(missing))
        cache.remember_rule_titles(known)
    return {code: known[code] for code in codes}


def _drop(cache_file: Path) -> None:
    """Remove a cache this run created: a run that wrote nothing leaves nothing behind."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.remove(str(cache_file) + suffix)
        except OSError:
            pass


def _set_default_mode(tmp: str, out: Path) -> None:
    """mkstemp makes the file private (0600); give the summary the mode a normal save would."""
    try:
        if out.exists():
            mode = out.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
    except OSError:
        pass


def consolidate(inputs: Iterable[str | os.PathLike[str]], output: str | os.PathLike[str], *,
                jobs: int | None = None, config: Config | str | os.PathLike[str] | None = None,
                use_cache: bool = True, progress: bool = True, max_rows: int = EXCEL_MAX_ROWS,
                absolute_links: bool = False, log: Callable[[str], None] | None = None,
                keep_results: bool = False, issuer: str | None = None) -> Result:
    """Read, validate and consolidate every file under ``inputs`` into the workbook ``output``.

    ``config`` is a :class:`~xl_jixiao.config.Config` or the path of a TOML file.
    ``issuer`` is the 编制单位 printed under the summary's title.
    The output is written atomically; inputs are only read.  Raises
    :class:`~xl_jixiao.errors.UserError` for bad arguments (missing inputs, an
    output that is not ``.xlsx``, a missing configuration file).  With
    ``keep_results`` the result holds every file's :class:`FileResult`.
    """
    start = time.perf_counter()
    log = log or warn
    inputs = [os.fspath(i) for i in inputs]
    if not inputs:
        raise UserError("请给出要汇总的文件夹或文件")
    out = Path(os.path.realpath(os.path.expanduser(os.fspath(output))))  # never raises, even on a link loop
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"汇总表必须是 .xlsx 文件：{output}")
    if out.exists() and out.is_dir():
        raise UserError(f"输出路径是一个文件夹：{output}")
    from xl_jixiao.inbox import (
        TEMP_PREFIX,
        hold_temporary,
        refuse_input_overwrite,
        release_temporary,
        remove_stale_temporaries,
    )

    refuse_input_overwrite(output, inputs, "汇总表")
    cfg: Config | None = None  # None: the defaults, loaded only when something is read
    if isinstance(config, (str, os.PathLike)):
        if not Path(config).is_file():
            raise UserError(f"找不到配置文件：{config}")
        from xl_jixiao.config import load_config

        cfg = load_config(os.fspath(config))  # fail early, in Chinese, on a bad configuration
    elif config is not None:
        cfg = config
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    out.parent.mkdir(parents=True, exist_ok=True)
    cache_file = cache_path_for(out)
    exclude = {str(out): "本次汇总的输出文件（不作为输入）"}
    for suffix in ("", "-journal", "-wal", "-shm"):
        exclude[str(cache_file) + suffix] = "汇总缓存文件（不作为输入）"
    entries = discover(inputs, exclude=exclude)
    # other summaries' caches in the input folders are ours too
    entries = [e if e.skip_reason or CACHE_SUFFIX not in os.path.basename(e.path) else
               type(e)(e.path, e.display, "汇总缓存文件（不作为输入）") for e in entries]

    cache_is_new = not cache_file.exists()
    cache = Cache(cache_file if use_cache else None, code_fingerprint(cfg), log=log)

    remove_stale_temporaries(out.parent, older_than=time.time() - (time.perf_counter() - start))
    tmp_name: str | None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=TEMP_PREFIX, suffix=".xlsx.tmp")
    except OSError as exc:
        cache.close()
        if cache_is_new:
            _drop(cache_file)
        from xl_jixiao.inbox import os_error_text

        raise UserError(f"无法在 {out.parent} 中写入汇总表：{os_error_text(OSError(exc.errno, exc.strerror))}") from exc
    os.close(fd)
    held = hold_temporary(tmp_name)  # a later run sees this temporary is in use, not left behind
    writer = None
    pool = None
    cross = CrossFileIndex(str(out.parent))
    finishing = contextlib.ExitStack()
    try:
        writer = SummaryWriter(tmp_name, out, max_rows=max_rows, absolute_links=absolute_links, issuer=issuer)
        to_read = [e for e in entries if not e.skip_reason]
        plan: list[tuple] = []  # per entry: ("skip",) | ("hit", None) | ("task", None)
        tasks = []
        # the results are made only when kept: a file whose result the cache does not hold is read for it
        stored = cache.result_paths() if keep_results and cache.enabled else None
        for e in entries:
            if e.skip_reason:
                plan.append(("skip",))
                continue
            known = None
            same = cache.unchanged(e.path, e.display) if cache.enabled else None
            if same is not None and stored is not None and not cache.has_result(stored, e.path):
                same = None  # the entry lacks the result wanted: read the file
            if same:
                plan.append(("hit",))
                continue
            if same is False:
                entry = cache.entry(e.path)
                known = entry[2] if entry else None
            plan.append(("task",))
            tasks.append((e.path, e.display, known))
        del stored
        cache.release_index()  # every entry is looked up: its table is not needed any more

        n_jobs = max(1, min(jobs, len(tasks)))
        kept: list[bytes] = []
        results: Iterator[tuple] = iter(())
        if tasks:
            # every file is parsed in a supervised reading process: one that dies or overruns costs that file;
            # its result is made when the caller keeps it (the cache then stores it too), else its record alone
            pool = _supervisor(cfg, n_jobs, results=keep_results)
            results = pool.map(tasks)

        bar = Progress(len(to_read), enabled=progress)
        done = 0
        hits = [e.path for e, step in zip(entries, plan) if step[0] == "hit"]
        next_hit = 0
        ahead: dict[str, FileRecord] = {}  # the records of the next few cache hits, fetched together
        for e, step in zip(entries, plan):
            if e.skip_reason:
                writer.add_skipped(e.path, e.display, e.skip_reason)
                if keep_results:
                    from xl_jixiao.pipeline import skipped_result

                    kept.append(skipped_result(e.path, e.skip_reason or "", display=e.display).to_bytes())
                continue
            rec: FileRecord | None = None
            blob: bytes | None = None
            source = SOURCE_CACHE
            if step[0] == "hit":
                if next_hit < len(hits) and hits[next_hit] == e.path:
                    ahead = cache.records(hits[next_hit:next_hit + RECORDS_AT_ONCE])
                    next_hit += RECORDS_AT_ONCE
                rec = ahead.pop(e.path, None)
                if keep_results and rec is not None:
                    blob = cache.result_bytes(e.path)
            else:
                got = next(results)
                if got[0] == "same":
                    _, path, sha, size, mtime_ns = got
                    rec = cache.record(path)
                    if rec is not None:
                        rec.size, rec.mtime_ns = size, mtime_ns
                        cache.touch(path, size, mtime_ns)
                        if keep_results:
                            blob = cache.result_bytes(path)
                else:
                    _, blob, rec = got
                    source = SOURCE_READ
                    cache.put(rec, blob)
            if rec is None or (keep_results and blob is None):  # damaged entry: read it now
                blob, rec = _read_now((e.path, e.display, None), cfg, keep_results)
                source = SOURCE_READ
                cache.put(rec, blob)
            if keep_results and blob is not None:
                kept.append(blob)
            # the summary keeps the run's own strings rather than the record's copies of them
            if rec.path == e.path:
                rec.path = e.path
            if rec.display == e.display:
                rec.display = e.display
            writer.add(rec, source)
            if rec.usable:
                cross.add(len(writer.files) - 1, rec.display, rec.unit_name, rec.unit_code, rec.project_codes)
            done += 1
            bar.update(done, writer.stats.cached, writer.stats.failed)
            del rec
        if pool is not None:
            pool.close()
            pool = None
        read_seconds = time.perf_counter() - start
        cross_findings = cross.findings(cfg)
        cross.close()
        for index, finding in cross_findings:
            writer.add_finding(index, finding)
        writer.rule_titles = _rule_titles(writer.rule_codes(), cache)
        stats = writer.finish()
        _set_default_mode(tmp_name, out)
        # once the summary is in place the run has succeeded: a Ctrl-C from here on does not undo that
        finishing.enter_context(held_back())
        os.replace(tmp_name, out)
        tmp_name = ""
        bar.close()
        cache.forget_missing({e.path for e in to_read})
        rebuilt = cache.rebuilt
        cache.close()
    except BaseException:
        if pool is not None:
            pool.terminate()
        if writer is not None:
            try:
                writer.abort()
            except OSError:  # a full disk fails again while letting go of the spooled rows
                pass
        cache.close()
        if cache_is_new:
            _drop(cache_file)
        raise
    finally:
        cross.close()
        release_temporary(held)
        if tmp_name:
            try:
                os.remove(tmp_name)
            except OSError:
                pass
        finishing.close()
    return Result(output=out, stats=stats, seconds=time.perf_counter() - start, read_seconds=read_seconds,
                  cache_path=cache_file if use_cache else None, cache_rebuilt=rebuilt, results=kept,
                  cross_findings=cross_findings if keep_results else [])
