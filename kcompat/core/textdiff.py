"""Unified diffs of a file's text, the one way kcompat shows a proposed change (fix, rollout steps)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator


def diff_lines(path: str, before: str, after: str) -> Iterator[str]:
    """`--- a/PATH` / `+++ b/PATH` and the hunks, each line with its own line ending."""
    shown = path.lstrip("/")
    yield from difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                    f"a/{shown}", f"b/{shown}")


def unified(path: str, before: str, after: str) -> str:
    return "".join(diff_lines(path, before, after))
