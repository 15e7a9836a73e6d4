"""Audit-log clients in `kcompat graph` and `kcompat plan` (--audit-log, --clients-json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import CLI, FIXTURES

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      serviceAccountName: legacy-controller
      containers: [{name: c, image: x}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: plain, namespace: shop}
spec:
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec: {containers: [{name: c, image: x}]}
"""


def event(user: str, group: str, version: str, resource: str, when: str, agent: str = "ctl/1.0",
          stage: str = "ResponseComplete") -> str:
    return json.dumps({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": when, "stage": stage,
        "verb": "list", "user": {"username": user}, "userAgent": agent,
        "objectRef": {"resource": resource, "namespace": "shop", "apiVersion": version, "apiGroup": group},
        "requestReceivedTimestamp": when, "annotations": {}})


def audit_log(write: Callable[[str, str], Path]) -> Path:
    lines = [
        event("system:serviceaccount:shop:legacy-controller", "extensions", "v1beta1", "ingresses",
              "2024-05-01T10:00:00Z", stage="RequestReceived"),  # counted once, at ResponseComplete
        event("system:serviceaccount:shop:legacy-controller", "extensions", "v1beta1", "ingresses",
              "2024-05-01T10:00:00Z"),
        event("system:serviceaccount:shop:legacy-controller", "extensions", "v1beta1", "ingresses",
              "2024-05-02T11:00:00Z"),
        event("system:serviceaccount:shop:default", "policy", "v1beta1", "poddisruptionbudgets",
              "2024-05-03T12:00:00Z"),
        event("bob@example.com", "autoscaling", "v2beta2", "horizontalpodautoscalers", "2024-05-04T13:00:00Z"),
        event("system:serviceaccount:shop:legacy-controller", "apps", "v1", "deployments",
              "2024-05-04T13:00:00Z"),  # a current API: not a client to migrate
    ]
    return write("audit.log", "\n".join(lines) + "\n")


