"""CRD validation rules (`x-kubernetes-validations`), evaluated as the API server does on create.

`compile_rules(schema)` walks an openAPIV3Schema once and compiles every rule (and
messageExpression) with cel-expr-python; the result is cached by the schema's fingerprint, so a
CRD version used by thousands of objects is compiled once per process. `evaluate(compiled, obj)`
then walks the object along the schema and runs each rule with `self` bound to the value at its
node: objects, lists (items), maps (additionalProperties), allOf branches; null values are not
validated, as on the server.

What the server does, and so this module:
- Transition rules (those that reference `oldSelf`) run only on update: they are skipped here.
- A rule whose node has a blocking schema error (wrong type, missing required field, enum,
  too long/many) is not run: the caller skips CEL for such objects, as the server does.
- Error text: `<path>: Invalid value: "<type>": <message>` up to Kubernetes 1.34; from 1.35 the
  value is left out for objects and lists and shown for scalars (`value: Invalid value: -3: ...`).
  `reason` turns it into `Forbidden`, `Required value` or `Duplicate value`, `fieldPath` moves it.
- Cost: the server stops a rule whose runtime cost passes 1,000,000 units (PerCallLimit).
  cel-expr-python itself stops after 10,000 comprehension iterations (such rules are reported as
  not evaluated). A rule whose estimated work (elements of `self` to the power of its
  comprehension nesting, capped at that budget, times its longest string) is under
  PER_CALL_LIMIT runs in-process, well under a millisecond; a rule above it runs in a forked
  child that is killed after RULE_TIMEOUT seconds, then reported with the server's "call cost
  exceeds limit" wording. See docs/cel.md.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import json
import math
import os
import pickle
import re
import select
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cel_expr_python import cel
from cel_expr_python.ext import ext_bindings, ext_optional

from kcompat.schema.cel_k8s import FORMATS, declarations

Path = tuple[str | int, ...]

PER_CALL_LIMIT = 1_000_000
"""The server's per-rule runtime cost limit (k8s.io/apiserver/pkg/apis/cel PerCallLimit)."""
RULE_TIMEOUT = 0.25
"""Seconds a rule estimated above PER_CALL_LIMIT may run in its child process."""
ITERATION_BUDGET = 10_000
"""cel-expr-python stops an evaluation after this many comprehension iterations (fixed in the
binding; the server allows up to PER_CALL_LIMIT cost units). A rule that reaches it is reported
as not evaluated, never as failed."""
MESSAGE_EXPRESSION_MAX = 5 * 1024
"""MaxEvaluatedMessageExpressionSizeBytes."""
OMIT_VALUE_MINOR = 35
"""From Kubernetes 1.35 the error leaves out object/list values and shows scalar values."""

_MACROS = re.compile(r"\.\s*(all|exists|exists_one|map|filter|bind)\s*\(\s*$")
_OLD_SELF = re.compile(r"(?<![\w.])oldSelf\b")
_STRING = re.compile(r"""[rR]?(?:'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")""", re.S)

STATS = {"compiled_schemas": 0, "compiled_rules": 0}
"""How many schemas and rules were compiled in this process (the cache is tested with it)."""


# --------------------------------------------------------------------------- compiled form


@dataclass
class Rule:
    rule: str
    index: int
    schema_path: Path
    """Where the rule sits in the openAPIV3Schema (for CRD positions)."""
    message: str | None = None
    message_expression: str | None = None
    field_path: str | None = None
    """The server's normalised form of `fieldPath` (`spec.x[key]`), appended to the node's path."""
    field_steps: Path = ()
    reason: str | None = None
    uses_old_self: bool = False
    optional_old_self: bool = False
    depth: int = 0
    """Nesting of comprehension macros: the exponent of the work estimate."""
    program: Any = None
    message_program: Any = None


@dataclass
class Node:
    type: str
    format: str | None = None
    rules: list[Rule] = field(default_factory=list)
    properties: dict[str, Node] = field(default_factory=dict)
    items: Node | None = None
    additional: Node | None = None
    all_of: list[Node] = field(default_factory=list)
    active: bool = False
    """Whether this node or one below it has rules (inactive subtrees are not walked)."""


@dataclass(frozen=True)
class CompileProblem:
    path: Path
    """Inside the openAPIV3Schema."""
    message: str


