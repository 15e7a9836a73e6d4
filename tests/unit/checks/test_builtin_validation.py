"""check_builtin: the API server's own validation, rule by rule, in the server's words.

Each rule has a valid case, an invalid case and, where there is a limit, both sides of it. The
expected messages are the ones `kubectl apply` prints (upstream functions named per test group).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from kcompat.checks.builtin import RULES, check_builtin
from kcompat.checks.builtin.formats import cron_schedule_error, parse_quantity
from kcompat.core.model import Finding
from kcompat.core.rules import RULES as REGISTRY
from kcompat.sources.load import load_input, load_text
from kcompat.sources.resources import Resource, extract

ROOT = Path(__file__).resolve().parents[3]
LABEL_REGEX = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
               "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
               "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")


def resource(text: str) -> Resource:
    resources = extract(load_text(textwrap.dedent(text), "test.yaml").documents).resources
    assert len(resources) == 1
    return resources[0]


def findings(text: str) -> list[Finding]:
    return check_builtin(resource(text), None)  # type: ignore[arg-type]  # the check reads no context


def messages(text: str) -> list[str]:
    return [finding.message for finding in findings(text)]


def obj(data: dict[str, Any]) -> list[str]:
    return messages(yaml.safe_dump(data))


def pod(spec: dict[str, Any], **meta: Any) -> list[str]:
    return obj({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", **meta}, "spec": spec})


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "app", "image": "nginx:1.27", **fields}


def one(spec_container: dict[str, Any]) -> list[str]:
    return pod({"containers": [spec_container]})


# -- the wording the brief and users quote ------------------------------------------------------


def test_container_name_reads_like_the_server() -> None:
    assert one(container(name="Web")) == [f'spec.containers[0].name: Invalid value: "Web": {LABEL_REGEX}']


def test_protocol_reads_like_the_server() -> None:
    assert one(container(ports=[{"containerPort": 53, "protocol": "udp"}])) == [
        'spec.containers[0].ports[0].protocol: Unsupported value: "udp": supported values: "SCTP", "TCP", "UDP"']


@pytest.mark.parametrize("value, shown", [(22, "22"), (6.5, "6.5"), (True, "true")])
def test_protocol_that_is_not_a_string_is_unsupported(value: object, shown: str) -> None:
    # kubectl-validate's recorded answer for `protocol: 22`: the schema's type error and this.
    unsupported = f'Unsupported value: {shown}: supported values: "SCTP", "TCP", "UDP"'
    assert one(container(ports=[{"containerPort": 53, "protocol": value}])) == [
        f"spec.containers[0].ports[0].protocol: {unsupported}"]
    assert service({"ports": [{"port": 53, "protocol": value}]}) == [f"spec.ports[0].protocol: {unsupported}"]


@pytest.mark.parametrize("value", ["TCP", "UDP", "SCTP", None])
def test_protocol_boundaries_pass(value: object) -> None:
    port: dict[str, Any] = {"containerPort": 53} if value is None else {"containerPort": 53, "protocol": value}
    assert one(container(ports=[port])) == []
    assert one(container(ports=[{"containerPort": 53, "protocol": "Tcp"}])) == [
        'spec.containers[0].ports[0].protocol: Unsupported value: "Tcp": supported values: "SCTP", "TCP", "UDP"']


def test_finding_carries_rule_field_error_type_and_position() -> None:
    found = findings("""\
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
                ports:
                - containerPort: 80
                - containerPort: 81
                - containerPort: 70000
        """)
    assert len(found) == 1
    finding = found[0]
    assert finding.rule == "invalid-value"
    assert finding.details == {"field": "spec.template.spec.containers[0].ports[2].containerPort",
                               "errorType": "FieldValueInvalid"}
    assert finding.message == ("spec.template.spec.containers[0].ports[2].containerPort: Invalid value: 70000: "
                               "must be between 1 and 65535, inclusive")
    assert (finding.origin.line, finding.origin.column) == (15, 11)
    assert finding.obj is not None and finding.obj.name == "web"


def test_documented_example() -> None:
    """The example in docs/builtin-validation.md is real output."""
    doc = (ROOT / "docs" / "builtin-validation.md").read_text()
    manifest = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    expected = doc.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    found = check_builtin(resource(manifest), None)  # type: ignore[arg-type]
    shown = [f"deploy.yaml:{f.origin.line}:{f.origin.column}: {f.severity.label} {f.rule}: {f.message}" for f in found]
    assert shown == expected


def test_every_rule_has_a_severity() -> None:
    assert set(RULES) == {"invalid-value", "required-value", "duplicate-value", "unsupported-value", "not-found",
                          "forbidden-value", "server-warning"}
    assert all(REGISTRY[rule].severity == severity for rule, severity in RULES.items())


# -- ObjectMeta: apimachinery ValidateObjectMetaAccessor and the kinds' name functions -----------


def test_name_or_generate_name_required() -> None:
    assert obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}) == [
        "metadata.name: Required value: name or generateName is required"]
    assert obj({"apiVersion": "v1", "kind": "ConfigMap"}) == [
        "metadata.name: Required value: name or generateName is required"]
    assert obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "cfg-"}}) == []


def test_generate_name_may_end_with_a_dash_but_not_be_upper_case() -> None:
    assert obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "Cfg-"}}) == [
        'metadata.generateName: Invalid value: "Cfg-": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
        "[a-z0-9])?)*')"]


@pytest.mark.parametrize(("length", "valid"), [(253, True), (254, False)])
def test_subdomain_names_up_to_253(length: int, valid: bool) -> None:
    name = ".".join(["a" * 63] * 4)[:length]  # labels of 63, the most a subdomain label may have
    result = obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})
    assert (result == []) is valid
    if not valid:
        assert result == [f'metadata.name: Invalid value: "{name}": must be no more than 253 characters']


@pytest.mark.parametrize(("name", "valid"), [("web", True), ("a" * 63, True), ("a" * 64, False), ("1web", False),
                                             ("web.v2", False), ("web-", False)])
def test_service_names_are_dns_1035_labels(name: str, valid: bool) -> None:
    result = obj({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                  "spec": {"ports": [{"port": 80}]}})
    assert (result == []) is valid, result
    if name == "1web":
        assert result == [
            'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric '
            "characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. "
            "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]


def test_namespace_names_are_labels_without_dots() -> None:
    assert obj({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team.a"}}) == [
        'metadata.name: Invalid value: "team.a": must not contain dots']
    assert obj({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}) == []


def test_rbac_names_are_path_segments() -> None:
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "system:Reader"}}
    assert obj(role) == []
    role["metadata"]["name"] = "a/b"
    assert obj(role) == ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]
    role["metadata"]["name"] = ".."
    assert obj(role) == ["metadata.name: Invalid value: \"..\": may not be '..'"]


def test_namespace_field_syntax() -> None:
    assert obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "Shop"}}) == [
        f'metadata.namespace: Invalid value: "Shop": {LABEL_REGEX}']


def test_label_keys_and_values() -> None:
    labels = {"app": "web", "example.com/tier": "front", "a" * 63: "b" * 63, "empty": ""}
    ok = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": labels}}
    assert obj(ok) == []
    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {
        "a" * 64: "v", "Example.com/x": "v", "x": "b" * 64, "y": "-bad", "a/b/c": "v", "/x": "v"}}}
    result = obj(bad)
    assert f'metadata.labels: Invalid value: "{"a" * 64}": name part must be no more than 63 characters' in result
    assert any(m.startswith('metadata.labels: Invalid value: "Example.com/x": prefix part a lowercase RFC 1123 '
                            "subdomain") for m in result)
    assert f'metadata.labels: Invalid value: "{"b" * 64}": must be no more than 63 characters' in result
    assert any(m.startswith('metadata.labels: Invalid value: "-bad": a valid label must be an empty string')
               for m in result)
    assert any(m.startswith('metadata.labels: Invalid value: "a/b/c": a valid label key must consist of')
               for m in result)
    assert 'metadata.labels: Invalid value: "/x": prefix part must be non-empty' in result


def test_label_finding_points_at_the_key() -> None:
    found = findings("""\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          labels:
            app: web
            tier: -front
        """)
    assert [(f.details["field"], f.origin.line) for f in found] == [("metadata.labels", 7)]


def test_annotation_keys_ignore_case_and_total_size_is_256_kib() -> None:
    base: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "c", "annotations": {"Example.COM/Owner": "x"}}}
    assert obj(base) == []
    base["metadata"]["annotations"] = {"k": "v" * (256 * 1024 - 1)}
    assert obj(base) == []
    base["metadata"]["annotations"] = {"k": "v" * (256 * 1024)}
    assert obj(base) == ["metadata.annotations: Too long: may not be more than 262144 bytes"]
    base["metadata"]["annotations"] = {"bad key": "v"}
    assert [m.split(":")[0] for m in obj(base)] == ["metadata.annotations"]


# -- containers: core/validation validateContainers, validateContainerCommon --------------------


def test_containers_required() -> None:
    assert pod({"containers": []}) == ["spec.containers: Required value"]
    assert pod({}) == ["spec.containers: Required value"]


def test_container_name_and_image_required() -> None:
    assert one({"image": "nginx"}) == ["spec.containers[0].name: Required value"]
    assert one({"name": "app"}) == ["spec.containers[0].image: Required value"]
    assert one({"name": "app", "image": ""}) == ["spec.containers[0].image: Required value"]


@pytest.mark.parametrize(("length", "valid"), [(63, True), (64, False)])
def test_container_name_length(length: int, valid: bool) -> None:
    result = one(container(name="a" * length))
    assert (result == []) is valid
    if not valid:
        assert result == [f'spec.containers[0].name: Invalid value: "{"a" * 64}": must be no more than 63 characters']


def test_container_names_unique_across_init_and_regular() -> None:
    spec = {"initContainers": [container(name="setup"), container(name="app")],
            "containers": [container(name="app"), container(name="app")]}
    assert pod(spec) == ['spec.containers[1].name: Duplicate value: "app"',
                         'spec.initContainers[1].name: Duplicate value: "app"']


@pytest.mark.parametrize(("port", "expected"), [
    (1, None), (65535, None),
    (0, "spec.containers[0].ports[0].containerPort: Required value"),
    (65536, "spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive"),
    (-1, "spec.containers[0].ports[0].containerPort: Invalid value: -1: must be between 1 and 65535, inclusive"),
])
def test_container_port_numbers(port: int, expected: str | None) -> None:
    assert one(container(ports=[{"containerPort": port}])) == ([expected] if expected else [])


def test_host_port_range_and_uniqueness() -> None:
    assert one(container(ports=[{"containerPort": 80, "hostPort": 65536}])) == [
        "spec.containers[0].ports[0].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive"]
    spec = {"containers": [container(ports=[{"containerPort": 80, "hostPort": 8080}]),
                           container(name="b", ports=[{"containerPort": 81, "hostPort": 8080}])]}
    assert pod(spec) == ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']


@pytest.mark.parametrize(("name", "problem"), [
    ("http", None), ("a" * 15, None), ("h2c-9", None),
    ("a" * 16, "must be no more than 15 characters"),
    ("Http", "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
    ("8080", "must contain at least one letter (a-z)"),
    ("web--x", "must not contain consecutive hyphens"),
    ("-web", "must not begin or end with a hyphen"),
])
def test_port_names_are_iana_service_names(name: str, problem: str | None) -> None:
    result = one(container(ports=[{"name": name, "containerPort": 80}]))
    assert result == ([f'spec.containers[0].ports[0].name: Invalid value: "{name}": {problem}'] if problem else [])


def test_port_names_unique_within_a_container() -> None:
    ports = [{"name": "web", "containerPort": 80}, {"name": "web", "containerPort": 81}]
    assert one(container(ports=ports)) == ['spec.containers[0].ports[1].name: Duplicate value: "web"']


def test_same_container_port_twice_is_a_server_warning() -> None:
    spec = {"initContainers": [container(name="init", ports=[{"containerPort": 80}])],
            "containers": [container(ports=[{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}])]}
    found = check_builtin(resource(yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                                                   "spec": spec})), None)  # type: ignore[arg-type]
    assert [(f.rule, f.severity.label, f.message) for f in found] == [
        ("server-warning", "warning", "spec.containers[0].ports[0]: duplicate port definition with "
         "spec.initContainers[0].ports[0] (the API server accepts this with a warning)")]


def test_volume_names_and_mounts() -> None:
    spec = {"volumes": [{"name": "data", "emptyDir": {}}, {"name": "data", "emptyDir": {}},
                        {"name": "Cfg", "configMap": {"name": "c"}}],
            "containers": [container(volumeMounts=[{"name": "data", "mountPath": "/data"},
                                                   {"name": "cfg", "mountPath": "/etc/cfg"},
                                                   {"name": "Cfg", "mountPath": "/etc/Cfg"},
                                                   {"name": "data", "mountPath": "/data"}])]}
    assert pod(spec) == [
        'spec.volumes[1].name: Duplicate value: "data"',
        f'spec.volumes[2].name: Invalid value: "Cfg": {LABEL_REGEX}',
        'spec.containers[0].volumeMounts[1].name: Not found: "cfg"',
        'spec.containers[0].volumeMounts[2].name: Not found: "Cfg"',
        'spec.containers[0].volumeMounts[3].mountPath: Invalid value: "/data": must be unique']


def test_one_volume_type_per_volume() -> None:
    spec = {"volumes": [{"name": "v", "emptyDir": {}, "configMap": {"name": "c"}}], "containers": [container()]}
    assert pod(spec) == ["spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"]


@pytest.mark.parametrize(("requests", "limits", "expected"), [
    ({"cpu": "500m"}, {"cpu": "1"}, None),
    ({"cpu": "1"}, {"cpu": "1000m"}, None),
    ({"cpu": "0.5"}, {"cpu": "500m"}, None),
    ({"memory": "1Gi"}, {"memory": "1024Mi"}, None),
    ({"cpu": "2"}, {"cpu": 1}, 'Invalid value: "2": must be less than or equal to cpu limit of 1'),
    ({"cpu": "1001m"}, {"cpu": "1"}, 'Invalid value: "1001m": must be less than or equal to cpu limit of 1'),
    ({"memory": "1.5Gi"}, {"memory": "1Gi"},
     'Invalid value: "1536Mi": must be less than or equal to memory limit of 1Gi'),
    ({"memory": "2000M"}, {"memory": "1G"}, 'Invalid value: "2G": must be less than or equal to memory limit of 1G'),
    ({"nvidia.com/gpu": 1}, {"nvidia.com/gpu": 2}, 'Invalid value: "1": must be equal to nvidia.com/gpu limit of 2'),
])
def test_requests_not_above_limits(requests: dict[str, Any], limits: dict[str, Any], expected: str | None) -> None:
    result = one(container(resources={"requests": requests, "limits": limits}))
    assert result == ([f"spec.containers[0].resources.requests: {expected}"] if expected else [])


def test_negative_quantity() -> None:
    assert one(container(resources={"limits": {"memory": "-1Mi"}})) == [
        'spec.containers[0].resources.limits[memory]: Invalid value: "-1Mi": must be greater than or equal to 0']


def test_quantity_canonical_text() -> None:
    texts = {text: parse_quantity(text).text() for text in  # type: ignore[union-attr]
             ("1000m", "0.5", "1024Mi", "1.5Gi", "512", "2000", "1e3", "100n", "0.1Ki")}
    assert texts == {"1000m": "1", "0.5": "500m", "1024Mi": "1Gi", "1.5Gi": "1536Mi", "512": "512", "2000": "2k",
                     "1e3": "1e3", "100n": "100n", "0.1Ki": "102400m"}
    assert parse_quantity("1 core") is None


def test_probe_takes_exactly_one_handler() -> None:
    probe = {"httpGet": {"path": "/", "port": 80}, "tcpSocket": {"port": 80}}
    assert one(container(livenessProbe=probe)) == [
        "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]
    assert one(container(readinessProbe={"periodSeconds": 5})) == [
        "spec.containers[0].readinessProbe: Required value: must specify a handler type"]
    assert one(container(startupProbe={"exec": {"command": ["true"]}})) == []


def test_probe_ports_and_thresholds() -> None:
    assert one(container(readinessProbe={"httpGet": {"port": "8080"}})) == [
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "8080": must contain at least one letter (a-z)']
    assert one(container(livenessProbe={"tcpSocket": {"port": 0}})) == [
        "spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive"]
    assert one(container(livenessProbe={"exec": {"command": ["x"]}, "successThreshold": 2})) == [
        "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]
    assert one(container(readinessProbe={"exec": {"command": ["x"]}, "successThreshold": 2,
                                         "periodSeconds": -1})) == [
        "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"]
    assert one(container(lifecycle={"preStop": {"exec": {}}})) == [
        "spec.containers[0].lifecycle.preStop.exec.command: Required value"]


def test_init_container_probes_need_restart_policy_always() -> None:
    spec = {"initContainers": [container(name="init", readinessProbe={"exec": {"command": ["x"]}})],
            "containers": [container()]}
    assert pod(spec) == ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers "
                         "without restartPolicy=Always"]
    spec["initContainers"][0]["restartPolicy"] = "Always"
    assert pod(spec) == []
    spec["initContainers"][0]["restartPolicy"] = "OnFailure"
    assert pod(spec)[0] == ('spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported '
                            'values: "Always"')


def test_pod_enums() -> None:
    assert pod({"containers": [container()], "restartPolicy": "always"}) == [
        'spec.restartPolicy: Unsupported value: "always": supported values: "Always", "OnFailure", "Never"']
    assert one(container(imagePullPolicy="IfNotExists")) == [
        'spec.containers[0].imagePullPolicy: Unsupported value: "IfNotExists": supported values: "Always", '
        '"IfNotPresent", "Never"']
    assert pod({"containers": [container()], "dnsPolicy": "ClusterFirst"}) == []


def test_env_value_from() -> None:
    env = [{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
           {"name": "B", "valueFrom": {}}]
    assert one(container(env=env)) == [
        'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
        'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, '
        "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"]


@pytest.mark.parametrize(("minor", "name", "problem"), [
    (31, "MY_VAR.1", None), (31, "1VAR", "a valid environment variable name must consist of alphabetic characters, "
                             "digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or "
                             "'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is "
                             "'[-._a-zA-Z][-._a-zA-Z0-9]*')"),
    (31, "..x", "must not start with '..'"),
    (32, "1VAR", None), (32, "MY VAR", None),
    (32, "A=B", "a valid environment variable name must consist only of printable ASCII characters other than '='"),
    (None, "1VAR", None),
])
def test_env_names_follow_the_target_version(minor: int | None, name: str, problem: str | None) -> None:
    from kcompat.checks.context import CheckContext
    from kcompat.core.versions import KubeVersion

    context = CheckContext(None, KubeVersion.of_minor(minor)) if minor else None  # type: ignore[arg-type]
    data = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [container(env=[{"name": name, "value": "x"}])]}}
    result = [f.message for f in check_builtin(resource(yaml.safe_dump(data)), context)]  # type: ignore[arg-type]
    assert result == ([f'spec.containers[0].env[0].name: Invalid value: "{name}": {problem}'] if problem else [])


def test_tolerations() -> None:
    assert pod({"containers": [container()], "tolerations": [{"operator": "Exists"}]}) == []
    assert pod({"containers": [container()], "tolerations": [{"key": "k", "operator": "Exists", "value": "v"}]}) == [
        "spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"]
    assert pod({"containers": [container()], "tolerations": [{"effect": "NoExecute"}]}) == [
        'spec.tolerations[0].operator: Invalid value: "": operator must be Exists when `key` is empty, which means '
        '"match all values and all keys"']


# -- controllers: apps/validation, batch/validation, core ReplicationController -------------------


def deployment(spec: dict[str, Any], api_version: str = "apps/v1", kind: str = "Deployment") -> list[str]:
    return obj({"apiVersion": api_version, "kind": kind, "metadata": {"name": "web"}, "spec": spec})


def template(labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"labels": labels if labels is not None else {"app": "web"}},
            "spec": {"containers": [container()], **spec}}


def test_selector_must_match_template_labels() -> None:
    spec = {"selector": {"matchLabels": {"app": "web"}}, "template": template({"app": "api", "tier": "x"})}
    assert deployment(spec) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api", "tier":"x"}: `selector` does '
        "not match template `labels`"]
    spec["template"] = template({"app": "web", "tier": "x"})
    assert deployment(spec) == []


def at_target(minor: int, data: dict[str, Any]) -> list[str]:
    """Messages for a `kcompat check -t 1.<minor>` run (check_builtin reads only the target)."""
    context = SimpleNamespace(target=SimpleNamespace(minor=minor))
    return [finding.message for finding in check_builtin(resource(yaml.safe_dump(data)), context)]  # type: ignore[arg-type]


def test_map_selector_and_int_or_string_values_are_json_from_1_34() -> None:
    """apimachinery v0.34.0 prints non-primitive bad values with json.Marshal, before with %#v."""
    labels = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template({"tier": "x", "app": "api"})}}
    detail = ": `selector` does not match template `labels`"
    assert at_target(33, labels) == [
        f'spec.template.metadata.labels: Invalid value: map[string]string{{"app":"api", "tier":"x"}}{detail}']
    assert at_target(34, labels) == [
        f'spec.template.metadata.labels: Invalid value: {{"app":"api","tier":"x"}}{detail}']
    empty = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"selector": {}, "template": template()}}
    assert at_target(35, empty) == ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]
    job_spec = {"selector": {"matchLabels": {"a": "b"},
                             "matchExpressions": [{"key": "k", "operator": "Exists"},
                                                  {"key": "t", "operator": "In", "values": ["x"]}]},
                "template": template({"a": "b"}, restartPolicy="Never")}
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": job_spec}}}
    assert [m for m in at_target(34, cron) if m.startswith("spec.jobTemplate.spec.selector")] == [
        'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"},"matchExpressions":'
        '[{"key":"k","operator":"Exists"},{"key":"t","operator":"In","values":["x"]}]}: '
        "`selector` will be auto-generated"]
    pdb_spec = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"},
                "spec": {"maxUnavailable": "150%"}}
    assert at_target(33, pdb_spec) == [
        'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: '
        "must not be greater than 100%"]
    assert at_target(34, pdb_spec) == ['spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%']


