"""Split a YAML/JSON stream into documents that keep their node positions.

Each document is parsed on its own, so a syntax error in one document becomes a
`parse-error` finding for that document while the others are still checked. PyYAML's
libyaml-backed parser is used for speed; its node marks give line and column. Scalars are
resolved and built as Kubernetes does (kcompat.sources.k8s_yaml).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kcompat.core import limits
from kcompat.core.model import Origin
from kcompat.core.records import Record
from kcompat.sources.documents import Document
from kcompat.sources.k8s_yaml import KubernetesLoader

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

# A line starting with "---" followed by white space or the end of the line always starts
# a new document (YAML 1.2, 9.1.3), even inside a scalar, so splitting on it is exact.
# The markers, `# Source:` comments and deep leading runs are found with `str.find` loops that
# jump from line start to line start (see _line_starts): a MULTILINE `^` pattern makes the regular
# expression engine try every character, which took 0.25 s a run on 19 MB of CRDs. Each loop below
# names the pattern it stands for (tests/unit/sources/test_yaml_scans.py checks them equal).
_HELM_SOURCE = re.compile(r"^#\s*Source:\s*(\S[^\r\n]*?)\s*$", re.MULTILINE)
_IGNORE = re.compile(r"#\s*kcompat:\s*ignore(?:\s*=\s*([A-Za-z0-9_,\- ]+))?")
# Block nesting is bounded by how far a line's content starts (indentation plus compact
# indicators such as `- - - x`), so a long leading run is what can make a document deep.
_WALK_TRIGGER = 128
_DEEP_RUN = re.compile(rf"[ \t\-?:]{{{_WALK_TRIGGER}}}")
_DEEP_LINE = re.compile(rf"\n[ \t\-?:]{{{_WALK_TRIGGER}}}")
# libyaml's composer recurses in C; beyond some thousands of levels it can crash the process,
# so such documents are refused before parsing.
_UNSAFE_LEADING_RUN = re.compile(r"^[ \t\-?:]{4096,}", re.MULTILINE)
_BRACKETS = re.compile(r"[\[\]{}]")
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)
# A line with content other than a `---` marker: then a chunk is more than a marker.
_OTHER_CONTENT = re.compile(r"^(?!---[ \t\r]*$)[ \t]*[^\s#]", re.MULTILINE)
# An anchor (`&name`) and an alias (`*name`) can only start a node: at a line start or after
# white space, `[`, `{` or `,` (anchor), after `- `, `: `, `? `, `[`, `{` or `,` (alias). A text
# with either missing cannot expand, so the walk below is skipped (a `*` in `"*.example.com"`).
# The two functions below are written as `find` loops: on large CRDs with `&&` in CEL rules the
# equivalent regular expressions took longer than the walk they save (checked equal on 209k texts).


def _has_anchor(text: str) -> bool:
    r"""re.search(r"(?:^|[\s\[{,])&[^\s\[\]{},]", text) is not None."""
    index = text.find("&")
    while index != -1:
        before = text[index - 1] if index else ""
        after = text[index + 1: index + 2]
        if (not before or before.isspace() or before in "[{,") and after and not (
                after.isspace() or after in "[]{},"):
            return True
        index = text.find("&", index + 1)
    return False


def _has_alias(text: str) -> bool:
    r"""re.search(r"(?:^|[\[{,]|[-:?][ \t])[ \t]*\*", text, re.MULTILINE) is not None."""
    index = text.find("*")
    while index != -1:
        start = index
        while start and text[start - 1] in " \t":
            start -= 1
        before = text[start - 1] if start else "\n"
        if before == "\n" or before in "[{," or (start < index and before in "-:?"):
            return True
        index = text.find("*", index + 1)
    return False


def _line_starts(text: str, marker: str) -> Iterator[int]:
    """Where marker begins a line of text, in order."""
    if text.startswith(marker):
        yield 0
    needle = "\n" + marker
    index = text.find(needle)
    while index != -1:
        yield index + 1
        index = text.find(needle, index + 1)


def _document_starts(text: str) -> Iterator[int]:
    r"""m.start() for m in re.finditer(r"^---(?=[ \t\r\n]|$)", text, re.MULTILINE)."""
    size = len(text)
    for index in _line_starts(text, "---"):
        if index + 3 == size or text[index + 3] in " \t\r\n":
            yield index


def _document_end(text: str) -> int | None:
    r"""The start of re.search(r"^\.\.\.(?=[ \t\r]*$)", text, re.MULTILINE), or None."""
    for index in _line_starts(text, "..."):
        end = text.find("\n", index + 3)
        if not text[index + 3: len(text) if end == -1 else end].strip(" \t\r"):
            return index
    return None


def _helm_source(text: str) -> str | None:
    r"""group 1 of re.search(r"^#\s*Source:\s*(\S[^\r\n]*?)\s*$", text, re.MULTILINE), or None.

    Every match has "Source:" as the first non-space text after its `#`, so the `#` before each
    "Source:" (in order) is the only place a match can start."""
    index = text.find("Source:")
    while index != -1:
        start = index
        while start and text[start - 1].isspace():
            start -= 1
        if start and text[start - 1] == "#":
            match = _HELM_SOURCE.match(text, start - 1)
            if match is not None:
                return match.group(1)
        index = text.find("Source:", index + 1)
    return None


def _has_deep_line(text: str) -> bool:
    r"""re.search(r"^[ \t\-?:]{128,}", text, re.MULTILINE) is not None: a line whose content starts
    128 or more characters in (a literal `\n` lets the engine skip to line starts)."""
    return _DEEP_RUN.match(text) is not None or _DEEP_LINE.search(text) is not None


# Values are read as Kubernetes reads them (go-yaml v2 via sigs.k8s.io/yaml): see k8s_yaml.
ManifestLoader = KubernetesLoader


class ParseProblem(Record):
    __slots__ = ("message", "origin")

    def __init__(self, origin: Origin, message: str) -> None:
        self.origin: Final[Origin] = origin
        self.message: Final[str] = message


class _Chunk(Record):
    __slots__ = ("first_line", "text")

    def __init__(self, text: str, first_line: int) -> None:
        self.text: Final[str] = text
        self.first_line: Final[int] = first_line


class DocumentSpan(Record):
    """Where one document's text lies in a stream (end exclusive; first_line 0-based)."""

    __slots__ = ("end", "first_line", "start")

    def __init__(self, start: int, end: int, first_line: int) -> None:
        self.start: Final[int] = start
        self.end: Final[int] = end
        self.first_line: Final[int] = first_line


