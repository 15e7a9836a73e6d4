"""The built-in schema validator: Kubernetes semantics that plain JSON Schema validators get wrong."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kcompat.schema.builtin import field_history, version_schemas
from kcompat.schema.validator import Problem


def problems(minor: int, manifest: str) -> list[Problem]:
    obj = yaml.safe_load(manifest)
    return version_schemas(minor).validate(obj["apiVersion"], obj["kind"], obj) or []


def summary(found: list[Problem]) -> list[tuple[str, tuple[Any, ...], str | None]]:
    return [(p.code, p.path, p.field) for p in found]


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, creationTimestamp: null}
spec:
  selector: {matchLabels: {app: web}}
  strategy: {rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: web}, creationTimestamp: null}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 8080, name: http}]
        resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: 0.5, memory: 2}}
        readinessProbe: {httpGet: {port: http, path: /}}
        livenessProbe: {tcpSocket: {port: 8080}}
      - name: sidecar
        image: busybox
        resources: {}
"""


@pytest.mark.parametrize("minor", [10, 16, 22, 24, 25, 31, 37])
def test_valid_deployment_in_every_era(minor: int) -> None:
    # 1.24 and older spell Quantity as string-or-integer and IntOrString without null;
    # 1.25+ use ["string", "null"]: none of that may leak into results.
    manifest = DEPLOYMENT if minor >= 16 else DEPLOYMENT.replace("apps/v1", "apps/v1beta2")
    assert problems(minor, manifest) == []


@pytest.mark.parametrize(("value", "ok"), [
    ("http", True), ("8080", True), ("8080.0", True), ("1.5", False), ("true", False), ("null", True),
    ("99999999999", False), ("[80]", False)])
def test_int_or_string_target_port(value: str, ok: bool) -> None:
    found = problems(31, f"""
apiVersion: v1
kind: Service
metadata: {{name: s}}
spec: {{ports: [{{port: 80, targetPort: {value}}}]}}
""")
    assert (found == []) is ok, found
    if not ok:
        assert found[0].path == ("spec", "ports", 0, "targetPort")


@pytest.mark.parametrize(("value", "ok"), [
    ("500m", True), ("1Gi", True), ("0.5", True), ("2", True), ("1e3", True), ("'128974848'", True),
    ("1.5Gi", True), ("1Gx", False), ("'1 core'", False), ("true", False), ("''", False), ("[1]", False)])
@pytest.mark.parametrize("minor", [12, 24, 31])
def test_quantities(value: str, ok: bool, minor: int) -> None:
    found = problems(minor, f"""
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec: {{containers: [{{name: c, image: i, resources: {{limits: {{cpu: {value}}}}}}}]}}
""")
    assert (found == []) is ok, found
    if not ok:
        assert found[0].path == ("spec", "containers", 0, "resources", "limits", "cpu")


@pytest.mark.parametrize(("value", "ok"), [
    ("null", True), ("'2024-01-31T12:00:00Z'", True), ("'2024-01-31T12:00:00.123+02:00'", True),
    ("yesterday", False), ("'2024-13-01T00:00:00Z'", False), ("'2024-01-31'", False), ("5", False)])
def test_date_time(value: str, ok: bool) -> None:
    found = problems(31, f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, creationTimestamp: {value}}}\n")
    assert (found == []) is ok, found


