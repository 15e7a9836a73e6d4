"""The `str.find` scans of yaml_stream find exactly what the MULTILINE regular expressions they
replace find (document markers, `# Source:` comments, deep leading runs)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kcompat.sources.yaml_stream import _document_end, _document_starts, _has_deep_line, _helm_source

START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
END = re.compile(r"^\.\.\.(?=[ \t\r]*$)", re.MULTILINE)
SOURCE = re.compile(r"^#\s*Source:\s*(\S[^\r\n]*?)\s*$", re.MULTILINE)
DEEP = re.compile(r"^[ \t\-?:]{128,}", re.MULTILINE)

PIECES = ["---", "...", "--", "..", "-", ".", " ", "\t", "\r", "\n", "\r\n", "#", "# ", "Source:", "Source: a.yaml",
          "x", "a: b", "\u00a0", "\u2028", "\x0c", "? ", ": ", "- ", " " * 64, "- " * 40, "\t" * 70, ":" * 130]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _reference(text: str) -> tuple[list[int], int | None, str | None, bool]:
    end = END.search(text)
    source = SOURCE.search(text)
    return ([m.start() for m in START.finditer(text)], end.start() if end else None,
            source.group(1) if source else None, DEEP.search(text) is not None)


def _scanned(text: str) -> tuple[list[int], int | None, str | None, bool]:
    return list(_document_starts(text)), _document_end(text), _helm_source(text), _has_deep_line(text)


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
def test_scans_equal_the_regular_expressions(text: str) -> None:
    assert _scanned(text) == _reference(text)


def test_scans_on_written_cases() -> None:
    cases = [
        "", "---", "---\n", "--- \n", "---x\n", "a\n---", "a\n---\r\nb", "a\n----\n", " ---\n", "...", "a\n...",
        "a\n... \t\r\nb", "a\n...x\n", "x ...\n", "# Source: chart/templates/a.yaml\nkind: A",
        "#\n\n  Source:   b.yaml  \r\nkind: A", "a # Source: no\n", "#Source:\n# Source: yes.yaml",
        "# Source:\n", "\n#\tSource:\tc\u00a0\n", " " * 127 + "x", " " * 128 + "x", "a\n" + "- " * 64 + "x",
        "a\n" + " " * 127 + "\n" + " " * 200,
    ]
    for text in cases:
        assert _scanned(text) == _reference(text), text


def _directive_only_reference(chunk: str) -> bool:
    if "%" not in chunk:
        return False
    lines = [ln for ln in chunk.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(lines) and all(ln.startswith("%") for ln in lines)


DIRECTIVE_PIECES = ["%YAML 1.2", "%TAG ! x", "%", " %", "50%", "# c", "#%", "a: b", "\n", "\r", "\r\n", "\x0b", "\x0c",
                    "\x1c", "\x85", "\u2028", "\u2029", " ", "\t"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(DIRECTIVE_PIECES), max_size=12).map("".join))
def test_directive_only_equals_the_line_by_line_reading(chunk: str) -> None:
    from kcompat.sources.yaml_stream import _is_directive_only

    assert _is_directive_only(chunk) == _directive_only_reference(chunk)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="[]{}a \n", max_size=60))
def test_flow_depth_is_the_deepest_running_count(text: str) -> None:
    from kcompat.sources.yaml_stream import _flow_depth

    depth = deepest = 0
    for char in text:
        if char in "[]{}":
            depth += 1 if char in "[{" else -1
            deepest = max(deepest, depth)
    assert _flow_depth(text) == deepest
