"""Compile a Kubernetes schema into a validator that returns positioned problems.

Two dialects share one compiler:

- the store's dialect for built-in kinds (scripts/build_schema_store.py normalises upstream):
  type, properties, required, items, additionalProperties, enum, format, `$ref` to a
  definition name, `x-kubernetes-int-or-string`, `format: quantity`,
  `x-kubernetes-list-type: set|map` with `-list-map-keys`;
- a CRD's openAPIV3Schema (structural or the older v1beta1 shapes): all of the above except
  `$ref`, plus nullable, pattern (Go/RE2 syntax, kcompat.schema.goregex), the
  numeric/length/count bounds, uniqueItems, allOf/anyOf/oneOf/not,
  x-kubernetes-preserve-unknown-fields and -embedded-resource. Defaults are applied before
  validation by the caller (kcompat.schema.defaults); CEL rules (x-kubernetes-validations) are
  not evaluated.

Semantics follow the API server rather than plain JSON Schema: null is accepted for every
field that is not required (Go decoding leaves the zero value; CRDs prune it), a required
field that is null counts as missing, integers may be written as 3.0 (kubectl's YAML to JSON
conversion turns it into 3), and fields a schema does not define are reported as
`unknown` problems (the API server drops them with a warning, or rejects them with strict
field validation) rather than failing validation.

A compiled check is a closure that returns None for a valid value (the fast path allocates
nothing) or a list of Problems whose paths are built in reverse while unwinding.
"""

from __future__ import annotations

from collections.abc import Callable

from kcompat.schema import formats
from kcompat.schema.goregex import GoRegexError, compile_go

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    from kcompat.schema.goregex import GoPattern

Path = tuple[str | int, ...]


class Problem:
    """One way a value does not match its schema. `path` is relative to the validated value."""

    __slots__ = ("code", "expected", "field", "got", "known", "rpath")

    def __init__(self, code: str, expected: str, got: str | None = None, field: str | None = None,
                 known: tuple[str, ...] = ()) -> None:
        self.code = code
        """type, required, enum, format, pattern, range, length, count, unique, unknown,
        anyOf, oneOf, not, duplicate (x-kubernetes-list-type set/map; `got` is the value as
        the API server prints it, `field` the index of the first occurrence)."""
        self.expected = expected
        self.got = got
        self.field = field
        """For `required` and `unknown`: the field's name (the path then ends at its parent
        for `required`, at the field itself for `unknown`)."""
        self.known = known
        """For `unknown`: the fields the schema defines here (for "did you mean")."""
        self.rpath: list[str | int] = []

    @property
    def path(self) -> Path:
        return tuple(reversed(self.rpath))

    def __repr__(self) -> str:
        return f"Problem({self.code!r}, {self.path!r}, {self.expected!r}, got={self.got!r})"


Check: TypeAlias = "Callable[[Any], list[Problem] | None]"
# (python types that reach `check`, check for them or None, check for every other non-null value)
Entry: TypeAlias = "tuple[frozenset[type], Check | None, Check]"


class SchemaError(ValueError):
    """A schema that cannot be compiled; `path` locates the bad part inside the schema."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


# Defaults the API server sets in Go code for list-map keys of built-in kinds (the OpenAPI
# has no `default` for them): ContainerPort.protocol and ServicePort.protocol are TCP.
BUILTIN_KEY_DEFAULTS: dict[str, Any] = {"protocol": "TCP"}

_NONE = type(None)
ANY_TYPES: frozenset[type] = frozenset({str, int, float, bool, dict, list, _NONE})
_LEAF_KEYS = frozenset({"type", "description"})
_LEAF_TYPES = frozenset({"string", "integer", "number", "boolean"})
_PY_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "integer": frozenset({int}),
    "number": frozenset({int, float}),
    "boolean": frozenset({bool}),
    "object": frozenset({dict}),
    "array": frozenset({list}),
}
_DESCRIBE_TYPE = {str: "string", int: "integer", float: "number", bool: "boolean",
                  dict: "object", list: "array"}


def describe_value(value: Any) -> str:
    """How a value is shown in a message: `string "80"`, `integer 80`, `null`, `an object`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'string "{shown}"'
    if isinstance(value, int | float):
        return f"{_DESCRIBE_TYPE[type(value)]} {value!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def run(entry: Entry, value: Any) -> list[Problem] | None:
    types, check, mismatch = entry
    if type(value) in types:
        return check(value) if check is not None else None
    if value is None:
        return None
    return mismatch(value)


