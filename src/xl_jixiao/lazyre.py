"""Regular expressions compiled on first use, so that a module declaring many costs little to import.

``lazy(pattern, flags)`` stands where ``re.compile(pattern, flags)`` stood.  Compiling happens when the
pattern is first used; from then on its methods are the compiled pattern's own, bound once, so a call
costs what calling the compiled pattern costs.  Python's ``re`` compiler is written in Python: a form's
value grammar (dozens of patterns with long alternations of units and wide CJK ranges) takes tens of
milliseconds to compile, which a command that never parses a value should not pay.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["lazy"]

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # only for what is not set yet: the first use
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self._flags)
            for method in _METHODS:
                setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