def test_selector_expressions() -> None:
    spec = {"selector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]},
            "template": template()}
    assert deployment(spec) == []
    spec["selector"]["matchExpressions"][0]["operator"] = "NotIn"
    assert deployment(spec)[0].endswith("`selector` does not match template `labels`")
    spec["selector"]["matchExpressions"][0]["operator"] = "in"
    assert deployment(spec) == [
        'spec.selector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator']


def test_selector_required_in_apps_v1_only() -> None:
    assert deployment({"template": template()}) == ["spec.selector: Required value"]
    assert deployment({"template": template()}, "extensions/v1beta1") == []


def test_empty_selector() -> None:
    assert deployment({"selector": {}, "template": template()}) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]
    assert deployment({"selector": {}, "template": template()}, kind="DaemonSet")[0].endswith(
        ": empty selector is invalid for daemonset")


@pytest.mark.parametrize(("replicas", "valid"), [(0, True), (-1, False)])
def test_replicas_not_negative(replicas: int, valid: bool) -> None:
    result = deployment({"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": template()})
    assert result == ([] if valid else ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"])


def test_controller_templates_restart_always() -> None:
    spec = {"selector": {"matchLabels": {"app": "web"}}, "template": template(restartPolicy="OnFailure")}
    assert deployment(spec, kind="StatefulSet") == [
        'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']


def test_template_labels_are_reported_at_template_labels() -> None:
    spec = {"selector": {"matchLabels": {"app": "web"}}, "template": template({"app": "web", "t": "-x"})}
    result = deployment(spec)
    assert len(result) == 1 and result[0].startswith('spec.template.labels: Invalid value: "-x"')


def test_deployment_strategy() -> None:
    spec = {"selector": {"matchLabels": {"app": "web"}}, "template": template(),
            "strategy": {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}}
    assert deployment(spec) == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]
    spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}}
    assert deployment(spec) == [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: '
        "may not be 0 when `maxSurge` is 0"]
    spec["strategy"] = {"type": "Canary"}
    assert deployment(spec) == [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Canary", RollingUpdate:'
        '(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']
    spec["strategy"] = {}
    spec["template"]["spec"]["activeDeadlineSeconds"] = 60
    assert deployment(spec) == [
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]


