"""Differential test: kcompat's schema validator against `jsonschema` as an oracle.

Every built-in schema of two minors and the CRDs in fixtures/ are translated into JSON Schema
(Draft 2020-12) the way the API server reads them: the Kubernetes extensions become plain JSON
Schema (int-or-string, Quantity, nullable, int32/int64 ranges, pruning of unknown fields as
`additionalProperties: false`, list-type set as `uniqueItems`, the implicit apiVersion, kind
and ObjectMeta of a custom resource), formats get checkers written here from Go's rules (not
kcompat's). Both validators then run on the real manifests in fixtures/ and on deterministic
mutations of them and of an instance generated from every kind's schema; each disagreement is
either one of the documented API-server differences (DIFFERENCES, each a row of the table in
docs/schema-validation.md) or a failure.

Disagreements are compared per (field path, category): kcompat's problem codes and jsonschema's
keywords map to the same categories (type, required, enum, format, pattern, range, length,
unknown, duplicate, unique, anyOf, oneOf, not). A value of the wrong type gets only its type
error in kcompat (one problem per value), so jsonschema's other errors on that same value are
not compared.
"""

from __future__ import annotations

import base64
import binascii
import copy
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
import pytest

from conftest import ROOT
from kcompat.catalog.schema_store import default_store
from kcompat.core.model import Origin
from kcompat.schema.builtin import OBJECT_META, version_schemas
from kcompat.schema.crds import Crd, CrdVersion, crd_validator, defaulted_object, is_crd, parse_crd
from kcompat.schema.goregex import GoRegexError, compile_go
from kcompat.schema.validator import Problem, run
from kcompat.sources.k8s_yaml import load_documents

MINORS = (22, 37)
FIXTURE_DIRS = ("fixtures/corpus", "fixtures/demo", "fixtures/realworld", "fixtures/schema")
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

# The documented differences (docs/schema-validation.md, "Where kcompat differs from JSON
# Schema, and why"): kinds of disagreement, never files. A disagreement of any other kind fails.
DIFFERENCES = {
    "null-optional": "null for a field that is not required is accepted (Go decodes the zero "
                     "value; CRDs prune non-nullable nulls); JSON Schema rejects it by type",
    "required-null": "a required field that is null is reported as missing (`Required value`), "
                     "not as a type error",
    "list-map-keys": "x-kubernetes-list-type: map duplicates (by x-kubernetes-list-map-keys) have "
                     "no JSON Schema keyword",
    "defaults-first": "CRD defaults are applied before validation; JSON Schema treats `default` as "
                      "an annotation",
    "go-regexp": "CRD patterns are Go (RE2) regular expressions, not ECMA/Python ones",
}


# --------------------------------------------------------------------------- formats (Go's rules)

_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(?:Z|([+-])(\d{2}):(\d{2}))\Z")
_RFC3339_MICRO = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})[.,]\d{6}(?:Z|([+-])(\d{2}):(\d{2}))\Z")
MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"


def go_rfc3339(text: str, micro: bool = False) -> bool:
    """time.Parse(time.RFC3339, s), as metav1.Time decodes: literal `T`, `Z` or ±hh:mm, seconds
    below 60, a real calendar day. micro: metav1.MicroTime's layout RFC3339Micro
    ("2006-01-02T15:04:05.000000Z07:00"), whose fraction Go requires with exactly 6 digits."""
    import calendar

    match = (_RFC3339_MICRO if micro else _RFC3339).match(text)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        return False
    if hour > 23 or minute > 59 or second > 59:
        return False
    return match.group(8) is None or (int(match.group(8)) <= 23 and int(match.group(9)) <= 59)


_OPENAPI_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|[+-][0-9]{2}:[0-9]{2})\Z")


def openapi_date_time(text: str) -> bool:
    """kube-openapi's strfmt.IsDateTime (format date-time of CRDs): lower-cased, split at "t",
    the first part a full date (time.Parse "2006-01-02"), the second hh:mm:ss[.frac](z|±hh:mm)
    with hh <= 23, mm and ss <= 59."""
    import datetime

    parts = text.lower().split("t")
    if len(text) < 4 or len(parts) < 2 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[0]):
        return False
    try:
        datetime.date.fromisoformat(parts[0])
    except ValueError:
        return False
    match = _OPENAPI_TIME.match(parts[1])
    return match is not None and match.group(1) <= "23" and match.group(2) <= "59" and match.group(3) <= "59"


