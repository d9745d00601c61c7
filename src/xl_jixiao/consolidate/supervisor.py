"""Supervised reading processes: a file that kills or stalls its reader costs that one file.

Each file is parsed in a child process with a memory limit
(``resource.setrlimit(RLIMIT_AS)``, :attr:`Limits.worker_memory_mb` above what
the process starts with) and a time limit (:attr:`Limits.worker_seconds`, wall
clock, watched by the main process).  A child that dies (out of memory, a
crash in a parsing library, ``kill -9``, the OOM killer) or overruns is
replaced; its file gets the result :func:`on_failure` makes (JX504
"读取时资源超限/进程异常退出"), and the run goes on.  Results come back in task
order.

Tasks may travel ``batch`` at a time (one message there and one back for
several files: fewer wake-ups of the main process).  A batch has one file's
time limit; when its process dies or overruns, each of its files is read again
on its own, with its own limit, so only the file that caused it gets the
failure (a process killed from outside while reading a batch costs no file).
"""

from __future__ import annotations

import gc
import math
import os
import select
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

CRASHED = "读取时资源超限/进程异常退出"
"""The start of every reason given to a file whose reading process died or overran."""

WINDOW_PER_WORKER = 16
"""How far ahead of the oldest unfinished file tasks are handed out (bounds results held in memory)."""


def crash_reason(exitcode: int | None) -> str:
    import signal

    how = ""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"，被信号 {signal.Signals(-exitcode).name} 终止"
        except ValueError:
            how = f"，被信号 {-exitcode} 终止"
    elif exitcode:
        how = f"，退出码 {exitcode}"
    return (f"{CRASHED}（读取这个文件的进程意外结束{how}：文件可能过大、结构异常或经过特意构造），"
            "其余文件照常处理")


def timeout_reason(seconds: float) -> str:
    return f"{CRASHED}（读取超过 {seconds:g} 秒仍未完成，已停止读取这个文件），其余文件照常处理"


def default_jobs() -> int:
    """How many reading processes to run: one per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _context():
    import multiprocessing  # only when files are read: a fully cached run starts no process

    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _limit_memory(extra_mb: int) -> None:
    """Cap this process's address space at what it uses now plus ``extra_mb``."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    current = 0
    try:
        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    limit = current + extra_mb * (1 << 20)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # pragma: no cover - a platform without RLIMIT_AS
        pass


def _outcome(fn: Callable[[Any], Any], task: Any) -> tuple[str, Any]:
    try:
        return ("ok", fn(task))
    except MemoryError:
        return ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - reported as this file's failure
        return ("error", f"{type(exc).__name__}: {str(exc)[:200]}")


