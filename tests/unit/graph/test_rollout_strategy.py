"""Rollout strategy of each plan step (rolling update, blue-green, canary) and its manifest changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import CLI, FIXTURES


def plan(run_cli: CLI, *paths: str, current: str = "1.28") -> Any:
    run = run_cli("plan", *paths, "-c", current, "-t", "1.29", "-o", "json")
    assert run.code in (0, 1), run.err
    return run.json()


def test_each_strategy_on_the_rollout_fixture(run_cli: CLI) -> None:
    data = plan(run_cli, str(FIXTURES / "rollout" / "strategies.yaml"))
    steps = {(s["action"], s["nodes"][0], s["api"]): s for w in data["waves"] for s in w["steps"]}
    orders = steps[("serve", "Service/app/orders", "orders")]
    assert orders["strategy"] == "blue-green" and "selects only pods labelled version=v1" in orders["strategy_reason"]
    changes = orders["rollout"]["changes"]
    assert [c["title"].split(":")[0] for c in changes] == [
        "1. deploy orders-green (version", "2. switch Service/app/orders to version=v2 (all traffic at once; switch "
        "back to roll back)", "3. clean up"]
    assert "+  name: orders-green" in changes[0]["diff"] and "+        version: v2" in changes[0]["diff"]
    assert "-    version: v1\n+    version: v2" in changes[1]["diff"]
    assert "-metadata: {name: orders, namespace: app}" in changes[2]["diff"]
    search = steps[("serve", "Deployment/app/search", "search")]
    assert search["strategy"] == "canary" and "has 3 callers" in search["strategy_reason"]
    assert search["rollout"]["traffic"] == {"method": "replicas", "service": "Service/app/search",
                                            "workload": "Deployment/app/search", "canary_replicas": 1,
                                            "stable_replicas": 4, "canary_share": 20}
    assert "+    track: canary" in search["rollout"]["changes"][0]["diff"]
    stock = steps[("serve", "Deployment/app/stock", "stock")]
    assert stock["strategy"] == "rolling update" and "keeps serving stock/v1 while adding stock/v2" in \
        stock["strategy_reason"]
    assert steps[("migrate", "Deployment/app/web", "stock")]["strategy"] == "rolling update"
    retire = steps[("retire", "Service/app/orders", "orders")]
    assert retire["strategy"] == "rolling update" and "no client uses orders/v1" in retire["strategy_reason"]
    text = run_cli("plan", str(FIXTURES / "rollout" / "strategies.yaml"), "-c", "1.28", "-t", "1.29").out
    assert "rollout: blue-green: Service/app/orders selects only" in text and "+  name: orders-green" in text
    markdown = run_cli("plan", str(FIXTURES / "rollout" / "strategies.yaml"), "-c", "1.28", "-t", "1.29",
                       "-o", "markdown").out
    assert "rollout: canary:" in markdown and "```diff" in markdown


def test_breaking_change_is_blue_green(run_cli: CLI, write: Callable[[str, str], Any]) -> None:
    path = write("a.yaml", """
apiVersion: apps/v1
kind: Deployment
metadata: {name: p, namespace: ns, annotations: {kcompat.io/serves: "p/v2"}}
spec:
  selector: {matchLabels: {app: p}}
  template:
    metadata: {labels: {app: p}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: p, namespace: ns}
spec: {selector: {app: p}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: c, namespace: ns, annotations: {kcompat.io/consumes: "p/v1"}}
spec:
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec: {containers: [{name: c, image: x, env: [{name: P_URL, value: "http://p/"}]}]}
""")
    data = plan(run_cli, str(path))
    migrate = next(s for w in data["waves"] for s in w["steps"] if s["action"] == "migrate")
    assert migrate["strategy"] == "blue-green" and migrate["strategy_reason"].startswith("breaking:")


def test_hop_strategies(run_cli: CLI, write: Callable[[str, str], Any]) -> None:
    demo = plan(run_cli, str(FIXTURES / "demo"), current="1.22")
    hops = {h["name"]: (h["strategy"], h["strategy_reason"]) for h in demo["hops"]}
    # PodSecurityPolicy has no replacement API: it cannot be converted in place
    assert hops["1.24 -> 1.25"][0] == "blue-green" and "no replacement API" in hops["1.24 -> 1.25"][1]
    assert hops["1.25 -> 1.26"][0] == "rolling update" and "serves both" in hops["1.25 -> 1.26"][1]
    assert hops["1.26 -> 1.27"][0] == "rolling update" and hops["1.26 -> 1.27"][1].startswith("nothing to migrate")
    crd = write("crd.yaml", """
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - {name: v1beta1, served: true, storage: true}
    - {name: v1, served: true, storage: false}
