"""Walking a repository: charts, kustomizations and the roles of the files they name."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from kcompat.sources.discover import CONFIG, PARTIAL, PATCH_OPS, TEMPLATE, Missing, discover_tree

CHARTS = FIXTURES / "corpus/charts"
ARGOCD = FIXTURES / "realworld/argocd-example-apps"


def files(items: list[str | Missing], root: Path) -> list[str]:
    return [os.path.relpath(item, root) for item in items if isinstance(item, str)]


def test_chart_templates_values_and_ci_are_not_manifests(tmp_path: Path) -> None:
    chart = tmp_path / "charts/kube-state-metrics"
    shutil.copytree(CHARTS / "modern/kube-state-metrics", chart)
    (chart / "crds").mkdir()
    (chart / "crds/thing.yaml").write_text("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n")
    sub = chart / "charts/hunter"
    shutil.copytree(CHARTS / "deprecated/kube-hunter", sub)
    (sub / "crds").mkdir()
    (sub / "crds/sub.yaml").write_text("kind: x\n")
    (tmp_path / "app.yaml").write_text("kind: x\n")
    items, tree = discover_tree([str(tmp_path)])
    assert files(items, tmp_path) == ["app.yaml", "charts/kube-state-metrics/charts/hunter/crds/sub.yaml",
                                      "charts/kube-state-metrics/crds/thing.yaml"]
    assert tree.charts == [str(chart)]  # the subchart is rendered with its parent, not alone


def test_chart_files_are_listed_in_walk_order_for_fix(tmp_path: Path) -> None:
    """chart_files (`kcompat fix`): every file of a chart in os.walk order, templates/ with their role;
    the chart is still recorded, and a file named explicitly inside a chart is yielded too."""
    chart = tmp_path / "charts/hunter"
    shutil.copytree(CHARTS / "deprecated/kube-hunter", chart)
    (chart / "crds").mkdir()
    (chart / "crds/crd.yaml").write_text("kind: x\n")
    (chart / "templates/sub").mkdir()
    (chart / "templates/sub/deep.yaml").write_text("kind: x\n")
    (tmp_path / "app.yaml").write_text("kind: x\n")
    items, tree = discover_tree([str(tmp_path)], chart_files=True)
    assert files(items, tmp_path) == ["app.yaml", "charts/hunter/Chart.yaml", "charts/hunter/values.yaml",
                                      "charts/hunter/crds/crd.yaml", "charts/hunter/templates/cronjob.yaml",
                                      "charts/hunter/templates/sub/deep.yaml"]
    assert tree.charts == [str(chart)]
    assert {os.path.relpath(path, tmp_path): role for path, role in tree.roles.items()} == {
        "charts/hunter/templates/cronjob.yaml": TEMPLATE, "charts/hunter/templates/sub/deep.yaml": TEMPLATE}
    named = str(chart / "templates/cronjob.yaml")
    items, tree = discover_tree([named], chart_files=True)
    assert items == [named] and tree.role_of(named) == TEMPLATE and tree.charts == [str(chart)]
    assert discover_tree([named])[0] == []  # without chart_files the chart is rendered instead


def test_kustomization_patches_are_partial_and_json6902_are_operations(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base/deploy.yaml").write_text("kind: x\n")
    (tmp_path / "base/kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    for name in ("sm.yaml", "p1.yaml", "p2.yaml", "ops.yaml", "ops2.yaml"):
        (overlay / name).write_text("kind: x\n")
    (overlay / "Kustomization").write_text(
        "resources: [../base]\n"
        "patchesStrategicMerge: [sm.yaml]\n"
        "patches:\n- p1.yaml\n- path: p2.yaml\n- path: ops2.yaml\n  target: {kind: Deployment}\n"
        "- patch: |-\n    kind: inline\n"
        "patchesJson6902:\n- target: {kind: Deployment, name: x}\n  path: ops.yaml\n")
    items, tree = discover_tree([str(tmp_path)])
    roles = {os.path.relpath(path, tmp_path): role for path, role in tree.roles.items()}
    assert roles == {"base/kustomization.yaml": CONFIG, "overlay/Kustomization": CONFIG,
                     "overlay/sm.yaml": PARTIAL, "overlay/p1.yaml": PARTIAL, "overlay/p2.yaml": PARTIAL,
                     "overlay/ops2.yaml": PARTIAL, "overlay/ops.yaml": PATCH_OPS}
    assert str(tmp_path / "base") in tree.bases
    assert "overlay/Kustomization" in files(items, tmp_path)


def test_real_repository_layout() -> None:
    items, tree = discover_tree([str(ARGOCD)])
    names = files(items, ARGOCD)
    assert not [name for name in names if "/templates/" in name or name.endswith(("values.yaml", "Chart.yaml"))]
    assert [os.path.relpath(chart, ARGOCD) for chart in tree.charts] == [
        "apps", "blue-green", "helm-dependency", "helm-guestbook", "plugins/kustomized-helm"]
    assert "sock-shop/kustomization.yaml" in names


def test_files_named_explicitly_are_placed_as_the_walk_places_them(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """pre-commit names staged files one by one: a chart's templates become its render, a patch keeps
    its role, a chart's crds/ file stays a manifest."""
    chart = tmp_path / "charts/guestbook"
    shutil.copytree(ARGOCD / "helm-guestbook", chart)
    (chart / "crds").mkdir()
    (chart / "crds/crd.yaml").write_text("kind: x\n")
    (tmp_path / "overlay/sub").mkdir(parents=True)
    (tmp_path / "overlay/sub/patch.yaml").write_text("kind: x\n")
    (tmp_path / "overlay/plain.yaml").write_text("kind: x\n")
    (tmp_path / "overlay/kustomization.yaml").write_text("patchesStrategicMerge: [sub/patch.yaml]\n")
    monkeypatch.chdir(tmp_path)
    named = ["charts/guestbook/templates/deployment.yaml", "charts/guestbook/values.yaml",
             "charts/guestbook/Chart.yaml", "charts/guestbook/crds/crd.yaml", "./overlay/sub/patch.yaml",
             "overlay/plain.yaml", "overlay/kustomization.yaml"]
    items, tree = discover_tree(named)
    assert items == ["charts/guestbook/crds/crd.yaml", "./overlay/sub/patch.yaml", "overlay/plain.yaml",
                     "overlay/kustomization.yaml"]
    assert tree.charts == ["charts/guestbook"]
    assert tree.roles == {"overlay/sub/patch.yaml": PARTIAL, "overlay/kustomization.yaml": CONFIG}
