"""Who breaks when OLD's CRDs are replaced by NEW's: custom resources checked against the changes.

Pure, like kcompat.checks.crd_diff: takes the resources of PATH... and the CRDs of both sides.
A resource is reported only where the change touches a value it has (or lacks, for a new
required field or a changed default), at that value's position, with what to change.
Patterns are matched with RE2, the regular expressions the API server uses (Go's regexp syntax:
`\\z`, no look-around); the CEL rules (x-kubernetes-validations) NEW adds are evaluated on the
object (kcompat.schema.cel), so a rule the object fails is an error, one it passes no finding, and
only rules that cannot be decided from the file (transition rules, over budget) stay warnings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import re2

from kcompat.checks.crd_diff import (
    ABSENT,
    ITEM,
    RULES,
    VALUE,
    Change,
    CrdDef,
    CrdVersionDef,
    compare_schemas,
    field_path,
    json_types,
)
from kcompat.core.model import Finding, Severity
from kcompat.sources.resources import Resource

Located = tuple[tuple[str | int, ...], Any]
_MISSING: Any = object()
_ROOT_KEYS = frozenset({"apiVersion", "kind", "metadata"})
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # else RE2 writes every bad pattern to stderr
_PATTERNS: dict[str, Any] = {}


def pattern_matches(pattern: str, value: str) -> bool | None:
    """Whether value matches the schema pattern as the API server matches it (RE2, unanchored search);
    None when RE2 cannot compile the pattern (the server then rejects the CRD)."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        try:
            compiled = re2.compile(pattern, _RE2_OPTIONS)
        except re2.error:
            return None
        if len(_PATTERNS) < 4096:
            _PATTERNS[pattern] = compiled
    return compiled.search(value) is not None


def values_at(data: Any, steps: tuple[str, ...], at: tuple[str | int, ...] = ()) -> Iterator[Located]:
    """(path, value) of every value at steps ([*] every list item, {*} every map value); absent ones skipped."""
    if not steps:
        yield at, data
        return
    step, rest = steps[0], steps[1:]
    if step == ITEM and isinstance(data, list):
        for index, item in enumerate(data):
            yield from values_at(item, rest, (*at, index))
    elif step == VALUE and isinstance(data, dict):
        for key, item in data.items():
            yield from values_at(item, rest, (*at, str(key)))
    elif isinstance(data, dict) and step in data:
        yield from values_at(data[step], rest, (*at, step))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _type_ok(value: Any, node: dict[str, Any]) -> bool:
    return _json_type(value) in json_types(node)


def _bound_problem(value: Any, node: dict[str, Any], key: str) -> str | None:
    bound = node.get(key)
    if key in ("minimum", "maximum", "multipleOf"):
        if not isinstance(value, int | float) or isinstance(value, bool) or not isinstance(bound, int | float):
            return None
        if key == "multipleOf":
            try:
                whole = bound == 0 or float(value / bound).is_integer()
            except (OverflowError, ZeroDivisionError):
                return None
            return None if whole else f"{value} is not a multiple of {bound}"
        exclusive = node.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum") is True
        below = value < bound or (exclusive and value == bound)
        above = value > bound or (exclusive and value == bound)
        bad = below if key == "minimum" else above
        return f"{value} is {'below' if key == 'minimum' else 'above'} the new {key} {bound}" if bad else None
    if key == "uniqueItems":
        if isinstance(value, list):
            seen = [repr(item) for item in value]
            return "the list has duplicate items" if len(seen) != len(set(seen)) else None
        return None
    size_of = {"Length": str, "Items": list, "Properties": dict}
    kind = next((suffix for suffix in size_of if key.endswith(suffix)), None)
    if kind is None or not isinstance(value, size_of[kind]) or not isinstance(bound, int):
        return None
    size = len(value)
    bad = size < bound if key.startswith("min") else size > bound
    return f"its size {size} is outside the new {key} {bound}" if bad else None


def _duplicates(value: Any, node: dict[str, Any]) -> str | None:
    if not isinstance(value, list):
        return None
    if node.get("x-kubernetes-list-type") == "set":
        seen = [repr(item) for item in value]
        return "the list has duplicate items, which a set list rejects" if len(seen) != len(set(seen)) else None
    keys = node.get("x-kubernetes-list-map-keys")
    if node.get("x-kubernetes-list-type") == "map" and isinstance(keys, list) and all(
            isinstance(k, str) for k in keys):
        tuples = [repr([item.get(k) for k in keys]) for item in value if isinstance(item, dict)]
        return f"two items share the map keys {keys}" if len(tuples) != len(set(tuples)) else None
    return None