def test_statefulset_mounts_its_volume_claim_templates() -> None:
    spec = {"selector": {"matchLabels": {"app": "web"}}, "serviceName": "web",
            "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
            "template": template()}
    spec["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    assert deployment(spec, kind="StatefulSet") == []
    spec["volumeClaimTemplates"] = []
    assert deployment(spec, kind="StatefulSet") == [
        'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data" (the API server accepts the '
        "StatefulSet; its controller's Pod creation fails with this)"]


def test_statefulset_names_are_labels() -> None:
    spec = {"selector": {"matchLabels": {"app": "web"}}, "template": template()}
    result = obj({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web.v2"}, "spec": spec})
    assert result == ['metadata.name: Invalid value: "web.v2": must not contain dots']


def test_daemonset_without_selector_selects_nothing() -> None:
    assert deployment({"template": template()}, kind="DaemonSet") == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match '
        "template `labels`"]


def test_replication_controller_selector() -> None:
    rc = {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"},
          "spec": {"selector": {"app": "web"}, "template": template({"app": "api"})}}
    assert obj(rc) == ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` '
                       "does not match template `labels`"]
    rc["spec"]["selector"] = None
    assert obj(rc) == []


def job(spec: dict[str, Any]) -> list[str]:
    return obj({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": spec})


def test_job_restart_policy() -> None:
    required = 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'
    assert job({"template": template()}) == [required]
    assert job({"template": template(restartPolicy="Always")}) == [required]
    assert job({"template": template(restartPolicy="never")}) == [
        'spec.template.spec.restartPolicy: Unsupported value: "never": supported values: "Always", "OnFailure", '
        '"Never"',
        'spec.template.spec.restartPolicy: Unsupported value: "never": supported values: "OnFailure", "Never"']
    assert job({"template": template(restartPolicy="Never")}) == []
    assert job({"template": template(restartPolicy="OnFailure"), "backoffLimit": -1}) == [
        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"]


@pytest.mark.parametrize(("length", "valid"), [(63, True), (64, False)])
def test_job_names_become_label_values(length: int, valid: bool) -> None:
    name = "j" * length
    result = obj({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
                  "spec": {"template": template(restartPolicy="Never")}})
    expected = f'spec.template.labels: Invalid value: "{name}": must be no more than 63 characters'
    assert result == ([] if valid else [expected])


def test_job_selector_matches_template() -> None:
    spec = {"selector": {"matchLabels": {"app": "other"}}, "manualSelector": True,
            "template": template(restartPolicy="Never")}
    assert job(spec)[0].endswith("`selector` does not match template `labels`")
    assert job({"manualSelector": True, "template": template(restartPolicy="Never")}) == [
        "spec.selector: Required value"]


def cron(schedule: Any = "*/5 * * * *", name: str = "c", **spec: Any) -> list[str]:
    return obj({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
                "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": template(restartPolicy="Never")}},
                         **spec}})


@pytest.mark.parametrize("schedule", [
    "*/5 * * * *", "0 0 * * *", "@hourly", "@every 1h30m", "0 9-17 * JAN-mar MON-FRI", "0 0 1,15 * ?", "*/61 * * * *",
    "59 23 31 12 6"])
def test_valid_schedules(schedule: str) -> None:
    assert cron(schedule) == []


@pytest.mark.parametrize(("schedule", "problem"), [
    ("0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"),
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("0 24 * * *", "end of range (24) above maximum (23): 24"),
    ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("0 0 * 13 *", "end of range (13) above maximum (12): 13"),
    ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
    ("0 0 * * MON-SUN", "beginning of range (1) beyond end of range (0): MON-SUN"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
])
def test_invalid_schedules(schedule: str, problem: str) -> None:
    assert cron(schedule) == [f'spec.schedule: Invalid value: "{schedule}": {problem}']
    assert cron_schedule_error(schedule) == problem


def test_schedule_time_zone_prefix() -> None:
    assert cron("CRON_TZ=UTC 0 * * * *") == [
        'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone '
        "field instead"]
    assert cron(None) == ["spec.schedule: Required value"]


def test_time_zone() -> None:
    assert cron(timeZone="Europe/Paris") == []
    assert cron(timeZone="Etc/UTC") == []
    assert cron(timeZone="Europe/Pariss") == [
        'spec.timeZone: Invalid value: "Europe/Pariss": unknown time zone Europe/Pariss']
    assert cron(timeZone="Local") == ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time '
                                      "zone as defined in https://www.iana.org/time-zones"]


@pytest.mark.parametrize(("length", "valid"), [(52, True), (53, False)])
def test_cronjob_name_at_most_52(length: int, valid: bool) -> None:
    result = cron(name="c" * length)
    assert result == ([] if valid else [f'metadata.name: Invalid value: "{"c" * 53}": must be no more than 52 '
                                        "characters"])


def test_cronjob_job_template() -> None:
    result = obj({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {
        "schedule": "@daily", "concurrencyPolicy": "Skip",
        "jobTemplate": {"spec": {"selector": {"matchLabels": {"a": "b"}}, "template": template()}}}})
    assert result == [
        'spec.concurrencyPolicy: Unsupported value: "Skip": supported values: "Allow", "Forbid", "Replace"',
        'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated",
        'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']


# -- Service: core/validation ValidateService, validateServicePort --------------------------------


def service(spec: dict[str, Any]) -> list[str]:
    return obj({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec})


def test_service_ports_required_unless_headless_or_external_name() -> None:
    assert service({"selector": {"app": "web"}}) == ["spec.ports: Required value"]
    assert service({"clusterIP": "None", "selector": {"app": "web"}}) == []
    assert service({"type": "ExternalName", "externalName": "db.example.com."}) == []
    assert service({"type": "ExternalName"}) == ["spec.externalName: Required value"]


@pytest.mark.parametrize(("port", "valid"), [(1, True), (65535, True), (0, False), (65536, False)])
def test_service_port_range(port: int, valid: bool) -> None:
    result = service({"ports": [{"port": port}]})
    assert result == ([] if valid else [f"spec.ports[0].port: Invalid value: {port}: must be between 1 and 65535, "
                                        "inclusive"])


def test_service_port_names() -> None:
    assert service({"ports": [{"port": 80}, {"port": 443}]}) == [
        "spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]
    assert service({"ports": [{"name": "web", "port": 80}, {"name": "web", "port": 443}]}) == [
        'spec.ports[1].name: Duplicate value: "web"']
    assert service({"ports": [{"name": "HTTP", "port": 80}]}) == [
        f'spec.ports[0].name: Invalid value: "HTTP": {LABEL_REGEX}']
    assert service({"ports": [{"name": "a-very-long-port-name", "port": 80}]}) == []  # a label, not an IANA name


def test_service_target_port() -> None:
    assert service({"ports": [{"port": 80, "targetPort": "http"}]}) == []
    assert service({"ports": [{"port": 80, "targetPort": 8080}]}) == []
    assert service({"ports": [{"port": 80, "targetPort": "8080"}]}) == [
        'spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)']
    assert service({"ports": [{"port": 80, "targetPort": 0}]}) == [
        "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"]


def test_service_type_protocol_and_duplicates() -> None:
    assert service({"type": "Nodeport", "ports": [{"port": 80}]}) == [
        'spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "ExternalName", "LoadBalancer", '
        '"NodePort"']
    assert service({"ports": [{"port": 53, "protocol": "udp"}]}) == [
        'spec.ports[0].protocol: Unsupported value: "udp": supported values: "SCTP", "TCP", "UDP"']
    result = service({"ports": [{"name": "a", "port": 80}, {"name": "b", "port": 80}]})
    assert len(result) == 1 and result[0].startswith('spec.ports[1]: Duplicate value: core.ServicePort{Name:"", '
                                                     'Protocol:"TCP"')
    assert service({"ports": [{"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}]}) == []


def test_service_cluster_ip_and_node_ports() -> None:
    assert service({"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]}) == [
        "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]
    assert service({"ports": [{"port": 80, "nodePort": 30080}]}) == [
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]
    assert service({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}) == []
    assert service({"externalTrafficPolicy": "Local", "ports": [{"port": 80}]}) == [
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']


# -- Ingress: networking/validation ValidateIngressSpec -------------------------------------------


def ingress(paths: list[dict[str, Any]], api_version: str = "networking.k8s.io/v1", **rule: Any) -> list[str]:
    return obj({"apiVersion": api_version, "kind": "Ingress", "metadata": {"name": "i"},
                "spec": {"rules": [{"http": {"paths": paths}, **rule}]}})


BACKEND = {"service": {"name": "web", "port": {"number": 80}}}


def test_ingress_path_type() -> None:
    assert ingress([{"path": "/", "pathType": "Prefix", "backend": BACKEND}]) == []
    assert ingress([{"path": "/", "backend": BACKEND}]) == [
        "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]
    assert ingress([{"path": "/", "pathType": "prefix", "backend": BACKEND}]) == [
        'spec.rules[0].http.paths[0].pathType: Unsupported value: "prefix": supported values: "Exact", '
        '"ImplementationSpecific", "Prefix"']
    assert ingress([{"path": "/", "backend": BACKEND}], "networking.k8s.io/v1beta1") == []


def test_ingress_paths_absolute_and_clean() -> None:
    assert ingress([{"path": "api", "pathType": "Exact", "backend": BACKEND}]) == [
        'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']
    assert ingress([{"path": "/a//b", "pathType": "Prefix", "backend": BACKEND}]) == [
        "spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'"]
    assert ingress([{"path": "/api/(.*)", "pathType": "ImplementationSpecific", "backend": BACKEND}]) == []


def test_ingress_backend() -> None:
    upper = {"service": {"name": "Web", "port": {"number": 80}}}
    assert ingress([{"path": "/", "pathType": "Prefix", "backend": upper}])[0].startswith(
        'spec.rules[0].http.paths[0].backend.service.name: Invalid value: "Web": a DNS-1035')
    assert ingress([{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {}}}}]) == [
        "spec.rules[0].http.paths[0].backend: Required value: port name or number is required"]
    assert ingress([{"path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": "web", "port": {"name": "http", "number": 80}}}}]) == [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number']
    assert ingress([{"path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": "web", "port": {"number": 65536}}}}]) == [
        "spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 65536: must be between 1 and 65535, "
        "inclusive"]


def test_ingress_needs_rules_or_default_backend_and_dns_hosts() -> None:
    assert obj({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}, "spec": {}}) == [
        "spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"]
    assert ingress([{"path": "/", "pathType": "Prefix", "backend": BACKEND}], host="10.0.0.1") == [
        'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']
    assert ingress([{"path": "/", "pathType": "Prefix", "backend": BACKEND}], host="*.example.com") == []
    assert ingress([{"path": "/", "pathType": "Prefix", "backend": BACKEND}], host="*example.com")[0].startswith(
        "spec.rules[0].host: Invalid value: \"*example.com\": a wildcard DNS-1123 subdomain must start with '*.'")
    assert ingress([{"path": "/", "pathType": "Prefix"}]) == [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required']
    assert ingress([], host="example.com") == ["spec.rules[0].http.paths: Required value"]


# -- ConfigMap and Secret: core/validation ValidateConfigMap, ValidateSecret ----------------------


@pytest.mark.parametrize(("key", "valid"), [("app.conf", True), ("KEY_1-x", True), ("k" * 253, True),
                                            ("k" * 254, False), ("bad key", False), ("a/b", False), ("..x", False),
                                            (".", False)])
def test_config_map_keys(key: str, valid: bool) -> None:
    result = obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {key: "v"}})
    assert (result == []) is valid, result
    if key == "bad key":
        assert result == [
            'data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '
            "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
            "'[-._a-zA-Z0-9]+')"]


def test_config_map_data_and_binary_data() -> None:
    assert obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"},
                "binaryData": {"k": "dg=="}}) == [
        'data[k]: Invalid value: "k": duplicate of key present in binaryData']


@pytest.mark.parametrize(("size", "valid"), [(1024 * 1024, True), (1024 * 1024 + 1, False)])
def test_config_map_at_most_one_mib(size: int, valid: bool) -> None:
    result = obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                  "data": {"a": "x" * (size - 10), "b": "y" * 10}})
    assert result == ([] if valid else ["[]: Too long: may not be more than 1048576 bytes"])


def test_secret_keys_types_and_no_values_shown() -> None:
    result = obj({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "kubernetes.io/tls",
                  "stringData": {"tls.crt": "hunter2", "bad key": "hunter2"}})
    assert result[0].startswith('data[bad key]: Invalid value: "bad key": a valid config key')
    assert result[1:] == ["data[tls.key]: Required value"]
    assert not any("hunter2" in message for message in result)
    assert obj({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "aGk="}}) == []


# -- HPA, PDB, NetworkPolicy, PVC, RBAC ----------------------------------------------------------


@pytest.mark.parametrize(("low", "high", "expected"), [
    (1, 1, []), (2, 10, []),
    (0, 5, ["spec.minReplicas: Invalid value: 0: must be greater than or equal to 1"]),
    (5, 3, ["spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`"]),
    (None, 0, ["spec.maxReplicas: Invalid value: 0: must be greater than 0",  # minReplicas defaults to 1
               "spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`"]),
    (None, 1, []),
])
def test_hpa_replicas(low: int | None, high: int, expected: list[str]) -> None:
    spec: dict[str, Any] = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                            "maxReplicas": high}
    if low is not None:
        spec["minReplicas"] = low
    assert obj({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
                "spec": spec}) == expected


