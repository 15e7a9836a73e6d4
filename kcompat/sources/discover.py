"""Expand the user's PATH arguments into the files to read."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


@dataclass(frozen=True)
class Missing:
    """A PATH argument that does not exist or cannot be listed."""

    path: str
    reason: str


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    if not patterns:
        return False
    parts = PurePath(path).parts
    for pattern in patterns:
        if fnmatch.fnmatch(path, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[str | Missing]:
    """Yield files (or "-" for stdin) in a stable order; directories are walked recursively.

    Files named explicitly are read whatever their suffix; inside directories only *.yaml,
    *.yml and *.json are taken, and hidden files and folders are skipped.
    """
    seen: set[str] = set()
    for path in paths:
        if path == STDIN:
            yield STDIN
            continue
        if os.path.isdir(path):
            yield from _walk(path, exclude, seen)
        elif os.path.exists(path):
            if not _excluded(path, exclude) and path not in seen:
                seen.add(path)
                yield path
        else:
            reason = "no such file or directory"
            if os.path.islink(path):
                reason = "broken symbolic link"
            yield Missing(path, reason)


def _walk(root: str, exclude: Sequence[str], seen: set[str]) -> Iterator[str | Missing]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not _excluded(os.path.join(folder, d), exclude))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(MANIFEST_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            if _excluded(path, exclude) or path in seen:
                continue
            seen.add(path)
            yield path
        while errors:
            error = errors.pop(0)
            yield Missing(str(error.filename or folder), error.strerror or str(error))
