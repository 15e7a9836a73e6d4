"""Schema findings in the API server's words: `<field>: <Type>: <detail>` and details.errorType.

The details are kube-openapi's validation errors as the API server (apiextensions-apiserver)
reports them; kubectl-validate's recorded answers (fixtures/realworld/kubectl-validate) hold the
type error verbatim. kcompat appends which schema it used, in parentheses.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI
from kcompat.checks.schema_rules import go_value_as_json
from kcompat.schema.validator import go_value

Write = Callable[[str, str], Path]

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
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
              mode: {type: string, enum: [Fast, Slow]}
              name: {type: string, pattern: '^[a-z]+$'}
              size: {type: integer, minimum: 1, maximum: 10}
              ratio: {type: number, exclusiveMaximum: true, maximum: 1}
              count: {type: integer}
"""


def widget(spec: str) -> str:
    return "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n" + textwrap.indent(spec, "  ")


def run_findings(run_cli: CLI, *args: str) -> dict[str, dict[str, Any]]:
    run = run_cli("check", *args, "-t", "1.30", "-o", "json")
    return {f["details"]["field"]: f for f in run.json()["findings"] if f["rule"] in ("schema", "crd-invalid")}


def messages(run_cli: CLI, write: Write, spec: str) -> dict[str, tuple[str, str]]:
    crd = write("crd.yaml", CRD)
    found = run_findings(run_cli, str(write("cr.yaml", widget(spec))), "--crd", str(crd))
    return {field: (f["message"].removesuffix(" (CRD widgets.example.com v1)"), f["details"]["errorType"])
            for field, f in found.items()}


def test_built_in_type_error_is_the_servers(run_cli: CLI, write: Write) -> None:
    path = write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n- not a map\n")
    (finding,) = run_findings(run_cli, str(path)).values()
    assert finding["message"] == ('data: Invalid value: "array": data in body must be of type object: "array" '
                                  "(1.30 schema)")
    assert finding["details"]["errorType"] == "FieldValueTypeInvalid"
    assert (finding["details"]["expected"], finding["details"]["got"]) == ("object", "an array")


def test_formatted_type_names_the_json_type(run_cli: CLI, write: Write) -> None:
    path = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                 "  - {name: a, image: nginx, ports: [{containerPort: '80'}]}\n")
    found = run_findings(run_cli, str(path))
    field = "spec.containers[0].ports[0].containerPort"
    assert found[field]["message"] == (f'{field}: Invalid value: "string": {field} in body must be of type integer: '
                                       '"string" (1.30 schema)')
    assert found[field]["details"]["expected"] == "integer (int32)"


def test_crd_enum_pattern_bounds_and_type(run_cli: CLI, write: Write) -> None:
    assert messages(run_cli, write, "mode: Medium\nname: Not Valid\nsize: 0\nratio: 1\ncount: '3'\n") == {
        "spec.mode": ('spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"',
                      "FieldValueNotSupported"),
        "spec.name": ("spec.name: Invalid value: \"Not Valid\": spec.name in body should match '^[a-z]+$'",
                      "FieldValueInvalid"),
        "spec.size": ("spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1",
                      "FieldValueInvalid"),
        "spec.ratio": ("spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1", "FieldValueInvalid"),
        "spec.count": ('spec.count: Invalid value: "string": spec.count in body must be of type integer: "string"',
                       "FieldValueTypeInvalid"),
    }


def test_crd_bounds_boundaries(run_cli: CLI, write: Write) -> None:
    assert messages(run_cli, write, "size: 1\nratio: 0.99\nmode: Slow\nname: abc\n") == {}
    assert messages(run_cli, write, "size: 10\n") == {}
    assert messages(run_cli, write, "size: 11\n") == {
        "spec.size": ("spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10",
                      "FieldValueInvalid")}


def test_secret_values_stay_hidden(run_cli: CLI, write: Write) -> None:
    path = write("s.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: 12345\n")
    (finding,) = run_findings(run_cli, str(path)).values()
    assert "12345" not in finding["message"]


def test_invalid_crd_names_the_servers_field(run_cli: CLI, write: Write) -> None:
    single = CRD.replace("count: {type: integer}", "count: {type: integr}")
    (finding,) = run_findings(run_cli, str(write("crd.yaml", single))).values()
    field = "spec.validation.openAPIV3Schema.properties[spec].properties[count].type"  # one schema: hoisted
    assert finding["message"] == (f'invalid CRD: {field}: Unsupported value: "integr": supported values: "array", '
                                  '"boolean", "integer", "number", "object", "string"')
    assert finding["details"] == {"field": field, "errorType": "FieldValueNotSupported"}
    two = single.replace("  - name: v1\n    served: true\n    storage: true\n",
                         "  - name: v0\n    served: true\n    storage: false\n    schema:\n"
                         "      openAPIV3Schema: {type: object}\n  - name: v1\n    served: true\n    storage: true\n")
    (finding,) = run_findings(run_cli, str(write("crd2.yaml", two))).values()
    assert finding["details"]["field"] == \
        "spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[count].type"


DEPLOYMENT_PORTS = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: nginx
    ports:
    - containerPort: 80
    - {containerPort: 80, protocol: TCP}
"""


def test_duplicate_value_is_json_from_1_34(run_cli: CLI, write: Write) -> None:
    """apimachinery v0.34.0 prints a map or list BadValue with json.Marshal, before with %#v."""
    path = write("pod.yaml", DEPLOYMENT_PORTS)
    field = "spec.containers[0].ports[1]"

    def shown(target: str) -> tuple[str, str]:
        run = run_cli("check", str(path), "-t", target, "--strict", "-o", "json")
        (finding,) = [f for f in run.json()["findings"] if f["rule"] == "duplicate-value"]
        return finding["message"].split(" (", 1)[0], finding["details"]["value"]

    go = 'map[string]interface {}{"containerPort":80, "protocol":"TCP"}'
    assert shown("1.33") == (f"{field}: Duplicate value: {go}", go)
    json_key = '{"containerPort":80,"protocol":"TCP"}'
    assert shown("1.34") == (f"{field}: Duplicate value: {json_key}", json_key)


@pytest.mark.parametrize("value, expected", [
    ({"containerPort": 88, "protocol": "TCP"}, '{"containerPort":88,"protocol":"TCP"}'),
    ([1, "a", None, {"b": [True, 0.5]}], '[1,"a",null,{"b":[true,0.5]}]'),
    ({"k": "a<b&c\"d\\e\tf"}, '{"k":"a\\u003cb\\u0026c\\"d\\\\e\\tf"}'),
    ({"name": "café"}, '{"name":"café"}'),
    ({}, "{}"),
    ("plain", '"plain"'),  # strings and numbers keep %q / %v
    (80, "80"),
])
def test_go_value_as_json(value: object, expected: str) -> None:
    assert go_value_as_json(go_value(value)) == expected


def test_go_value_as_json_leaves_other_text() -> None:
    assert go_value_as_json("core.ServicePort{Name:\"\"}") == "core.ServicePort{Name:\"\"}"
    assert go_value_as_json("map[string]interface {}{broken") == "map[string]interface {}{broken"
