"""Recall and precision of `kcompat graph` on real applications with known call graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES
from kcompat.catalog.lifecycle import load_catalog
from kcompat.engine.pipeline import load_all
from kcompat.graph import nodes as m
from kcompat.graph.build import ServiceGraph, build_graph
from kcompat.plan.planner import dependency_graph, upgrade_layers
from kcompat.sources.load import LoadedInput
from kcompat.sources.resources import extract

GRAPHS = FIXTURES / "corpus" / "graphs"


def graph_of(*paths: Path) -> ServiceGraph:
    resources = []
    for loaded in load_all([str(p) for p in paths], []):
        assert isinstance(loaded, LoadedInput)
        resources += extract(loaded.documents).resources
    return build_graph(resources, load_catalog())


def expected(app: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((GRAPHS / app / "expected-edges.yaml").read_text())
    return data


def short(node: str) -> str:
    kind, *_, name = node.split("/")
    return f"{kind}/{name}"


def found_edges(built: ServiceGraph, kind: str) -> set[tuple[str, str]]:
    return {(short(u), short(v)) for u, v, k in built.graph.edges(keys=True) if k == kind}


def score(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    recall = len(found & truth) / len(truth) if truth else 1.0
    precision = len(found & truth) / len(found) if found else 1.0
    return recall, precision


def check_layers(built: ServiceGraph) -> None:
    """For every edge A -> Service S, S's workloads are upgraded no later than A."""
    layers, layer_of, _ = upgrade_layers(dependency_graph(built.graph))
    graph = built.graph
    for source, service, kind in graph.edges(keys=True):
        if kind != m.CALLS:
            continue
        for _, workload, k in graph.out_edges(service, keys=True):
            if k == m.SELECTS and workload != source:
                assert layer_of[workload] <= layer_of[source], (source, workload, layers)


@pytest.mark.parametrize("app", ["bookinfo", "guestbook"])
def test_call_edges_recall_and_precision(app: str) -> None:
    data = expected(app)
    built = graph_of(GRAPHS / app)
    calls = found_edges(built, m.CALLS)
    must = {(e["from"], e["to"]) for e in data["edges"] if e["discoverable_from_manifests"] is True}
    never = {(e["from"], e["to"]) for e in data["edges"] if e["discoverable_from_manifests"] is False}
    recall, precision = score(calls, must)
    assert recall == 1.0, calls
    assert precision == 1.0, calls - must
    assert not calls & never, "edges known only from source code must not be invented"
    for non_edge in data.get("non_edges", []):
        if "from" in non_edge:
            assert (non_edge["from"], non_edge["to"]) not in calls
    check_layers(built)


@pytest.mark.parametrize("app", ["bookinfo", "guestbook"])
def test_service_selection_matches_expected(app: str) -> None:
    data = expected(app)
    built = graph_of(GRAPHS / app)
    selects = {(a, b) for a, b in found_edges(built, m.SELECTS) if not b.startswith("ReplicationController/")}
    truth = set()
    for entry in data["services"]:
        wanted = entry["selects"] if isinstance(entry["selects"], list) else [entry["selects"]]
        wanted += entry.get("selects_with_optional_files", [])
        truth |= {(f"Service/{entry['service']}", w) for w in wanted}
    assert score(selects, truth) == (1.0, 1.0), selects ^ truth


def test_bookinfo_base_manifest_alone_has_no_call_edges() -> None:
    built = graph_of(GRAPHS / "bookinfo/platform-kube/bookinfo.yaml")
    assert found_edges(built, m.CALLS) == set()
    assert built.unresolved == []  # LOG_DIR=/tmp/logs is a path


def test_bookinfo_without_its_database_reports_a_dangling_reference() -> None:
    built = graph_of(GRAPHS / "bookinfo/platform-kube/bookinfo.yaml",
                     GRAPHS / "bookinfo/platform-kube/bookinfo-ratings-v2.yaml")
    assert found_edges(built, m.CALLS) == set()
    assert [(u.source, u.service) for u in built.unresolved] == [("Deployment/default/ratings-v2", "mongodb")]
    assert "MONGO_DB_URL=mongodb://mongodb:27017/test" in built.unresolved[0].evidence.text
    assert "Service/default/mongodb" not in built.graph


def test_guestbook_legacy_controllers_alone_give_no_edges_and_no_guesses() -> None:
    built = graph_of(GRAPHS / "guestbook/legacy")
    assert found_edges(built, m.CALLS) == set()
    assert built.unresolved == []  # GET_HOSTS_FROM=dns names no Service


def test_guestbook_role_label_separates_redis_master_and_replica() -> None:
    selects = found_edges(graph_of(GRAPHS / "guestbook/guestbook-all-in-one.yaml"), m.SELECTS)
    assert ("Service/redis-master", "Deployment/redis-replica") not in selects
    assert ("Service/redis-replica", "Deployment/redis-master") not in selects


def test_metrics_server_apiservice_edge() -> None:
    built = graph_of(FIXTURES / "corpus" / "crds" / "metrics-server-v0.7.2")
    edges = [(u, v, d) for u, v, d in built.graph.edges(data=True) if d["type"] == m.AGGREGATED_API]
    assert [(u, v, d["via"]) for u, v, d in edges] == [
        ("kube-apiserver", "Service/kube-system/metrics-server", "APIService/v1beta1.metrics.k8s.io")]
    assert ("Service/kube-system/metrics-server", "Deployment/kube-system/metrics-server",
            m.SELECTS) in built.graph.edges(keys=True)