def _prefixed(problems: list[Problem], step: str | int) -> list[Problem]:
    for problem in problems:
        problem.rpath.append(step)
    return problems


def _all(checks: list[Check]) -> Check | None:
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]

    def check_all(value: Any) -> list[Problem] | None:
        found: list[Problem] | None = None
        for check in checks:
            problems = check(value)
            if problems:
                found = problems if found is None else found + problems
        return found

    return check_all


def _type_mismatch(expected: str, integer_check: Check | None = None, integral: bool = False) -> Check:
    """The check for a non-null value of the wrong Python type.

    integral: floats with an integral value pass (kubectl sends 3.0 as 3) and are then checked
    as integers with integer_check.
    """

    def mismatch(value: Any) -> list[Problem] | None:
        if integral and type(value) is float and value.is_integer():
            return integer_check(int(value)) if integer_check is not None else None
        return [Problem("type", expected, describe_value(value))]

    return mismatch


def _object_check(props: dict[str, Entry], required: tuple[str, ...], nullable_required: frozenset[str],
                  additional: Entry | None, report_unknown: bool) -> Check:
    known = tuple(props)

    def check_object(value: dict[Any, Any]) -> list[Problem] | None:
        found: list[Problem] | None = None
        for key, item in value.items():
            entry = props.get(key) if type(key) is str else None
            if entry is None:
                if additional is not None:
                    entry = additional
                elif report_unknown:
                    problem = Problem("unknown", "", field=str(key), known=known)
                    problem.rpath.append(str(key))
                    found = [problem] if found is None else [*found, problem]
                    continue
                else:
                    continue
            types, check, mismatch = entry
            if type(item) in types:
                if check is None:
                    continue
                problems = check(item)
            elif item is None:
                continue
            else:
                problems = mismatch(item)
            if problems:
                _prefixed(problems, key if type(key) is str else str(key))
                found = problems if found is None else found + problems
        for name in required:
            if value.get(name) is None and not (name in nullable_required and name in value):
                got = "null" if name in value else None
                problem = Problem("required", f'field "{name}"', got, field=name)
                found = [problem] if found is None else [*found, problem]
        return found

    return check_object


def _array_check(items: Entry, unique: Check | None = None, null_item: str | None = None) -> Check:
    """unique: the list-type set/map check, run on lists of two or more items.
    null_item: what a null item should have been, when null items are errors (CRDs: the API
    server prunes null fields but not null list items, which then fail their type)."""
    item_types, item_check, item_mismatch = items

    def check_array(value: list[Any]) -> list[Problem] | None:
        found: list[Problem] | None = None
        for index, item in enumerate(value):
            if type(item) in item_types:
                if item_check is None:
                    continue
                problems = item_check(item)
            elif item is None:
                if null_item is None:
                    continue
                problems = [Problem("type", null_item, "null")]
            else:
                problems = item_mismatch(item)
            if problems:
                _prefixed(problems, index)
                found = problems if found is None else found + problems
        if unique is not None and len(value) > 1:
            problems = unique(value)
            if problems:
                found = problems if found is None else found + problems
        return found

    return check_array


def _guard(types: tuple[type, ...], check: Check) -> Check:
    """Apply check only to values of the given types (for schemas without a fixed type)."""

    def guarded(value: Any) -> list[Problem] | None:
        return check(value) if type(value) in types else None

    return guarded


def _range_check(low: int, high: int, label: str) -> Check:
    def in_range(value: Any) -> list[Problem] | None:
        if type(value) is int and not low <= value <= high:
            return [Problem("range", f"integer ({label}, {low} to {high})", describe_value(value))]
        return None

    return in_range


def _format_check(name: str, predicate: Callable[[str], bool]) -> Check:
    example = formats.EXAMPLES.get(name)
    expected = f"format {name}" + (f" ({example})" if example else "")

    def check_format(value: Any) -> list[Problem] | None:
        if type(value) is str and not predicate(value):
            return [Problem("format", expected, describe_value(value))]
        return None

    return check_format


