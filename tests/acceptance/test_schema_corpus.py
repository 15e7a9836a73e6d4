"""Real manifests (fixtures/corpus, fixtures/schema) against the schemas of every version serving them.

Every built-in object must validate in each bundled version whose default cluster serves its
API, unless it is listed in KNOWN_INVALID with the reason a real cluster rejects it; and
deliberately broken copies of the same objects must fail at the field that was broken.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from kcompat.catalog.lifecycle import load_catalog
from kcompat.schema.builtin import version_schemas
from kcompat.sources.load import load_input
from kcompat.sources.resources import Resource, extract

ROOTS = (FIXTURES / "corpus", FIXTURES / "schema")
# file (relative to fixtures/) -> why a cluster of any version serving it rejects it
KNOWN_INVALID = {
    "corpus/bench/argo-cd/test/e2e/testdata/deprecated-extensions/ingress.yaml":
        "networking.k8s.io/v1 Ingress paths without pathType (the API server requires it)",
    "schema/builtin/broken.yaml": "deliberately broken",
    "schema/crds/invalid-crd.yaml": "deliberately broken",
    "schema/helm/rendered.yaml": "deliberately broken (replicas quoted)",
}


def _resources() -> Iterator[tuple[str, Resource]]:
    for root in ROOTS:
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".json") or "expected" in path.name:
                continue
            if "/charts/" in str(path):  # Helm templates: not YAML until rendered
                continue
            name = str(path.relative_to(FIXTURES))
            for resource in extract(load_input(str(path)).documents).resources:
                yield name, resource


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, Resource]]:
    return list(_resources())


def _errors(minor: int, resource: Resource) -> list[Any]:
    found = version_schemas(minor).validate(resource.api_version, resource.kind, resource.obj) or []
    return [p for p in found if p.code != "unknown" and not (p.code == "required" and p.path[:1] == ("status",))]


def test_real_manifests_validate_in_every_version_that_serves_them(corpus: list[tuple[str, Resource]]) -> None:
    catalog = load_catalog()
    checked = valid = 0
    unexpected: list[str] = []
    for name, resource in corpus:
        api = catalog.lookup(resource.api_version, resource.kind)
        if api is None:
            continue
        for minor in sorted(api.served):
            checked += 1
            errors = _errors(minor, resource)
            if not errors:
                valid += 1
            elif name not in KNOWN_INVALID:
                unexpected.append(f"{name} {resource.kind} {resource.name} at 1.{minor}: {errors[:2]}")
    assert not unexpected, "\n".join(unexpected[:20])
    assert checked > 4000 and valid > 0.9 * checked


def _first(obj: Any, key: str) -> Any:
    for value in obj.values() if isinstance(obj, dict) else obj if isinstance(obj, list) else ():
        if isinstance(value, dict) and key in value:
            return value
        found = _first(value, key)
        if found is not None:
            return found
    return None


BREAKAGES = {
    "containerPort": ("port as text", lambda parent: parent.__setitem__("containerPort", "http"), "type"),
    "image": ("image as a number", lambda parent: parent.__setitem__("image", 3), "type"),
    "replicas": ("replicas as a word", lambda parent: parent.__setitem__("replicas", "three"), "type"),
    "labels": ("label value as a boolean", lambda parent: parent["labels"].__setitem__("x", True), "type"),
    "selector": ("selector removed", lambda parent: parent.pop("selector"), "required"),
}


def test_broken_variants_fail_at_the_broken_field(corpus: list[tuple[str, Resource]]) -> None:
    catalog = load_catalog()
    tried = 0
    for name, resource in corpus:
        api = catalog.lookup(resource.api_version, resource.kind)
        if api is None or name in KNOWN_INVALID or not api.served or resource.kind == "CustomResourceDefinition":
            continue  # (a CRD's schema may mention any field name)
        minor = max(api.served)
        for key, (_, breaker, code) in BREAKAGES.items():
            obj = copy.deepcopy(resource.obj)
            parent = _first(obj, key)
            if parent is None or (key == "labels" and not isinstance(parent.get("labels"), dict)):
                continue
            if key == "selector" and resource.kind not in ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"):
                continue
            breaker(parent)
            broken = Resource(resource.api_version, resource.kind, obj, resource.document, resource.path)
            errors = _errors(minor, broken)
            assert any(p.code == code and (p.field == key or key in p.path) for p in errors), \
                f"{name} {resource.kind}: breaking {key} gave {errors}"
            tried += 1
    assert tried > 200


def test_an_unknown_field_is_found_anywhere(corpus: list[tuple[str, Resource]]) -> None:
    catalog = load_catalog()
    for name, resource in corpus[:400]:
        api = catalog.lookup(resource.api_version, resource.kind)
        if api is None or not api.served:
            continue
        obj = copy.deepcopy(resource.obj)
        parent = _first(obj, "name")
        if parent is None:
            continue
        parent["nmae"] = "typo"
        found = version_schemas(max(api.served)).validate(resource.api_version, resource.kind, obj) or []
        unknown = [p for p in found if p.code == "unknown" and p.field == "nmae"]
        if "name" in (unknown[0].known if unknown else ()):
            assert unknown, f"{name}: {found}"


def test_fixture_roots_exist() -> None:
    assert all(Path(root).is_dir() for root in ROOTS)
