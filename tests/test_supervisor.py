"""Supervised reading processes, tasks sent one or several at a time: results in order, and a task that kills
or stalls its process costs that task alone."""

from __future__ import annotations

import os
import signal
import time

import pytest

from xl_jixiao.consolidate.supervisor import CRASHED, Supervisor


def _read(task):
    kind, n = task
    if kind == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "hang":
        time.sleep(30)
    if kind == "slow":
        time.sleep(1.5)
    if kind == "raise":
        raise ValueError(f"bad {n}")
    return ("read", n, os.getpid())


def _run(tasks, *, batch: int, jobs: int = 2, seconds: float = 20.0):
    pool = Supervisor(_read, jobs, memory_mb=2048, seconds=seconds, batch=batch,
                      on_failure=lambda task, reason: ("failed", task[1], reason))
    return list(pool.map(tasks)), pool


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_every_task_comes_back_in_order(batch):
    tasks = [("ok", n) for n in range(11)]
    got, pool = _run(tasks, batch=batch)
    assert [g[:2] for g in got] == [("read", n) for n in range(11)]
    assert len({g[2] for g in got}) == 2  # both processes read
    assert pool.replaced == 0


def test_tasks_of_a_batch_that_overran_are_read_again_alone():
    """Two slow files in one batch overrun its limit together; read alone, each is within its own."""
    got, pool = _run([("slow", 0), ("slow", 1)], batch=2, jobs=1, seconds=2.5)
    assert [g[:2] for g in got] == [("read", 0), ("read", 1)]
    assert pool.replaced == 1


@pytest.mark.parametrize("batch", [1, 2, 4])
def test_a_task_that_kills_its_process_costs_only_itself(batch):
    tasks = [("ok", 0), ("ok", 1), ("die", 2), ("ok", 3), ("ok", 4), ("die", 5), ("ok", 6)]
    got, pool = _run(tasks, batch=batch)
    assert [g[:2] for g in got] == [("read", 0), ("read", 1), ("failed", 2), ("read", 3), ("read", 4),
                                    ("failed", 5), ("read", 6)]
    assert all(CRASHED in g[2] and "SIGKILL" in g[2] for g in got if g[0] == "failed")
    assert pool.replaced >= 2


def test_a_task_that_stalls_costs_only_itself():
    tasks = [("ok", 0), ("hang", 1), ("ok", 2), ("ok", 3)]
    start = time.monotonic()
    got, _ = _run(tasks, batch=2, jobs=1, seconds=2.0)
    assert [g[:2] for g in got] == [("read", 0), ("failed", 1), ("read", 2), ("read", 3)]
    assert "超过 2 秒" in got[1][2]
    assert time.monotonic() - start < 15  # the batch's limit, then the stalled file's own


def test_a_task_that_raises_is_its_own_failure():
    got, pool = _run([("ok", 0), ("raise", 1), ("ok", 2)], batch=3, jobs=1)
    assert [g[:2] for g in got] == [("read", 0), ("failed", 1), ("read", 2)]
    assert "ValueError: bad 1" in got[1][2]
    assert pool.replaced == 0  # an exception leaves the process serving