def _quantity_check(value: Any) -> list[Problem] | None:
    if type(value) is str and not formats.is_quantity(value):
        return [Problem("format", f"format quantity ({formats.EXAMPLES['quantity']})",
                        describe_value(value))]
    return None


def _enum_check(values: list[Any]) -> Check:
    allowed = [(type(value), value) for value in values]
    hashable = all(isinstance(value, str) for value in values)
    fast = frozenset(values) if hashable else frozenset()
    shown = ", ".join(_show(value) for value in values[:12]) + (", ..." if len(values) > 12 else "")

    def check_enum(value: Any) -> list[Problem] | None:
        if hashable and type(value) is str:
            if value in fast:
                return None
        elif any(type(value) is kind and value == item for kind, item in allowed):
            return None
        return [Problem("enum", f"one of {shown}", describe_value(value))]

    return check_enum


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


class Compiler:
    """Compiles schemas of one dialect; built-in definitions are resolved through `resolve`.

    Each definition is compiled once per Compiler (recursive definitions such as
    JSONSchemaProps go through a late-bound reference), so a Compiler per Kubernetes minor is
    kept for the whole process.
    """

    def __init__(self, *, crd: bool, resolve: Callable[[str], dict[str, Any] | None] | None = None,
                 preserve_all: bool = False, object_meta: Callable[[], Entry | None] | None = None) -> None:
        self.crd = crd
        self._resolve = resolve
        self._preserve_all = preserve_all
        self._object_meta = object_meta
        self._refs: dict[str, Entry] = {}
        self._plain: dict[str, Entry] = {}
        """Entries of `{type: string}` (and integer, number, boolean), with or without a description:
        half of the nodes of real CRD schemas. Their entry does not depend on where they are."""

    # ------------------------------------------------------------------ references
    def definition(self, name: str) -> Entry:
        """The compiled definition, compiling it (and what it refers to, lazily) if needed."""
        done = self._refs.get(name)
        if done is not None:
            return done
        if self._resolve is None:
            raise SchemaError((), f"$ref {name} cannot be resolved here")
        schema = self._resolve(name)
        if schema is None:
            raise SchemaError((), f"definition {name} is missing from the schema store")
        entry = self.entry(schema, ())
        self._refs[name] = entry
        return entry

    def _reference(self, name: str) -> Entry:
        """A $ref inside a definition: compiled when a value first reaches it, so checking a
        Deployment compiles only the definitions its fields use (and recursion is free)."""
        done = self._refs.get(name)
        if done is not None:
            return done
        lazy = _LazyRef(self, name)
        return ANY_TYPES, lazy.check, lazy.check

    # ------------------------------------------------------------------ schemas
    def entry(self, schema: Any, path: Path, structural: bool = True) -> Entry:
        """Compile one schema node. structural=False for allOf/anyOf/oneOf/not branches,
        which constrain values but do not declare fields (so they report no unknown fields)."""
        if schema is True or schema == {}:
            return ANY_TYPES, None, _never
        if schema.__class__ is dict and len(schema) <= 2 and schema.keys() <= _LEAF_KEYS:
            kind = schema.get("type")
            if kind.__class__ is str:  # not a list or mapping, which _entry refuses with its path
                plain = self._plain.get(kind)
                if plain is None and kind in _LEAF_TYPES:
                    plain = self._plain[kind] = self._entry(schema, path, structural)
                if plain is not None:
                    return plain
        return self._entry(schema, path, structural)

    def _entry(self, schema: Any, path: Path, structural: bool) -> Entry:
        if not isinstance(schema, dict):
            raise SchemaError(path, f"a schema must be an object, not {describe_value(schema)}")
        ref = schema.get("$ref")
        if ref is not None:
            if self.crd:
                raise SchemaError((*path, "$ref"), "$ref is not allowed in a CRD schema")
            if not isinstance(ref, str):
                raise SchemaError((*path, "$ref"), "$ref must be a string")
            return self._reference(ref)
        kind = schema.get("type")
        if kind is not None and (not isinstance(kind, str) or kind not in _PY_TYPES):
            raise SchemaError((*path, "type"), f"unsupported type {_show(kind)}; use one of "
                              "object, array, string, integer, number, boolean")
        int_or_string = schema.get("x-kubernetes-int-or-string") is True
        quantity = not self.crd and schema.get("format") == "quantity"
        checks: list[Check] = []
        if int_or_string:
            types: frozenset[type] = frozenset({int, str})
            expected = "integer or string"
            if not self.crd:
                checks.append(_range_check(*formats.INT32, "int32"))
        elif quantity:
            types, expected = frozenset({str, int, float}), "quantity (string or number)"
            checks.append(_quantity_check)
        elif kind is None:
            types, expected = ANY_TYPES, "any"
        else:
            types, expected = _PY_TYPES[kind], kind
        integer_checks: list[Check] = []
        fmt = schema.get("format")
        if fmt is not None and not isinstance(fmt, str):
            raise SchemaError((*path, "format"), "format must be a string")
        if kind == "integer" and not self.crd and fmt in ("int32", "int64"):
            low, high = formats.INT32 if fmt == "int32" else formats.INT64
            integer_checks.append(_range_check(low, high, fmt))
            expected = f"integer ({fmt})"
        elif isinstance(fmt, str) and kind in (None, "string") and fmt in (
                formats.STRING_FORMATS if self.crd else formats.BUILTIN_STRING_FORMATS):
            known = formats.STRING_FORMATS if self.crd else formats.BUILTIN_STRING_FORMATS
            checks.append(_format_check(fmt, known[fmt]))
        checks.extend(self._value_checks(schema, path))
        object_like = kind == "object" or (kind is None and not int_or_string and (
            "properties" in schema or "additionalProperties" in schema or "required" in schema))
        if object_like:
            checks.append(self._object(schema, path, structural, fixed=kind == "object"))
        array_like = kind == "array" or (kind is None and "items" in schema)
        if array_like:
            checks.append(self._array(schema, path, fixed=kind == "array"))
        for junctor in ("allOf", "anyOf", "oneOf", "not"):
            if junctor in schema:
                checks.append(self._junctor(junctor, schema[junctor], (*path, junctor)))
        check = _all(integer_checks + checks)
        integral = kind == "integer" or int_or_string
        mismatch = _type_mismatch(expected, check, integral)
        return types, check, mismatch

    def _object(self, schema: dict[str, Any], path: Path, structural: bool, fixed: bool) -> Check:
        raw_props = schema.get("properties", {})
        if not isinstance(raw_props, dict):
            raise SchemaError((*path, "properties"), "properties must be an object")
        props = {str(name): self.entry(sub, (*path, "properties", name), structural)
                 for name, sub in raw_props.items()}
        for name, entry in props.items():
            owner = getattr(entry[1], "__self__", None)
            if isinstance(owner, _LazyRef):
                owner.slots.append((props, name))
        required_raw = schema.get("required", [])
        if not isinstance(required_raw, list) or not all(isinstance(n, str) for n in required_raw):
            raise SchemaError((*path, "required"), "required must be a list of field names")
        nullable_required = frozenset(
            name for name in required_raw
            if isinstance(raw_props.get(name), dict) and raw_props[name].get("nullable") is True)
        additional_raw = schema.get("additionalProperties")
        additional: Entry | None = None
        if isinstance(additional_raw, dict):
            additional = self.entry(additional_raw, (*path, "additionalProperties"), structural)
        elif additional_raw is True:
            additional = (ANY_TYPES, None, _never)
        elif additional_raw not in (None, False):
            raise SchemaError((*path, "additionalProperties"),
                              "additionalProperties must be a boolean or a schema")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True or self._preserve_all
        if schema.get("x-kubernetes-embedded-resource") is True:
            props = {**self._embedded_props(), **props}
            required_raw = sorted({*required_raw, "apiVersion", "kind"})
        if self.crd:
            report_unknown = structural and not preserve and additional is None
        else:
            report_unknown = bool(props) and additional is None and not preserve
        check = _object_check(props, tuple(required_raw), nullable_required, additional, report_unknown)
        return check if fixed else _guard((dict,), check)

    def _embedded_props(self) -> dict[str, Entry]:
        string: Entry = (_PY_TYPES["string"], None, _type_mismatch("string"))
        meta = self._object_meta() if self._object_meta is not None else None
        return {"apiVersion": string, "kind": string,
                "metadata": meta or (_PY_TYPES["object"], None, _type_mismatch("object"))}

    def _array(self, schema: dict[str, Any], path: Path, fixed: bool) -> Check:
        items_raw = schema.get("items")
        if items_raw is None:
            items: Entry = (ANY_TYPES, None, _never)
        elif isinstance(items_raw, list):
            if self.crd and items_raw:  # v1beta1 allowed tuple items; validate the first shape
                items = self.entry(items_raw[0], (*path, "items", 0))
            else:
                items = (ANY_TYPES, None, _never)
        else:
            items = self.entry(items_raw, (*path, "items"))
        unique: Check | None = None
        list_type = schema.get("x-kubernetes-list-type")
        if list_type == "set":
            unique = _list_set_check
        elif list_type == "map":
            keys = schema.get("x-kubernetes-list-map-keys")
            if isinstance(keys, list) and all(isinstance(key, str) for key in keys) and keys:
                unique = _list_map_check(tuple(keys), self._key_defaults(items_raw, keys))
        check = _array_check(items, unique, self._null_item(items_raw))
        return check if fixed else _guard((list,), check)

    def _null_item(self, items_raw: Any) -> str | None:
        """For CRDs, the type a null item fails (kube-openapi's type check: a declared type
        without `nullable: true`); None where null items pass."""
        if not self.crd or not isinstance(items_raw, dict) or items_raw.get("nullable") is True:
            return None
        kind = items_raw.get("type")
        return kind if isinstance(kind, str) and kind in _PY_TYPES else None

    def _key_defaults(self, items_raw: Any, keys: list[str]) -> dict[str, Any]:
        """Defaults of list-map key fields: the items schema's `default` (CRDs), or for built-in
        kinds the ones the API server sets in Go code, which the OpenAPI does not carry."""
        found: dict[str, Any] = {}
        props = items_raw.get("properties") if isinstance(items_raw, dict) else None
        for name in keys:
            sub = props.get(name) if isinstance(props, dict) else None
            if isinstance(sub, dict) and "default" in sub:
                found[name] = sub["default"]
            elif not self.crd and name in BUILTIN_KEY_DEFAULTS:
                found[name] = BUILTIN_KEY_DEFAULTS[name]
        return found

    def _junctor(self, junctor: str, raw: Any, path: Path) -> Check:
        if junctor == "not":
            branch = self.entry(raw, path, structural=False)

            def check_not(value: Any) -> list[Problem] | None:
                if run(branch, value):
                    return None
                return [Problem("not", "a value that does not match the `not` schema",
                                describe_value(value))]

            return check_not
        if not isinstance(raw, list) or not raw:
            raise SchemaError(path, f"{junctor} must be a non-empty list of schemas")
        branches = [self.entry(sub, (*path, index), structural=False) for index, sub in enumerate(raw)]
        if junctor == "allOf":
            def check_all_of(value: Any) -> list[Problem] | None:
                found: list[Problem] | None = None
                for branch in branches:
                    problems = run(branch, value)
                    if problems:
                        found = problems if found is None else found + problems
                return found

            return check_all_of
        if junctor == "anyOf":
            def check_any_of(value: Any) -> list[Problem] | None:
                first: list[Problem] | None = None
                for branch in branches:
                    problems = run(branch, value)
                    if not problems:
                        return None
                    first = first or problems
                reason = f" (the first says: {first[0].expected})" if first else ""
                return [Problem("anyOf", f"a value matching one of the {len(branches)} anyOf "
                                f"schemas{reason}", describe_value(value))]

            return check_any_of

        def check_one_of(value: Any) -> list[Problem] | None:
            matches = sum(1 for branch in branches if not run(branch, value))
            if matches == 1:
                return None
            return [Problem("oneOf", f"a value matching exactly one of the {len(branches)} oneOf "
                            f"schemas (it matches {matches})", describe_value(value))]

        return check_one_of

    def _value_checks(self, schema: dict[str, Any], path: Path) -> list[Check]:
        checks: list[Check] = []
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, list):
                raise SchemaError((*path, "enum"), "enum must be a list")
            if values:
                checks.append(_enum_check(values))
        if not self.crd:
            return checks
        pattern = schema.get("pattern")
        if pattern is not None:
            if not isinstance(pattern, str):
                raise SchemaError((*path, "pattern"), "pattern must be a string")
            try:
                compiled = compile_go(pattern)
            except GoRegexError as error:
                raise SchemaError((*path, "pattern"), f"pattern is not a valid Go (RE2) regular expression: "
                                  f"{error}") from None
            checks.append(_pattern_check(pattern, compiled))
        bounds = _bounds(schema, path)
        if bounds is not None:
            checks.append(bounds)
        if schema.get("uniqueItems") is True:
            checks.append(_unique_check("uniqueItems"))
        return checks


