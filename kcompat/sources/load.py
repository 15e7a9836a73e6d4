"""Read one input (a file or stdin) into documents, turning every problem into a finding."""

from __future__ import annotations

import sys

from kcompat.core import limits
from kcompat.core.model import Finding, Origin, Severity
from kcompat.sources.discover import STDIN
from kcompat.sources.documents import Document
from kcompat.sources.reading import Undecodable, decode, read_input
from kcompat.sources.yaml_stream import ParseProblem, parse_stream

STDIN_NAME = "<stdin>"


class LoadedInput:
    __slots__ = ("documents", "findings", "path", "role", "unreadable")

    def __init__(self, path: str, documents: list[Document] | None = None, findings: list[Finding] | None = None,
                 unreadable: str | None = None, role: str | None = None) -> None:
        self.path = path
        self.documents: list[Document] = documents if documents is not None else []
        self.findings: list[Finding] = findings if findings is not None else []
        self.unreadable = unreadable
        """Set when the input could not be opened at all (a usage-level error, exit 2)."""
        self.role = role
        """What the repository makes of the file (sources.discover: PARTIAL, PATCH_OPS, CONFIG), or None."""


def read_bytes(path: str) -> bytes:
    if path == STDIN:
        return sys.stdin.buffer.read(limits.MAX_FILE_BYTES + 1)
    return read_input(path, limits.MAX_FILE_BYTES + 1)


def load_input(path: str, role: str | None = None) -> LoadedInput:
    shown = STDIN_NAME if path == STDIN else path
    loaded = LoadedInput(shown, role=role)
    try:
        raw = read_bytes(path)
    except OSError as error:
        loaded.unreadable = error.strerror or str(error)
        return loaded
    loaded = load_text(raw, shown)
    loaded.role = role
    return loaded


def load_text(raw: bytes | str, shown: str) -> LoadedInput:
    """Documents and parse problems of a stream already in memory (a file's bytes, rendered output)."""
    loaded = LoadedInput(shown)
    if isinstance(raw, bytes):
        if len(raw) > limits.MAX_FILE_BYTES:
            size = f"{limits.MAX_FILE_BYTES // (1 << 20)} MiB"
            loaded.findings.append(_skipped(shown, f"larger than {size}; not checked"))
            return loaded
        decoded = decode(raw)
        if isinstance(decoded, Undecodable):
            loaded.findings.append(_skipped(shown, f"{decoded.reason}; not checked", decoded.line))
            return loaded
        text = decoded
    else:
        text = raw
    for item in parse_stream(text, shown):
        if isinstance(item, ParseProblem):
            loaded.findings.append(Finding("parse-error", Severity.ERROR, item.message, item.origin))
        else:
            loaded.documents.append(item)
    return loaded


def _skipped(path: str, reason: str, line: int | None = None) -> Finding:
    return Finding("skipped-file", Severity.ERROR, reason, Origin(path, None, line, None))
