"""Turn raw bytes into text, refusing binary files and unknown encodings with a reason."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Undecodable:
    reason: str
    line: int | None = None


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