def pdb(spec: dict[str, Any]) -> list[str]:
    return obj({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}, "spec": spec})


def test_pdb() -> None:
    assert pdb({"minAvailable": 1}) == []
    assert pdb({"maxUnavailable": "100%"}) == []
    assert pdb({"minAvailable": 1, "maxUnavailable": 1}) == [
        "spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set"]
    assert pdb({"minAvailable": "50"}) == [
        'spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"50"}: a valid percent string '
        "must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is "
        "'[0-9]+%')"]
    assert pdb({"maxUnavailable": "101%"}) == [
        'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"101%"}: must not be greater '
        "than 100%"]
    assert pdb({"minAvailable": -1}) == ["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]


def test_network_policy() -> None:
    base = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "n"}}
    assert obj({**base, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
                                 "ingress": [{"from": [{"podSelector": {}}], "ports": [{"port": 80}]}]}}) == []
    assert obj({**base, "spec": {"podSelector": {}, "policyTypes": ["ingress"],
                                 "ingress": [{"from": [{}], "ports": [{"protocol": "tcp", "port": 8000,
                                                                      "endPort": 7000}]}]}}) == [
        'spec.ingress[0].ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"',
        "spec.ingress[0].ports[0].endPort: Invalid value: 8000: must be greater than or equal to `port`",
        "spec.ingress[0].from[0]: Required value: must specify a peer",
        'spec.policyTypes[0]: Unsupported value: "ingress": supported values: "Ingress", "Egress"']
    assert obj({**base, "spec": {"podSelector": {}, "ingress": [{"ports": [{"protocol": 6, "port": 80}]}]}}) == [
        'spec.ingress[0].ports[0].protocol: Unsupported value: 6: supported values: "TCP", "UDP", "SCTP"']
    assert obj({**base, "spec": {"podSelector": {}, "ingress": [{"ports": [{"port": "http", "endPort": 90}]}]}}) == [
        'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric']