def _serve(conn, fn: Callable[[Any], Any], init: Callable[[], None] | None, memory_mb: int) -> None:
    """A reading process: take a batch of tasks, send their outcomes, until told to stop."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    _limit_memory(memory_mb)
    if init is not None:
        init()
    # what the process starts with (the readers, rules and schemes it inherited) lives as long as it does:
    # kept out of the cyclic collector, whose full collections would otherwise walk it again every few files
    gc.freeze()
    # a file's objects (its cells, model and findings) are freed together by reference counting once it is
    # done; collecting every 700 allocations would walk each file's model several times while it is built
    gc.set_threshold(20_000, 10, 10)
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        outs = [_outcome(fn, task) for task in batch]
        try:
            conn.send(outs)
        except MemoryError:
            conn.send([("memory", None)] * len(batch))


@dataclass
class _Worker:
    process: Any
    conn: Any
    batch: list[int] | None = None  # the indexes of the tasks it is reading
    deadline: float = 0.0
    watched: tuple[int, int] | None = None  # the descriptors registered with the supervisor's poll object


class Supervisor:
    """``Supervisor(fn, jobs, memory_mb, seconds, on_failure, init, batch)``; :meth:`map` yields ``fn(task)`` per
    task, in order, or ``on_failure(task, reason)`` for a task whose process died or overran; ``batch``: tasks
    sent to a process at once."""

    def __init__(self, fn: Callable[[Any], Any], jobs: int, *, memory_mb: int, seconds: float,
                 on_failure: Callable[[Any, str], Any], init: Callable[[], None] | None = None, batch: int = 1):
        self.fn = fn
        self.jobs = max(1, jobs)
        self.batch = max(1, batch)
        self.memory_mb = memory_mb
        self.seconds = seconds
        self.on_failure = on_failure
        self.init = init
        self.ctx = _context()
        self.forks = self.ctx.get_start_method() == "fork"
        """Reading processes are forked: they start with what this process has imported and built."""
        self.workers: list[_Worker] = []
        self.replaced = 0
        # the busy processes' pipes and sentinels stay registered with one poll object while they work
        # (where there is none, multiprocessing's wait builds a selector for every wait)
        self._poll = select.poll() if hasattr(select, "poll") else None

    # -- processes
    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_serve, args=(child, self.fn, self.init, self.memory_mb), daemon=True)
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        self.workers.append(w)
        return w

    def _watch(self, w: _Worker) -> None:
        if self._poll is not None and w.watched is None:
            w.watched = (w.conn.fileno(), w.process.sentinel)
            for fd in w.watched:
                self._poll.register(fd, select.POLLIN | select.POLLPRI)  # a hang-up or an error wakes it too

    def _unwatch(self, w: _Worker) -> None:
        if self._poll is not None and w.watched is not None:
            for fd in w.watched:
                self._poll.unregister(fd)
            w.watched = None

    def _ready(self, busy: list[_Worker], timeout: float) -> set:
        """The pipes and sentinels of ``busy`` processes that are ready within ``timeout`` seconds."""
        if self._poll is None:
            from multiprocessing.connection import wait

            return set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
        fds = {fd for fd, _ in self._poll.poll(math.ceil(timeout * 1000))}
        ready: set = set()
        for w in busy:
            assert w.watched is not None
            if w.watched[0] in fds:
                ready.add(w.conn)
            if w.watched[1] in fds:
                ready.add(w.process.sentinel)
        return ready

    def _kill(self, w: _Worker) -> None:
        self._unwatch(w)
        try:
            w.process.kill()
        except (OSError, AttributeError):
            pass
        w.process.join(5)
        try:
            w.conn.close()
        except OSError:
            pass
        if w in self.workers:
            self.workers.remove(w)

    def close(self) -> None:
        """Stop every reading process (politely, then firmly)."""
        for w in list(self.workers):
            self._unwatch(w)
        for w in list(self.workers):
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        for w in list(self.workers):
            w.process.join(2)
            if w.process.is_alive():
                self._kill(w)
            else:
                try:
                    w.conn.close()
                except OSError:
                    pass
        self.workers = []

    def terminate(self) -> None:
        for w in list(self.workers):
            self._kill(w)
        self.workers = []

    # -- the run
    def map(self, tasks: Sequence[Any]) -> Iterator[Any]:
        n = len(tasks)
        if not n:
            return
        for _ in range(min(self.jobs, n)):
            self._start()
        results: dict[int, Any] = {}
        alone: deque[int] = deque()  # tasks of a batch whose process died or overran: read again one by one
        next_task = 0
        want = 0
        window = self.jobs * WINDOW_PER_WORKER
        try:
            while want < n:
                # hand out work first: a reading process never waits while the caller handles a result
                for w in self.workers:
                    if w.batch is not None:
                        continue
                    if alone:
                        batch = [alone[0]]
                    elif next_task < n and next_task < want + window:
                        batch = list(range(next_task, min(n, next_task + self.batch)))
                    else:
                        continue
                    try:
                        w.conn.send([tasks[i] for i in batch])
                    except (OSError, ValueError):  # died while idle: its replacement takes the batch
                        continue
                    if alone:
                        alone.popleft()
                    else:
                        next_task = batch[-1] + 1
                    w.batch = batch
                    w.deadline = time.monotonic() + self.seconds
                    self._watch(w)
                if want in results:
                    yield results.pop(want)
                    want += 1
                    continue
                busy = [w for w in self.workers if w.batch is not None]
                idle_dead = [w for w in self.workers if w.batch is None and not w.process.is_alive()]
                for w in idle_dead:  # a process that died between files costs nothing
                    self._kill(w)
                    self._start()
                if not busy:
                    continue
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = self._ready(busy, timeout)
                now = time.monotonic()
                for w in busy:
                    held = w.batch
                    assert held is not None
                    if w.conn in ready:
                        try:
                            outs = w.conn.recv()
                        except Exception:  # noqa: BLE001 - a message cut short by the process dying
                            outs = None
                        if outs is None:
                            w.process.join(5)
                            self._lost(w, tasks, results, alone, crash_reason(w.process.exitcode))
                            continue
                        w.batch = None
                        self._unwatch(w)
                        for index, (status, value) in zip(held, outs):
                            results[index] = self._result(tasks[index], index, status, value)
                    elif w.process.sentinel in ready:
                        w.process.join(5)
                        self._lost(w, tasks, results, alone, crash_reason(w.process.exitcode))
                    elif now >= w.deadline:
                        self._lost(w, tasks, results, alone, timeout_reason(self.seconds))
        except BaseException:
            self.terminate()
            raise
        self.close()

    def _result(self, task: Any, index: int, status: str, value: Any) -> Any:
        if status == "ok":
            return value
        if status == "memory":
            return self.on_failure(task, crash_reason(None).replace("读取这个文件的进程意外结束",
                                                                    "读取这个文件所需的内存超过上限"))
        import logging

        logging.getLogger(__name__).debug("reading process failed on task %s: %s", index, value)
        return self.on_failure(task, f"{CRASHED}（{value}）")

    def _lost(self, w: _Worker, tasks: Sequence[Any], results: dict[int, Any], alone: deque[int],
              reason: str) -> None:
        """``w`` died or overran: a file read alone gets ``reason``; a batch's files are read again one by one
        (first), so only the one that caused it gets the failure."""
        batch = w.batch
        assert batch is not None
        if len(batch) == 1:
            results[batch[0]] = self.on_failure(tasks[batch[0]], reason)
        else:
            alone.extendleft(reversed(batch))
        w.batch = None
        self._replace(w)

    def _replace(self, w: _Worker) -> None:
        self._kill(w)
        self.replaced += 1
        self._start()


__all__ = ["Supervisor", "CRASHED", "crash_reason", "timeout_reason"]
