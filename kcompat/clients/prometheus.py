"""A small parser for the Prometheus text exposition format (version 0.0.4), read line by line.

Handles `# HELP name text` (text escapes \\\\ and \\n), `# TYPE name type`, other comments, blank
lines, label sets with escaped values (\\\\, \\", \\n) and an optional trailing comma, the special
values NaN, +Inf and -Inf, and an optional integer timestamp in milliseconds. A line that does not
parse is reported with its number; it never stops the rest of the input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}
MAX_LINE_BYTES = 1024 * 1024
"""A longer exposition line is counted as an error and never held in memory whole."""


class LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


class OverlongLine(str):
    """Stands in for a line longer than MAX_LINE_BYTES (see bounded_lines)."""

    __slots__ = ()


def bounded_lines(stream: LineReader, limit: int = MAX_LINE_BYTES) -> Iterator[str]:
    """Decoded lines of a binary stream, each read with at most limit bytes in memory; a longer
    line is skipped in pieces and yielded as an empty OverlongLine."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit:
            while not line.endswith(b"\n"):
                line = stream.readline(limit)
                if not line:
                    break
            yield OverlongLine()
            continue
        yield line.decode("utf-8", errors="replace")


class ExpositionError(ValueError):
    """One line that is not valid exposition text."""


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float
    timestamp_ms: int | None
    line: int


@dataclass
class Exposition:
    """Everything read: samples are yielded as they are parsed; help, types and errors are kept here."""

    help: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    lines: int = 0


def _unescape_help(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in ("\\", "n"):
            out.append("\\" if text[i + 1] == "\\" else "\n")
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered in ("nan",):
        return math.nan
    if lowered in ("+inf", "inf"):
        return math.inf
    if lowered == "-inf":
        return -math.inf
    try:
        return float(text)
    except ValueError:
        raise ExpositionError(f"value {text!r} is not a number") from None


def _labels(line: str, start: int) -> tuple[dict[str, str], int]:
    """Parse `{a="x",b="y"}` starting at the `{`; return the labels and the index after `}`."""
    labels: dict[str, str] = {}
    i = start + 1
    size = len(line)
    while True:
        while i < size and line[i] in " \t":
            i += 1
        if i < size and line[i] == "}":
            return labels, i + 1
        match = _LABEL_NAME.match(line, i)
        if not match:
            raise ExpositionError(f"expected a label name at column {i + 1}")
        name = match.group()
        i = match.end()
        while i < size and line[i] in " \t":
            i += 1
        if i >= size or line[i] != "=":
            raise ExpositionError(f"expected '=' after label {name!r}")
        i += 1
        while i < size and line[i] in " \t":
            i += 1
        if i >= size or line[i] != '"':
            raise ExpositionError(f"expected '\"' to open the value of label {name!r}")
        i += 1
        value: list[str] = []
        while True:
            if i >= size:
                raise ExpositionError(f"unterminated value of label {name!r}")
            char = line[i]
            if char == "\\":
                if i + 1 >= size or line[i + 1] not in _ESCAPES:
                    raise ExpositionError(f"invalid escape in the value of label {name!r}")
                value.append(_ESCAPES[line[i + 1]])
                i += 2
            elif char == '"':
                i += 1
                break
            else:
                value.append(char)
                i += 1
        if name in labels:
            raise ExpositionError(f"label {name!r} given twice")
        labels[name] = "".join(value)
        while i < size and line[i] in " \t":
            i += 1
        if i < size and line[i] == ",":
            i += 1
        elif i < size and line[i] == "}":
            return labels, i + 1
        else:
            raise ExpositionError("expected ',' or '}' after a label value")


def parse_line(line: str, number: int, exposition: Exposition) -> Sample | None:
    """One line: a sample, or None for HELP/TYPE/comments/blank lines. Raises ExpositionError."""
    text = line.rstrip("\n").rstrip("\r")
    stripped = text.lstrip(" \t")
    if not stripped:
        return None
    if stripped.startswith("#"):
        parts = stripped[1:].lstrip(" \t").split(None, 2)
        if len(parts) >= 2 and parts[0] in ("HELP", "TYPE"):
            if not _NAME.fullmatch(parts[1]):
                raise ExpositionError(f"invalid metric name {parts[1]!r} in {parts[0]}")
            rest = parts[2] if len(parts) == 3 else ""
            if parts[0] == "HELP":
                exposition.help[parts[1]] = _unescape_help(rest)
            else:
                kind = rest.strip()
                if kind not in ("counter", "gauge", "histogram", "summary", "untyped"):
                    raise ExpositionError(f"unknown metric type {kind!r}")
                exposition.types[parts[1]] = kind
        return None
    match = _NAME.match(stripped)
    if not match:
        raise ExpositionError("expected a metric name")
    name = match.group()
    i = match.end()
    labels: dict[str, str] = {}
    after_name = i
    while i < len(stripped) and stripped[i] in " \t":
        i += 1
    if i < len(stripped) and stripped[i] == "{":
        labels, i = _labels(stripped, i)
    elif i == after_name and i < len(stripped):
        raise ExpositionError(f"unexpected {stripped[i]!r} after the metric name")
    fields = stripped[i:].split()
    if not fields:
        raise ExpositionError("expected a value after the metric name and labels")
    if len(fields) > 2:
        raise ExpositionError("unexpected text after the timestamp")
    value = _float(fields[0])
    timestamp: int | None = None
    if len(fields) == 2:
        try:
            timestamp = int(fields[1])
        except ValueError:
            raise ExpositionError(f"timestamp {fields[1]!r} is not an integer") from None
    return Sample(name, labels, value, timestamp, number)


def parse(lines: Iterable[str], exposition: Exposition, keep_errors: int = 5) -> Iterator[Sample]:
    """Samples of every line that parses; errors are counted in `exposition` (first few kept)."""
    for number, line in enumerate(lines, start=1):
        exposition.lines = number
        try:
            if isinstance(line, OverlongLine):
                raise ExpositionError(f"line longer than {MAX_LINE_BYTES >> 20} MiB")
            sample = parse_line(line, number, exposition)
        except ExpositionError as error:
            exposition.error_count += 1
            if len(exposition.errors) < keep_errors:
                exposition.errors.append((number, str(error)))
            continue
        if sample is not None:
            yield sample
