"""kcompat check over real manifests (fixtures/corpus, copied from the shared corpus) and the demo."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CLI, FIXTURES

CORPUS = FIXTURES / "corpus"


CONFIG_GROUPS = {entry["group"] for entry in
                 yaml.safe_load((FIXTURES.parent / "schemas/config-apis.yaml").read_text())["groups"]}


def independent_object_count(paths: list[Path]) -> int:
    """Objects as the corpus defines them: mappings with string apiVersion and kind, List items each;
    tool configuration (a Kustomization, a kubeadm file: schemas/config-apis.yaml) is not an object."""

    def count(value: Any) -> int:
        if not isinstance(value, dict):
            return 0
        if not (isinstance(value.get("apiVersion"), str) and isinstance(value.get("kind"), str)):
            return 0
        if value["apiVersion"].rpartition("/")[0] in CONFIG_GROUPS:
            return 0
        items = value.get("items")
        if value["kind"].endswith("List") and isinstance(items, list):
            return sum(count(item) for item in items)
        return 1

    total = 0
    for path in paths:
        total += sum(count(doc) for doc in yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader))
    return total


def corpus_manifests() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json")
                  and "charts" not in p.relative_to(CORPUS).parts)


def test_every_corpus_object_is_accounted_for_without_errors(run_cli: CLI) -> None:
    paths = corpus_manifests()
    assert len(paths) >= 20
    run = run_cli("check", *map(str, paths), "-t", "1.29", "-o", "json", "--fail-on", "none")
    assert run.code == 0, run.err
    data = run.json()
    assert data["inputErrors"] == []
    assert data["summary"]["files"] == len(paths)
    assert data["summary"]["objects"] == independent_object_count(paths)
    rules = Counter(f["rule"] for f in data["findings"])
    assert rules["parse-error"] == 0 and rules["skipped-file"] == 0
    assert rules["removed-api"] > 10  # the 2018 manifests are full of removed APIs


@pytest.mark.parametrize("name", ["metrics-server-v0.7.2", "cert-manager-v1.3.1"])
def test_crd_bundles_match_their_expected_kubernetes_findings(run_cli: CLI, name: str) -> None:
    folder = CORPUS / "crds" / name
    expected = yaml.safe_load((folder / "expected.yaml").read_text())["kubernetes_api_findings"]
    for target, findings in expected.items():
        version = ".".join(target.split(".")[:2])
        run = run_cli("check", str(folder), "-t", version, "-o", "json", "--fail-on", "none")
        got = [{"apiVersion": f["apiVersion"], "kind": f["kind"], "name": f["name"]}
               for f in run.json()["findings"] if f["rule"] in ("removed-api", "deprecated-api")]
        want = [{"apiVersion": f["apiVersion"], "kind": f["kind"], "name": f.get("name")} for f in findings]
        assert got == want, target


def test_demo_reports_exactly_its_expected_findings(run_cli: CLI) -> None:
    demo = FIXTURES / "demo"
    expected = yaml.safe_load((demo / "expected-1.29.yaml").read_text())
    run = run_cli("check", str(demo), "-t", "1.29", "-c", "1.21", "-o", "json")
    assert run.code == 1
    got = sorted(
        (Path(f["path"]).name, f["kind"], f["name"], f["apiVersion"], f["rule"], f["suppressed"])
        for f in run.json()["findings"] if f["rule"] in ("removed-api", "deprecated-api"))
    want = sorted((e["file"], e["kind"], e["name"], e["apiVersion"], e["rule"], e.get("suppressed", False))
                  for e in expected)
    assert got == want
    assert all(f["hop"] for f in run.json()["findings"]
               if not f["suppressed"] and f["rule"] in ("removed-api", "deprecated-api"))
