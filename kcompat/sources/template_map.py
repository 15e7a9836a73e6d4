"""Map findings on generated YAML (Helm output, Kustomize builds) back to the files people edit.

Helm: a rendered document carries its template in a `# Source: CHART/templates/x.yaml` comment
(kept as `Origin.template`). The line inside the template is found by a text heuristic, because
Go templates have no source map:

1. The finding's line in the rendered output is read, e.g. `apiVersion: policy/v1beta1`, giving a
   key (`apiVersion`) and a value (`policy/v1beta1`).
2. Template lines declaring the same key (`^\\s*(- )?apiVersion:`) are candidates.
3. Candidates whose written value equals the rendered value (quotes ignored) win ("literal"):
   this picks the right branch of `{{ if }} apiVersion: a {{ else }} apiVersion: b {{ end }}`.
   Otherwise candidates that contain `{{` ("templated") are used, then any candidate ("key").
4. When several candidates remain, the k-th is taken where k counts how often the same rendered
   line already occurred in earlier documents from the same template (role.yaml with two Roles).
5. No candidate: the finding names the template without a line.

The rendered position is kept in `Finding.details["rendered"]`, and how the template line was
found in `details["template_line"]` ("literal", "templated", "key" or "none").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kcompat.core.model import Finding, Origin
from kcompat.sources.documents import Document

_KEY_LINE = re.compile(r"^\s*(?:-\s+)?(?P<key>[\"']?[A-Za-z0-9_.\-/]+[\"']?)\s*:(?:\s+(?P<value>.*?))?\s*$")
_SOURCE = re.compile(r"^#\s*Source:\s*(\S[^\r\n]*?)\s*$", re.MULTILINE)


def _strip_quotes(text: str) -> str:
    text = text.strip()
    if "#" in text and not text.startswith(("'", '"')):
        text = text.split(" #", 1)[0].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def key_value(line: str) -> tuple[str, str] | None:
    match = _KEY_LINE.match(line)
    if match is None:
        return None
    return _strip_quotes(match.group("key")), _strip_quotes(match.group("value") or "")


@dataclass(frozen=True)
class TemplateLine:
    line: int | None
    column: int | None
    how: str


def find_in_template(template_text: str, key: str, value: str, ordinal: int = 0) -> TemplateLine:
    """The line (1-based) in a template that writes `key: value`, by the heuristic above."""
    literal: list[tuple[int, int]] = []
    templated: list[tuple[int, int]] = []
    other: list[tuple[int, int]] = []
    for number, text in enumerate(template_text.splitlines(), start=1):
        found = key_value(text)
        if found is None or found[0] != key:
            continue
        column = len(text) - len(text.lstrip(" -")) + 1
        if found[1] == value:
            literal.append((number, column))
        elif "{{" in text:
            templated.append((number, column))
        else:
            other.append((number, column))
    for how, candidates in (("literal", literal), ("templated", templated), ("key", other)):
        if candidates:
            line, column = candidates[min(ordinal, len(candidates) - 1)]
            return TemplateLine(line, column, how)
    return TemplateLine(None, None, "none")


def _source_of_lines(stream_lines: list[str]) -> list[str | None]:
    """For each line of a rendered stream, the `# Source:` template it belongs to."""
    current: str | None = None
    owners: list[str | None] = []
    for text in stream_lines:
        if text.startswith("---"):
            current = None
        match = _SOURCE.match(text)
        if match:
            current = match.group(1)
        owners.append(current)
    return owners


@dataclass
class RenderedStream:
    """One rendered stream and how to reach its templates' text."""

    text: str
    template_text: Callable[[str], str | None]
    """Source path from `# Source:` (CHART/templates/x.yaml) -> template text, or None."""
    template_path: Callable[[str], tuple[str, str]]
    """Source path -> (path to show, chart-relative template path)."""

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()
        self.owners = _source_of_lines(self.lines)

    def document_in_template(self, line: int) -> int | None:
        """0-based index, among the documents rendered from the same template, of the one at line."""
        owner = self.owners[line - 1] if 0 < line <= len(self.owners) else None
        if owner is None:
            return None
        headers = sum(1 for index in range(line) if self.owners[index] == owner
                      and _SOURCE.match(self.lines[index]))
        return max(headers - 1, 0)


def map_helm_findings(findings: Iterable[Finding], streams: dict[str, RenderedStream]) -> list[Finding]:
    """Point findings on rendered Helm output at their template file and line."""
    return [_map_one(finding, streams.get(finding.origin.path)) for finding in findings]


def _map_one(finding: Finding, stream: RenderedStream | None) -> Finding:
    origin = finding.origin
    if stream is None or origin.template is None:
        return finding
    shown, relative = stream.template_path(origin.template)
    rendered = {"path": origin.path, "document": origin.document, "line": origin.line,
                "column": origin.column}
    how = TemplateLine(None, None, "none")
    text = stream.template_text(origin.template)
    if text is not None and origin.line is not None and 0 < origin.line <= len(stream.lines):
        found = key_value(stream.lines[origin.line - 1])
        if found is not None:
            rendered_line = stream.lines[origin.line - 1].strip()
            ordinal = sum(1 for index in range(origin.line - 1)
                          if stream.owners[index] == origin.template
                          and stream.lines[index].strip() == rendered_line)
            how = find_in_template(text, found[0], found[1], ordinal)
    details = {**finding.details, "rendered": rendered, "template_line": how.how}
    document = stream.document_in_template(origin.line) if origin.line is not None else None
    new_origin = Origin(shown, document, how.line, how.column, relative)
    return finding._replace(origin=new_origin, details=details)


def field_path_at_line(document: Document, line: int) -> tuple[str | int, ...] | None:
    """The field path whose key (or sequence item) starts on `line` (1-based, in the stream)."""
    from yaml.nodes import MappingNode, SequenceNode

    if document.node is None:
        return None
    target = line - 1 - document.line_offset
    stack: list[tuple[object, tuple[str | int, ...]]] = [(document.node, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                key_path = (*path, str(key.value))
                if key.start_mark.line == target:
                    return key_path
                if value.start_mark.line <= target <= value.end_mark.line:
                    stack.append((value, key_path))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                if item.start_mark.line <= target <= item.end_mark.line:
                    stack.append((item, (*path, index)))
    return None
