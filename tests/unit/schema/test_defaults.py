"""CRD structural defaulting before validation (kcompat.schema.defaults), as apiextensions-apiserver does."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from kcompat.core.model import Origin
from kcompat.schema.crds import crd_validator, defaulted_object, parse_crd
from kcompat.schema.defaults import apply_defaults, has_defaults
from kcompat.schema.validator import run

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "replicas": {"type": "integer", "default": 1},
                "mode": {"type": "string", "default": "Fast", "nullable": True},
                "note": {"type": "string"},
                "tls": {"type": "object", "properties": {"port": {"type": "integer", "default": 443}}},
                "policy": {"type": "object", "default": {},
                           "properties": {"retries": {"type": "integer", "default": 3}}},
                "ports": {"type": "array", "items": {
                    "type": "object", "default": {"port": 80},
                    "properties": {"port": {"type": "integer"}, "protocol": {"type": "string", "default": "TCP"}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string", "default": "x"}},
            },
        },
    },
}


def test_missing_properties_get_their_default_and_defaults_get_nested_defaults() -> None:
    out = apply_defaults(SCHEMA, {"spec": {}})
    assert out == {"spec": {"replicas": 1, "mode": "Fast", "policy": {"retries": 3}}}


def test_given_values_are_kept() -> None:
    obj = {"spec": {"replicas": 0, "mode": "Slow", "policy": {"retries": 0}}}
    assert apply_defaults(SCHEMA, obj) == obj


def test_no_parent_no_default() -> None:
    """tls.port has a default, but tls is absent: nothing is created. spec absent: nothing at all."""
    assert "tls" not in apply_defaults(SCHEMA, {"spec": {}})["spec"]
    assert apply_defaults(SCHEMA, {"spec": {"tls": {}}})["spec"]["tls"] == {"port": 443}
    assert apply_defaults(SCHEMA, {}) == {}


def test_array_items_and_additional_properties() -> None:
    out = apply_defaults(SCHEMA, {"spec": {"ports": [{"port": 8080}, None, {"port": 9, "protocol": "UDP"}],
                                           "labels": {"a": None, "b": "given"}}})
    assert out["spec"]["ports"] == [{"port": 8080, "protocol": "TCP"}, {"port": 80, "protocol": "TCP"},
                                    {"port": 9, "protocol": "UDP"}]
    assert out["spec"]["labels"] == {"a": "x", "b": "given"}


def test_nulls_pruned_defaulted_or_kept_by_nullable() -> None:
    out = apply_defaults(SCHEMA, {"spec": {"replicas": None, "mode": None, "note": None, "unknown": None}})
    assert out["spec"]["replicas"] == 1           # non-nullable null with a default: defaulted
    assert out["spec"]["mode"] is None            # nullable: the null stays
    assert "note" not in out["spec"]              # non-nullable, no default: pruned
    assert out["spec"]["unknown"] is None         # no schema: left to unknown-field pruning


def test_input_is_never_modified_and_unchanged_input_is_returned_as_is() -> None:
    obj = {"spec": {"ports": [{"port": 1}], "labels": {"a": None}}}
    before = copy.deepcopy(obj)
    out = apply_defaults(SCHEMA, obj)
    assert obj == before and out != obj
    full = apply_defaults(SCHEMA, {"spec": {"replicas": 2, "mode": "M", "policy": {"retries": 1}}})
    assert apply_defaults(SCHEMA, full) is full
    defaulted = apply_defaults(SCHEMA, {"spec": {}})
    defaulted["spec"]["policy"]["retries"] = 99  # defaults are copies, not the schema's own value
    assert SCHEMA["properties"]["spec"]["properties"]["policy"]["default"] == {}
    assert apply_defaults(SCHEMA, {"spec": {}})["spec"]["policy"] == {"retries": 3}


def test_has_defaults() -> None:
    assert has_defaults(SCHEMA)
    assert not has_defaults({"type": "object", "properties": {"a": {"type": "string", "description": "default"}}})
    assert has_defaults({"type": "array", "items": {"type": "string", "default": "a"}})


CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gateways.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gateways, kind: Gateway}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [mode]
            properties:
              mode: {type: string, default: Auto}
              addresses:
                type: array
                items:
                  type: object
                  required: [value]
                  properties:
                    type: {type: string, default: IPAddress}
                    value: {type: string}
                  oneOf:
                  - properties: {type: {enum: [IPAddress]}, value: {format: ipv4}}
                    required: [type]
                  - properties: {type: {enum: [Hostname]}}
                    required: [type]
"""


def crd_version(preserve: bool = False) -> Any:
    obj = yaml.safe_load(CRD)
    if preserve:
        obj["apiVersion"] = "apiextensions.k8s.io/v1beta1"
        obj["spec"]["preserveUnknownFields"] = True
    crd, problems = parse_crd(obj, obj["apiVersion"], Origin("crd.yaml"))
    assert crd is not None, problems
    return crd.versions[0]


def problems_of(obj: dict[str, Any], preserve: bool = False) -> list[tuple[str, tuple[Any, ...]]]:
    version = crd_version(preserve)
    found = run(crd_validator(version, 31, None), defaulted_object(version, obj)) or []
    return [(p.code, p.path) for p in found]


def test_oneof_and_required_see_the_defaulted_object() -> None:
    good = {"apiVersion": "example.com/v1", "kind": "Gateway", "metadata": {"name": "g"},
            "spec": {"addresses": [{"value": "10.0.0.1"}, {"type": "Hostname", "value": "example.com"}]}}
    assert problems_of(good) == []
    # Without defaulting, spec.mode is missing and addresses[0] matches both oneOf branches.
    assert problems_of(good, preserve=True) == [("oneOf", ("spec", "addresses", 0)),
                                                ("required", ("spec",))]


def test_a_default_does_not_hide_a_real_error() -> None:
    bad = {"apiVersion": "example.com/v1", "kind": "Gateway", "metadata": {"name": "g"},
           "spec": {"mode": None, "addresses": [{"value": "not-an-ip"}]}}
    assert problems_of(bad) == [("oneOf", ("spec", "addresses", 0))]


def test_the_resource_itself_is_not_modified() -> None:
    obj = {"apiVersion": "example.com/v1", "kind": "Gateway", "metadata": {"name": "g"}, "spec": {}}
    out = defaulted_object(crd_version(), obj)
    assert obj["spec"] == {} and out["spec"] == {"mode": "Auto"}
