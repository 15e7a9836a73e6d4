"""Turn raw bytes into text, refusing binary files and unknown encodings with a reason."""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat

from kcompat.core.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class Undecodable(Record):
    __slots__ = ("line", "reason")

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason: Final[str] = reason
        self.line: Final[int | None] = line


def decode(raw: bytes) -> str | Undecodable:
    """Decode UTF-8 (or UTF-16/32 with a byte-order mark, which YAML allows)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as error:
                return Undecodable(f"not valid {encoding.upper()}: {error.reason}")
    if b"\x00" in raw[:8192]:
        return Undecodable("binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return Undecodable(f"not UTF-8 (byte 0x{raw[error.start]:02x} at line {line})", line)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe); use - to read stdin"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_input(path: str, *, allow_fifo: bool = False) -> io.BufferedReader:
    """Open a file for reading, refusing what could block or never end (FIFOs, devices, sockets).

    The open itself never blocks: O_NONBLOCK keeps a FIFO without a writer from hanging it. With
    allow_fifo (streamed inputs such as audit logs, where `<(zcat log.gz)` is common) a FIFO is
    accepted and read blocking. Raises OSError with a readable strerror.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISREG(mode) or (allow_fifo and stat.S_ISFIFO(mode))):
            raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, f"not a regular file: {_kind_of(mode)}")
        if stat.S_ISFIFO(mode) and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return io.BufferedReader(io.FileIO(fd, "rb", closefd=True))
    except BaseException:
        os.close(fd)
        raise


def read_input(path: str, limit: int) -> bytes:
    """At most limit bytes of a regular file (see open_input); callers compare the length to limit."""
    with open_input(path) as handle:
        return _read_up_to(handle, os.fstat(handle.fileno()).st_size, limit)


def _read_up_to(handle: io.BufferedReader, size: int, limit: int) -> bytes:
    """At most limit bytes of an open file whose size stat gave as size.

    The size is asked first because `read(limit)` alone makes the reader allocate limit bytes
    (32 MiB) for every file, which cost more than the reading on a folder of small manifests. A
    file that grew since (or reports no size, as /proc files do) is read on up to limit."""
    if size >= limit:
        return handle.read(limit)
    data = handle.read(size + 1)
    if len(data) <= size:
        return data
    return data + handle.read(limit - len(data))


class Snapshot(Record):
    """A file as it was read: its bytes and what stat said while it was open (`kcompat fix --write`
    replaces a file only while it still holds exactly this: kcompat.fix.writer)."""

    __slots__ = ("device", "inode", "mtime_ns", "raw", "size")

    def __init__(self, raw: bytes, size: int, mtime_ns: int, inode: int, device: int) -> None:
        self.raw: Final[bytes] = raw
        self.size: Final[int] = size
        self.mtime_ns: Final[int] = mtime_ns
        self.inode: Final[int] = inode
        self.device: Final[int] = device


def read_snapshot(path: str, limit: int) -> Snapshot:
    """At most limit bytes of a regular file (see open_input) with its stat at that time."""
    with open_input(path) as handle:
        info = os.fstat(handle.fileno())
        raw = _read_up_to(handle, info.st_size, limit)
    return Snapshot(raw, info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev)