def _never(value: Any) -> list[Problem] | None:
    return None


class _LazyRef:
    """Stands in for a definition until a value reaches it; then compiles it once and puts the
    real entry into the properties that held the stand-in (so later calls go direct)."""

    __slots__ = ("compiler", "entry", "name", "slots")

    def __init__(self, compiler: Compiler, name: str) -> None:
        self.compiler = compiler
        self.name = name
        self.entry: Entry | None = None
        self.slots: list[tuple[dict[str, Entry], str]] = []

    def check(self, value: Any) -> list[Problem] | None:
        entry = self.entry
        if entry is None:
            entry = self.entry = self.compiler.definition(self.name)
            for props, key in self.slots:
                props[key] = entry
            self.slots.clear()
        return run(entry, value)


def _pattern_check(pattern: str, compiled: GoPattern) -> Check:
    def check_pattern(value: Any) -> list[Problem] | None:
        if type(value) is str and compiled.search(value) is None:
            return [Problem("pattern", f"a string matching pattern {pattern}", describe_value(value))]
        return None

    return check_pattern


_NUMBER_BOUNDS = ("minimum", "maximum", "multipleOf")
_LENGTH_BOUNDS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")


def _bounds(schema: dict[str, Any], path: Path) -> Check | None:
    limits: dict[str, float] = {}
    for name in (*_NUMBER_BOUNDS, *_LENGTH_BOUNDS):
        if name in schema:
            value = schema[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SchemaError((*path, name), f"{name} must be a number")
            limits[name] = value
    if not limits:
        return None
    exclusive_min = schema.get("exclusiveMinimum") is True
    exclusive_max = schema.get("exclusiveMaximum") is True

    def check_bounds(value: Any) -> list[Problem] | None:
        kind = type(value)
        if kind is int or kind is float:
            low, high, step = limits.get("minimum"), limits.get("maximum"), limits.get("multipleOf")
            if low is not None and (value < low or (exclusive_min and value == low)):
                word = "greater than" if exclusive_min else "at least"
                return [Problem("range", f"a number {word} {low:g}", describe_value(value))]
            if high is not None and (value > high or (exclusive_max and value == high)):
                word = "less than" if exclusive_max else "at most"
                return [Problem("range", f"a number {word} {high:g}", describe_value(value))]
            if step and (value / step) != int(value / step):
                return [Problem("range", f"a multiple of {step:g}", describe_value(value))]
            return None
        if kind is str:
            size, low_key, high_key, unit = len(value), "minLength", "maxLength", "characters"
        elif kind is list:
            size, low_key, high_key, unit = len(value), "minItems", "maxItems", "items"
        elif kind is dict:
            size, low_key, high_key, unit = len(value), "minProperties", "maxProperties", "properties"
        else:
            return None
        low_size, high_size = limits.get(low_key), limits.get(high_key)
        if low_size is not None and size < low_size:
            return [Problem("length", f"at least {low_size:g} {unit}", f"{size}")]
        if high_size is not None and size > high_size:
            return [Problem("length", f"at most {high_size:g} {unit}", f"{size}")]
        return None

    return check_bounds


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if type(value) is float and value.is_integer():
        return ("int", int(value))  # kubectl sends 3.0 as 3
    return (type(value).__name__, value)


def _unique_check(why: str) -> Check:
    def check_unique(value: Any) -> list[Problem] | None:
        if type(value) is not list:
            return None
        seen: dict[Any, int] = {}
        for index, item in enumerate(value):
            key = _freeze(item)
            if key in seen:
                problem = Problem("unique", f"unique items ({why}); same as item {seen[key]}",
                                  describe_value(item))
                problem.rpath.append(index)
                return [problem]
            seen[key] = index
        return None

    return check_unique


def go_value(value: Any, nested: bool = False) -> str:
    """A value as the API server prints the BadValue of a field error (apimachinery's
    field.Error): null, %v for numbers and booleans, %q for strings and Go's %#v for maps
    and lists, e.g. `map[string]interface {}{"containerPort":80, "protocol":"TCP"}`."""
    if value is None:
        return "interface {}(nil)" if nested else "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return _go_float(value)
    if type(value) is str:
        return _go_quote(value)
    if type(value) is dict:
        inner = ", ".join(f"{_go_quote(str(key))}:{go_value(item, True)}"
                          for key, item in sorted(value.items(), key=lambda pair: str(pair[0])))
        return "map[string]interface {}{" + inner + "}"
    if type(value) is list:
        return "[]interface {}{" + ", ".join(go_value(item, True) for item in value) + "}"
    return _go_quote(str(value))


def _go_float(value: float) -> str:
    """A float as the server prints it. kubectl sends an integral float (3.0) as the integer 3,
    which the server decodes as int64; other values print alike in Go's %v and Python's repr
    (0.5, 1e-05)."""
    if value.is_integer():
        return str(int(value))
    return repr(value)


def _go_quote(text: str) -> str:
    """Go's %q: double quotes, backslash escapes for quotes, backslashes and control characters."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _list_set_check(value: Any) -> list[Problem] | None:
    """x-kubernetes-list-type: set. As apiextensions' listtype validation: each value that
    occurs more than once is reported once, at its second occurrence."""
    if type(value) is not list or len(value) < 2:
        return None
    seen: dict[Any, int] = {}
    found: list[Problem] | None = None
    for index, item in enumerate(value):
        key = _freeze(item)
        first = seen.get(key)
        if first is None:
            seen[key] = index
        elif first >= 0:
            seen[key] = -1
            problem = Problem("duplicate", "unique items (x-kubernetes-list-type: set)", go_value(item),
                              field=f"{first}")
            problem.rpath.append(index)
            found = [problem] if found is None else [*found, problem]
    return found


_MISSING = object()
_PLAIN_KEYS = (str, int, float)
"""Key values compared as they are: Python's equality is the server's for these (80 == 80.0
as kubectl sends 80.0 as 80; "80" != 80). Other values (bool, lists, maps) go through _freeze."""


def _list_map_check(keys: tuple[str, ...], key_defaults: dict[str, Any]) -> Check:
    """x-kubernetes-list-type: map: the items' key fields (a missing key with a known default
    counts as that default, as the server sees the defaulted object) are unique. As
    apiextensions' listtype validation, each duplicated key is reported once, at its second
    occurrence; a null item has no key fields."""
    why = f"unique {', '.join(keys)} (x-kubernetes-list-type: map)"
    defaults = tuple(key_defaults.get(name, _MISSING) for name in keys)
    plain = _PLAIN_KEYS

    unspecified = tuple(_MISSING for _ in keys)

    def key_of(item: Any) -> Any:
        if item is None:
            return unspecified  # a null item has no key fields, like an item without them
        found = tuple(item.get(name, default) for name, default in zip(keys, defaults, strict=True))
        for part in found:
            if part is not _MISSING and type(part) not in plain:
                return tuple(_freeze(p) if p is not _MISSING else p for p in found)
        return found

    def check_list_map(value: Any) -> list[Problem] | None:
        if type(value) is not list or len(value) < 2:
            return None
        seen: dict[Any, int] = {}
        found: list[Problem] | None = None
        for index, item in enumerate(value):
            if item is not None and type(item) is not dict:
                continue  # a type problem, reported by the items' own check
            key = key_of(item)
            first = seen.get(key)
            if first is None:
                seen[key] = index
            elif first >= 0:
                seen[key] = -1
                shown = {name: part for name, part in zip(keys, key_of_raw(item), strict=True)
                         if part is not _MISSING}
                problem = Problem("duplicate", why, go_value(shown), field=f"{first}")
                problem.rpath.append(index)
                found = [problem] if found is None else [*found, problem]
        return found

    def key_of_raw(item: Any) -> tuple[Any, ...]:
        if item is None:
            return unspecified
        return tuple(item.get(name, default) for name, default in zip(keys, defaults, strict=True))

    return check_list_map
