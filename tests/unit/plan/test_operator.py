"""The operator-upgrade hop (kcompat.plan.operator) from CRDs and resources read as kcompat reads files."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from conftest import FIXTURES
from kcompat.catalog.lifecycle import load_catalog
from kcompat.checks.crd_diff import crds_by_name
from kcompat.graph.build import build_graph
from kcompat.plan.operator import held_custom_versions, old_crds_for_graph, operator_hop
from kcompat.sources.load import load_text
from kcompat.sources.resources import Resource, extract

ORDERS_V1 = FIXTURES / "realworld/cert-manager-v1.7/crd-orders.yaml"
ORDERS_V1BETA1 = FIXTURES / "realworld/cert-manager-v1.0-legacy/crd-orders.v1beta1.yaml"


def _read(text: str, name: str) -> list[Resource]:
    return extract(load_text(text, name).documents).resources


def _dump(*objects: Any) -> str:
    return "---\n".join(yaml.safe_dump(o, sort_keys=False) for o in objects)


def _legacy(stored: list[str]) -> dict[str, Any]:
    crd: dict[str, Any] = yaml.safe_load(ORDERS_V1BETA1.read_text())
    crd["status"] = {"storedVersions": stored}
    return crd


def _hop(old: dict[str, Any], new_text: str, path_text: str = "") -> Any:
    old_resources = _read(_dump(old), "old.yaml")
    new_resources = _read(new_text, "new.yaml")
    resources = _read(path_text, "crs.yaml") if path_text else []
    built = build_graph(resources + old_crds_for_graph(old_resources, resources), load_catalog())
    return operator_hop(built, "old.yaml", "new.yaml", crds_by_name(old_resources), crds_by_name(new_resources),
                        resources)


def test_a_dropped_version_listed_in_stored_versions_needs_a_storage_migration() -> None:
    hop = _hop(_legacy(["v1alpha2", "v1"]), ORDERS_V1.read_text())
    stored = {h.api_version: h.stored for h in hop.held}
    assert stored == {"acme.cert-manager.io/v1alpha2": "yes", "acme.cert-manager.io/v1alpha3": "no",
                      "acme.cert-manager.io/v1beta1": "no"}
    step = next(s for s in hop.steps if s.action == "migrate-storage")
    assert not step.done and step.text.startswith("migrate stored objects: rewrite every object of "
                                                  "orders.acme.cert-manager.io")
    assert "orders.acme.cert-manager.io: [v1]" in step.text
    assert hop.ready  # nothing in PATH, no client: only the storage migration stands before the upgrade


def test_stored_versions_that_list_no_dropped_version_need_no_migration() -> None:
    hop = _hop(_legacy(["v1"]), ORDERS_V1.read_text())
    step = next(s for s in hop.steps if s.action == "migrate-storage")
    assert step.done and {h.stored for h in hop.held} == {"no"}


def test_a_version_set_to_served_false_is_held_like_a_removed_one() -> None:
    new: dict[str, Any] = yaml.safe_load(ORDERS_V1BETA1.read_text())
    kept = copy.deepcopy(new)
    for version in kept["spec"]["versions"]:
        version["served"] = version["name"] == "v1"
    order = "apiVersion: acme.cert-manager.io/v1alpha3\nkind: Order\nmetadata: {name: o, namespace: shop}\n"
    hop = _hop(new, _dump(kept), order)
    hows = {h.api_version: h.how for h in hop.held}
    assert hows == {f"acme.cert-manager.io/{v}": "not served" for v in ("v1alpha2", "v1alpha3", "v1beta1")}
    (held,) = [h for h in hop.held if h.resources]
    assert [r.node for r in held.resources] == ["Order/shop/o"] and held.replacement == "acme.cert-manager.io/v1"
    assert [b.details["node"] for b in hop.blockers] == ["Order/shop/o"]


def test_a_crd_missing_from_new_is_held_without_replacement_and_blocks_its_objects() -> None:
    legacy = _legacy([])
    order = "apiVersion: acme.cert-manager.io/v1\nkind: Order\nmetadata: {name: o, namespace: shop}\n"
    hop = _hop(legacy, "", order)
    assert {h.how for h in hop.held} == {"crd removed"} and {h.replacement for h in hop.held} == {None}
    assert [b.details["blocker"] for b in hop.blockers] == ["crd-resource-orphaned"]


def test_the_audit_reader_is_told_the_plural_and_kind_of_each_held_version() -> None:
    old = crds_by_name(_read(_dump(_legacy([])), "old.yaml"))
    new = crds_by_name(_read(ORDERS_V1.read_text(), "new.yaml"))
    found = {(c.group, c.version, c.resource, c.kind, c.replacement) for c in held_custom_versions(old, new)}
    assert found == {("acme.cert-manager.io", v, "orders", "Order", "acme.cert-manager.io/v1")
                     for v in ("v1alpha2", "v1alpha3", "v1beta1")}
