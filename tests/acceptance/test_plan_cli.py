"""End-to-end `kcompat graph` and `kcompat plan` on the bundled demo and the graph fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx

from conftest import CLI, FIXTURES

DEMO = str(FIXTURES / "demo")


def test_demo_plan_shape(run_cli: CLI) -> None:
    run = run_cli("plan", DEMO, "--current-version", "1.22", "--target-version", "1.29", "-o", "json")
    assert run.code == 0, run.err
    plan = run.json()
    assert plan["schema"] == "kcompat.plan/v1"
    hops = {h["name"]: sorted((i["object"]["kind"], i["rule"]) for i in h["items"]) for h in plan["hops"]}
    assert list(hops) == ["at 1.22", *(f"1.{n} -> 1.{n + 1}" for n in range(22, 29))]
    assert ("Ingress", "removed-api") in hops["at 1.22"]
    assert hops["1.24 -> 1.25"] == [("CronJob", "removed-api"), ("PodDisruptionBudget", "removed-api"),
                                    ("PodSecurityPolicy", "removed-api")]
    assert hops["1.25 -> 1.26"] == [("HorizontalPodAutoscaler", "removed-api")]
    ingress = next(i for i in plan["hops"][0]["items"] if i["object"]["kind"] == "Ingress")
    assert ingress["affected"] == ["Service/shop/frontend", "Service/shop/orders"]
    assert ingress["replacement"] == "networking.k8s.io/v1"
    # application waves: orders already serves v1 and v2; the reconciler moves; then v1 is retired
    assert [(w["wave"], [(s["action"], s["nodes"]) for s in w["steps"]]) for w in plan["waves"]] == [
        (1, [("serve", ["Service/shop/orders"])]),
        (2, [("migrate", ["CronJob/shop/order-reconciler"])]),
        (3, [("retire", ["Service/shop/orders"])]),
    ]
    assert plan["holds"] == [{"api": "orders", "version": "v1", "newest": "v2", "providers": ["Service/shop/orders"],
                              "clients": ["CronJob/shop/order-reconciler"], "retire_wave": 3}]
    layers = plan["upgrade_layers"]
    assert layers[0] == ["Deployment/shop/payments", "Deployment/shop/redis", "StatefulSet/shop/postgres"]
    assert "Deployment/shop/orders" in layers[1]
    assert {"Deployment/shop/frontend", "CronJob/shop/order-reconciler"} <= set(layers[2])
    assert plan["blockers"] == [] and plan["cycles"] == []


def test_demo_plan_text_and_markdown(run_cli: CLI) -> None:
    text = run_cli("plan", DEMO, "-c", "1.22", "-t", "1.29").out
    assert "Wave 1:" in text and "3. before 1.24 -> 1.25" in text
    assert ("orders/v1 must stay served and backward-compatible until: CronJob/shop/order-reconciler" in text)
    markdown = run_cli("plan", DEMO, "-c", "1.22", "-t", "1.29", "-o", "markdown").out
    assert markdown.startswith("# Upgrade plan") and "### Wave 2" in markdown


def test_plan_exits_1_on_a_blocker(run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    path = write("a.yaml", """
apiVersion: v1
kind: Service
metadata: {name: p, namespace: ns, annotations: {kcompat.io/serves: "p/v2"}}
spec: {selector: {app: p}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: ns}
spec:
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: c, image: x, env: [{name: P_URL, value: "http://p/api/v1/"}]}]}
""")
    run = run_cli("plan", str(path), "-c", "1.28", "-t", "1.29")
    assert run.code == 1
    assert "plan-blocker/unserved-version" in run.out and "a.yaml:13" in run.out


def test_plan_usage_errors(run_cli: CLI) -> None:
    assert run_cli("plan", DEMO, "-c", "1.29", "-t", "1.22").code == 2
    assert run_cli("plan", DEMO).code == 2
    assert run_cli("plan", "/no/such/path", "-c", "1.28").code == 2


def test_graph_json_is_node_link_and_loads_back(run_cli: CLI) -> None:
    run = run_cli("graph", DEMO, "-o", "json")
    assert run.code == 0
    data = run.json()
    assert data["schema"] == "kcompat.graph/v1"
    for node in data["nodes"]:
        assert {"id", "kind", "name", "namespace"} <= set(node)
    for edge in data["edges"]:
        assert {"source", "target", "type", "evidence"} <= set(edge)
        assert all({"file", "line", "text"} <= set(e) for e in edge["evidence"])
    graph = nx.node_link_graph(data, edges="edges")
    assert graph.has_edge("Deployment/shop/frontend", "Service/shop/orders")
    assert graph.number_of_edges() == len(data["edges"])
    assert data["unresolved"] == []


def test_graph_text_mermaid_dot(run_cli: CLI) -> None:
    text = run_cli("graph", DEMO).out
    assert "Deployment/shop/orders -> Service/shop/payments :9000" in text
    assert "env PAYMENTS_ADDR=payments.shop.svc.cluster.local:9000" in text
    mermaid = run_cli("graph", DEMO, "-o", "mermaid").out
    assert mermaid.startswith("flowchart LR") and "-->|calls|" in mermaid and "-.->|scales|" in mermaid
    dot = run_cli("graph", DEMO, "-o", "dot").out
    assert dot.startswith("digraph kcompat {") and '"Deployment/shop/frontend" -> "Service/shop/orders"' in dot
    assert dot.rstrip().endswith("}")


def test_graph_reports_unresolved(run_cli: CLI) -> None:
    bookinfo = FIXTURES / "corpus/graphs/bookinfo/platform-kube"
    run = run_cli("graph", str(bookinfo / "bookinfo-ratings-v2.yaml"), "-o", "mermaid")
    assert ":::unresolved" in run.out and "mongodb?" in run.out


def test_plan_lists_an_api_once_at_its_removal_and_no_rollout_for_hop_0(run_cli: CLI) -> None:
    plan = run_cli("plan", DEMO, "--current-version", "1.21", "--target-version", "1.29", "-o", "json").json()
    by_hop = {h["name"]: h for h in plan["hops"]}
    # autoscaling/v2beta2 HPA is deprecated at 1.22 -> 1.23 and removed at 1.25 -> 1.26: listed once
    listed = [(h["name"], i["rule"]) for h in plan["hops"] for i in h["items"]
              if i["object"]["kind"] == "HorizontalPodAutoscaler"]
    assert listed == [("1.25 -> 1.26", "removed-api")]
    removal = by_hop["1.25 -> 1.26"]["items"][0]
    assert removal["deprecatedAt"] == "1.22 -> 1.23"
    assert by_hop["1.22 -> 1.23"]["items"] == []
    # hop 0 holds APIs 1.21 does not serve: no claim that 1.21 serves old and new
    assert by_hop["at 1.21"]["items"] and by_hop["at 1.21"]["strategy"] == ""
    text = run_cli("plan", DEMO, "--current-version", "1.21", "--target-version", "1.29").out
    assert "1.21 serves both" not in text.split("1. before 1.21 -> 1.22")[0]
    assert "deprecated at 1.22 -> 1.23; listed here, where it breaks" in text
    # flowcontrol v1 is new in 1.29: both versions are served only after the 1.28 -> 1.29 hop
    assert "1.29 serves both the old and the replacement versions" in by_hop["1.28 -> 1.29"]["strategy_reason"]
    assert "after the hop" in by_hop["1.28 -> 1.29"]["strategy_reason"]