def test_pvc_and_role_binding() -> None:
    assert obj({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "d"}, "spec": {}}) == [
        "spec.accessModes: Required value: at least 1 access mode is required",
        "spec.resources[storage]: Required value"]
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"}}
    assert obj(binding) == ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']
    binding["roleRef"]["kind"] = "ClusterRole"
    binding["subjects"] = [{"kind": "ServiceAccount", "name": "sa"}, {"kind": "User", "name": "jane"},
                           {"kind": "user", "name": "bob"}]
    assert obj(binding) == ["subjects[0].namespace: Required value",
                            'subjects[2].kind: Unsupported value: "user": supported values: "ServiceAccount", '
                            '"User", "Group"']
    binding["kind"] = "RoleBinding"
    binding["metadata"]["namespace"] = "shop"
    del binding["subjects"][2]
    assert obj(binding) == []


# -- robustness and scope -------------------------------------------------------------------------


def test_kinds_not_covered_cost_nothing() -> None:
    assert messages("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: Not_A_Dns_Name}\n") == []


WRONG_TYPES: list[Any] = [None, 1, "x", True, [], {}, [1], [None], {"a": 1}, 1.5]


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize("path", [
    ("metadata",), ("metadata", "labels"), ("metadata", "annotations"), ("spec",), ("spec", "selector"),
    ("spec", "template"), ("spec", "template", "metadata"), ("spec", "template", "spec"),
    ("spec", "template", "spec", "containers"), ("spec", "template", "spec", "containers", 0),
    ("spec", "template", "spec", "containers", 0, "ports"), ("spec", "template", "spec", "containers", 0, "ports", 0),
    ("spec", "template", "spec", "containers", 0, "resources"), ("spec", "template", "spec", "volumes"),
    ("spec", "template", "spec", "containers", 0, "livenessProbe"), ("spec", "strategy"),
])
def test_values_of_the_wrong_type_never_crash(path: tuple[Any, ...], value: Any) -> None:
    data: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template()}}
    data["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 80}]
    data["spec"]["template"]["spec"]["volumes"] = [{"name": "v", "emptyDir": {}}]
    owner: Any = data
    for step in path[:-1]:
        owner = owner[step]
    owner[path[-1]] = value
    for finding in check_builtin(resource(yaml.safe_dump(data)), None):  # type: ignore[arg-type]
        assert finding.rule in RULES


@pytest.mark.parametrize("kind", ["Service", "Ingress", "CronJob", "ConfigMap", "Secret", "NetworkPolicy",
                                  "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "Pod"])
@pytest.mark.parametrize("value", WRONG_TYPES)
def test_wrong_typed_specs_never_crash(kind: str, value: Any) -> None:
    versions = {"Ingress": "networking.k8s.io/v1", "CronJob": "batch/v1", "Job": "batch/v1",
                "NetworkPolicy": "networking.k8s.io/v1", "HorizontalPodAutoscaler": "autoscaling/v2",
                "PodDisruptionBudget": "policy/v1"}
    for field in ("spec", "data", "ports", "rules", "jobTemplate"):
        data: dict[str, Any] = {"apiVersion": versions.get(kind, "v1"), "kind": kind, "metadata": {"name": "x"},
                                "spec": {field: value, "ports": [value], "rules": [{"http": {"paths": [value]}}]}}
        data[field] = value
        for finding in check_builtin(resource(yaml.safe_dump(data)), None):  # type: ignore[arg-type]
            assert finding.rule in RULES


RICH_OBJECTS: list[dict[str, Any]] = [
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"},
                                                                 "annotations": {"a": "b"}},
     "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"},
                                          "matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]},
              "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
              "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                  "volumes": [{"name": "v", "emptyDir": {}}],
                  "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}],
                  "initContainers": [container(name="init", restartPolicy="Always",
                                               startupProbe={"grpc": {"port": 9000}})],
                  "containers": [container(
                      ports=[{"name": "http", "containerPort": 80, "hostPort": 8080, "protocol": "TCP"}],
                      env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                      volumeMounts=[{"name": "v", "mountPath": "/v"}],
                      resources={"requests": {"cpu": "1"}, "limits": {"cpu": "2"}},
                      livenessProbe={"httpGet": {"path": "/", "port": "http"}},
                      lifecycle={"preStop": {"exec": {"command": ["x"]}}})]}}}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
     "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "selector": {"app": "web"},
              "ports": [{"name": "a", "port": 80, "targetPort": "http", "nodePort": 30000, "appProtocol": "http"}]}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"},
     "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["a.example.com"], "secretName": "tls"}],
              "defaultBackend": BACKEND,
              "rules": [{"host": "a.example.com", "http": {"paths": [
                  {"path": "/", "pathType": "Prefix", "backend": BACKEND}]}}]}},
    {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
     "spec": {"schedule": "@daily", "timeZone": "Etc/UTC",
              "jobTemplate": {"spec": {"template": template(restartPolicy="Never")}}}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "n"},
     "spec": {"podSelector": {"matchLabels": {"a": "b"}}, "policyTypes": ["Ingress"],
              "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 80, "endPort": 90}]}]}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "kubernetes.io/tls",
     "data": {"tls.crt": "eA==", "tls.key": "eA=="}, "stringData": {"x": "y"}},
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"},
     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"},
     "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": "n"}]},
]


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found += _nodes(child, (*path, key))
    return found


