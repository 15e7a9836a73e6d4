"""Rewrite one file's text: round-trip only the documents that change, splice them back.

What to migrate comes from the engine: a file checked by kcompat.engine.run (run_files, or
check_text for text in memory) brings its documents, as the engine parsed them with positions, and
each object with the engine's findings; the objects with a fixable finding (core/rules.py) that is
not suppressed are migrated. The text is split into documents exactly where the engine's reader
splits it (a line starting with `---`, a directives-only chunk joined to the next), so every
document that needs no change is copied byte for byte. A document that changes is parsed with
ruamel.yaml's round-trip loader, migrated, dumped with the indentation detected in it, and
verified: the dumped text must load (with the same PyYAML loader `kcompat check` uses) to exactly
the data the migration expects, and checked again by the engine it must no longer raise a
removed/deprecated finding. Otherwise it is left as it was and reported.
"""

from __future__ import annotations

import bisect
import copy
import difflib
import functools
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from kcompat.catalog.fix_routes import Route, route
from kcompat.checks.api_lifecycle import check_api
from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding
from kcompat.core.rules import PARSE_ERROR, RULES, SCHEMA
from kcompat.engine.pipeline import Check, CheckedFile, CheckedObject
from kcompat.engine.run import check_text
from kcompat.fix.migrations import MIGRATIONS, ManualWork
from kcompat.sources.documents import Document
from kcompat.sources.k8s_yaml import load_document
from kcompat.sources.resources import Resource
from kcompat.sources.yaml_stream import DocumentSpan, document_spans, split_end_marker

FIXED_RULES = frozenset(rule.id for rule in RULES.values() if rule.fixable)
"""The rules whose findings fix migrates (declared `fixable` in the registry)."""


