"""Regular expressions compiled on first use instead of at import.

A `kcompat check` of one file imports every built-in validation module but matches only the few
patterns its kinds need; compiling all of them at import cost about 5 ms of a ~60 ms start-up
(BENCHMARKS.md). A LazyPattern behaves like the compiled pattern for match/fullmatch/search.
"""

from __future__ import annotations

import re
from collections.abc import Callable


class LazyPattern:
    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def match(self, text: str) -> re.Match[str] | None:
        return (self._compiled or self.compiled()).match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return (self._compiled or self.compiled()).fullmatch(text)

    def search(self, text: str) -> re.Match[str] | None:
        return (self._compiled or self.compiled()).search(text)

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        return (self._compiled or self.compiled()).sub(replacement, text)
