from __future__ import annotations

from pathlib import Path

import pytest

from kcompat.sources import reading
from kcompat.sources.reading import Undecodable, decode, read_input


def test_utf8_and_bom() -> None:
    assert decode("kind: Ä\n".encode()) == "kind: Ä\n"
    assert decode(b"\xef\xbb\xbfkind: A\n") == "kind: A\n"


def test_utf16_with_bom_is_decoded() -> None:
    assert decode("kind: A\n".encode("utf-16")) == "kind: A\n"


def test_binary_is_refused() -> None:
    result = decode(b"\x00\x01\x02kind")
    assert isinstance(result, Undecodable)
    assert "binary" in result.reason


def test_latin1_names_line_and_byte() -> None:
    result = decode("a: 1\nb: caf\xe9\n".encode("latin-1"))
    assert isinstance(result, Undecodable)
    assert result.line == 2
    assert "0xe9" in result.reason


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 4096])
def test_read_input_returns_at_most_limit_bytes(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(bytes(range(256)) * (size // 256) + bytes(range(size % 256)))
    assert read_input(str(path), 10) == path.read_bytes()[:10]
    assert read_input(str(path), 1 << 20) == path.read_bytes()


def test_read_input_reads_past_a_stale_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grew after its size was read (or reports none, as /proc files do) is read on."""
    path = tmp_path / "grown.yaml"
    path.write_bytes(b"kind: A\n" * 100)

    real_fstat = reading.os.fstat

    class Stale:
        def __init__(self, fd: int) -> None:
            self.st_mode = real_fstat(fd).st_mode
            self.st_size = 3

    monkeypatch.setattr(reading.os, "fstat", Stale)
    assert read_input(str(path), 1 << 20) == path.read_bytes()
    assert read_input(str(path), 50) == path.read_bytes()[:50]
