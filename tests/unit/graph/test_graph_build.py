"""Unit tests for the graph builder: every edge type, DNS forms, namespaces, selectors, non-edges."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from kcompat.catalog.lifecycle import load_catalog
from kcompat.engine.pipeline import load_all
from kcompat.graph import nodes as m
from kcompat.graph.addresses import find_addresses, host_like_key, path_version, version_key
from kcompat.graph.build import ServiceGraph, build_graph, selector_matches
from kcompat.sources.load import LoadedInput
from kcompat.sources.resources import extract


def build(tmp_path: Path, text: str) -> ServiceGraph:
    path = tmp_path / "input.yaml"
    path.write_text(textwrap.dedent(text))
    resources = []
    for loaded in load_all([str(path)], []):
        assert isinstance(loaded, LoadedInput)
        resources += extract(loaded.documents).resources
    return build_graph(resources, load_catalog())


def edges(built: ServiceGraph, kind: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, k in built.graph.edges(keys=True) if k == kind}


def service(name: str, namespace: str = "shop", app: str | None = None) -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{app: {app or name}}}
  ports: [{{port: 8080}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{matchLabels: {{app: {app or name}}}}}
  template:
    metadata: {{labels: {{app: {app or name}}}}}
    spec: {{containers: [{{name: c, image: "example/{name}:1.0"}}]}}
"""


def client(value: str, namespace: str | None = "shop", key: str = "TARGET_URL", name: str = "client") -> str:
    ns = f", namespace: {namespace}" if namespace else ""
    return f"""
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}{ns}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: c
          image: example/client:1.0
          env:
            - name: {key}
              value: "{value}"
"""


# -- address parsing --------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "orders", "orders:8080", "http://orders", "http://orders:8080/api/v2/", "orders.shop",
    "orders.shop:8080", "orders.shop.svc", "orders.shop.svc:8080", "orders.shop.svc.cluster.local",
    "https://orders.shop.svc.cluster.local:8443/x", "grpc://orders.shop.svc.cluster.local.:9000",
    "postgres://user:secret@orders.shop:5432/db?sslmode=disable",
])
def test_every_dns_form_resolves_to_the_service(tmp_path: Path, value: str) -> None:
    built = build(tmp_path, service("orders") + client(value, key="ORDERS_HOST"))
    assert edges(built, m.CALLS) == {("Deployment/shop/client", "Service/shop/orders")}
    assert built.unresolved == []


@pytest.mark.parametrize("value", [
    "api.github.com", "https://api.github.com/v3", "ghcr.io/example/orders:1.2.3", "/var/lib/orders",
    "10.0.0.1:8080", "http://127.0.0.1:8080", "localhost:8080", "file:///etc/orders", "orders-secret-key",
    "shop.example.com", "https://shop.example.com", "1.2.3", "true", ":8080",
])
def test_host_lookalikes_are_not_edges(tmp_path: Path, value: str) -> None:
    built = build(tmp_path, service("orders") + client(value, key="SOME_VALUE"))
    assert edges(built, m.CALLS) == set()
    assert built.unresolved == []


def test_bare_name_needs_a_host_like_key(tmp_path: Path) -> None:
    assert edges(build(tmp_path, service("orders") + client("orders", key="APP_NAME")), m.CALLS) == set()
    assert edges(build(tmp_path, service("orders") + client("orders", key="ORDERS_ADDR")), m.CALLS)
    assert host_like_key("MYSQL_DB_HOST") and host_like_key("--db-url") and not host_like_key("GET_HOSTS_FROM")


def test_address_helpers() -> None:
    assert [a.labels for a in find_addresses("a:1, b.ns.svc:2 http://c/x")] == [("a",), ("b", "ns", "svc"), ("c",)]
    assert [a.labels for a in find_addresses("--upstream=http://u:80/ --db-host=pg")] == [("u",), ("pg",)]
    assert [a.labels for a in find_addresses("mongodb://h1:27017,h2:27017/db")] == [("h1",), ("h2",)]
    assert path_version("/api/v2/orders") == "v2" and path_version("/healthz") is None
    assert sorted(["v1", "v2beta1", "v2", "v1alpha1"], key=version_key) == ["v1alpha1", "v1", "v2beta1", "v2"]


# -- namespaces -------------------------------------------------------------------------------

def test_bare_name_means_the_clients_own_namespace(tmp_path: Path) -> None:
    text = service("orders", "shop") + service("orders", "other") + client("http://orders:8080", "other")
    assert edges(build(tmp_path, text), m.CALLS) == {("Deployment/other/client", "Service/other/orders")}


