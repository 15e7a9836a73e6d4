"""Run a helper process (Helm, Kustomize, kcompat's own render child) with hard bounds.

The child gets a wall-clock limit, an address-space limit, a cap on what it may print, and dies
with the parent (Linux `PR_SET_PDEATHSIG`; elsewhere the parent kills it on every exit path,
including Ctrl-C). Nothing the child prints is kept beyond the caps.
"""

from __future__ import annotations

import ctypes
import os
import resource
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

_PR_SET_PDEATHSIG = 1
MAX_STDERR_BYTES = 64 * 1024


class BoundExceeded(Exception):
    """The child ran too long or printed too much; it has been killed."""


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: str


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux; a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return


def _lower(limit: int, wanted: int) -> None:
    _soft, hard = resource.getrlimit(limit)
    value = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    resource.setrlimit(limit, (value, value))


def limit_memory(address_space_bytes: int | None, data_bytes: int | None = None) -> None:
    """Cap this process's address space (RLIMIT_AS) and, where given, its writable memory
    (RLIMIT_DATA: Go reserves far more address space than it uses, so the data limit is what
    bounds a Go heap); never raises a current hard limit."""
    if address_space_bytes is not None:
        _lower(resource.RLIMIT_AS, address_space_bytes)
    if data_bytes is not None:
        _lower(resource.RLIMIT_DATA, data_bytes)


def _preexec(address_space_bytes: int | None, data_bytes: int | None) -> Callable[[], None]:
    parent = os.getpid()

    def setup() -> None:
        die_with_parent()
        if os.getppid() != parent:
            os._exit(1)  # the parent died before the death signal was armed: it will never come
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        limit_memory(address_space_bytes, data_bytes)

    return setup


def run_bounded(command: Sequence[str], *, stdin: bytes = b"", timeout: float, max_output: int,
                address_space_bytes: int | None, data_bytes: int | None = None,
                env: Mapping[str, str] | None = None, cwd: str | None = None) -> Finished:
    """Run command, feeding stdin; raise BoundExceeded when it outlives timeout or prints more than
    max_output bytes on stdout (the child is killed first). OSError when it cannot start."""
    process = subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=dict(env) if env is not None else None,
                               cwd=cwd, preexec_fn=_preexec(address_space_bytes, data_bytes),
                               close_fds=True)
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    deadline = time.monotonic() + timeout
    out = bytearray()
    err = bytearray()
    pending = memoryview(stdin)
    selector = selectors.DefaultSelector()
    try:
        os.set_blocking(process.stdin.fileno(), False)
        if pending:
            selector.register(process.stdin, selectors.EVENT_WRITE)
        else:
            process.stdin.close()
        selector.register(process.stdout, selectors.EVENT_READ)
        selector.register(process.stderr, selectors.EVENT_READ)
        open_streams = 2
        while open_streams:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BoundExceeded(f"did not finish within {timeout:g} s")
            for key, _events in selector.select(min(left, 1.0)):
                if key.fileobj is process.stdin:
                    try:
                        written = os.write(process.stdin.fileno(), pending[:65536])
                    except BrokenPipeError:
                        written = len(pending)
                    except BlockingIOError:
                        continue
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(process.stdin)
                        process.stdin.close()
                    continue
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                if key.fileobj is process.stdout:
                    out += chunk
                    if len(out) > max_output:
                        raise BoundExceeded(f"printed more than {max_output >> 20} MiB")
                elif len(err) < MAX_STDERR_BYTES:
                    err += chunk[: MAX_STDERR_BYTES - len(err)]
        left = max(deadline - time.monotonic(), 0.0)
        try:
            code = process.wait(left)
        except subprocess.TimeoutExpired:
            raise BoundExceeded(f"did not finish within {timeout:g} s") from None
        return Finished(code, bytes(out), err.decode("utf-8", errors="replace"))
    finally:
        selector.close()
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if not stream.closed:
                stream.close()
