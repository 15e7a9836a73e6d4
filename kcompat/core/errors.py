"""Errors every layer may raise or report: unreadable inputs and usage errors (exit code 2)."""

from __future__ import annotations

from kcompat.core.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final


class InputError(Record):
    """An input that could not be read at all (missing path, unreadable file, bad suppression): exit 2."""

    __slots__ = ("path", "reason")

    def __init__(self, path: str, reason: str) -> None:
        self.path: Final[str] = path
        self.reason: Final[str] = reason


class UsageError(Exception):
    """Bad arguments or unusable input: reported in one line with exit code 2."""