def test_plan_lists_audit_clients_before_the_hop_that_removes_their_api(
        run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    app = write("app.yaml", MANIFEST)
    log = audit_log(write)
    run = run_cli("plan", str(app), "-c", "1.21", "-t", "1.29", "--audit-log", str(log), "-o", "json")
    assert run.code == 0, run.err
    plan = run.json()
    hops = {h["name"]: h["clients"] for h in plan["hops"]}
    [ingress] = hops["1.21 -> 1.22"]
    # the service account's workload is the node, not a separate client node
    assert ingress["node"] == "Deployment/shop/legacy"
    assert ingress["apiVersion"] == "extensions/v1beta1" and ingress["requests"] == 2
    assert ingress["first_seen"] == "2024-05-01T10:00:00Z" and ingress["last_seen"] == "2024-05-02T11:00:00Z"
    assert ingress["source"] == "audit-log" and ingress["reliability"].startswith("high")
    assert ingress["clients"] == ["service account shop/legacy-controller"]
    [pdb] = hops["1.24 -> 1.25"]
    assert pdb["node"] == "Deployment/shop/plain"  # serviceAccountName unset means "default"
    [hpa] = hops["1.25 -> 1.26"]
    assert hpa["node"].startswith("client:audit-log:user:bob@example.com")
    assert all(not h for name, h in hops.items() if name not in ("1.21 -> 1.22", "1.24 -> 1.25",
                                                                            "1.25 -> 1.26"))
    assert {c["apiVersion"] for c in plan["clients"]} == {"extensions/v1beta1", "policy/v1beta1",
                                                          "autoscaling/v2beta2"}
    text = run_cli("plan", str(app), "-c", "1.21", "-t", "1.29", "--audit-log", str(log)).out
    assert ("clients still calling this API: extensions/v1beta1 Ingress (removed in 1.22; use "
            "networking.k8s.io/v1): Deployment/shop/legacy as service account shop/legacy-controller "
            "(audit log, 2 requests, first seen 2024-05-01T10:00:00Z, last seen 2024-05-02T11:00:00Z)") in text
    markdown = run_cli("plan", str(app), "-c", "1.21", "-t", "1.29", "--audit-log", str(log), "-o", "markdown").out
    assert "clients still calling this API: policy/v1beta1" in markdown


def test_already_removed_api_clients_go_to_hop_zero(run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    app = write("app.yaml", MANIFEST)
    plan = run_cli("plan", str(app), "-c", "1.23", "-t", "1.26", "--audit-log", str(audit_log(write)),
                   "-o", "json").json()
    hops = {h["name"]: [c["apiVersion"] for c in h["clients"]] for h in plan["hops"]}
    assert hops == {"at 1.23": ["extensions/v1beta1"], "1.23 -> 1.24": [], "1.24 -> 1.25": ["policy/v1beta1"],
                    "1.25 -> 1.26": ["autoscaling/v2beta2"]}


def test_graph_has_client_nodes_and_observed_edges(run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    app = write("app.yaml", MANIFEST)
    run = run_cli("graph", str(app), "--audit-log", str(audit_log(write)), "-o", "json")
    assert run.code == 0, run.err
    graph = run.json()
    nodes = {n["id"]: n for n in graph["nodes"]}
    clients = [n for n in nodes.values() if n["kind"] == "client"]
    assert [c["name"] for c in clients] == ["bob@example.com"]  # the service accounts joined their workloads
    assert clients[0]["source"] == "audit-log" and clients[0]["reliability"].startswith("high")
    observed = {(e["source"], e["target"]): e for e in graph["edges"] if e.get("observed")}
    edge = observed[("Deployment/shop/legacy", "api:extensions/v1beta1")]
    assert edge["type"] == "uses-api" and edge["requests"] == 2 and edge["status"] == "removed"
    assert edge["evidence"][0]["file"] == "audit-log" and "used extensions/v1beta1 2 time(s)" in \
        edge["evidence"][0]["text"]
    assert nodes["api:extensions/v1beta1"]["kind"] == "builtin-api"
    text = run_cli("graph", str(app), "--audit-log", str(audit_log(write))).out
    assert "Deployment/shop/legacy -> api:extensions/v1beta1" in text  # observed edges are shown by default
    assert "uses-api observed by audit-log:" in text


def test_clients_json_is_the_same_as_the_audit_log(run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    app = write("app.yaml", MANIFEST)
    log = audit_log(write)
    exported = run_cli("clients", "--audit-log", str(log), "-t", "1.29", "-o", "json", "--fail-on", "none")
    assert exported.code == 0, exported.err
    clients_json = write("clients.json", exported.out)
    from_log = run_cli("plan", str(app), "-c", "1.21", "-t", "1.29", "--audit-log", str(log), "-o", "json").json()
    from_json = run_cli("plan", str(app), "-c", "1.21", "-t", "1.29", "--clients-json", str(clients_json),
                        "-o", "json").json()
    assert from_log["hops"] == from_json["hops"] and from_log["clients"] == from_json["clients"]


def test_bundled_audit_fixture_and_bad_inputs(run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    demo = str(FIXTURES / "demo")
    run = run_cli("plan", demo, "-c", "1.22", "-t", "1.29", "--audit-log", str(FIXTURES / "clients" / "audit.log"))
    assert run.code == 0 and "service account kube-system/hpa-old (audit log, 1 request," in run.out
    bad = write("bad.json", '{"nope": 1}')
    run = run_cli("plan", demo, "-c", "1.22", "-t", "1.29", "--clients-json", str(bad))
    assert run.code == 2 and "kcompat clients -o json" in run.err
    run = run_cli("graph", demo, "--audit-log", str(Path(write("x", "").parent / "missing.log")))
    assert run.code == 2


SHARED_ACCOUNT_APPS = "\n---\n".join(
    f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{number}, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: app-{number}}}}}
  template:
    metadata: {{labels: {{app: app-{number}}}}}
    spec: {{containers: [{{name: app, image: nginx}}]}}""" for number in range(14))


def _real_event(second: int, agent: str) -> str:
    """An audit.k8s.io/v1 Event as the API server writes it (Metadata level, ResponseComplete)."""
    return json.dumps({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
        "auditID": f"5c3c7b2e-8a43-4b0e-9f7d-0000000000{second:02d}", "stage": "ResponseComplete",
        "requestURI": "/apis/policy/v1beta1/namespaces/shop/poddisruptionbudgets?limit=500", "verb": "list",
        "user": {"username": "system:serviceaccount:shop:default", "uid": "0c6e1a7e-1b9b-4d43-a0f4-6d1f0a6c2d11",
                 "groups": ["system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"],
                 "extra": {"authentication.kubernetes.io/pod-name": ["app-3-6d4cf56db6-x2x7k"]}},
        "sourceIPs": ["10.244.1.17"], "userAgent": agent,
        "objectRef": {"resource": "poddisruptionbudgets", "namespace": "shop", "apiGroup": "policy",
                      "apiVersion": "v1beta1"},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": f"2024-05-01T10:00:{second:02d}.412345Z",
        "stageTimestamp": f"2024-05-01T10:00:{second:02d}.415678Z",
        "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "",
                        "k8s.io/deprecated": "true", "k8s.io/removed-release": "1.25"}})


def test_one_request_of_a_shared_service_account_is_one_client(
        run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    app = write("apps.yaml", SHARED_ACCOUNT_APPS)
    log = write("audit.log", _real_event(1, "kubectl/v1.24.0 (linux/amd64) kubernetes/4ce5a89") + "\n")
    plan = run_cli("plan", str(app), "-c", "1.21", "-t", "1.29", "--audit-log", str(log), "-o", "json").json()
    [call] = [c for h in plan["hops"] for c in h["clients"]]
    assert call["requests"] == 1
    assert call["clients"] == ["service account shop/default"]
    assert len(call["run_by"]) == 14  # the 14 workloads that run as it, named once, not 14 clients
    assert len(plan["clients"]) == 1
    text = run_cli("plan", str(app), "-c", "1.21", "-t", "1.29", "--audit-log", str(log)).out
    assert text.count("1 request") == 2  # the hop and the overall list, once each
    assert "14 workloads run as it, any may be the caller: Deployment/shop/app-0" in text


def test_clients_are_one_per_identity_whatever_the_user_agent(
        run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    log = write("audit.log", "\n".join(_real_event(second, f"kubectl/v1.{20 + second % 3}.0") for second in range(9)))
    data = run_cli("clients", "--audit-log", str(log), "-t", "1.29", "-o", "json").json()
    [client] = data["clients"]
    assert client["identity"]["user_agents"] == ["kubectl/v1.20.0", "kubectl/v1.21.0", "kubectl/v1.22.0"]
    [usage] = client["apis"]
    assert usage["requests"] == 9
    assert usage["first_seen"].startswith("2024-05-01T10:00:00")
    assert usage["last_seen"].startswith("2024-05-01T10:00:08")
