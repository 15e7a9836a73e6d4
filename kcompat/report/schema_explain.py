"""`kcompat explain API --field PATH` and `kcompat schemas`: what the bundled schemas say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kcompat.catalog.schema_store import SchemaStore

_STEP = re.compile(r"\[[^\]]*\]")


class FieldNotFound(LookupError):
    """The kind or field is not in the schema of the asked version."""


@dataclass
class FieldInfo:
    api_version: str
    kind: str
    path: list[str]
    minor: int
    type: str
    definition: str | None = None
    description: str | None = None
    required: bool = False
    enum: list[Any] = field(default_factory=list)
    format: str | None = None
    fields: list[tuple[str, str, bool]] = field(default_factory=list)
    """For objects (or arrays of objects): (name, type, required) of each sub-field."""

    def to_json(self) -> dict[str, Any]:
        return {"apiVersion": self.api_version, "kind": self.kind, "field": ".".join(self.path),
                "version": f"1.{self.minor}", "type": self.type, "definition": self.definition,
                "description": self.description, "required": self.required, "enum": self.enum,
                "format": self.format,
                "fields": [{"name": n, "type": t, "required": r} for n, t, r in self.fields]}


def parse_field(text: str) -> list[str]:
    """spec.template.spec.containers[0].ports -> [spec, template, spec, containers, ports]."""
    cleaned = _STEP.sub("", text.strip())
    return [step for step in cleaned.split(".") if step]


def _resolve(store: SchemaStore, minor: int, node: Any) -> tuple[Any, str | None]:
    name = None
    for _ in range(64):
        if not isinstance(node, dict) or "$ref" not in node:
            break
        name = node["$ref"]
        node = store.definition(minor, name)
    return node, name


def type_text(store: SchemaStore, minor: int, node: Any) -> str:
    node, name = _resolve(store, minor, node)
    if not isinstance(node, dict):
        return "any"
    if node.get("x-kubernetes-int-or-string"):
        return "integer or string"
    if node.get("format") == "quantity":
        return "quantity (string or number)"
    kind = node.get("type")
    if kind == "array":
        return f"array of {type_text(store, minor, node.get('items'))}"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"map of string to {type_text(store, minor, node['additionalProperties'])}"
    text = kind or ("object" if "properties" in node else "any")
    if node.get("format") and node["format"] != "quantity":
        text += f" ({node['format']})"
    if name is not None and text == "object":
        text += f" ({name.rpartition('.')[2]})"
    return text


def explain_field(store: SchemaStore, minor: int, api_version: str, kind: str, text: str) -> FieldInfo:
    root = store.kind_definition(minor, api_version, kind)
    if root is None:
        raise FieldNotFound(f"{api_version} {kind} is not in the 1.{minor} schemas")
    path = parse_field(text)
    node: Any = {"$ref": root}
    parent_docs: dict[str, Any] = {}
    required = False
    walked: list[str] = []
    for step in path:
        node, name = _resolve(store, minor, node)
        while isinstance(node, dict) and node.get("type") == "array":  # lists are implicit
            node, name = _resolve(store, minor, node.get("items"))
        if not isinstance(node, dict):
            raise FieldNotFound(f"{'.'.join(walked) or kind} has no fields")
        props = node.get("properties", {})
        if step in props:
            parent_docs = store.docs(minor, name) if name else {}
            required = step in node.get("required", ())
            node = props[step]
        elif isinstance(node.get("additionalProperties"), dict):
            parent_docs, required = {}, False
            node = node["additionalProperties"]
        else:
            where = ".".join(walked) or kind
            close = ", ".join(sorted(props)) if props else "none"
            raise FieldNotFound(f"{where} has no field {step!r} in 1.{minor} (its fields: {close})")
        walked.append(step)
    info = FieldInfo(api_version, kind, path, minor, type_text(store, minor, node), required=required)
    description = parent_docs.get("p", {}).get(path[-1]) if path else None
    target, name = _resolve(store, minor, node)
    while isinstance(target, dict) and target.get("type") == "array":
        target, inner = _resolve(store, minor, target.get("items"))
        name = inner or name
    if name is not None:
        info.definition = name
        if description is None:
            description = store.docs(minor, name).get("d")
    info.description = description
    if isinstance(target, dict):
        info.enum = list(target.get("enum", []))
        info.format = target.get("format")
        required_fields = set(target.get("required", ()))
        for sub, schema in sorted(target.get("properties", {}).items()):
            info.fields.append((sub, type_text(store, minor, schema), sub in required_fields))
    return info


def describe_field(info: FieldInfo) -> list[str]:
    title = ".".join(info.path) or "(the object)"
    lines = [f"{info.api_version} {info.kind}  {title}  (Kubernetes 1.{info.minor} schema)"]
    lines.append(f"  type:        {info.type}")
    if info.path:
        lines.append(f"  required:    {'yes' if info.required else 'no'}")
    if info.enum:
        lines.append("  one of:      " + ", ".join(str(value) for value in info.enum))
    if info.format and info.format not in info.type:
        lines.append(f"  format:      {info.format}")
    if info.description:
        lines.append("  description: " + info.description.replace("\n", "\n               "))
    if info.fields:
        lines.append("  fields:")
        width = max(len(name) for name, _, _ in info.fields)
        for name, kind, required in info.fields:
            lines.append(f"    {name:<{width}}  {kind}{'  (required)' if required else ''}")
    return lines