def _problems(change: Change, data: Any) -> Iterator[tuple[tuple[str | int, ...], Severity, str]]:
    """Where this object is hit by the change: (path in the object, severity, what to change)."""
    node = change.node or {}
    rule = change.rule
    if rule == "crd-field-required-added":
        for at, parent in values_at(data, change.steps[:-1]):
            if isinstance(parent, dict) and change.steps[-1] not in parent:
                yield at, Severity.ERROR, f"add the now required field {change.steps[-1]}"
        return
    if rule == "crd-default-changed":
        for at, parent in values_at(data, change.steps[:-1]):
            if isinstance(parent, dict) and change.steps[-1:] and change.steps[-1] not in parent:
                was = "no value" if change.old is ABSENT else repr(change.old)
                now = "no value" if change.new is ABSENT else repr(change.new)
                yield at, Severity.WARNING, (f"{change.steps[-1]} is not set, so it reads back as {now} instead "
                                             f"of {was}; set it explicitly to keep the old behaviour")
        return
    for at, value in values_at(data, change.steps):
        if rule == "crd-field-removed" and change.severity is Severity.ERROR:
            yield at, Severity.ERROR, "remove the field (or move its value where NEW expects it): it is pruned"
        elif rule == "crd-field-type-changed" and change.severity is Severity.ERROR and not _type_ok(value, node):
            yield at, Severity.ERROR, f"the value must now be {change.new}"
        elif rule == "crd-enum-narrowed" and isinstance(node.get("enum"), list) and value not in node["enum"]:
            yield at, Severity.ERROR, f"{value!r} is not allowed any more; use one of {node['enum']}"
        elif rule == "crd-bounds-tightened":
            problem = _bound_problem(value, node, str(change.at[-1]) if change.at else "")
            if problem:
                yield at, Severity.ERROR, problem
        elif rule == "crd-pattern-changed" and isinstance(value, str):
            matched = pattern_matches(str(node.get("pattern")), value)
            if matched is None:
                yield at, Severity.WARNING, "the new pattern is not a valid RE2 expression (the API server " \
                    "refuses the CRD); check the value by hand"
                continue
            if not matched:
                yield at, Severity.ERROR, f"{value!r} does not match the new pattern {node.get('pattern')}"
        elif rule == "crd-unknown-fields-pruned" and isinstance(value, dict):
            properties = node.get("properties")
            declared = set(properties if isinstance(properties, dict) else ()) | (
                _ROOT_KEYS if not change.steps else set())
            extra = sorted(str(k) for k in value if k not in declared)
            if extra and not node.get("additionalProperties"):
                yield at, Severity.ERROR, f"{', '.join(extra)} would be pruned (not declared in NEW's schema)"
        elif rule == "crd-list-type-changed":
            problem = _duplicates(value, node)
            yield at, (Severity.ERROR if problem else Severity.WARNING), (
                problem or "server-side apply merges this field differently now; check owners of its items")
        elif rule == "crd-cel-rule-added":
            from kcompat.schema.cel import uses_old_self

            if uses_old_self(str(change.new)):
                yield at, Severity.WARNING, (f"the new transition rule {change.new} runs only on update (it "
                                             "compares with the stored object); check the value against it")
            # other rules are evaluated on the object (_cel_hits)
        elif rule == "crd-validation-changed":
            yield at, Severity.WARNING, f"check the value against the new rule {change.new}"


def breaking_paths(changes: list[Change], data: Any) -> list[tuple[str, str]]:
    """(field path in the object, what to change) for every value of data that the changes between two
    schemas reject or prune: what keeps an object from simply being re-labelled with the other version."""
    found: dict[str, str] = {}
    for change in changes:
        for at, severity, what in _problems(change, data):
            if severity is Severity.ERROR:
                found.setdefault(field_path(tuple(str(step) for step in at)) if at else ".", what)
    return sorted(found.items())


def who_breaks(resources: Iterable[Resource], old: dict[str, CrdDef], new: dict[str, CrdDef]) -> list[Finding]:
    """Findings for every custom resource (of a kind in OLD or NEW) that the upgrade breaks or touches."""
    old_kinds = {(crd.group, crd.kind): crd for crd in old.values()}
    new_kinds = {(crd.group, crd.kind): crd for crd in new.values()}
    cache: dict[tuple[str, str], list[Change]] = {}
    findings: list[Finding] = []
    for resource in resources:
        key = (resource.group, resource.kind)
        before, after = old_kinds.get(key), new_kinds.get(key)
        if after is None:
            if before is not None:
                findings.append(_found("crd-resource-orphaned", Severity.ERROR, resource, before,
                                       f"the CRD {before.name} is removed in NEW: applying NEW deletes this object "
                                       "with every other one of its kind; keep the CRD or move the object first",
                                       (), {}))
            continue
        version = after.version(resource.version)
        target = after.storage() or next(iter(after.served()), None)
        if version is None or not version.served:
            findings.append(_unserved(resource, before, after, target))
            continue
        source = before.version(resource.version) if before is not None else None
        if source is None:
            continue
        key_of = (after.name, resource.version)
        if key_of not in cache:
            cache[key_of] = compare_schemas(source.schema, version.schema, source.preserve_unknown,
                                            version.preserve_unknown)
        changes = cache[key_of]
        findings.extend(_hits(resource, after, changes, f"{after.name} {resource.version}"))
        findings.extend(_cel_hits(resource, after, source, version))
    findings.sort(key=Finding.sort_key)
    return findings


