"""The one list of hostile names every output test feeds to every writer, and the checks of each format.

A name (object, namespace, label value, file, audit-log user or user agent) must never forge a line
GitHub Actions executes, reach a terminal as a raw control character, open or close Markdown
syntax, end a Mermaid label or block, break a DOT string, start a spreadsheet formula or make
XML/JSON invalid. JSON and SARIF keep the real value.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from markdown_it import MarkdownIt

HOSTILE: tuple[str, ...] = (
    "web\n::error file=x::forged",
    "::add-mask::secret",
    "\x1b[31mred\x1b[0m",
    "car\rriage",
    "pi|pe",
    "back`tick``s",
    "```",
    "--> end",
    "<!-- hide",
    "# heading",
    "![img](http://x)",
    '"]',
    "semi;colon",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(1)",
    "-2+3",
    "bell\x07del\x7fnel\x85vt\x0b",
    "tab\tcell",
    "%0A::warning::percent",
    "##[error]legacy",
    "rtl\u202eeman.yaml",
    "long-" + "x" * 300,
)

# C0/C1 controls, DEL and the bidi/line-separator controls: never raw in text or GitHub output.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ANNOTATION = re.compile(r"^::(error|warning|notice) [^:]*::")


def file_name(name: str, index: int) -> str:
    """A file name carrying the hostile text, as far as a POSIX file system allows (no `/`, 255 bytes)."""
    return f"{index:02d}-{name.replace('/', '_')}"[:120] + ".yaml"


def assert_plain(out: str, annotations: int = 0) -> None:
    """Text or GitHub output: no raw control character, no line the runner would take for a
    workflow command except exactly `annotations` kcompat annotations."""
    match = RAW_CONTROL.search(out)
    assert match is None, f"raw control {match.group()!r} in {out[max(0, match.start() - 60):match.end() + 20]!r}"
    commands = [line for line in out.split("\n") if line.lstrip().startswith(("::", "##["))]
    forged = [line for line in commands if not ANNOTATION.match(line)]
    assert not forged, forged[:3]
    assert len(commands) == annotations, (len(commands), annotations)


def _plain_text(token: Any) -> str:
    """The heading's words outside code spans: where an injected `# heading` would show."""
    return "".join(child.content for child in token.children or [] if child.type == "text")


def assert_markdown(out: str, fences: dict[str, int] | None = None) -> None:
    """Markdown output: no raw control character, no image, link, raw HTML other than kcompat's
    `<br>`, no heading from the input, table rows as wide as their header, and exactly the fenced
    blocks kcompat writes (info string -> count), each holding only what kcompat put there."""
    assert RAW_CONTROL.search(out.replace("\t", " ")) is None
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    seen: dict[str, int] = {}
    header_cells = row_cells = 0
    for token in tokens:
        if token.type == "fence":
            seen[token.info] = seen.get(token.info, 0) + 1
            if token.info == "mermaid":
                assert_mermaid(token.content.rstrip("\n"))
        assert token.type != "html_block", token.content
        if token.type == "inline":
            for child in token.children or []:
                assert child.type not in ("image", "link_open"), child
                assert child.type != "html_inline" or child.content == "<br>", child.content
        if token.type == "thead_open":
            header_cells, row_cells = -1, 0
        if token.type == "tr_open":
            row_cells = 0
        if token.type in ("th_open", "td_open"):
            row_cells += 1
        if token.type == "tr_close":
            if header_cells == -1:
                header_cells = row_cells
            assert row_cells == header_cells, "a table row has more cells than its header"
    headings = [_plain_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not [h for h in headings if "heading" in h or "img" in h], headings
    assert seen == (fences or {}), seen


_MERMAID_LINE = re.compile(
    r'^  (?:(?:n|u)\d+(?:\(\[|\[\(|\[/|\(\(|\{\{|\[|>)'
    r'"(?:[^"`;%#\n]|#(?:quot|\d+);)*"(?:\]\)|\)\]|/\]|\)\)|\}\}|\])(?::::unresolved)?'
    r"|(?:n|u)\d+ -\.?->\|[a-z -]+\| (?:n|u)\d+"
    r"|classDef unresolved .*)$")


def assert_mermaid(text: str) -> None:
    """Mermaid from `graph -o mermaid`: the header, then only node, edge and classDef lines whose
    labels carry no quote, backtick, `;`, `#` or `%` but in entity codes."""
    lines = text.split("\n")
    assert lines[0] == "flowchart LR", lines[0]
    bad = [line for line in lines[1:] if not _MERMAID_LINE.match(line)]
    assert not bad, bad[:3]


_DOT_STRING = r'"(?:[^"\\\n]|\\.)*"'
_DOT_LINE = re.compile(
    rf"^(digraph kcompat \{{|  rankdir=LR;|  node \[fontname=Helvetica\];|\}}"
    rf"|  (?:{_DOT_STRING}|unresolved\d+)(?: -> (?:{_DOT_STRING}|unresolved\d+))? \[.*\];)$")


def assert_dot(text: str) -> None:
    """DOT: every line a statement kcompat writes, strings closed on their line, no raw controls."""
    assert RAW_CONTROL.search(text) is None
    bad = [line for line in text.rstrip("\n").split("\n") if not _DOT_LINE.match(line)]
    assert not bad, bad[:3]
    for line in text.split("\n")[3:-1]:
        rest = re.sub(_DOT_STRING, "S", line)
        assert '"' not in rest, line


def assert_csv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_START), value
    return rows


def assert_xml(text: str) -> ET.Element:
    return ET.fromstring(text.encode())


def strings_in(data: Any) -> set[str]:
    """Every string (keys and values) in parsed JSON."""
    found: set[str] = set()
    if isinstance(data, str):
        found.add(data)
    elif isinstance(data, dict):
        for key, value in data.items():
            found.add(str(key))
            found |= strings_in(value)
    elif isinstance(data, list):
        for value in data:
            found |= strings_in(value)
    return found


def assert_json_keeps(text: str, names: tuple[str, ...] | list[str]) -> Any:
    """Valid JSON that carries every name exactly (the serializer escapes, nothing else)."""
    data = json.loads(text)
    strings = strings_in(data)
    missing = [name for name in names if name not in strings]
    assert not missing, missing
    return data
