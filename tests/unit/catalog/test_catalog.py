"""The curated lifecycle facts must agree with the served sets generated from upstream schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from kcompat.catalog.build import (
    META_KINDS,
    build_catalog,
    catalog_text,
    curated_by_key,
    from_ranges,
    load_curated,
    parse_minor,
)
from kcompat.catalog.lifecycle import Catalog, load_catalog

SCHEMAS = ROOT / "schemas"
SERVED = json.loads((SCHEMAS / "served-apis.json").read_text())
NEWEST = max(SERVED["minors"])
CURATED = curated_by_key(load_curated(SCHEMAS))


def _schema_minors(key: str) -> list[int]:
    return from_ranges(SERVED["apis"][key])


def _is_resource_kind(key: str) -> bool:
    kind = key.rpartition("/")[2]
    return kind not in META_KINDS and not kind.endswith("List")


def test_committed_catalog_is_exactly_what_the_build_produces() -> None:
    committed = (SCHEMAS / "catalog.json").read_text()
    assert committed == catalog_text(build_catalog(SCHEMAS)), "run: python scripts/build_knowledge.py"
    assert json.loads(committed) == build_catalog(SCHEMAS)  # and it is plain JSON


def test_lazy_catalog_reads_what_the_json_says() -> None:
    """Catalog.from_text parses an API's line only on lookup; every record equals the JSON's."""
    text = (SCHEMAS / "catalog.json").read_text()
    lazy, eager = Catalog.from_text(text), Catalog(json.loads(text))
    assert lazy.minors == eager.minors and lazy.groups == eager.groups
    assert lazy.lookup("apps/v1", "Deployment") == eager.lookup("apps/v1", "Deployment")
    assert lazy.apis == eager.apis and list(lazy.apis) == list(eager.apis)
    assert lazy.kinds_of("v1") == eager.kinds_of("v1") and lazy.lookup("v1", "Nope") is None


def test_a_catalog_in_another_layout_is_still_read() -> None:
    text = (SCHEMAS / "catalog.json").read_text()
    pretty = json.dumps(json.loads(text), indent=1)
    assert Catalog.from_text(pretty).apis == Catalog(json.loads(text)).apis


def test_every_curated_kind_exists_in_the_generated_served_sets() -> None:
    missing = sorted(key for key in CURATED if key not in SERVED["apis"])
    assert missing == []


def test_every_api_that_stops_being_served_is_curated() -> None:
    removed = [key for key, ranges in SERVED["apis"].items()
               if _is_resource_kind(key) and max(from_ranges(ranges)) < NEWEST]
    assert len(removed) > 100
    assert sorted(key for key in removed if key not in CURATED) == []


@pytest.mark.parametrize("key", sorted(CURATED))
def test_curated_removal_matches_schemas_or_explains_why(key: str) -> None:
    entry = CURATED[key]
    minors = _schema_minors(key)
    schema_removed = max(minors) + 1 if max(minors) < NEWEST else None
    removed = parse_minor(entry["removed_in"]) if entry.get("removed_in") else None
    if removed != schema_removed:
        assert entry.get("why_removed_differs"), (
            f"{key}: curated removed_in {removed} but the schemas stop at {schema_removed}")
        # a default cluster can stop serving earlier than the spec drops it, never later
        assert removed is not None and schema_removed is not None and removed < schema_removed
        assert removed > min(minors)
    else:
        assert not entry.get("why_removed_differs"), f"{key}: explanation for a difference that is not there"


@pytest.mark.parametrize("key", sorted(CURATED))
def test_curated_deprecation_and_replacement_are_consistent(key: str) -> None:
    entry = CURATED[key]
    kind = key.rpartition("/")[2]
    deprecated = parse_minor(entry["deprecated_in"]) if entry.get("deprecated_in") else None
    removed = parse_minor(entry["removed_in"]) if entry.get("removed_in") else None
    if deprecated is not None and removed is not None:
        assert deprecated <= removed
    replacement = entry.get("replacement")
    if replacement:
        target_kind = entry.get("replacement_kind") or kind
        replacement_key = f"{replacement}/{target_kind}"
        assert replacement_key in SERVED["apis"], f"{key}: replacement {replacement_key} never served"
        served = _schema_minors(replacement_key)
        assert max(served) == NEWEST or removed is None or max(served) >= removed, (
            f"{key}: replacement {replacement_key} is itself gone before {key} is removed")
        for interim in entry.get("interim_replacements", []):
            assert f"{interim}/{target_kind}" in SERVED["apis"]


KNOWN_FACTS = [
    # (apiVersion, kind, deprecated_in, removed_in, replacement) from the Kubernetes deprecation guide
    ("extensions/v1beta1", "Deployment", 8, 16, "apps/v1"),
    ("apps/v1beta2", "StatefulSet", 9, 16, "apps/v1"),
    ("extensions/v1beta1", "Ingress", 14, 22, "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "Ingress", 19, 22, "networking.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 16, 22, "apiextensions.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", 17, 22, "rbac.authorization.k8s.io/v1"),
    ("batch/v1beta1", "CronJob", 21, 25, "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget", 21, 25, "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy", 21, 25, None),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", 22, 25, "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", 23, 26, "autoscaling/v2"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", 24, 27, "storage.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 26, 29, "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 29, 32,
     "flowcontrol.apiserver.k8s.io/v1"),
]


@pytest.mark.parametrize(("api_version", "kind", "deprecated", "removed", "replacement"), KNOWN_FACTS)
def test_well_known_lifecycles(api_version: str, kind: str, deprecated: int, removed: int,
                               replacement: str | None) -> None:
    api = load_catalog().lookup(api_version, kind)
    assert api is not None
    assert (api.deprecated_in, api.removed_in, api.replacement) == (deprecated, removed, replacement)


def test_extensions_deployment_keeps_the_schema_value_beside_the_default_cluster_value() -> None:
    api = load_catalog().lookup("extensions/v1beta1", "Deployment")
    assert api is not None
    assert api.removed_in == 16 and api.schema_removed_in == 18
    assert 16 not in api.served and 17 in api.schema_served


def test_catalog_covers_every_minor_from_1_10_to_1_37() -> None:
    assert SERVED["minors"] == list(range(10, 38))
    assert Path(SCHEMAS / "sources.json").is_file()
