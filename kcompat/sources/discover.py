"""Expand the user's PATH arguments into the files to read."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from kcompat.core import limits

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
    """os.walk's top-down order (files of a folder, then its folders, sorted; links to folders not
    followed), without recursion and at most MAX_DIRECTORY_DEPTH folders deep."""
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            yield Missing(str(error.filename or folder), error.strerror or str(error))
            continue
        files: list[str] = []
        dirs: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir() and not entry.is_symlink()
                linked_dir = not is_dir and entry.is_dir()
            except OSError:
                is_dir = linked_dir = False
            if is_dir:
                dirs.append(entry.name)
            elif not linked_dir:
                files.append(entry.name)
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(MANIFEST_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            if _excluded(path, exclude) or path in seen:
                continue
            seen.add(path)
            yield path
        subdirs = [os.path.join(folder, d) for d in sorted(dirs)
                   if not d.startswith(".") and not _excluded(os.path.join(folder, d), exclude)]
        if subdirs and depth >= limits.MAX_DIRECTORY_DEPTH:
            yield Missing(folder, f"has folders nested more than {limits.MAX_DIRECTORY_DEPTH} levels "
                                  f"below {root}; they were not read")
            continue
        stack.extend((sub, depth + 1) for sub in reversed(subdirs))
