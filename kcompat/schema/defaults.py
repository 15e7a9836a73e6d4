"""CRD structural defaulting: the object as the API server sees it after decoding a create.

apiextensions-apiserver decodes a custom resource in two steps before it validates it
(pkg/apiserver/schema/defaulting):

1. nulls are pruned: a map entry whose value is null is deleted when its schema (a property or
   additionalProperties) is not `nullable: true` and has no `default`;
2. defaults are applied: a property with a `default` that is missing, or null while not
   nullable, gets a copy of the default; an array item or additionalProperties value that is
   null while not nullable gets its schema's default. Defaulting recurses into every value that
   exists afterwards, including the defaults just set, so a default object gets its own nested
   defaults; it never creates a parent object that is absent (a default inside `spec.tls` does
   nothing when there is no `tls`).

Unknown fields are pruned before this; kcompat reports them instead, and they have no schema,
so nothing here touches them. Validation (required, oneOf/anyOf, list-map keys, ...) and CEL
rules then see the defaulted object.

`apply_defaults(schema, obj)` returns the defaulted object and never modifies obj: what does not
change is shared with obj, what changes is copied (copy on write). Compiled defaulters are
cached by schema identity for the life of the schema object.
"""

from __future__ import annotations

import copy
from typing import Any

_ABSENT = object()


class DefaultsNode:
    """What defaulting needs of one schema node."""

    __slots__ = ("additional", "default", "defaulted", "items", "nullable", "props")

    def __init__(self) -> None:
        self.props: dict[str, DefaultsNode] = {}
        self.defaulted: tuple[tuple[str, DefaultsNode], ...] = ()
        """The properties that have a default."""
        self.additional: DefaultsNode | None = None
        self.items: DefaultsNode | None = None
        self.default: Any = _ABSENT
        self.nullable = False


def compile_defaults(schema: Any) -> DefaultsNode:
    """The defaulting tree of a structural schema (CRD schemas have no $ref, so it is finite)."""
    node = DefaultsNode()
    if not isinstance(schema, dict):
        return node
    node.nullable = schema.get("nullable") is True
    if "default" in schema and schema["default"] is not None:
        node.default = schema["default"]
    props = schema.get("properties")
    if isinstance(props, dict):
        node.props = {str(name): compile_defaults(sub) for name, sub in props.items()}
        node.defaulted = tuple((name, sub) for name, sub in node.props.items() if sub.default is not _ABSENT)
    additional = schema.get("additionalProperties")
    if isinstance(additional, dict):
        node.additional = compile_defaults(additional)
    items = schema.get("items")
    if isinstance(items, dict):
        node.items = compile_defaults(items)
    elif isinstance(items, list) and items and isinstance(items[0], dict):
        node.items = compile_defaults(items[0])
    return node


def has_defaults(schema: Any) -> bool:
    """Whether any node of the schema declares a `default` (else defaulting only prunes nulls)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("default") is not None:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _prunable(value: Any, node: DefaultsNode | None) -> bool:
    return value is None and node is not None and not node.nullable and node.default is _ABSENT


def _apply(value: Any, node: DefaultsNode) -> Any:
    kind = type(value)
    if kind is dict:
        out = value
        props = node.props
        additional = node.additional
        for key, item in value.items():
            if item is None and _prunable(item, props.get(key, additional) if type(key) is str else None):
                if out is value:
                    out = dict(value)
                del out[key]
        for name, prop in node.defaulted:
            current = out.get(name, _ABSENT)
            if current is _ABSENT or (current is None and not prop.nullable):
                if out is value:
                    out = dict(value)
                out[name] = copy.deepcopy(prop.default)
        for key, item in list(out.items()):
            sub: DefaultsNode | None = props.get(key) if type(key) is str else None
            if sub is None:
                sub = additional
                if sub is None:
                    continue
                if item is None and not sub.nullable and sub.default is not _ABSENT:
                    if out is value:
                        out = dict(value)
                    item = out[key] = copy.deepcopy(sub.default)
            if type(item) is dict or type(item) is list:
                new = _apply(item, sub)
                if new is not item:
                    if out is value:
                        out = dict(value)
                    out[key] = new
        return out
    if kind is list:
        items = node.items
        if items is None:
            return value
        out_list = value
        for index, item in enumerate(value):
            new = item
            if item is None and not items.nullable and items.default is not _ABSENT:
                new = copy.deepcopy(items.default)
            if type(new) is dict or type(new) is list:
                new = _apply(new, items)
            if new is not item:
                if out_list is value:
                    out_list = list(value)
                out_list[index] = new
        return out_list
    return value


def default_object(node: DefaultsNode, obj: Any) -> Any:
    """obj after null pruning and defaulting with a compiled tree (see apply_defaults)."""
    return _apply(obj, node)


_COMPILED: dict[int, tuple[Any, DefaultsNode]] = {}


def apply_defaults(schema: dict[str, Any], obj: Any) -> Any:
    """The object the API server validates (and CEL rules see) for a create against schema:
    non-nullable nulls without a default pruned, then structural defaults applied.

    Returns obj itself when nothing changes, otherwise a copy; obj is never modified.
    """
    cached = _COMPILED.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, compile_defaults(schema))
        _COMPILED[id(schema)] = cached
    return _apply(obj, cached[1])