@pytest.mark.parametrize("original", RICH_OBJECTS, ids=lambda item: item["kind"])
def test_every_node_replaced_by_every_wrong_type_never_crashes(original: dict[str, Any]) -> None:
    """Each field of a valid object, one at a time, becomes each value of the wrong type."""
    import copy

    from kcompat.core.model import Origin
    from kcompat.sources.documents import Document

    assert check_builtin(Resource(original["apiVersion"], original["kind"], original,  # the originals are valid
                                  Document(Origin("x.yaml"), original, None)), None) == []  # type: ignore[arg-type]
    for path in _nodes(original):
        if path in (("apiVersion",), ("kind",)):
            continue
        for value in [*WRONG_TYPES, [[1]], {"k": [1]}, -1, 70000, "", "UPPER", "a" * 300]:
            data = copy.deepcopy(original)
            owner: Any = data
            for step in path[:-1]:
                owner = owner[step]
            owner[path[-1]] = value
            item = Resource(data["apiVersion"], data["kind"], data, Document(Origin("x.yaml"), data, None))
            for finding in check_builtin(item, None):  # type: ignore[arg-type]
                assert finding.rule in RULES and finding.details["field"] is not None


# -- no false errors on real upstream manifests --------------------------------------------------

KNOWN_INVALID = {
    # networking.k8s.io/v1 Ingress still written with the v1beta1 backend fields (serviceName/servicePort,
    # no pathType): the v1 API drops those fields and rejects the object (fixtures/corpus/INDEX.md says so).
    "fixtures/corpus/bench/argo-cd/test/e2e/testdata/deprecated-extensions/ingress.yaml": [
        "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"],
}


def corpus_files() -> list[Path]:
    files = []
    for root in ("fixtures/demo", "fixtures/corpus"):
        for path in sorted((ROOT / root).rglob("*")):
            if path.suffix in (".yaml", ".yml", ".json") and "templates" not in path.parts:
                files.append(path)
    return files


def test_real_manifests_give_no_false_errors() -> None:
    checked = 0
    found: dict[str, list[str]] = {}
    for path in corpus_files():
        for item in extract(load_input(str(path)).documents).resources:
            checked += 1
            for finding in check_builtin(item, None):  # type: ignore[arg-type]
                found.setdefault(str(path.relative_to(ROOT)), []).append(finding.message)
    assert checked > 200  # demo, graph and corpus objects were all read
    assert found == KNOWN_INVALID
