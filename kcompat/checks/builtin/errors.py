"""Field errors as the API server words them, and typed accessors for parsed YAML.

The rule ids and
their upstream field.ErrorType, the rendering of field paths and bad values (Go's %q/%v/%#v),
and the collector that turns errors into findings only when there are any.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kcompat.core.model import Finding, Severity
from kcompat.core.rules import (
    DUPLICATE_VALUE,
    FORBIDDEN_VALUE,
    INVALID_VALUE,
    NOT_FOUND,
    REQUIRED_VALUE,
    SERVER_WARNING,
    UNSUPPORTED_VALUE,
    severity_of,
)
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RULES: dict[str, Severity] = {rule: severity_of(rule) for rule in (
    INVALID_VALUE, REQUIRED_VALUE, DUPLICATE_VALUE, UNSUPPORTED_VALUE, NOT_FOUND, FORBIDDEN_VALUE, SERVER_WARNING)}
"""The rules of the built-in validation, declared in the rule registry (kcompat/core/rules.py)."""
ERROR_TYPES = {
    "invalid-value": "FieldValueInvalid", "required-value": "FieldValueRequired",
    "duplicate-value": "FieldValueDuplicate", "unsupported-value": "FieldValueNotSupported",
    "not-found": "FieldValueNotFound", "forbidden-value": "FieldValueForbidden", "too-long": "FieldValueTooLong",
    "server-warning": "Warning",
}

Step = str | int
Path = tuple[Step, ...]


class Key(str):
    """A map key in a server field path: rendered `labels[app]`, located like any key."""

    __slots__ = ()


class Raw(str):
    """A value the server prints with Go's %#v (a struct or a map): shown verbatim, not quoted."""

    __slots__ = ()


def render_path(path: Path) -> str:
    """field.Path.String(): children joined by '.', indexes and keys in brackets; the whole
    object (field.NewPath("")) shows as "[]" in the server's messages."""
    if not path:
        return "[]"
    text = ""
    for step in path:
        if isinstance(step, (int, Key)):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


def render_value(value: object) -> str:
    """How field.Error prints a bad value: %q for strings, %v for numbers, %#v for the rest."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return str(value)


class GoValue(Raw):
    """A versioned API value (a map, a metav1.LabelSelector) that field.Error prints with Go's %#v
    before Kubernetes 1.34 and with json.Marshal from 1.34 (apimachinery v0.34.0): json_text."""

    json_text: str

    def __new__(cls, go_text: str, json_text: str) -> GoValue:
        made = super().__new__(cls, go_text)
        made.json_text = json_text
        return made


JSON_BAD_VALUES = 34
"""The first minor whose field errors print map and struct values as JSON."""


def go_json(value: object) -> str:
    """Go's json.Marshal of decoded JSON: compact, map keys sorted, <, > and & escaped."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def go_map(labels: object) -> GoValue:
    """%#v of a map[string]string: map[string]string{"app":"web"}, keys sorted as fmt sorts them."""
    if not isinstance(labels, dict) or not labels:
        return GoValue("map[string]string(nil)" if not labels else "map[string]string{}",
                       "null" if not labels else "{}")
    pairs = sorted(((str(key), str(value)) for key, value in labels.items()), key=lambda item: item[0])
    items = ", ".join(f"{json.dumps(key)}:{json.dumps(value)}" for key, value in pairs)
    return GoValue("map[string]string{" + items + "}", go_json(dict(pairs)))


def go_selector(selector: object) -> Raw:
    """%#v of a dereferenced metav1.LabelSelector, as field errors print a *LabelSelector."""
    selector = selector if isinstance(selector, dict) else {}
    labels = selector.get("matchLabels")
    shown_labels = go_map(labels) if labels else Raw("map[string]string(nil)")
    # json.Marshal keeps the struct field order (matchLabels, matchExpressions; key, operator,
    # values), sorts map keys and, by omitempty, drops empty fields.
    json_parts = []
    if isinstance(labels, dict) and labels:
        json_parts.append('"matchLabels":' + go_json({str(k): str(v) for k, v in labels.items()}))
    expressions = selector.get("matchExpressions")
    if isinstance(expressions, list) and expressions:
        items = []
        json_items = []
        for item in expressions:
            item = item if isinstance(item, dict) else {}
            values = item.get("values")
            shown_values = ("[]string{" + ", ".join(json.dumps(str(v)) for v in values) + "}"
                            if isinstance(values, list) and values else "[]string(nil)")
            key, operator = str(item.get("key", "")), str(item.get("operator", ""))
            items.append(f"v1.LabelSelectorRequirement{{Key:{json.dumps(key)}, "
                         f"Operator:{json.dumps(operator)}, Values:{shown_values}}}")
            listed = f',"values":{go_json([str(v) for v in values])}' if isinstance(values, list) and values else ""
            json_items.append(f'{{"key":{go_json(key)},"operator":{go_json(operator)}{listed}}}')
        shown_expressions = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
        json_parts.append('"matchExpressions":[' + ",".join(json_items) + "]")
    else:
        shown_expressions = "[]v1.LabelSelectorRequirement(nil)"
    return GoValue(f"v1.LabelSelector{{MatchLabels:{shown_labels}, MatchExpressions:{shown_expressions}}}",
                   "{" + ",".join(json_parts) + "}")