@dataclass
class CompiledRules:
    root: Node | None
    problems: list[CompileProblem]
    rule_count: int
    transition_count: int
    max_depth: int = 0


@dataclass(frozen=True)
class Violation:
    field: str
    """The server's field path: `spec.rules[0].matches[1]`, `<nil>` for the object itself."""
    path: Path
    """The same path as keys and indexes, for positions in the file."""
    message: str
    """The server's error text, field path first."""
    rule: str
    reason: str | None = None
    kind: str = "invalid"
    """invalid (the rule is false), error (it failed to evaluate), cost (it was stopped)."""


@dataclass
class Outcome:
    violations: list[Violation] = field(default_factory=list)
    skipped_transition: list[str] = field(default_factory=list)
    """Field paths of transition rules that were not run (no old object on create)."""
    skipped_budget: list[str] = field(default_factory=list)
    """Rules that needed more than ITERATION_BUDGET comprehension iterations."""
    evaluated: int = 0
    small: bool = False
    """The whole object is too small for any of its rules to pass the work bound: no rule needs
    its own estimate (the common case, measured once per object)."""


# --------------------------------------------------------------------------- environment

_ENVS: dict[str, Any] = {}
_SELF_TYPES = {"duration": "DURATION", "date": "TIMESTAMP", "date-time": "TIMESTAMP", "byte": "BYTES"}


def _env(self_type: str) -> Any:
    """One CEL environment per type of `self`: dyn, or a scalar the server types from `format`."""
    env = _ENVS.get(self_type)
    if env is None:
        kind = getattr(cel.Type, self_type)
        env = cel.NewEnv(variables={"self": kind, "oldSelf": kind},
                         extensions=[ext_optional.ExtOptional(), ext_bindings.ExtBindings()],
                         functions=declarations())
        _ENVS[self_type] = env
    return env


def _self_type(node: Node) -> str:
    if node.type == "string" and node.format in _SELF_TYPES:
        return _SELF_TYPES[node.format]
    return "DYN"


def comprehension_depth(expression: str) -> int:
    """How deeply comprehension macros (all, exists, exists_one, map, filter) nest in expression."""
    text = _STRING.sub("''", expression)
    stack: list[bool] = []
    depth = deepest = 0
    for position, char in enumerate(text):
        if char == "(":
            macro = _MACROS.search(text, 0, position + 1) is not None
            stack.append(macro)
            depth += macro
            deepest = max(deepest, depth)
        elif char == ")" and stack:
            depth -= stack.pop()
    return deepest


def uses_old_self(expression: str) -> bool:
    return _OLD_SELF.search(_STRING.sub("''", expression)) is not None


_FORMAT_CALL = re.compile(r"\bformat\.([A-Za-z0-9]+)\(\)\s*\.\s*validate\s*\(")


def rewrite_formats(source: str) -> str:
    """`format.NAME().validate(X)` -> an optional built from kcompat.formatErrors('NAME', X).

    Kubernetes' format library returns optional values, which a Python function of
    cel-expr-python cannot; the optional is built in CEL instead (optional.none() when X is
    valid, optional.of(errors) when not). `format.named()` is not supported."""
    while True:
        match = _FORMAT_CALL.search(source)
        if match is None or match.group(1) not in FORMATS:
            return source
        depth, end = 1, match.end()
        while end < len(source) and depth:
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        if depth:
            return source
        argument = source[match.end():end - 1]
        errors = f"kcompat.formatErrors('{match.group(1)}', {argument})"
        replacement = f"({errors}.size() == 0 ? optional.none() : optional.of({errors}))"
        source = source[:match.start()] + replacement + source[end:]


# --------------------------------------------------------------------------- compiling


_CACHE: dict[str, CompiledRules] = {}


def fingerprint(schema: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True, default=str).encode()).hexdigest()


def compile_rules(schema: dict[str, Any], key: str | None = None) -> CompiledRules:
    """Every rule of one CRD version's schema, compiled once per process (cached by key or
    by a fingerprint of the schema)."""
    key = key or fingerprint(schema)
    found = _CACHE.get(key)
    if found is None:
        STATS["compiled_schemas"] += 1
        problems: list[CompileProblem] = []
        counts = [0, 0, 0]
        root = _compile_node(schema, (), problems, counts, schema)
        found = CompiledRules(root, problems, counts[0], counts[1], counts[2])
        _CACHE[key] = found
    return found


