"""Replace a file atomically: temp file in the same folder, fsync, os.replace; owner, group and
permissions kept; never over an edit made since the file was read."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from kcompat.sources.reading import Snapshot, open_input

__all__ = ["Snapshot", "WriteError", "atomic_write"]


class WriteError(Exception):
    pass


def _unchanged(real: str, expected: Snapshot) -> bool:
    try:
        info = os.stat(real)
        if (info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev) != (
                expected.size, expected.mtime_ns, expected.inode, expected.device):
            return False
        with open_input(real) as handle:
            return handle.read(len(expected.raw) + 1) == expected.raw
    except OSError:
        return False


def atomic_write(path: str, data: bytes, expected: Snapshot | None = None) -> None:
    """Write data to path so that a reader (or a crash) sees the old file or the new one, never half.

    With expected (the file as it was read), the file is replaced only if it still holds exactly
    that: an edit made while kcompat ran is never lost (checked right before the rename).
    """
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except OSError as error:
        raise WriteError(error.strerror or str(error)) from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteError("not a regular file")
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
            _keep_owner(out.fileno(), info)
            os.fchmod(out.fileno(), stat.S_IMODE(info.st_mode))
            os.fsync(out.fileno())
        if expected is not None and not _unchanged(real, expected):
            raise WriteError("the file changed since kcompat read it; not replaced (run fix again)")
        os.replace(temp, real)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError):
            raise WriteError(error.strerror or str(error)) from None
        raise


def _keep_owner(fd: int, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group, or refuse to replace it."""
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except OSError:
        with contextlib.suppress(OSError):  # a member of the file's group may still give it that group
            os.fchown(fd, -1, info.st_gid)
        current = os.fstat(fd)
        if (current.st_uid, current.st_gid) != (info.st_uid, info.st_gid):
            raise WriteError(f"cannot keep its owner and group ({info.st_uid}:{info.st_gid}) in a "
                             "replacement; not written") from None
