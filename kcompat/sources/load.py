"""Read one input (a file or stdin) into documents, turning every problem into a finding."""

from __future__ import annotations

import sys

from kcompat.core import limits
from kcompat.core.model import Finding, Origin, Severity
from kcompat.sources.discover import STDIN, TEMPLATE
from kcompat.sources.documents import Document
from kcompat.sources.reading import Snapshot, Undecodable, decode, read_input
from kcompat.sources.yaml_stream import ParseProblem, parse_stream

STDIN_NAME = "<stdin>"


class LoadedInput:
    __slots__ = ("documents", "findings", "parsed", "path", "role", "snapshot", "text", "undecodable", "unreadable")

    def __init__(self, path: str, documents: list[Document] | None = None, findings: list[Finding] | None = None,
                 unreadable: str | None = None, role: str | None = None, snapshot: Snapshot | None = None,
                 text: str | None = None, undecodable: str | None = None, parsed: bool = True) -> None:
        self.path = path
        self.documents: list[Document] = documents if documents is not None else []
        self.findings: list[Finding] = findings if findings is not None else []
        self.unreadable = unreadable
        """Set when the input could not be opened at all (a usage-level error, exit 2)."""
        self.role = role
        """What the repository makes of the file (sources.discover: PARTIAL, PATCH_OPS, CONFIG, TEMPLATE), or None."""
        self.snapshot = snapshot
        """Only when kept (load_snapshot, for `kcompat fix`): the bytes as read and their stat."""
        self.text = text
        """Only when kept: the decoded text the documents were parsed from (None: too large or undecodable)."""
        self.undecodable = undecodable
        """Why the bytes could not be decoded (also a skipped-file finding), or None."""
        self.parsed = parsed
        """False for a Helm template kept as text and never parsed as YAML (TEMPLATE role, `{{` in it)."""


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
    return load_text(raw, shown, role=role)


def load_snapshot(path: str, snapshot: Snapshot, role: str | None = None) -> LoadedInput:
    """A file already read (read_snapshot), kept: its documents, its text and the snapshot itself
    (`kcompat fix` rewrites exactly those bytes, never a second read of the file)."""
    loaded = load_text(snapshot.raw, path, keep=True, role=role)
    loaded.snapshot = snapshot
    return loaded


def load_text(raw: bytes | str, shown: str, keep: bool = False, role: str | None = None) -> LoadedInput:
    """Documents and parse problems of a stream already in memory (a file's bytes, rendered output).

    keep: the decoded text is kept too. A Helm template (role TEMPLATE) with template syntax is
    kept as text only: Go template syntax is not YAML (fix rewrites its literal apiVersion lines)."""
    loaded = LoadedInput(shown, role=role)
    if isinstance(raw, bytes):
        if len(raw) > limits.MAX_FILE_BYTES:
            size = f"{limits.MAX_FILE_BYTES // (1 << 20)} MiB"
            loaded.findings.append(_skipped(shown, f"larger than {size}; not checked"))
            return loaded
        decoded = decode(raw)
        if isinstance(decoded, Undecodable):
            loaded.undecodable = decoded.reason
            loaded.findings.append(_skipped(shown, f"{decoded.reason}; not checked", decoded.line))
            return loaded
        text = decoded
    else:
        text = raw
    if keep:
        loaded.text = text
    if role == TEMPLATE and "{{" in text:
        loaded.parsed = False
        return loaded
    for item in parse_stream(text, shown):
        if isinstance(item, ParseProblem):
            loaded.findings.append(Finding("parse-error", Severity.ERROR, item.message, item.origin))
        else:
            loaded.documents.append(item)
    return loaded


def _skipped(path: str, reason: str, line: int | None = None) -> Finding:
    return Finding("skipped-file", Severity.ERROR, reason, Origin(path, None, line, None))