def test_missing_namespace_is_default(tmp_path: Path) -> None:
    text = service("orders", "default") + service("orders", "shop") + client("orders:8080", None)
    assert edges(build(tmp_path, text), m.CALLS) == {("Deployment/default/client", "Service/default/orders")}


def test_namespaced_form_crosses_namespaces(tmp_path: Path) -> None:
    text = service("orders", "shop") + client("http://orders.shop:8080", "web")
    assert edges(build(tmp_path, text), m.CALLS) == {("Deployment/web/client", "Service/shop/orders")}


def test_headless_pod_dns_name_resolves_to_the_service(tmp_path: Path) -> None:
    text = service("pg", "db") + client("pg-0.pg.db.svc.cluster.local:5432", "web")
    assert edges(build(tmp_path, text), m.CALLS) == {("Deployment/web/client", "Service/db/pg")}


def test_unknown_service_is_unresolved_not_a_phantom(tmp_path: Path) -> None:
    built = build(tmp_path, service("orders") + client("http://payments.shop.svc:9000/pay"))
    assert edges(built, m.CALLS) == set()
    assert "Service/shop/payments" not in built.graph
    [item] = built.unresolved
    assert (item.source, item.service, item.namespace) == ("Deployment/shop/client", "payments", "shop")
    assert item.evidence.line is not None and "payments.shop.svc:9000" in item.evidence.text


def test_own_service_is_not_a_dependency(tmp_path: Path) -> None:
    text = service("orders") + """
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders2, namespace: shop}
spec:
  template:
    metadata: {labels: {app: orders}}
    spec: {containers: [{name: c, image: x, env: [{name: ADVERTISE_ADDR, value: "orders:8080"}]}]}
"""
    assert edges(build(tmp_path, text), m.CALLS) == set()


# -- where values come from -------------------------------------------------------------------

def test_args_command_init_containers_and_config_maps(tmp_path: Path) -> None:
    text = service("a") + service("b") + service("c") + service("d") + service("e") + """
---
apiVersion: v1
kind: ConfigMap
metadata: {name: endpoints, namespace: shop}
data: {D_URL: "http://d:8080", OTHER: "x"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: single, namespace: shop}
data: {host: e}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: job, namespace: shop}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - {name: wait, image: busybox, command: [sh, -c, "until nc -z a.shop.svc 8080; do sleep 1; done"]}
          containers:
            - name: c
              image: x
              args: ["--b-endpoint=b:8080", "--c-url", "http://c.shop:8080/"]
              envFrom: [{configMapRef: {name: endpoints}}]
              env:
                - name: E_HOST
                  valueFrom: {configMapKeyRef: {name: single, key: host}}
"""
    built = build(tmp_path, text)
    assert edges(built, m.CALLS) == {("CronJob/shop/job", f"Service/shop/{s}") for s in "abcde"}
    evidence = {v: d["evidence"][0] for _, v, k, d in built.graph.edges(keys=True, data=True) if k == m.CALLS}
    assert "ConfigMap endpoints" in evidence["Service/shop/d"]["text"]
    lines = (tmp_path / "input.yaml").read_text().splitlines()
    assert "D_URL" in lines[evidence["Service/shop/d"]["line"] - 1]  # points at the ConfigMap key
    assert "key host=e" in evidence["Service/shop/e"]["text"]


def test_selector_matching(tmp_path: Path) -> None:
    assert selector_matches({"app": "a"}, {"app": "a", "tier": "x"})
    assert not selector_matches({"app": "a", "role": "m"}, {"app": "a", "role": "r"})
    assert not selector_matches({}, {"app": "a"})
    expression = {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["x", "y"]}]}
    assert selector_matches(expression, {"tier": "y"}) and not selector_matches(expression, {"tier": "z"})
    text = service("web", "shop") + service("web", "other")
    assert edges(build(tmp_path, text), m.SELECTS) == {
        ("Service/shop/web", "Deployment/shop/web"), ("Service/other/web", "Deployment/other/web")}


# -- routes, API server, CRDs, secondary edges ------------------------------------------------

