"""Ctrl-C once a finished output is in place.

From the moment a command renames its finished output into place, the run has succeeded; an
interrupt pressed in the few lines left (closing the cache, printing the totals) is held back, so
the command never reports 「已中断」 beside a complete output.  Before that moment an interrupt
works as usual and leaves no output behind.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


@contextmanager
def held_back() -> Iterator[None]:
    """Hold SIGINT back for the block; a press during it is logged, not raised.

    Outside the main thread (an embedding application's worker) or in a subinterpreter signals cannot
    be handled here, and the block runs as it is.
    """
    pressed: list[int] = []

    def note(signum: int, _frame: object) -> None:
        pressed.append(signum)

    try:
        previous = signal.signal(signal.SIGINT, note)
    except ValueError:  # not the main thread of the main interpreter: signals are not ours to handle
        previous = note
    try:
        yield
    finally:
        if previous is not note:
            # (None: a handler set outside Python, which cannot be put back; the default one is)
            signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)
        if pressed:
            log.info("中断请求到达时输出已完成，本次运行照常结束")
