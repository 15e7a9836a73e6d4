from __future__ import annotations

from kcompat.sources.reading import Undecodable, decode


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
