"""Rules schema, unknown-field, removed-field and duplicate-key for built-in kinds.

A built-in resource is validated against its kind's schema in the schema version (the
target unless --schema-version says otherwise). Unknown fields are warnings, as the API
server drops them with a warning by default; --strict makes them errors, as
`kubectl --validate=strict` does. A field that an older version's schema had is reported as
removed-field, naming the last version that had it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kcompat.catalog.lifecycle import CLIENT_SIDE_KINDS
from kcompat.checks.api_lifecycle import is_custom
from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding, Origin, Severity
from kcompat.core.rules import (
    DUPLICATE_KEY,
    DUPLICATE_VALUE,
    REMOVED_FIELD,
    SCHEMA,
    SCHEMA_UNAVAILABLE,
    UNKNOWN_FIELD,
    severity_of,
)
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kcompat.schema.validator import Problem

RULES = {rule: severity_of(rule) for rule in (SCHEMA, UNKNOWN_FIELD, REMOVED_FIELD, DUPLICATE_KEY, SCHEMA_UNAVAILABLE,
                                            DUPLICATE_VALUE)}
_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


def field_path(path: tuple[str | int, ...] | list[str | int]) -> str:
    """spec.template.spec.containers[0].ports[0].containerPort; odd keys as ["a.b/c"]."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif _PLAIN_KEY.match(step):
            text += f".{step}" if text else step
        else:
            text += '["' + step.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return text or "(the object)"


def lenient_severity(context: CheckContext) -> Severity:
    """Severity of unknown-field, removed-field and duplicate-key: error only with --strict."""
    settings = context.schema
    return Severity.ERROR if settings is not None and settings.strict else Severity.WARNING


def check_schema(resource: Resource, context: CheckContext) -> Iterator[Finding]:
    settings = context.schema
    if settings is None:
        return
    yield from duplicate_keys(resource, context)
    if (resource.api_version, resource.kind) in CLIENT_SIDE_KINDS or is_custom(resource, context):
        return  # custom resources: kcompat.checks.crd_rules
    from kcompat.catalog.schema_store import StoreError
    from kcompat.schema.builtin import version_schemas
    from kcompat.schema.validator import SchemaError

    minor = settings.version.minor
    try:
        schemas = version_schemas(minor)
        if not schemas.store.has(minor):
            return
        if not schemas.has_kind(resource.api_version, resource.kind):
            return  # not served at this version: api_lifecycle reports it
        problems = schemas.validate(resource.api_version, resource.kind, resource.obj)
    except RecursionError:
        yield Finding("schema", RULES["schema"], f"the object nests too deeply to validate against the "
                      f"{settings.version} schema", resource.origin_of(), resource.ref())
        return
    except (StoreError, SchemaError) as error:
        yield Finding("schema-unavailable", RULES["schema-unavailable"],
                      f"cannot load the {settings.version} schema of {resource.api_version} "
                      f"{resource.kind}: {error}", resource.origin_of(("apiVersion",)), resource.ref())
        return
    if problems:
        where = f"the {settings.version} schema of {resource.api_version} {resource.kind}"
        yield from problem_findings(resource, problems, context, where, history=True,
                                    short=f"{settings.version} schema")


