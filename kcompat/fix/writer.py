"""Replace a file atomically: temp file in the same folder, fsync, os.replace, permissions kept."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


class WriteError(Exception):
    pass


def atomic_write(path: str, data: bytes) -> None:
    """Write data to path so that a reader (or a crash) sees the old file or the new one, never half."""
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except OSError as error:
        raise WriteError(error.strerror or str(error)) from None
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
        raise WriteError("file is read-only")
    folder = os.path.dirname(real) or "."
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(real)}.", suffix=".kcompat-tmp")
    except OSError as error:
        raise WriteError(f"cannot create a temporary file next to it: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, stat.S_IMODE(info.st_mode))
        os.replace(temp, real)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise WriteError(error.strerror or str(error)) from None
