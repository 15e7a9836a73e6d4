"""Structural-schema problems of v1 CRDs carry the exact path of the schema node at every depth."""

from __future__ import annotations

from kcompat.core.model import Origin
from kcompat.schema.crds import parse_crd


def test_structural_problems_name_their_nodes() -> None:
    schema = {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
            "untyped": {"description": "no type"},
            "list": {"type": "array", "items": {"type": "strng"}},
            "map": {"type": "object", "additionalProperties": {"$ref": "#/x", "type": "string"}},
            "both": {"type": "object", "properties": {"a": {"type": "string"}},
                     "additionalProperties": {"type": "string"}},
            "open": {"x-kubernetes-preserve-unknown-fields": True},
        }}}}
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "things.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"kind": "Thing", "plural": "things"},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": schema}}]}}
    _, problems = parse_crd(crd, "apiextensions.k8s.io/v1", Origin("crd.yaml", 0, 1, 1))
    base = ("spec", "versions", 0, "schema", "openAPIV3Schema", "properties", "spec", "properties")
    found = {(p.path[len(base):] if p.path[:len(base)] == base else p.path, p.message.split(" ")[0])
             for p in problems}
    assert {
        (("untyped",), "type"),
        (("list", "items", "type"), "Unsupported"),
        (("map", "additionalProperties", "$ref"), "$ref"),
        (("both", "additionalProperties"), "properties"),
    } <= found
    assert not any(path[:1] == ("open",) for path, _ in found)