def problem_findings(resource: Resource, problems: list[Problem], context: CheckContext, where: str,
                     history: bool, short: str | None = None, builtin: bool | None = None) -> Iterator[Finding]:
    """Turn validator problems into findings with field paths and positions.

    where names the schema in full ("the 1.31 schema of apps/v1 Deployment"), short in brief.
    builtin (default: history) says whether the schema is a built-in kind's.
    """
    builtin = history if builtin is None else builtin
    short = short or where
    settings = context.schema
    version = str(settings.version) if settings is not None else str(context.target)
    for problem in problems:
        path = problem.path
        if problem.code == "unknown":
            yield _unknown(resource, problem, context, where, history)
            continue
        if problem.code == "required" and path[:1] == ("status",):
            continue  # the API server sets status itself; it does not require its fields on input
        if problem.code == "required" and resource.partial:
            continue  # a patch (Resource.partial) carries only the fields it changes
        if problem.code == "required" and resource.fills(field_path((*path, problem.field or ""))):
            continue  # a kustomization's transformers fill it in the build (Resource.filled)
        if problem.code == "type" and path == ("metadata",):
            continue  # resources.extract reports it (invalid-object)
        if problem.code == "duplicate":
            if builtin and path[:1] == ("status",):
                continue  # the server sets status of built-in kinds itself (status.conditions)
            yield _duplicate_value(resource, problem, context, short, builtin)
            continue
        details: dict[str, Any] = {"field": field_path(path), "expected": problem.expected,
                                   "schemaVersion": version}
        got_text = _masked(problem.got) if problem.got is not None and _secret_value(resource, path) else problem.got
        if got_text is not None:
            details["got"] = got_text
        if problem.code == "required":
            assert problem.field is not None
            full = (*path, problem.field)
            details["field"] = field_path(full)
            if problem.got == "null":
                # The API server drops a null (CRDs prune it; built-in kinds decode it to the
                # zero value) and then reports the field as missing: "Required value".
                message = (f"{field_path(full)}: Required value: required by {where}; null counts as "
                           "missing, the API server drops it")
                origin = _nearest_origin(resource, full)
            else:
                message = f"{field_path(full)}: Required value: required by {where} but missing"
                origin = _nearest_origin(resource, path)
        else:
            origin = _nearest_origin(resource, path)
            worded = None if _secret_value(resource, path) else _server_wording(resource, problem)
            if worded is not None:
                error_type, text = worded
                details["errorType"] = error_type
                message = f"{field_path(path)}: {text} ({short})"
            else:
                got = f", got {got_text}" if got_text is not None else ""
                message = f"{field_path(path)}: expected {problem.expected}{got} ({short})"
        if problem.code in _ERROR_TYPES:
            details.setdefault("errorType", _ERROR_TYPES[problem.code])
        yield Finding("schema", RULES["schema"], message, origin, resource.ref(), details=details)


_ERROR_TYPES = {"required": "FieldValueRequired", "type": "FieldValueTypeInvalid", "enum": "FieldValueNotSupported",
                "pattern": "FieldValueInvalid", "format": "FieldValueTypeInvalid", "range": "FieldValueInvalid"}
"""Problem code -> the upstream field.ErrorType the API server's schema validation reports."""
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number"}
_BOUND = re.compile(r"^a number (at least|greater than|at most|less than) (\S+)$")
_BOUND_WORDS = {"at least": "greater than or equal to", "greater than": "greater than",
                "at most": "less than or equal to", "less than": "less than"}
_MISSING = object()


def _server_wording(resource: Resource, problem: Problem) -> tuple[str, str] | None:
    """(field.ErrorType, the API server's detail) for a schema problem it words in a known way
    (kube-openapi's validation errors as apiextensions-apiserver reports them), else None.

    type:    Invalid value: "array": data in body must be of type object: "array"
    enum:    Unsupported value: "udp": supported values: "SCTP", "TCP", "UDP"
    pattern: Invalid value: "x y": spec.name in body should match '^[a-z]+$'
    range:   Invalid value: 0: spec.size in body should be greater than or equal to 1
    """
    from kcompat.checks.builtin.errors import render_value

    value = _value_at(resource.obj, problem.path)
    if value is _MISSING:
        return None
    name = field_path(problem.path)
    if problem.code == "type":
        got = _JSON_TYPES.get(type(value))
        if got is None:
            return None
        expected = problem.expected.split(" (", 1)[0] if problem.expected.split(" ", 1)[0] in \
            _JSON_TYPES.values() else problem.expected
        return "FieldValueTypeInvalid", f'Invalid value: "{got}": {name} in body must be of type {expected}: "{got}"'
    if problem.code == "enum" and problem.expected.startswith("one of ") and not isinstance(value, dict | list):
        return "FieldValueNotSupported", (f"Unsupported value: {render_value(value)}: supported values: "
                                          f"{problem.expected[len('one of '):]}")
    if problem.code == "pattern" and problem.expected.startswith("a string matching pattern ") and \
            isinstance(value, str):
        pattern = problem.expected[len("a string matching pattern "):]
        return "FieldValueInvalid", f"Invalid value: {render_value(value)}: {name} in body should match '{pattern}'"
    bound = _BOUND.match(problem.expected) if problem.code == "range" else None
    if bound is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return "FieldValueInvalid", (f"Invalid value: {render_value(value)}: {name} in body should be "
                                     f"{_BOUND_WORDS[bound.group(1)]} {bound.group(2)}")
    return None


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
            continue
        if not isinstance(data, dict) or step not in data:
            return _MISSING
        data = data[step]
    return data