_RULE_BEARING_KEYS = frozenset({"x-kubernetes-validations", "properties", "items", "additionalProperties", "allOf"})
"""The keys _compile_node looks into: a property schema with none of them compiles to an inactive node."""


def _compile_node(schema: Any, path: Path, problems: list[CompileProblem], counts: list[int],
                  root_schema: dict[str, Any]) -> Node | None:
    if not isinstance(schema, dict):
        return None
    kind: str = schema["type"] if isinstance(schema.get("type"), str) else ""
    if schema.get("x-kubernetes-int-or-string") is True:
        kind = ""
    node = Node(kind, schema.get("format") if isinstance(schema.get("format"), str) else None)
    rules = schema.get("x-kubernetes-validations")
    if isinstance(rules, list):
        for index, raw in enumerate(rules):
            rule = _compile_rule(raw, index, (*path, "x-kubernetes-validations", index), node, schema, problems)
            if rule is not None:
                node.rules.append(rule)
                counts[0] += 1
                counts[1] += rule.uses_old_self
                counts[2] = max(counts[2], rule.depth)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            if sub.__class__ is dict and sub.keys().isdisjoint(_RULE_BEARING_KEYS):
                continue  # no rule in it or below it: its node would be inactive (most leaves of a schema)
            child = _compile_node(sub, (*path, "properties", name), problems, counts, root_schema)
            if child is not None and child.active:
                node.properties[name] = child
    if isinstance(schema.get("items"), dict):
        node.items = _compile_node(schema["items"], (*path, "items"), problems, counts, root_schema)
    if isinstance(schema.get("additionalProperties"), dict):
        node.additional = _compile_node(schema["additionalProperties"], (*path, "additionalProperties"),
                                        problems, counts, root_schema)
    all_of = schema.get("allOf")
    if isinstance(all_of, list):
        for index, sub in enumerate(all_of):
            branch = _compile_node(sub, (*path, "allOf", index), problems, counts, root_schema)
            if branch is not None and branch.active:
                if not branch.type:
                    branch.type = node.type
                node.all_of.append(branch)
    node.active = bool(node.rules or node.properties or node.all_of
                       or (node.items is not None and node.items.active)
                       or (node.additional is not None and node.additional.active))
    return node


def _compile_rule(raw: Any, index: int, where: Path, node: Node, schema: dict[str, Any],
                  problems: list[CompileProblem]) -> Rule | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("rule"), str):
        problems.append(CompileProblem((*where, "rule"), "x-kubernetes-validations: rule must be a string"))
        return None
    source = raw["rule"]
    rule = Rule(source, index, where, uses_old_self=uses_old_self(source),
                optional_old_self=raw.get("optionalOldSelf") is True, depth=comprehension_depth(source))
    message = raw.get("message")
    if isinstance(message, str) and message.strip():
        rule.message = message.strip()
    reason = raw.get("reason")
    if isinstance(reason, str) and reason:
        if reason not in ("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"):
            problems.append(CompileProblem((*where, "reason"), f"x-kubernetes-validations[{index}].reason: "
                                           f"Unsupported value: {json.dumps(reason)}"))
        rule.reason = reason
    path_text = raw.get("fieldPath")
    if isinstance(path_text, str) and path_text:
        try:
            rule.field_path, rule.field_steps = normalise_field_path(path_text, schema)
        except ValueError as error:
            problems.append(CompileProblem((*where, "fieldPath"), f"x-kubernetes-validations[{index}].fieldPath: "
                                           f"Invalid value: {json.dumps(path_text)}: fieldPath must be a valid "
                                           f"path: {error}"))
    env = _env(_self_type(node))
    STATS["compiled_rules"] += 1
    try:
        rule.program = env.compile(rewrite_formats(source))
        result = rule.program.return_type()
        if result != cel.Type.BOOL and result != cel.Type.DYN:
            raise RuntimeError(f"cel expression must evaluate to a bool, got {result.name().lower()}")
    except RuntimeError as error:
        rule.program = None
        problems.append(CompileProblem((*where, "rule"), f"x-kubernetes-validations[{index}].rule: Invalid value: "
                                       f"{json.dumps(source)}: compilation failed: {_compile_error(error)}"))
    expression = raw.get("messageExpression")
    if isinstance(expression, str) and expression:
        rule.message_expression = expression
        try:
            rule.message_program = env.compile(rewrite_formats(expression))
            result = rule.message_program.return_type()
            if result != cel.Type.STRING and result != cel.Type.DYN:
                raise RuntimeError("must evaluate to a string")
        except RuntimeError as error:
            rule.message_program = None
            problems.append(CompileProblem((*where, "messageExpression"),
                                           f"x-kubernetes-validations[{index}].messageExpression: Invalid value: "
                                           f"{json.dumps(expression)}: messageExpression compilation failed: "
                                           f"{_compile_error(error)}"))
    return rule


