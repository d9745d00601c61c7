"""Ctrl-C once a finished output is in place: held back, never raised; before and after, as usual."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from xl_jixiao.interrupts import held_back


def _press() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def test_a_press_inside_is_held_back_and_the_handler_restored():
    before = signal.getsignal(signal.SIGINT)
    with held_back():
        _press()
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):  # outside the block Ctrl-C interrupts again
        _press()


def test_an_exception_inside_still_restores_the_handler():
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(RuntimeError), held_back():
        raise RuntimeError("boom")
    assert signal.getsignal(signal.SIGINT) is before


def test_outside_the_main_thread_the_block_just_runs():
    ran: list[bool] = []

    def work() -> None:
        with held_back():
            ran.append(True)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert ran == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
