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

_impl: Any = zlib
try:
    from isal import isal_zlib

    _impl = isal_zlib
except ImportError:  # the dependency is declared; a platform without its wheel still works, more slowly
    pass

BACKEND = "zlib" if _impl is zlib else "isal"
DEFLATED = zlib.DEFLATED
Z_SYNC_FLUSH = zlib.Z_SYNC_FLUSH
ERRORS: tuple[type[Exception], ...] = tuple({zlib.error, _impl.error})
"""What inflating a damaged stream raises."""
crc32 = _impl.crc32
decompress = _impl.decompress
# ISA-L's levels are 0-3 (its default is 2); zlib's run from 0 to 9 (-1 for its default)
_MOST, _DEFAULT = (9, -1) if _impl is zlib else (_impl.ISAL_BEST_COMPRESSION, _impl.ISAL_DEFAULT_COMPRESSION)


def _level(level: int) -> int:
    return _DEFAULT if level < 0 else min(level, _MOST)


def compress(data: Any, level: int = 1) -> bytes:
    """``data`` in the zlib wrapper (what :func:`zlib.decompress` reads)."""
    return _impl.compress(data, _level(level))


def compressobj(level: int = 1, wbits: int = -15) -> Any:
    """A compressor of raw DEFLATE (``wbits=-15``) or of another ``wbits`` format."""
    return _impl.compressobj(_level(level), DEFLATED, wbits)


__all__ = ["BACKEND", "ERRORS", "DEFLATED", "Z_SYNC_FLUSH", "crc32", "decompress", "compress", "compressobj"]