def test_errors_carry_paths_and_expectations() -> None:
    found = problems(31, """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    spec:
      contianers: []
      containers:
      - name: web
        ports: [{containerPort: "80"}]
        env: [{name: A, value: 8080}]
""")
    by_code = {(p.code, p.path): p for p in found}
    port = by_code[("type", ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"))]
    assert port.expected == "integer (int32)" and port.got == 'string "80"'
    env = by_code[("type", ("spec", "template", "spec", "containers", 0, "env", 0, "value"))]
    assert env.expected == "string" and env.got == "integer 8080"
    unknown = by_code[("unknown", ("spec", "template", "spec", "contianers"))]
    assert "containers" in unknown.known


def test_required_missing_and_required_null() -> None:
    found = problems(31, """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: null
""")
    assert sorted(summary(found)) == [("required", ("spec",), "selector"),
                                      ("required", ("spec", "template", "spec"), "containers")]
    assert [p.got for p in found if p.field == "containers"] == ["null"]


def test_nulls_are_accepted_for_optional_fields() -> None:
    assert problems(31, """
apiVersion: v1
kind: Pod
metadata: {name: p, labels: null, annotations: {}}
spec:
  containers: [{name: c, image: i, resources: null, ports: null, env: [{name: A, value: null}]}]
  volumes: null
status: null
""") == []


def test_integral_floats_pass_as_integers_and_ranges_apply() -> None:
    assert problems(31, "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
                        "spec: {replicas: 3.0, selector: {matchLabels: {a: b}}}\n") == []
    found = problems(31, "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
                         "spec: {replicas: 2.5, selector: {matchLabels: {a: b}}}\n")
    assert summary(found) == [("type", ("spec", "replicas"), None)]


def test_base64_secret_data() -> None:
    assert problems(31, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
                        "data: {a: c2VjcmV0, b: \"c2Vj\\ncmV0\"}\nstringData: {c: not base64}\n") == []
    found = problems(31, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: secret!}\n")
    assert summary(found) == [("format", ("data", "a"), None)]


def test_enum_where_the_schema_has_one() -> None:
    found = problems(23, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                         "spec: {selector: {}, template: {}, strategy: {type: BlueGreen}}\n")
    assert [p.code for p in found] == ["enum"]
    assert '"Recreate"' in found[0].expected


def test_required_markers_corrected_upstream_are_not_enforced_earlier() -> None:
    # StatefulSetSpec.serviceName was marked required until 1.32 and NetworkPolicySpec.podSelector
    # until 1.33, but the API server never required them (the markers were corrected later).
    assert problems(25, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n"
                        "spec: {selector: {matchLabels: {a: b}}, template: {}}\n") == []
    assert problems(25, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\n"
                        "spec: {policyTypes: [Ingress]}\n") == []


def test_field_history() -> None:
    history = field_history(25, "v1", "Pod", ("metadata", "clusterName"))
    assert history.last_before == 24
    later = field_history(25, "v1", "Pod", ("spec", "containers", 0, "resizePolicy"))
    assert later.last_before is None and later.first_after == 27
    assert field_history(31, "v1", "Pod", ("spec", "nonsense")).last_before is None


def test_validators_are_built_once_and_reused() -> None:
    schemas = version_schemas(31)
    assert version_schemas(31) is schemas
    first = schemas.entry("apps/v1", "Deployment")
    assert schemas.entry("apps/v1", "Deployment") is first


def test_checking_a_deployment_loads_only_what_it_needs() -> None:
    from kcompat.catalog.schema_store import SchemaStore, default_store
    from kcompat.schema.builtin import VersionSchemas

    store = SchemaStore(default_store().folder)
    schemas = VersionSchemas(store, 30)
    obj = yaml.safe_load(DEPLOYMENT)
    assert schemas.validate("apps/v1", "Deployment", obj) is None
    total = len(store.index(30).definitions)
    assert len(store._pool_cache) < 40 < total  # a small closure, not the whole version


@pytest.mark.parametrize("crd", [True, False])
def test_shared_leaf_entries_check_as_the_full_compile_does(crd: bool) -> None:
    """`{type: X}` and `{type: X, description: ...}` leaves share one entry per Compiler; it checks
    values exactly as the general compile of the same schema (types, integral floats, nulls)."""
    from kcompat.schema.validator import Compiler, SchemaError, run

    values: list[Any] = ["a", "", 1, 1.0, 1.5, -3, True, False, None, {}, [], {"a": 1}, ["x"]]
    for kind in ("string", "integer", "number", "boolean"):
        compiler = Compiler(crd=crd)
        first = compiler.entry({"type": kind}, ("a",))
        assert compiler.entry({"type": kind, "description": "d"}, ("b", "c")) is first
        general = compiler._entry({"type": kind, "description": "d"}, ("b",), True)
        for value in values:
            assert summary(run(first, value) or []) == summary(run(general, value) or []), (kind, value)
            assert [p.expected for p in run(first, value) or []] == [p.expected for p in run(general, value) or []]
    compiler = Compiler(crd=crd)
    for wrong in ("strin", {"a": 1}, ["string"], 3):
        with pytest.raises(SchemaError, match="unsupported type") as raised:
            compiler.entry({"type": wrong, "description": "typo"}, ("a",))
        assert raised.value.path == ("a", "type")
    assert compiler.entry({"type": "object"}, ("o",)) is not compiler.entry({"type": "object"}, ("p",))
