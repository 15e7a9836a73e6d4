"""A required field present as null is missing, as the API server sees it ("Required value")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import CLI

Write = Callable[[str, str | bytes], Path]

ROLE_BINDING = """apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
NAME
subjects: [{kind: ServiceAccount, name: x}]
"""


def schema_findings(run_cli: CLI, write: Write, text: str, target: str = "1.29") -> list[dict[str, object]]:
    path = write("obj.yaml", text)
    found: list[dict[str, object]] = run_cli("check", str(path), "-t", target, "-o", "json").json()["findings"]
    return [f for f in found if f["rule"] == "schema"]


def test_null_required_field_is_a_required_value_error_at_the_field(run_cli: CLI, write: Write) -> None:
    found = schema_findings(run_cli, write, ROLE_BINDING.replace("NAME", "  name:"))
    assert len(found) == 1
    assert str(found[0]["message"]).startswith("roleRef.name: Required value: ")
    assert found[0]["severity"] == "error" and found[0]["line"] == 7
    assert found[0]["details"] == {"field": "roleRef.name", "expected": 'field "name"', "got": "null",  # type: ignore[comparison-overlap]
                                   "schemaVersion": "1.29", "errorType": "FieldValueRequired"}


def test_missing_and_present_required_fields(run_cli: CLI, write: Write) -> None:
    missing = schema_findings(run_cli, write, ROLE_BINDING.replace("NAME\n", ""))
    assert [f["details"]["field"] for f in missing] == ["roleRef.name"]  # type: ignore[index]
    assert schema_findings(run_cli, write, ROLE_BINDING.replace("NAME", "  name: reader")) == []
    # an empty string is present for the schema (the server's own check then rejects "")
    assert schema_findings(run_cli, write, ROLE_BINDING.replace("NAME", '  name: ""')) == []


CRD = """apiVersion: apiextensions.k8s.io/v1
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
            required: [size, owner, mode]
            properties:
              size: {type: integer}
              owner: {type: string, nullable: true}
              mode: {type: string, default: Auto}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {size: SIZE, owner: null, mode: null}
"""


def test_crd_null_is_missing_unless_nullable_or_defaulted(run_cli: CLI, write: Write) -> None:
    found = schema_findings(run_cli, write, CRD.replace("SIZE", "null"), "1.31")
    # size: the server prunes the null, then finds it missing; owner: nullable keeps its null;
    # mode: a null with a default is defaulted to Auto
    assert [(f["details"]["field"], str(f["message"]).split(": ")[1]) for f in found] == [  # type: ignore[index]
        ("spec.size", "Required value")]
    assert schema_findings(run_cli, write, CRD.replace("SIZE", "3"), "1.31") == []