def _nearest_origin(resource: Resource, path: tuple[str | int, ...]) -> Origin:
    """The position of path, or of its nearest parent in the file: a problem may sit inside a
    value that CRD defaulting added, which has no line of its own."""
    data: Any = resource.obj
    for depth, step in enumerate(path):
        present = (isinstance(step, int) and isinstance(data, list) and 0 <= step < len(data)) or \
            (isinstance(step, str) and isinstance(data, dict) and step in data)
        if not present:
            return resource.origin_of(path[:depth])
        data = data[step]
    return resource.origin_of(path)


def _duplicate_value(resource: Resource, problem: Problem, context: CheckContext, short: str,
                     builtin: bool) -> Finding:
    """x-kubernetes-list-type set/map uniqueness, worded as the API server's field.Duplicate.

    For CRDs the API server rejects the object. Built-in kinds are validated by hand-written Go
    code that accepts some of these duplicates (containers[].ports only gets a warning since
    1.26); server-side apply rejects them all ("duplicate entries for key"), so for built-in
    kinds this is a warning, an error with --strict.
    """
    path = problem.path
    first = int(problem.field) if problem.field is not None and problem.field.isdigit() else None
    settings = context.schema
    minor = settings.version.minor if settings is not None else context.target.minor
    shown = problem.got
    if minor >= _JSON_BAD_VALUES and problem.got is not None:
        shown = go_value_as_json(problem.got)
    server = f"{field_path(path)}: Duplicate value: {shown}"
    if builtin:
        severity = lenient_severity(context)
        note = ("server-side apply rejects it; the API server's own checks of built-in kinds may "
                "accept it (duplicate containers[].ports only get a warning)")
    else:
        severity = RULES["duplicate-value"]
        note = "the API server rejects it"
    noun = "value" if "set" in problem.expected else "key"
    same = f"same {noun} as item {first}" if first is not None else "a duplicate"
    message = f"{server} ({problem.expected}; {same}; {note}) ({short})"
    details: dict[str, Any] = {"field": field_path(path), "value": shown, "expected": problem.expected}
    if first is not None:
        details["firstIndex"] = first
    return Finding("duplicate-value", severity, message, _nearest_origin(resource, path), resource.ref(),
                   details=details)


_JSON_BAD_VALUES = 34
"""From Kubernetes 1.34 (apimachinery v0.34.0) field.Error prints a map or list BadValue as JSON
(`{"containerPort":88,"protocol":"TCP"}`); before, with Go's %#v (`map[string]interface {}{...}`)."""


def go_value_as_json(text: str) -> str:
    """A value printed by kcompat.schema.validator.go_value (Go's %#v of decoded JSON) printed
    as Go's json.Marshal does: compact, keys sorted, <, > and & escaped. Text that is not in
    go_value's form is returned unchanged, and so is a string or number, which field.Error prints
    as before (%q, %v)."""
    import json

    if not text.startswith(("map[", "[]")):
        return text

    def parse(at: int) -> tuple[Any, int]:
        for word, value in (("interface {}(nil)", None), ("null", None), ("true", True), ("false", False)):
            if text.startswith(word, at):
                return value, at + len(word)
        if text.startswith("map[string]interface {}{", at):
            at += len("map[string]interface {}{")
            result: dict[str, Any] = {}
            while text[at] != "}":
                key, at = parse(at)
                if text[at] != ":":
                    raise ValueError(at)
                result[str(key)], at = parse(at + 1)
                at += 2 if text.startswith(", ", at) else 0
            return result, at + 1
        if text.startswith("[]interface {}{", at):
            at += len("[]interface {}{")
            items: list[Any] = []
            while text[at] != "}":
                item, at = parse(at)
                items.append(item)
                at += 2 if text.startswith(", ", at) else 0
            return items, at + 1
        if text[at] == '"':
            end = at + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            raw = text[at + 1:end]
            return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), raw).encode(
                "latin-1", "backslashreplace").decode("unicode_escape") if "\\" in raw else raw, end + 1
        number = re.compile(r"-?[0-9][0-9.e+-]*").match(text, at)
        if number is None:
            raise ValueError(at)
        token = number.group()
        return (float(token) if any(c in token for c in ".e") else int(token)), number.end()

    try:
        value, end = parse(0)
    except (ValueError, IndexError):
        return text
    if end != len(text):
        return text
    rendered = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return rendered.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _secret_value(resource: Resource, path: tuple[str | int, ...]) -> bool:
    """Whether a path holds a Secret's payload, whose values are never echoed in findings."""
    return resource.kind == "Secret" and resource.api_version == "v1" and path[:1] in (("data",), ("stringData",))


