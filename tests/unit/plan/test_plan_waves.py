"""Upgrade-plan algorithms: layers, waves, cycles, holds and blockers on small graphs."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kcompat.catalog.lifecycle import load_catalog
from kcompat.checks.context import CheckContext
from kcompat.core.versions import KubeVersion
from kcompat.engine.request import CheckRequest
from kcompat.engine.run import run_keeping
from kcompat.graph.build import build_graph
from kcompat.plan.planner import UpgradePlan, make_plan


def app(name: str, calls: list[str] = (), serves: str = "", consumes: str = "",  # type: ignore[assignment]
        service: bool = True, labels: str = "") -> str:
    annotations = {}
    if serves:
        annotations["kcompat.io/serves"] = serves
    if consumes:
        annotations["kcompat.io/consumes"] = consumes
    env = ", ".join(f'{{name: {c.upper().replace("-", "_")}_URL, value: "http://{c}:80/"}}' for c in calls)
    text = f"""
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: ns, annotations: {annotations or {}}}}
spec:
  selector: {{matchLabels: {{app: {labels or name}}}}}
  template:
    metadata: {{labels: {{app: {labels or name}}}}}
    spec: {{containers: [{{name: c, image: x, env: [{env}]}}]}}
"""
    if service:
        text += f"""
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: ns}}
spec: {{selector: {{app: {labels or name}}}, ports: [{{port: 80}}]}}
"""
    return text


def plan_of(tmp_path: Path, text: str) -> UpgradePlan:
    path = tmp_path / "in.yaml"
    path.write_text(textwrap.dedent(text))
    request = CheckRequest((str(path),), KubeVersion(1, 29), KubeVersion(1, 28), schema=None,
                           keep_resources=True, lifecycle_hops=True)
    result, resources = run_keeping(request, ())
    catalog = load_catalog()
    context = CheckContext(catalog, KubeVersion(1, 29), KubeVersion(1, 28))
    return make_plan(build_graph(resources, catalog), result, context)


def steps(plan: UpgradePlan) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(w.number, s.action, tuple(s.nodes)) for w in plan.waves for s in w.steps]


def test_chain_layers_callees_first(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, app("a", ["b"]) + app("b", ["c"]) + app("c"))
    assert plan.upgrade_layers == [["Deployment/ns/c"], ["Deployment/ns/b"], ["Deployment/ns/a"]]
    assert plan.waves == [] and plan.blockers == [] and plan.cycles == []


def test_diamond(tmp_path: Path) -> None:
    text = app("a", ["b", "c"]) + app("b", ["d"]) + app("c", ["d"]) + app("d")
    plan = plan_of(tmp_path, text)
    assert plan.upgrade_layers == [["Deployment/ns/d"], ["Deployment/ns/b", "Deployment/ns/c"], ["Deployment/ns/a"]]


def test_waves_serve_then_clients_in_dependency_order_then_retire(tmp_path: Path) -> None:
    # a -> b -> api(x) provider p; both a and b use x/v1; p serves v1 and v2.
    text = (app("a", ["b"], consumes="x/v1") + app("b", ["p"], consumes="x/v1")
            + app("p", serves="x/v1, x/v2"))
    plan = plan_of(tmp_path, text)
    assert steps(plan) == [
        (1, "serve", ("Deployment/ns/p",)),
        (2, "migrate", ("Deployment/ns/b",)),
        (3, "migrate", ("Deployment/ns/a",)),
        (4, "retire", ("Deployment/ns/p",)),
    ]
    [hold] = plan.holds
    assert (hold.api, hold.version, hold.newest, hold.retire_wave) == ("x", "v1", "v2", 4)
    assert hold.clients == ["Deployment/ns/a", "Deployment/ns/b"]
    assert plan.blockers == []


def test_provider_that_does_not_serve_the_new_version_yet_is_told_to(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, app("a", ["p"], consumes="x/v1") + app("p", serves="x/v1")
                   + app("b", ["p"], consumes="x/v2"))
    serve = plan.waves[0].steps[0]
    assert serve.action == "serve" and "starts serving x/v2 while still serving x/v1" in serve.text
    # b uses x/v2, which p does not serve: that is a blocker
    assert [b.details["blocker"] for b in plan.blockers] == ["unserved-version"]


def test_cycle_is_one_step_where_members_serve_both(tmp_path: Path) -> None:
    text = (app("a", ["b"], serves="x/v1, x/v2", consumes="y/v1")
            + app("b", ["a"], serves="y/v1, y/v2", consumes="x/v1") + app("c", ["a"], consumes="x/v1"))
    plan = plan_of(tmp_path, text)
    assert plan.cycles == [["Deployment/ns/a", "Deployment/ns/b"]]
    cycle_steps = [s for w in plan.waves for s in w.steps if s.action == "cycle"]
    assert len(cycle_steps) == 1 and "serves both" in cycle_steps[0].text
    migrate_c = next(w.number for w in plan.waves for s in w.steps if s.nodes == ["Deployment/ns/c"])
    cycle_wave = next(w.number for w in plan.waves for s in w.steps if s.action == "cycle")
    assert cycle_wave < migrate_c
    retire_x = next(h.retire_wave for h in plan.holds if h.api == "x")
    assert retire_x == migrate_c + 1


def test_client_of_two_versions_at_once(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, app("a", ["p"], consumes="x/v1, x/v2") + app("p", serves="x/v1, x/v2"))
    migrate = [s for w in plan.waves for s in w.steps if s.action == "migrate"]
    assert [(s.nodes, s.versions) for s in migrate] == [(["Deployment/ns/a"], ["v1", "v2"])]
    assert [(h.version, h.clients) for h in plan.holds] == [("v1", ["Deployment/ns/a"])]
    assert plan.blockers == []


def test_provider_dropping_a_version_early_is_a_blocker(tmp_path: Path) -> None:
    # Service p selects two Deployments; the new one no longer serves x/v1, still used by a.
    text = (app("a", ["p"], consumes="x/v1") + app("p-old", serves="x/v1, x/v2", labels="p", service=False)
            + app("p-new", serves="x/v2", labels="p", service=False)
            + '\n---\napiVersion: v1\nkind: Service\nmetadata: {name: p, namespace: ns}\n'
              'spec: {selector: {app: p}, ports: [{port: 80}]}\n')
    plan = plan_of(tmp_path, text)
    kinds = sorted(b.details["blocker"] for b in plan.blockers)
    assert kinds == ["version-retired-early"]
    [blocker] = plan.blockers
    assert blocker.rule == "plan-blocker" and "Deployment/ns/p-new" in blocker.message
    assert "Deployment/ns/a" in blocker.message and blocker.details["evidence"][0]["line"]


def test_provider_annotation_without_the_used_version_is_a_blocker(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, app("a", ["p"], consumes="x/v1") + app("p", serves="x/v2"))
    [blocker] = plan.blockers
    assert blocker.details["blocker"] == "unserved-version"
    assert "serves only x/v2" in blocker.message and blocker.origin.line is not None


CRD = """
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - {name: v1alpha1, served: false, storage: true}
    - {name: v1, served: true, storage: false}
---
apiVersion: example.com/v1alpha1
kind: Widget
metadata: {name: w, namespace: ns}
"""


def test_crd_storage_version_not_served_and_unserved_custom_resource(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, CRD)
    assert sorted(b.details["blocker"] for b in plan.blockers) == ["crd-storage-unserved", "crd-version-unserved"]
    [crd] = plan.crds
    assert crd.custom_resources == {"v1alpha1": ["Widget/ns/w"]}