@dataclass(frozen=True)
class Change:
    line: int
    kind: str
    name: str | None
    old: str
    new: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something fix did not change that still needs a human."""

    line: int | None
    message: str
    blocking: bool = True
    """True when a removed/deprecated-at-error finding stays (exit code 1)."""


@dataclass
class TextFix:
    text: str
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


# The same document boundaries as `kcompat check` (kcompat.sources.yaml_stream).
Span = DocumentSpan
split_spans = document_spans


# ---------------------------------------------------------------- which objects need a change


@dataclass(frozen=True)
class Target:
    resource: Resource
    route: Route
    line: int


def _walk(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _line(resource: Resource, first_line: int) -> int:
    return resource.origin_of(("apiVersion",)).line or first_line + 1


def _plan(objects: Sequence[CheckedObject], context: CheckContext, first_line: int, result: TextFix) -> list[Target]:
    """The objects of one document to migrate: those with an unsuppressed fixable finding of the engine."""
    targets: list[Target] = []
    for checked in objects:
        resource = checked.resource
        findings = [f for f in checked.findings if f.rule in FIXED_RULES and not f.suppressed]
        if not findings:
            continue
        found = route(resource.api_version, resource.kind, context.target)
        line = _line(resource, first_line)
        if found is None:
            api = context.catalog.lookup(resource.api_version, resource.kind)
            hints = " ".join(api.migration) if api is not None and api.migration else ""
            message = findings[0].message.rstrip(".")
            if hints and api is not None and api.migration[0].rstrip(".").lower() not in message.lower():
                message += f". {hints.rstrip('.')}"
            message += "; not rewritten"
            blocking = any(f.severity.name == "ERROR" for f in findings)
            result.problems.append(Problem(line, message, blocking))
            continue
        targets.append(Target(resource, found, line))
    return targets


# ---------------------------------------------------------------- the round trip


def detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) for ruamel.yaml, as the document itself indents."""
    lines = [(len(ln) - len(ln.lstrip(" ")), ln.strip()) for ln in text.splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    maps: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    for (indent, content), (next_indent, next_content) in itertools.pairwise(lines):
        opener = content[2:] if content.startswith("- ") else content
        parent = indent + 2 if content.startswith("- ") else indent
        if not re.fullmatch(r"[^\s:#'\"][^:#]*:|['\"][^'\"]*['\"]:", opener):
            continue
        if next_content.startswith("- ") or next_content == "-":
            offsets[next_indent - parent] += 1
        elif next_indent > parent:
            maps[next_indent - parent] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    offset = offsets.most_common(1)[0][0] if offsets else 0
    return mapping, offset + 2, offset


def _ruamel(indent: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    handler = YAML(typ="rt")
    handler.Constructor, handler.Representer = _timestamp_as_text()
    handler.preserve_quotes = True
    handler.width = 4096
    mapping, sequence, offset = indent
    handler.indent(mapping=mapping, sequence=max(sequence, offset + 2), offset=offset)
    return handler


@functools.cache
def _timestamp_as_text() -> tuple[Any, Any]:
    """ruamel.yaml classes that carry an unquoted timestamp through as its exact text.

    Kubernetes keeps such values as strings (see kcompat.sources.k8s_yaml), but ruamel.yaml
    re-emits them from a datetime, changing `12:00:00.10` to `12:00:00.100000` and `t` to `T`.
    """
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.representer import RoundTripRepresenter

    timestamp = "tag:yaml.org,2002:timestamp"

    class TimestampText(str):
        pass

    class Constructor(RoundTripConstructor):
        pass

    class Representer(RoundTripRepresenter):
        pass

    Constructor.add_constructor(timestamp, lambda _, node: TimestampText(node.value))
    Representer.add_representer(TimestampText, lambda rep, data: rep.represent_scalar(timestamp, str(data)))
    return Constructor, Representer


_LEADING = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*")
_TRAILING_BLANK = re.compile(r"(?:\n[ \t]*)+\Z")
_MARKER_LINE = re.compile(r"\A---[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|\Z)")
_ENDING = re.compile(r"(\r\n|\r|\n)")


def _set_api_version(obj: Any, new: str) -> None:
    old = obj["apiVersion"]
    obj["apiVersion"] = type(old)(new) if type(old) is not str and isinstance(old, str) else new


def _apply(obj: Any, target: Target) -> list[str]:
    if not isinstance(obj, dict) or "apiVersion" not in obj:
        raise ManualWork("an item of a typed list without its own apiVersion")
    notes = MIGRATIONS[target.route.migration](obj, target.resource.api_version, target.route.api_version)
    _set_api_version(obj, target.route.api_version)
    return notes


class _Unsafe(Exception):
    pass


def _split_endings(text: str) -> tuple[list[str], list[str]]:
    r"""The lines of text and each one's own ending (\r\n, \r, \n; "" for the last)."""
    parts = _ENDING.split(text)
    return parts[0::2], [*parts[1::2], ""]


def _restore_endings(lines: list[str], endings: list[str], new: str) -> str:
    r"""new (lines ending in \n) with the original endings: an unchanged line keeps its own, a
    changed or added line takes the ending of the line it replaces or follows."""
    counted = Counter(ending for ending in endings if ending)
    usual = counted.most_common(1)[0][0] if counted else "\n"
    if len(counted) <= 1:  # one kind of ending throughout (the usual case): no matching needed
        return new if usual == "\n" else new.replace("\n", usual)
    new_lines = new.split("\n")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset, j in enumerate(range(j1, j2)):
            if j == len(new_lines) - 1:
                ending = ""
            elif tag == "equal":
                ending = endings[i1 + offset] or usual
            elif i2 > i1:
                ending = endings[min(i1 + offset, i2 - 1)] or usual
            else:
                ending = (endings[i1 - 1] if i1 > 0 else endings[0]) or usual
            out.append(new_lines[j] + ending)
    return "".join(out)


def _is_json(core: str) -> bool:
    return core.lstrip().startswith(("{", "["))


def _json_dump(tree: Any, core: str) -> str:
    """tree as JSON laid out like core: its indentation unit (or one line), separators, escapes."""
    lines = core.strip().split("\n")
    indented = next((ln for ln in lines[1:] if ln[:1] in (" ", "\t") and ln.strip()), None)
    ascii_only = "\\u" in core and core.isascii()
    if indented is None:
        item = ", " if re.search(r",[ \t]", core) else ","
        key = ": " if re.search(r":[ \t]", core) else ":"
        return json.dumps(tree, ensure_ascii=ascii_only, separators=(item, key))
    unit = indented[: len(indented) - len(indented.lstrip(" \t"))]
    return json.dumps(tree, ensure_ascii=ascii_only, indent=unit)


def _json_or_none(core: str) -> Any:
    if not _is_json(core):
        return None
    try:
        return json.loads(core)
    except (ValueError, RecursionError):
        return None


def _load_like_check(text: str) -> Any:
    """The data Kubernetes reads from the rewritten text (sigs.k8s.io/yaml; JSON is YAML too)."""
    try:
        return load_document(text)
    except yaml.YAMLError:
        if not _is_json(text):
            raise
        return json.loads(text)


def _round_trip(part: str, data: Any, targets: list[Target]) -> str:
    """Migrate targets inside part (a document's text without marker and end marker)."""
    lines, endings = _split_endings(part)
    work = "\n".join(lines)
    head = _LEADING.match(work)
    prefix = work[: head.end()] if head else ""
    body = work[len(prefix):]
    tail_match = _TRAILING_BLANK.search(body)
    suffix = body[tail_match.start() + 1:] if tail_match else ""
    core = body[: len(body) - len(suffix)]
    if any(ln.startswith("%") for ln in core.splitlines()):
        raise _Unsafe("document has YAML directives")
    json_tree = _json_or_none(core)
    if json_tree is not None:
        # JSON stays JSON: ruamel.yaml would write new keys unquoted and fold the layout into
        # flow style that is YAML, not JSON (kubectl then rejects a .json file).
        for target in targets:
            _apply(_walk(json_tree, target.resource.path), target)
        dumped = _json_dump(json_tree, core)
        if core.endswith("\n"):
            dumped += "\n"
    else:  # YAML, including YAML flow style such as `{apiVersion: v1, kind: X}`
        handler = _ruamel(detect_indent(core))
        tree = handler.load(core)
        for target in targets:
            _apply(_walk(tree, target.resource.path), target)
        dumped = _dump(handler, tree, core)
        merged = keep_untouched_lines(core, _dump(handler, handler.load(core), core), dumped)
        if merged != dumped and _loads_to(merged, data):
            dumped = merged
    if _load_like_check(dumped) != data:  # read back as Kubernetes reads it
        raise _Unsafe("the rewritten document would not load to the expected data")
    return _restore_endings(lines, endings, prefix + dumped + suffix)


def _dump(handler: Any, tree: Any, core: str) -> str:
    out = io.StringIO()
    handler.dump(tree, out)
    dumped = out.getvalue()
    if not core.endswith("\n") and dumped.endswith("\n"):
        dumped = dumped[:-1]
    return dumped


def _loads_to(text: str, data: Any) -> bool:
    try:
        return bool(_load_like_check(text) == data)
    except (yaml.YAMLError, ValueError, RecursionError):
        return False


def _token_char(char: str) -> bool:
    return char.isalnum() or char in "./-_"


def _patch_line(original: str, before: str, after: str) -> str | None:
    """original with the one change that turned before into after (a value replaced), when
    original holds the changed text exactly once; else None."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    # widen to whole tokens so `v1beta1` -> `v1` never patches half a word
    while start > 0 and _token_char(before[start - 1]):
        start -= 1
    while end > 0 and _token_char(before[len(before) - end]):
        end -= 1
    # the whitespace around the change is layout (ruamel realigns a trailing comment): keep the original's
    old, new = before[start:len(before) - end].strip(), after[start:len(after) - end].strip()
    if not old or original.count(old) != 1:
        return None
    return original.replace(old, new)


def keep_untouched_lines(original: str, baseline: str, dumped: str) -> str:
    """dumped, with every line the migration did not touch taken from the original byte for byte.

    ruamel.yaml re-emits a whole document in its own layout (flow sequences respaced, comments
    realigned, siblings re-indented). baseline is the unmigrated document dumped the same way, so
    baseline -> dumped is exactly what the migration changed, and original <-> baseline is only
    layout: a region of the original whose baseline lines the migration left alone is copied as
    it was; a changed line whose layout differs has its changed value patched into the original
    line where that is unambiguous; anything else comes from dumped. The caller verifies that the
    result loads to the migrated data (else dumped is used).
    """
    old, base, new = original.split("\n"), baseline.split("\n"), dumped.split("\n")
    kept = [False] * len(base)
    at: dict[int, list[str]] = {}
    before: dict[int, list[str]] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, base, new, autojunk=False).get_opcodes():
        if tag == "equal":
            kept[i1:i2] = [True] * (i2 - i1)
        elif tag == "insert":
            before.setdefault(i1, []).extend(new[j1:j2])
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                at[i1 + offset] = [new[j1 + offset]]
        elif tag == "replace":
            at[i1] = new[j1:j2]
    out: list[str] = []

    def emit(b: int, original_line: str | None) -> None:
        out.extend(before.get(b, []))
        if kept[b]:
            if original_line is not None:
                out.append(original_line)
            return
        lines = at.get(b, [])
        if original_line is not None and len(lines) == 1:
            patched = _patch_line(original_line, base[b], lines[0])
            out.append(patched if patched is not None else lines[0])
        else:
            out.extend(lines)

    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, base, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and a2 - a1 == b2 - b1):
            for offset in range(b2 - b1):
                emit(b1 + offset, old[a1 + offset])
        elif tag == "delete":
            out.extend(old[a1:a2])
        elif all(kept[b1:b2]) and not any(before.get(b) for b in range(b1, b2)):
            out.extend(old[a1:a2])  # layout only: the original's text
        else:
            for b in range(b1, b2):
                emit(b, None if not kept[b] else base[b])
    out.extend(before.get(len(base), []))
    return "\n".join(out)


def fix_text(text: str, path: str, context: CheckContext) -> TextFix:
    """fix_checked of text in memory, checked by the engine (kcompat.engine.run.check_text)."""
    return fix_checked(check_text(text, path, context, FIX_CHECKS), context)


FIX_CHECKS: tuple[Check, ...] = (check_api,)
"""What fix needs of the engine: the lifecycle findings (removed-api, deprecated-api)."""


def fix_checked(checked: CheckedFile, context: CheckContext) -> TextFix:
    """The text of a file the engine checked, with every object migrated whose engine findings say it
    must be and fix can: the engine's documents (by where they start) and per-object findings decide,
    nothing is parsed again except the rewritten documents (to verify them)."""
    loaded = checked.input
    assert loaded.text is not None, "a file kept by the engine with its text"
    text = loaded.text
    result = TextFix(text)
    spans = split_spans(text)
    starts = [span.first_line for span in spans]
    documents = {document.line_offset: document for document in loaded.documents}
    objects: dict[int, list[CheckedObject]] = {}
    for found in checked.objects:
        objects.setdefault(found.resource.document.line_offset, []).append(found)
    unparsed: dict[int, Finding] = {}
    for finding in loaded.findings:
        if finding.rule == PARSE_ERROR:
            at = starts[max(bisect.bisect_right(starts, (finding.origin.line or 1) - 1) - 1, 0)]
            unparsed.setdefault(at, finding)
    pieces: list[str] = []
    for span in spans:
        chunk = text[span.start:span.end]
        pieces.append(_fix_chunk(chunk, span, documents.get(span.first_line), objects.get(span.first_line, []),
                                 unparsed.get(span.first_line), loaded.path, context, result))
    result.text = "".join(pieces)
    return result


def _fix_chunk(chunk: str, span: Span, document: Document | None, objects: list[CheckedObject],
               problem: Finding | None, path: str, context: CheckContext, result: TextFix) -> str:
    if "apiVersion" not in chunk:
        return chunk
    if problem is not None:
        # it mentions apiVersion and could not be read: it may hold a removed API (exit 1)
        result.problems.append(Problem(problem.origin.line or span.first_line + 1,
                                       f"cannot parse this document ({problem.message}); not checked or fixed"))
        return chunk
    if document is None:
        return chunk
    parsed_part, end_tail = split_end_marker(chunk)
    targets = _plan(objects, context, span.first_line, result)
    if not targets:
        return chunk
    marker = _MARKER_LINE.match(parsed_part) if parsed_part.startswith("---") else None
    if parsed_part.startswith("---") and marker is None:
        for target in targets:
            result.problems.append(Problem(target.line, "content on the `---` line; not rewritten"))
        return chunk
    head = marker.group() if marker else ""
    expected = copy.deepcopy(document.data)
    ready: list[Target] = []
    notes: dict[int, list[str]] = {}
    for index, target in enumerate(targets):
        obj = copy.deepcopy(_walk(expected, target.resource.path))
        try:
            notes[index] = _apply(obj, target)
        except ManualWork as work:
            result.problems.append(Problem(target.line, f"{_describe(target)}: {work}; not rewritten"))
            continue
        except Exception as error:  # a migration that trips on an odd shape leaves the document alone
            from kcompat.engine.pipeline import describe_crash

            result.problems.append(Problem(target.line, f"{_describe(target)}: internal error, please report it "
                                           f"({describe_crash(error)}); not rewritten"))
            continue
        _replace(expected, target.resource.path, obj)
        ready.append(target)
    if not ready:
        return chunk
    try:
        new_part = _round_trip(parsed_part[len(head):], expected, ready)
    except _Unsafe as error:
        for target in ready:
            result.problems.append(Problem(target.line, f"{_describe(target)}: {error}; not rewritten"))
        return chunk
    except Exception as error:  # ruamel.yaml raises many types on odd input
        for target in ready:
            result.problems.append(Problem(target.line, f"{_describe(target)}: cannot round-trip this document "
                                           f"({type(error).__name__}); not rewritten"))
        return chunk
    new_chunk = head + new_part + end_tail
    remaining, invalid = _recheck(new_chunk, path, context)
    if remaining:
        for target in ready:
            result.problems.append(Problem(target.line, f"{_describe(target)}: still flagged after rewriting "
                                           f"({remaining[0]}); not rewritten"))
        return chunk
    for message in invalid:
        result.problems.append(Problem(ready[0].line, f"after the rewrite: {message}"))
    for index, target in enumerate(targets):
        if target in ready:
            resource = target.resource
            result.changes.append(Change(target.line, resource.kind, resource.name, resource.api_version,
                                         target.route.api_version, tuple(notes.get(index, []))))
    return new_chunk


def _replace(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    if not path:
        data.clear()
        data.update(value)
        return
    _walk(data, path[:-1])[path[-1]] = value


def _recheck(text: str, path: str, context: CheckContext) -> tuple[list[str], list[str]]:
    """Lifecycle findings (the rewrite is refused) and schema errors (reported) of rewritten text,
    as the engine checks it."""
    from kcompat.checks.schema_rules import check_schema

    checks: tuple[Check, ...] = FIX_CHECKS if context.schema is None else (*FIX_CHECKS, check_schema)
    checked = check_text(text, path, context, checks)
    lifecycle = [f.message for f in checked.input.findings if f.rule == PARSE_ERROR]
    schema: list[str] = []
    for found in checked.objects:
        lifecycle.extend(f.message for f in found.findings if f.rule in FIXED_RULES and not f.suppressed)
        schema.extend(f"{f.rule}: {f.message}" for f in found.findings if f.rule == SCHEMA)
    return lifecycle, schema


def _describe(target: Target) -> str:
    resource = target.resource
    name = f" {resource.name}" if resource.name else ""
    return f"{resource.api_version} {resource.kind}{name}"