def _masked(got: str) -> str:
    """`string "hunter2"` -> `string (value not shown: Secret data)`; shapes (`an object`) stay."""
    word = got.split(" ", 1)[0]
    if word in ("string", "integer", "number", "boolean"):
        return f"{word} (value not shown: Secret data)"
    return got


def _unknown(resource: Resource, problem: Problem, context: CheckContext, where: str,
             history: bool) -> Finding:
    path = problem.path
    settings = context.schema
    severity = lenient_severity(context)
    details: dict[str, Any] = {"field": field_path(path)}
    if settings is not None:
        details["schemaVersion"] = str(settings.version)
    origin = resource.origin_of(path)
    if history and settings is not None:
        from kcompat.schema.builtin import field_history

        shape = tuple(0 if isinstance(step, int) else step for step in path)
        known = field_history(settings.version.minor, resource.api_version, resource.kind, shape)
        if known.last_before is not None:
            details["lastIn"] = f"1.{known.last_before}"
            message = (f"{field_path(path)} is not in {where}; it was last in 1.{known.last_before} "
                       "(the API server drops it)")
            return Finding("removed-field", severity, message, origin, resource.ref(), details=details)
        if known.first_after is not None:
            details["firstIn"] = f"1.{known.first_after}"
            message = (f"unknown field {field_path(path)}: not in {where}; it is first in "
                       f"1.{known.first_after}")
            return Finding("unknown-field", severity, message, origin, resource.ref(), details=details)
    message = f"unknown field {field_path(path)}: not in {where}"
    suggestion = suggest(problem.field or "", problem.known)
    if suggestion is not None:
        details["suggestion"] = suggestion
        message += f"; did you mean {suggestion}?"
    return Finding("unknown-field", severity, message, origin, resource.ref(), details=details)


def suggest(name: str, known: tuple[str, ...]) -> str | None:
    if not name or not known:
        return None
    lowered = {candidate.lower(): candidate for candidate in known}
    if name.lower() in lowered:
        return lowered[name.lower()]
    import difflib

    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return matches[0] if matches else None


def _resource_node(resource: Resource) -> Node | None:
    node = resource.document.node
    for step in resource.path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            node = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return None
    return node


def duplicate_keys(resource: Resource, context: CheckContext) -> Iterator[Finding]:
    """Mapping keys given twice: YAML loaders keep the last value and silently drop the first."""
    if resource.document.unique_keys:
        return
    root = _resource_node(resource)
    if root is None or not has_duplicate_keys(root):
        return
    offset = resource.document.line_offset
    stack: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())]
    visited: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[str, ScalarNode] = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    earlier = first.get(key.value)
                    if earlier is not None:
                        yield _duplicate(resource, context, (*path, key.value), key, earlier, offset)
                    else:
                        first[key.value] = key
                    if isinstance(value, MappingNode | SequenceNode):
                        stack.append((value, (*path, key.value)))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                if isinstance(item, MappingNode | SequenceNode):
                    stack.append((item, (*path, index)))


def has_duplicate_keys(root: Node) -> bool:
    """The fast pass: only set sizes, no paths (a Deployment takes about 15 µs)."""
    mapping, sequence = MappingNode, SequenceNode
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        kind = node.__class__
        if kind is mapping:
            value = node.value
            if len({key.value for key, _ in value}) != len(value):
                return True
            for _, item in value:
                if item.__class__ is mapping or item.__class__ is sequence:
                    push(item)
        elif kind is sequence:
            for item in node.value:
                if item.__class__ is mapping or item.__class__ is sequence:
                    push(item)
    return False


def _duplicate(resource: Resource, context: CheckContext, path: tuple[str | int, ...], key: ScalarNode,
               earlier: ScalarNode, offset: int) -> Finding:
    line, column = key.start_mark.line + 1 + offset, key.start_mark.column + 1
    first_line = earlier.start_mark.line + 1 + offset
    message = (f"duplicate key {field_path(path)} (first at line {first_line}); "
               "only the last value is used")
    origin = resource.document.origin.at(line, column)
    return Finding("duplicate-key", lenient_severity(context), message, origin, resource.ref(),
                   details={"field": field_path(path), "firstLine": first_line})