def _hits(resource: Resource, crd: CrdDef, changes: list[Change], label: str) -> Iterator[Finding]:
    for change in changes:
        for at, severity, what in _problems(change, resource.obj):
            rule = "crd-resource-breaks" if severity is Severity.ERROR else "crd-resource-affected"
            path = field_path(tuple(str(step) for step in at)) if at else "."
            yield _found(rule, severity, resource, crd,
                         f"{path}: {what} (CRD {label} {field_path(change.steps)}: {change.rule})", at,
                         {"change": change.rule, "path": path, "schemaPath": field_path(change.steps),
                          "old": None if change.old is ABSENT else change.old,
                          "new": None if change.new is ABSENT else change.new})


def _rule_texts(schema: Any) -> set[str]:
    """Every CEL rule text anywhere in a schema."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            rules = node.get("x-kubernetes-validations")
            if isinstance(rules, list):
                found |= {str(r.get("rule")) for r in rules if isinstance(r, dict)}
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _cel_hits(resource: Resource, crd: CrdDef, source: CrdVersionDef, version: CrdVersionDef) -> Iterator[Finding]:
    """NEW's CEL rules that OLD did not have, evaluated on the object as the API server does on create:
    an error for each rule the object fails (or that fails to evaluate on it)."""
    schema = version.schema
    if schema is None or "x-kubernetes-validations" not in json.dumps(schema, default=str):
        return
    from kcompat.schema.cel import compile_rules, evaluate
    from kcompat.schema.defaults import apply_defaults

    compiled = compile_rules(schema, version.fingerprint())
    if compiled.rule_count == 0:
        return
    known = _rule_texts(source.schema)
    obj: dict[str, Any] = resource.obj
    if _status_subresource(crd, version) and "status" in obj:
        obj = {k: v for k, v in obj.items() if k != "status"}  # reset on create
    defaulted = apply_defaults(schema, obj)
    outcome = evaluate(compiled, defaulted if isinstance(defaulted, dict) else obj)
    for violation in outcome.violations:
        if violation.rule in known:
            continue  # the object failed it under OLD already: not something the upgrade breaks
        path = field_path(tuple(str(step) for step in violation.path)) if violation.path else "."
        how = "fails" if violation.kind == "invalid" else "cannot be evaluated on"
        yield _found("crd-resource-breaks", Severity.ERROR, resource, crd,
                     f"{path}: the object {how} NEW's CEL rule {violation.rule}: {violation.message} "
                     f"(CRD {crd.name} {version.name}: crd-cel-rule-added)", violation.path,
                     {"change": "crd-cel-rule-added", "path": path, "rule": violation.rule,
                      "celMessage": violation.message})


def _status_subresource(crd: CrdDef, version: CrdVersionDef) -> bool:
    node: Any = crd.resource.obj
    for step in version.at:
        node = node[step] if isinstance(node, dict) and isinstance(step, str) and step in node else \
            node[step] if isinstance(node, list) and isinstance(step, int) and step < len(node) else None
    entry = node if isinstance(node, dict) else {}
    spec = crd.resource.obj.get("spec")
    subresources = entry.get("subresources") if "subresources" in entry else \
        spec.get("subresources") if isinstance(spec, dict) else None
    return isinstance(subresources, dict) and "status" in subresources


def _unserved(resource: Resource, before: CrdDef | None, after: CrdDef, target: str | None) -> Finding:
    defined = after.version(resource.version)
    why = "does not define" if defined is None else "no longer serves"
    message = (f"CRD {after.name} in NEW {why} {resource.version} (it serves "
               f"{', '.join(after.served()) or 'nothing'})")
    details: dict[str, Any] = {"crd": after.name, "served": after.served()}
    replacement = None
    if target is not None:
        replacement = f"{after.group}/{target}"
        message += f"; rewrite it as {replacement}"
        source = before.version(resource.version) if before is not None else None
        goal = after.version(target)
        if source is not None and goal is not None:
            changes = compare_schemas(source.schema, goal.schema, source.preserve_unknown, goal.preserve_unknown)
            touched = sorted({where for where, _ in breaking_paths(changes, resource.obj)})
            if touched:
                message += f" and change {', '.join(touched[:8])}{' ...' if len(touched) > 8 else ''} " \
                           f"(they differ between {resource.version} and {target})"
                details["fieldsToChange"] = touched
    return Finding("crd-version-unserved", RULES["crd-version-unserved"][0], message,
                   resource.origin_of(("apiVersion",)), resource.ref(), replacement, None,
                   {**details, "fixable": False})


def _found(rule: str, severity: Severity, resource: Resource, crd: CrdDef, message: str,
           at: tuple[str | int, ...], details: dict[str, Any]) -> Finding:
    return Finding(rule, severity, message, resource.origin_of(at), resource.ref(), None, None,
                   {"crd": crd.name, **details, "fixable": False})