class FieldErrors:
    """The field errors of one object, turned into findings only when there are any."""

    __slots__ = ("items", "minor")

    def __init__(self, minor: int | None = None) -> None:
        self.items: list[tuple[str, Path, str, Path]] = []
        self.minor = minor
        """The target Kubernetes minor version, for the few rules a feature gate changes."""

    def render(self, value: object) -> str:
        """render_value, with map and selector values as JSON from 1.34 (as the target prints them)."""
        if isinstance(value, GoValue) and self.minor is not None and self.minor >= JSON_BAD_VALUES:
            return value.json_text
        return render_value(value)

    def add(self, rule: str, path: Path, body: str, at: Path | None = None) -> None:
        self.items.append((rule, path, body, at if at is not None else path))

    def invalid(self, path: Path, value: object, detail: str, at: Path | None = None) -> None:
        self.add("invalid-value", path, f"Invalid value: {self.render(value)}" + (f": {detail}" if detail else ""), at)

    def invalid_each(self, path: Path, value: object, details: list[str], at: Path | None = None) -> None:
        for detail in details:
            self.invalid(path, value, detail, at)

    def required(self, path: Path, detail: str = "", at: Path | None = None) -> None:
        self.add("required-value", path, "Required value" + (f": {detail}" if detail else ""), at)

    def duplicate(self, path: Path, value: object, at: Path | None = None) -> None:
        self.add("duplicate-value", path, f"Duplicate value: {self.render(value)}", at)

    def unsupported(self, path: Path, value: object, supported: Iterable[str], at: Path | None = None) -> None:
        listed = ", ".join(json.dumps(item) for item in supported)
        self.add("unsupported-value", path, f"Unsupported value: {self.render(value)}: supported values: {listed}", at)

    def not_found(self, path: Path, value: object, at: Path | None = None) -> None:
        self.add("not-found", path, f"Not found: {self.render(value)}", at)

    def forbidden(self, path: Path, detail: str, at: Path | None = None) -> None:
        self.add("forbidden-value", path, f"Forbidden: {detail}", at)

    def too_long(self, path: Path, limit: int, at: Path | None = None) -> None:
        self.add("too-long", path, f"Too long: may not be more than {limit} bytes", at)

    def warning(self, path: Path, text: str, at: Path | None = None) -> None:
        self.add("server-warning", path, text, at)

    def findings(self, resource: Resource) -> list[Finding]:
        found = []
        ref = resource.ref()
        seen: set[tuple[str, Path]] = set()
        for rule, path, body, at in self.items:
            field = render_path(path)
            error_type = ERROR_TYPES[rule]
            rule = "invalid-value" if rule == "too-long" else rule
            message = f"{field}: {body}"
            if (message, at) in seen:
                continue  # ErrorList.ToAggregate drops repeated messages too
            seen.add((message, at))
            if rule == "server-warning":
                message = f"{field}: {body} (the API server accepts this with a warning)"
            found.append(Finding(rule, RULES[rule], message, resource.origin_of(at), ref,
                                 details={"field": field, "errorType": error_type}))
        return found


# -- small typed accessors: values of the wrong type are the schema check's business ------------


def as_dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def as_list(value: Any) -> list[Any] | None:
    return value if isinstance(value, list) else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def absent(value: Any) -> bool:
    """Go's zero value after decoding: missing, null, "" or an empty list/map."""
    return value is None or value == "" or value == [] or value == {}


def nonnegative(errors: FieldErrors, owner: dict[str, Any], key: str, base: Path) -> None:
    """apimachinery ValidateNonnegativeField."""
    value = as_int(owner.get(key))
    if value is not None and value < 0:
        errors.invalid((*base, key), value, "must be greater than or equal to 0")


def int_or_string(value: Any) -> GoValue:
    """%#v of an intstr.IntOrString value, as field errors print it (from 1.34 its MarshalJSON:
    "50%" or 1)."""
    if isinstance(value, str):
        return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{json.dumps(value)}}}", go_json(value))
    return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{value}, StrVal:""}}', f"{value}")
