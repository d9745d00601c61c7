"""Memoising by text: what a form's texts mean is worked out once per distinct text, in bounded memory.

Forms repeat their texts (level names, 不适用, common values such as ``≥95%``), within a workbook and across
the workbooks of one consolidation, so the functions that interpret a text remember their answers.  Each
memo keeps only the most recently used ``TEXT_MEMO_SIZE`` texts: a reading process that goes through
thousands of workbooks holds the same amount whichever file it is on, instead of growing until every
distinct text it ever saw is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

__all__ = ["TEXT_MEMO_SIZE", "by_text", "memo_of"]

TEXT_MEMO_SIZE = 4096
"""Distinct texts each memo keeps: several workbooks' worth (one has a few hundred distinct texts)."""

_F = TypeVar("_F", bound=Callable[..., object])


def by_text(func: _F) -> _F:
    """``func`` remembering its answers for the last ``TEXT_MEMO_SIZE`` distinct arguments."""
    return lru_cache(maxsize=TEXT_MEMO_SIZE)(func)  # type: ignore[return-value]


def memo_of(store: dict[int, tuple[Any, dict[Any, Any]]], owner: object) -> dict[Any, Any]:
    """The memo ``store`` keeps for ``owner`` (a label index, a scheme: what the remembered answers depend on),
    made on first use and started again once it holds more than ``TEXT_MEMO_SIZE`` answers.  The store is
    keyed by ``id(owner)`` and its entry keeps the owner alive, so that id is never another object's."""
    hit = store.get(id(owner))
    if hit is None or hit[0] is not owner or len(hit[1]) > TEXT_MEMO_SIZE:
        hit = store[id(owner)] = (owner, {})
    return hit[1]