def _compile_error(error: Exception) -> str:
    text = str(error)
    text = re.sub(r"^[A-Z_]+: ", "", text)
    return re.sub(r" \[[A-Z_]+\]$", "", text).strip()


def normalise_field_path(text: str, schema: dict[str, Any]) -> tuple[str, Path]:
    """`.spec.x['a.b']` -> ("spec.x[a.b]", steps); ValueError when it names no field of schema."""
    steps: list[str | int] = []
    shown = ""
    position = 0
    node: Any = schema
    while position < len(text):
        if text[position] == ".":
            match = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)").match(text, position)
            if match is None:
                raise ValueError("expected a field name after '.'")
            name = match.group(1)
            position = match.end()
            named = True
        elif text.startswith("['", position):
            end = text.find("']", position + 2)
            if end < 0:
                raise ValueError("unexpected end of JSON path")
            name = text[position + 2:end].replace("\\'", "'").replace("\\\\", "\\")
            position = end + 2
            named = False
        else:
            raise ValueError(f"expected [ or . but got: {text[position]}")
        properties = node.get("properties") if isinstance(node, dict) else None
        if isinstance(properties, dict) and name in properties:
            node = properties[name]
            shown += f".{name}" if shown else name
        elif isinstance(node, dict) and isinstance(node.get("additionalProperties"), dict) and not named:
            node = node["additionalProperties"]
            shown += f"[{name}]"
        else:
            raise ValueError("does not refer to a valid field")
        steps.append(name)
    if not steps:
        raise ValueError("unexpected end of JSON path")
    return shown, tuple(steps)


# --------------------------------------------------------------------------- values


def _cel_value(node: Node, value: Any) -> Any:
    """The value of `self` at node as the server types it (durations, timestamps, bytes by format)."""
    if node.type == "string" and isinstance(value, str):
        try:
            if node.format == "duration":
                return _duration(value)
            if node.format in ("date", "date-time"):
                text = value.replace("Z", "+00:00").replace("z", "+00:00")
                parsed = datetime.datetime.fromisoformat(text)
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
            if node.format == "byte":
                return base64.b64decode(value)
        except ValueError:
            return None
    if node.type == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _duration(text: str) -> datetime.timedelta:
    """Go's time.ParseDuration."""
    body = text.lstrip("+-")
    if body == "0":
        return datetime.timedelta()
    parts = _DURATION_PART.findall(body)
    if not body or "".join(a + b for a, b in parts) != body:
        raise ValueError(text)
    seconds = sum(float(number) * _UNITS[unit] for number, unit in parts)
    return datetime.timedelta(seconds=-seconds if text.startswith("-") else seconds)


def _measure(value: Any, cap: int) -> tuple[int, int]:
    """(elements and entries in value, length of its longest string), counting no further than cap."""
    count = longest = 0
    stack = [value]
    while stack and count < cap:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str | bytes):
            longest = max(longest, len(item))
    return count, longest


def estimate_work(value: Any, depth: int, measured: tuple[int, int] | None = None) -> int:
    """An upper estimate of a rule's work on value: iterations (elements to the power of the
    comprehension nesting, at most ITERATION_BUDGET) times the longest string one step may scan."""
    count, longest = measured or _measure(value, PER_CALL_LIMIT)
    iterations = count if depth == 0 else min(count ** depth, ITERATION_BUDGET)
    return iterations * max(longest, 1)


# --------------------------------------------------------------------------- evaluating


class _Stop(Exception):
    """A rule ran out of budget: no further rules are run for this object, as on the server."""