def go_base64(text: str) -> bool:
    """encoding/json's []byte: base64.StdEncoding (padded, strict), CR and LF ignored."""
    compact = text.replace("\r", "").replace("\n", "")
    if len(compact) % 4:
        return False
    try:
        base64.b64decode(compact, validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


# resource.ParseQuantity after strings.TrimSpace: <signedNumber><suffix>, suffix one of the
# binary SI (Ki..Ei), decimal SI (n, u, m, "", k, M, G, T, P, E) or an exponent e<int>/E<int>.
QUANTITY = r"^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?\s*$"

FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("go-date-time")(lambda value: not isinstance(value, str) or go_rfc3339(value))
FORMATS.checks("go-micro-time")(lambda value: not isinstance(value, str) or go_rfc3339(value, micro=True))
FORMATS.checks("date-time")(lambda value: not isinstance(value, str) or openapi_date_time(value))
FORMATS.checks("byte")(lambda value: not isinstance(value, str) or go_base64(value))


# --------------------------------------------------------------------------- translation


def _ref(name: str) -> str:
    return "#/$defs/" + name.replace("~", "~0").replace("/", "~1")


def translate(node: Any, *, crd: bool, structural: bool = True, preserve_all: bool = False) -> Any:
    """One schema node (store dialect or a CRD's openAPIV3Schema) as JSON Schema."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": _ref(node["$ref"])}
    out: dict[str, Any] = {}
    kind = node.get("type")
    types: list[str] = [kind] if isinstance(kind, str) else []
    if node.get("x-kubernetes-int-or-string") is True:
        types = ["integer", "string"]
        if not crd:  # intstr.IntOrString holds an int32
            out["minimum"], out["maximum"] = INT32
    elif not crd and node.get("format") == "quantity":
        types = ["string", "number"]
        out["pattern"] = QUANTITY
        out["x-oracle"] = "quantity"
    fmt = node.get("format")
    if kind == "integer" and not crd and fmt in ("int32", "int64"):
        out["minimum"], out["maximum"] = INT32 if fmt == "int32" else INT64
    elif fmt in ("date-time", "byte") and kind in (None, "string"):
        out["format"] = "go-date-time" if fmt == "date-time" and not crd else fmt
    if crd and node.get("nullable") is True and types:
        types.append("null")
    if types:
        out["type"] = types[0] if len(types) == 1 else types
    if "enum" in node:
        out["enum"] = list(node["enum"]) + ([None] if crd and node.get("nullable") is True else [])
    if crd:
        for key in ("pattern", "minimum", "maximum", "multipleOf", "minLength", "maxLength",
                    "minItems", "maxItems", "minProperties", "maxProperties", "uniqueItems"):
            if key in node:
                out[key] = node[key]
        if isinstance(out.get("pattern"), str) and not _python_compiles(out["pattern"]):
            # Go syntax that ECMA/Python regexps reject (`^(?i)…`): JSON Schema cannot evaluate
            # it, so the oracle leaves it out (classify() calls kcompat's result go-regexp).
            del out["pattern"]
        for bound in ("Minimum", "Maximum"):
            if node.get("exclusive" + bound) is True and bound.lower() in node:
                out["exclusive" + bound] = node[bound.lower()]
                del out[bound.lower()]
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True or preserve_all
    props = node.get("properties")
    if isinstance(props, dict):
        out["properties"] = {name: translate(sub, crd=crd, structural=structural, preserve_all=preserve_all)
                             for name, sub in props.items()}
    if node.get("x-kubernetes-embedded-resource") is True:
        out.setdefault("properties", {}).update(embedded_props(out.get("properties", {})))
        out["required"] = sorted({*node.get("required", []), "apiVersion", "kind"})
    elif node.get("required"):
        out["required"] = list(node["required"])
    additional = node.get("additionalProperties")
    if isinstance(additional, dict):
        out["additionalProperties"] = translate(additional, crd=crd, structural=structural,
                                                preserve_all=preserve_all)
    # Unknown fields: dropped by Go decoding of built-in kinds (any object with properties) and
    # pruned from structural CRD objects; kubectl --validate=strict rejects them.
    elif additional is None and not preserve and structural and (
            (crd and (kind == "object" or "properties" in out)) or (not crd and "properties" in out)):
        out["additionalProperties"] = False
    items = node.get("items")
    if isinstance(items, list):
        items = items[0] if items else None
    if isinstance(items, dict):
        out["items"] = translate(items, crd=crd, structural=structural, preserve_all=preserve_all)
    if node.get("x-kubernetes-list-type") == "set":
        out["uniqueItems"] = True
        out["x-oracle"] = "set"
    for junctor in ("allOf", "anyOf", "oneOf"):
        if isinstance(node.get(junctor), list):
            out[junctor] = [translate(sub, crd=crd, structural=False) for sub in node[junctor]]
    if isinstance(node.get("not"), dict):
        out["not"] = translate(node["not"], crd=crd, structural=False)
    return out


def _python_compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def embedded_props(declared: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": declared.get("apiVersion", {"type": "string"}),
            "kind": declared.get("kind", {"type": "string"}),
            "metadata": {"$ref": _ref(OBJECT_META)}}


@cache
def builtin_defs(minor: int) -> dict[str, Any]:
    store = default_store()
    defs = {name: translate(store.definition(minor, name), crd=False) for name in store.index(minor).definitions}
    if MICRO_TIME in defs:
        defs[MICRO_TIME] = {"type": "string", "format": "go-micro-time"}
    return defs


@cache
def builtin_oracle(minor: int, definition: str) -> jsonschema.protocols.Validator:
    schema = {"$ref": _ref(definition), "$defs": builtin_defs(minor)}
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


def crd_oracle(version: CrdVersion, minor: int) -> jsonschema.protocols.Validator:
    assert version.schema is not None
    root = translate(version.schema, crd=True, preserve_all=version.preserve_unknown)
    root.setdefault("type", "object")
    props = root.setdefault("properties", {})
    props.setdefault("apiVersion", {"type": "string"})
    props.setdefault("kind", {"type": "string"})
    props["metadata"] = {"$ref": _ref(OBJECT_META)}
    return jsonschema.Draft202012Validator({**root, "$defs": builtin_defs(minor)}, format_checker=FORMATS)


# --------------------------------------------------------------------------- comparison

Key = tuple[tuple[str | int, ...], str]
_RANGE = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
_LENGTH = {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}


def kcompat_keys(problems: list[Problem] | None) -> set[Key]:
    keys: set[Key] = set()
    for problem in problems or ():
        path = problem.path
        if problem.code == "required":
            keys.add(((*path, str(problem.field)), "required"))
        elif problem.code in ("duplicate", "unique"):
            keys.add((path[:-1], problem.code))
        else:
            keys.add((path, problem.code))
    return keys


def oracle_keys(validator: jsonschema.protocols.Validator, value: Any) -> set[Key]:
    keys: set[Key] = set()
    for error in validator.iter_errors(value):
        path = tuple(error.absolute_path)
        keyword = error.validator
        schema = error.schema if isinstance(error.schema, dict) else {}
        if keyword == "required":
            keys.update(((*path, name), "required") for name in error.validator_value
                        if isinstance(error.instance, dict) and name not in error.instance)
        elif keyword == "additionalProperties":
            declared = schema.get("properties", {})
            keys.update(((*path, name), "unknown") for name in error.instance if name not in declared)
        elif keyword == "pattern":
            keys.add((path, "format" if schema.get("x-oracle") == "quantity" else "pattern"))
        elif keyword in _RANGE:
            keys.add((path, "range"))
        elif keyword in _LENGTH:
            keys.add((path, "length"))
        elif keyword == "uniqueItems":
            keys.add((path, "duplicate" if schema.get("x-oracle") == "set" else "unique"))
        else:
            keys.add((path, str(keyword)))
    typed = {path for path, category in keys if category == "type"}
    return {(path, category) for path, category in keys if category == "type" or path not in typed}


@dataclass(frozen=True)
class Disagreement:
    side: str
    """"kcompat" (only kcompat reports it) or "jsonschema"."""
    path: tuple[str | int, ...]
    category: str
    kind: str | None
    where: str

    def __str__(self) -> str:
        shown = ".".join(str(step) for step in self.path) or "(root)"
        return f"{self.where}: only {self.side} reports {self.category} at {shown} [{self.kind or 'UNEXPLAINED'}]"


def lookup(value: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
    for step in path:
        in_dict = isinstance(value, dict) and step in value
        if in_dict or (isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)):
            value = value[step]
        else:
            return False, None
    return True, value


def schema_at(schema: Any, path: tuple[str | int, ...], resolve: Callable[[str], Any]) -> Any:
    """The (source dialect) schema node at a value path, or None."""
    node = schema
    for step in path:
        node = deref(node, resolve)
        if not isinstance(node, dict):
            return None
        if isinstance(step, int):
            node = node.get("items")
            if isinstance(node, list):
                node = node[0] if node else None
        elif step in (node.get("properties") or {}):
            node = node["properties"][step]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return deref(node, resolve)


def deref(node: Any, resolve: Callable[[str], Any]) -> Any:
    for _ in range(64):
        if not (isinstance(node, dict) and "$ref" in node):
            break
        node = resolve(node["$ref"])
    return node


def classify(side: str, path: tuple[str | int, ...], category: str, value: Any, kc: set[Key],
             schema: Any, resolve: Callable[[str], Any],
             defaulted_keys: set[Key] | None, crd: bool) -> str | None:
    """The documented kind of one disagreement, or None (a bug on one side)."""
    present, at = lookup(value, path)
    if side == "jsonschema" and category == "type" and present and at is None:
        if (path, "required") in kc:
            return "required-null"
        # Go decodes null to the zero value anywhere; a CRD prunes nulls of fields (properties
        # and map values, prunenulls.go) but not list items, which then fail their type.
        if not crd or isinstance(path[-1], str):
            return "null-optional"
    if side == "kcompat" and category == "required" and present and at is None:
        return "required-null"
    if side == "kcompat" and category == "duplicate":
        node = schema_at(schema, path, resolve)
        if isinstance(node, dict) and node.get("x-kubernetes-list-type") == "map":
            return "list-map-keys"
    if defaulted_keys is not None:
        agrees = ((path, category) in defaulted_keys) == (side == "kcompat")
        if agrees:
            return "defaults-first"
    if category == "pattern" and present and isinstance(at, str):
        node = schema_at(schema, path, resolve)
        pattern = node.get("pattern") if isinstance(node, dict) else None
        if isinstance(pattern, str) and _re_differs(pattern, at):
            return "go-regexp"
    return None


def _re_differs(pattern: str, text: str) -> bool:
    try:
        go = compile_go(pattern).search(text) is not None
    except GoRegexError:
        return True
    try:
        python = re.search(pattern, text) is not None
    except re.error:
        return True
    return go != python


def compare(kc_problems: list[Problem] | None, oracle: jsonschema.protocols.Validator, value: Any,
            schema: Any, resolve: Callable[[str], Any], where: str,
            defaulted: Any = None, crd: bool = False) -> list[Disagreement]:
    kc = kcompat_keys(kc_problems)
    js = oracle_keys(oracle, value)
    if kc == js:
        return []
    defaulted_keys = oracle_keys(oracle, defaulted) if defaulted is not None and defaulted is not value else None
    found = []
    for side, keys in (("kcompat", kc - js), ("jsonschema", js - kc)):
        for path, category in sorted(keys, key=repr):
            kind = classify(side, path, category, value, kc, schema, resolve, defaulted_keys, crd)
            found.append(Disagreement(side, path, category, kind, where))
    return found


# --------------------------------------------------------------------------- inputs


def sample_for(schema: Any, resolve: Callable[[str], Any], depth: int = 0) -> Any:
    """A value of a schema: required fields always, optional ones down to depth 3."""
    node = deref(schema, resolve)
    if not isinstance(node, dict):
        return "x"
    if node.get("enum"):
        return node["enum"][0]
    if node.get("x-kubernetes-int-or-string"):
        return 1
    fmt = node.get("format")
    if fmt == "quantity":
        return "1Gi"
    kind = node.get("type") or ("object" if "properties" in node else None)
    if kind == "object":
        props = node.get("properties") or {}
        names = [name for name in props if depth < 3 or name in node.get("required", ())]
        out = {name: sample_for(props[name], resolve, depth + 1) for name in names if depth < 8}
        if not props and isinstance(node.get("additionalProperties"), dict) and depth < 8:
            out["key"] = sample_for(node["additionalProperties"], resolve, depth + 1)
        return out
    if kind == "array":
        items = node.get("items")
        return [sample_for(items, resolve, depth + 1)] if isinstance(items, dict) and depth < 8 else []
    if kind == "string":
        text = {"date-time": "2024-01-31T12:00:00.000000Z", "byte": "aGVsbG8="}.get(fmt or "", "x")
        return text * max(1, int(node.get("minLength", 1)))
    if kind == "integer":
        return max(1, int(node.get("minimum", 1)))
    if kind == "number":
        return max(1.5, float(node.get("minimum", 1.5)))
    if kind == "boolean":
        return True
    return "x"


Mutation = tuple[str, tuple[str | int, ...], Any]
"""(label, path, new value; _DELETE to remove the field)."""
_DELETE = object()


def mutations(value: Any, schema: Any, resolve: Callable[[str], Any],
              path: tuple[str | int, ...] = ()) -> Iterator[Mutation]:
    node = deref(schema, resolve)
    if not isinstance(node, dict) or len(path) > 24:
        return
    kind = node.get("type")
    if path:
        yield "null", path, None
    if node.get("enum"):
        yield "enum", path, "zz-not-an-allowed-value"
    if node.get("x-kubernetes-int-or-string"):
        yield from (("int-or-string", path, bad) for bad in (True, 2**31, 2.5, 3.0, ["1"]))
    elif node.get("format") == "quantity":
        yield from (("quantity", path, bad) for bad in ("1Gx", "1 core", 0.5, " 1Gi ", "1.5e3", True, "+.5Ki"))
    elif kind == "string":
        yield "type", path, 42
        fmt = node.get("format")
        if fmt == "date-time":
            yield from (("date-time", path, bad) for bad in (
                "yesterday", "2024-13-01T00:00:00Z", "2024-01-31 12:00:00Z", "2024-01-31t12:00:00z",
                "2024-01-31T12:00:60Z", "2024-02-30T12:00:00Z", "2024-01-31T12:00:00.5+01:00",
                "2024-01-31T12:00:00Z", "2024-01-31T12:00:00.123456+01:00"))
        elif fmt == "byte":
            yield from (("byte", path, bad) for bad in ("not base64!", "aGk", "aGk=\naGk=", "aGVsbG8=\n"))
        if "pattern" in node:
            yield "pattern", path, "!! no match !!"
            yield "pattern", path, "\u0663"  # an Arabic-Indic digit: \d in Python, not in Go
            if isinstance(value, str):  # `$` matches before a final newline in Python, not in Go
                yield "pattern", path, value + "\n"
        if "maxLength" in node:
            yield "length", path, "x" * (int(node["maxLength"]) + 1)
        if "minLength" in node:
            yield "length", path, "x" * max(0, int(node["minLength"]) - 1)
    elif kind == "integer":
        yield from (("type", path, bad) for bad in ("42", 2.5, 3.0, True))
        if node.get("format") in ("int32", "int64"):
            yield "range", path, 2**31 if node["format"] == "int32" else 2**63
            yield "range", path, -(2**31) - 1 if node["format"] == "int32" else -(2**63) - 1
        for bound, step in (("minimum", -1), ("maximum", 1)):
            if isinstance(node.get(bound), int | float):
                yield "range", path, int(node[bound]) + step
                yield "range", path, node[bound]
    elif kind == "number":
        yield from (("type", path, bad) for bad in ("1.5", True))
        for bound, step in (("minimum", -0.5), ("maximum", 0.5)):
            if isinstance(node.get(bound), int | float):
                yield "range", path, node[bound] + step
                yield "range", path, node[bound]
        if isinstance(node.get("multipleOf"), int | float):
            yield "range", path, node["multipleOf"] * 1.5
    elif kind == "boolean":
        yield from (("type", path, bad) for bad in ("true", 1))
    elif kind == "array":
        yield "type", path, {"a": 1}
        if isinstance(value, list) and value and (
                node.get("x-kubernetes-list-type") in ("set", "map") or node.get("uniqueItems")):
            yield "duplicate", path, [*value, copy.deepcopy(value[0])]
        if isinstance(value, list) and "minItems" in node:
            yield "length", path, []
        if isinstance(value, list) and value and isinstance(node.get("maxItems"), int):
            yield "length", path, [copy.deepcopy(value[0]) for _ in range(node["maxItems"] + 1)]
        items = node.get("items")
        if isinstance(value, list) and isinstance(items, dict):
            for index, item in enumerate(value[:3]):
                yield from mutations(item, items, resolve, (*path, index))
            if not value:
                yield "nested", (*path, 0), sample_for(items, resolve, 2)
    if kind == "object" or (kind is None and "properties" in node):
        if path:
            yield "type", path, ["x"]
        props = node.get("properties") or {}
        if props and not node.get("x-kubernetes-preserve-unknown-fields"):
            yield "unknown", (*path, "zzUnknownField"), "x"
        for name in node.get("required", ()):
            yield "missing", (*path, name), _DELETE
        if node.get("x-kubernetes-embedded-resource"):
            yield from (("missing", (*path, name), _DELETE) for name in ("apiVersion", "kind"))
            yield "type", (*path, "metadata"), "x"
        if isinstance(value, dict) and isinstance(node.get("maxProperties"), int):
            yield "length", path, {**value, **{f"zz{i}": "x" for i in range(node["maxProperties"] + 1)}}
        if isinstance(value, dict) and "minProperties" in node:
            yield "length", path, {}
        if isinstance(value, dict):
            for name, item in value.items():
                if name in props:
                    yield from mutations(item, props[name], resolve, (*path, name))
                elif isinstance(node.get("additionalProperties"), dict):
                    yield from mutations(item, node["additionalProperties"], resolve, (*path, name))
            for name in props:
                if name not in value and len(path) < 6:
                    yield "nested", (*path, name), sample_for(props[name], resolve, 3)


def apply(value: Any, mutation: Mutation) -> Any | None:
    """A mutated copy, or None when the path does not exist in value."""
    _label, path, new = mutation
    out = copy.deepcopy(value)
    present, parent = lookup(out, path[:-1])
    if not present:
        return None
    last = path[-1]
    if isinstance(parent, dict):
        if new is _DELETE:
            if last not in parent:
                return None
            del parent[last]
        else:
            parent[last] = new
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last <= len(parent):
        if last == len(parent):
            parent.append(new)
        else:
            parent[last] = new
    else:
        return None
    return out


def sampled(items: list[Mutation], limit: int, seed: str) -> list[Mutation]:
    if len(items) <= limit:
        return items
    return random.Random(seed).sample(items, limit)


def fixture_documents() -> Iterator[tuple[str, dict[str, Any]]]:
    for folder in FIXTURE_DIRS:
        for file in sorted((ROOT / folder).rglob("*")):
            if file.suffix not in (".yaml", ".yml", ".json") or not file.is_file():
                continue
            try:
                documents = load_documents(file.read_text(encoding="utf-8"))
            except Exception:
                continue
            for index, doc in enumerate(documents):
                for item in doc.get("items", []) if isinstance(doc, dict) and doc.get("kind") == "List" else [doc]:
                    if isinstance(item, dict) and isinstance(item.get("apiVersion"), str) \
                            and isinstance(item.get("kind"), str):
                        yield f"{file.relative_to(ROOT)}#{index}", item


# --------------------------------------------------------------------------- built-in kinds


def builtin_disagreements(minor: int, per_document: int) -> tuple[list[Disagreement], int]:
    store = default_store()
    schemas = version_schemas(minor)

    def resolve(name: str) -> Any:
        return store.definition(minor, name)

    inputs: list[tuple[str, str, dict[str, Any]]] = []
    for key, definition in sorted(store.index(minor).kinds.items()):
        api_version, _, kind = key.rpartition("/")
        sample = sample_for({"$ref": definition}, resolve)
        sample.update(apiVersion=api_version, kind=kind)
        inputs.append((f"generated {key} (1.{minor})", definition, sample))
    for where, doc in fixture_documents():
        definition = store.kind_definition(minor, doc["apiVersion"], doc["kind"])
        if definition is not None:
            inputs.append((f"{where} (1.{minor})", definition, doc))
    found: list[Disagreement] = []
    checked = 0
    for where, definition, doc in inputs:
        oracle = builtin_oracle(minor, definition)
        schema = {"$ref": definition}
        entry = schemas.compiler.definition(definition)
        variants = [("as is", doc)]
        for mutation in sampled(list(mutations(doc, schema, resolve)), per_document, where):
            mutated = apply(doc, mutation)
            if mutated is not None:
                variants.append((f"{mutation[0]} at {'.'.join(map(str, mutation[1]))}", mutated))
        for label, value in variants:
            found += compare(run(entry, value), oracle, value, schema, resolve, f"{where} {label}")
            checked += 1
    return found, checked


# --------------------------------------------------------------------------- CRDs

CRD_DIRS = ("fixtures/realworld", "fixtures/schema", "fixtures/corpus")


@cache
def fixture_crds() -> tuple[Crd, ...]:
    crds = []
    for where, doc in fixture_documents():
        if not where.startswith(CRD_DIRS) or not is_crd(doc["apiVersion"], doc["kind"]):
            continue
        crd, _problems = parse_crd(doc, doc["apiVersion"], Origin(where))
        if crd is not None:
            crds.append(crd)
    return tuple(crds)


def crd_disagreements(minor: int, per_document: int) -> tuple[list[Disagreement], int]:
    schemas = version_schemas(minor)
    meta = schemas.object_meta()
    store = default_store()

    def resolve(name: str) -> Any:
        return store.definition(minor, name)

    by_kind = {(crd.group, crd.kind): crd for crd in fixture_crds()}
    inputs: list[tuple[str, CrdVersion, dict[str, Any]]] = []
    for crd in fixture_crds():
        for version in crd.versions:
            if version.schema is None or version.schema_error is not None:
                continue
            sample = sample_for(version.schema, resolve)
            if not isinstance(sample, dict):
                continue
            sample.update(apiVersion=f"{crd.group}/{version.name}", kind=crd.kind,
                          metadata={"name": "generated"})
            inputs.append((f"generated {crd.name} {version.name} ({crd.origin.path})", version, sample))
    for where, doc in fixture_documents():
        group, _, name = doc["apiVersion"].rpartition("/")
        crd = by_kind.get((group, doc["kind"]))
        version = crd.version(name) if crd is not None else None
        if version is not None and version.schema is not None and version.schema_error is None:
            inputs.append((where, version, doc))
    found: list[Disagreement] = []
    checked = 0
    for where, version, doc in inputs:
        assert version.schema is not None
        entry = crd_validator(version, minor, meta)
        oracle = crd_oracle(version, minor)
        variants = [("as is", doc)]
        for mutation in sampled(list(mutations(doc, version.schema, resolve)), per_document, where):
            mutated = apply(doc, mutation)
            if mutated is not None:
                variants.append((f"{mutation[0]} at {'.'.join(map(str, mutation[1]))}", mutated))
        for label, value in variants:
            defaulted = defaulted_object(version, value)
            found += compare(run(entry, defaulted), oracle, value, version.schema, resolve,
                             f"{where} {label}", defaulted, crd=True)
            checked += 1
    return found, checked


def _report(found: list[Disagreement]) -> str:
    unexplained = [d for d in found if d.kind is None]
    lines = [str(d) for d in unexplained[:40]]
    return f"{len(unexplained)} unexplained disagreements:\n" + "\n".join(lines)


def _assert_only_documented(found: list[Disagreement]) -> None:
    assert not [d for d in found if d.kind is None], _report(found)
    assert {d.kind for d in found} <= set(DIFFERENCES)


# --------------------------------------------------------------------------- tests


def test_every_builtin_kind_agrees_with_jsonschema_on_a_generated_instance() -> None:
    """Fast: each kind's generated instance as is, in the newest minor."""
    found, checked = builtin_disagreements(37, per_document=0)
    assert checked >= default_store().resource_kinds(37)
    _assert_only_documented(found)


@pytest.mark.slow
@pytest.mark.parametrize("minor", MINORS)
def test_builtin_kinds_and_mutations_agree_with_jsonschema(minor: int) -> None:
    found, checked = builtin_disagreements(minor, per_document=60)
    assert checked > 2000
    _assert_only_documented(found)
    # The differences are real: each documented kind shows up (the mutations reach them).
    assert {"null-optional", "required-null", "list-map-keys"} <= {d.kind for d in found}


@pytest.mark.slow
def test_crds_and_their_resources_agree_with_jsonschema() -> None:
    names = {crd.group for crd in fixture_crds()}
    assert {"cert-manager.io", "monitoring.coreos.com", "gateway.networking.k8s.io", "argoproj.io"} <= names
    found, checked = crd_disagreements(31, per_document=60)
    assert checked > 1000
    _assert_only_documented(found)
    # Every documented kind shows up: the allow-list holds nothing the inputs do not need.
    assert {d.kind for d in found} == set(DIFFERENCES)


def test_the_oracle_sees_what_it_should() -> None:
    """The oracle is not vacuous: it rejects what the server rejects."""
    oracle = builtin_oracle(37, "io.k8s.api.apps.v1.Deployment")
    spec = {"selector": {}, "template": {}}
    assert oracle_keys(oracle, {"spec": {**spec, "replicas": "3"}}) == {(("spec", "replicas"), "type")}
    assert oracle_keys(oracle, {"spec": {**spec, "replicas": 2**31}}) == {(("spec", "replicas"), "range")}
    assert oracle_keys(oracle, {"spec": {**spec, "replicaz": 1}}) == {(("spec", "replicaz"), "unknown")}
    assert oracle_keys(oracle, {"spec": {"selector": {}}}) == {(("spec", "template"), "required")}
    surge = {"strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 2**31}}}
    assert oracle_keys(oracle, {"spec": {**spec, **surge}}) == {
        (("spec", "strategy", "rollingUpdate", "maxUnavailable"), "range")}
    pod = builtin_oracle(37, "io.k8s.api.core.v1.Pod")
    limits = {"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": 0.5, "memory": "1Gx"}}}]}}
    assert oracle_keys(pod, limits) == {
        (("spec", "containers", 0, "resources", "limits", "memory"), "format")}
    secret = builtin_oracle(37, "io.k8s.api.core.v1.Secret")
    assert oracle_keys(secret, {"data": {"a": "aGk"}}) == {(("data", "a"), "format")}
    assert not go_rfc3339("2024-01-31 12:00:00Z")
    assert go_rfc3339("2024-01-31T12:00:00.5+01:00")


