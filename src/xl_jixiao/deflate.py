"""DEFLATE and CRC-32 for the hot paths: ISA-L (python-isal) when it is installed, else the standard ``zlib``.

Both write and read the same formats (raw DEFLATE, the zlib wrapper) and compute the same CRC-32, so
what one writes the other reads and a check made with one holds with the other; ISA-L is only faster
(on this project's worksheets: inflating about 1.7×, deflating at level 1 about 3.5× with slightly
smaller output, CRC-32 about 5×).  ISA-L has levels 0–3: a higher level asks for its highest, and a
negative one (zlib's default) for its default.

Used where every file pays: inflating and checking a workbook's parts before parsing
(:mod:`xl_jixiao.inbox`), compressing a stored result (:mod:`xl_jixiao.pipeline`) and the summary
writer's pieces (:mod:`xl_jixiao.consolidate.xlsx`).  Streaming inflation of unusually large parts
stays with ``zlib``, whose behaviour on damaged streams decides what is refused.
"""

from __future__ import annotations

import zlib
from typing import Any

_fast: Any = None
try:
    from isal import isal_zlib

    _fast = isal_zlib
except ImportError:  # the dependency is declared; a platform without its wheel still works, more slowly
    pass

DEFLATED = zlib.DEFLATED
Z_SYNC_FLUSH = zlib.Z_SYNC_FLUSH

if _fast is not None:
    BACKEND = "isal"
    ERRORS: tuple[type[Exception], ...] = (zlib.error, _fast.error)
    """What inflating a damaged stream raises."""
    crc32 = _fast.crc32
    decompress = _fast.decompress
    _MOST = _fast.ISAL_BEST_COMPRESSION
    _DEFAULT = _fast.ISAL_DEFAULT_COMPRESSION

    def _level(level: int) -> int:
        return _DEFAULT if level < 0 else min(level, _MOST)

    def compress(data: Any, level: int = 1) -> bytes:
        """``data`` in the zlib wrapper (what :func:`zlib.decompress` reads)."""
        return _fast.compress(data, _level(level))

    def compressobj(level: int = 1, wbits: int = -15) -> Any:
        return _fast.compressobj(_level(level), DEFLATED, wbits)

else:
    BACKEND = "zlib"
    ERRORS = (zlib.error,)
    crc32 = zlib.crc32
    decompress = zlib.decompress

    def compress(data: Any, level: int = 1) -> bytes:
        """``data`` in the zlib wrapper (what :func:`zlib.decompress` reads)."""
        return zlib.compress(data, level)

    def compressobj(level: int = 1, wbits: int = -15) -> Any:
        return zlib.compressobj(level, DEFLATED, wbits)


__all__ = ["BACKEND", "ERRORS", "DEFLATED", "Z_SYNC_FLUSH", "crc32", "decompress", "compress", "compressobj"]