def document_spans(text: str) -> list[DocumentSpan]:
    """Spans covering the whole text, one per document; a directives-only part (`%YAML 1.2`)
    is joined to the document it precedes. `kcompat fix` splits files at exactly these places."""
    starts = [0] + [start for start in _document_starts(text) if start > 0]
    spans: list[DocumentSpan] = []
    pending: tuple[int, int] | None = None  # start and first line of a directives-only part
    line = 0  # counted as we go: counting from the top for every span would be quadratic
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        begin, first_line = pending if pending is not None else (start, line)
        line += text.count("\n", start, end)
        if end != len(text) and _is_directive_only(text[begin:end]):
            pending = (begin, first_line)
            continue
        pending = None
        spans.append(DocumentSpan(begin, end, first_line))
    return spans


def split_end_marker(chunk: str) -> tuple[str, str]:
    """A document's text before its `...` end marker, and the marker with whatever follows."""
    marker = _document_end(chunk)
    return (chunk[:marker], chunk[marker:]) if marker is not None else (chunk, "")


_PERCENT_LINES = tuple(f"{brk}%" for brk in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
"""`%` at the start of a line, for every line break of str.splitlines."""


def _is_directive_only(chunk: str) -> bool:
    if "%" not in chunk:
        return False
    if not chunk.startswith("%") and not any(needle in chunk for needle in _PERCENT_LINES):
        return False  # no line starts with `%` (CRDs say "50%" in descriptions: no need to split them)
    lines = [ln for ln in chunk.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(lines) and all(ln.startswith("%") for ln in lines)


def _merged_chunks(text: str) -> Iterator[_Chunk]:
    for span in document_spans(text):
        yield _Chunk(split_end_marker(text[span.start:span.end])[0], span.first_line)


_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _flow_depth(text: str) -> int:
    """The deepest running count of opening minus closing brackets (0 at least), in C loops."""
    return max(0, max(itertools.accumulate(map(_BRACKET_STEP.__getitem__, _BRACKETS.findall(text))), default=0))


def _refusal_before_parse(text: str, deep_line: bool, brackets: int) -> str | None:
    """deep_line: whether _has_deep_line(text) (a leading run of 4096 is also one of 128); brackets:
    how many `[` and `{` the text holds (counted once for both checks)."""
    too_deep = f"document nests deeper than {limits.MAX_DEPTH} levels; refused"
    if brackets > limits.MAX_DEPTH and _flow_depth(text) > limits.MAX_DEPTH:
        return too_deep
    if deep_line and _UNSAFE_LEADING_RUN.search(text):
        return too_deep
    return None


def _refusal_after_parse(node: Node, text: str, deep_line: bool, brackets: int) -> str | None:
    """Exact depth, alias-expansion and scalar-size checks, run only when a cheap scan says they may matter."""
    if len(text) > limits.MAX_SCALAR_BYTES:
        refusal = _long_scalar(node)
        if refusal:
            return refusal
    may_be_deep = deep_line or brackets > _WALK_TRIGGER
    may_expand = "&" in text and "*" in text and _has_anchor(text) and _has_alias(text)
    if not (may_be_deep or may_expand):
        return None
    if _within_limits(node):
        return None  # the exact walk below would find nothing; it also words the refusal when one is due
    expanded: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    open_subtrees: set[int] = set()
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if key in expanded:
            continue
        children = _children(current)
        if not children_done and children:
            if key in open_subtrees:  # reached again from inside its own subtree
                return "document contains a recursive YAML alias (a node that contains itself); refused"
            open_subtrees.add(key)
            stack.append((current, True))
            stack.extend((child, False) for child in children if id(child) not in expanded)
            continue
        open_subtrees.discard(key)
        expanded[key] = 1 + sum(expanded.get(id(child), 1) for child in children)
        depth_of[key] = 1 + max((depth_of.get(id(child), 1) for child in children), default=0)
        if expanded[key] > limits.MAX_EXPANDED_NODES:
            return (f"document expands to more than {limits.MAX_EXPANDED_NODES:,} nodes "
                    "through YAML aliases; refused")
        if depth_of[key] > limits.MAX_DEPTH:
            return f"document nests deeper than {limits.MAX_DEPTH} levels; refused"
    return None


def _within_limits(node: Node) -> bool:
    """Depth and node count within the limits, counting a node once for every path that reaches it
    (aliases expanded): a plain walk level by level, a fraction of the cost of the exact walk of
    _refusal_after_parse. True proves that walk would find nothing: a node that contains itself has
    endless paths (the count passes the limit), and the count and the depth here are its expanded
    size and depth of the root. CRDs with long descriptions full of brackets, and with `&&` and `*`
    in their CEL rules, take this path."""
    mapping, sequence = MappingNode, SequenceNode
    pairs = itertools.chain.from_iterable
    most = limits.MAX_EXPANDED_NODES
    level: list[Node] = [node]
    depth = count = 0
    while level:
        depth += 1
        count += len(level)
        if depth > limits.MAX_DEPTH or count > most:
            return False
        below: list[Node] = []
        extend = below.extend
        for current in level:
            if isinstance(current, mapping):
                extend(pairs(current.value))
            elif isinstance(current, sequence):
                extend(current.value)
            else:
                continue
            if count + len(below) > most:  # before the next level grows without bound (aliases)
                return False
        level = below
    return True


def _long_scalar(node: Node) -> str | None:
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ScalarNode) and len(current.value) > limits.MAX_SCALAR_BYTES:
            size = limits.MAX_SCALAR_BYTES
            shown = f"{size >> 20} MiB" if size >= 1 << 20 else f"{size:,} characters"
            return f"a scalar at line {current.start_mark.line + 1} of the document is longer than {shown}; refused"
        stack.extend(_children(current))
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _merge_rules(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Union of two suppressions, where None is nothing and an empty set is every rule."""
    if a is None or b is None:
        return a if b is None else b
    if not a or not b:
        return frozenset()
    return a | b


def _comment_rules(match: re.Match[str]) -> frozenset[str]:
    if match.group(1) is None:
        return frozenset()
    return frozenset(rule.strip() for rule in match.group(1).split(",") if rule.strip())


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index)
    return line, index - (text.rfind("\n", 0, index) + 1)


def _scalar_spans(node: Node) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    spans = []
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ScalarNode):
            start, end = current.start_mark, current.end_mark
            if (end.line, end.column) > (start.line, start.column):
                spans.append(((start.line, start.column), (end.line, end.column)))
        stack.extend(_children(current))
    return spans


def _last_line(node: Node) -> int:
    """The line of the last character of node's content (end marks of block collections run on to
    the next token, past comments that follow)."""
    last = node.start_mark.line
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ScalarNode) or getattr(current, "flow_style", False):
            end = current.end_mark
            last = max(last, end.line - (1 if end.column == 0 and end.line > current.start_mark.line else 0))
        else:
            stack.extend(_children(current))
    return last


def _item_regions(node: Node) -> list[tuple[tuple[str | int, ...], int, int]]:
    """(path, first line, last line) of every item of a `kind: ...List` (nested Lists too): an item
    owns the comment lines just above it and its own lines."""
    regions: list[tuple[tuple[str | int, ...], int, int]] = []
    pending: list[tuple[Node, tuple[str | int, ...]]] = [(node, ())]
    while pending and len(regions) < limits.MAX_EXPANDED_NODES:
        current, path = pending.pop()
        if not isinstance(current, MappingNode):
            continue
        fields = {key.value: (key, value) for key, value in current.value if isinstance(key, ScalarNode)}
        kind = fields.get("kind")
        items = fields.get("items")
        if kind is None or not isinstance(kind[1], ScalarNode) or not str(kind[1].value).endswith("List"):
            continue
        if items is None or not isinstance(items[1], SequenceNode):
            continue
        first = items[0].start_mark.line + 1
        for index, item in enumerate(items[1].value):
            last = max(_last_line(item), item.start_mark.line)
            regions.append(((*path, "items", index), first, last))
            pending.append((item, (*path, "items", index)))
            first = last + 1
    return regions


def _suppressions(text: str, node: Node | None) -> tuple[frozenset[str] | None,
                                                       tuple[tuple[tuple[str | int, ...], frozenset[str]], ...]]:
    """`# kcompat: ignore[=rules]` comments of one document: the rules for the whole document, and
    those for single items of a List. Only real YAML comments count: `#` at the start of a line or
    after white space, outside every scalar (a script in a block scalar may say anything)."""
    whole: frozenset[str] | None = None
    items: dict[tuple[str | int, ...], frozenset[str] | None] = {}
    matches = [m for m in _IGNORE.finditer(text) if m.start() == 0 or text[m.start() - 1] in " \t\r\n"]
    if not matches or node is None:
        return None, ()
    spans = _scalar_spans(node)
    regions = _item_regions(node)
    for match in matches:
        where = _position(text, match.start())
        if any(start <= where < end for start, end in spans):
            continue
        rules = _comment_rules(match)
        owners = [r for r in regions if r[1] <= where[0] <= r[2]]
        if owners:
            path = max(owners, key=lambda r: len(r[0]))[0]
            items[path] = _merge_rules(items.get(path), rules)
        else:
            whole = _merge_rules(whole, rules)
    scoped = tuple((path, rules) for path, rules in items.items() if rules is not None)
    return whole, scoped


def _problem_position(error: yaml.MarkedYAMLError, chunk: _Chunk) -> tuple[int, int]:
    mark = error.problem_mark or error.context_mark
    if error.context_mark is not None and "end of stream" in (error.problem or ""):
        mark = error.context_mark  # where the unclosed construct began is more useful
    if mark is None:
        return chunk.first_line + 1, 1
    return chunk.first_line + mark.line + 1, mark.column + 1


def parse_stream(text: str, path: str) -> Iterator[Document | ParseProblem]:
    """Yield each document of a YAML or JSON stream, or a problem where one does not parse."""
    index = 0
    for chunk in _merged_chunks(text):
        if not _CONTENT.search(chunk.text) or _only_marker(chunk.text):
            continue
        if index >= limits.MAX_DOCUMENTS_PER_FILE:
            yield ParseProblem(Origin(path, index, chunk.first_line + 1, 1),
                               f"more than {limits.MAX_DOCUMENTS_PER_FILE:,} documents; "
                               "the rest of the file was not read")
            return
        yield from _parse_chunk(chunk, path, index)
        index += 1


def _only_marker(text: str) -> bool:
    if _OTHER_CONTENT.search(text) is not None:
        return False
    stripped = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return stripped in (["---"], []) or (len(stripped) == 1 and stripped[0].rstrip() == "---")


def _parse_chunk(chunk: _Chunk, path: str, index: int) -> Iterator[Document | ParseProblem]:
    template = _helm_source(chunk.text)
    start = Origin(path, index, chunk.first_line + 1, 1, template)
    deep_line = _has_deep_line(chunk.text)
    brackets = chunk.text.count("[") + chunk.text.count("{")
    refusal = _refusal_before_parse(chunk.text, deep_line, brackets)
    if refusal:
        yield ParseProblem(start, refusal)
        return
    loader = ManifestLoader(chunk.text)
    try:
        node = loader.get_single_node()
        if node is None:
            return
        refusal = _refusal_after_parse(node, chunk.text, deep_line, brackets)
        if refusal:
            yield ParseProblem(start.at(node.start_mark.line + chunk.first_line + 1, 1), refusal)
            return
        data, unique_keys = loader.construct_checked(node, "&" in chunk.text)
    except yaml.MarkedYAMLError as error:
        fallback = _json_fallback(chunk, path, start)
        if fallback is not None:
            yield fallback
            return
        line, column = _problem_position(error, chunk)
        yield ParseProblem(start.at(line, column), _describe(error))
        return
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        yield ParseProblem(start, f"cannot parse: {error}")
        return
    finally:
        loader.dispose()
    if data is None:
        return
    doc_line = node.start_mark.line + chunk.first_line + 1
    whole, per_item = _suppressions(chunk.text, node)
    yield Document(start.at(doc_line, node.start_mark.column + 1), data, node,
                   chunk.first_line, whole, per_item, unique_keys)


def _json_fallback(chunk: _Chunk, path: str, start: Origin) -> Document | ParseProblem | None:
    """JSON that YAML 1.1 rejects (tabs as indentation, for one) still loads, without positions."""
    stripped = chunk.text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        data = json.loads(chunk.text)
    except json.JSONDecodeError as error:
        return ParseProblem(start.at(chunk.first_line + error.lineno, error.colno),
                            f"invalid JSON: {error.msg}")
    except RecursionError:
        return ParseProblem(start, f"document nests deeper than {limits.MAX_DEPTH} levels; refused")
    return Document(start, data, None, chunk.first_line)  # JSON has no comments


def _describe(error: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return "invalid YAML: " + ("; ".join(parts) if parts else str(error).splitlines()[0])