def evaluate(compiled: CompiledRules, obj: dict[str, Any], minor: int = 99) -> Outcome:
    """Run every rule of compiled against obj (a custom resource, defaulted, status removed
    when the CRD has a status subresource); minor picks the server's error wording."""
    outcome = Outcome()
    if compiled.root is None or not compiled.root.active:
        return outcome
    root_value = dict(obj)
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):  # rules see only name and generateName of metadata
        root_value["metadata"] = {k: metadata[k] for k in ("name", "generateName") if k in metadata}
    outcome.small = estimate_work(obj, compiled.max_depth) <= PER_CALL_LIMIT
    with contextlib.suppress(_Stop):
        _walk(compiled.root, obj, root_value, (), "", outcome, minor)
    return outcome


def _walk(node: Node, raw: Any, value: Any, path: Path, text: str, outcome: Outcome, minor: int) -> None:
    if raw is None:
        return
    if node.rules:
        _run_rules(node, raw, value, path, text or "<nil>", outcome, minor)
    for branch in node.all_of:
        _walk(branch, raw, value, path, text, outcome, minor)
    if isinstance(raw, dict):
        for name, child in node.properties.items():
            if name in raw:
                _walk(child, raw[name], value.get(name) if isinstance(value, dict) else None, (*path, name),
                      f"{text}.{name}" if text else name, outcome, minor)
        if node.additional is not None and node.additional.active:
            for key, item in raw.items():
                _walk(node.additional, item, value.get(key) if isinstance(value, dict) else None, (*path, key),
                      f"{text}[{key}]", outcome, minor)
    elif isinstance(raw, list) and node.items is not None and node.items.active:
        for index, item in enumerate(raw):
            _walk(node.items, item, value[index] if isinstance(value, list) else None, (*path, index),
                  f"{text}[{index}]", outcome, minor)


def _run_rules(node: Node, raw: Any, value: Any, path: Path, where: str, outcome: Outcome, minor: int) -> None:
    self_value = _cel_value(node, value)
    if self_value is None:
        return  # a format the schema check already reports (the server would not get here)
    measured: tuple[int, int] | None = None
    activation: Any = None
    for rule in node.rules:
        if rule.program is None:
            continue  # does not compile: reported at the CRD, which the server would have rejected
        if rule.uses_old_self:
            outcome.skipped_transition.append(f"{where}: {rule.rule}")
            continue
        outcome.evaluated += 1
        if activation is None:  # once per node: every rule here sees the same self
            activation = _env(_self_type(node)).Activation(data={"self": self_value})
        if outcome.small:
            work = 0
        else:
            measured = measured or _measure(self_value, PER_CALL_LIMIT)
            work = estimate_work(self_value, rule.depth, measured)
        result = _run(rule.program, activation, work)
        if result[0] == "error" and "Iteration budget exceeded" in str(result[1]):
            outcome.skipped_budget.append(f"{where}: {rule.rule}")
            continue
        type_text = json.dumps(node.type)
        if result[0] == "cost":
            outcome.violations.append(Violation(
                where, path, f"{where}: Invalid value: {type_text}: 'operation cancelled: actual cost limit exceeded': "
                f"no further validation rules will be run due to call cost exceeds limit for rule: {_rule_text(rule)}",
                rule.rule, kind="cost"))
            raise _Stop
        if result[0] == "error":
            detail = _runtime_error(result[1])
            if detail.startswith("no such overload"):
                text = (f"'{detail}': call arguments did not match a supported operator, function or macro "
                        f"signature for rule: {_rule_text(rule)}")
            else:
                text = f"{detail} evaluating rule: {_rule_text(rule)}"
            outcome.violations.append(Violation(where, path, f"{where}: Invalid value: {type_text}: {text}",
                                                rule.rule, kind="error"))
            continue
        if result[1] is True:
            continue
        if result[1] is not False:
            outcome.violations.append(Violation(
                where, path, f"{where}: Invalid value: {type_text}: no such overload: rule did not evaluate to a "
                f"bool evaluating rule: {_rule_text(rule)}", rule.rule, kind="error"))
            continue
        outcome.violations.append(_violation(node, rule, raw, activation, path, where, minor, work))


