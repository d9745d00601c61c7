"""A progress bar on stderr: redrawn in place on a terminal, a few plain lines otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, enabled: bool = True, label: str = "汇总"):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self.label = label
        self.start = time.perf_counter()
        try:
            self.tty = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.tty = False
        self._last_draw = 0.0
        self._next_pct = 10
        self.done = 0

    def update(self, done: int, cached: int = 0, failed: int = 0) -> None:
        self.done = done
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty:
            if now - self._last_draw < 0.1 and done < self.total:
                return
            self._last_draw = now
            width = 30
            filled = int(width * done / self.total)
            bar = "█" * filled + "░" * (width - filled)
            pct = 100 * done // self.total
            rate = done / (now - self.start) if now > self.start else 0.0
            eta = (self.total - done) / rate if rate > 0 else 0.0
            self.stream.write(f"\r{self.label} {bar} {done}/{self.total} {pct:3d}%  缓存 {cached}  无法读取 {failed}"
                              f"  剩余约 {eta:4.0f} 秒 ")
            self.stream.flush()
        else:
            pct = 100 * done // self.total
            if pct >= self._next_pct or done == self.total:
                while self._next_pct <= pct:
                    self._next_pct += 10
                self.stream.write(f"{self.label}：已处理 {done}/{self.total} 个文件（{pct}%），"
                                  f"缓存 {cached}，无法读取 {failed}\n")
                self.stream.flush()

    def close(self, message: str | None = None) -> None:
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\n")
        if message:
            self.stream.write(message + "\n")
        self.stream.flush()