def test_ingress_and_gateway_routes(tmp_path: Path) -> None:
    text = service("a") + service("b") + service("c") + """
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  defaultBackend: {service: {name: a, port: {number: 8080}}}
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: b, port: {number: 8080}}}}]}}]
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: old, namespace: shop}
spec:
  rules: [{http: {paths: [{path: /, backend: {serviceName: missing, servicePort: 80}}]}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec: {rules: [{backendRefs: [{name: c, port: 8080}]}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: g, namespace: other}
spec: {rules: [{backendRefs: [{name: a, namespace: shop, port: 8080}]}]}
"""
    built = build(tmp_path, text)
    assert edges(built, m.ROUTES_TO) == {
        ("Ingress/shop/web", "Service/shop/a"), ("Ingress/shop/web", "Service/shop/b"),
        ("HTTPRoute/shop/r", "Service/shop/c"), ("GRPCRoute/other/g", "Service/shop/a")}
    assert [u.service for u in built.unresolved] == ["missing"]


def test_webhooks_apiservice_and_conversion(tmp_path: Path) -> None:
    text = service("hook", "sys") + """
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: v}
webhooks: [{name: v.example.com, clientConfig: {service: {name: hook, namespace: sys, path: /validate}}}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: mu}
webhooks: [{name: m.example.com, clientConfig: {service: {name: hook, namespace: sys, path: /mutate}}}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.metrics.example.com}
spec: {group: metrics.example.com, version: v1, service: {name: hook, namespace: sys, port: 443}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - {name: v1alpha1, served: true, storage: false}
    - {name: v1, served: true, storage: true}
  conversion:
    strategy: Webhook
    webhook: {clientConfig: {service: {name: hook, namespace: sys, path: /convert}}, conversionReviewVersions: [v1]}
---
apiVersion: example.com/v1alpha1
kind: Widget
metadata: {name: w, namespace: shop}
"""
    built = build(tmp_path, text)
    via = {(d["type"], d["via"]) for u, v, d in built.graph.edges(data=True)
           if u == m.APISERVER_ID and v == "Service/sys/hook"}
    assert via == {(m.ADMISSION_WEBHOOK, "ValidatingWebhookConfiguration/v"),
                   (m.ADMISSION_WEBHOOK, "MutatingWebhookConfiguration/mu"),
                   (m.AGGREGATED_API, "APIService/v1.metrics.example.com"),
                   (m.CONVERSION_WEBHOOK, "CustomResourceDefinition/widgets.example.com")}
    key = "admission-webhook via MutatingWebhookConfiguration/mu"
    data = built.graph.edges[m.APISERVER_ID, "Service/sys/hook", key]
    lines = (tmp_path / "input.yaml").read_text().splitlines()
    assert data["path"] == "/mutate" and "/mutate" in lines[data["evidence"][0]["line"] - 1]
    assert edges(built, m.INSTANCE_OF) == {("Widget/shop/w", "CustomResourceDefinition/widgets.example.com@v1alpha1")}
    assert len(edges(built, m.DEFINES_VERSION)) == 2
    assert ("Widget/shop/w", "api:example.com/v1alpha1") not in edges(built, m.USES_API)
    assert ("Service/sys/hook", "api:v1") in edges(built, m.USES_API)


def test_hpa_and_pdb_are_secondary_edges(tmp_path: Path) -> None:
    text = service("web") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 3}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
"""
    built = build(tmp_path, text)
    assert edges(built, m.SCALES) == {("HorizontalPodAutoscaler/shop/web", "Deployment/shop/web")}
    assert edges(built, m.PROTECTS) == {("PodDisruptionBudget/shop/web", "Deployment/shop/web")}
    assert all(d.get("secondary") for *_, k, d in built.graph.edges(keys=True, data=True) if k in m.SECONDARY_EDGES)


def test_application_api_versions(tmp_path: Path) -> None:
    text = service("orders") + service("reviews-v2", app="reviews") + client(
        "http://orders:8080/api/v2/", key="ORDERS_URL") + client("reviews-v2:9080", name="c2", key="R_ADDR")
    text = text.replace("metadata: {name: orders, namespace: shop}\nspec:\n  selector: {app: orders}",
                        "metadata: {name: orders, namespace: shop, annotations: "
                        "{kcompat.io/serves: \"orders/v1, orders/v2\"}}\nspec:\n  selector: {app: orders}")
    built = build(tmp_path, text)
    assert edges(built, m.SERVES) == {("Service/shop/orders", "app-api:orders/v1"),
                                      ("Service/shop/orders", "app-api:orders/v2"),
                                      ("Service/shop/reviews-v2", "app-api:reviews/v2")}
    assert edges(built, m.CONSUMES) == {("Deployment/shop/client", "app-api:orders/v2"),
                                        ("Deployment/shop/c2", "app-api:reviews/v2")}


def test_check_never_imports_networkx() -> None:
    code = ("import sys; from kcompat.cli import main; main(['check', 'fixtures/demo']); "
            "print('networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.stdout.strip().splitlines()[-1] == "False"
