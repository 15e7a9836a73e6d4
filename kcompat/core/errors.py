"""Errors every layer may raise or report: unreadable inputs and usage errors (exit code 2)."""

from __future__ import annotations

from typing import NamedTuple


class InputError(NamedTuple):
    """An input that could not be read at all (missing path, unreadable file, bad suppression): exit 2."""

    path: str
    reason: str


class UsageError(Exception):
    """Bad arguments or unusable input: reported in one line with exit code 2."""
