"""x-kubernetes-list-type set/map: duplicates as apiextensions' listtype validation reports them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CLI
from kcompat.schema.builtin import version_schemas
from kcompat.schema.validator import Compiler, Problem, go_value, run

Write = Callable[[str, str | bytes], Path]


def crd_list(list_type: str, keys: list[str] | None = None, items: Any = None) -> Any:
    schema: dict[str, Any] = {"type": "array", "x-kubernetes-list-type": list_type,
                              "items": items or {"type": "string"}}
    if keys is not None:
        schema["x-kubernetes-list-map-keys"] = keys
    return Compiler(crd=True).entry(schema, ())


def dupes(found: list[Problem] | None) -> list[tuple[tuple[Any, ...], str | None, str | None]]:
    return [(p.path, p.got, p.field) for p in found or [] if p.code == "duplicate"]


PORT = {"type": "object", "properties": {"port": {"type": "integer"}, "protocol": {"type": "string"}}}


def test_set_reports_each_repeated_value_once_at_its_second_occurrence() -> None:
    entry = crd_list("set")
    assert dupes(run(entry, ["a", "b", "a", "a", "b"])) == [((2,), '"a"', "0"), ((4,), '"b"', "1")]
    assert run(entry, ["a", "b", "c"]) is None
    assert run(entry, ["a"]) is None and run(entry, []) is None  # boundary: nothing to compare


def test_set_compares_types_and_whole_objects() -> None:
    numbers = crd_list("set", items={"type": "integer"})
    assert run(numbers, [1, 2]) is None
    assert dupes(run(numbers, [1, 1.0])) == [((1,), "1", "0")]  # kubectl sends 1.0 as 1
    objects = crd_list("set", items={"type": "object", "x-kubernetes-preserve-unknown-fields": True})
    assert run(objects, [{"a": 1}, {"a": 2}]) is None
    assert dupes(run(objects, [{"a": 1, "b": [1]}, {"b": [1], "a": 1}])) == [
        ((1,), 'map[string]interface {}{"a":1, "b":[]interface {}{1}}', "0")]


def test_map_keys_unique_with_missing_keys_counting_as_unspecified() -> None:
    entry = crd_list("map", ["port", "protocol"], PORT)
    assert run(entry, [{"port": 80, "protocol": "TCP"}, {"port": 80, "protocol": "UDP"}]) is None
    assert dupes(run(entry, [{"port": 80, "protocol": "TCP"}, {"port": 80, "protocol": "TCP"}])) == [
        ((1,), 'map[string]interface {}{"port":80, "protocol":"TCP"}', "0")]
    # no default for protocol in this schema: a missing protocol is not TCP
    assert run(entry, [{"port": 80}, {"port": 80, "protocol": "TCP"}]) is None
    assert dupes(run(entry, [{"port": 80}, {"port": 80}])) == [((1,), 'map[string]interface {}{"port":80}', "0")]
    assert dupes(run(entry, [None, {}])) == [((1,), "map[string]interface {}{}", "0")]


def test_map_key_with_a_schema_default_counts_as_that_default() -> None:
    items = {"type": "object", "properties": {"port": {"type": "integer"},
                                              "protocol": {"type": "string", "default": "TCP"}}}
    entry = crd_list("map", ["port", "protocol"], items)
    assert dupes(run(entry, [{"port": 80}, {"port": 80, "protocol": "TCP"}])) == [
        ((1,), 'map[string]interface {}{"port":80, "protocol":"TCP"}', "0")]
    assert run(entry, [{"port": 80}, {"port": 80, "protocol": "UDP"}]) is None


def test_atomic_and_untyped_lists_allow_duplicates() -> None:
    assert run(crd_list("atomic"), ["a", "a"]) is None
    assert run(Compiler(crd=True).entry({"type": "array", "items": {"type": "string"}}, ()), ["a", "a"]) is None


@pytest.mark.parametrize(("value", "shown"), [
    (None, "null"), (True, "true"), (80, "80"), (0.5, "0.5"), (3.0, "3"), ("a\"b", '"a\\"b"'),
    ({"b": None, "a": [1, "x"]}, 'map[string]interface {}{"a":[]interface {}{1, "x"}, "b":interface {}(nil)}'),
])
def test_values_are_printed_as_the_api_server_prints_them(value: Any, shown: str) -> None:
    assert go_value(value) == shown


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: PORTS
"""


def builtin_dupes(ports: str, minor: int = 29) -> list[tuple[tuple[Any, ...], str | None, str | None]]:
    obj = yaml.safe_load(DEPLOYMENT.replace("PORTS", ports))
    return dupes(version_schemas(minor).validate("apps/v1", "Deployment", obj))


def test_builtin_container_ports_are_a_list_map_and_protocol_defaults_to_tcp() -> None:
    path = ("spec", "template", "spec", "containers", 0, "ports", 1)
    expected = [(path, 'map[string]interface {}{"containerPort":80, "protocol":"TCP"}', "0")]
    assert builtin_dupes("[{containerPort: 80}, {containerPort: 80, protocol: TCP}]") == expected
    assert builtin_dupes("[{containerPort: 80}, {containerPort: 80}]") == expected
    assert builtin_dupes("[{containerPort: 80}, {containerPort: 80, protocol: UDP}]") == []
    assert builtin_dupes("[{containerPort: 80}, {containerPort: 81}]") == []
    assert builtin_dupes("[{containerPort: 80}]") == []


def test_cli_wording_rule_and_severity(run_cli: CLI, write: Write) -> None:
    path = write("deploy.yaml", DEPLOYMENT.replace("PORTS", "\n        - containerPort: 80\n"
                                                          "        - containerPort: 80\n          protocol: TCP"))
    findings = [f for f in run_cli("check", str(path), "-t", "1.29", "-o", "json").json()["findings"]
                if f["rule"] == "duplicate-value"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding["message"].startswith(
        'spec.template.spec.containers[0].ports[1]: Duplicate value: '
        'map[string]interface {}{"containerPort":80, "protocol":"TCP"} (')
    assert finding["details"]["field"] == "spec.template.spec.containers[0].ports[1]"
    assert finding["severity"] == "warning"  # built-in: the server's own checks only warn
    assert finding["line"] == 15  # the second item (the file starts with a blank line)
    strict = run_cli("check", str(path), "-t", "1.29", "-o", "json", "--strict").json()["findings"]
    assert [f["severity"] for f in strict if f["rule"] == "duplicate-value"] == ["error"]


CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, kind: Widget}
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
            properties:
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  tags: [a, a]
"""


def test_crd_duplicates_are_errors(run_cli: CLI, write: Write) -> None:
    path = write("widget.yaml", CRD)
    run = run_cli("check", str(path), "-t", "1.31", "-o", "json")
    findings = [f for f in run.json()["findings"] if f["rule"] == "duplicate-value"]
    assert [(f["severity"], f["details"]["field"], f["line"]) for f in findings] == [("error", "spec.tags[1]", 26)]
    assert findings[0]["message"].startswith('spec.tags[1]: Duplicate value: "a" (')
    assert run.code == 1
    json.dumps(findings)  # details stay JSON-serialisable