# --------------------------------------------------------------------------- regressions (bugs the oracle found)


@pytest.mark.parametrize(("value", "valid"), [
    ("2024-01-31T12:00:00Z", True),
    ("2024-01-31T12:00:00.5+01:00", True),
    ("2024-01-31T12:00:00,5Z", True),  # Go's parser takes a comma before the fraction
    ("2024-01-31 12:00:00Z", False),
    ("2024-01-31t12:00:00z", False),
    ("2024-01-31T12:00:60Z", False),
])
def test_builtin_date_time_is_gos_rfc3339(value: str, valid: bool) -> None:
    """metav1.Time decodes with time.Parse(time.RFC3339): kcompat accepted a space, `t`, `z`
    and second 60, which the API server rejects."""
    found = version_schemas(37).validate("v1", "ConfigMap", {"metadata": {"creationTimestamp": value}})
    assert [(p.code, p.path) for p in found or []] == ([] if valid else [("format", ("metadata", "creationTimestamp"))])
    assert go_rfc3339(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("2024-01-31T12:00:00Z", True), ("2024-01-31t12:00:00z", True),
    ("2024-01-31 12:00:00Z", False), ("2024-01-31T12:00:60Z", False),
])
def test_crd_date_time_is_kube_openapis(value: str, valid: bool) -> None:
    from kcompat.schema.crds import compile_crd_schema

    entry = compile_crd_schema({"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}},
                               preserve_unknown=False)
    found = run(entry, {"at": value})
    assert [(p.code, p.path) for p in found or []] == ([] if valid else [("format", ("at",))])
    assert openapi_date_time(value) is valid


def test_crd_null_list_item_fails_its_type_unless_nullable() -> None:
    """The API server prunes null fields of a custom resource, not null list items: those fail
    the items' type (kcompat accepted them)."""
    from kcompat.schema.crds import compile_crd_schema

    schema = {"type": "object", "properties": {
        "names": {"type": "array", "items": {"type": "string"}},
        "maybe": {"type": "array", "items": {"type": "string", "nullable": True}},
        "ports": {"type": "array", "items": {"x-kubernetes-int-or-string": True}},
        "field": {"type": "string"},
    }}
    entry = compile_crd_schema(schema, preserve_unknown=False)
    found = run(entry, {"names": ["a", None], "maybe": [None], "ports": [None], "field": None})
    assert [(p.code, p.path, p.expected, p.got) for p in found or []] == [
        ("type", ("names", 1), "string", "null")]
    oracle = jsonschema.Draft202012Validator(translate(schema, crd=True))
    assert oracle_keys(oracle, {"names": ["a", None], "maybe": [None]}) == {(("names", 1), "type")}


def test_every_allowed_difference_is_documented() -> None:
    text = (ROOT / "docs" / "schema-validation.md").read_text(encoding="utf-8")
    section = text.split("## Where kcompat differs from JSON Schema, and why", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE)
    assert sorted(rows) == sorted(DIFFERENCES)


@pytest.mark.parametrize(("value", "valid"), [
    ("2024-01-31T12:00:00.000000Z", True), ("2024-01-31T12:00:00.123456+01:00", True),
    ("2024-01-31T12:00:00Z", False), ("2024-01-31T12:00:00.5Z", False),
    ("2024-01-31T12:00:00.123456789Z", False),
])
def test_builtin_micro_time_needs_six_fractional_digits(value: str, valid: bool) -> None:
    """metav1.MicroTime (Lease renewTime, Event eventTime) decodes with RFC3339Micro, which
    Go parses with exactly six fractional digits; its OpenAPI says date-time like Time's."""
    lease = {"spec": {"renewTime": value}}
    found = version_schemas(37).validate("coordination.k8s.io/v1", "Lease", lease)
    assert [(p.code, p.path) for p in found or []] == ([] if valid else [("format", ("spec", "renewTime"))])
    assert go_rfc3339(value, micro=True) is valid