""")
    data = plan(run_cli, str(crd), current="1.21")
    hop = next(h for h in data["hops"] if h["name"] == "1.21 -> 1.22")
    assert hop["strategy"] == "blue-green" and "storage migration" in hop["strategy_reason"]


def test_demo_strategies(run_cli: CLI) -> None:
    data = plan(run_cli, str(FIXTURES / "demo"), current="1.22")
    strategies = [(s["action"], s["nodes"][0], s["strategy"]) for w in data["waves"] for s in w["steps"]]
    assert strategies == [("serve", "Service/shop/orders", "canary"),
                          ("migrate", "CronJob/shop/order-reconciler", "rolling update"),
                          ("retire", "Service/shop/orders", "rolling update")]
    assert data["rollouts"] == []


def test_bookinfo_reviews_canary_via_virtualservice_weights(run_cli: CLI) -> None:
    data = plan(run_cli, str(FIXTURES / "corpus" / "graphs" / "bookinfo"))
    shifts = {s["nodes"][0]: s for s in data["rollouts"]}
    reviews = shifts["Service/default/reviews"]
    assert reviews["versions"] == ["v1", "v2", "v3"] and reviews["strategy"] == "canary"
    assert "VirtualService reviews (v1 90%, v2 10%)" in reviews["strategy_reason"]
    traffic = reviews["rollout"]["traffic"]
    assert traffic["method"] == "virtualservice" and traffic["weights"] == {"v1": 90, "v2": 10}
    assert traffic["next_weights"] == {"v1": 75, "v2": 25} and traffic["steps"] == [25, 50, 100]
    diff = reviews["rollout"]["changes"][0]["diff"]
    assert "-      weight: 90\n+      weight: 75" in diff and "-      weight: 10\n+      weight: 25" in diff
    # ratings: several versions behind one Service, no weights: 1 canary replica of the newest version
    ratings = shifts["Service/default/ratings"]
    assert ratings["strategy"] == "canary" and ratings["rollout"]["traffic"]["method"] == "replicas"


def test_httproute_weights(run_cli: CLI, write: Callable[[str, str], Any]) -> None:
    path = write("route.yaml", """
apiVersion: v1
kind: Service
metadata: {name: shop-v1, namespace: ns}
spec: {selector: {app: shop, version: v1}}
---
apiVersion: v1
kind: Service
metadata: {name: shop-v2, namespace: ns}
spec: {selector: {app: shop, version: v2}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: ns}
spec:
  rules:
    - backendRefs:
        - name: shop-v1
          port: 80
          weight: 80
        - name: shop-v2
          port: 80
          weight: 20
""")
    data = plan(run_cli, str(path))
    shift = next(s for s in data["rollouts"] if s["nodes"] == ["Service/ns/shop-v1"])
    traffic = shift["rollout"]["traffic"]
    assert shift["strategy"] == "canary" and traffic["method"] == "httproute"
    assert traffic["next_weights"] == {"shop-v1": 75, "shop-v2": 25}


def test_edit_lines_takes_new_text_literally(tmp_path: Path) -> None:
    """A version from input with backslashes or group references must not act as a re.sub template."""
    from kcompat.graph.rollout import _edit_lines

    path = tmp_path / "svc.yaml"
    path.write_text("spec:\n  selector:\n    version: v1\n")
    diff = _edit_lines(str(path), {3: (r"(version:\s*)\S+", r"v2\1\g<0>\\")})
    assert "+    version: v2\\1\\g<0>\\\\" in diff