def _violation(node: Node, rule: Rule, raw: Any, activation: Any, path: Path, where: str, minor: int,
               work: int) -> Violation:
    full = (*path, *rule.field_steps)
    if rule.field_path:
        where = f"{where}.{rule.field_path}" if where != "<nil>" else rule.field_path
    detail: str | None = None
    if rule.message_program is not None:
        detail = _message_expression(rule, activation, work)
    if detail is None:
        detail = rule.message or f"failed rule: {rule.rule.strip()}"
    if minor < OMIT_VALUE_MINOR:
        shown: str | None = json.dumps(node.type)
    elif node.type in ("object", "array"):
        shown = None
    else:
        shown = go_value(raw)
    reason = rule.reason
    if reason == "FieldValueForbidden":
        message = f"{where}: Forbidden: {detail}"
    elif reason == "FieldValueRequired":
        message = f"{where}: Required value: {detail}"
    elif reason == "FieldValueDuplicate":
        message = f"{where}: Duplicate value: {shown}" if shown is not None else f"{where}: Duplicate value"
    else:
        message = f"{where}: Invalid value: {shown}: {detail}" if shown is not None else \
            f"{where}: Invalid value: {detail}"
    return Violation(where, full, message, rule.rule, reason)


def _message_expression(rule: Rule, activation: Any, work: int) -> str | None:
    result = _run(rule.message_program, activation, work)
    if result[0] != "ok" or not isinstance(result[1], str):
        return None
    text = result[1].strip()
    if not text or len(text) > MESSAGE_EXPRESSION_MAX or "\n" in text:
        return None
    return text


def _rule_text(rule: Rule) -> str:
    return rule.message or rule.rule.strip()


def go_value(value: Any) -> str:
    """A scalar as Go's field errors print it: strings quoted, numbers and booleans bare."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value).replace("e-0", "e-").replace("e+0", "e+")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, default=str)


_ERRORS = (
    (re.compile(r'Key not found in map : "?(.*?)"?$'), "no such key: {0}"),
    (re.compile(r"No value with name \"(.*)\" found"), "no such attribute: {0}"),
    (re.compile(r"Index error: index=(-?\d+) size=\d+"), "index out of bounds: {0}"),
    (re.compile(r"No matching overloads found : (.*)"), "no such overload: {0}"),
    (re.compile(r"^divide by zero$"), "division by zero"),
)


def _runtime_error(text: str) -> str:
    """cel-cpp's error text in cel-go's words where they differ (the server runs cel-go)."""
    text = re.sub(r"^[A-Z_]+: ", "", str(text)).strip()
    for pattern, replacement in _ERRORS:
        match = pattern.search(text)
        if match:
            return replacement.format(*match.groups())
    return text


def _run(program: Any, activation: Any, work: int) -> tuple[str, Any]:
    """("ok", value), ("error", text) or ("cost", None). activation binds self (converted once
    per node and shared by its rules: a fifth of the cost of passing the value each time)."""
    if work > PER_CALL_LIMIT and hasattr(os, "fork"):
        return _run_bounded(program, activation)
    return _run_here(program, activation)


def _run_here(program: Any, activation: Any) -> tuple[str, Any]:
    try:
        result = program.eval(activation)
    except (RuntimeError, ValueError, TypeError) as error:
        return "error", str(error)
    if result.type() == cel.Type.ERROR:
        return "error", str(result.value())
    try:
        return "ok", result.plain_value()
    except (RuntimeError, ValueError, TypeError) as error:
        return "error", str(error)


def _run_bounded(program: Any, activation: Any) -> tuple[str, Any]:
    """Evaluate in a forked child that is killed after RULE_TIMEOUT seconds."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: evaluate, send the result, leave without cleanup handlers
        try:
            os.close(reader)
            outcome = _run_here(program, activation)
            try:
                data = pickle.dumps(outcome)
            except (pickle.PicklingError, TypeError):
                data = pickle.dumps(("ok", bool(outcome[1])) if outcome[0] == "ok" else outcome)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(writer)
    chunks: list[bytes] = []
    try:
        deadline = RULE_TIMEOUT
        import time

        end = time.monotonic() + deadline
        while True:
            left = end - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                return "cost", None
            ready, _, _ = select.select([reader], [], [], left)
            if not ready:
                continue
            chunk = os.read(reader, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
    try:
        outcome = pickle.loads(b"".join(chunks))
    except (pickle.UnpicklingError, EOFError):
        return "cost", None
    if not isinstance(outcome, tuple):
        return "cost", None
    return outcome[0], outcome[1]


def iter_problems(schema: dict[str, Any], key: str | None = None) -> Iterator[CompileProblem]:
    """Rules of schema that do not compile (the server rejects such a CRD)."""
    yield from compile_rules(schema, key).problems
