"""The bundled schema store: complete, consistent with the catalog, compact and reproducible."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT
from kcompat.catalog.build import META_KINDS
from kcompat.catalog.lifecycle import load_catalog
from kcompat.catalog.schema_store import SchemaStore, StoreError, default_store

STORE = ROOT / "schemas" / "store"
BUDGET_BYTES = 25 * 1000 * 1000


def test_every_bundled_minor_has_schemas() -> None:
    store = default_store()
    assert store.minors == tuple(range(10, 38))
    assert store.minors == load_catalog().minors


def test_schemas_match_the_catalog() -> None:
    """Every kind the catalog lists in a minor's OpenAPI has a schema there, and nothing else."""
    catalog = load_catalog()
    store = default_store()
    for minor in store.minors:
        in_store = {key for key in store.index(minor).kinds
                    if key.rpartition("/")[2] not in META_KINDS and not key.endswith("List")}
        in_catalog = {f"{api.api_version}/{api.kind}" for api in catalog.apis.values()
                      if minor in api.schema_served}
        assert in_store == in_catalog, minor
        assert store.resource_kinds(minor) == len(in_store)


def test_pools_match_the_manifest_and_every_index_entry_parses() -> None:
    store = default_store()
    for name, facts in store.manifest["files"].items():
        data = (STORE / name).read_bytes()
        assert len(data) == facts["bytes"] and hashlib.sha256(data).hexdigest() == facts["sha256"]
    pool_size = (STORE / "pool.jsonl").stat().st_size
    for minor in (10, 24, 25, 37):
        for name, entry in store.index(minor).definitions.items():
            assert entry[0] + entry[1] <= pool_size
            assert isinstance(store.definition(minor, name), dict)


def test_store_is_compact_and_deduplicated() -> None:
    total = sum(path.stat().st_size for path in STORE.iterdir() if path.is_file())
    assert total <= BUDGET_BYTES, f"schema store is {total / 1e6:.1f} MB"
    lines = (STORE / "pool.jsonl").read_bytes().splitlines()
    assert len(lines) == len(set(lines))  # each distinct definition once, across all versions
    references = sum(len(default_store().index(m).definitions) for m in default_store().minors)
    assert references > 4 * len(lines)


def test_normalised_dialect() -> None:
    store = default_store()
    int_or_string = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
    quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity"
    for minor in (10, 24, 25, 37):
        assert store.definition(minor, int_or_string) == {"x-kubernetes-int-or-string": True}
        assert store.definition(minor, quantity) == {"format": "quantity"}
        port = store.definition(minor, "io.k8s.api.core.v1.ContainerPort")
        assert port is not None and port["properties"]["hostIP"] == {"type": "string"}  # no "null"


def test_missing_or_damaged_store_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        SchemaStore(tmp_path).minors  # noqa: B018
    (tmp_path / "manifest.json").write_text('{"format": 99}')
    with pytest.raises(StoreError):
        SchemaStore(tmp_path).minors  # noqa: B018


def _builder() -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("build_schema_store", ROOT / "scripts" / "build_schema_store.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_rebuilding_gives_identical_bytes(tmp_path: Path) -> None:
    """Build twice from the pinned upstream artifacts; both equal each other and schemas/store."""
    builder = _builder()
    upstream = sys.modules["upstream"]
    artifacts = upstream.pinned_artifacts()
    if not all((upstream.DEFAULT_CACHE / a.filename).exists() for a in artifacts):
        message = "pinned upstream artifacts are not cached (run: python scripts/upstream.py)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run fetches them, so CI must run this test")
        pytest.skip(message)
    for name in ("a", "b"):
        files = builder.build(upstream.definitions_by_minor(artifacts, upstream.DEFAULT_CACHE), artifacts)
        builder.write(files, tmp_path / name)
    built = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert built == sorted(p.name for p in STORE.iterdir() if p.is_file())
    for name in built:
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes(), name
        assert first == (STORE / name).read_bytes(), f"schemas/store/{name} is stale; rebuild it"
    manifest = json.loads((STORE / "manifest.json").read_text())
    assert [s["sha256"] for s in manifest["sources"]] == [a.sha256 for a in artifacts]


@pytest.mark.slow
def test_served_apis_regenerate_identically_from_upstream() -> None:
    """schemas/served-apis.json is exactly what the pinned upstream schemas give."""
    _builder()
    upstream = sys.modules["upstream"]
    artifacts = upstream.pinned_artifacts()
    if not all((upstream.DEFAULT_CACHE / a.filename).exists() for a in artifacts):
        message = "pinned upstream artifacts are not cached (run: python scripts/upstream.py)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run fetches them, so CI must run this test")
        pytest.skip(message)
    scripts = STORE.parent.parent / "scripts"
    spec = importlib.util.spec_from_file_location("build_knowledge", scripts / "build_knowledge.py")
    assert spec is not None and spec.loader is not None
    knowledge = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(knowledge)
    from kcompat.catalog.build import served_ranges

    by_minor = upstream.definitions_by_minor(artifacts, upstream.DEFAULT_CACHE)
    served = {minor: knowledge.served_gvks(defs) for minor, defs in by_minor.items()}
    committed = json.loads((STORE.parent / "served-apis.json").read_text())
    assert committed["minors"] == sorted(served)
    assert committed["apis"] == served_ranges(served)
